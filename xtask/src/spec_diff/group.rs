//! One entry per distinct change: the same change at many places (the envelope's `code` in 135
//! responses) is one group listing its places, so a review reads the decisions, not the echoes.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::shared::spec_changes::compare::Change;
use crate::shared::spec_changes::rules::{ChangeKind, RULES, Severity};

/// A distinct change and every place it applies to.
#[derive(Serialize, Debug, Clone)]
pub struct Group {
    /// Breaking, non-breaking or info.
    pub severity: Severity,
    /// What changed (the rule).
    pub kind: ChangeKind,
    /// The change without its place (`code: type integer → oneOf[string | integer]`).
    pub what: String,
    /// What it does to a user of the generated client (the rule's reason).
    pub effect: &'static str,
    /// `true` when no Rust signature changes at any place.
    pub behaviour_only: bool,
    /// The products it touches.
    pub products: BTreeSet<String>,
    /// Where it applies.
    pub places: Vec<Place>,
}

/// One place a grouped change applies to.
#[derive(Serialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    /// `METHOD /path (operationId)`, or the product for global changes.
    pub operation: String,
    /// Where inside the operation (`response 200`), or empty.
    pub within: String,
    /// The element, as the full message names it (`response 200.data[].status`), or empty.
    pub at: String,
    /// JSON pointer of the changed element.
    pub pointer: String,
}

impl Group {
    /// `135 responses`, `4 operations`, `1 place`: how far the change reaches.
    pub fn reach(&self) -> String {
        let n = self.places.len();
        let all = |p: &str| self.places.iter().all(|x| x.within.starts_with(p));
        let noun = if all("response") {
            ("response", "responses")
        } else if all("request body") {
            ("request body", "request bodies")
        } else if self.places.iter().all(|x| x.within.is_empty()) {
            ("operation", "operations")
        } else {
            ("place", "places")
        };
        format!("{n} {}", if n == 1 { noun.0 } else { noun.1 })
    }

    /// The operationIds it applies to, in order, without repeats.
    pub fn operation_ids(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.places
            .iter()
            .map(|p| {
                p.operation
                    .rsplit_once('(')
                    .map(|(_, id)| id.trim_end_matches(')'))
                    .unwrap_or(&p.operation)
            })
            .filter(|id| seen.insert(*id))
            .collect()
    }
}

/// The text a change is grouped by, and the element it names. `what` is the change without its
/// place (`payload.id: type string → …`); the group keeps the element's last name (`id`), so
/// the same field changed in five payloads is one entry; info-level changes keep only the
/// change (`x-inferred added`).
fn label(c: &Change) -> (String, String) {
    let what = c.what();
    let Some((subject, detail)) = what.split_once(": ").filter(|(s, _)| !s.is_empty()) else {
        return (what.to_string(), String::new());
    };
    let at = format!("{}{subject}", c.within);
    if c.severity == Severity::Info {
        return (detail.to_string(), at);
    }
    let leaf = subject.rsplit('.').next().unwrap_or(subject);
    (format!("{leaf}: {detail}"), at)
}

/// Groups changes with the same severity, kind and place-free text; sorted by severity, then
/// by reach (widest first), then by text.
pub fn group(changes: &[Change]) -> Vec<Group> {
    let mut by: BTreeMap<(Severity, ChangeKind, String), Group> = BTreeMap::new();
    for c in changes {
        let (what, at) = label(c);
        let key = (c.severity, c.kind, what.clone());
        let g = by.entry(key).or_insert_with(|| Group {
            severity: c.severity,
            kind: c.kind,
            what,
            effect: RULES
                .iter()
                .find(|r| r.kind == c.kind)
                .map(|r| r.why)
                .unwrap_or(""),
            behaviour_only: true,
            products: BTreeSet::new(),
            places: Vec::new(),
        });
        g.behaviour_only &= c.behaviour_only;
        g.products.insert(c.product.clone());
        g.places.push(Place {
            operation: c.operation.clone().unwrap_or_else(|| c.product.clone()),
            within: c.within.clone(),
            at,
            pointer: c.pointer.clone(),
        });
    }
    let mut out: Vec<Group> = by.into_values().collect();
    for g in &mut out {
        g.places.sort();
        g.places.dedup();
    }
    out.sort_by(|a, b| {
        (a.severity, std::cmp::Reverse(a.places.len()), &a.what).cmp(&(
            b.severity,
            std::cmp::Reverse(b.places.len()),
            &b.what,
        ))
    });
    out
}
