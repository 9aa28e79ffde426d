//! Request builders: one struct per operation with its constructor arguments, setters, body
//! and derives (`Debug` redacts `x-secret` fields).

use proc_macro2::TokenStream;
use quote::quote;

use super::operation_docs::op_docs;
use super::request::operation_static;
use super::{Emitter, Loc, Result, docs};
use crate::ir::{MultipartField, Op, OpBody, Param, Ty};
use crate::names::ident;

impl<'a> Emitter<'a> {
    /// One `.query…(…)` link of the request chain (inside `fn request(&self)`).
    pub(super) fn query_link(&self, p: &Param, value: TokenStream, required: bool) -> TokenStream {
        let wire = &p.wire;
        let copy = matches!(p.ty, Ty::I64 | Ty::F64 | Ty::Bool);
        // A phone number goes as its digits; one that did not parse fails the request, naming
        // the parameter, before anything is sent.
        if self.is_phone(&p.ty) {
            return if required {
                quote!(.query_checked(#wire, Some(#value.digits_for(#wire))))
            } else {
                quote!(.query_checked(#wire, #value.as_ref().map(|v| v.digits_for(#wire))))
            };
        }
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
    pub(super) fn op(&self, op: &Op, handle: &str) -> Result<(TokenStream, TokenStream)> {
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
        // A response type decoded in this crate is awaited through the runtime's one named
        // future (`Sending`), not through a state machine per operation.
        let (ret, exec, named) = match &op.response {
            Some(t) if self.decoded_here(op).is_some() => {
                (self.ty(t, loc), quote!(send_body), true)
            }
            Some(t) => (self.ty(t, loc), quote!(execute), false),
            None => (quote!(()), quote!(execute_empty), false),
        };
        let request = self.request_fn(op, &body)?;
        let (send_body, streams) = self.send_and_streams(op, &body, &ret, (&exec, named))?;
        let send_fn = if named {
            quote! {
                /// Sends the request: nothing is sent until the returned future is awaited.
                pub fn send(self) -> qikberry_runtime::client::Sending<#ret> {
                    #send_body
                }
            }
        } else {
            quote! {
                /// Sends the request.
                pub async fn send(self) -> Result<#ret, crate::Error> {
                    #send_body
                }
            }
        };
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
                #send_fn
                #streams
            }
            #debug_impl
            #operation
        };
        Ok((method_tokens, builder_tokens))
    }

    /// Builder fields, method arguments and setters for the path, query and filter parameters.
    fn param_parts(&self, op: &Op, loc: Loc<'_>, parts: &mut BuilderParts) {
        for p in op.required_params().chain(op.optional_params()) {
            let what = if op.headers.contains(p) {
                "header"
            } else {
                "query parameter"
            };
            parts.param(self, p, loc, what);
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
    pub(super) fn param(&mut self, e: &Emitter<'_>, p: &Param, loc: Loc<'_>, what: &str) {
        let id = ident(&p.rust);
        let (aty, conv) = e.arg(&p.ty, loc, &id);
        self.field(p, e.ty(&p.ty, loc), aty, conv, what);
    }

    /// A builder field of type `ty`, set from an argument of type `aty` converted by `conv`:
    /// a method argument when `p` is required, else an `Option` with a setter.
    pub(super) fn field(
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
pub(super) struct BodyPlan {
    /// Whether the builder can derive `Clone` (not with multipart file parts).
    pub(super) clone: bool,
    /// Statements run in `send` that add a multipart body to `req`.
    pub(super) stmts: Option<TokenStream>,
    /// The `.body(…)` link of an encoded body in `fn request`.
    pub(super) link: Option<TokenStream>,
}

/// Field names of a builder's `fields` tokens (`name: Type,`).
pub(super) fn field_names(fields: &[TokenStream]) -> Vec<String> {
    fields
        .iter()
        .filter_map(|f| f.clone().into_iter().next())
        .map(|t| t.to_string().trim_start_matches("r#").to_string())
        .collect()
}

/// A `Debug` impl printing `[REDACTED]` for the `secret` fields (`x-secret`).
pub(super) fn redacting_debug(
    name: &proc_macro2::Ident,
    all: &[String],
    secret: &[&str],
) -> TokenStream {
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
        .chain(&op.headers)
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

/// `field: value`, or the shorthand `field` when the value is the same-named variable.
pub(super) fn init(id: &proc_macro2::Ident, conv: TokenStream) -> TokenStream {
    if *id == conv.to_string() {
        quote!(#id)
    } else {
        quote!(#id: #conv)
    }
}
