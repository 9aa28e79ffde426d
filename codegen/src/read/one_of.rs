//! oneOf schemas: lenient scalars, and enums of variants with the signatures that dispatch them.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema};

use super::schema::Reader;
use super::view::{SRef, View, view};
use super::{Result, err, ext_true, non_empty};
use crate::ir::{OneOf, Signature, Ty, TypeDef, TypeKind, Variant};
use crate::names::{agreeing_variant_name, pascal};
use crate::pointer::escape;

impl<'a> Reader<'a> {
    fn is_scalar(&self, r: SRef<'a>, pointer: &str) -> Result<bool> {
        let s = self.resolve(r, pointer)?;
        Ok(matches!(
            view(s),
            View::Str { binary: false, .. } | View::Int | View::IntEnum(_) | View::Num | View::Bool
        ))
    }

    /// Reads a oneOf (`any_of: false`) or an anyOf whose members are not all objects
    /// (`any_of: true`): a lenient scalar, or a named enum of variants with their dispatch
    /// signatures. An anyOf is always lenient: scalars become `StringOrNumber` without
    /// `x-lenient-scalar`, and other members are tried in order (`x-untagged`), since a value may
    /// match several of them.
    pub(super) fn one_of(
        &mut self,
        s: &'a Schema,
        variants: &'a [ReferenceOr<Schema>],
        pointer: &str,
        hint: &str,
        doc: Option<String>,
        any_of: bool,
    ) -> Result<Ty> {
        let kw = if any_of { "anyOf" } else { "oneOf" };
        if variants.is_empty() {
            return err(pointer, format!("empty {kw}"));
        }
        if let Some(ty) = self.scalar_one_of(s, variants, pointer, kw)? {
            return Ok(ty);
        }
        let untagged = any_of || ext_true(&s.schema_data.extensions, "x-untagged");
        // Only a discriminator needs every variant to be an object (or a nested oneOf).
        let any_shape = untagged || s.schema_data.discriminator.is_none();
        let (out, refs) = self.one_of_variants(variants, pointer, hint, any_shape, kw)?;
        let signatures = if let Some(d) = &s.schema_data.discriminator {
            Some(self.discriminator_signatures(d, &out, &refs, pointer)?)
        } else if untagged {
            None
        } else {
            self.enum_field_signatures(&out)
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
        kw: &str,
    ) -> Result<Option<Ty>> {
        let mut all_scalar = true;
        for (i, v) in variants.iter().enumerate() {
            all_scalar &= self.is_scalar(v.into(), &format!("{pointer}/{kw}/{i}"))?;
        }
        let flagged = ext_true(&s.schema_data.extensions, "x-lenient-scalar");
        if all_scalar {
            if flagged || kw == "anyOf" {
                let mut has_bool = false;
                for (i, v) in variants.iter().enumerate() {
                    has_bool |= matches!(
                        view(self.resolve(v.into(), &format!("{pointer}/{kw}/{i}"))?),
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
        if flagged {
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
        kw: &str,
    ) -> Result<(Vec<Variant>, Vec<Option<&'a str>>)> {
        let mut out: Vec<Variant> = Vec::new();
        let mut refs: Vec<Option<&str>> = Vec::new();
        for (i, v) in variants.iter().enumerate() {
            let vptr = format!("{pointer}/{kw}/{i}");
            let taken: Vec<&str> = out.iter().map(|o| o.name.as_str()).collect();
            let (ty, title, fallback, vdoc, reference) =
                self.one_of_variant(v, &vptr, hint, &taken, i)?;
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
                    "a variant of a oneOf with a discriminator must be an object or a nested oneOf",
                );
            }
            // The type's own spelling wins over a title differing only in case; then the
            // catch-all and sibling collisions are resolved.
            let base = pascal(title.as_deref().or(fallback.as_deref()).unwrap_or_default());
            let base = match &ty {
                Ty::Named(type_name) => agreeing_variant_name(&base, type_name),
                _ => base,
            };
            let name = variant_name(Some(&base), &taken, i);
            if name.is_empty() {
                return err(
                    &vptr,
                    "cannot derive a variant name from this variant's title",
                );
            }
            out.push(Variant {
                name,
                ty,
                doc: vdoc,
                boxed: false,
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
        taken: &[&str],
        index: usize,
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
                    View::Int | View::IntEnum(_) => "Integer",
                    View::Num => "Number",
                    View::Bool => "Boolean",
                    View::Array(_) => "List",
                    View::Object { .. } => "Object",
                    View::OneOf(_) | View::AnyOf(_) => "Choice",
                    View::AllOf(_) => "Object",
                    View::Any | View::Unsupported(_) => "Any",
                };
                let name = variant_name(Some(title.as_deref().unwrap_or(kind)), taken, index);
                let ty = self.schema(item, vptr, &format!("{hint}{name}"))?;
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
                    &format!("{pointer}/discriminator/mapping/{}", escape(value)),
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

    /// Per variant, the single-value enum fields that select it; `None` when a variant has
    /// none, or two variants have the same: such a oneOf is tried variant by variant, in order,
    /// as if it were `x-untagged` (OpenAPI's own rule, exactly one shape matches, cannot be
    /// checked more cheaply).
    fn enum_field_signatures(&self, out: &[Variant]) -> Option<Vec<Vec<Signature>>> {
        let mut sigs: Vec<Vec<Vec<(String, String)>>> = Vec::new();
        for v in out {
            let vs = self.signatures(&v.ty);
            if vs.is_empty()
                || sigs
                    .iter()
                    .any(|earlier| vs.iter().any(|s| earlier.contains(s)))
            {
                return None;
            }
            sigs.push(vs);
        }
        Some(sigs)
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

/// A variant's name: PascalCase of its title (or component name, or kind), kept clear of the
/// catch-all (`Unknown` becomes `UnknownValue`) and, when an earlier variant already has it,
/// suffixed with the variant's 1-based position (`Object`, `Object2`): deterministic for a given
/// spec, since the variants' order is the order they are tried in.
fn variant_name(base: Option<&str>, taken: &[&str], index: usize) -> String {
    let mut name = pascal(base.unwrap_or_default());
    if name == "Unknown" {
        name = "UnknownValue".to_string();
    }
    if taken.contains(&name.as_str()) {
        name = format!("{name}{}", index + 1);
    }
    name
}
