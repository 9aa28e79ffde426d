//! Sending a request: the path and query it builds, `send()` and the page streams, and the
//! per-operation metadata static (id, method, server, path, `x-idempotent`, secrets, rate limit).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::builder::BodyPlan;
use super::{Emitter, Loc, Result};
use crate::Error;
use crate::facts::RateLimit;
use crate::ir::{Op, OpBody, PageInfo, Param, Ty, TypeKind};
use crate::names::ident;

impl<'a> Emitter<'a> {
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

    /// The `.query…` links for the query and filter parameters, the `.header…` links for the
    /// header parameters, and the `use` the list-valued parameters need.
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
        for p in &op.headers {
            let id = ident(&p.rust);
            let wire = &p.wire;
            links.push(if p.required {
                quote!(.header(#wire, &self.#id))
            } else {
                quote!(.header_opt(#wire, self.#id.as_ref()))
            });
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
    pub(super) fn request_fn(&self, op: &Op, body: &BodyPlan) -> Result<TokenStream> {
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

    /// The body of `send`, and the `items`/`pages` streams of a paginated operation. With a
    /// `named` future, `send` is a plain `fn` returning `exec`'s future (the runtime's
    /// `Sending`, given the request or the error building it met); else an `async fn` that
    /// awaits `exec`.
    pub(super) fn send_and_streams(
        &self,
        op: &Op,
        body: &BodyPlan,
        ret: &TokenStream,
        (exec, named): (&TokenStream, bool),
    ) -> Result<(TokenStream, TokenStream)> {
        let call = |req: TokenStream, fallible: bool| match (named, fallible) {
            (true, true) => quote!(self.client.#exec(#req)),
            (true, false) => quote!(self.client.#exec(Ok(#req))),
            (false, true) => quote!(self.client.#exec(#req?).await),
            (false, false) => quote!(self.client.#exec(#req).await),
        };
        if let (Some(info), Some(pp)) = (&op.page, &op.page_param) {
            let send = call(quote!(self.request(self.page)), false);
            return Ok((send, self.streams(info, pp, ret, Loc::Tag(&op.facts.tag))));
        }
        let send = match (&body.link, &body.stmts) {
            (Some(_), _) => call(quote!(self.request()), true),
            (None, None) => call(quote!(self.request()), false),
            (None, Some(stmts)) => {
                let call = call(quote!(req), false);
                quote! {
                    let req = self.request();
                    #stmts
                    #call
                }
            }
        };
        Ok((send, quote!()))
    }

    /// `items()` and `pages()` of a paginated operation.
    pub(super) fn streams(
        &self,
        info: &PageInfo,
        pp: &Param,
        ret: &TokenStream,
        loc: Loc<'_>,
    ) -> TokenStream {
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
    pub(super) fn secret_fields(&self, op: &Op) -> Vec<String> {
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
}

/// The name of an operation's metadata static (`SMS_LIST_SENDERS`).
pub(super) fn operation_ident(op: &Op) -> proc_macro2::Ident {
    ident(&op.facts.id.to_ascii_uppercase())
}

/// The per-operation metadata static the request is built from (id, method, server, path
/// template, `x-idempotent`, `x-secret` parameter names, `x-rate-limit`).
pub(super) fn operation_static(op: &Op, secret_fields: &[String]) -> TokenStream {
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
    let rate_limit = op.facts.rate_limit.as_ref().map(
        |RateLimit {
             requests,
             per_seconds,
             scope,
         }| {
            let requests = proc_macro2::Literal::u32_unsuffixed(*requests);
            let per = proc_macro2::Literal::u32_unsuffixed(*per_seconds);
            quote!(.rate_limit(crate::request::RateLimit { requests: #requests, per_seconds: #per, scope: #scope }))
        },
    );
    // Built with the runtime's const constructor: `Operation` is `#[non_exhaustive]`.
    let secret_params = (!secrets.is_empty()).then(|| quote!(.secret_params(&[#(#secrets),*])));
    let secret_fields =
        (!secret_fields.is_empty()).then(|| quote!(.secret_fields(&[#(#secret_fields),*])));
    quote! {
        #[doc = #doc]
        pub static #name: crate::request::Operation = crate::request::Operation::new(
            #opid,
            crate::reqwest::Method::#http,
            #server,
            #path,
            #idempotent,
        )
        #secret_params
        #secret_fields
        #rate_limit;
    }
}
