//! Types: structs with their constructors, string enums, `x-exactly-one-of` choices, the
//! paginated responses' item streams, filter groups, and the `types.rs`/`common.rs` files.

use proc_macro2::TokenStream;
use quote::quote;

use super::builder::{init, redacting_debug};
use super::{Emitter, Loc, doc_raw, docs};
use crate::ir::{Field, Filter, Module, NestedPage, PageInfo, Ty, TypeDef, TypeKind};
use crate::names::ident;

impl<'a> Emitter<'a> {
    fn type_def(&self, def: &TypeDef, loc: Loc<'_>) -> TokenStream {
        let name = ident(&def.name);
        let described = def.doc.as_deref().filter(|d| !d.trim().is_empty());
        let doc = match (&def.kind, described) {
            // Enums and oneOfs always carry the forward-compatible `match` paragraph.
            (TypeKind::Enum(_) | TypeKind::IntEnum(_) | TypeKind::OneOf(_), None) => quote!(),
            _ => docs(described, ""),
        };
        match &def.kind {
            TypeKind::Enum(values) => {
                let variants = enum_variants(values);
                let pairs = values.iter().map(|(v, wire)| {
                    let v = ident(v);
                    quote!(#v = #wire)
                });
                let matching = open_enum_doc();
                quote! {
                    #doc
                    #matching
                    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                    #[non_exhaustive]
                    pub enum #name {
                        #(#variants)*
                        /// A value this version of the client does not know, kept as received.
                        Unknown(String),
                    }
                    qikberry_runtime::open_enum!(impl #name { #(#pairs),* });
                }
            }
            TypeKind::IntEnum(values) => int_enum_def(&name, values, doc),
            TypeKind::Struct(fields) => self.struct_def(def, fields, loc, doc),
            TypeKind::OneOf(o) => self.one_of_def(def, o, loc, doc),
            TypeKind::Choice(variants) => self.choice_def(def, variants, loc, doc),
            TypeKind::AtLeastOne(variants) => self.at_least_one_def(def, variants, loc, doc),
            TypeKind::Extern(path) => extern_def(def, path),
        }
    }

    /// The public path (`qikberry::<module>::<Name>`) of a generated type, for doc tests.
    fn public_path(&self, name: &str) -> String {
        match self.api.modules.get(name) {
            Some(Module::Tag(tag)) => format!("qikberry::{tag}::{name}"),
            _ => format!("qikberry::common::{name}"),
        }
    }

    /// An `x-exactly-one-of` choice: an externally tagged enum flattened into the structs that
    /// use it, so each variant is one wire key. Its docs carry a doc test that builds a body by
    /// choosing, and a `compile_fail` one showing that a body without a choice does not compile.
    fn choice_def(
        &self,
        def: &TypeDef,
        variants: &[(String, String, Ty)],
        loc: Loc<'_>,
        doc: TokenStream,
    ) -> TokenStream {
        let name = ident(&def.name);
        let tokens = variants.iter().map(|(v, wire, ty)| {
            let v = ident(v);
            let ty = self.ty(ty, loc);
            let d = format!(" The body carries `{wire}`.");
            quote!(#[doc = #d] #[serde(rename = #wire)] #v(#ty),)
        });
        let user = self.api.types.iter().find_map(|(n, t)| match &t.kind {
            TypeKind::Struct(fields) => fields
                .iter()
                .find(|f| f.flatten && f.ty == Ty::Named(def.name.clone()))
                .map(|f| (n.clone(), f.rust.clone())),
            _ => None,
        });
        let tests = user.zip(variants.last()).map(|((user, field), (v, _, _))| {
            let (body, choice) = (self.public_path(&user), self.public_path(&def.name));
            let lines: Vec<String> = vec![
                "# Choosing is the only way to build a body".into(),
                String::new(),
                "```".into(),
                format!("fn choose(mut body: {body}) -> {body} {{"),
                format!("    body.{field} = {choice}::{v}(\"42\".into());"),
                "    body".into(),
                "}".into(),
                "```".into(),
                String::new(),
                "A body without the choice is not expressible (this does not compile):".into(),
                String::new(),
                "```compile_fail".into(),
                format!("fn neither(mut body: {body}) -> {body} {{"),
                format!("    body.{field} = None;"),
                "    body".into(),
                "}".into(),
                "```".into(),
            ];
            doc_raw(&lines)
        });
        let blank = tests.is_some().then(|| quote!(#[doc = ""]));
        let (de, de_gated) = self.deserialize_derive(&def.name);
        quote! {
            #doc
            #blank
            #tests
            #[derive(Debug, Clone, PartialEq, serde::Serialize #de)]
            #de_gated
            pub enum #name {
                #(#tokens)*
            }
        }
    }

    fn struct_def(
        &self,
        def: &TypeDef,
        fields: &[Field],
        loc: Loc<'_>,
        doc: TokenStream,
    ) -> TokenStream {
        let name = ident(&def.name);
        let all_optional = fields.iter().all(|f| !f.required);
        let default = all_optional.then(|| quote!(Default,));
        let (de, de_gated, written) = self.struct_deserialize(&def.name, &name, fields);
        // A flattened member needs serde's derive (a map, not a struct); every other model's
        // `Serialize` is written out (`emit/serialize.rs`) and its field attributes serve only
        // a derived `Deserialize`.
        let flattened = fields.iter().any(|f| f.flatten);
        let (ser, ser_written) = if flattened {
            (quote!(serde::Serialize), quote!())
        } else {
            (quote!(), super::serialize::struct_serialize(&name, fields))
        };
        // A rename for the derived `Deserialize`, if there is one (a written one needs none).
        let de_rename = |wire: &str| {
            if !de.is_empty() {
                quote!(#[serde(rename = #wire)])
            } else if !de_gated.is_empty() {
                quote!(#[cfg_attr(feature = "deserialize-requests", serde(rename = #wire))])
            } else {
                quote!()
            }
        };
        let field_tokens = fields.iter().map(|f| {
            let id = ident(&f.rust);
            let ty = self.field_ty(f, loc);
            let fdoc = docs(f.doc.as_deref(), "");
            let wire = &f.wire;
            let renamed = f.rust != f.wire;
            let ty = if f.required && !f.nullable {
                ty
            } else {
                quote!(Option<#ty>)
            };
            let attr = if flattened {
                let rename = renamed.then(|| quote!(rename = #wire,));
                if f.flatten {
                    quote!(#[serde(flatten)])
                } else if f.required {
                    rename.map(|r| quote!(#[serde(#r)])).unwrap_or_default()
                } else {
                    quote!(#[serde(#rename skip_serializing_if = "Option::is_none")])
                }
            } else if renamed {
                de_rename(wire)
            } else {
                quote!()
            };
            quote!(#fdoc #attr pub #id: #ty,)
        });
        let ctor = self.constructor(&name, fields, loc);
        let secrets: Vec<&str> = fields
            .iter()
            .filter(|f| f.secret)
            .map(|f| f.rust.as_str())
            .collect();
        let (debug, debug_impl) = if secrets.is_empty() {
            (quote!(Debug,), quote!())
        } else {
            let all: Vec<String> = fields.iter().map(|f| f.rust.clone()).collect();
            (quote!(), redacting_debug(&name, &all, &secrets))
        };
        quote! {
            #doc
            #[derive(#debug Clone, PartialEq, #default #ser #de)]
            #de_gated
            #[non_exhaustive]
            pub struct #name {
                #(#field_tokens)*
            }
            #ser_written
            #written
            #debug_impl
            #ctor
        }
    }

    /// The `Deserialize` derive of a model: in the derive list (`, serde::Deserialize`), or, for a
    /// model the client only ever sends, as a `cfg_attr` behind the `deserialize-requests`
    /// feature (nearly half of the crate's expanded code was decoders nothing calls).
    fn deserialize_derive(&self, name: &str) -> (TokenStream, TokenStream) {
        if self.api.request_only.contains(name) {
            let gated =
                quote!(#[cfg_attr(feature = "deserialize-requests", derive(serde::Deserialize))]);
            (quote!(), gated)
        } else {
            (quote!(, serde::Deserialize), quote!())
        }
    }

    /// A struct model's `Deserialize`: written out (`emit/deserialize.rs`, the third part)
    /// when the model is decoded and has no flattened member; else as for any model
    /// (`deserialize_derive`).
    fn struct_deserialize(
        &self,
        def_name: &str,
        name: &proc_macro2::Ident,
        fields: &[Field],
    ) -> (TokenStream, TokenStream, TokenStream) {
        let (de, de_gated) = self.deserialize_derive(def_name);
        if de.is_empty() || fields.iter().any(|f| f.flatten) {
            return (de, de_gated, quote!());
        }
        let written = super::deserialize::struct_deserialize(name, fields);
        (quote!(), de_gated, written)
    }

    /// `new(required…)` plus one setter per optional field: models are `#[non_exhaustive]`, so
    /// this is how callers (and their tests, for response models) build them.
    pub(super) fn constructor(
        &self,
        name: &proc_macro2::Ident,
        fields: &[Field],
        loc: Loc<'_>,
    ) -> TokenStream {
        let mut args = Vec::new();
        let mut inits = Vec::new();
        let mut setters = Vec::new();
        for f in fields {
            let id = ident(&f.rust);
            let single = f.single.as_ref().map(|(v, _)| {
                let ty = self.ty(&f.ty, loc);
                let v = ident(v);
                quote!(#ty::#v)
            });
            match (f.required, single) {
                (_, Some(value)) if !f.required || !f.nullable => {
                    if f.required {
                        inits.push(quote!(#id: #value));
                    } else {
                        inits.push(quote!(#id: Some(#value)));
                    }
                }
                (true, _) => {
                    let (aty, conv) = self.arg(&f.ty, loc, &id);
                    let conv = boxed(f.boxed, conv);
                    args.push(quote!(#id: #aty));
                    if f.nullable {
                        inits.push(quote!(#id: Some(#conv)));
                    } else {
                        inits.push(init(&id, conv));
                    }
                }
                (false, _) => {
                    inits.push(quote!(#id: None));
                    let setter = ident(&f.setter());
                    let (aty, conv) = self.arg(&f.ty, loc, &id);
                    let conv = boxed(f.boxed, conv);
                    let d = format!(" Sets `{}`.", f.wire);
                    setters.push(quote! {
                        #[doc = #d]
                        pub fn #setter(mut self, #id: #aty) -> Self {
                            self.#id = Some(#conv);
                            self
                        }
                    });
                }
            }
        }
        let all_optional = fields.iter().all(|f| !f.required);
        let default = (args.is_empty() && !all_optional).then(|| {
            quote! {
                impl Default for #name {
                    fn default() -> Self {
                        Self::new()
                    }
                }
            }
        });
        quote! {
            #default
            impl #name {
                /// Creates the model from its required fields; optional fields start empty.
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits),* }
                }
                #(#setters)*
            }
        }
    }

    /// A struct field's type without its `Option`: `Box<T>` for a recursive one.
    pub(super) fn field_ty(&self, f: &Field, loc: Loc<'_>) -> TokenStream {
        let ty = self.ty(&f.ty, loc);
        if f.boxed { quote!(Box<#ty>) } else { ty }
    }

    fn paginated_impl(&self, ty: &str, info: &PageInfo, loc: Loc<'_>) -> TokenStream {
        let name = self.named(ty, loc);
        let item = self.ty(&info.item, loc);
        let data = if info.data_optional {
            quote!(self.data)
        } else {
            quote!(Some(self.data))
        };
        let into_items = match &info.nested {
            None if info.data_optional => quote!(self.data.unwrap_or_default()),
            None => quote!(self.data),
            Some(n) => {
                let (one_of, list, page) =
                    (self.named(&n.one_of, loc), ident(&n.list), ident(&n.page));
                let inner = if n.inner_optional {
                    quote!(p.data.unwrap_or_default())
                } else {
                    quote!(p.data)
                };
                quote!(match #data {
                    Some(#one_of::#list(items)) => items,
                    Some(#one_of::#page(p)) => #inner,
                    _ => Vec::new(),
                })
            }
        };
        let (mut cur, mut last) = match info.meta {
            Some((meta_opt, cur, last)) => {
                let meta = if meta_opt {
                    quote!(self.meta.as_ref())
                } else {
                    quote!(Some(&self.meta))
                };
                let get = |f: Option<bool>, field: TokenStream| match f {
                    Some(true) => {
                        quote!(crate::api::support::page_no(#meta.and_then(|m| m.#field)))
                    }
                    Some(false) => quote!(crate::api::support::page_no(#meta.map(|m| m.#field))),
                    None => quote!(None),
                };
                (get(cur, quote!(current_page)), get(last, quote!(last_page)))
            }
            None => (quote!(None), quote!(None)),
        };
        let mut next = match info.next {
            Some((links_opt, next_opt)) => {
                let links = if links_opt {
                    quote!(self.links.as_ref())
                } else {
                    quote!(Some(&self.links))
                };
                if next_opt {
                    quote!(#links.and_then(|l| l.next.as_deref()))
                } else {
                    quote!(#links.map(|l| l.next.as_str()))
                }
            }
            None => quote!(None),
        };
        if let Some(n) = &info.nested {
            let from_page = self.nested_page_position(info, n, loc);
            cur = from_page(cur, n.current_page, "current_page");
            last = from_page(last, n.last_page, "last_page");
            next = from_page(next, n.next_page_url, "next_page_url");
        }
        quote! {
            impl crate::pagination::Paginated for #name {
                type Item = #item;
                fn into_items(self) -> Vec<Self::Item> {
                    #into_items
                }
                fn current_page(&self) -> Option<u64> {
                    #cur
                }
                fn last_page(&self) -> Option<u64> {
                    #last
                }
                fn has_next(&self) -> bool {
                    crate::pagination::default_has_next(#next, self.current_page(), self.last_page())
                }
                fn next_link(&self) -> Option<&str> {
                    #next
                }
            }
        }
    }

    /// For a paginator object inside `data`: a function that falls back from the envelope's
    /// value (`meta.current_page`, `meta.last_page`, `links.next`) to the paginator's field of
    /// that position (`current_page`, `last_page`, `next_page_url`) when the answer came in
    /// that form, so a stream follows the paginator's pages too.
    fn nested_page_position(
        &self,
        info: &PageInfo,
        n: &NestedPage,
        loc: Loc<'_>,
    ) -> impl Fn(TokenStream, Option<bool>, &str) -> TokenStream {
        let data = if info.data_optional {
            quote!(self.data.as_ref())
        } else {
            quote!(Some(&self.data))
        };
        let (one_of, page) = (self.named(&n.one_of, loc), ident(&n.page));
        move |outer: TokenStream, field: Option<bool>, wire: &str| {
            let Some(optional) = field else { return outer };
            let name = ident(wire);
            // `next_page_url` is text; the page numbers go through `page_no`.
            let value = match (wire == "next_page_url", optional) {
                (true, true) => quote!(p.#name.as_deref()),
                (true, false) => quote!(Some(p.#name.as_str())),
                (false, true) => quote!(crate::api::support::page_no(p.#name)),
                (false, false) => quote!(crate::api::support::page_no(Some(p.#name))),
            };
            let inner = quote!(match #data {
                Some(#one_of::#page(p)) => #value,
                _ => None,
            });
            if outer.to_string() == "None" {
                inner
            } else {
                quote!(#outer.or(#inner))
            }
        }
    }

    pub(super) fn types_file(&self, loc: Loc<'_>, module: &Module) -> TokenStream {
        let mut items = Vec::new();
        for (name, def) in &self.api.types {
            if self.api.modules.get(name) == Some(module) {
                items.push(self.type_def(def, loc));
                items.push(self.conveniences(name, loc));
            }
        }
        let mut done = std::collections::BTreeSet::new();
        for op in &self.api.ops {
            if let (Some(info), Some(Ty::Named(r))) = (&op.page, &op.response)
                && self.api.modules.get(r) == Some(module)
                && done.insert(r.clone())
            {
                items.push(self.paginated_impl(r, info, loc));
            }
        }
        let mut done = std::collections::BTreeSet::new();
        for r in self.api.ops.iter().filter_map(|op| self.decoded_here(op)) {
            if self.api.modules.get(r) == Some(module) && done.insert(r) {
                let name = ident(r);
                items.push(quote! {
                    impl qikberry_runtime::client::ResponseBody for #name {
                        fn decode(exchange: qikberry_runtime::client::Exchange) -> Result<Self, crate::Error> {
                            exchange.json()
                        }
                    }
                });
            }
        }
        quote!(#(#items)*)
    }

    /// The response type of `op` when this crate defines it, so that its decoder is compiled
    /// here once (`ResponseBody`) rather than in every crate that awaits the call.
    pub(super) fn decoded_here<'o>(&self, op: &'o crate::ir::Op) -> Option<&'o str> {
        match &op.response {
            Some(Ty::Named(r)) => match self.api.types.get(r).map(|t| &t.kind) {
                Some(TypeKind::Extern(_)) | None => None,
                Some(_) => Some(r),
            },
            _ => None,
        }
    }

    pub(super) fn filter_def(&self, f: &Filter, loc: Loc<'_>) -> TokenStream {
        let name = ident(&f.name);
        let d = format!(
            " Filters (x-filter-group `{}`): set the ones you need, then pass it to the request builder's `filter`.",
            f.name
        );
        let fields = f.params.iter().map(|p| {
            let id = ident(&p.rust);
            let ty = self.ty(&p.ty, loc);
            let wire = format!(" Sent as `{}`.", p.wire);
            match p.doc.as_deref().filter(|d| !d.trim().is_empty()) {
                Some(d) => {
                    let doc = docs(Some(d), "");
                    quote!(#doc #[doc = ""] #[doc = #wire] pub #id: Option<#ty>,)
                }
                None => quote!(#[doc = #wire] pub #id: Option<#ty>,),
            }
        });
        let setters = f.params.iter().map(|p| {
            let id = ident(&p.rust);
            let (aty, conv) = self.arg(&p.ty, loc, &id);
            let d = format!(" Sets `{}`.", p.wire);
            quote! {
                #[doc = #d]
                pub fn #id(mut self, #id: #aty) -> Self {
                    self.#id = Some(#conv);
                    self
                }
            }
        });
        quote! {
            #[doc = #d]
            #[derive(Debug, Clone, Default, PartialEq)]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
            }
            impl #name {
                /// An empty filter.
                pub fn new() -> Self {
                    Self::default()
                }
                #(#setters)*
            }
        }
    }
}

/// An `x-rust-type` schema: an alias of the named type, whose own docs describe it (the spec's
/// description is not copied).
fn extern_def(def: &TypeDef, path: &str) -> TokenStream {
    let name = ident(&def.name);
    let segments = path.split("::").filter(|s| !s.is_empty()).map(ident);
    let doc = doc_raw(&[format!(
        "The spec's `{}` schema is [`{}`] (`x-rust-type`); see its docs for the values.",
        def.name,
        path.trim_start_matches("::")
    )]);
    quote! {
        #doc
        pub type #name = #(::#segments)*;
    }
}

/// `Box::new(conv)` for a boxed (recursive) field or variant, else `conv`.
pub(super) fn boxed(boxed: bool, conv: TokenStream) -> TokenStream {
    if boxed { quote!(Box::new(#conv)) } else { conv }
}

/// An integer enum: the variants, `Unknown(i64)`, and `open_int_enum!`'s impls.
fn int_enum_def(
    name: &proc_macro2::Ident,
    values: &[(String, i64)],
    doc: TokenStream,
) -> TokenStream {
    let variants = enum_variants(values);
    let pairs = values.iter().map(|(v, wire)| {
        let v = ident(v);
        let wire = proc_macro2::Literal::i64_unsuffixed(*wire);
        quote!(#v = #wire)
    });
    let matching = open_enum_doc();
    quote! {
        #doc
        #matching
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know, kept as received.
            Unknown(i64),
        }
        qikberry_runtime::open_int_enum!(impl #name { #(#pairs),* });
    }
}

/// An enum's known variants, each documented with its wire value.
fn enum_variants<W: std::fmt::Display>(values: &[(String, W)]) -> Vec<TokenStream> {
    values
        .iter()
        .map(|(v, wire)| {
            let v = ident(v);
            let d = format!(" `{wire}`");
            quote!(#[doc = #d] #v,)
        })
        .collect()
}

/// The paragraph every open enum's docs end with.
fn open_enum_doc() -> TokenStream {
    doc_raw(&[
        String::new(),
        "Non-exhaustive: the API may add values, so a `match` needs a `_` arm; values this \
         version does not know arrive as `Unknown`."
            .into(),
    ])
}
