//! Phase 1: spec → IR. Resolves `$ref`s, names every type, decides oneOf dispatch, and places
//! each type in the module of the only tag that uses it (or in `common`).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr,
    RequestBody, Response, Schema, SchemaKind, StatusCode, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::Error;
use crate::ir::*;
use crate::names::{WARNING_OPEN, esc, pascal, snake};

type Result<T> = std::result::Result<T, Error>;

fn err<T>(pointer: &str, message: impl Into<String>) -> Result<T> {
    Err(Error::new(pointer, message))
}

/// A schema position: a `$ref` string or an inline schema.
#[derive(Clone, Copy)]
enum SRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

/// A normalized look at a schema (openapiv3 puts unusual combinations into `Any`).
enum View<'a> {
    Str {
        enums: Vec<String>,
        binary: bool,
    },
    Int,
    Num,
    Bool,
    Object {
        props: Vec<(&'a str, SRef<'a>)>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
    },
    Array(Option<SRef<'a>>),
    OneOf(&'a [ReferenceOr<Schema>]),
    Unsupported(&'static str),
    Any,
}

fn view(s: &Schema) -> View<'_> {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => View::Str {
            enums: t.enumeration.iter().flatten().cloned().collect(),
            binary: matches!(
                t.format,
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
            ),
        },
        SchemaKind::Type(Type::Integer(_)) => View::Int,
        SchemaKind::Type(Type::Number(_)) => View::Num,
        SchemaKind::Type(Type::Boolean(_)) => View::Bool,
        SchemaKind::Type(Type::Object(o)) => View::Object {
            props: o
                .properties
                .iter()
                .map(|(k, v)| (k.as_str(), v.into()))
                .collect(),
            required: &o.required,
            additional: o.additional_properties.as_ref(),
        },
        SchemaKind::Type(Type::Array(a)) => View::Array(a.items.as_ref().map(Into::into)),
        SchemaKind::OneOf { one_of } => View::OneOf(one_of),
        SchemaKind::AllOf { .. } => View::Unsupported("allOf"),
        SchemaKind::AnyOf { .. } => View::Unsupported("anyOf"),
        SchemaKind::Not { .. } => View::Unsupported("not"),
        SchemaKind::Any(a) => {
            if !a.all_of.is_empty() {
                return View::Unsupported("allOf");
            }
            if !a.any_of.is_empty() {
                return View::Unsupported("anyOf");
            }
            if a.not.is_some() {
                return View::Unsupported("not");
            }
            let object = || View::Object {
                props: a
                    .properties
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.into()))
                    .collect(),
                required: &a.required,
                additional: a.additional_properties.as_ref(),
            };
            if !a.one_of.is_empty() {
                if !a.properties.is_empty() {
                    // A oneOf of `required` lists beside the properties is a requiredness rule;
                    // `x-exactly-one-of` gives it its Rust form (read with the object).
                    let bare_required = a.one_of.iter().all(|v| match v {
                        ReferenceOr::Item(v) => match &v.schema_kind {
                            SchemaKind::Any(r) => r.properties.is_empty() && !r.required.is_empty(),
                            SchemaKind::Type(Type::Object(o)) => {
                                o.properties.is_empty() && !o.required.is_empty()
                            }
                            _ => false,
                        },
                        ReferenceOr::Reference { .. } => false,
                    });
                    if bare_required || s.schema_data.extensions.contains_key(EXACTLY_ONE_OF) {
                        return object();
                    }
                    return View::Unsupported("oneOf combined with properties");
                }
                return View::OneOf(&a.one_of);
            }
            match a.typ.as_deref() {
                Some("string") => View::Str {
                    enums: a
                        .enumeration
                        .iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect(),
                    binary: a.format.as_deref() == Some("binary"),
                },
                Some("integer") => View::Int,
                Some("number") => View::Num,
                Some("boolean") => View::Bool,
                Some("object") => object(),
                Some("array") => View::Array(a.items.as_ref().map(Into::into)),
                Some(_) => View::Unsupported("unknown `type`"),
                None if !a.properties.is_empty() => object(),
                None if a.items.is_some() => View::Array(a.items.as_ref().map(Into::into)),
                None if !a.enumeration.is_empty() && a.enumeration.iter().all(Value::is_string) => {
                    View::Str {
                        enums: a
                            .enumeration
                            .iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect(),
                        binary: false,
                    }
                }
                None => View::Any,
            }
        }
    }
}

fn ext_true(ext: &indexmap::IndexMap<String, Value>, key: &str) -> bool {
    ext.get(key) == Some(&Value::Bool(true))
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The extension naming a set of properties of which a body carries exactly one.
const EXACTLY_ONE_OF: &str = "x-exactly-one-of";

/// A description followed by the rustdoc warning box for `x-inferred: "<why>"`.
fn doc_with_inferred(
    doc: Option<String>,
    ext: &indexmap::IndexMap<String, Value>,
    pointer: &str,
) -> Result<Option<String>> {
    let why = match ext.get("x-inferred") {
        None => return Ok(doc),
        Some(Value::String(why)) if !why.trim().is_empty() => why.trim(),
        Some(_) => {
            return err(
                &format!("{pointer}/x-inferred"),
                "x-inferred must be a non-empty string (the reason)",
            );
        }
    };
    let why = why
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let warning = format!(
        "{WARNING_OPEN}Inferred (<code>x-inferred</code>): not stated by the provider's reference. {why}</div>"
    );
    Ok(Some(match doc {
        Some(d) => format!("{d}\n\n{warning}"),
        None => warning,
    }))
}

/// `x-exactly-one-of: {name, field, properties}`: the Rust type name of the choice, the Rust
/// field that holds it, and the properties it chooses between.
struct ExactlyOne {
    name: String,
    field: String,
    properties: Vec<String>,
}

fn exactly_one(
    ext: &indexmap::IndexMap<String, Value>,
    pointer: &str,
) -> Result<Option<ExactlyOne>> {
    let Some(v) = ext.get(EXACTLY_ONE_OF) else {
        return Ok(None);
    };
    let at = format!("{pointer}/{EXACTLY_ONE_OF}");
    let text = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let properties: Option<Vec<String>> = v.get("properties").and_then(Value::as_array).map(|l| {
        l.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    });
    match (text("name"), text("field"), properties) {
        (Some(name), Some(field), Some(properties)) if properties.len() >= 2 => {
            Ok(Some(ExactlyOne {
                name,
                field,
                properties,
            }))
        }
        _ => err(
            &at,
            "x-exactly-one-of needs `name` (Rust type), `field` (Rust field) and two or more `properties`",
        ),
    }
}

struct Reader<'a> {
    spec: &'a OpenAPI,
    types: BTreeMap<String, TypeDef>,
    /// Component schema name → its Rust type (memo).
    comp: BTreeMap<String, Ty>,
    /// Components being resolved (cycle detection).
    active: Vec<String>,
}

const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option", "Result", "String", "Vec", "Box", "Self", "Some", "None", "Ok", "Err", "Default",
    "Client", "Error", "Value",
];

