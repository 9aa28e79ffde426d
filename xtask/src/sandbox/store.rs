//! What the sandbox accepted: one [`Record`] per accepted message (its ids, the `custom`
//! reference, the number, when it was accepted and what its receipt will say), indexed for the
//! delivery-status query and the admin endpoints, and the counters a crash test checks
//! (accepted sends per `custom`, drops, throttled, failed and invalid requests).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};

/// One accepted message (one recipient of one accepted send).
#[derive(Debug, Clone)]
pub struct Record {
    /// Message id (`<group_id>:<n>`), as answered.
    pub id: String,
    /// Batch id of the send, as answered.
    pub group_id: String,
    /// Product tag of the operation (`sms`, `whatsapp`, …).
    pub product: String,
    /// The user's `custom` reference, if the send had one.
    pub custom: Option<String>,
    /// Recipient number.
    pub mobile: String,
    /// Parts billed.
    pub units: u64,
    /// Length of the text in characters.
    pub length: u64,
    /// When it was accepted.
    pub submitted_at: SystemTime,
    /// When its delivery receipt is emitted.
    pub receipt_at: SystemTime,
    /// What the receipt says: delivered or failed.
    pub delivered: bool,
    /// False when the connection was closed instead of answering (`--drop-after-accept`).
    pub answered: bool,
}

impl Record {
    /// The status at `now`: `AWAITING-DLR` before the receipt, then `DELIVRD` or `UNDELIV`.
    pub fn status(&self, now: SystemTime) -> &'static str {
        if now < self.receipt_at {
            "AWAITING-DLR"
        } else if self.delivered {
            "DELIVRD"
        } else {
            "UNDELIV"
        }
    }

    /// The record as the admin endpoint shows it.
    pub fn to_json(&self, now: SystemTime) -> Value {
        json!({
            "id": self.id, "group_id": self.group_id, "product": self.product,
            "custom": self.custom, "mobile": self.mobile, "status": self.status(now),
            "submitted_at": timestamp(self.submitted_at), "answered": self.answered,
        })
    }
}

/// Which records a query wants; every given field must match.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Message id.
    pub id: Option<String>,
    /// Recipient number.
    pub mobile: Option<String>,
    /// `custom` reference.
    pub cid: Option<String>,
    /// Batch id.
    pub group_id: Option<String>,
    /// Day of acceptance, `yyyy-mm-dd` (UTC).
    pub date: Option<String>,
}

impl Filter {
    fn matches(&self, r: &Record) -> bool {
        let eq = |want: &Option<String>, have: Option<&str>| {
            want.as_deref().is_none_or(|w| Some(w) == have)
        };
        eq(&self.id, Some(&r.id))
            && eq(&self.mobile, Some(&r.mobile))
            && eq(&self.cid, r.custom.as_deref())
            && eq(&self.group_id, Some(&r.group_id))
            && self
                .date
                .as_deref()
                .is_none_or(|d| timestamp(r.submitted_at).starts_with(d))
    }

    /// Whether no field is given.
    pub fn is_empty(&self) -> bool {
        self.id.is_none()
            && self.mobile.is_none()
            && self.cid.is_none()
            && self.group_id.is_none()
            && self.date.is_none()
    }
}

/// Request counters of the send operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counters {
    /// Send requests that reached the sandbox with the right token.
    pub requests: u64,
    /// Send requests accepted (answered or dropped).
    pub accepted: u64,
    /// Messages accepted (one per recipient).
    pub messages: u64,
    /// Accepted sends whose connection was closed without an answer.
    pub dropped: u64,
    /// Sends answered 429 by `--throttle`.
    pub throttled: u64,
    /// Sends answered 500 by `--fail-rate`.
    pub failed: u64,
    /// Sends refused as invalid (4xx).
    pub invalid: u64,
}

#[derive(Default)]
struct Inner {
    records: Vec<Record>,
    by_id: HashMap<String, usize>,
    by_group: HashMap<String, Vec<usize>>,
    by_cid: HashMap<String, Vec<usize>>,
    by_mobile: HashMap<String, Vec<usize>>,
    /// Accepted send requests per `custom`.
    accepted_by_cid: HashMap<String, u64>,
    /// Send requests seen per `custom` (the attempt number of the fault draws).
    attempts_by_cid: HashMap<String, u64>,
    counters: Counters,
    next_group: u64,
}

/// The accepted messages and the counters; shared by every connection.
#[derive(Default)]
pub struct Store {
    inner: Mutex<Inner>,
}

