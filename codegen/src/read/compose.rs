//! `allOf` and `anyOf`: schemas composed of other schemas.
//!
//! - `allOf` with one member and nothing of its own is that member (the usual way to add a
//!   description or `nullable` to a `$ref`). Otherwise the members' properties (through `$ref`s
//!   and nested `allOf`s, in member order, then the schema's own) are merged into one struct
//!   named after the `allOf` schema; `required` is the union. A property two members declare
//!   must have the same Rust type in both, else it is an error naming the second one. Members
//!   without a type or properties (constraints or docs only) add nothing. A member that is not
//!   an object next to one that is (no value is both) is an error; members that are all
//!   non-objects are read as the first typed one.
//! - `anyOf` whose members are all objects is one struct of every member's properties, all
//!   optional (a value may match any subset of the members). Any other `anyOf` is the lenient
//!   untagged enum of its members (tried in order; scalars alone become `StringOrNumber`).

use openapiv3::{ReferenceOr, Schema};

use super::schema::Reader;
use super::view::{SRef, View, own_object, view};
use super::{Result, err};
use crate::ir::Ty;
use crate::names::pascal;
use crate::pointer::escape;

/// The properties gathered from the members of an `allOf` or `anyOf`.
#[derive(Default)]
struct Parts<'a> {
    /// (wire name, schema, pointer of the property).
    props: Vec<(&'a str, SRef<'a>, String)>,
    required: Vec<String>,
    /// Members that are objects.
    objects: usize,
    /// The first member that is neither an object nor untyped, with its pointer.
    other: Option<(SRef<'a>, String)>,
}

impl<'a> Reader<'a> {
    /// Reads an `allOf` (see the module docs).
    pub(super) fn all_of(
        &mut self,
        s: &'a Schema,
        members: &'a [ReferenceOr<Schema>],
        pointer: &str,
        hint: &str,
        doc: Option<String>,
    ) -> Result<Ty> {
        let own = own_object(s);
        if let ([only], None) = (members, &own) {
            return self.sref(only.into(), &format!("{pointer}/allOf/0"), hint);
        }
        let mut parts = Parts::default();
        self.gather(members, pointer, "allOf", &mut parts, &mut Vec::new())?;
        if let Some(own) = own {
            self.add_object(own, pointer, &mut parts);
        }
        if parts.objects == 0 {
            return match parts.other {
                Some((r, ptr)) => self.sref(r, &ptr, hint),
                None => Ok(Ty::Value),
            };
        }
        if let Some((_, ptr)) = &parts.other {
            return err(
                ptr,
                "an allOf of an object and a schema that is not an object: no value is both",
            );
        }
        let props = self.merge_props(parts.props, hint)?;
        self.object(s, props, &parts.required, None, pointer, hint, doc)
    }

    /// Reads an `anyOf` (see the module docs).
    pub(super) fn any_of(
        &mut self,
        s: &'a Schema,
        members: &'a [ReferenceOr<Schema>],
        pointer: &str,
        hint: &str,
        doc: Option<String>,
    ) -> Result<Ty> {
        let mut all_objects = !members.is_empty();
        for (i, m) in members.iter().enumerate() {
            let target = self.resolve(m.into(), &format!("{pointer}/anyOf/{i}"))?;
            all_objects &= matches!(view(target), View::Object { .. } | View::AllOf(_));
        }
        if !all_objects {
            return self.one_of(s, members, pointer, hint, doc, true);
        }
        let mut parts = Parts::default();
        self.gather(members, pointer, "anyOf", &mut parts, &mut Vec::new())?;
        if let Some((_, ptr)) = &parts.other {
            return err(
                ptr,
                "an allOf inside this anyOf mixes objects and non-objects",
            );
        }
        let props = self.merge_props(parts.props, hint)?;
        self.object(s, props, &[], None, pointer, hint, doc)
    }

