//! The documented disagreements between spec-diff and cargo-semver-checks: each one a known
//! limit of one of the two tools, with the reason. compile-proof fails on any other
//! disagreement, and on an entry whose pair no longer disagrees.

/// Which of the two tools is wrong about a pair.
#[derive(Clone, Copy, Debug)]
pub(super) enum Wrong {
    /// spec-diff's verdict is wrong: cargo-semver-checks sees a break the compiled probe does
    /// not exercise (an auto trait lost, say).
    #[allow(
        dead_code,
        reason = "no such pair today; the table must be able to say it"
    )]
    SpecDiff,
    /// cargo-semver-checks's verdict is wrong (the compiler sides with spec-diff).
    SemverChecks,
}

impl Wrong {
    /// The tool's name.
    pub(super) fn tool(self) -> &'static str {
        match self {
            Wrong::SpecDiff => "spec-diff",
            Wrong::SemverChecks => "cargo-semver-checks",
        }
    }
}

/// One documented disagreement.
pub(super) struct Limit {
    /// The pair (fixture case or real-spec mutation).
    pub pair: &'static str,
    /// Who is wrong.
    pub wrong: Wrong,
    /// Why, in a sentence a reviewer can check.
    pub why: &'static str,
}

/// The documented disagreements.
pub(super) const LIMITS: &[Limit] = &[
    Limit {
        pair: "response-nullable-added",
        wrong: Wrong::SemverChecks,
        why: "cargo-semver-checks 0.51 has no lint for a public field whose type changes \
              (`Sender.name`: `String` → `Option<String>`); its lints cover removed and added \
              items, parameter counts and a few signature shapes, not types",
    },
    Limit {
        pair: "response-type-changed",
        wrong: Wrong::SemverChecks,
        why: "cargo-semver-checks 0.51 has no lint for a changed field or parameter type \
              (`Sender.id` and `Sender::new`'s `id`: `i64` → `String`; the parameter count \
              stays the same)",
    },
];

/// The documented limit for `pair`, if any.
pub(super) fn limit(pair: &str) -> Option<&'static Limit> {
    LIMITS.iter().find(|l| l.pair == pair)
}
