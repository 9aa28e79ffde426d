//! The intermediate representation between reading the spec and emitting Rust.
//!
//! Everything here is already named (Rust identifiers decided, collisions rejected) and ordered,
//! so the emitters only print.

use std::collections::{BTreeMap, BTreeSet};

/// A reference to a Rust type, as used by fields, parameters and bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ty {
    String,
    I64,
    F64,
    Bool,
    /// Any JSON (`serde_json::Value`).
    Value,
    /// A free-form JSON object (`serde_json::Map<String, Value>`).
    Map,
    /// A scalar that arrives as a string or a number (`crate::types::StringOrNumber`).
    StringOrNumber,
    /// A generated type, by Rust name.
    Named(String),
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>` (an object with typed `additionalProperties`).
    Dict(Box<Ty>),
}

impl Ty {
    /// Named types this type mentions.
    pub(crate) fn named(&self, out: &mut Vec<String>) {
        match self {
            Ty::Named(n) => out.push(n.clone()),
            Ty::Vec(t) | Ty::Dict(t) => t.named(out),
            _ => {}
        }
    }
}

/// Where a generated type lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Module {
    /// `api/common.rs`, always compiled.
    Common,
    /// `api/<tag>/types.rs`, compiled with the tag's feature.
    Tag(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TypeDef {
    pub name: String,
    pub doc: Option<String>,
    /// JSON pointer of the schema, for error messages.
    pub pointer: String,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TypeKind {
    Struct(Vec<Field>),
    /// A string enum: (variant identifier, wire value).
    Enum(Vec<(String, String)>),
    /// An integer enum: (variant identifier, wire value); unknown values are kept as `i64`.
    IntEnum(Vec<(String, i64)>),
    OneOf(OneOf),
    /// Exactly one of several properties (`x-exactly-one-of`): an externally tagged enum of
    /// (variant identifier, wire name, value type), flattened into the struct that uses it.
    Choice(Vec<(String, String, Ty)>),
    /// One, the other or both of two properties (`x-at-least-one-of`): (variant identifier,
    /// wire name, value type) of each, flattened into the struct that uses it; the Rust enum
    /// adds a both-variant.
    AtLeastOne(Vec<(String, String, Ty)>),
    /// A type defined outside the generated crate (`x-rust-type`), emitted as a type alias of
    /// this absolute path (`::qikberry_text::status::SmsStatus`).
    Extern(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    pub rust: String,
    pub wire: String,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
    pub doc: Option<String>,
    /// Set when the field's type is a string enum with exactly one value: (variant, wire value).
    pub single: Option<(String, String)>,
    /// `#[serde(flatten)]`: the field is a [`TypeKind::Choice`] whose variants are the wire keys.
    pub flatten: bool,
    /// `x-secret: true`: `Debug` prints `[REDACTED]` instead of the value.
    pub secret: bool,
    /// The field's named type contains this struct again without a `Vec` or map in between (a
    /// recursive schema): stored as `Box<T>`.
    pub boxed: bool,
}

