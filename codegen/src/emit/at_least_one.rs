//! An `x-at-least-one-of` rule: an enum with a variant for each property alone and one for both
//! (`Alias(..)`, `Id(..)`, `AliasAndId { alias, id }`), flattened into the structs that use it.
//! Serde's derives cannot put the both-variant's two keys beside the others, so `Serialize`
//! writes the chosen keys as map entries and `Deserialize` reads both as optional and refuses a
//! body with neither, naming the type and the keys.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Emitter, Loc};
use crate::ir::{Ty, TypeDef};
use crate::names::{ident, snake};

impl Emitter<'_> {
    /// The enum and its serde impls; `variants` holds exactly two (the reader checks it).
    pub(super) fn at_least_one_def(
        &self,
        def: &TypeDef,
        variants: &[(String, String, Ty)],
        loc: Loc<'_>,
        doc: TokenStream,
    ) -> TokenStream {
        let name = ident(&def.name);
        let [(va, wa, ta), (vb, wb, tb)] = variants else {
            return quote!(compile_error!("x-at-least-one-of takes exactly two properties"););
        };
        let (va, vb) = (ident(va), ident(vb));
        let both = format_ident!("{}And{}", va, vb);
        let (fa, fb) = (ident(&snake(wa)), ident(&snake(wb)));
        let (ta, tb) = (self.ty(ta, loc), self.ty(tb, loc));
        let (da, db) = (
            format!(" The body carries `{wa}` only."),
            format!(" The body carries `{wb}` only."),
        );
        let dboth = format!(" The body carries both `{wa}` and `{wb}`.");
        let (dfa, dfb) = (format!(" `{wa}`."), format!(" `{wb}`."));
        let neither = format!(
            "{}: the body carries neither `{wa}` nor `{wb}` (at least one is required)",
            def.name
        );
        let gate = self
            .api
            .request_only
            .contains(&def.name)
            .then(|| quote!(#[cfg(feature = "deserialize-requests")]));
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name {
                #[doc = #da]
                #va(#ta),
                #[doc = #db]
                #vb(#tb),
                #[doc = #dboth]
                #both {
                    #[doc = #dfa]
                    #fa: #ta,
                    #[doc = #dfb]
                    #fb: #tb,
                },
            }

            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(
                    &self,
                    serializer: S,
                ) -> ::core::result::Result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap;
                    let mut map = serializer.serialize_map(None)?;
                    match self {
                        Self::#va(a) => map.serialize_entry(#wa, a)?,
                        Self::#vb(b) => map.serialize_entry(#wb, b)?,
                        Self::#both { #fa, #fb } => {
                            map.serialize_entry(#wa, #fa)?;
                            map.serialize_entry(#wb, #fb)?;
                        }
                    }
                    map.end()
                }
            }

            #gate
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::core::result::Result<Self, D::Error> {
                    #[derive(serde::Deserialize)]
                    struct Wire {
                        #[serde(rename = #wa)]
                        a: Option<#ta>,
                        #[serde(rename = #wb)]
                        b: Option<#tb>,
                    }
                    match Wire::deserialize(deserializer)? {
                        Wire { a: Some(#fa), b: Some(#fb) } => Ok(Self::#both { #fa, #fb }),
                        Wire { a: Some(a), b: None } => Ok(Self::#va(a)),
                        Wire { a: None, b: Some(b) } => Ok(Self::#vb(b)),
                        Wire { a: None, b: None } => Err(serde::de::Error::custom(#neither)),
                    }
                }
            }
        }
    }
}
