//! Request bodies (JSON, form, multipart), the success response and its pagination envelope.

use openapiv3::{Operation, ReferenceOr, RequestBody, Response, StatusCode};

use super::schema::Reader;
use super::view::{SRef, View, view};
use super::{Result, err, non_empty};
use crate::ir::{Field, MultipartField, NestedPage, OpBody, PageInfo, Param, Ty, TypeKind};
use crate::names::{pascal, snake};
use crate::pointer::escape;

/// The operation's request body, following one `$ref` into `#/components/requestBodies`.
pub(super) fn request_body<'a>(
    r: &mut Reader<'a>,
    op: &'a Operation,
    optr: &str,
    op_pascal: &str,
) -> Result<Option<OpBody>> {
    let Some(b) = &op.request_body else {
        return Ok(None);
    };
    let bptr = format!("{optr}/requestBody");
    let rb: &'a RequestBody = match b {
        ReferenceOr::Item(b) => b,
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/requestBodies/");
            match name.and_then(|n| {
                r.spec
                    .components
                    .as_ref()
                    .and_then(|c| c.request_bodies.get(n))
            }) {
                Some(ReferenceOr::Item(b)) => b,
                Some(_) => {
                    return err(&bptr, "unsupported construct: $ref to a $ref request body");
                }
                None => {
                    return err(
                        &bptr,
                        format!("dangling $ref `{reference}`: no such request body"),
                    );
                }
            }
        }
    };
    Ok(Some(read_body(r, rb, &bptr, op_pascal)?))
}

/// The type of the lowest 2xx response's JSON body (`None` for a response without content).
pub(super) fn success_response<'a>(
    r: &mut Reader<'a>,
    op: &'a Operation,
    optr: &str,
    op_pascal: &str,
) -> Result<Option<Ty>> {
    let mut best: Option<(u16, &'a ReferenceOr<Response>, String)> = None;
    for (code, resp) in &op.responses.responses {
        let n = match code {
            StatusCode::Code(n) => *n,
            StatusCode::Range(n) => n.saturating_mul(100),
        };
        if (200..300).contains(&n) && best.as_ref().is_none_or(|(b, _, _)| n < *b) {
            best = Some((n, resp, format!("{optr}/responses/{code}")));
        }
    }
    let Some((_, resp, rptr)) = best else {
        return Ok(None);
    };
    let resp = resolve_response(r, resp, &rptr)?;
    match resp.content.iter().find(|(k, _)| is_json(k)) {
        Some((k, mt)) => {
            let sptr = format!("{rptr}/content/{}/schema", escape(k));
            Ok(Some(match &mt.schema {
                Some(s) => r.sref(s.into(), &sptr, &format!("{op_pascal}Response"))?,
                None => Ty::Value,
            }))
        }
        None if resp.content.is_empty() => Ok(None),
        None => err(
            &rptr,
            "unsupported construct: success response without a JSON content type",
        ),
    }
}

/// A response, following one `$ref` into `#/components/responses`.
fn resolve_response<'a>(
    r: &Reader<'a>,
    resp: &'a ReferenceOr<Response>,
    rptr: &str,
) -> Result<&'a Response> {
    let reference = match resp {
        ReferenceOr::Item(x) => return Ok(x),
        ReferenceOr::Reference { reference } => reference,
    };
    let name = reference.strip_prefix("#/components/responses/");
    match name.and_then(|n| r.spec.components.as_ref().and_then(|c| c.responses.get(n))) {
        Some(ReferenceOr::Item(x)) => Ok(x),
        Some(_) => err(rptr, "unsupported construct: $ref to a $ref response"),
        None => err(
            rptr,
            format!("dangling $ref `{reference}`: no such response"),
        ),
    }
}

fn is_json(content_type: &str) -> bool {
    let ct = content_type.split(';').next().unwrap_or("").trim();
    ct == "application/json" || ct.ends_with("+json")
}

/// A request body: JSON (any schema), a form (an object's fields) or multipart.
fn read_body<'a>(
    r: &mut Reader<'a>,
    rb: &'a RequestBody,
    bptr: &str,
    op_pascal: &str,
) -> Result<OpBody> {
    let required = rb.required;
    if let Some((k, mt)) = rb.content.iter().find(|(k, _)| is_json(k)) {
        let sptr = format!("{bptr}/content/{}/schema", escape(k));
        let ty = match &mt.schema {
            Some(s) => r.sref(s.into(), &sptr, &format!("{op_pascal}Request"))?,
            None => Ty::Value,
        };
        return Ok(OpBody::Json { ty, required });
    }
    if let Some(mt) = rb.content.get("application/x-www-form-urlencoded") {
        let sptr = format!("{bptr}/content/application~1x-www-form-urlencoded/schema");
        let Some(s) = &mt.schema else {
            return err(&sptr, "form body without a schema");
        };
        let ty = r.sref(s.into(), &sptr, &format!("{op_pascal}Request"))?;
        let is_struct = matches!(&ty, Ty::Named(n) if matches!(r.types.get(n).map(|t| &t.kind), Some(TypeKind::Struct(_))));
        if !is_struct {
            return err(
                &sptr,
                "unsupported construct: a form body must be an object with properties",
            );
        }
        return Ok(OpBody::Form { ty, required });
    }
    if let Some(mt) = rb.content.get("multipart/form-data") {
        let sptr = format!("{bptr}/content/multipart~1form-data/schema");
        let Some(s) = &mt.schema else {
            return err(&sptr, "multipart body without a schema");
        };
        return multipart_body(r, s.into(), &sptr, op_pascal);
    }
    let kinds: Vec<&str> = rb.content.keys().map(String::as_str).collect();
    err(
        bptr,
        format!("unsupported construct: request body content type(s) {kinds:?}"),
    )
}