impl<'a> Reader<'a> {
    fn define(&mut self, def: TypeDef) -> Result<Ty> {
        let name = def.name.clone();
        if name.is_empty() {
            return err(
                &def.pointer,
                "cannot derive a Rust type name from this schema's name",
            );
        }
        if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
            return err(
                &def.pointer,
                format!("type name `{name}` collides with a Rust prelude or crate name"),
            );
        }
        if let Some(existing) = self.types.get(&name) {
            if existing.kind == def.kind {
                return Ok(Ty::Named(name));
            }
            return err(
                &def.pointer,
                format!(
                    "name collision: this schema and `{}` both become the Rust type `{name}`",
                    existing.pointer
                ),
            );
        }
        self.types.insert(name.clone(), def);
        Ok(Ty::Named(name))
    }

    fn schema_ref(
        &self,
        reference: &str,
        pointer: &str,
    ) -> Result<(&'a str, &'a ReferenceOr<Schema>)> {
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            return err(
                pointer,
                format!(
                    "unsupported $ref `{reference}` (only #/components/schemas/… is supported here)"
                ),
            );
        };
        let spec: &'a OpenAPI = self.spec;
        let found = spec
            .components
            .as_ref()
            .and_then(|c| c.schemas.get_key_value(name));
        match found {
            Some((k, v)) => Ok((k.as_str(), v)),
            None => err(
                pointer,
                format!("dangling $ref `{reference}`: no such schema"),
            ),
        }
    }

    /// Follows `$ref`s to the schema item (for structural inspection, not type definition).
    fn resolve(&self, r: SRef<'a>, pointer: &str) -> Result<&'a Schema> {
        let mut r = r;
        for _ in 0..32 {
            match r {
                SRef::Item(s) => return Ok(s),
                SRef::Ref(reference) => r = self.schema_ref(reference, pointer)?.1.into(),
            }
        }
        err(pointer, "$ref chain too long or cyclic")
    }

    fn component(&mut self, reference: &str, pointer: &str) -> Result<Ty> {
        let (name, target) = self.schema_ref(reference, pointer)?;
        if let Some(t) = self.comp.get(name) {
            return Ok(t.clone());
        }
        let cptr = format!("/components/schemas/{}", esc(name));
        if self.active.iter().any(|a| a == name) {
            return err(&cptr, "recursive schemas are not supported");
        }
        self.active.push(name.to_string());
        let result = self.sref(target.into(), &cptr, &pascal(name));
        self.active.pop();
        let ty = result?;
        self.comp.insert(name.to_string(), ty.clone());
        Ok(ty)
    }

    fn sref(&mut self, r: SRef<'a>, pointer: &str, hint: &str) -> Result<Ty> {
        match r {
            SRef::Ref(reference) => self.component(reference, pointer),
            SRef::Item(s) => self.schema(s, pointer, hint),
        }
    }

    /// Reads one inline schema into a Rust type, defining named types as it goes.
    fn schema(&mut self, s: &'a Schema, pointer: &str, hint: &str) -> Result<Ty> {
        let doc = doc_with_inferred(
            non_empty(&s.schema_data.description),
            &s.schema_data.extensions,
            pointer,
        )?;
        match view(s) {
            View::Str { enums, .. } if !enums.is_empty() => {
                self.string_enum(s, enums, pointer, hint, doc)
            }
            View::Str { .. } => Ok(Ty::String),
            View::Int => Ok(Ty::I64),
            View::Num => Ok(Ty::F64),
            View::Bool => Ok(Ty::Bool),
            View::Any => Ok(Ty::Value),
            View::Unsupported(what) => err(pointer, format!("unsupported construct: {what}")),
            View::Array(items) => match items {
                Some(i) => Ok(Ty::Vec(Box::new(self.sref(
                    i,
                    &format!("{pointer}/items"),
                    &format!("{hint}Item"),
                )?))),
                None => Ok(Ty::Vec(Box::new(Ty::Value))),
            },
            View::Object {
                props,
                required,
                additional,
            } => self.object(s, props, required, additional, pointer, hint, doc),
            View::OneOf(variants) => self.one_of(s, variants, pointer, hint, doc),
        }
    }

    /// Defines a string enum, naming its variants (from `x-enum-varnames` if given).
    fn string_enum(
        &mut self,
        s: &'a Schema,
        enums: Vec<String>,
        pointer: &str,
        hint: &str,
        doc: Option<String>,
    ) -> Result<Ty> {
        let mut values = Vec::new();
        let mut seen = BTreeMap::new();
        let varnames: Option<Vec<&str>> = match s.schema_data.extensions.get("x-enum-varnames") {
            None => None,
            Some(Value::Array(names)) if names.len() == enums.len() => {
                Some(names.iter().filter_map(Value::as_str).collect())
            }
            Some(_) => {
                return err(
                    &format!("{pointer}/x-enum-varnames"),
                    "x-enum-varnames must list one name per enum value",
                );
            }
        };
        for (i, v) in enums.iter().enumerate() {
            let given = varnames.as_ref().and_then(|n| n.get(i)).copied();
            let mut name = pascal(given.unwrap_or(v));
            if name.is_empty() {
                name = format!("V{i}");
            }
            if name == "Unknown" {
                return err(
                    pointer,
                    format!("enum value `{v}` would collide with the `Unknown` catch-all variant"),
                );
            }
            if let Some(other) = seen.insert(name.clone(), v.clone()) {
                if &other == v {
                    continue;
                }
                return err(
                    &format!("{pointer}/enum/{i}"),
                    format!(
                        "name collision: enum values `{other}` and `{v}` both become the variant `{name}` \
                         (name the variants with `x-enum-varnames`)"
                    ),
                );
            }
            values.push((name, v.clone()));
        }
        self.define(TypeDef {
            name: hint.to_string(),
            doc,
            pointer: pointer.to_string(),
            kind: TypeKind::Enum(values),
        })
    }

    /// Reads an object schema: a map type without properties, else a struct of its fields.
    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        s: &'a Schema,
        props: Vec<(&'a str, SRef<'a>)>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
        pointer: &str,
        hint: &str,
        doc: Option<String>,
    ) -> Result<Ty> {
        if props.is_empty() {
            return match additional {
                Some(AdditionalProperties::Schema(a)) => {
                    let r: SRef<'a> = (&**a).into();
                    Ok(Ty::Dict(Box::new(self.sref(
                        r,
                        &format!("{pointer}/additionalProperties"),
                        &format!("{hint}Value"),
                    )?)))
                }
                _ => Ok(Ty::Map),
            };
        }
        for r in required {
            if !props.iter().any(|(k, _)| k == r) {
                return err(
                    &format!("{pointer}/required"),
                    format!("required property `{r}` is not defined in `properties`"),
                );
            }
        }
        let mut fields: Vec<Field> = Vec::new();
        for (wire, p) in props {
            let field = self.field(&fields, wire, p, required, pointer, hint)?;
            fields.push(field);
        }
        if let Some(rule) = exactly_one(&s.schema_data.extensions, pointer)? {
            self.choose_one(&mut fields, rule, pointer)?;
        }
        self.define(TypeDef {
            name: hint.to_string(),
            doc,
            pointer: pointer.to_string(),
            kind: TypeKind::Struct(fields),
        })
    }

    /// Reads property `wire` of an object into a field, checking its Rust name against `fields`.
    fn field(
        &mut self,
        fields: &[Field],
        wire: &'a str,
        p: SRef<'a>,
        required: &[String],
        pointer: &str,
        hint: &str,
    ) -> Result<Field> {
        let fptr = format!("{pointer}/properties/{}", esc(wire));
        let rust = snake(wire);
        if rust.is_empty() {
            return err(
                &fptr,
                format!("cannot derive a Rust field name from `{wire}`"),
            );
        }
        if let Some(other) = fields.iter().find(|f| f.rust == rust) {
            return err(
                &fptr,
                format!(
                    "name collision: properties `{}` and `{wire}` both become the field `{rust}`",
                    other.wire
                ),
            );
        }
        let ty = self.sref(p, &fptr, &format!("{hint}{}", pascal(wire)))?;
        let (nullable, fdoc, secret) = match p {
            SRef::Item(s) => (
                s.schema_data.nullable,
                doc_with_inferred(
                    non_empty(&s.schema_data.description),
                    &s.schema_data.extensions,
                    &fptr,
                )?,
                ext_true(&s.schema_data.extensions, "x-secret"),
            ),
            SRef::Ref(_) => (false, None, false),
        };
        let single = match &ty {
            Ty::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Enum(values)) if values.len() == 1 => values.first().cloned(),
                _ => None,
            },
            _ => None,
        };
        Ok(Field {
            rust,
            wire: wire.to_string(),
            ty,
            required: required.iter().any(|r| r == wire),
            nullable,
            doc: fdoc,
            single,
            flatten: false,
            secret,
        })
    }

    /// Replaces the optional fields of an `x-exactly-one-of` rule by one required, flattened
    /// field holding a [`TypeKind::Choice`] of them, so a body with none (or two) of them cannot
    /// be built.
    fn choose_one(
        &mut self,
        fields: &mut Vec<Field>,
        rule: ExactlyOne,
        pointer: &str,
    ) -> Result<()> {
        let at = format!("{pointer}/{EXACTLY_ONE_OF}");
        let mut variants = Vec::new();
        let mut docs = Vec::new();
        let mut secret = false;
        for wire in &rule.properties {
            let Some(i) = fields.iter().position(|f| &f.wire == wire) else {
                return err(&at, format!("`{wire}` is not a property of this object"));
            };
            let f = fields.remove(i);
            if f.required {
                return err(
                    &at,
                    format!("`{wire}` is required, so it cannot be one of several choices"),
                );
            }
            docs.push(format!("`{wire}`"));
            secret |= f.secret;
            variants.push((pascal(wire), f.wire, f.ty));
        }
        let rust = snake(&rule.field);
        if rust.is_empty() || fields.iter().any(|f| f.rust == rust) {
            return err(
                &at,
                format!(
                    "`field: {}` is empty or collides with another field",
                    rule.field
                ),
            );
        }
        let doc = format!(
            "Exactly one of {} (the body carries the one chosen).",
            docs.join(", ")
        );
        let ty = self.define(TypeDef {
            name: rule.name,
            doc: Some(doc.clone()),
            pointer: at,
            kind: TypeKind::Choice(variants),
        })?;
        fields.insert(
            0,
            Field {
                rust,
                wire: rule.field,
                ty,
                required: true,
                nullable: false,
                doc: Some(doc),
                single: None,
                flatten: true,
                secret,
            },
        );
        Ok(())
    }

    fn is_scalar(&self, r: SRef<'a>, pointer: &str) -> Result<bool> {
        let s = self.resolve(r, pointer)?;
        Ok(matches!(
            view(s),
            View::Str { binary: false, .. } | View::Int | View::Num | View::Bool
        ))
    }

    /// Reads a oneOf: a lenient scalar, or a named enum of variants with their dispatch signatures.
    fn one_of(
        &mut self,
        s: &'a Schema,
        variants: &'a [ReferenceOr<Schema>],
        pointer: &str,
        hint: &str,
        doc: Option<String>,
    ) -> Result<Ty> {
        if variants.is_empty() {
            return err(pointer, "empty oneOf");
        }
        if let Some(ty) = self.scalar_one_of(s, variants, pointer)? {
            return Ok(ty);
        }
        let untagged = ext_true(&s.schema_data.extensions, "x-untagged");
        let (out, refs) = self.one_of_variants(variants, pointer, hint, untagged)?;
        let signatures = if let Some(d) = &s.schema_data.discriminator {
            Some(self.discriminator_signatures(d, &out, &refs, pointer)?)
        } else if untagged {
            None
        } else {
            Some(self.enum_field_signatures(&out, pointer)?)
        };
        self.define(TypeDef {
            name: hint.to_string(),
            doc,
            pointer: pointer.to_string(),
            kind: TypeKind::OneOf(OneOf {
                variants: out,
                signatures,
            }),
        })
    }

    /// A oneOf of scalars: `Some` type under `x-lenient-scalar`, an error without it; `None` when
    /// the variants are not all scalars (and `x-lenient-scalar` is absent).
    fn scalar_one_of(
        &self,
        s: &'a Schema,
        variants: &'a [ReferenceOr<Schema>],
        pointer: &str,
    ) -> Result<Option<Ty>> {
        let mut all_scalar = true;
        for (i, v) in variants.iter().enumerate() {
            all_scalar &= self.is_scalar(v.into(), &format!("{pointer}/oneOf/{i}"))?;
        }
        let lenient = ext_true(&s.schema_data.extensions, "x-lenient-scalar");
        if all_scalar {
            if lenient {
                let mut has_bool = false;
                for (i, v) in variants.iter().enumerate() {
                    has_bool |= matches!(
                        view(self.resolve(v.into(), &format!("{pointer}/oneOf/{i}"))?),
                        View::Bool
                    );
                }
                // A boolean among the shapes does not fit StringOrNumber: keep the raw JSON.
                return Ok(Some(if has_bool {
                    Ty::Value
                } else {
                    Ty::StringOrNumber
                }));
            }
            return err(
                pointer,
                "a oneOf of scalars needs `x-lenient-scalar: true` (it becomes StringOrNumber)",
            );
        }
        if lenient {
            return err(
                pointer,
                "`x-lenient-scalar` on a oneOf whose variants are not all strings or numbers",
            );
        }
        Ok(None)
    }

    /// Reads and names the variants of a oneOf; also returns each variant's `$ref` (if any).
    #[allow(clippy::type_complexity)]
    fn one_of_variants(
        &mut self,
        variants: &'a [ReferenceOr<Schema>],
        pointer: &str,
        hint: &str,
        untagged: bool,
    ) -> Result<(Vec<Variant>, Vec<Option<&'a str>>)> {
        let mut out: Vec<Variant> = Vec::new();
        let mut refs: Vec<Option<&str>> = Vec::new();
        for (i, v) in variants.iter().enumerate() {
            let vptr = format!("{pointer}/oneOf/{i}");
            let (ty, title, fallback, vdoc, reference) = self.one_of_variant(v, &vptr, hint)?;
            refs.push(reference);
            let dispatchable = match &ty {
                Ty::Named(tn) => matches!(
                    self.types.get(tn).map(|t| &t.kind),
                    Some(TypeKind::Struct(_) | TypeKind::OneOf(_))
                ),
                _ => false,
            };
            if !dispatchable && !untagged {
                return err(
                    &vptr,
                    "a oneOf variant must be an object or a nested oneOf unless the oneOf is `x-untagged` (scalars: use x-lenient-scalar)",
                );
            }
            let name = pascal(title.as_deref().or(fallback.as_deref()).unwrap_or_default());
            if name.is_empty() || name == "Unknown" {
                return err(
                    &vptr,
                    "cannot derive a variant name from this variant's title",
                );
            }
            if out.iter().any(|o| o.name == name) {
                return err(
                    &vptr,
                    format!("name collision: two oneOf variants become `{name}`"),
                );
            }
            out.push(Variant {
                name,
                ty,
                doc: vdoc,
            });
        }
        Ok((out, refs))
    }

    /// One oneOf variant: its type, title, fallback name (the component's), doc and `$ref`.
    #[allow(clippy::type_complexity)]
    fn one_of_variant(
        &mut self,
        v: &'a ReferenceOr<Schema>,
        vptr: &str,
        hint: &str,
    ) -> Result<(
        Ty,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<&'a str>,
    )> {
        Ok(match v {
            ReferenceOr::Reference { reference } => {
                let (name, target) = self.schema_ref(reference, vptr)?;
                let item = self.resolve(target.into(), vptr)?;
                let ty = self.component(reference, vptr)?;
                (
                    ty,
                    non_empty(&item.schema_data.title),
                    Some(name.to_string()),
                    non_empty(&item.schema_data.description),
                    Some(reference.as_str()),
                )
            }
            ReferenceOr::Item(item) => {
                let title = non_empty(&item.schema_data.title);
                let kind = match view(item) {
                    View::Str { .. } => "Text",
                    View::Int => "Integer",
                    View::Num => "Number",
                    View::Bool => "Boolean",
                    View::Array(_) => "List",
                    View::Object { .. } => "Object",
                    View::OneOf(_) => "Choice",
                    View::Any | View::Unsupported(_) => "Any",
                };
                let name = title.clone().unwrap_or_else(|| kind.to_string());
                let ty = self.schema(item, vptr, &format!("{hint}{}", pascal(&name)))?;
                (
                    ty,
                    Some(name),
                    None,
                    non_empty(&item.schema_data.description),
                    None,
                )
            }
        })
    }

    /// Per variant, the discriminator values selecting it (mapping, one-value enum, or `$ref` name).
    fn discriminator_signatures(
        &self,
        d: &openapiv3::Discriminator,
        out: &[Variant],
        refs: &[Option<&str>],
        pointer: &str,
    ) -> Result<Vec<Vec<Signature>>> {
        let p = &d.property_name;
        for (value, target) in &d.mapping {
            if !refs.contains(&Some(target.as_str())) {
                return err(
                    &format!("{pointer}/discriminator/mapping/{}", esc(value)),
                    format!(
                        "discriminator mapping `{value}` points to `{target}`, which is not one of the oneOf's variants"
                    ),
                );
            }
        }
        let mut sigs = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (i, v) in out.iter().enumerate() {
            let mut values: Vec<String> = d
                .mapping
                .iter()
                .filter(|(_, t)| refs.get(i).copied().flatten() == Some(t.as_str()))
                .map(|(k, _)| k.clone())
                .collect();
            if values.is_empty() {
                values = self.const_values(&v.ty, p);
                values.sort();
                values.dedup();
            }
            if values.is_empty()
                && let Some(Some(r)) = refs.get(i)
            {
                values.push(r.rsplit('/').next().unwrap_or_default().to_string());
            }
            if values.is_empty() {
                return err(
                    &format!("{pointer}/oneOf/{i}"),
                    format!(
                        "variant `{}` has no value for the discriminator `{p}`",
                        v.name
                    ),
                );
            }
            for val in &values {
                if let Some(other) = seen.insert(val.clone(), v.name.clone()) {
                    return err(
                        pointer,
                        format!(
                            "discriminator value `{val}` selects both `{other}` and `{}`",
                            v.name
                        ),
                    );
                }
            }
            sigs.push(
                values
                    .into_iter()
                    .map(|val| vec![(p.clone(), val)])
                    .collect(),
            );
        }
        Ok(sigs)
    }

    /// Per variant, its single-value enum field signatures; they must tell the variants apart.
    fn enum_field_signatures(&self, out: &[Variant], pointer: &str) -> Result<Vec<Vec<Signature>>> {
        let mut sigs: Vec<Vec<Vec<(String, String)>>> = Vec::new();
        for (i, v) in out.iter().enumerate() {
            let vs = self.signatures(&v.ty);
            if vs.is_empty() {
                return err(
                    &format!("{pointer}/oneOf/{i}"),
                    format!(
                        "oneOf without a discriminator: variant `{}` has no single-value enum field to dispatch on; \
                         add a `discriminator`, a single-value `enum` field, or `x-untagged: true`",
                        v.name
                    ),
                );
            }
            for (j, earlier) in sigs.iter().enumerate() {
                if vs.iter().any(|s| earlier.contains(s)) {
                    let other = out.get(j).map(|o| o.name.as_str()).unwrap_or_default();
                    return err(
                        pointer,
                        format!(
                            "oneOf variants `{other}` and `{}` have the same single-value enum fields; they cannot be told apart (use a discriminator or x-untagged)",
                            v.name
                        ),
                    );
                }
            }
            sigs.push(vs);
        }
        Ok(sigs)
    }

    /// The single values a type gives to field `p` (a struct's one-value enum field, or the
    /// union over a nested oneOf's variants).
    fn const_values(&self, ty: &Ty, p: &str) -> Vec<String> {
        let Ty::Named(ty) = ty else { return Vec::new() };
        match self.types.get(ty).map(|t| &t.kind) {
            Some(TypeKind::Struct(fields)) => fields
                .iter()
                .filter(|f| f.wire == p)
                .filter_map(|f| f.single.as_ref().map(|s| s.1.clone()))
                .collect(),
            Some(TypeKind::OneOf(o)) => o
                .variants
                .iter()
                .flat_map(|v| self.const_values(&v.ty, p))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Signatures for dispatching to a type: its required single-value enum fields (else its
    /// optional ones); for a nested oneOf, the union of its variants' signatures.
    fn signatures(&self, ty: &Ty) -> Vec<Vec<(String, String)>> {
        let Ty::Named(ty) = ty else { return Vec::new() };
        match self.types.get(ty).map(|t| &t.kind) {
            Some(TypeKind::Struct(fields)) => {
                let pick = |required: bool| -> Vec<(String, String)> {
                    fields
                        .iter()
                        .filter(|f| f.required == required)
                        .filter_map(|f| f.single.as_ref().map(|s| (f.wire.clone(), s.1.clone())))
                        .collect()
                };
                let mut sig = pick(true);
                if sig.is_empty() {
                    sig = pick(false);
                }
                if sig.is_empty() {
                    Vec::new()
                } else {
                    vec![sig]
                }
            }
            Some(TypeKind::OneOf(o)) => match &o.signatures {
                Some(_) => o
                    .variants
                    .iter()
                    .flat_map(|v| self.signatures(&v.ty))
                    .collect(),
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

pub(crate) fn read(spec: &OpenAPI) -> Result<Api> {
    let mut r = Reader {
        spec,
        types: BTreeMap::new(),
        comp: BTreeMap::new(),
        active: Vec::new(),
    };
    let mut ops = Vec::new();
    let mut filters: BTreeMap<String, Filter> = BTreeMap::new();
    let mut tags: BTreeMap<String, TagInfo> = BTreeMap::new();
    let mut modules_seen: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in spec.paths.iter() {
        let pptr = format!("/paths/{}", esc(path));
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { .. } => {
                return err(&pptr, "unsupported construct: $ref path item");
            }
        };
        for (method, op) in item.iter() {
            let optr = format!("{pptr}/{method}");
            let o = read_op(&mut r, path, method, item, op, &optr, &mut filters)?;
            if !tags.contains_key(&o.tag) {
                let module = snake(&o.tag);
                if module.is_empty() || matches!(module.as_str(), "common" | "support") {
                    return err(
                        &format!("{optr}/tags/0"),
                        format!("tag `{}` cannot be a module name", o.tag),
                    );
                }
                if let Some(other) = modules_seen.insert(module.clone(), o.tag.clone()) {
                    return err(
                        &format!("{optr}/tags/0"),
                        format!(
                            "name collision: tags `{other}` and `{}` both become the module `{module}`",
                            o.tag
                        ),
                    );
                }
                let doc = spec
                    .tags
                    .iter()
                    .find(|t| t.name == o.tag)
                    .and_then(|t| non_empty(&t.description));
                tags.insert(
                    o.tag.clone(),
                    TagInfo {
                        module,
                        handle: pascal(&o.tag),
                        doc,
                    },
                );
            }
            ops.push((o, optr));
        }
    }
    // Unused components are emitted too (into `common`), except the multipart-only ones and the
    // webhook payloads that only callbacks use (the hand-written `webhook` module is their one
    // definition).
    let callback_only = callback_schemas(spec);
    if let Some(c) = &spec.components {
        for name in c.schemas.keys() {
            let reference = format!("#/components/schemas/{name}");
            if r.comp.contains_key(name.as_str()) || callback_only.contains(name.as_str()) {
                continue;
            }
            let cptr = format!("/components/schemas/{}", esc(name));
            let has_binary = match r.resolve(SRef::Ref(&reference), &cptr) {
                Ok(s) => match view(s) {
                    View::Object { props, .. } => props.iter().any(|(_, p)| {
                        r.resolve(*p, &cptr)
                            .is_ok_and(|s| matches!(view(s), View::Str { binary: true, .. }))
                    }),
                    _ => false,
                },
                Err(_) => false,
            };
            if !has_binary {
                r.component(&reference, &cptr)?;
            }
        }
    }
    // Operations sorted by tag, then method name; method names unique per tag.
    ops.sort_by(|a, b| (&a.0.tag, &a.0.method).cmp(&(&b.0.tag, &b.0.method)));
    for pair in ops.windows(2) {
        if let [a, b] = pair
            && a.0.tag == b.0.tag
            && a.0.method == b.0.method
        {
            return err(
                &b.1,
                format!(
                    "name collision: operations `{}` and `{}` both become the method `{}`",
                    a.0.id, b.0.id, b.0.method
                ),
            );
        }
    }
    let ops: Vec<Op> = ops.into_iter().map(|(o, _)| o).collect();
    place(r.types, ops, tags, filters, spec.info.title.clone())
}

/// The component schemas that operations' callbacks reach through `$ref`s (transitively).
fn callback_schemas(spec: &OpenAPI) -> BTreeSet<String> {
    let mut todo: Vec<Value> = Vec::new();
    for (_, item) in spec.paths.iter() {
        if let ReferenceOr::Item(item) = item {
            for (_, op) in item.iter() {
                todo.extend(
                    op.callbacks
                        .values()
                        .filter_map(|c| serde_json::to_value(c).ok()),
                );
            }
        }
    }
    let schemas = spec.components.as_ref().map(|c| &c.schemas);
    let mut found = BTreeSet::new();
    while let Some(v) = todo.pop() {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                    && found.insert(name.to_string())
                    && let Some(s) = schemas.and_then(|s| s.get(name))
                    && let Ok(s) = serde_json::to_value(s)
                {
                    todo.push(s);
                }
                todo.extend(map.into_iter().map(|(_, v)| v));
            }
            Value::Array(list) => todo.extend(list),
            _ => {}
        }
    }
    found
}

/// Reads one operation into the IR, step by step: its names, its parameters (sorted into path,
/// query, filter and page parameters), its path template, its request body and its success
/// response.
fn read_op<'a>(
    r: &mut Reader<'a>,
    path: &str,
    method: &str,
    item: &'a openapiv3::PathItem,
    op: &'a Operation,
    optr: &str,
    filters: &mut BTreeMap<String, Filter>,
) -> Result<Op> {
    let names = op_names(op, optr)?;
    let params = merged_params(r, item, op, optr)?;
    let paginated = is_paginated(op, optr)?;
    let mut sets = ParamSets::default();
    for (p, ptr) in &params {
        read_param(r, p, ptr, paginated, &names.op_pascal, &mut sets)?;
    }
    if paginated && sets.page.is_none() {
        sets.page = Some(Param {
            wire: "page".into(),
            rust: "page".into(),
            ty: Ty::I64,
            required: false,
            doc: None,
        });
    }
    check_builder_names(&sets, optr)?;
    let secret_params = std::mem::take(&mut sets.secret);
    let filter = register_filter(filters, &names.tag, sets.filter, sets.filter_params)?;
    let mut path_params = sets.path;
    let rel = path_template(path, optr, &mut path_params)?;
    let body = request_body(r, op, optr, &names.op_pascal)?;
    let response = success_response(r, op, optr, &names.op_pascal)?;
    let page = if paginated {
        Some(page_info(r, response.as_ref(), optr)?)
    } else {
        None
    };
    if page.is_some() && body.is_some() {
        return err(
            optr,
            "unsupported construct: x-pagination on an operation with a request body",
        );
    }
    let servers = if op.servers.is_empty() {
        &item.servers
    } else {
        &op.servers
    };
    let v3 = servers.iter().any(|s| s.url.contains("/api/v3"));
    Ok(Op {
        id: names.id,
        tag: names.tag,
        method: names.method,
        builder: names.builder,
        http: method.to_ascii_uppercase(),
        path: rel,
        path_params,
        query: sets.query,
        filter,
        page_param: sets.page,
        body,
        response,
        v3,
        page,
        inferred: ext_true(&op.extensions, "x-path-inferred"),
        summary: non_empty(&op.summary),
        description: non_empty(&op.description),
        idempotent: idempotent(op, method, optr)?,
        secret_params,
        rate_limit: rate_limit(op.extensions.get("x-rate-limit"), optr)?,
    })
}

/// `x-idempotent` (when absent: GET/HEAD/PUT/DELETE/OPTIONS; spec-lint requires it).
fn idempotent(op: &Operation, method: &str, optr: &str) -> Result<bool> {
    match op.extensions.get("x-idempotent") {
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => err(
            &format!("{optr}/x-idempotent"),
            "x-idempotent must be true or false",
        ),
        None => Ok(matches!(
            method,
            "get" | "head" | "put" | "delete" | "options"
        )),
    }
}

/// `x-rate-limit: {requests, per-seconds, scope}`.
fn rate_limit(v: Option<&Value>, optr: &str) -> Result<Option<(u32, u32, String)>> {
    let Some(v) = v else { return Ok(None) };
    let num = |k: &str| {
        v.get(k)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
    };
    match (
        num("requests"),
        num("per-seconds"),
        v.get("scope").and_then(Value::as_str),
    ) {
        (Some(r), Some(p), Some(s)) => Ok(Some((r, p, s.to_string()))),
        _ => err(
            &format!("{optr}/x-rate-limit"),
            "x-rate-limit must be {requests: <integer ≥ 1>, per-seconds: <integer ≥ 1>, scope: <text>}",
        ),
    }
}

/// The names an operation gives the generated code.
struct OpNames {
    /// `operationId`.
    id: String,
    /// The one tag (product module and Cargo feature).
    tag: String,
    /// The method name: the snake-case `operationId` minus `<tag_snake>_`.
    method: String,
    /// The request builder's type name.
    builder: String,
    /// PascalCase `operationId`, the prefix of inline type names.
    op_pascal: String,
}

/// Checks the `operationId` and the single tag and derives the method and builder names.
fn op_names(op: &Operation, optr: &str) -> Result<OpNames> {
    let Some(id) = op.operation_id.clone() else {
        return err(optr, "operation has no operationId");
    };
    let [tag] = op.tags.as_slice() else {
        return err(
            &format!("{optr}/tags"),
            "an operation needs exactly one tag (it selects the product module and Cargo feature)",
        );
    };
    if tag.is_empty()
        || !tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return err(
            &format!("{optr}/tags/0"),
            format!("tag `{tag}` is not a valid Cargo feature name"),
        );
    }
    let prefix = format!("{}_", snake(tag));
    let id_snake = snake(&id);
    let method = id_snake
        .strip_prefix(&prefix)
        .unwrap_or(&id_snake)
        .to_string();
    if method.is_empty() {
        return err(
            &format!("{optr}/operationId"),
            format!("operationId `{id}` leaves no method name after removing `{prefix}`"),
        );
    }
    Ok(OpNames {
        builder: pascal(&method),
        op_pascal: pascal(&id),
        tag: tag.clone(),
        method,
        id,
    })
}

/// The operation's parameters with their pointers: path-level first, operation-level ones
/// overriding by (name, in); `$ref`s to `#/components/parameters` resolved.
fn merged_params<'a>(
    r: &Reader<'a>,
    item: &'a openapiv3::PathItem,
    op: &'a Operation,
    optr: &str,
) -> Result<Vec<(&'a Parameter, String)>> {
    let mut params: Vec<(&'a Parameter, String)> = Vec::new();
    let pptr = optr
        .rsplit_once('/')
        .map(|(p, _)| p.to_string())
        .unwrap_or_default();
    for (list, base) in [(&item.parameters, pptr.as_str()), (&op.parameters, optr)] {
        for (i, p) in list.iter().enumerate() {
            let ptr = format!("{base}/parameters/{i}");
            let p = resolve_param(r, p, &ptr)?;
            let key = |q: &Parameter| {
                (
                    q.parameter_data_ref().name.clone(),
                    std::mem::discriminant(q),
                )
            };
            params.retain(|(q, _)| key(q) != key(p));
            params.push((p, ptr));
        }
    }
    Ok(params)
}

/// A parameter, following one `$ref` into `#/components/parameters`.
fn resolve_param<'a>(
    r: &Reader<'a>,
    p: &'a ReferenceOr<Parameter>,
    ptr: &str,
) -> Result<&'a Parameter> {
    let reference = match p {
        ReferenceOr::Item(p) => return Ok(p),
        ReferenceOr::Reference { reference } => reference,
    };
    let name = reference.strip_prefix("#/components/parameters/");
    let found = name.and_then(|n| r.spec.components.as_ref().and_then(|c| c.parameters.get(n)));
    match found {
        Some(ReferenceOr::Item(p)) => Ok(p),
        Some(ReferenceOr::Reference { .. }) => {
            err(ptr, "unsupported construct: $ref to a $ref parameter")
        }
        None => err(
            ptr,
            format!("dangling $ref `{reference}`: no such parameter"),
        ),
    }
}

