//! A struct model's `Deserialize`, written out instead of derived: the member names are matched
//! by the runtime's `types::fields::FieldIndex` (compiled once per deserializer, where the
//! derive adds a `__Field` enum and its visitor to every model) and the model is read from a
//! map only (the derive also compiles a `visit_seq` per model, for arrays the API never sends),
//! through the runtime's `MapReader`, which keeps the first error: one call per member and no
//! `?` of its own.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ir::Field;

/// The `impl Deserialize` of the struct `name` with `fields` (none flattened): the same
/// results and errors as serde's derive for a map, `missing field` and `duplicate field`
/// included (see the runtime's `types::fields`).
pub(super) fn struct_deserialize(name: &Ident, fields: &[Field]) -> TokenStream {
    let wires: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    let slots: Vec<Ident> = (0..fields.len()).map(|i| format_ident!("__f{i}")).collect();
    let expecting = format!("struct {name}");
    let type_name = name.to_string();
    let arms = slots
        .iter()
        .zip(&wires)
        .enumerate()
        .map(|(i, (slot, wire))| {
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote!(Some(#i) => __r.read(&mut #slot, #wire),)
        });
    let walk = if fields.is_empty() {
        quote! {
            while __r.next_key().is_some() {
                __r.skip();
            }
        }
    } else {
        quote! {
            while let Some(index) = __r.next_key() {
                match index {
                    #(#arms)*
                    _ => __r.skip(),
                }
            }
        }
    };
    let read = quote! {
        #(let mut #slots = None;)*
        let mut __r = __fields::MapReader::new(__map, __FIELDS);
        #walk
        __r.end()?;
    };
    // An `Option` field is `None` when missing; any other field is serde's `missing field`.
    let inits = fields
        .iter()
        .zip(&slots)
        .zip(&wires)
        .map(|((f, slot), wire)| {
            let id = crate::names::ident(&f.rust);
            if f.required && !f.nullable {
                quote!(#id: __fields::finish(#slot, #wire)?,)
            } else {
                quote!(#id: __fields::or_none(#slot),)
            }
        });
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use qikberry_runtime::types::fields as __fields;
                const __FIELDS: &[&str] = &[#(#wires),*];
                struct __Visitor;
                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    // Out of line: a model nested in several responses is compiled once,
                    // not inlined into each response's decode (release builds).
                    #[inline(never)]
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        __map: A,
                    ) -> Result<#name, A::Error> {
                        #read
                        Ok(#name { #(#inits)* })
                    }
                }
                d.deserialize_struct(#type_name, __FIELDS, __Visitor)
            }
        }
    }
}
