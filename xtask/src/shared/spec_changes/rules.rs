//! The classification rules of `cargo xtask spec-diff`, in one table.
//!
//! Every change is judged from the point of view of someone calling the *generated Rust client*,
//! not a hand-written HTTP caller. That is stricter than generic OpenAPI diff tools in one
//! systematic way: a change that alters a generated Rust type (a field going from `T` to
//! `Option<T>`, a required query parameter becoming a builder setter) breaks compilation of the
//! caller's code even when the wire format stays compatible, so it is breaking here.
//!
//! The generated API's evolution rules make the non-breaking verdicts true for a compiler:
//! every generated struct and enum is `#[non_exhaustive]`, so callers build models with
//! `new(required…)` plus setters (no struct literals) and `match` with a `_` arm. In exchange:
//! - a struct literal or an exhaustive `match` on a generated model never compiles outside the
//!   crate, so adding an enum value, a oneOf shape or an optional property compiles for every
//!   caller;
//! - `new(…)` takes each required field, so a required property added to *any* model (also a
//!   response model, which callers build in tests) or a field moving between required and
//!   optional (even when its type stays `Option<T>`) changes `new` and is breaking, although an
//!   HTTP caller would not notice;
//! - request builders have private fields, so only their methods and setters are API.
//!
//! `cargo xtask compile-proof` checks every verdict against rustc: it compiles a strict user
//! crate, generated mechanically from the old spec, against the crate generated from the new.
//!
//! The README's "When the API changes" section shows the same table; `rules_markdown()` prints it
//! so the two cannot drift (a test compares them).

use serde::Serialize;

/// How a change affects a caller of the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Code that compiled and worked against the old client may fail to compile or misbehave.
    Breaking,
    /// Existing code keeps compiling and working; there is something new.
    NonBreaking,
    /// Worth a line in the review, no effect on callers (provenance, documentation-level facts).
    Info,
}

impl Severity {
    /// Lower-case label used in both output formats.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::NonBreaking => "non-breaking",
            Severity::Info => "info",
        }
    }
}

/// Where in an exchange a schema sits: what the caller sends, or what it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Request bodies and parameters: built by the caller.
    Request,
    /// Response bodies: parsed for the caller.
    Response,
}

/// Every kind of change the diff reports. The kebab-case name is the stable `kind` field of the
/// JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    OperationAdded,
    OperationRemoved,
    OperationMoved,
    OperationRenamed,
    OperationProductChanged,
    PathConfirmed,
    PathBecameInferred,
    PaginationAdded,
    PaginationRemoved,
    ServerAdded,
    ServerRemoved,
    ServerChanged,
    SecuritySchemeAdded,
    SecuritySchemeRemoved,
    SecuritySchemeChanged,
    SecurityRequirementChanged,
    RequiredParameterAdded,
    OptionalParameterAdded,
    ParameterRemoved,
    ParameterBecameRequired,
    ParameterBecameOptional,
    ParameterFilterGroupChanged,
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyRequirednessChanged,
    ContentTypeAdded,
    ContentTypeRemoved,
    StatusCodeAdded,
    SuccessStatusCodeRemoved,
    ErrorStatusCodeRemoved,
    RequiredPropertyAdded,
    OptionalPropertyAdded,
    PropertyRemoved,
    PropertyBecameOptional,
    PropertyBecameRequired,
    RequirednessChangedWithoutTypeChange,
    TypeChanged,
    FormatChanged,
    EnumValueAdded,
    EnumValueRemoved,
    EnumAdded,
    EnumRemoved,
    OneOfVariantAdded,
    OneOfVariantRemoved,
    DiscriminatorChanged,
    RequiredAlternativesAdded,
    RequiredAlternativesRemoved,
    RequiredAlternativesChanged,
    AllOfMemberAdded,
    AllOfMemberRemoved,
    EnumValueAddedNamedLikeCatchAll,
    CallbackAdded,
    CallbackRemoved,
    CallbackChanged,
    IdempotentBecameTrue,
    IdempotentBecameFalse,
    RateLimitAdded,
    RateLimitRemoved,
    RateLimitChanged,
    SecretAdded,
    SecretRemoved,
    ExactlyOneOfAdded,
    ExactlyOneOfRemoved,
    ExactlyOneOfChanged,
    EnumVarnamesChanged,
    UntaggedChanged,
    LenientScalarChanged,
    RustTypeChanged,
    PaginationChanged,
    InferredMarkChanged,
}