/// Whether the operation is marked `x-pagination: page`.
fn is_paginated(op: &Operation, optr: &str) -> Result<bool> {
    match op.extensions.get("x-pagination") {
        None => Ok(false),
        Some(Value::String(s)) if s == "page" => Ok(true),
        Some(other) => err(
            &format!("{optr}/x-pagination"),
            format!("unsupported x-pagination `{other}` (only `page`)"),
        ),
    }
}

/// An operation's parameters sorted by the role they play in the request builder.
#[derive(Default)]
struct ParamSets {
    path: Vec<Param>,
    /// Query parameters outside any filter group (required ones become arguments).
    query: Vec<Param>,
    /// Optional query parameters of the `x-filter-group`.
    filter_params: Vec<Param>,
    /// The filter group's name and the pointer of its first parameter.
    filter: Option<(String, String)>,
    /// The page-number parameter of a paginated operation.
    page: Option<Param>,
    /// Wire names of the parameters marked `x-secret`.
    secret: Vec<String>,
}

/// Reads one parameter into the set it belongs to.
fn read_param<'a>(
    r: &mut Reader<'a>,
    p: &'a Parameter,
    ptr: &String,
    paginated: bool,
    op_pascal: &str,
    sets: &mut ParamSets,
) -> Result<()> {
    let data = p.parameter_data_ref();
    let sref: SRef<'a> = match &data.format {
        ParameterSchemaOrContent::Schema(s) => s.into(),
        ParameterSchemaOrContent::Content(_) => {
            return err(ptr, "unsupported construct: parameter with `content`");
        }
    };
    let group = filter_group(data, ptr)?;
    let wire = data.name.clone();
    let doc = non_empty(&data.description);
    if ext_true(&data.extensions, "x-secret") {
        sets.secret.push(wire.clone());
    }
    let sptr = format!("{ptr}/schema");
    match p {
        Parameter::Path { .. } => {
            let ty = r.sref(sref, &sptr, &format!("{op_pascal}{}", pascal(&wire)))?;
            if !matches!(ty, Ty::String | Ty::I64) {
                return err(
                    ptr,
                    "unsupported construct: path parameter that is not a string or integer",
                );
            }
            sets.path.push(Param {
                rust: snake(&wire),
                wire,
                ty,
                required: true,
                doc,
            });
        }
        Parameter::Query { .. } => {
            let is_page =
                paginated && (wire == "page" || data.extensions.get("x-pagination").is_some());
            match group {
                Some(g) if !data.required && !is_page => {
                    let rust = filter_setter(&wire);
                    let ty = r.sref(sref, &sptr, &format!("{g}{}", pascal(&rust)))?;
                    if let Some((other, _)) = &sets.filter
                        && *other != g
                    {
                        return err(
                            ptr,
                            format!("one operation uses two filter groups, `{other}` and `{g}`"),
                        );
                    }
                    sets.filter = Some((g, ptr.clone()));
                    sets.filter_params.push(Param {
                        wire,
                        rust,
                        ty,
                        required: false,
                        doc,
                    });
                }
                _ => {
                    let ty = r.sref(sref, &sptr, &format!("{op_pascal}{}", pascal(&wire)))?;
                    if matches!(ty, Ty::Map | Ty::Dict(_) | Ty::Value) {
                        return err(ptr, "unsupported construct: object-valued query parameter");
                    }
                    let param = Param {
                        rust: snake(&wire),
                        wire,
                        ty,
                        required: data.required,
                        doc,
                    };
                    if is_page {
                        if param.ty != Ty::I64 {
                            return err(ptr, "the page parameter must be an integer");
                        }
                        sets.page = Some(param);
                    } else {
                        sets.query.push(param);
                    }
                }
            }
        }
        Parameter::Header { .. } | Parameter::Cookie { .. } => {
            return err(ptr, "unsupported construct: header or cookie parameter");
        }
    }
    Ok(())
}

