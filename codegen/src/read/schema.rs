//! Schemas into named Rust types: the reader's state, `$ref` resolution, objects, fields, string
//! enums and `x-exactly-one-of` choices.

use std::collections::BTreeMap;

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use super::extensions::{EXACTLY_ONE_OF, ExactlyOne, doc_with_inferred, exactly_one, rust_type};
use super::view::{SRef, View, view};
use super::{Result, err, ext_true, non_empty};
use crate::ir::{Field, Ty, TypeDef, TypeKind};
use crate::names::{dedupe, pascal, snake};
use crate::pointer::escape;

/// The variant every generated enum keeps values it does not know in (`open_enum!`'s).
const CATCH_ALL: &str = "Unknown";

pub(super) struct Reader<'a> {
    pub(super) spec: &'a OpenAPI,
    pub(super) types: BTreeMap<String, TypeDef>,
    /// Component schema name → its Rust type (memo).
    pub(super) comp: BTreeMap<String, Ty>,
    /// Components being resolved (cycle detection).
    pub(super) active: Vec<String>,
    /// Components referenced while being resolved (recursive schemas): the type name handed
    /// out for the reference, which the finished component must turn out to have.
    pub(super) recursive: BTreeMap<String, String>,
}

const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option", "Result", "String", "Vec", "Box", "Self", "Some", "None", "Ok", "Err", "Default",
    "Client", "Error", "Value",
];

/// The Rust type name for a schema named `hint`: a name the generated code itself needs
/// (`Error`, `Client`, `Value`, the prelude's) gets the suffix `Model` (`ErrorModel`), so a
/// spec's `Error` schema is generated rather than refused.
pub(super) fn type_name(hint: &str) -> String {
    if RESERVED_TYPE_NAMES.contains(&hint) {
        format!("{hint}Model")
    } else {
        hint.to_string()
    }
}