/// One row of the rule table.
pub struct Rule {
    /// The change.
    pub kind: ChangeKind,
    /// Its severity where the caller sends the value (or for changes with no direction).
    pub request: Severity,
    /// Its severity where the caller receives the value.
    pub response: Severity,
    /// Why, in terms of the generated client.
    pub why: &'static str,
}

use ChangeKind as K;
use Severity::{Breaking as B, Info as I, NonBreaking as N};

/// The rule table. Order is the order of the README table.
pub const RULES: &[Rule] = &[
    Rule {
        kind: K::OperationAdded,
        request: N,
        response: N,
        why: "a new method on a product handle",
    },
    Rule {
        kind: K::OperationRemoved,
        request: B,
        response: B,
        why: "the method disappears",
    },
    Rule {
        kind: K::OperationMoved,
        request: B,
        response: B,
        why: "same operationId, new method or path: calls made by old binaries hit the wrong endpoint",
    },
    Rule {
        kind: K::OperationRenamed,
        request: B,
        response: B,
        why: "the Rust method name comes from the operationId",
    },
    Rule {
        kind: K::OperationProductChanged,
        request: B,
        response: B,
        why: "the method moves to another product handle and Cargo feature",
    },
    Rule {
        kind: K::PathConfirmed,
        request: I,
        response: I,
        why: "an inferred path was confirmed by documentation",
    },
    Rule {
        kind: K::PathBecameInferred,
        request: I,
        response: I,
        why: "a path lost its confirmation; the method keeps working as before",
    },
    Rule {
        kind: K::PaginationAdded,
        request: N,
        response: N,
        why: "new `items()`/`pages()` streams",
    },
    Rule {
        kind: K::PaginationRemoved,
        request: B,
        response: B,
        why: "the streams and the `page` setter disappear",
    },
    Rule {
        kind: K::ServerAdded,
        request: N,
        response: N,
        why: "another base URL is available",
    },
    Rule {
        kind: K::ServerRemoved,
        request: B,
        response: B,
        why: "the default base URL changes or disappears",
    },
    Rule {
        kind: K::ServerChanged,
        request: B,
        response: B,
        why: "requests go to a different base URL",
    },
    Rule {
        kind: K::SecuritySchemeAdded,
        request: N,
        response: N,
        why: "another way to authenticate",
    },
    Rule {
        kind: K::SecuritySchemeRemoved,
        request: B,
        response: B,
        why: "a configured authentication mode stops working",
    },
    Rule {
        kind: K::SecuritySchemeChanged,
        request: B,
        response: B,
        why: "the token travels differently",
    },
    Rule {
        kind: K::SecurityRequirementChanged,
        request: B,
        response: B,
        why: "which credentials an operation needs changed",
    },
    Rule {
        kind: K::RequiredParameterAdded,
        request: B,
        response: B,
        why: "a new argument of the method",
    },
    Rule {
        kind: K::OptionalParameterAdded,
        request: N,
        response: N,
        why: "a new builder setter",
    },
    Rule {
        kind: K::ParameterRemoved,
        request: B,
        response: B,
        why: "an argument or setter disappears",
    },
    Rule {
        kind: K::ParameterBecameRequired,
        request: B,
        response: B,
        why: "a builder setter becomes a method argument",
    },
    Rule {
        kind: K::ParameterBecameOptional,
        request: B,
        response: B,
        why: "a method argument becomes a builder setter (generic diff tools call this safe; it does not compile)",
    },
    Rule {
        kind: K::ParameterFilterGroupChanged,
        request: B,
        response: B,
        why: "the filter builder type is renamed or split",
    },
    Rule {
        kind: K::RequestBodyAdded,
        request: B,
        response: B,
        why: "the method gains a body argument",
    },
    Rule {
        kind: K::RequestBodyRemoved,
        request: B,
        response: B,
        why: "the body argument disappears",
    },
    Rule {
        kind: K::RequestBodyRequirednessChanged,
        request: B,
        response: B,
        why: "the body argument changes between `T` and `Option<T>`",
    },
    Rule {
        kind: K::ContentTypeAdded,
        request: N,
        response: N,
        why: "the first content type keeps being used",
    },
    Rule {
        kind: K::ContentTypeRemoved,
        request: B,
        response: B,
        why: "the generated body encoding changes",
    },
    Rule {
        kind: K::StatusCodeAdded,
        request: N,
        response: N,
        why: "errors map to `Error::Api` by status; a new success code decodes like the others",
    },
    Rule {
        kind: K::SuccessStatusCodeRemoved,
        request: B,
        response: B,
        why: "the response type of the method may change",
    },
    Rule {
        kind: K::ErrorStatusCodeRemoved,
        request: N,
        response: N,
        why: "error bodies still map to `Error::Api`",
    },
    Rule {
        kind: K::RequiredPropertyAdded,
        request: B,
        response: B,
        why: "a new argument of the model's `new(…)` (response models are built with it in tests; HTTP callers would not notice)",
    },
    Rule {
        kind: K::OptionalPropertyAdded,
        request: N,
        response: N,
        why: "a new `Option` field with a setter; models are `#[non_exhaustive]` (no struct literals) and never `deny_unknown_fields`",
    },
    Rule {
        kind: K::PropertyRemoved,
        request: B,
        response: B,
        why: "the struct field disappears",
    },
    Rule {
        kind: K::PropertyBecameOptional,
        request: B,
        response: B,
        why: "the Rust field type changes from `T` to `Option<T>` (generic tools call the request side safe)",
    },
    Rule {
        kind: K::PropertyBecameRequired,
        request: B,
        response: B,
        why: "the Rust field type changes from `Option<T>` to `T` (generic tools call the response side safe)",
    },
    Rule {
        kind: K::RequirednessChangedWithoutTypeChange,
        request: B,
        response: B,
        why: "`required` changed on a nullable field: the Rust type stays `Option<T>`, but the field moves between `new(…)`'s arguments and a setter",
    },
    Rule {
        kind: K::TypeChanged,
        request: B,
        response: B,
        why: "the Rust type of the value changes",
    },
    Rule {
        kind: K::FormatChanged,
        request: B,
        response: B,
        why: "the format can change the Rust type (dates, binary, numbers)",
    },
    Rule {
        kind: K::EnumValueAdded,
        request: N,
        response: N,
        why: "a new variant of a `#[non_exhaustive]` enum (matches already need a `_` arm); older clients keep the value in `Unknown`",
    },
    Rule {
        kind: K::EnumValueRemoved,
        request: B,
        response: B,
        why: "a Rust variant disappears (and the server rejects it in requests)",
    },
    Rule {
        kind: K::EnumAdded,
        request: B,
        response: B,
        why: "a free value becomes a Rust enum",
    },
    Rule {
        kind: K::EnumRemoved,
        request: B,
        response: B,
        why: "a Rust enum becomes a free value",
    },
    Rule {
        kind: K::OneOfVariantAdded,
        request: N,
        response: N,
        why: "a new variant of a `#[non_exhaustive]` enum; response oneOfs keep an unknown shape in `Unknown`",
    },
    Rule {
        kind: K::OneOfVariantRemoved,
        request: B,
        response: B,
        why: "an enum variant disappears",
    },
    Rule {
        kind: K::DiscriminatorChanged,
        request: B,
        response: B,
        why: "variants are told apart differently on the wire",
    },
    Rule {
        kind: K::RequiredAlternativesAdded,
        request: B,
        response: N,
        why: "a `oneOf` of `required` lists: a body must carry exactly one of the properties (validators refuse none or both); the Rust side follows `x-exactly-one-of`",
    },
    Rule {
        kind: K::RequiredAlternativesRemoved,
        request: N,
        response: B,
        why: "the exactly-one guarantee goes: a response may now carry none or both of the properties",
    },
    Rule {
        kind: K::RequiredAlternativesChanged,
        request: B,
        response: B,
        why: "the properties a body must carry exactly one of changed",
    },
    Rule {
        kind: K::AllOfMemberAdded,
        request: N,
        response: N,
        why: "the model gains the member's properties (each property is reported on its own: a required one is breaking)",
    },
    Rule {
        kind: K::AllOfMemberRemoved,
        request: B,
        response: B,
        why: "the model loses the member's properties: their fields disappear",
    },
    Rule {
        kind: K::EnumValueAddedNamedLikeCatchAll,
        request: N,
        response: N,
        why: "a new variant `UnknownValue` (the catch-all keeps the name `Unknown`): the wire value `UNKNOWN` stops landing in `Unknown(..)`",
    },
    Rule {
        kind: K::CallbackAdded,
        request: N,
        response: N,
        why: "the platform may push a new event to your webhook URL",
    },
    Rule {
        kind: K::CallbackRemoved,
        request: B,
        response: B,
        why: "the platform stops pushing the event: code waiting for it never hears of it",
    },
    Rule {
        kind: K::CallbackChanged,
        request: B,
        response: B,
        why: "the event is pushed to another URL expression or with another HTTP method",
    },
    Rule {
        kind: K::IdempotentBecameTrue,
        request: B,
        response: B,
        why: "`x-idempotent` → true: the client starts retrying the call on 5xx, 429 and timeouts, so a call with an effect (a send, a charge, an OTP check) may run twice",
    },
    Rule {
        kind: K::IdempotentBecameFalse,
        request: N,
        response: N,
        why: "`x-idempotent` → false: the client stops retrying the call; a transient failure reaches the caller as an error",
    },
    Rule {
        kind: K::RateLimitAdded,
        request: N,
        response: N,
        why: "`x-rate-limit` added: `RateLimitLayer` paces the calls to the documented limit",
    },
    Rule {
        kind: K::RateLimitRemoved,
        request: N,
        response: N,
        why: "`x-rate-limit` removed: the client stops pacing the calls (the server may answer 429)",
    },
    Rule {
        kind: K::RateLimitChanged,
        request: N,
        response: N,
        why: "`x-rate-limit` changed: `RateLimitLayer` paces the calls to the new limit",
    },
    Rule {
        kind: K::SecretAdded,
        request: N,
        response: N,
        why: "`x-secret` added: the value is redacted in `Debug` output, logs and drift reports",
    },
    Rule {
        kind: K::SecretRemoved,
        request: B,
        response: B,
        why: "`x-secret` removed: the value (a password, an OTP, a token) starts appearing in `Debug` output, logs and drift reports",
    },
    Rule {
        kind: K::ExactlyOneOfAdded,
        request: B,
        response: B,
        why: "`x-exactly-one-of` added: the properties' fields and setters are replaced by one required choice (`TemplateRef::Alias(..)` or `TemplateRef::Id(..)`)",
    },
    Rule {
        kind: K::ExactlyOneOfRemoved,
        request: B,
        response: B,
        why: "`x-exactly-one-of` removed: the choice type disappears; the properties come back as fields",
    },
    Rule {
        kind: K::ExactlyOneOfChanged,
        request: B,
        response: B,
        why: "`x-exactly-one-of` changed (or replaced by `x-at-least-one-of`, which adds the variant carrying both properties): the choice type or its field is renamed, or its alternatives change",
    },
    Rule {
        kind: K::EnumVarnamesChanged,
        request: B,
        response: B,
        why: "`x-enum-varnames` changed: Rust variants of the enum are renamed",
    },
    Rule {
        kind: K::UntaggedChanged,
        request: B,
        response: B,
        why: "`x-untagged` changed: the oneOf's variants are told apart differently when decoding (first shape that fits vs their properties)",
    },
    Rule {
        kind: K::LenientScalarChanged,
        request: B,
        response: B,
        why: "`x-lenient-scalar` changed: the value's Rust type moves between `StringOrNumber` and a plain scalar",
    },
    Rule {
        kind: K::RustTypeChanged,
        request: B,
        response: B,
        why: "`x-rust-type` changed: the value's Rust type becomes (or stops being) a type of another crate",
    },
    Rule {
        kind: K::PaginationChanged,
        request: B,
        response: B,
        why: "`x-pagination` changed: the `items()`/`pages()` streams read another parameter",
    },
    Rule {
        kind: K::InferredMarkChanged,
        request: I,
        response: I,
        why: "`x-inferred` added, removed or reworded: the \"Inferred\" warning box of the rustdoc changes",
    },
];