    /// Collects the properties of `members` (at `pointer`/`kw`/i) into `parts`, following
    /// `$ref`s and nested `allOf`s; `path` holds the components being merged (a member that
    /// contains itself is an error).
    fn gather(
        &self,
        members: &'a [ReferenceOr<Schema>],
        pointer: &str,
        kw: &str,
        parts: &mut Parts<'a>,
        path: &mut Vec<&'a str>,
    ) -> Result<()> {
        for (i, m) in members.iter().enumerate() {
            let mptr = format!("{pointer}/{kw}/{i}");
            let (schema, at, component) = match m {
                ReferenceOr::Item(s) => (s, mptr.clone(), None),
                ReferenceOr::Reference { reference } => {
                    let (name, target) = self.schema_ref(reference, &mptr)?;
                    if path.contains(&name) {
                        return err(&mptr, format!("allOf member `{reference}` contains itself"));
                    }
                    let s = self.resolve(target.into(), &mptr)?;
                    (
                        s,
                        format!("/components/schemas/{}", escape(name)),
                        Some(name),
                    )
                }
            };
            path.extend(component);
            let result = self.gather_one(schema, &at, parts, path);
            if component.is_some() {
                path.pop();
            }
            result?;
        }
        Ok(())
    }

    /// One member of an `allOf`/`anyOf` (at `at`) into `parts`.
    fn gather_one(
        &self,
        schema: &'a Schema,
        at: &str,
        parts: &mut Parts<'a>,
        path: &mut Vec<&'a str>,
    ) -> Result<()> {
        match view(schema) {
            object @ View::Object { .. } => self.add_object(object, at, parts),
            View::AllOf(inner) => {
                self.gather(inner, at, "allOf", parts, path)?;
                if let Some(own) = own_object(schema) {
                    self.add_object(own, at, parts);
                }
            }
            View::Any => {}
            View::OneOf(_) | View::AnyOf(_) => {
                return err(
                    at,
                    "unsupported construct: a oneOf or anyOf as a member of an allOf (name the \
                     combination as its own schema with the shared properties in each variant)",
                );
            }
            View::Unsupported(what) => return err(at, format!("unsupported construct: {what}")),
            _ => {
                if parts.other.is_none() {
                    parts.other = Some((SRef::Item(schema), at.to_string()));
                }
            }
        }
        Ok(())
    }

    /// The properties and `required` list of an object view, read at `at`.
    fn add_object(&self, object: View<'a>, at: &str, parts: &mut Parts<'a>) {
        if let View::Object {
            props, required, ..
        } = object
        {
            parts.objects += 1;
            for (wire, r) in props {
                let ptr = format!("{at}/properties/{}", escape(wire));
                parts.props.push((wire, r, ptr));
            }
            for r in required {
                if !parts.required.contains(r) {
                    parts.required.push(r.clone());
                }
            }
        }
    }

    /// One entry per property name; a property declared again must have the same Rust type.
    fn merge_props(
        &mut self,
        props: Vec<(&'a str, SRef<'a>, String)>,
        hint: &str,
    ) -> Result<Vec<(&'a str, SRef<'a>)>> {
        let mut merged: Vec<(&'a str, SRef<'a>, String)> = Vec::new();
        for (wire, r, ptr) in props {
            let Some((_, first, first_ptr)) = merged.iter().find(|(w, _, _)| *w == wire) else {
                merged.push((wire, r, ptr));
                continue;
            };
            let (first, first_ptr) = (*first, first_ptr.clone());
            let field_hint = format!("{hint}{}", pascal(wire));
            let a = self.sref(first, &first_ptr, &field_hint)?;
            let b = self.sref(r, &ptr, &field_hint)?;
            if a != b {
                return err(
                    &ptr,
                    format!(
                        "property `{wire}` has another type here than at `#{first_ptr}` \
                         (the allOf/anyOf members conflict)"
                    ),
                );
            }
        }
        Ok(merged.into_iter().map(|(w, r, _)| (w, r)).collect())
    }
}
