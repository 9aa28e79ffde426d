//! Drift reports: where a server's JSON differs from the spec, with the operation (or webhook
//! event) and the JSON pointer (RFC 6901) of the difference.
//!
//! The client decodes leniently — unknown fields are ignored, unknown enum values kept as
//! `Unknown(..)`, unknown `oneOf` shapes kept as raw JSON — and reports every such difference
//! once: to a hook ([`ClientBuilder::on_drift`](crate::ClientBuilder::on_drift)), to a log
//! readable without tracing ([`Client::drift_reports`](crate::Client::drift_reports)), and, with
//! the `tracing` feature, as a `warn` event with target `qikberry::drift`.
//!
//! Cost: the success path decodes with plain `serde_json` exactly once. Unknown enum values and
//! shapes raise a flag while decoding (a thread-local write, only when one is met). On a sample
//! of responses ([`FieldCheck`]) the body is instead decoded once through a path-tracking wrapper
//! that also records every member the type ignores; every drift it meets is recorded with its
//! pointer in that same pass. An unchecked response that raised a flag for something not yet
//! located is decoded once more that way (once per source and unknown value: a value that
//! recurs in every response, or in every item of a list, is located once). Figures in
//! BENCHMARKS.md.
//!
//! ```no_run
//! # async fn demo() -> Result<(), qikberry::Error> {
//! let client = qikberry::Client::builder()
//!     .token_from_env()
//!     .on_drift(|r| eprintln!("drift: {r}"))
//!     .build()?;
//! client.sms().list_senders().send().await?;
//! for r in client.drift_reports() {
//!     println!("{} {} {}", r.source, r.pointer, r.kind);
//! }
//! # Ok(())
//! # }
//! ```

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serde::de::DeserializeOwned;

/// What differs from the spec.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DriftKind {
    /// A field the spec does not declare (ignored by the typed value).
    UnknownField,
    /// A string enum value the spec does not list (kept as `Unknown(..)`).
    UnknownEnumValue {
        /// The generated enum type.
        type_name: String,
        /// The value received; empty in a [`DriftLog`]'s reports unless it keeps wire values
        /// ([`DriftLog::with_wire_values`]).
        value: String,
    },
    /// A `oneOf` value matching none of its shapes (kept as raw JSON in `Unknown(..)`).
    UnknownShape {
        /// The generated type.
        type_name: String,
    },
    /// A value accepted through a documented leniency (e.g. a zero date read as "no time").
    Lenient {
        /// What was accepted: a fixed description (`"number as string"`), borrowed — a body
        /// with several lenient values allocates no text for them.
        detail: Cow<'static, str>,
    },
    /// A value that fits the typed model in no way (a webhook payload handed on untyped as
    /// `Event::Unparsed`); the decode error.
    Unparsed {
        /// Why it did not fit (in a [`DriftLog`]'s reports, without the values it quoted
        /// unless the log keeps wire values).
        error: String,
    },
}

impl fmt::Display for DriftKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriftKind::UnknownField => f.write_str("unknown field"),
            DriftKind::UnknownEnumValue { type_name, value } if value.is_empty() => {
                write!(f, "unknown {type_name} value")
            }
            DriftKind::UnknownEnumValue { type_name, value } => {
                write!(f, "unknown {type_name} value {value:?}")
            }
            DriftKind::UnknownShape { type_name } => write!(f, "unknown {type_name} shape"),
            DriftKind::Lenient { detail } => write!(f, "lenient: {detail}"),
            DriftKind::Unparsed { error } => write!(f, "unparsed: {error}"),
        }
    }
}

/// One difference between what the server sent and the spec.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DriftReport {
    /// The operationId (`sms_list_senders`) or webhook event name that carried it; borrowed
    /// when it is one the crate knows (every report of a known webhook event), so a report
    /// allocates only its pointer.
    pub source: Cow<'static, str>,
    /// JSON pointer of the value (`/data/0/status`); `""` for the whole body or when the place
    /// could not be determined (inside an untagged `oneOf`).
    pub pointer: String,
    /// What differs.
    pub kind: DriftKind,
}

impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} at `{}`", self.source, self.kind, self.pointer)
    }
}

/// How often responses are checked for unknown fields (a checked response is decoded through a
/// path-tracking wrapper that sees every member the type skips, instead of plain `serde_json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldCheck {
    /// Every response.
    Always,
    /// The first `first` responses of each source, then one in `every`.
    Sampled {
        /// Responses always checked per source.
        first: u32,
        /// After those, one response in this many (at least 1).
        every: u32,
    },
    /// Never (unknown enum values and shapes are still reported).
    Never,
}