/// The severity of `kind` in `direction` (changes without a direction use the request column).
pub fn classify(kind: ChangeKind, direction: Option<Direction>) -> Severity {
    let rule = RULES.iter().find(|r| r.kind == kind);
    match (rule, direction) {
        (Some(r), Some(Direction::Response)) => r.response,
        (Some(r), _) => r.request,
        // Unreachable by construction (every kind has a row; a unit test checks it), but an
        // unlisted kind must never be reported as harmless.
        (None, _) => Severity::Breaking,
    }
}

/// Changes that keep every Rust signature: calls go elsewhere or behave differently, or only
/// the documentation changes. `cargo xtask compile-proof` expects the user crate to compile.
pub fn behavioural(kind: ChangeKind) -> bool {
    use ChangeKind as K;
    matches!(
        kind,
        K::OperationMoved
            | K::ServerChanged
            | K::ServerRemoved
            | K::SecuritySchemeRemoved
            | K::SecuritySchemeChanged
            | K::SecurityRequirementChanged
            | K::SuccessStatusCodeRemoved
            | K::ContentTypeRemoved
            | K::FormatChanged
            | K::RequiredAlternativesAdded
            | K::RequiredAlternativesRemoved
            | K::RequiredAlternativesChanged
            | K::CallbackAdded
            | K::CallbackRemoved
            | K::CallbackChanged
            | K::IdempotentBecameTrue
            | K::IdempotentBecameFalse
            | K::RateLimitAdded
            | K::RateLimitRemoved
            | K::RateLimitChanged
            | K::SecretAdded
            | K::SecretRemoved
            | K::UntaggedChanged
            | K::InferredMarkChanged
            | K::PathConfirmed
            | K::PathBecameInferred
    )
}

/// The rule table as Markdown, for the README.
pub fn rules_markdown() -> String {
    let mut out = String::from(
        "| change | in a request | in a response | why (generated client) |\n|---|---|---|---|\n",
    );
    for r in RULES {
        let name = serde_json::to_value(r.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        out.push_str(&format!(
            "| `{name}` | {} | {} | {} |\n",
            r.request.label(),
            r.response.label(),
            r.why
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_exactly_one_rule() {
        let kinds: Vec<ChangeKind> = RULES.iter().map(|r| r.kind).collect();
        let mut sorted = kinds.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), kinds.len(), "a kind appears twice in RULES");
        // The last variant's discriminant + 1 is the number of variants.
        assert_eq!(
            kinds.len(),
            ChangeKind::InferredMarkChanged as usize + 1,
            "a kind has no rule"
        );
    }

    #[test]
    fn readme_shows_the_same_table() {
        let readme = std::fs::read_to_string(crate::shared::workspace::root().join("README.md"))
            .unwrap_or_default();
        assert!(
            readme.contains(&rules_markdown()),
            "README.md's spec-diff rule table differs from xtask/src/shared/spec_changes/rules.rs; paste the output of `cargo xtask spec-diff --rules`"
        );
    }
}
