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
            View::Str { binary: false, .. } | View::Int | View::Num | View::Bool
        ))
    }

    /// Reads a oneOf: a lenient scalar, or a named enum of variants with their dispatch signatures.
    pub(super) fn one_of(
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
            let name = match &ty {
                Ty::Named(type_name) => agreeing_variant_name(&name, type_name),
                _ => name,
            };
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
