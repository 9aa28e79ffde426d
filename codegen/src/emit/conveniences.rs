//! The methods `read::conveniences` decided, emitted as one more `impl` block of their model.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, Loc, docs};
use crate::ir::Convenience;
use crate::names::ident;

impl<'a> Emitter<'a> {
    /// The conveniences of the struct `name` (nothing when it has none).
    pub(super) fn conveniences(&self, name: &str, loc: Loc<'_>) -> TokenStream {
        let Some(found) = self.api.conveniences.get(name) else {
            return quote!();
        };
        let methods = found.iter().map(|c| match c {
            Convenience::Predicate {
                name,
                doc,
                field,
                optional,
                enum_type,
                variants,
            } => {
                let (method, field) = (ident(name), ident(field));
                let ty = self.named(enum_type, loc);
                let arms = variants.iter().map(|v| {
                    let v = ident(v);
                    if *optional {
                        quote!(Some(#ty::#v))
                    } else {
                        quote!(#ty::#v)
                    }
                });
                let doc = docs(Some(doc), "");
                quote! {
                    #doc
                    pub fn #method(&self) -> bool {
                        matches!(self.#field, #(#arms)|*)
                    }
                }
            }
            Convenience::SingleItem { name, wire, item } => {
                let method = ident(name);
                let item = self.ty(item, loc);
                let d = format!(
                    " Creates the model from the one item `{wire}` may hold (the spec allows at most one)."
                );
                quote! {
                    #[doc = #d]
                    pub fn #method(item: #item) -> Self {
                        Self::new(vec![item])
                    }
                }
            }
        });
        let name = ident(name);
        quote! {
            impl #name {
                #(#methods)*
            }
        }
    }
}