/// The parameter's `x-filter-group`, as a PascalCase type name.
fn filter_group(data: &openapiv3::ParameterData, ptr: &str) -> Result<Option<String>> {
    match data.extensions.get("x-filter-group") {
        None => Ok(None),
        Some(Value::String(g)) if !pascal(g).is_empty() => Ok(Some(pascal(g))),
        Some(_) => err(
            &format!("{ptr}/x-filter-group"),
            "x-filter-group must be a PascalCase name",
        ),
    }
}

/// Rust names must be unique among the request builder's own fields.
fn check_builder_names(sets: &ParamSets, optr: &str) -> Result<()> {
    let mut names: BTreeSet<&str> = [
        "client", "filter", "body", "send", "items", "pages", "request",
    ]
    .into_iter()
    .collect();
    for p in sets.path.iter().chain(&sets.query).chain(&sets.page) {
        if p.rust.is_empty() || !names.insert(p.rust.as_str()) {
            return err(
                optr,
                format!(
                    "name collision: parameter `{}` becomes `{}`, which is empty or already taken",
                    p.wire, p.rust
                ),
            );
        }
    }
    Ok(())
}

/// Records the operation's filter group (one type per group, shared by the operations that use
/// the same parameters) and returns its name.
fn register_filter(
    filters: &mut BTreeMap<String, Filter>,
    tag: &str,
    group: Option<(String, String)>,
    params: Vec<Param>,
) -> Result<Option<String>> {
    let Some((g, fptr)) = group else {
        return Ok(None);
    };
    let mut seen = BTreeSet::new();
    for p in &params {
        if p.rust.is_empty() || p.rust == "new" || !seen.insert(p.rust.clone()) {
            return err(
                &fptr,
                format!(
                    "name collision: filter parameter `{}` becomes the setter `{}`",
                    p.wire, p.rust
                ),
            );
        }
    }
    let f = Filter {
        name: g.clone(),
        tag: tag.to_string(),
        params,
        pointer: fptr.clone(),
    };
    match filters.get(&g) {
        Some(existing) if existing.params != f.params || existing.tag != f.tag => {
            return err(
                &fptr,
                format!(
                    "filter group `{g}` is used with different parameters at `{}`",
                    existing.pointer
                ),
            );
        }
        Some(_) => {}
        None => {
            filters.insert(g.clone(), f);
        }
    }
    Ok(Some(g))
}