impl Field {
    /// The name of the field's setter on the model: the field's name, except `set_new` for a
    /// field named `new` (the constructor keeps its name).
    pub(crate) fn setter(&self) -> String {
        if self.rust == "new" {
            "set_new".to_string()
        } else {
            self.rust.clone()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OneOf {
    pub variants: Vec<Variant>,
    /// `None`: x-untagged (try each variant). `Some`: per variant, the alternative signatures
    /// (all `(field, value)` pairs of one signature must match).
    pub signatures: Option<Vec<Vec<Signature>>>,
}

/// `(field, value)` pairs that must all be present for a variant to match.
pub(crate) type Signature = Vec<(String, String)>;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Variant {
    pub name: String,
    /// The payload type (a struct or another oneOf; any type in an untagged oneOf).
    pub ty: Ty,
    pub doc: Option<String>,
    /// The payload contains this oneOf again without a `Vec` or map in between: `Box<T>`.
    pub boxed: bool,
}

/// A query, path or header parameter (or a multipart text field).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Param {
    pub wire: String,
    pub rust: String,
    pub ty: Ty,
    pub required: bool,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Filter {
    pub name: String,
    pub tag: String,
    pub params: Vec<Param>,
    pub pointer: String,
}

#[derive(Debug, Clone)]
pub(crate) enum OpBody {
    Json { ty: Ty, required: bool },
    Form { ty: Ty, required: bool },
    Multipart(Vec<MultipartField>),
}

#[derive(Debug, Clone)]
pub(crate) struct MultipartField {
    pub param: Param,
    pub file: bool,
}

/// A paginator object inside `data` (Laravel's form: `current_page`, `last_page`,
/// `next_page_url` beside the items), one variant of a oneOf whose other variant is the list.
#[derive(Debug, Clone)]
pub(crate) struct NestedPage {
    /// The oneOf type of `data`.
    pub one_of: String,
    /// Its list variant.
    pub list: String,
    /// Its paginator variant.
    pub page: String,
    /// Whether the paginator's own `data` is optional.
    pub inner_optional: bool,
    /// The paginator's integer `current_page` (`Some(optional?)`), if it has one.
    pub current_page: Option<bool>,
    /// The paginator's integer `last_page`, likewise.
    pub last_page: Option<bool>,
    /// The paginator's string `next_page_url`, likewise.
    pub next_page_url: Option<bool>,
}

/// How to read the pagination envelope of a `x-pagination: page` response.
#[derive(Debug, Clone)]
pub(crate) struct PageInfo {
    pub item: Ty,
    pub data_optional: bool,
    /// `data` is a oneOf of the item list and a paginator object holding it in its own `data`
    /// (the platform's form of some answers).
    pub nested: Option<NestedPage>,
    /// `meta` field: (optional?, current_page optional?, last_page optional?); a missing
    /// `current_page`/`last_page` field is `None`.
    pub meta: Option<(bool, Option<bool>, Option<bool>)>,
    /// `links.next`: (links optional?, next optional?).
    pub next: Option<(bool, bool)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Op {
    /// The Rust method name on the product handle.
    pub method: String,
    pub builder: String,
    /// The path template without its leading `/`.
    pub path: String,
    pub path_params: Vec<Param>,
    pub query: Vec<Param>,
    /// Header parameters (required ones become arguments, optional ones setters).
    pub headers: Vec<Param>,
    pub filter: Option<String>,
    pub page_param: Option<Param>,
    pub body: Option<OpBody>,
    pub response: Option<Ty>,
    pub page: Option<PageInfo>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Wire names of the path/query/header parameters marked `x-secret`.
    pub secret_params: Vec<String>,
    /// What the spec decides about the operation (id, tag, HTTP method, server, `x-idempotent`,
    /// `x-rate-limit`, `x-path-inferred`); the tools read the same facts.
    pub facts: crate::facts::OperationFacts,
}

impl Op {
    /// The parameters that are the method's arguments, in order: path, required query,
    /// required header.
    pub(crate) fn required_params(&self) -> impl Iterator<Item = &Param> {
        self.path_params
            .iter()
            .chain(self.query.iter().filter(|p| p.required))
            .chain(self.headers.iter().filter(|p| p.required))
    }

    /// The parameters set with the builder's setters, in order: optional query, page,
    /// optional header.
    pub(crate) fn optional_params(&self) -> impl Iterator<Item = &Param> {
        self.query
            .iter()
            .filter(|p| !p.required)
            .chain(&self.page_param)
            .chain(self.headers.iter().filter(|p| !p.required))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TagInfo {
    /// Module name (`smart_links`).
    pub module: String,
    /// Handle struct name (`SmartLinks`).
    pub handle: String,
    pub doc: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Api {
    pub types: BTreeMap<String, TypeDef>,
    pub modules: BTreeMap<String, Module>,
    /// Types reachable from a response (their oneOfs keep an `Unknown` variant).
    pub response_side: BTreeSet<String>,
    /// Types reachable only from what the client sends (bodies, parameters), never from a
    /// response: their `Deserialize` is compiled only with the `deserialize-requests` feature.
    pub request_only: BTreeSet<String>,
    pub ops: Vec<Op>,
    pub tags: BTreeMap<String, TagInfo>,
    pub filters: BTreeMap<String, Filter>,
    pub title: String,
    /// Methods generated beside a struct's `new`, by the struct's Rust name.
    pub conveniences: BTreeMap<String, Vec<Convenience>>,
    /// Each operation's example answer, in the order of `ops` (the `spec_examples` table).
    pub examples: Vec<SpecExample>,
}

/// A method generated beside a struct's `new` and setters (`read::conveniences`).
#[derive(Debug, Clone)]
pub(crate) enum Convenience {
    /// `x-predicates`: `pub fn <name>(&self) -> bool`, true when the string-enum field `field`
    /// holds one of the enum's `variants`.
    Predicate {
        name: String,
        doc: String,
        field: String,
        optional: bool,
        enum_type: String,
        variants: Vec<String>,
    },
    /// The only required field is an array of at most one item (`maxItems: 1`):
    /// `pub fn <name>(item) -> Self` builds the model from that one item.
    SingleItem {
        name: String,
        wire: String,
        item: Ty,
    },
}

/// One operation's example answer from the spec: the first 2xx response of the operation and
/// that response's first example (`example`, else the first of `examples`).
#[derive(Debug, Clone)]
pub(crate) struct SpecExample {
    pub operation: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The server's base path followed by the path template (`/api/v2/sms/senders/{sender_id}`).
    pub path: String,
    pub status: u16,
    /// The example body as compact JSON; `None` when the response has no JSON example.
    pub body: Option<String>,
}