impl Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts a send request; the key of its fault draws: `<custom>#<attempt>` with a
    /// reference, `#<request number>` without.
    pub fn arrived(&self, custom: Option<&str>) -> String {
        let mut inner = self.lock();
        inner.counters.requests += 1;
        match custom {
            Some(c) => {
                let n = inner.attempts_by_cid.entry(c.to_string()).or_default();
                *n += 1;
                format!("{c}#{}", *n - 1)
            }
            None => format!("#{}", inner.counters.requests),
        }
    }

    /// Adds one to a counter.
    pub fn count(&self, which: impl FnOnce(&mut Counters) -> &mut u64) {
        *which(&mut self.lock().counters) += 1;
    }

    /// A fresh batch number (the group id is made from it and the seed).
    pub fn next_group(&self) -> u64 {
        let mut inner = self.lock();
        inner.next_group += 1;
        inner.next_group
    }

    /// Records the messages of one accepted send request.
    pub fn accept(&self, custom: Option<&str>, records: Vec<Record>) {
        let mut inner = self.lock();
        inner.counters.accepted += 1;
        inner.counters.messages += records.len() as u64;
        if let Some(c) = custom {
            *inner.accepted_by_cid.entry(c.to_string()).or_default() += 1;
        }
        for record in records {
            let at = inner.records.len();
            inner.by_id.insert(record.id.clone(), at);
            inner
                .by_group
                .entry(record.group_id.clone())
                .or_default()
                .push(at);
            if let Some(c) = &record.custom {
                inner.by_cid.entry(c.clone()).or_default().push(at);
            }
            inner
                .by_mobile
                .entry(record.mobile.clone())
                .or_default()
                .push(at);
            inner.records.push(record);
        }
    }

    /// Marks the records of `group_id` as never answered and counts the drop.
    pub fn dropped(&self, group_id: &str) {
        let mut inner = self.lock();
        inner.counters.dropped += 1;
        let at = inner.by_group.get(group_id).cloned().unwrap_or_default();
        for i in at {
            inner.records[i].answered = false;
        }
    }

    /// The records `filter` selects, in order of acceptance.
    pub fn find(&self, filter: &Filter) -> Vec<Record> {
        let inner = self.lock();
        let candidates: Box<dyn Iterator<Item = usize>> = if let Some(id) = &filter.id {
            Box::new(inner.by_id.get(id).copied().into_iter())
        } else if let Some(cid) = &filter.cid {
            Box::new(inner.by_cid.get(cid).into_iter().flatten().copied())
        } else if let Some(group) = &filter.group_id {
            Box::new(inner.by_group.get(group).into_iter().flatten().copied())
        } else if let Some(mobile) = &filter.mobile {
            Box::new(inner.by_mobile.get(mobile).into_iter().flatten().copied())
        } else {
            Box::new(0..inner.records.len())
        };
        candidates
            .map(|i| &inner.records[i])
            .filter(|r| filter.matches(r))
            .cloned()
            .collect()
    }

    /// Accepted send requests with the reference `cid`.
    pub fn accepted_sends(&self, cid: &str) -> u64 {
        self.lock().accepted_by_cid.get(cid).copied().unwrap_or(0)
    }

    /// Everything `GET /__sandbox/stats` shows.
    pub fn stats(&self, now: SystemTime) -> Value {
        let inner = self.lock();
        let c = inner.counters;
        let (mut pending, mut delivered, mut failed) = (0u64, 0u64, 0u64);
        for r in &inner.records {
            match r.status(now) {
                "AWAITING-DLR" => pending += 1,
                "DELIVRD" => delivered += 1,
                _ => failed += 1,
            }
        }
        let by_cid: Map<String, Value> = inner
            .accepted_by_cid
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let duplicates: Map<String, Value> = inner
            .accepted_by_cid
            .iter()
            .filter(|(_, v)| **v > 1)
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        json!({
            "sends": {
                "requests": c.requests, "accepted": c.accepted, "messages": c.messages,
                "dropped": c.dropped, "throttled": c.throttled, "failed": c.failed,
                "invalid": c.invalid,
            },
            "receipts": {"pending": pending, "delivered": delivered, "failed": failed},
            "customs": by_cid.len(),
            "duplicates": duplicates,
            "accepted_by_custom": by_cid,
        })
    }
}

/// `yyyy-mm-dd hh:mm:ss` in UTC, the platform's time format.
pub fn timestamp(at: SystemTime) -> String {
    let secs = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, group: &str, custom: Option<&str>, mobile: &str) -> Record {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        Record {
            id: id.into(),
            group_id: group.into(),
            product: "sms".into(),
            custom: custom.map(str::to_string),
            mobile: mobile.into(),
            units: 1,
            length: 5,
            submitted_at: now,
            receipt_at: now + Duration::from_secs(1),
            delivered: false,
            answered: true,
        }
    }

    #[test]
    fn timestamps_are_utc_civil_times() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(timestamp(t), "2023-11-14 22:13:20");
        assert_eq!(timestamp(SystemTime::UNIX_EPOCH), "1970-01-01 00:00:00");
        let leap = SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(timestamp(leap), "2000-02-29 00:00:00");
    }

    #[test]
    fn queries_combine_their_fields_and_the_status_follows_the_receipt() {
        let store = Store::default();
        assert_eq!(store.arrived(Some("r1")), "r1#0");
        store.accept(
            Some("r1"),
            vec![
                record("g:1", "g", Some("r1"), "911"),
                record("g:2", "g", Some("r1"), "912"),
            ],
        );
        store.accept(None, vec![record("h:1", "h", None, "911")]);
        assert_eq!(store.arrived(Some("r1")), "r1#1");
        let by = |f: Filter| store.find(&f).into_iter().map(|r| r.id).collect::<Vec<_>>();
        let cid = |c: &str| Filter {
            cid: Some(c.into()),
            ..Filter::default()
        };
        assert_eq!(by(cid("r1")), ["g:1", "g:2"]);
        assert!(by(cid("nope")).is_empty());
        let both = Filter {
            mobile: Some("911".into()),
            group_id: Some("h".into()),
            ..Filter::default()
        };
        assert_eq!(by(both), ["h:1"]);
        assert_eq!(store.accepted_sends("r1"), 1);
        let r = &store.find(&cid("r1"))[0];
        assert_eq!(r.status(r.submitted_at), "AWAITING-DLR");
        assert_eq!(r.status(r.receipt_at), "UNDELIV");
        store.dropped("g");
        assert!(store.find(&cid("r1")).iter().all(|r| !r.answered));
        assert_eq!(store.stats(r.receipt_at)["sends"]["dropped"], 1);
    }
}
