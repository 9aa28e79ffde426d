//! Phases 2 and 3: IR → Rust tokens (types, then operations) → formatted files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::Error;
use crate::facts::RateLimit;
use crate::ir::*;
use crate::names::{doc_lines, ident};

type Result<T> = std::result::Result<T, Error>;

/// The file in which code is being emitted: `common.rs`, or a tag's `mod.rs`/`types.rs` (which
/// see the same names thanks to `pub use self::types::*`).
#[derive(Clone, Copy, PartialEq)]
enum Loc<'a> {
    Common,
    Tag(&'a str),
}

struct Emitter<'a> {
    api: &'a Api,
}

/// Doc attributes for `text`, else for `fallback`; nothing when both are empty (no filler: a
/// missing description stays visible as a missing doc).
/// The item's rustdoc from the spec's description (else `fallback`). With neither, the item is
/// marked `#[allow(missing_docs)]` right where it is emitted: the gap is the spec's (a missing
/// `description`), visible in the generated source instead of hidden by one crate-wide allow.
fn docs(text: Option<&str>, fallback: &str) -> TokenStream {
    let lines = match text {
        Some(t) if !t.trim().is_empty() => doc_lines(t),
        _ if fallback.is_empty() => return quote!(#[allow(missing_docs)]),
        _ => doc_lines(fallback),
    };
    let lines = lines.into_iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {}", l.replace('\t', "    "))
        }
    });
    quote! { #(#[doc = #lines])* }
}

fn doc_raw(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #(#[doc = #lines])* }
}

