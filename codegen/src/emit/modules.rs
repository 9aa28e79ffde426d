//! Module files: a product's `mod.rs` (its handle, builders and filter types) and `api/mod.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::request::operation_ident;
use super::{Emitter, Loc, Result, doc_raw};
use crate::ir::TagInfo;
use crate::names::{doc_lines, ident};

impl<'a> Emitter<'a> {
    pub(super) fn tag_mod(
        &self,
        tag: &str,
        info: &TagInfo,
        has_types: bool,
    ) -> Result<TokenStream> {
        let handle = ident(&info.handle);
        let accessor = &info.module;
        let fallback = format!("Operations of the `{tag}` tag.");
        let mut hdoc_lines = match &info.doc {
            Some(d) => doc_lines(d),
            None => doc_lines(&fallback),
        };
        hdoc_lines.push(String::new());
        hdoc_lines.push(format!("Get it with [`Client::{accessor}`](crate::Client::{accessor}); compiled with the Cargo feature `{tag}`."));
        let hdoc = doc_raw(&hdoc_lines);
        let mut methods = Vec::new();
        let mut builders = Vec::new();
        let mut statics = Vec::new();
        for op in self.api.ops.iter().filter(|o| o.facts.tag == tag) {
            let (m, b) = self.op(op, &info.handle)?;
            methods.push(m);
            builders.push(b);
            statics.push(operation_ident(op));
        }
        let filters = self
            .api
            .filters
            .values()
            .filter(|f| f.tag == tag)
            .map(|f| self.filter_def(f, Loc::Tag(tag)));
        let types = has_types.then(|| {
            quote!(
                mod types;
                pub use self::types::*;
            )
        });
        Ok(quote! {
            #types
            #hdoc
            #[derive(Debug, Clone, Copy)]
            pub struct #handle<'a> {
                pub(crate) client: &'a crate::Client,
            }
            impl #handle<'_> {
                #(#methods)*
            }
            /// Every operation of this tag, as the spec describes it (idempotency, secret
            /// parameters, documented rate limit).
            pub static OPERATIONS: &[&crate::request::Operation] = &[#(&#statics),*];
            #(#builders)*
            #(#filters)*
        })
    }

    pub(super) fn root_mod(&self) -> TokenStream {
        let mods = self.api.tags.iter().map(|(tag, info)| {
            let m = ident(&info.module);
            let d = format!(" The `{tag}` operations and models (Cargo feature `{tag}`).");
            quote!(#[doc = #d] #[cfg(feature = #tag)] pub mod #m;)
        });
        let accessors = self.api.tags.iter().map(|(tag, info)| {
            let m = ident(&info.module);
            let h = ident(&info.handle);
            let d = format!(" The `{tag}` operations (Cargo feature `{tag}`).");
            quote! {
                #[doc = #d]
                #[cfg(feature = #tag)]
                pub fn #m(&self) -> #m::#h<'_> {
                    #m::#h { client: self }
                }
            }
        });
        let title = format!(
            " Code generated from the OpenAPI description \"{}\": one module per tag, each behind its Cargo feature, plus `common` for models shared by several tags.",
            self.api.title
        );
        quote! {
            #![doc = #title]
            #![allow(
                clippy::large_enum_variant,
                clippy::too_many_arguments,
                clippy::wrong_self_convention,
                clippy::doc_lazy_continuation,
                clippy::doc_overindented_list_items,
                clippy::should_implement_trait,
                clippy::result_large_err
            )]
            mod support;
            /// Models used by several tags (always compiled).
            pub mod common;
            #[cfg(feature = "testkit-examples")]
            pub mod spec_examples;
            #(#mods)*
            impl crate::Client {
                #(#accessors)*
            }
        }
    }
}