/// Checks that the path's `{placeholders}` and the path parameters match one to one, sorts the
/// path parameters into path order and returns the path without its leading `/`.
fn path_template(path: &str, optr: &str, path_params: &mut [Param]) -> Result<String> {
    let rel = path.trim_start_matches('/').to_string();
    let mut rest = rel.as_str();
    let mut used = Vec::new();
    while let Some(start) = rest.find('{') {
        let after = rest.get(start + 1..).unwrap_or("");
        let Some(end) = after.find('}') else {
            return err(optr, format!("unbalanced `{{` in path `{path}`"));
        };
        let name = after.get(..end).unwrap_or("");
        if !path_params.iter().any(|p| p.wire == name) {
            return err(optr, format!("path parameter `{{{name}}}` is not declared"));
        }
        used.push(name.to_string());
        rest = after.get(end + 1..).unwrap_or("");
    }
    for p in path_params.iter() {
        if !used.contains(&p.wire) {
            return err(
                optr,
                format!("path parameter `{}` does not appear in the path", p.wire),
            );
        }
    }
    path_params.sort_by_key(|p| used.iter().position(|u| *u == p.wire));
    Ok(rel)
}

/// The operation's request body, following one `$ref` into `#/components/requestBodies`.
fn request_body<'a>(
    r: &mut Reader<'a>,
    op: &'a Operation,
    optr: &str,
    op_pascal: &str,
) -> Result<Option<OpBody>> {
    let Some(b) = &op.request_body else {
        return Ok(None);
    };
    let bptr = format!("{optr}/requestBody");
    let rb: &'a RequestBody = match b {
        ReferenceOr::Item(b) => b,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/requestBodies/");
            match name.and_then(|n| {
                r.spec
                    .components
                    .as_ref()
                    .and_then(|c| c.request_bodies.get(n))
            }) {
                Some(ReferenceOr::Item(b)) => b,
                Some(_) => {
                    return err(&bptr, "unsupported construct: $ref to a $ref request body");
                }
                None => {
                    return err(
                        &bptr,
                        format!("dangling $ref `{reference}`: no such request body"),
                    );
                }
            }
        }
    };
    Ok(Some(read_body(r, rb, &bptr, op_pascal)?))
}

