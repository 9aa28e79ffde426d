//! oneOf types: the enum of variants, its dispatching `Deserialize`, and the conversions into it.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Emitter, Loc, doc_raw, docs};
use crate::ir::{Api, OneOf, Ty, TypeDef, TypeKind};
use crate::names::ident;

impl<'a> Emitter<'a> {
    pub(super) fn one_of_def(
        &self,
        def: &TypeDef,
        o: &OneOf,
        loc: Loc<'_>,
        doc: TokenStream,
    ) -> TokenStream {
        let name = ident(&def.name);
        let response = self.api.response_side.contains(&def.name);
        let variants = o.variants.iter().map(|v| {
            let id = ident(&v.name);
            let ty = self.ty(&v.ty, loc);
            let ty = if v.boxed { quote!(Box<#ty>) } else { ty };
            let d = docs(v.doc.as_deref(), "");
            quote!(#d #id(#ty),)
        });
        let unknown_variant = response.then(|| {
            quote! {
                /// A shape this version of the client does not know, kept as raw JSON.
                Unknown(serde_json::Value),
            }
        });
        let untagged = o.signatures.is_none();
        let cands = o.variants.iter().enumerate().map(|(i, v)| {
            let id = ident(&v.name);
            let vname = &v.name;
            let sigs = match o.signatures.as_ref().and_then(|s| s.get(i)) {
                Some(sigs) => {
                    let sigs = sigs.iter().map(|sig| {
                        let pairs = sig.iter().map(|(k, val)| quote!((#k, #val)));
                        quote!(&[#(#pairs),*])
                    });
                    quote!(&[#(#sigs),*])
                }
                None => quote!(&[]),
            };
            let fields: Vec<String> = if untagged { self.field_names(&v.ty) } else { Vec::new() };
            let make = if v.boxed {
                quote!(|x| Self::#id(Box::new(x)))
            } else {
                quote!(Self::#id)
            };
            quote! {
                C { name: #vname, sigs: #sigs, fields: &[#(#fields),*], de: |v| crate::drift::from_value(v).map(#make) },
            }
        });
        let unknown = if response {
            quote!(Some(Self::Unknown))
        } else {
            quote!(None)
        };
        let type_name = &def.name;
        let froms = self.conversions(&def.name, o, loc);
        let matching = if response {
            "Non-exhaustive: the API may add shapes, so a `match` needs a `_` arm; shapes this \
             version does not know arrive as `Unknown`."
        } else {
            "Non-exhaustive: the API may add shapes, so a `match` needs a `_` arm."
        };
        let matching = doc_raw(&[String::new(), matching.into()]);
        let gate = self
            .api
            .request_only
            .contains(&def.name)
            .then(|| quote!(#[cfg(feature = "deserialize-requests")]));
        quote! {
            #doc
            #matching
            #[derive(Debug, Clone, PartialEq, serde::Serialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
                #unknown_variant
            }
            #gate
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    use crate::api::support::Candidate as C;
                    crate::api::support::one_of(d, #type_name, #untagged, &[#(#cands)*], #unknown)
                }
            }
            #froms
        }
    }

    pub(super) fn field_names(&self, ty: &Ty) -> Vec<String> {
        let mut out = Vec::new();
        let Ty::Named(ty) = ty else { return out };
        match self.api.types.get(ty).map(|t| &t.kind) {
            Some(TypeKind::Struct(fields)) => {
                for f in fields {
                    if f.flatten {
                        out.extend(self.choice_keys(&f.ty));
                    } else {
                        out.push(f.wire.clone());
                    }
                }
            }
            Some(TypeKind::OneOf(o)) => {
                for v in &o.variants {
                    for f in self.field_names(&v.ty) {
                        if !out.contains(&f) {
                            out.push(f);
                        }
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// The wire keys of a flattened choice.
    fn choice_keys(&self, ty: &Ty) -> Vec<String> {
        match ty {
            Ty::Named(n) => match self.api.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Choice(v) | TypeKind::AtLeastOne(v)) => {
                    v.iter().map(|(_, wire, _)| wire.clone()).collect()
                }
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// `From<Payload>` for every payload type (nested ones included) that appears once.
    fn conversions(&self, name: &str, o: &OneOf, loc: Loc<'_>) -> TokenStream {
        type Leaf = (Ty, String, bool, bool);
        fn walk(api: &Api, o: &OneOf, first: Option<(&str, bool)>, out: &mut Vec<Leaf>) {
            for v in &o.variants {
                let (f, boxed) = first.unwrap_or((&v.name, v.boxed));
                out.push((v.ty.clone(), f.to_string(), first.is_some(), boxed));
                // A recursive oneOf's nested conversions would go round the cycle.
                if let Ty::Named(n) = &v.ty
                    && !v.boxed
                    && let Some(TypeKind::OneOf(inner)) = api.types.get(n).map(|t| &t.kind)
                {
                    walk(api, inner, Some((f, boxed)), out);
                }
            }
        }
        // (payload type, outermost variant, nested?, outermost variant boxed?)
        let mut leaves: Vec<Leaf> = Vec::new();
        walk(self.api, o, None, &mut leaves);
        let name_id = ident(name);
        let own = Ty::Named(name.to_string());
        let impls = leaves
            .iter()
            .filter(|(t, ..)| leaves.iter().filter(|(u, ..)| u == t).count() == 1 && *t != own)
            .map(|(t, v, nested, boxed)| {
                let ty = self.ty(t, loc);
                let v = ident(v);
                let value = if *nested {
                    quote!(value.into())
                } else {
                    quote!(value)
                };
                let conv = if *boxed {
                    quote!(Self::#v(Box::new(#value)))
                } else {
                    quote!(Self::#v(#value))
                };
                // A text shape also accepts `&str`.
                let from_str = (*t == Ty::String).then(|| {
                    quote! {
                        impl From<&str> for #name_id {
                            fn from(value: &str) -> Self {
                                Self::from(value.to_owned())
                            }
                        }
                    }
                });
                let phone = if *nested {
                    TokenStream::new()
                } else {
                    self.phone_conversions(&name_id, &v, t)
                };
                quote! {
                    #from_str
                    #phone
                    impl From<#ty> for #name_id {
                        fn from(value: #ty) -> Self {
                            #conv
                        }
                    }
                }
            });
        quote!(#(#impls)*)
    }
}