impl Default for FieldCheck {
    /// `Sampled { first: 16, every: 64 }`: a systematic difference is seen on the first
    /// responses; in the steady state one response in 64 is decoded through the tracking
    /// wrapper (about 1.3–1.5× a plain decode, see BENCHMARKS.md).
    fn default() -> Self {
        FieldCheck::Sampled {
            first: 16,
            every: 64,
        }
    }
}

/// How many distinct reports a [`DriftLog`] keeps whole (oldest dropped first).
pub const KEPT_REPORTS: usize = 256;
/// How many distinct drifts a [`DriftLog`] remembers as already reported (as 64-bit
/// fingerprints, oldest forgotten first: a forgotten drift that recurs is reported again).
pub const REMEMBERED_DRIFTS: usize = 4096;
/// The longest pointer or text a kept report holds, in bytes (longer ones are cut at a
/// character boundary and end with `…`).
pub const MAX_REPORT_TEXT: usize = 256;

mod fingerprint;
mod scrub;
pub mod track;

pub use scrub::scrub_values;

type Hook = Arc<dyn Fn(&DriftReport) + Send + Sync>;

/// Where reports go: deduplicated (one report per source, pointer and kind — array indices,
/// values and positions aside), counted, kept, passed to the hook and to `tracing`.
///
/// **Bounded**: at most [`KEPT_REPORTS`] reports are kept (each at most about
/// 3 × [`MAX_REPORT_TEXT`] bytes), [`REMEMBERED_DRIFTS`] fingerprints of reported drifts and
/// as many of located notes (16 bytes each with their queue slot), and the last 8 small
/// reports met (for a quick repeat check): under 1 MiB in all, however many bodies drift and
/// however they differ.
///
/// **No wire values** by default: a report says *where* and *how* a body differs, never what
/// it held. An unknown enum value is reported without the value, a decode error with its
/// quoted values and positions removed ([`scrub_values`]). [`DriftLog::with_wire_values`]
/// keeps them (cut to [`MAX_REPORT_TEXT`]) for a log that may hold personal data.
#[derive(Default)]
pub struct DriftLog {
    hook: Option<Hook>,
    field_check: FieldCheck,
    wire_values: bool,
    state: Mutex<LogState>,
}

#[derive(Default)]
struct LogState {
    seen: fingerprint::Bounded,
    /// Notes (source, kind) already located: a systematic unknown value costs
    /// the locating decode once, not on every response.
    located: fingerprint::Bounded,
    kept: VecDeque<DriftReport>,
    /// The last few small reports met, compared whole before any fingerprint is computed: a
    /// drift that repeats on every body costs a comparison. Reports over
    /// [`RECENT_TEXT`] bytes are not kept here (the bound on this cache's memory).
    recent: VecDeque<DriftReport>,
    total: u64,
    checks: HashMap<String, u64>,
}

/// How many recent reports are compared whole.
const RECENT_REPORTS: usize = 8;
/// The largest report (source, pointer and kind text together, in bytes) kept among the
/// recent ones.
const RECENT_TEXT: usize = 3 * MAX_REPORT_TEXT;

/// The text a report holds, in bytes (what [`LogState::recent`] may cost).
fn text_len(r: &DriftReport) -> usize {
    let kind = match &r.kind {
        DriftKind::UnknownEnumValue { type_name, value } => type_name.len() + value.len(),
        DriftKind::UnknownShape { type_name } => type_name.len(),
        DriftKind::Lenient { detail } => detail.len(),
        DriftKind::Unparsed { error } => error.len(),
        DriftKind::UnknownField => 0,
    };
    r.source.len() + r.pointer.len() + kind
}

impl LogState {
    /// Counts and keeps `report` if it is new, as `shown` makes it; returns the kept copy.
    fn admit(
        &mut self,
        report: &DriftReport,
        shown: impl FnOnce(&DriftReport) -> DriftReport,
    ) -> Option<DriftReport> {
        if self.recent.contains(report) {
            return None;
        }
        if text_len(report) <= RECENT_TEXT {
            if self.recent.len() == RECENT_REPORTS {
                self.recent.pop_front();
            }
            self.recent.push_back(report.clone());
        }
        // A fingerprint is a hash over borrowed parts: an already-seen drift allocates nothing.
        if !self.seen.insert(fingerprint::of_report(report)) {
            return None;
        }
        self.total += 1;
        if self.kept.len() == KEPT_REPORTS {
            self.kept.pop_front();
        }
        let kept = shown(report);
        self.kept.push_back(kept.clone());
        Some(kept)
    }
}

