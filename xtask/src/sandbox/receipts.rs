//! Delivery receipts of the SMS the sandbox accepted: at each message's receipt time
//! (`--receipt-delay` after acceptance) its `sms:message:status` event, built from the spec's
//! callback example with the message's real id, number, `custom` reference, units and the
//! status the receipt gives (`DELIVRD`, or `UNDELIV` per `--receipt-fail-rate`), goes to the
//! registered webhooks. One thread waits for the earliest due receipt; nothing is queued
//! while no webhook is registered.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::SystemTime;

use serde_json::{Value, json};

use super::store::{Record, timestamp};
use super::webhooks::Emitter;

/// The SMS status event.
const EVENT: &str = "sms:message:status";

/// A receipt waiting for its time.
struct Due(Record);

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    /// Earliest first in the max-heap.
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.receipt_at.cmp(&self.0.receipt_at)
    }
}

/// The receipt queue and the thread that empties it.
pub struct Receipts {
    emitter: Arc<Emitter>,
    queue: Mutex<BinaryHeap<Due>>,
    wake: Condvar,
}

impl Receipts {
    /// A queue delivering through `emitter`; its thread runs for the life of the process.
    pub fn start(emitter: Arc<Emitter>) -> Arc<Receipts> {
        let receipts = Arc::new(Receipts {
            emitter,
            queue: Mutex::default(),
            wake: Condvar::new(),
        });
        let worker = receipts.clone();
        std::thread::spawn(move || worker.run());
        receipts
    }

    /// Queues the receipts of `records` (when a webhook is registered to receive them).
    pub fn schedule(&self, records: &[Record]) {
        if !self.emitter.has_hooks() {
            return;
        }
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        queue.extend(records.iter().cloned().map(Due));
        self.wake.notify_one();
    }

    fn run(&self) {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let now = SystemTime::now();
            let wait = match queue.peek() {
                None => None,
                Some(due) => match due.0.receipt_at.duration_since(now) {
                    Ok(wait) if !wait.is_zero() => Some(wait),
                    _ => {
                        let Due(record) = queue.pop().expect("peeked");
                        drop(queue);
                        self.emit(&record);
                        queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
                        continue;
                    }
                },
            };
            queue = match wait {
                None => self.wake.wait(queue).unwrap_or_else(|e| e.into_inner()),
                Some(wait) => {
                    self.wake
                        .wait_timeout(queue, wait)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        }
    }

    fn emit(&self, record: &Record) {
        let Some(template) = self.emitter.template(EVENT) else {
            eprintln!("sandbox: no callback example for `{EVENT}` in the spec; nothing delivered");
            return;
        };
        self.emitter.deliver(vec![event(template, record)]);
    }
}

/// The status event of `record` once its receipt is in, from the spec's example `template`.
pub fn event(template: &Value, record: &Record) -> Value {
    let mut event = template.clone();
    if let Some(payload) = event.get_mut("payload").and_then(Value::as_object_mut) {
        let custom = record.custom.clone().unwrap_or_default();
        let fields = [
            ("id", json!(record.id)),
            ("mobile", json!(record.mobile)),
            ("status", json!(record.status(record.receipt_at))),
            ("units", json!(record.units)),
            ("credits", json!(format!("{}.0000", record.units))),
            ("cid", json!(custom)),
            ("custom", json!(custom)),
            ("submit_time", json!(timestamp(record.submitted_at))),
            ("sent_time", json!(timestamp(record.submitted_at))),
            ("deliv_time", json!(timestamp(record.receipt_at))),
        ];
        for (key, value) in fields {
            payload.insert(key.into(), value);
        }
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_event_carries_the_record() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let record = Record {
            id: "g:1".into(),
            group_id: "g".into(),
            product: "sms".into(),
            custom: Some("ref-9".into()),
            mobile: "919800000001".into(),
            units: 2,
            length: 200,
            submitted_at: at,
            receipt_at: at + Duration::from_secs(2),
            delivered: false,
            answered: true,
        };
        let template = json!({"event": EVENT, "payload": {"id": "x", "status": "DELIVRD", "cid": "y", "region": "KA"}});
        let e = event(&template, &record);
        assert_eq!(e["payload"]["id"], "g:1");
        assert_eq!(e["payload"]["status"], "UNDELIV");
        assert_eq!(e["payload"]["cid"], "ref-9");
        assert_eq!(e["payload"]["deliv_time"], "2023-11-14 22:13:22");
        assert_eq!(e["payload"]["region"], "KA");
    }
}
