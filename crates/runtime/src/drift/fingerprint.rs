//! What makes two drift reports "the same drift": source, pointer (array indices aside) and
//! the kind's class (its type name, never a value or a position), as a 64-bit fingerprint;
//! and a bounded set of fingerprints.

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hash, Hasher};

use super::{DriftKind, DriftReport, REMEMBERED_DRIFTS};

/// A word-at-a-time hash (the rotate-xor-multiply step of rustc's FxHash) over the bytes
/// written: a few nanoseconds for the short strings hashed here (a drift is fingerprinted on
/// every body that carries it), and 64 bits are plenty to tell a few thousand drifts apart.
#[derive(Default)]
struct WordHash(u64);

impl WordHash {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHash {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        // The length tells "ab" from "ab\0".
        self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hasher for keys that are fingerprints already: passes the `u64` through.
#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Hashes what identifies `kind`: its variant and type name or fixed detail, not the value
/// met nor a decode error's text (which quotes values and positions).
fn hash_class(kind: &DriftKind, h: &mut WordHash) {
    std::mem::discriminant(kind).hash(h);
    match kind {
        DriftKind::UnknownEnumValue { type_name, .. } | DriftKind::UnknownShape { type_name } => {
            type_name.hash(h)
        }
        DriftKind::Lenient { detail } => detail.hash(h),
        DriftKind::UnknownField | DriftKind::Unparsed { .. } => {}
    }
}

/// Hashes a JSON pointer with every all-digit segment (an array index) as `*`: one report for
/// a field that differs in every item.
fn hash_pointer(pointer: &str, h: &mut WordHash) {
    for segment in pointer.split('/') {
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            "*".hash(h);
        } else {
            segment.hash(h);
        }
    }
}

/// The fingerprint a [`super::DriftLog`] dedupes reports by.
pub(super) fn of_report(r: &DriftReport) -> u64 {
    let mut h = WordHash::default();
    r.source.hash(&mut h);
    hash_pointer(&r.pointer, &mut h);
    hash_class(&r.kind, &mut h);
    h.finish()
}

/// The fingerprint of a note raised by a plain decode of `source` (which does not know where).
pub(super) fn of_note(source: &str, kind: &DriftKind) -> u64 {
    let mut h = WordHash::default();
    1u8.hash(&mut h);
    source.hash(&mut h);
    hash_class(kind, &mut h);
    h.finish()
}

/// A set of at most [`REMEMBERED_DRIFTS`] fingerprints; the oldest is forgotten first.
#[derive(Default)]
pub(super) struct Bounded {
    set: HashSet<u64, BuildHasherDefault<Identity>>,
    order: VecDeque<u64>,
}

impl Bounded {
    /// Adds `fingerprint`; `true` when it was not there.
    pub(super) fn insert(&mut self, fingerprint: u64) -> bool {
        if !self.set.insert(fingerprint) {
            return false;
        }
        if self.order.len() == REMEMBERED_DRIFTS
            && let Some(oldest) = self.order.pop_front()
        {
            self.set.remove(&oldest);
        }
        self.order.push_back(fingerprint);
        true
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.set.len()
    }
}