impl fmt::Debug for DriftLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DriftLog")
            .field("hook", &self.hook.is_some())
            .field("field_check", &self.field_check)
            .field("reported", &self.count())
            .finish()
    }
}

impl DriftLog {
    /// A log with the default [`FieldCheck`] and no hook.
    pub fn new() -> Self {
        DriftLog::default()
    }

    /// Calls `hook` with every new report.
    pub fn with_hook(mut self, hook: impl Fn(&DriftReport) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// Sets how often bodies are checked for unknown fields.
    pub fn with_field_check(mut self, check: FieldCheck) -> Self {
        self.field_check = check;
        self
    }

    /// Keeps wire values in reports: unknown enum values and decode errors as received (cut
    /// to [`MAX_REPORT_TEXT`]). Off by default, as they may hold personal data (a phone
    /// number, a message text) that would reach your logs.
    pub fn with_wire_values(mut self, keep: bool) -> Self {
        self.wire_values = keep;
        self
    }

    /// The report as kept and shown: bounded, and without wire values unless asked for.
    fn shown(&self, report: &DriftReport) -> DriftReport {
        let kind = match &report.kind {
            DriftKind::UnknownEnumValue { type_name, value } => DriftKind::UnknownEnumValue {
                type_name: scrub::cut(type_name),
                value: if self.wire_values {
                    scrub::cut(value)
                } else {
                    String::new()
                },
            },
            DriftKind::Unparsed { error } => DriftKind::Unparsed {
                error: self.text(error),
            },
            DriftKind::Lenient { detail } => DriftKind::Lenient {
                detail: self.text(detail).into(),
            },
            other => other.clone(),
        };
        DriftReport {
            source: scrub::cut(&report.source).into(),
            pointer: scrub::cut(&report.pointer),
            kind,
        }
    }

    fn text(&self, text: &str) -> String {
        if self.wire_values {
            scrub::cut(text)
        } else {
            scrub::cut(&scrub_values(text))
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a report; `false` when the same drift was already reported.
    pub fn record(&self, report: DriftReport) -> bool {
        self.record_ref(&report)
    }

    /// Like [`DriftLog::record`], for a report the caller keeps: it is cloned only when new.
    pub fn record_ref(&self, report: &DriftReport) -> bool {
        self.record_all(std::slice::from_ref(report)) == 1
    }

    /// Records several reports under one lock (those of one body); returns how many were new.
    pub fn record_all(&self, reports: &[DriftReport]) -> usize {
        if reports.is_empty() {
            return 0;
        }
        // Allocates only when a report is new (rare once a drift has been seen).
        let mut fresh = Vec::new();
        {
            let mut st = self.lock();
            for report in reports {
                if let Some(kept) = st.admit(report, |r| self.shown(r)) {
                    fresh.push(kept);
                }
            }
        }
        for report in &fresh {
            self.announce(report);
        }
        fresh.len()
    }

    /// Tells `tracing` and the hook about a new report.
    fn announce(&self, report: &DriftReport) {
        crate::metrics::drift_report(&report.source);
        #[cfg(feature = "tracing")]
        tracing::warn!(
            target: "qikberry::drift",
            source = %report.source,
            pointer = %report.pointer,
            kind = %report.kind,
            "the server's JSON differs from the spec"
        );
        if let Some(hook) = &self.hook {
            hook(report);
        }
    }

    /// The distinct reports kept so far, oldest first.
    pub fn reports(&self) -> Vec<DriftReport> {
        self.lock().kept.iter().cloned().collect()
    }

    /// How many distinct drifts were reported in total.
    pub fn count(&self) -> u64 {
        self.lock().total
    }

    /// Whether this body of `source` is checked for unknown fields.
    fn check_fields(&self, source: &str) -> bool {
        match self.field_check {
            FieldCheck::Always => true,
            FieldCheck::Never => false,
            FieldCheck::Sampled { first, every } => {
                let mut st = self.lock();
                let n = match st.checks.get_mut(source) {
                    Some(n) => n,
                    None => st.checks.entry(source.to_owned()).or_insert(0),
                };
                *n += 1;
                *n <= u64::from(first) || *n % u64::from(every.max(1)) == 0
            }
        }
    }

    /// Decodes `body` as `T` and reports its drift to this log. The result is exactly
    /// `serde_json::from_slice`'s. Every pass (plain, locating, checking fields) runs one and
    /// the same instantiation of `T`'s `Deserialize`, see [`track::decode_plain`].
    pub fn decode<T: DeserializeOwned>(
        &self,
        source: &str,
        body: &[u8],
    ) -> Result<T, serde_json::Error> {
        let tracked = self.begin_decode(source);
        let value = track::decode_body::<T>(body, tracked);
        self.end_decode(source, tracked, value.is_ok(), body, track::locate::<T>);
        value
    }

    /// Starts a decode of `source`: tracked, recording ignored members, when this one is
    /// sampled for the field check (returns `true`), else plain with notes taken.
    fn begin_decode(&self, source: &str) -> bool {
        let tracked = self.check_fields(source);
        if tracked {
            track::begin("", true);
        } else {
            start_notes();
        }
        tracked
    }

    /// Ends a decode that [`begin_decode`](Self::begin_decode) started: records what a tracked
    /// one found, or locates (with `locate`, a second pass) the notes of a plain one that are
    /// new.
    fn end_decode(
        &self,
        source: &str,
        tracked: bool,
        decoded: bool,
        body: &[u8],
        locate: track::Locate,
    ) {
        let found = if tracked {
            track::finish().0
        } else if self.notes_to_locate(source, decoded) {
            // The first value is still alive; this pass only locates (its value is dropped).
            track::run_located(body, false, locate).1
        } else {
            return;
        };
        self.record_found(source, found);
    }

    /// Ends the notes of a plain decode of `source`: whether it succeeded (`decoded`) and
    /// raised a note not located before, so a locating pass must follow.
    fn notes_to_locate(&self, source: &str, decoded: bool) -> bool {
        let notes = take_notes();
        decoded && !notes.is_empty() && self.newly_noted(source, &notes)
    }

    /// Whether any of `notes` was not located before for `source` (marking them all located).
    /// Notes are told apart by kind, never by value: a field whose every response
    /// brings a new unknown value is located once.
    fn newly_noted(&self, source: &str, notes: &[DriftKind]) -> bool {
        let mut st = self.lock();
        let mut new = false;
        for kind in notes {
            new |= st.located.insert(fingerprint::of_note(source, kind));
        }
        new
    }

    /// Records what a tracked decode of `source` found.
    fn record_found(&self, source: &str, found: Vec<(String, DriftKind)>) {
        if found.is_empty() {
            return;
        }
        let reports: Vec<DriftReport> = found
            .into_iter()
            .map(|(pointer, kind)| DriftReport {
                source: source.to_owned().into(),
                pointer,
                kind,
            })
            .collect();
        self.record_all(&reports);
    }
}

/// Appends `segment` to a JSON pointer: `/` then the segment with `~` and `/` escaped.
pub(crate) fn push_pointer_segment(pointer: &mut String, segment: &str) {
    pointer.push('/');
    if !segment.contains(['~', '/']) {
        pointer.push_str(segment);
        return;
    }
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

struct Notes {
    /// Whether a plain decode on this thread is collecting notes.
    active: Cell<bool>,
    /// The notes of that decode (what, not where).
    kinds: RefCell<Vec<DriftKind>>,
}

thread_local! {
    static NOTES: Notes = const {
        Notes {
            active: Cell::new(false),
            kinds: RefCell::new(Vec::new()),
        }
    };
}

/// Starts collecting the notes a plain decode on this thread raises (what, not where).
/// Not generic, like [`take_notes`]: `DriftLog::decode` runs for every response type.
fn start_notes() {
    NOTES.with(|n| n.active.set(true));
}

/// Stops collecting and returns the notes raised since [`start_notes`].
fn take_notes() -> Vec<DriftKind> {
    NOTES.with(|n| {
        n.active.set(false);
        std::mem::take(&mut *n.kinds.borrow_mut())
    })
}

/// Called by `Deserialize` implementations when they take a lenient path (unknown enum value,
/// unknown shape, …). Outside [`DriftLog::decode`] it does nothing. Never fails; the `Result`
/// lets generated visitors call it with `?`.
pub fn note(kind: impl FnOnce() -> DriftKind) -> Result<(), String> {
    // `kind` is called only when someone listens; the rest is not generic (every lenient
    // value of every type calls this with its own closure).
    if noting() {
        push_note(kind());
    }
    Ok(())
}

/// Whether a tracked or a plain decode on this thread takes notes.
fn noting() -> bool {
    track::active() || NOTES.with(|n| n.active.get())
}

/// Inside a tracked decode the note gets its pointer at once; inside a plain one it is a flag,
/// located later.
fn push_note(kind: DriftKind) {
    if track::active() {
        track::record_kind(kind, "");
    } else {
        NOTES.with(|n| n.kinds.borrow_mut().push(kind));
    }
}

/// `serde_json::from_value` for a `oneOf` shape (used by the generated code). Inside a
/// tracked decode (see [`DriftLog::decode`]) the shape is decoded through the same tracker as
/// the rest of the body ([`track::decode_value`]), so what it ignores or notes is located
/// under the shape's own pointer.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, serde_json::Error> {
    track::decode_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Item {
        status: Status,
    }

    #[derive(Debug)]
    #[allow(dead_code)]
    enum Status {
        Ok,
        Unknown(String),
    }

    impl<'de> serde::Deserialize<'de> for Status {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = String::deserialize(d)?;
            if s == "ok" {
                return Ok(Status::Ok);
            }
            note(|| DriftKind::UnknownEnumValue {
                type_name: "Status".into(),
                value: s.clone(),
            })
            .map_err(serde::de::Error::custom)?;
            Ok(Status::Unknown(s))
        }
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
    }

    #[test]
    fn reports_unknown_fields_and_values_once_with_pointers() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let log = DriftLog::new()
            .with_field_check(FieldCheck::Always)
            .with_wire_values(true)
            .with_hook(move |r| s2.lock().unwrap().push(r.to_string()));
        let body = br#"{"data":[{"status":"ok","x/y":1},{"status":"new"},{"status":"new","x/y":2}],"extra":true}"#;
        let page: Page = log.decode("sms_list", body).unwrap();
        assert_eq!(page.data.len(), 3);
        let reports = log.reports();
        let pointers: Vec<(&str, String)> = reports
            .iter()
            .map(|r| (r.pointer.as_str(), r.kind.to_string()))
            .collect();
        assert_eq!(
            pointers,
            // In body order: one pass finds them all.
            vec![
                ("/data/0/x~1y", "unknown field".to_owned()),
                ("/data/1/status", "unknown Status value \"new\"".to_owned()),
                ("/extra", "unknown field".to_owned()),
            ]
        );
        // Decoding the same drift again reports nothing new.
        let _: Page = log.decode("sms_list", body).unwrap();
        assert_eq!(log.count(), 3);
        assert_eq!(seen.lock().unwrap().len(), 3);
        // Outside a decode, notes are inert.
        assert!(note(|| DriftKind::UnknownField).is_ok());
    }

    #[test]
    fn clean_bodies_report_nothing_and_errors_pass_through() {
        let log = DriftLog::new().with_field_check(FieldCheck::Always);
        let _: Page = log.decode("op", br#"{"data":[{"status":"ok"}]}"#).unwrap();
        assert_eq!(log.count(), 0);
        assert!(log.decode::<Page>("op", br#"{"data":7}"#).is_err());
    }

    /// A `oneOf`-like value: buffered, then decoded from the `Value` with [`from_value`].
    #[derive(Debug)]
    struct Shape(#[allow(dead_code)] ShapeA);

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct ShapeA {
        a: u32,
    }

    impl<'de> serde::Deserialize<'de> for Shape {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let v = serde_json::Value::deserialize(d)?;
            from_value(v).map(Shape).map_err(serde::de::Error::custom)
        }
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Shapes {
        items: Vec<Shape>,
        #[serde(default)]
        status: Option<Status>,
    }

    fn pointers(log: &DriftLog) -> Vec<String> {
        log.reports().into_iter().map(|r| r.pointer).collect()
    }

    #[test]
    fn buffered_shapes_report_their_fields_under_the_value_s_pointer() {
        let body = br#"{"items":[{"a":1},{"a":2,"b":{"c":3}}],"status":"new"}"#;
        let checked = DriftLog::new().with_field_check(FieldCheck::Always);
        let _: Shapes = checked.decode("op", body).unwrap();
        assert_eq!(pointers(&checked), ["/items/1/b", "/status"]);
        // Unchecked: the unknown value is still located (once), the fields are not looked for.
        let unchecked = DriftLog::new().with_field_check(FieldCheck::Never);
        for _ in 0..3 {
            let _: Shapes = unchecked.decode("op", body).unwrap();
        }
        assert_eq!(pointers(&unchecked), ["/status"]);
        assert_eq!(unchecked.count(), 1);
    }

    #[test]
    fn record_dedupes_repeats_and_array_indices_but_not_new_drift() {
        let report = |source: &str, pointer: &str| DriftReport {
            source: source.to_owned().into(),
            pointer: pointer.to_owned(),
            kind: DriftKind::UnknownField,
        };
        let log = DriftLog::new();
        assert!(log.record_ref(&report("op", "/data/0/x")));
        for i in 0..20 {
            // The same report and other indices of it.
            assert!(!log.record_ref(&report("op", "/data/0/x")));
            assert!(!log.record(report("op", &format!("/data/{i}/x"))));
        }
        // Others in between: still known by its fingerprint.
        for i in 0..8 {
            assert!(log.record(report(&format!("other{i}"), "/y")));
        }
        assert!(!log.record_ref(&report("op", "/data/0/x")));
        assert!(log.record_ref(&report("op", "/data/0/z")));
        assert_eq!(log.count(), 2 + 8);
    }

    fn unparsed(source: &str, pointer: &str, error: &str) -> DriftReport {
        DriftReport {
            source: source.to_owned().into(),
            pointer: pointer.to_owned(),
            kind: DriftKind::Unparsed {
                error: error.to_owned(),
            },
        }
    }

    /// Issue 22: one systematic change (a date format) was one new report, warn and hook call
    /// per delivery, with the value in the text. Now: one report, no value.
    #[test]
    fn reports_are_keyed_without_values_or_positions_and_show_no_values() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let c2 = calls.clone();
        let log = DriftLog::new().with_hook(move |r| c2.lock().unwrap().push(r.to_string()));
        for i in 0..50 {
            let error = format!(
                "sms:message:status payload at `/payload/0/date`: invalid type: string \"+91 {i:05} 99999 / hi {i}\", expected a date at line 1 column {}",
                40 + i
            );
            log.record(unparsed(
                "sms:message:status",
                &format!("/payload/{i}/date"),
                &error,
            ));
        }
        assert_eq!(log.count(), 1);
        let shown = calls.lock().unwrap().clone();
        assert_eq!(shown.len(), 1);
        assert!(
            !shown[0].contains("99999") && !shown[0].contains("hi "),
            "{}",
            shown[0]
        );
        assert!(!shown[0].contains("column"), "{}", shown[0]);
        // Unknown enum values: one report per type and place, the value withheld.
        for v in ["NEW1", "NEW2", "+919999999999"] {
            log.record(DriftReport {
                source: "op".into(),
                pointer: "/status".into(),
                kind: DriftKind::UnknownEnumValue {
                    type_name: "Status".into(),
                    value: v.into(),
                },
            });
        }
        assert_eq!(log.count(), 2);
        assert_eq!(
            log.reports()[1].to_string(),
            "op: unknown Status value at `/status`"
        );
    }

    #[test]
    fn wire_values_are_kept_only_when_asked_for() {
        let log = DriftLog::new().with_wire_values(true);
        log.record(unparsed(
            "e",
            "/p",
            "invalid type: string \"x1\", expected u64",
        ));
        assert_eq!(
            log.reports()[0].kind.to_string(),
            "unparsed: invalid type: string \"x1\", expected u64"
        );
    }

    /// Issue 22: the log is bounded in count and memory, whatever the bodies bring.
    #[test]
    fn the_log_is_bounded() {
        let log = DriftLog::new();
        let long = "k".repeat(10_000);
        for i in 0..(REMEMBERED_DRIFTS + 1000) {
            log.record(DriftReport {
                source: format!("op{i}").into(),
                pointer: format!("/{long}"),
                kind: DriftKind::UnknownEnumValue {
                    type_name: "T".into(),
                    value: long.clone(),
                },
            });
        }
        let st = log.lock();
        assert_eq!(st.seen.len(), REMEMBERED_DRIFTS);
        assert_eq!(st.kept.len(), KEPT_REPORTS);
        for r in &st.kept {
            assert!(r.pointer.len() <= MAX_REPORT_TEXT && r.source.len() <= MAX_REPORT_TEXT);
        }
    }

    #[test]
    fn sampling_checks_the_first_then_one_in_every() {
        let log = DriftLog::new().with_field_check(FieldCheck::Sampled { first: 2, every: 3 });
        let checked: Vec<bool> = (0..9).map(|_| log.check_fields("op")).collect();
        assert_eq!(
            checked,
            [true, true, true, false, false, true, false, false, true]
        );
        assert!(log.check_fields("other"));
    }
}