impl<'a> Emitter<'a> {
    fn ty(&self, ty: &Ty, loc: Loc<'_>) -> TokenStream {
        match ty {
            Ty::String => quote!(String),
            Ty::I64 => quote!(i64),
            Ty::F64 => quote!(f64),
            Ty::Bool => quote!(bool),
            Ty::Value => quote!(serde_json::Value),
            Ty::Map => quote!(serde_json::Map<String, serde_json::Value>),
            Ty::StringOrNumber => quote!(crate::types::StringOrNumber),
            Ty::Vec(t) => {
                let t = self.ty(t, loc);
                quote!(Vec<#t>)
            }
            Ty::Dict(t) => {
                let t = self.ty(t, loc);
                quote!(std::collections::BTreeMap<String, #t>)
            }
            Ty::Named(n) => self.named(n, loc),
        }
    }

    fn named(&self, n: &str, loc: Loc<'_>) -> TokenStream {
        let id = ident(n);
        match (self.api.modules.get(n), loc) {
            (Some(Module::Common), Loc::Tag(_)) => quote!(crate::api::common::#id),
            _ => quote!(#id),
        }
    }

    /// A parameter type for a setter/constructor argument, and how to turn the argument into the
    /// stored value.
    fn arg(&self, ty: &Ty, loc: Loc<'_>, name: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
        let one_of = |n: &str| {
            matches!(
                self.api.types.get(n).map(|t| &t.kind),
                Some(TypeKind::OneOf(_))
            )
        };
        match ty {
            Ty::String => (quote!(impl Into<String>), quote!(#name.into())),
            // oneOfs convert from each of their shapes.
            Ty::Named(n) if one_of(n) => {
                let t = self.ty(ty, loc);
                (quote!(impl Into<#t>), quote!(#name.into()))
            }
            other => (self.ty(other, loc), quote!(#name)),
        }
    }

    fn type_def(&self, def: &TypeDef, loc: Loc<'_>) -> TokenStream {
        let name = ident(&def.name);
        let described = def.doc.as_deref().filter(|d| !d.trim().is_empty());
        let doc = match (&def.kind, described) {
            // Enums and oneOfs always carry the forward-compatible `match` paragraph.
            (TypeKind::Enum(_) | TypeKind::OneOf(_), None) => quote!(),
            _ => docs(described, ""),
        };
        match &def.kind {
            TypeKind::Enum(values) => {
                let variants = values.iter().map(|(v, wire)| {
                    let v = ident(v);
                    let d = format!(" `{wire}`");
                    quote!(#[doc = #d] #v,)
                });
                let pairs = values.iter().map(|(v, wire)| {
                    let v = ident(v);
                    quote!(#v = #wire)
                });
                let matching = doc_raw(&[
                    String::new(),
                    "Non-exhaustive: the API may add values, so a `match` needs a `_` arm; values \
                     this version does not know arrive as `Unknown`."
                        .into(),
                ]);
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
                    string_enum!(#name { #(#pairs),* });
                }
            }
            TypeKind::Struct(fields) => self.struct_def(def, fields, loc, doc),
            TypeKind::OneOf(o) => self.one_of_def(def, o, loc, doc),
            TypeKind::Choice(variants) => self.choice_def(def, variants, loc, doc),
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
        let field_tokens = fields.iter().map(|f| {
            let id = ident(&f.rust);
            let ty = self.ty(&f.ty, loc);
            let fdoc = docs(f.doc.as_deref(), "");
            let wire = &f.wire;
            let rename = (f.rust != f.wire).then(|| quote!(rename = #wire,));
            if f.flatten {
                quote!(#fdoc #[serde(flatten)] pub #id: #ty,)
            } else if f.required && !f.nullable {
                let serde = rename.map(|r| quote!(#[serde(#r)]));
                quote!(#fdoc #serde pub #id: #ty,)
            } else if f.required {
                let serde = rename.map(|r| quote!(#[serde(#r)]));
                quote!(#fdoc #serde pub #id: Option<#ty>,)
            } else {
                quote!(#fdoc #[serde(#rename skip_serializing_if = "Option::is_none")] pub #id: Option<#ty>,)
            }
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
        let (de, de_gated) = self.deserialize_derive(&def.name);
        quote! {
            #doc
            #[derive(#debug Clone, PartialEq, #default serde::Serialize #de)]
            #de_gated
            #[non_exhaustive]
            pub struct #name {
                #(#field_tokens)*
            }
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

    /// `new(required…)` plus one setter per optional field: models are `#[non_exhaustive]`, so
    /// this is how callers (and their tests, for response models) build them.
    fn constructor(
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
                    args.push(quote!(#id: #aty));
                    if f.nullable {
                        inits.push(quote!(#id: Some(#conv)));
                    } else {
                        inits.push(init(&id, conv));
                    }
                }
                (false, _) => {
                    inits.push(quote!(#id: None));
                    if f.rust != "new" {
                        let (aty, conv) = self.arg(&f.ty, loc, &id);
                        let d = format!(" Sets `{}`.", f.wire);
                        setters.push(quote! {
                            #[doc = #d]
                            pub fn #id(mut self, #id: #aty) -> Self {
                                self.#id = Some(#conv);
                                self
                            }
                        });
                    }
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

    fn one_of_def(&self, def: &TypeDef, o: &OneOf, loc: Loc<'_>, doc: TokenStream) -> TokenStream {
        let name = ident(&def.name);
        let response = self.api.response_side.contains(&def.name);
        let variants = o.variants.iter().map(|v| {
            let id = ident(&v.name);
            let ty = self.ty(&v.ty, loc);
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
            quote! {
                C { name: #vname, sigs: #sigs, fields: &[#(#fields),*], de: |v| crate::drift::from_value(v).map(Self::#id) },
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

    fn field_names(&self, ty: &Ty) -> Vec<String> {
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
                Some(TypeKind::Choice(v)) => v.iter().map(|(_, wire, _)| wire.clone()).collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// `From<Payload>` for every payload type (nested ones included) that appears once.
    fn conversions(&self, name: &str, o: &OneOf, loc: Loc<'_>) -> TokenStream {
        fn walk(api: &Api, o: &OneOf, first: Option<&str>, out: &mut Vec<(Ty, String, bool)>) {
            for v in &o.variants {
                let f = first.unwrap_or(&v.name);
                out.push((v.ty.clone(), f.to_string(), first.is_some()));
                if let Ty::Named(n) = &v.ty
                    && let Some(TypeKind::OneOf(inner)) = api.types.get(n).map(|t| &t.kind)
                {
                    walk(api, inner, Some(f), out);
                }
            }
        }
        // (payload type, outermost variant, nested?)
        let mut leaves: Vec<(Ty, String, bool)> = Vec::new();
        walk(self.api, o, None, &mut leaves);
        let name_id = ident(name);
        let own = Ty::Named(name.to_string());
        let impls = leaves
            .iter()
            .filter(|(t, _, _)| leaves.iter().filter(|(u, _, _)| u == t).count() == 1 && *t != own)
            .map(|(t, v, nested)| {
                let ty = self.ty(t, loc);
                let v = ident(v);
                let conv = if *nested {
                    quote!(Self::#v(value.into()))
                } else {
                    quote!(Self::#v(value))
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
                quote! {
                    #from_str
                    impl From<#ty> for #name_id {
                        fn from(value: #ty) -> Self {
                            #conv
                        }
                    }
                }
            });
        quote!(#(#impls)*)
    }

    fn paginated_impl(&self, ty: &str, info: &PageInfo, loc: Loc<'_>) -> TokenStream {
        let name = self.named(ty, loc);
        let item = self.ty(&info.item, loc);
        let into_items = if info.data_optional {
            quote!(self.data.unwrap_or_default())
        } else {
            quote!(self.data)
        };
        let (cur, last) = match info.meta {
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
        let next = match info.next {
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

    fn types_file(&self, loc: Loc<'_>, module: &Module) -> TokenStream {
        let mut items = Vec::new();
        for (name, def) in &self.api.types {
            if self.api.modules.get(name) == Some(module) {
                items.push(self.type_def(def, loc));
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
        quote!(#(#items)*)
    }

    fn filter_def(&self, f: &Filter, loc: Loc<'_>) -> TokenStream {
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

    /// One `.query…(…)` link of the request chain (inside `fn request(&self)`).
    fn query_link(&self, p: &Param, value: TokenStream, required: bool) -> TokenStream {
        let wire = &p.wire;
        let copy = matches!(p.ty, Ty::I64 | Ty::F64 | Ty::Bool);
        match (&p.ty, required) {
            (Ty::Vec(_), true) => quote!(.query_each(#wire, Some(&#value))),
            (Ty::Vec(_), false) => quote!(.query_each(#wire, #value.as_deref())),
            (_, true) if copy => quote!(.query(#wire, #value)),
            (_, true) => quote!(.query(#wire, &#value)),
            (_, false) => quote!(.query_opt(#wire, #value.as_ref())),
        }
    }

    /// One operation: the method on the product handle and its request builder, assembled from
    /// the steps below.
    fn op(&self, op: &Op, handle: &str) -> Result<(TokenStream, TokenStream)> {
        let loc = Loc::Tag(&op.facts.tag);
        let method = ident(&op.method);
        let builder = ident(&op.builder);
        let (method_doc, builder_doc) = op_docs(op, handle);
        let mut parts = BuilderParts {
            fields: vec![quote!(client: crate::Client,)],
            args: Vec::new(),
            inits: vec![quote!(client: self.client.clone())],
            setters: Vec::new(),
        };
        self.param_parts(op, loc, &mut parts);
        let body = self.body_parts(op, loc, &mut parts);
        let (ret, exec) = match &op.response {
            Some(t) => (self.ty(t, loc), quote!(execute)),
            None => (quote!(()), quote!(execute_empty)),
        };
        let request = self.request_fn(op, &body)?;
        let (send_body, streams) = self.send_and_streams(op, &body, &ret, &exec)?;
        let BuilderParts {
            fields,
            args,
            inits,
            setters,
        } = parts;
        let (derive, debug_impl) = builder_derives(op, &builder, &fields, body.clone);
        let operation = operation_static(op, &self.secret_fields(op));
        let method_tokens = quote! {
            #method_doc
            pub fn #method(&self, #(#args),*) -> #builder {
                #builder { #(#inits),* }
            }
        };
        let builder_tokens = quote! {
            #builder_doc
            #derive
            #[must_use = "a request builder does nothing until `.send().await`"]
            pub struct #builder {
                #(#fields)*
            }
            impl #builder {
                #(#setters)*
                #request
                /// Sends the request.
                pub async fn send(self) -> Result<#ret, crate::Error> {
                    #send_body
                }
                #streams
            }
            #debug_impl
            #operation
        };
        Ok((method_tokens, builder_tokens))
    }

    /// Builder fields, method arguments and setters for the path, query and filter parameters.
    fn param_parts(&self, op: &Op, loc: Loc<'_>, parts: &mut BuilderParts) {
        for p in op
            .path_params
            .iter()
            .chain(op.query.iter().filter(|p| p.required))
        {
            parts.param(self, p, loc, "query parameter");
        }
        for p in op
            .query
            .iter()
            .filter(|p| !p.required)
            .chain(&op.page_param)
        {
            parts.param(self, p, loc, "query parameter");
        }
        if let Some(f) = &op.filter {
            let fty = ident(f);
            parts.fields.push(quote!(filter: #fty,));
            parts.inits.push(quote!(filter: #fty::new()));
            parts.setters.push(quote! {
                /// Sets the list filters.
                pub fn filter(mut self, filter: #fty) -> Self {
                    self.filter = filter;
                    self
                }
            });
        }
    }

    /// Builder parts for the request body, and how the body joins the request.
    fn body_parts(&self, op: &Op, loc: Loc<'_>, parts: &mut BuilderParts) -> BodyPlan {
        match &op.body {
            None => BodyPlan {
                clone: true,
                stmts: None,
                link: None,
            },
            Some(OpBody::Json { ty, required } | OpBody::Form { ty, required }) => {
                let is_form = matches!(op.body, Some(OpBody::Form { .. }));
                let link = self.encoded_body(ty, *required, is_form, loc, parts);
                BodyPlan {
                    clone: true,
                    stmts: None,
                    link: Some(link),
                }
            }
            Some(OpBody::Multipart(mfields)) => BodyPlan {
                clone: false,
                stmts: Some(self.multipart_parts(mfields, loc, parts)),
                link: None,
            },
        }
    }

    /// A JSON or form body: its field (argument or setter) and its `.body(…)` link.
    fn encoded_body(
        &self,
        ty: &Ty,
        required: bool,
        is_form: bool,
        loc: Loc<'_>,
        parts: &mut BuilderParts,
    ) -> TokenStream {
        let t = self.ty(ty, loc);
        let make = |v: TokenStream| {
            if is_form {
                quote!(crate::request::Body::Form(crate::api::support::form_fields(serde_json::to_value(#v)?)?))
            } else {
                quote!(crate::request::Body::json(#v)?)
            }
        };
        if required {
            parts.fields.push(quote!(body: #t,));
            parts.args.push(quote!(body: impl Into<#t>));
            parts.inits.push(quote!(body: body.into()));
            let b = make(quote!(&self.body));
            quote!(.body(#b))
        } else {
            parts.fields.push(quote!(body: Option<#t>,));
            parts.inits.push(quote!(body: None));
            parts.setters.push(quote! {
                /// Sets the request body.
                pub fn body(mut self, body: impl Into<#t>) -> Self {
                    self.body = Some(body.into());
                    self
                }
            });
            let b = make(quote!(body));
            quote!(.body(match &self.body { Some(body) => #b, None => crate::request::Body::None }))
        }
    }

    /// A multipart body: one builder field per form field, and the statements that add the
    /// parts to the request `req`.
    fn multipart_parts(
        &self,
        mfields: &[MultipartField],
        loc: Loc<'_>,
        parts: &mut BuilderParts,
    ) -> TokenStream {
        let mut stmts = Vec::new();
        for mf in mfields {
            let p = &mf.param;
            let id = ident(&p.rust);
            let wire = &p.wire;
            if mf.file {
                let file = quote!(crate::multipart::FilePart);
                parts.field(p, file.clone(), file, quote!(#id), "form field");
            } else {
                let (aty, conv) = self.arg(&p.ty, loc, &id);
                parts.field(p, self.ty(&p.ty, loc), aty, conv, "form field");
            }
            stmts.push(match (mf.file, p.required, &p.ty) {
                (true, true, _) => {
                    quote!(crate::api::support::file_part(&mut parts, #wire, Some(self.#id));)
                }
                (true, false, _) => {
                    quote!(crate::api::support::file_part(&mut parts, #wire, self.#id);)
                }
                (false, true, Ty::Vec(_)) => {
                    quote!(crate::api::support::text_parts(&mut parts, #wire, Some(&self.#id));)
                }
                (false, false, Ty::Vec(_)) => {
                    quote!(crate::api::support::text_parts(&mut parts, #wire, self.#id.as_deref());)
                }
                (false, true, _) => {
                    quote!(crate::api::support::text_part(&mut parts, #wire, Some(&self.#id));)
                }
                (false, false, _) => {
                    quote!(crate::api::support::text_part(&mut parts, #wire, self.#id.as_ref());)
                }
            });
        }
        quote! {
            let mut parts = Vec::new();
            #(#stmts)*
            let req = req.body(crate::request::Body::Multipart(parts));
        }
    }

    /// The path: encoded segments bound to locals, then an inline-args `format!`.
    fn path_expr(&self, op: &Op) -> Result<(Vec<TokenStream>, TokenStream)> {
        let mut path_lets = Vec::new();
        if op.path_params.is_empty() {
            let p = &op.path;
            return Ok((path_lets, quote!(#p.to_string())));
        }
        let mut fmt = String::new();
        let mut rest = op.path.as_str();
        while let Some(start) = rest.find('{') {
            fmt.push_str(rest.get(..start).unwrap_or(""));
            let after = rest.get(start + 1..).unwrap_or("");
            let end = after.find('}').unwrap_or(after.len());
            let name = after.get(..end).unwrap_or("");
            let p = op
                .path_params
                .iter()
                .find(|p| p.wire == name)
                .ok_or_else(|| {
                    Error::new(
                        "/paths",
                        format!("internal: path parameter `{name}` vanished"),
                    )
                })?;
            let id = ident(&p.rust);
            let local = format_ident!("p{}", path_lets.len());
            path_lets.push(match p.ty {
                Ty::String => quote!(let #local = crate::request::encode_path_segment(&self.#id);),
                _ => {
                    quote!(let #local = crate::request::encode_path_segment(&self.#id.to_string());)
                }
            });
            fmt.push_str(&format!("{{{local}}}"));
            rest = after.get(end + 1..).unwrap_or("");
        }
        fmt.push_str(rest);
        Ok((path_lets, quote!(format!(#fmt))))
    }

    /// The `.query…` links for the query and filter parameters, and the `use` their
    /// list-valued parameters need.
    fn query_links(&self, op: &Op) -> (Vec<TokenStream>, Option<TokenStream>) {
        let filter_params = op
            .filter
            .as_ref()
            .and_then(|f| self.api.filters.get(f))
            .map(|f| f.params.as_slice())
            .unwrap_or_default();
        let mut links = Vec::new();
        for p in &op.query {
            let id = ident(&p.rust);
            links.push(self.query_link(p, quote!(self.#id), p.required));
        }
        for p in filter_params {
            let id = ident(&p.rust);
            links.push(self.query_link(p, quote!(self.filter.#id), false));
        }
        let needs_each = op
            .query
            .iter()
            .chain(filter_params)
            .any(|p| matches!(p.ty, Ty::Vec(_)));
        let use_each = needs_each.then(|| {
            quote!(
                use crate::api::support::QueryEach as _;
            )
        });
        (links, use_each)
    }

    /// The builder's private `fn request`, which builds the request without sending it (taking
    /// the page number for paginated operations; fallible when a body is encoded).
    fn request_fn(&self, op: &Op, body: &BodyPlan) -> Result<TokenStream> {
        let (path_lets, path_expr) = self.path_expr(op)?;
        let (links, use_each) = self.query_links(op);
        let op_static = operation_ident(op);
        let new_req = quote!(crate::request::Request::for_operation(&#op_static, #path_expr));
        Ok(match (&op.page, &op.page_param, &body.link) {
            (Some(_), Some(pp), _) => {
                let pwire = &pp.wire;
                quote! {
                    fn request(&self, page: Option<i64>) -> crate::request::Request {
                        #use_each
                        #(#path_lets)*
                        #new_req #(#links)* .query_opt(#pwire, page)
                    }
                }
            }
            (_, _, Some(link)) => quote! {
                fn request(&self) -> Result<crate::request::Request, crate::Error> {
                    #use_each
                    #(#path_lets)*
                    Ok(#new_req #(#links)* #link)
                }
            },
            (_, _, None) => quote! {
                fn request(&self) -> crate::request::Request {
                    #use_each
                    #(#path_lets)*
                    #new_req #(#links)*
                }
            },
        })
    }

    /// The body of `send`, and the `items`/`pages` streams of a paginated operation.
    fn send_and_streams(
        &self,
        op: &Op,
        body: &BodyPlan,
        ret: &TokenStream,
        exec: &TokenStream,
    ) -> Result<(TokenStream, TokenStream)> {
        if let (Some(info), Some(pp)) = (&op.page, &op.page_param) {
            let send = quote! {
                self.client.#exec(self.request(self.page)).await
            };
            return Ok((send, self.streams(info, pp, ret, Loc::Tag(&op.facts.tag))));
        }
        let send = match (&body.link, &body.stmts) {
            (Some(_), _) => quote!(self.client.#exec(self.request()?).await),
            (None, None) => quote!(self.client.#exec(self.request()).await),
            (None, Some(stmts)) => quote! {
                let req = self.request();
                #stmts
                self.client.#exec(req).await
            },
        };
        Ok((send, quote!()))
    }

    /// `items()` and `pages()` of a paginated operation.
    fn streams(&self, info: &PageInfo, pp: &Param, ret: &TokenStream, loc: Loc<'_>) -> TokenStream {
        let item = self.ty(&info.item, loc);
        let pid = ident(&pp.rust);
        quote! {
            /// Streams every item of every page, fetching the next page lazily (starting at
            /// the page set with `page`, else 1).
            pub fn items(self) -> impl futures_util::Stream<Item = Result<#item, crate::Error>> + Send {
                let client = self.client.clone();
                let first = crate::api::support::page_no(self.#pid).unwrap_or(1);
                crate::pagination::stream_items::<#ret>(client, move |page| self.request(i64::try_from(page).ok()), first)
            }
            /// Streams whole pages, fetching the next page lazily.
            pub fn pages(self) -> impl futures_util::Stream<Item = Result<#ret, crate::Error>> + Send {
                let client = self.client.clone();
                let first = crate::api::support::page_no(self.#pid).unwrap_or(1);
                crate::pagination::stream_pages::<#ret>(client, move |page| self.request(i64::try_from(page).ok()), first)
            }
        }
    }

    /// Wire names of the `x-secret` properties reachable from an operation's request body and
    /// success response (their values are redacted from error excerpts).
    fn secret_fields(&self, op: &Op) -> Vec<String> {
        let mut todo: Vec<&Ty> = op.response.iter().collect();
        if let Some(OpBody::Json { ty, .. } | OpBody::Form { ty, .. }) = &op.body {
            todo.push(ty);
        }
        let mut names = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        while let Some(ty) = todo.pop() {
            let mut named = Vec::new();
            ty.named(&mut named);
            for n in named {
                if !seen.insert(n.clone()) {
                    continue;
                }
                match self.api.types.get(&n).map(|t| &t.kind) {
                    Some(TypeKind::Struct(fields)) => {
                        for f in fields {
                            if f.secret {
                                names.push(f.wire.clone());
                            }
                            todo.push(&f.ty);
                        }
                    }
                    Some(TypeKind::OneOf(o)) => todo.extend(o.variants.iter().map(|v| &v.ty)),
                    _ => {}
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    fn tag_mod(&self, tag: &str, info: &TagInfo, has_types: bool) -> Result<TokenStream> {
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

    fn root_mod(&self) -> TokenStream {
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
                clippy::should_implement_trait
            )]
            #[macro_use]
            mod support;
            /// Models used by several tags (always compiled).
            pub mod common;
            #(#mods)*
            impl crate::Client {
                #(#accessors)*
            }
        }
    }
}

/// The fields, constructor arguments, field initialisers and setters of a request builder,
/// collected parameter by parameter.
struct BuilderParts {
    fields: Vec<TokenStream>,
    args: Vec<TokenStream>,
    inits: Vec<TokenStream>,
    setters: Vec<TokenStream>,
}

impl BuilderParts {
    /// A path, query or page parameter: an argument when required, else a setter.
    fn param(&mut self, e: &Emitter<'_>, p: &Param, loc: Loc<'_>, what: &str) {
        let id = ident(&p.rust);
        let (aty, conv) = e.arg(&p.ty, loc, &id);
        self.field(p, e.ty(&p.ty, loc), aty, conv, what);
    }

    /// A builder field of type `ty`, set from an argument of type `aty` converted by `conv`:
    /// a method argument when `p` is required, else an `Option` with a setter.
    fn field(
        &mut self,
        p: &Param,
        ty: TokenStream,
        aty: TokenStream,
        conv: TokenStream,
        what: &str,
    ) {
        let id = ident(&p.rust);
        if p.required {
            self.fields.push(quote!(#id: #ty,));
            self.args.push(quote!(#id: #aty));
            self.inits.push(init(&id, conv));
        } else {
            self.fields.push(quote!(#id: Option<#ty>,));
            self.inits.push(quote!(#id: None));
            let fallback = format!("Sets the `{}` {what}.", p.wire);
            let doc = docs(p.doc.as_deref(), &fallback);
            self.setters.push(quote! {
                #doc
                pub fn #id(mut self, #id: #aty) -> Self {
                    self.#id = Some(#conv);
                    self
                }
            });
        }
    }
}

/// How a request body joins the request.
struct BodyPlan {
    /// Whether the builder can derive `Clone` (not with multipart file parts).
    clone: bool,
    /// Statements run in `send` that add a multipart body to `req`.
    stmts: Option<TokenStream>,
    /// The `.body(…)` link of an encoded body in `fn request`.
    link: Option<TokenStream>,
}

/// One Markdown list item per method argument: the required parameters with their
/// descriptions, and the request body.
fn argument_docs(op: &Op) -> Vec<String> {
    let mut out = Vec::new();
    let mut item = |rust: &str, doc: Option<&str>| {
        let text = doc.map(|d| doc_lines(d).join(" ")).unwrap_or_default();
        if text.trim().is_empty() {
            out.push(format!("- `{rust}`"));
        } else {
            out.push(format!("- `{rust}`: {}", text.trim()));
        }
    };
    for p in op
        .path_params
        .iter()
        .chain(op.query.iter().filter(|p| p.required))
    {
        item(&p.rust, p.doc.as_deref());
    }
    match &op.body {
        Some(OpBody::Json { required: true, .. } | OpBody::Form { required: true, .. }) => {
            item("body", Some("the request body."));
        }
        Some(OpBody::Multipart(fields)) => {
            for f in fields.iter().filter(|f| f.param.required) {
                item(&f.param.rust, f.param.doc.as_deref());
            }
        }
        _ => {}
    }
    out
}

/// The docs of an operation's method and of its request builder.
fn op_docs(op: &Op, handle: &str) -> (TokenStream, TokenStream) {
    let mut lines: Vec<String> = Vec::new();
    if let Some(s) = &op.summary {
        lines.extend(doc_lines(s));
    }
    if let Some(d) = &op.description {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(doc_lines(d));
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    let arguments = argument_docs(op);
    if !arguments.is_empty() {
        lines.push("# Arguments".into());
        lines.push(String::new());
        lines.extend(arguments);
        lines.push(String::new());
    }
    lines.push(format!(
        "`{} /{}` (operation `{}`).",
        op.facts.method, op.path, op.facts.id
    ));
    if op.facts.path_inferred {
        lines.push(String::new());
        lines.push("<div class=\"warning\">".into());
        lines.push(String::new());
        lines.push(
            "**Unconfirmed path** (`x-path-inferred`): this operation's HTTP path was inferred from the \
             provider's reference, not confirmed by its public docs, so the call may fail with 404."
                .into(),
        );
        lines.push(String::new());
        lines.push("</div>".into());
    }
    let mut bdoc = vec![format!(
        "Request builder for [`{handle}::{}`]: set optional parameters, then `.send().await`.",
        op.method
    )];
    if op.facts.path_inferred {
        bdoc.push(String::new());
        bdoc.push("<div class=\"warning\">Unconfirmed path (<code>x-path-inferred</code>): see the method's documentation.</div>".into());
    }
    (doc_raw(&lines), doc_raw(&bdoc))
}

/// `field: value`, or the shorthand `field` when the value is the same-named variable.
/// The name of an operation's metadata static (`SMS_LIST_SENDERS`).
fn operation_ident(op: &Op) -> proc_macro2::Ident {
    ident(&op.facts.id.to_ascii_uppercase())
}

/// The per-operation metadata static the request is built from (id, method, server, path
/// template, `x-idempotent`, `x-secret` parameter names, `x-rate-limit`).
fn operation_static(op: &Op, secret_fields: &[String]) -> TokenStream {
    let name = operation_ident(op);
    let http = format_ident!("{}", op.facts.method);
    let server = if op.facts.base_path.starts_with("/api/v3") {
        quote!(crate::request::Server::V3)
    } else {
        quote!(crate::request::Server::V2)
    };
    let doc = format!(
        "What the spec says about `{}` (see [`crate::request::Operation`]).",
        op.facts.id
    );
    let opid = &op.facts.id;
    let path = &op.path;
    let idempotent = op.facts.idempotent;
    let secrets = &op.secret_params;
    let rate_limit = match &op.facts.rate_limit {
        Some(RateLimit {
            requests,
            per_seconds,
            scope,
        }) => {
            let requests = proc_macro2::Literal::u32_unsuffixed(*requests);
            let per = proc_macro2::Literal::u32_unsuffixed(*per_seconds);
            quote!(Some(crate::request::RateLimit { requests: #requests, per_seconds: #per, scope: #scope }))
        }
        None => quote!(None),
    };
    quote! {
        #[doc = #doc]
        pub static #name: crate::request::Operation = crate::request::Operation {
            id: #opid,
            method: reqwest::Method::#http,
            server: #server,
            path: #path,
            idempotent: #idempotent,
            secret_params: &[#(#secrets),*],
            secret_fields: &[#(#secret_fields),*],
            rate_limit: #rate_limit,
        };
    }
}

/// Field names of a builder's `fields` tokens (`name: Type,`).
fn field_names(fields: &[TokenStream]) -> Vec<String> {
    fields
        .iter()
        .filter_map(|f| f.clone().into_iter().next())
        .map(|t| t.to_string().trim_start_matches("r#").to_string())
        .collect()
}

/// A `Debug` impl printing `[REDACTED]` for the `secret` fields (`x-secret`).
fn redacting_debug(name: &proc_macro2::Ident, all: &[String], secret: &[&str]) -> TokenStream {
    let label = name.to_string();
    let entries = all.iter().map(|f| {
        let id = ident(f);
        let shown = id.to_string();
        let shown = shown.trim_start_matches("r#");
        if secret.contains(&f.as_str()) {
            quote!(.field(#shown, &"[REDACTED]"))
        } else {
            quote!(.field(#shown, &self.#id))
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#entries)* .finish()
            }
        }
    }
}

/// The builder's `#[derive]` and, when it holds `x-secret` parameters, a `Debug` impl that
/// redacts them (builders with multipart file parts derive neither).
fn builder_derives(
    op: &Op,
    builder: &proc_macro2::Ident,
    fields: &[TokenStream],
    clone: bool,
) -> (TokenStream, TokenStream) {
    let secret: Vec<&str> = op
        .path_params
        .iter()
        .chain(&op.query)
        .filter(|p| op.secret_params.contains(&p.wire))
        .map(|p| p.rust.as_str())
        .collect();
    match (clone, secret.is_empty()) {
        (false, _) => (quote!(), quote!()),
        (true, true) => (quote!(#[derive(Debug, Clone)]), quote!()),
        (true, false) => (
            quote!(#[derive(Clone)]),
            redacting_debug(builder, &field_names(fields), &secret),
        ),
    }
}

fn init(id: &proc_macro2::Ident, conv: TokenStream) -> TokenStream {
    if *id == conv.to_string() {
        quote!(#id)
    } else {
        quote!(#id: #conv)
    }
}

fn format(tokens: TokenStream, header: &str, what: &str) -> Result<String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::new(
            "",
            format!("internal error: emitted code for {what} does not parse: {e}"),
        )
    })?;
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

pub(crate) fn emit(api: &Api, header: &str) -> Result<BTreeMap<PathBuf, String>> {
    let e = Emitter { api };
    let mut files = BTreeMap::new();
    files.insert(
        PathBuf::from("mod.rs"),
        format(e.root_mod(), header, "mod.rs")?,
    );
    files.insert(
        PathBuf::from("support.rs"),
        format!(
            "// @generated by qikberry-codegen: copied from codegen/templates/support.rs. Do not edit.\n\
             // Edit the template, then run `cargo xtask generate`.\n\n{}",
            include_str!("../templates/support.rs")
        ),
    );
    files.insert(
        PathBuf::from("common.rs"),
        format(
            e.types_file(Loc::Common, &Module::Common),
            header,
            "common.rs",
        )?,
    );
    for (tag, info) in &api.tags {
        let module = Module::Tag(tag.clone());
        let has_types = api.modules.values().any(|m| *m == module);
        if has_types {
            let path = PathBuf::from(&info.module).join("types.rs");
            let t = e.types_file(Loc::Tag(tag), &module);
            files.insert(
                path,
                format(t, header, &format!("{}/types.rs", info.module))?,
            );
        }
        let t = e.tag_mod(tag, info, has_types)?;
        files.insert(
            PathBuf::from(&info.module).join("mod.rs"),
            format(t, header, &format!("{}/mod.rs", info.module))?,
        );
    }
    Ok(files)
}
