//! Drift reports: where what the platform sent differs from what the spec says.
//!
//! Decoding is tolerant (a number where a string is documented, a zero date, an unknown status
//! value, a member the spec does not list), but never silent: each difference becomes one
//! [`Drift`] naming its source (an event or operation name), the [JSON pointer] of the value and
//! the [`DriftKind`]. A [`DriftReporter`] hands each report to
//!
//! * a [`DriftCounter`] you can read at any time (no `tracing` needed),
//! * an optional hook you install (`Fn(&Drift)`), e.g. to store samples or raise an alert,
//! * a `tracing` event at `WARN` (target `qikberry::drift`) when the `tracing` feature is on.
//!
//! ```
//! use qikberry::drift::{Drift, DriftKind, DriftReporter};
//! use std::sync::{Arc, Mutex};
//!
//! let seen = Arc::new(Mutex::new(Vec::new()));
//! let sink = seen.clone();
//! let reporter = DriftReporter::new().hook(move |d: &Drift| sink.lock().unwrap().push(d.to_string()));
//! reporter.report(&Drift::new("sms:message:status", "/payload/units", DriftKind::Lenient("string as integer".into())));
//! assert_eq!(reporter.counter().snapshot().lenient, 1);
//! assert_eq!(seen.lock().unwrap()[0], "sms:message:status at /payload/units: lenient: string as integer");
//! ```
//!
//! [JSON pointer]: https://www.rfc-editor.org/rfc/rfc6901

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// What kind of difference was met.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DriftKind {
    /// A member the typed model does not have (its value is kept in the raw body).
    UnknownField,
    /// An enum value the spec does not list; the value as sent.
    UnknownEnumValue(String),
    /// A value accepted in a form the spec does not document, e.g. `"string as integer"`,
    /// `"zero date as no time"`.
    Lenient(String),
    /// The value does not fit the typed model at all; the decode error. The whole payload was
    /// handed on untyped.
    Unparsed(String),
}

impl fmt::Display for DriftKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriftKind::UnknownField => f.write_str("unknown field"),
            DriftKind::UnknownEnumValue(v) => write!(f, "unknown enum value {v:?}"),
            DriftKind::Lenient(what) => write!(f, "lenient: {what}"),
            DriftKind::Unparsed(err) => write!(f, "unparsed: {err}"),
        }
    }
}

/// One difference between the spec and what arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// Where it came from: a webhook event name (`"voice:message:out"`) or an operation id.
    pub source: String,
    /// JSON pointer (RFC 6901) of the value inside the body, e.g. `/payload/deliv_time`; empty
    /// for the whole body.
    pub pointer: String,
    /// What was different.
    pub kind: DriftKind,
}

impl Drift {
    /// A report.
    pub fn new(source: impl Into<String>, pointer: impl Into<String>, kind: DriftKind) -> Self {
        Drift {
            source: source.into(),
            pointer: pointer.into(),
            kind,
        }
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "(body)"
        } else {
            &self.pointer
        };
        write!(f, "{} at {}: {}", self.source, at, self.kind)
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn push_pointer_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// The JSON pointer of a [`serde_path_to_error::Path`] (`payload.items[2]` →
/// `/payload/items/2`), under `prefix` (itself a pointer, or empty).
pub fn pointer_of_path(prefix: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = prefix.to_owned();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => push_pointer_token(&mut out, &index.to_string()),
            Segment::Map { key } => push_pointer_token(&mut out, key),
            Segment::Enum { variant } => push_pointer_token(&mut out, variant),
            Segment::Unknown => push_pointer_token(&mut out, "?"),
        }
    }
    out
}

/// Counts of reports per kind, read with [`DriftCounter::snapshot`].
#[derive(Debug, Default)]
pub struct DriftCounter {
    unknown_field: AtomicU64,
    unknown_enum_value: AtomicU64,
    lenient: AtomicU64,
    unparsed: AtomicU64,
}

/// A copy of a [`DriftCounter`]'s counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DriftCounts {
    /// [`DriftKind::UnknownField`] reports.
    pub unknown_field: u64,
    /// [`DriftKind::UnknownEnumValue`] reports.
    pub unknown_enum_value: u64,
    /// [`DriftKind::Lenient`] reports.
    pub lenient: u64,
    /// [`DriftKind::Unparsed`] reports.
    pub unparsed: u64,
}

impl DriftCounts {
    /// All reports together.
    pub fn total(&self) -> u64 {
        self.unknown_field + self.unknown_enum_value + self.lenient + self.unparsed
    }
}

impl DriftCounter {
    /// Counts one report.
    pub fn record(&self, kind: &DriftKind) {
        let c = match kind {
            DriftKind::UnknownField => &self.unknown_field,
            DriftKind::UnknownEnumValue(_) => &self.unknown_enum_value,
            DriftKind::Lenient(_) => &self.lenient,
            DriftKind::Unparsed(_) => &self.unparsed,
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub fn snapshot(&self) -> DriftCounts {
        DriftCounts {
            unknown_field: self.unknown_field.load(Ordering::Relaxed),
            unknown_enum_value: self.unknown_enum_value.load(Ordering::Relaxed),
            lenient: self.lenient.load(Ordering::Relaxed),
            unparsed: self.unparsed.load(Ordering::Relaxed),
        }
    }
}

type Hook = dyn Fn(&Drift) + Send + Sync;

/// Where drift reports go: a shared [`DriftCounter`], an optional hook and (feature `tracing`)
/// a `tracing` event. Cheap to clone; clones share the counter and the hook.
#[derive(Clone, Default)]
pub struct DriftReporter {
    counter: Arc<DriftCounter>,
    hook: Option<Arc<Hook>>,
}

impl fmt::Debug for DriftReporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DriftReporter")
            .field("counts", &self.counter.snapshot())
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

impl DriftReporter {
    /// A reporter with a fresh counter and no hook.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `hook` for every report (after counting it). It runs on the decoding thread, so
    /// keep it short.
    pub fn hook(mut self, hook: impl Fn(&Drift) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// The counter (shared by every clone of this reporter).
    pub fn counter(&self) -> &Arc<DriftCounter> {
        &self.counter
    }

    /// Counts `drift`, calls the hook and emits the `tracing` event.
    pub fn report(&self, drift: &Drift) {
        self.counter.record(&drift.kind);
        if let Some(h) = &self.hook {
            h(drift);
        }
        #[cfg(feature = "tracing")]
        tracing::warn!(
            target: "qikberry::drift",
            source = %drift.source,
            pointer = %drift.pointer,
            kind = %drift.kind,
            "spec drift"
        );
    }

    /// Reports each of `drifts`.
    pub fn report_all(&self, drifts: &[Drift]) {
        for d in drifts {
            self.report(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escaping() {
        let mut p = String::new();
        push_pointer_token(&mut p, "a/b");
        push_pointer_token(&mut p, "m~n");
        assert_eq!(p, "/a~1b/m~0n");
    }

    #[test]
    fn counts_per_kind() {
        let r = DriftReporter::new();
        r.report(&Drift::new("e", "/x", DriftKind::UnknownField));
        r.report(&Drift::new(
            "e",
            "/y",
            DriftKind::UnknownEnumValue("z".into()),
        ));
        r.report(&Drift::new("e", "", DriftKind::Unparsed("bad".into())));
        let c = r.clone().counter().snapshot();
        assert_eq!(
            (c.unknown_field, c.unknown_enum_value, c.unparsed, c.lenient),
            (1, 1, 1, 0)
        );
        assert_eq!(c.total(), 3);
    }
}
