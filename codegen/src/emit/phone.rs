//! Phone-number fields (`x-phone-number` schemas, mapped by `x-rust-type` to
//! [`PHONE_INPUT`]): arguments that take text or a `PhoneNumber`, `From` conversions of the
//! oneOfs that hold them. Query parameters of that schema go out as their digits through
//! `Request::query_checked` (see `query_link`), so a bad one fails before sending.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Emitter, Loc};
use crate::ir::{Ty, TypeKind};

/// The type the phone-number schema maps to; it converts from `&str`, `String` and
/// `qikberry_text::phone::PhoneNumber`, keeping a parse error until serialisation.
pub(crate) const PHONE_INPUT: &str = "::qikberry_text::phone::PhoneInput";

impl Emitter<'_> {
    /// Whether `ty` is a phone-number schema.
    pub(super) fn is_phone(&self, ty: &Ty) -> bool {
        match ty {
            Ty::Named(n) => matches!(
                self.api.types.get(n).map(|t| &t.kind),
                Some(TypeKind::Extern(path)) if path == PHONE_INPUT
            ),
            _ => false,
        }
    }

    /// Setter/constructor argument for a phone number or a list of them: any value that
    /// converts (`&str`, `String`, `PhoneNumber`), or `None` for other types.
    pub(super) fn phone_arg(
        &self,
        ty: &Ty,
        loc: Loc<'_>,
        name: &Ident,
    ) -> Option<(TokenStream, TokenStream)> {
        match ty {
            t if self.is_phone(t) => {
                let t = self.ty(t, loc);
                Some((quote!(impl Into<#t>), quote!(#name.into())))
            }
            Ty::Vec(inner) if self.is_phone(inner) => {
                let t = self.ty(inner, loc);
                Some((
                    quote!(impl IntoIterator<Item = impl Into<#t>>),
                    quote!(#name.into_iter().map(Into::into).collect()),
                ))
            }
            _ => None,
        }
    }

    /// Extra `From` impls of a oneOf whose variant `variant` holds a phone number (from text
    /// and `PhoneNumber`) or a list of them (from lists of those); empty for other payloads.
    pub(super) fn phone_conversions(
        &self,
        one_of: &Ident,
        variant: &Ident,
        ty: &Ty,
    ) -> TokenStream {
        let text = quote!(::qikberry_text::phone::PhoneNumber);
        let sources = [quote!(&str), quote!(String), text];
        if self.is_phone(ty) {
            let impls = sources.iter().map(|src| {
                quote! {
                    impl From<#src> for #one_of {
                        fn from(value: #src) -> Self {
                            Self::#variant(value.into())
                        }
                    }
                }
            });
            return quote!(#(#impls)*);
        }
        match ty {
            Ty::Vec(inner) if self.is_phone(inner) => {
                let impls = sources.iter().map(|src| {
                    quote! {
                        impl From<Vec<#src>> for #one_of {
                            fn from(value: Vec<#src>) -> Self {
                                Self::#variant(value.into_iter().map(Into::into).collect())
                            }
                        }
                    }
                });
                quote!(#(#impls)*)
            }
            _ => TokenStream::new(),
        }
    }
}