/// The type of the lowest 2xx response's JSON body (`None` for a response without content).
fn success_response<'a>(
    r: &mut Reader<'a>,
    op: &'a Operation,
    optr: &str,
    op_pascal: &str,
) -> Result<Option<Ty>> {
    let mut best: Option<(u16, &'a ReferenceOr<Response>, String)> = None;
    for (code, resp) in &op.responses.responses {
        let n = match code {
            StatusCode::Code(n) => *n,
            StatusCode::Range(n) => n.saturating_mul(100),
        };
        if (200..300).contains(&n) && best.as_ref().is_none_or(|(b, _, _)| n < *b) {
            best = Some((n, resp, format!("{optr}/responses/{code}")));
        }
    }
    let Some((_, resp, rptr)) = best else {
        return Ok(None);
    };
    let resp = resolve_response(r, resp, &rptr)?;
    match resp.content.iter().find(|(k, _)| is_json(k)) {
        Some((k, mt)) => {
            let sptr = format!("{rptr}/content/{}/schema", esc(k));
            Ok(Some(match &mt.schema {
                Some(s) => r.sref(s.into(), &sptr, &format!("{op_pascal}Response"))?,
                None => Ty::Value,
            }))
        }
        None if resp.content.is_empty() => Ok(None),
        None => err(
            &rptr,
            "unsupported construct: success response without a JSON content type",
        ),
    }
}

/// A response, following one `$ref` into `#/components/responses`.
fn resolve_response<'a>(
    r: &Reader<'a>,
    resp: &'a ReferenceOr<Response>,
    rptr: &str,
) -> Result<&'a Response> {
    let reference = match resp {
        ReferenceOr::Item(x) => return Ok(x),
        ReferenceOr::Reference { reference } => reference,
    };
    let name = reference.strip_prefix("#/components/responses/");
    match name.and_then(|n| r.spec.components.as_ref().and_then(|c| c.responses.get(n))) {
        Some(ReferenceOr::Item(x)) => Ok(x),
        Some(_) => err(rptr, "unsupported construct: $ref to a $ref response"),
        None => err(
            rptr,
            format!("dangling $ref `{reference}`: no such response"),
        ),
    }
}