/// A multipart body: one field per property of its object schema (binary strings are files).
fn multipart_body<'a>(
    r: &mut Reader<'a>,
    schema: SRef<'a>,
    sptr: &str,
    op_pascal: &str,
) -> Result<OpBody> {
    let s = r.resolve(schema, sptr)?;
    let View::Object {
        props,
        required: req,
        ..
    } = view(s)
    else {
        return err(
            sptr,
            "unsupported construct: a multipart body must be an object",
        );
    };
    let mut fields: Vec<MultipartField> = Vec::new();
    for (wire, p) in props {
        let fptr = format!("{sptr}/properties/{}", escape(wire));
        let ps = r.resolve(p, &fptr)?;
        let file = matches!(view(ps), View::Str { binary: true, .. });
        let ty = if file {
            Ty::String
        } else {
            r.sref(p, &fptr, &format!("{op_pascal}{}", pascal(wire)))?
        };
        if matches!(ty, Ty::Map | Ty::Dict(_)) {
            return err(
                &fptr,
                "unsupported construct: object-valued multipart field",
            );
        }
        if let Ty::Vec(inner) = &ty
            && matches!(**inner, Ty::Vec(_) | Ty::Map | Ty::Dict(_) | Ty::Value)
        {
            return err(&fptr, "unsupported construct: nested array multipart field");
        }
        let rust = snake(wire);
        if rust.is_empty()
            || matches!(rust.as_str(), "client" | "send" | "request")
            || fields.iter().any(|f| f.param.rust == rust)
        {
            return err(
                &fptr,
                format!("name collision: multipart field `{wire}` becomes `{rust}`"),
            );
        }
        let doc = non_empty(&ps.schema_data.description);
        fields.push(MultipartField {
            param: Param {
                wire: wire.to_string(),
                rust,
                ty,
                required: req.iter().any(|x| x == wire),
                doc,
            },
            file,
        });
    }
    Ok(OpBody::Multipart(fields))
}

/// `data` as a oneOf of exactly two variants: the item list, and an object whose `data` is the
/// same list (a paginator object). Returns the item type and how to read the paginator.
fn list_or_paginator(r: &Reader<'_>, ty: &Ty) -> Option<(Ty, NestedPage)> {
    let Ty::Named(name) = ty else { return None };
    let Some(TypeKind::OneOf(o)) = r.types.get(name).map(|t| &t.kind) else {
        return None;
    };
    let [list, page] = o.variants.as_slice() else {
        return None;
    };
    let Ty::Vec(item) = &list.ty else { return None };
    let Ty::Named(page_ty) = &page.ty else {
        return None;
    };
    let Some(TypeKind::Struct(fields)) = r.types.get(page_ty).map(|t| &t.kind) else {
        return None;
    };
    let opt = |f: &Field| !f.required || f.nullable;
    let inner = fields
        .iter()
        .find(|f| f.wire == "data" && f.ty == list.ty)?;
    let field = |wire: &str, ty: Ty| {
        fields
            .iter()
            .find(|f| f.wire == wire && f.ty == ty)
            .map(opt)
    };
    let nested = NestedPage {
        one_of: name.clone(),
        list: list.name.clone(),
        page: page.name.clone(),
        inner_optional: opt(inner),
        current_page: field("current_page", Ty::I64),
        last_page: field("last_page", Ty::I64),
        next_page_url: field("next_page_url", Ty::String),
    };
    Some(((**item).clone(), nested))
}

/// How to read the page envelope (`data`, `meta`, `links.next`) of a paginated response.
pub(super) fn page_info(r: &Reader<'_>, response: Option<&Ty>, optr: &str) -> Result<PageInfo> {
    let bad = |m: &str| {
        err(
            optr,
            format!("x-pagination: page needs a response object with a `data` array ({m})"),
        )
    };
    let fields = |ty: &Ty| -> Option<&Vec<Field>> {
        match ty {
            Ty::Named(n) => match r.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Struct(f)) => Some(f),
                _ => None,
            },
            _ => None,
        }
    };
    let Some(top) = response.and_then(fields) else {
        return bad("the response is not an object");
    };
    let Some(data) = top.iter().find(|f| f.wire == "data") else {
        return bad("no `data` field");
    };
    let (item, nested) = match &data.ty {
        Ty::Vec(item) => ((**item).clone(), None),
        ty => match list_or_paginator(r, ty) {
            Some((item, nested)) => (item, Some(nested)),
            None => return bad("`data` is not an array"),
        },
    };
    let opt = |f: &Field| !f.required || f.nullable;
    let meta = top.iter().find(|f| f.wire == "meta").and_then(|m| {
        let mf = fields(&m.ty)?;
        let get = |name: &str| {
            mf.iter()
                .find(|f| f.wire == name && f.ty == Ty::I64)
                .map(opt)
        };
        Some((opt(m), get("current_page"), get("last_page")))
    });
    let next = top.iter().find(|f| f.wire == "links").and_then(|l| {
        let lf = fields(&l.ty)?;
        let n = lf.iter().find(|f| f.wire == "next")?;
        Some((opt(l), opt(n)))
    });
    Ok(PageInfo {
        item,
        data_optional: opt(data),
        nested,
        meta,
        next,
    })
}
