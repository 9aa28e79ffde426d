//! A struct model's `Serialize`, written out instead of derived: one call per field into the
//! runtime's `types::members::Members` (which keeps the first error), where the derive writes a
//! `?` and, for an optional field, an `if`/`else` of its own — about 140 lines of MIR per field,
//! nearly a third of the crate's MIR before this.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use crate::ir::Field;
use crate::names::ident;

/// The `impl Serialize` of the struct `name` with `fields` (none flattened): the serializer
/// sees what the derive would show it (see the runtime's `types::members`). An optional field is
/// written only when present; a required nullable one is written as `null` when empty.
pub(super) fn struct_serialize(name: &Ident, fields: &[Field]) -> TokenStream {
    let type_name = name.to_string();
    let required = Literal::usize_unsuffixed(fields.iter().filter(|f| f.required).count());
    let present = fields.iter().filter(|f| !f.required).map(|f| {
        let id = ident(&f.rust);
        quote!(self.#id.is_some())
    });
    let writes = fields.iter().map(|f| {
        let (id, wire) = (ident(&f.rust), f.wire.as_str());
        if f.required {
            quote!(__m.field(#wire, &self.#id);)
        } else {
            quote!(__m.optional(#wire, &self.#id);)
        }
    });
    let binding = if fields.is_empty() {
        quote!(let __m)
    } else {
        quote!(let mut __m)
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #binding = qikberry_runtime::types::members::begin(
                    s, #type_name, #required, &[#(#present),*],
                )?;
                #(#writes)*
                __m.end()
            }
        }
    }
}