/// `filter[name]` → `name`; `filter[created_at][from]` → `created_at_from`; `datetime[end_at]` →
/// `datetime_end_at`.
fn filter_setter(wire: &str) -> String {
    let inner = wire
        .strip_prefix("filter[")
        .map(|s| s.replacen(']', "", 1))
        .unwrap_or_else(|| wire.to_string());
    snake(&inner)
}

fn is_json(content_type: &str) -> bool {
    let ct = content_type.split(';').next().unwrap_or("").trim();
    ct == "application/json" || ct.ends_with("+json")
}

fn read_body<'a>(
    r: &mut Reader<'a>,
    rb: &'a RequestBody,
    bptr: &str,
    op_pascal: &str,
) -> Result<OpBody> {
    let required = rb.required;
    if let Some((k, mt)) = rb.content.iter().find(|(k, _)| is_json(k)) {
        let sptr = format!("{bptr}/content/{}/schema", esc(k));
        let ty = match &mt.schema {
            Some(s) => r.sref(s.into(), &sptr, &format!("{op_pascal}Request"))?,
            None => Ty::Value,
        };
        return Ok(OpBody::Json { ty, required });
    }
    if let Some(mt) = rb.content.get("application/x-www-form-urlencoded") {
        let sptr = format!("{bptr}/content/application~1x-www-form-urlencoded/schema");
        let Some(s) = &mt.schema else {
            return err(&sptr, "form body without a schema");
        };
        let ty = r.sref(s.into(), &sptr, &format!("{op_pascal}Request"))?;
        let is_struct = matches!(&ty, Ty::Named(n) if matches!(r.types.get(n).map(|t| &t.kind), Some(TypeKind::Struct(_))));
        if !is_struct {
            return err(
                &sptr,
                "unsupported construct: a form body must be an object with properties",
            );
        }
        return Ok(OpBody::Form { ty, required });
    }
    if let Some(mt) = rb.content.get("multipart/form-data") {
        let sptr = format!("{bptr}/content/multipart~1form-data/schema");
        let Some(s) = &mt.schema else {
            return err(&sptr, "multipart body without a schema");
        };
        let s = r.resolve(s.into(), &sptr)?;
        let View::Object {
            props,
            required: req,
            ..
        } = view(s)
        else {
            return err(
                &sptr,
                "unsupported construct: a multipart body must be an object",
            );
        };
        let mut fields: Vec<MultipartField> = Vec::new();
        for (wire, p) in props {
            let fptr = format!("{sptr}/properties/{}", esc(wire));
            let ps = r.resolve(p, &fptr)?;
            let file = matches!(view(ps), View::Str { binary: true, .. });
            let ty = if file {
                Ty::String
            } else {
                r.sref(p, &fptr, &format!("{op_pascal}{}", pascal(wire)))?
            };
            if matches!(ty, Ty::Map | Ty::Dict(_)) {
                return err(
                    &fptr,
                    "unsupported construct: object-valued multipart field",
                );
            }
            if let Ty::Vec(inner) = &ty
                && matches!(**inner, Ty::Vec(_) | Ty::Map | Ty::Dict(_) | Ty::Value)
            {
                return err(&fptr, "unsupported construct: nested array multipart field");
            }
            let rust = snake(wire);
            if rust.is_empty()
                || matches!(rust.as_str(), "client" | "send" | "request")
                || fields.iter().any(|f| f.param.rust == rust)
            {
                return err(
                    &fptr,
                    format!("name collision: multipart field `{wire}` becomes `{rust}`"),
                );
            }
            let doc = non_empty(&ps.schema_data.description);
            fields.push(MultipartField {
                param: Param {
                    wire: wire.to_string(),
                    rust,
                    ty,
                    required: req.iter().any(|x| x == wire),
                    doc,
                },
                file,
            });
        }
        return Ok(OpBody::Multipart(fields));
    }
    let kinds: Vec<&str> = rb.content.keys().map(String::as_str).collect();
    err(
        bptr,
        format!("unsupported construct: request body content type(s) {kinds:?}"),
    )
}