impl<'a> Reader<'a> {
    pub(super) fn define(&mut self, mut def: TypeDef) -> Result<Ty> {
        def.name = type_name(&def.name);
        let name = def.name.clone();
        if name.is_empty() {
            return err(
                &def.pointer,
                "cannot derive a Rust type name from this schema's name",
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

    pub(super) fn schema_ref(
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
    pub(super) fn resolve(&self, r: SRef<'a>, pointer: &str) -> Result<&'a Schema> {
        let mut r = r;
        for _ in 0..32 {
            match r {
                SRef::Item(s) => return Ok(s),
                SRef::Ref(reference) => r = self.schema_ref(reference, pointer)?.1.into(),
            }
        }
        err(pointer, "$ref chain too long or cyclic")
    }

    pub(super) fn component(&mut self, reference: &str, pointer: &str) -> Result<Ty> {
        let (name, target) = self.schema_ref(reference, pointer)?;
        if let Some(t) = self.comp.get(name) {
            return Ok(t.clone());
        }
        let cptr = format!("/components/schemas/{}", escape(name));
        let rust = type_name(&pascal(name));
        if self.active.iter().any(|a| a == name) {
            // A recursive schema: the reference names the type being defined; `Box` goes
            // where the cycle needs it once every type is read (`recursion::box_cycles`).
            self.recursive.insert(name.to_string(), rust.clone());
            return Ok(Ty::Named(rust));
        }
        self.active.push(name.to_string());
        let result = self.sref(target.into(), &cptr, &rust);
        self.active.pop();
        let ty = result?;
        if self.recursive.contains_key(name)
            && (ty != Ty::Named(rust.clone()) || !self.types.contains_key(&rust))
        {
            return err(
                &cptr,
                "a recursive schema must be an object, oneOf, anyOf or allOf with content of \
                 its own (a list or map that contains itself, or a schema that is only itself, \
                 has no Rust type)",
            );
        }
        self.comp.insert(name.to_string(), ty.clone());
        Ok(ty)
    }

    pub(super) fn sref(&mut self, r: SRef<'a>, pointer: &str, hint: &str) -> Result<Ty> {
        match r {
            SRef::Ref(reference) => self.component(reference, pointer),
            SRef::Item(s) => self.schema(s, pointer, hint),
        }
    }

    /// Reads one inline schema into a Rust type, defining named types as it goes.
    pub(super) fn schema(&mut self, s: &'a Schema, pointer: &str, hint: &str) -> Result<Ty> {
        let doc = doc_with_inferred(
            non_empty(&s.schema_data.description),
            &s.schema_data.extensions,
            pointer,
        )?;
        if let Some(path) = rust_type(&s.schema_data.extensions, pointer)? {
            return self.define(TypeDef {
                name: hint.to_string(),
                doc,
                pointer: pointer.to_string(),
                kind: TypeKind::Extern(path),
            });
        }
        match view(s) {
            View::Str { enums, .. } if !enums.is_empty() => {
                self.string_enum(s, enums, pointer, hint, doc)
            }
            View::Str { .. } => Ok(Ty::String),
            View::Int => Ok(Ty::I64),
            View::IntEnum(values) => self.int_enum(s, values, pointer, hint, doc),
            View::AllOf(members) => self.all_of(s, members, pointer, hint, doc),
            View::AnyOf(members) => self.any_of(s, members, pointer, hint, doc),
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
            View::OneOf(variants) => self.one_of(s, variants, pointer, hint, doc, false),
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
        let mut values: Vec<(String, String)> = Vec::new();
        let varnames = enum_varnames(s, enums.len(), pointer)?;
        for (i, v) in enums.iter().enumerate() {
            let given = varnames.as_ref().and_then(|n| n.get(i)).copied();
            let mut name = pascal(given.unwrap_or(v));
            if name.is_empty() {
                name = format!("V{i}");
            }
            if name == CATCH_ALL {
                if given.is_some() {
                    return err(
                        &format!("{pointer}/x-enum-varnames/{i}"),
                        format!(
                            "`{CATCH_ALL}` is the catch-all variant of every enum; choose another name for `{v}`"
                        ),
                    );
                }
                // A wire value such as `UNKNOWN` keeps the catch-all free: it becomes
                // `UnknownValue`.
                name = format!("{CATCH_ALL}Value");
            }
            if values.iter().any(|(_, w)| w == v) {
                continue;
            }
            values.push((name, v.clone()));
        }
        // Values that become the same variant (`in-progress`, `in_progress`) are told apart
        // by a suffix (see `names::dedupe`).
        dedupe(&mut values, "");
        self.define(TypeDef {
            name: hint.to_string(),
            doc,
            pointer: pointer.to_string(),
            kind: TypeKind::Enum(values),
        })
    }

    /// Defines an integer enum: variants from `x-enum-varnames`, else `V<n>` (`Minus<n>` for a
    /// negative value); unknown integers are kept (the open fallback, as for string enums).
    fn int_enum(
        &mut self,
        s: &'a Schema,
        enums: Vec<i64>,
        pointer: &str,
        hint: &str,
        doc: Option<String>,
    ) -> Result<Ty> {
        let varnames = enum_varnames(s, enums.len(), pointer)?;
        let mut named: Vec<(String, String)> = Vec::new();
        for (i, v) in enums.iter().enumerate() {
            if enums.get(..i).is_some_and(|before| before.contains(v)) {
                continue;
            }
            let given = varnames.as_ref().and_then(|n| n.get(i)).map(|n| pascal(n));
            let mut name = given.filter(|n| !n.is_empty()).unwrap_or_else(|| {
                if *v < 0 {
                    format!("Minus{}", v.unsigned_abs())
                } else {
                    format!("V{v}")
                }
            });
            if name == CATCH_ALL {
                name = format!("{CATCH_ALL}Value");
            }
            named.push((name, v.to_string()));
        }
        dedupe(&mut named, "");
        let values = named
            .into_iter()
            .zip(
                enums
                    .iter()
                    .enumerate()
                    .filter(|(i, v)| !enums.get(..*i).is_some_and(|before| before.contains(v))),
            )
            .map(|((name, _), (_, v))| (name, *v))
            .collect();
        self.define(TypeDef {
            name: hint.to_string(),
            doc,
            pointer: pointer.to_string(),
            kind: TypeKind::IntEnum(values),
        })
    }

    /// Reads an object schema: a map type without properties, else a struct of its fields.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn object(
        &mut self,
        s: &'a Schema,
        props: Vec<(&'a str, SRef<'a>)>,
        required: &[String],
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
        // Properties that become the same field (`in-progress`, `in_progress`) are told
        // apart by a suffix (see `names::dedupe`).
        let mut names: Vec<(String, String)> = props
            .iter()
            .map(|(w, _)| (snake(w), w.to_string()))
            .collect();
        dedupe(&mut names, "_");
        let mut fields: Vec<Field> = Vec::new();
        for ((wire, p), (rust, _)) in props.into_iter().zip(names) {
            let field = self.field(rust, wire, p, required, pointer, hint)?;
            fields.push(field);
        }
        if let Some(rule) = exactly_one(&s.schema_data.extensions, pointer)? {
            self.choose_one(&mut fields, rule, pointer)?;
        }
        if let Some(rule) = super::at_least_one::at_least_one(&s.schema_data.extensions, pointer)? {
            self.choose_at_least_one(&mut fields, rule, pointer)?;
        }
        self.define(TypeDef {
            name: hint.to_string(),
            doc,
            pointer: pointer.to_string(),
            kind: TypeKind::Struct(fields),
        })
    }

    /// Reads property `wire` of an object into the field `rust`.
    pub(super) fn field(
        &mut self,
        rust: String,
        wire: &'a str,
        p: SRef<'a>,
        required: &[String],
        pointer: &str,
        hint: &str,
    ) -> Result<Field> {
        let fptr = format!("{pointer}/properties/{}", escape(wire));
        if rust.is_empty() {
            return err(
                &fptr,
                format!("cannot derive a Rust field name from `{wire}`"),
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
            boxed: false,
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
        let doc = |wires: &[String]| {
            let names: Vec<String> = wires.iter().map(|w| format!("`{w}`")).collect();
            format!(
                "Exactly one of {} (the body carries the one chosen).",
                names.join(", ")
            )
        };
        self.replace_by_rule(fields, rule, at, doc, TypeKind::Choice)
    }

    /// Replaces the optional fields a requiredness rule names (`at`: the rule's pointer) by one
    /// required, flattened field whose type `kind` builds from (variant, wire name, type) of
    /// each; `doc` writes the docs of the type and the field from the wire names.
    pub(super) fn replace_by_rule(
        &mut self,
        fields: &mut Vec<Field>,
        rule: ExactlyOne,
        at: String,
        doc: impl FnOnce(&[String]) -> String,
        kind: fn(Vec<(String, String, Ty)>) -> TypeKind,
    ) -> Result<()> {
        let mut variants = Vec::new();
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
        let doc = doc(&rule.properties);
        let ty = self.define(TypeDef {
            name: rule.name,
            doc: Some(doc.clone()),
            pointer: at,
            kind: kind(variants),
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
                boxed: false,
            },
        );
        Ok(())
    }
}

/// The schema's `x-enum-varnames`, which must name each of its `count` enum values.
fn enum_varnames<'s>(s: &'s Schema, count: usize, pointer: &str) -> Result<Option<Vec<&'s str>>> {
    match s.schema_data.extensions.get("x-enum-varnames") {
        None => Ok(None),
        Some(Value::Array(names)) if names.len() == count => {
            Ok(Some(names.iter().filter_map(Value::as_str).collect()))
        }
        Some(_) => err(
            &format!("{pointer}/x-enum-varnames"),
            "x-enum-varnames must list one name per enum value",
        ),
    }
}