fn page_info(r: &Reader<'_>, response: Option<&Ty>, optr: &str) -> Result<PageInfo> {
    let bad = |m: &str| {
        err(
            optr,
            format!("x-pagination: page needs a response object with a `data` array ({m})"),
        )
    };
    let fields = |ty: &Ty| -> Option<&Vec<Field>> {
        match ty {
            Ty::Named(n) => match r.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Struct(f)) => Some(f),
                _ => None,
            },
            _ => None,
        }
    };
    let Some(top) = response.and_then(fields) else {
        return bad("the response is not an object");
    };
    let Some(data) = top.iter().find(|f| f.wire == "data") else {
        return bad("no `data` field");
    };
    let Ty::Vec(item) = &data.ty else {
        return bad("`data` is not an array");
    };
    let opt = |f: &Field| !f.required || f.nullable;
    let meta = top.iter().find(|f| f.wire == "meta").and_then(|m| {
        let mf = fields(&m.ty)?;
        let get = |name: &str| {
            mf.iter()
                .find(|f| f.wire == name && f.ty == Ty::I64)
                .map(opt)
        };
        Some((opt(m), get("current_page"), get("last_page")))
    });
    let next = top.iter().find(|f| f.wire == "links").and_then(|l| {
        let lf = fields(&l.ty)?;
        let n = lf.iter().find(|f| f.wire == "next")?;
        Some((opt(l), opt(n)))
    });
    Ok(PageInfo {
        item: (**item).clone(),
        data_optional: opt(data),
        meta,
        next,
    })
}

/// Decides the module of every type: the only tag that reaches it, else `common`; a type used by
/// a `common` type is `common` too. Also records which types responses reach and which only
/// requests reach, and rejects names that collide.
fn place(
    types: BTreeMap<String, TypeDef>,
    ops: Vec<Op>,
    tags: BTreeMap<String, TagInfo>,
    filters: BTreeMap<String, Filter>,
    title: String,
) -> Result<Api> {
    let graph = TypeGraph(&types);
    let reach = Reach::of(&graph, &ops, &filters);
    let modules = graph.modules(&reach.tags);
    check_collisions(&types, &modules, &ops, &tags, &filters)?;
    let Reach {
        response_side,
        request_only,
        ..
    } = reach;
    Ok(Api {
        types,
        modules,
        response_side,
        request_only,
        ops,
        tags,
        filters,
        title,
    })
}

/// The "uses" edges between named types.
struct TypeGraph<'t>(&'t BTreeMap<String, TypeDef>);

impl TypeGraph<'_> {
    /// The named types `name` uses directly.
    fn edges(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        match self.0.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(fields)) => fields.iter().for_each(|f| f.ty.named(&mut out)),
            Some(TypeKind::OneOf(o)) => o.variants.iter().for_each(|v| v.ty.named(&mut out)),
            Some(TypeKind::Choice(v)) => v.iter().for_each(|(_, _, ty)| ty.named(&mut out)),
            _ => {}
        }
        out
    }

    /// Every type reachable from `roots` (the roots included).
    fn closure(&self, roots: Vec<String>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = roots;
        while let Some(n) = stack.pop() {
            if seen.insert(n.clone()) {
                stack.extend(self.edges(&n));
            }
        }
        seen
    }

    /// The module of each type: its only tag, else `common`, then `common` spread to everything
    /// a `common` type uses (a product module must not be needed by another one).
    fn modules(&self, tags: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, Module> {
        let mut modules: BTreeMap<String, Module> = self
            .0
            .keys()
            .map(|n| {
                let m = match tags.get(n) {
                    Some(t) if t.len() == 1 => t
                        .iter()
                        .next()
                        .map(|t| Module::Tag(t.clone()))
                        .unwrap_or(Module::Common),
                    _ => Module::Common,
                };
                (n.clone(), m)
            })
            .collect();
        loop {
            let common: Vec<String> = modules
                .iter()
                .filter(|(_, m)| **m == Module::Common)
                .map(|(n, _)| n.clone())
                .collect();
            let mut changed = false;
            for n in common {
                for e in self.edges(&n) {
                    if let Some(m) = modules.get_mut(&e)
                        && *m != Module::Common
                    {
                        *m = Module::Common;
                        changed = true;
                    }
                }
            }
            if !changed {
                return modules;
            }
        }
    }
}

/// What the operations reach.
struct Reach {
    /// Type → the tags of the operations that use it (parameters, bodies, responses).
    tags: BTreeMap<String, BTreeSet<String>>,
    /// Types reachable from a response.
    response_side: BTreeSet<String>,
    /// Types reachable from parameters or bodies and from no response.
    request_only: BTreeSet<String>,
}

impl Reach {
    fn of(graph: &TypeGraph<'_>, ops: &[Op], filters: &BTreeMap<String, Filter>) -> Reach {
        let mut tags: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut resp_roots = Vec::new();
        let mut req_roots = Vec::new();
        for op in ops {
            let mut roots = request_roots(op, filters);
            req_roots.extend(roots.iter().cloned());
            if let Some(t) = &op.response {
                t.named(&mut roots);
                t.named(&mut resp_roots);
            }
            for n in graph.closure(roots) {
                tags.entry(n).or_default().insert(op.tag.clone());
            }
        }
        let response_side = graph.closure(resp_roots);
        let request_only = graph
            .closure(req_roots)
            .into_iter()
            .filter(|n| !response_side.contains(n))
            .collect();
        Reach {
            tags,
            response_side,
            request_only,
        }
    }
}

/// The named types an operation's parameters, filter and body use.
fn request_roots(op: &Op, filters: &BTreeMap<String, Filter>) -> Vec<String> {
    let mut roots = Vec::new();
    for p in op.path_params.iter().chain(&op.query).chain(&op.page_param) {
        p.ty.named(&mut roots);
    }
    if let Some(f) = op.filter.as_ref().and_then(|f| filters.get(f)) {
        f.params.iter().for_each(|p| p.ty.named(&mut roots));
    }
    match &op.body {
        Some(OpBody::Json { ty, .. } | OpBody::Form { ty, .. }) => {
            ty.named(&mut roots);
        }
        Some(OpBody::Multipart(fields)) => fields.iter().for_each(|f| f.param.ty.named(&mut roots)),
        None => {}
    }
    roots
}

/// Rejects a schema type named like a request builder or filter group of its module, a filter
/// group named like a schema type, and a product handle named like any of them.
fn check_collisions(
    types: &BTreeMap<String, TypeDef>,
    modules: &BTreeMap<String, Module>,
    ops: &[Op],
    tags: &BTreeMap<String, TagInfo>,
    filters: &BTreeMap<String, Filter>,
) -> Result<()> {
    for op in ops {
        if let Some(Module::Tag(t)) = modules.get(&op.builder)
            && *t == op.tag
        {
            return err(
                types
                    .get(&op.builder)
                    .map(|t| t.pointer.as_str())
                    .unwrap_or(""),
                format!(
                    "name collision: schema type `{}` and the request builder of `{}`",
                    op.builder, op.id
                ),
            );
        }
        if filters.contains_key(&op.builder) {
            return err(
                "/paths",
                format!(
                    "name collision: filter group `{}` and the request builder of `{}`",
                    op.builder, op.id
                ),
            );
        }
    }
    for f in filters.values() {
        if types.contains_key(&f.name) {
            return err(
                &f.pointer,
                format!(
                    "name collision: filter group `{}` and a schema type",
                    f.name
                ),
            );
        }
    }
    for t in tags.values() {
        if types.contains_key(&t.handle)
            || filters.contains_key(&t.handle)
            || ops.iter().any(|o| o.builder == t.handle)
        {
            return err(
                "/tags",
                format!(
                    "name collision: handle `{}` and a type of the same name",
                    t.handle
                ),
            );
        }
    }
    Ok(())
}
