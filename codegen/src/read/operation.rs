//! One operation into the IR: its names, extensions (`x-idempotent`, `x-rate-limit`), path
//! template, parameters, body and response.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Operation};

use super::body::{page_info, request_body, success_response};
use super::params::{
    ParamSets, is_paginated, merged_params, read_param, register_filter, resolve_builder_names,
};
use super::schema::Reader;
use super::{Result, err, ext_true, non_empty};
use crate::facts::{self, OperationFacts, RateLimit};
use crate::ir::{Filter, Op, Param, Ty};
use crate::names::{pascal, snake};

/// Reads one operation into the IR, step by step: its names, its parameters (sorted into path,
/// query, filter and page parameters), its path template, its request body and its success
/// response.
pub(super) fn read_op<'a>(
    r: &mut Reader<'a>,
    path: &str,
    method: &str,
    item: &'a openapiv3::PathItem,
    op: &'a Operation,
    optr: &str,
    filters: &mut BTreeMap<String, Filter>,
) -> Result<Op> {
    let names = op_names(op, method, path, optr)?;
    let params = merged_params(r, item, op, optr)?;
    let paginated = is_paginated(op, optr)?;
    let mut sets = ParamSets::default();
    for (p, ptr) in &params {
        read_param(r, p, ptr, paginated, &names.op_pascal, &mut sets)?;
    }
    if paginated && sets.page.is_none() {
        sets.page = Some(Param {
            wire: "page".into(),
            rust: "page".into(),
            ty: Ty::I64,
            required: false,
            doc: None,
        });
    }
    resolve_builder_names(&mut sets, optr)?;
    let secret_params = std::mem::take(&mut sets.secret);
    let filter = register_filter(filters, &names.tag, sets.filter, sets.filter_params)?;
    let mut path_params = sets.path;
    let rel = path_template(path, optr, &mut path_params)?;
    let body = request_body(r, op, optr, &names.op_pascal)?;
    let response = success_response(r, op, optr, &names.op_pascal)?;
    let page = if paginated {
        Some(page_info(r, response.as_ref(), optr)?)
    } else {
        None
    };
    if page.is_some() && body.is_some() {
        return err(
            optr,
            "unsupported construct: x-pagination on an operation with a request body",
        );
    }
    let facts = operation_facts(r.spec, path, method, item, op, optr, &names)?;
    Ok(Op {
        method: names.method,
        builder: names.builder,
        path: rel,
        path_params,
        query: sets.query,
        headers: sets.headers,
        filter,
        page_param: sets.page,
        body,
        response,
        page,
        summary: non_empty(&op.summary),
        description: non_empty(&op.description),
        secret_params,
        facts,
    })
}

/// What the spec decides about the operation: its identity, server, `x-idempotent`,
/// `x-rate-limit` and `x-path-inferred`.
fn operation_facts(
    spec: &OpenAPI,
    path: &str,
    method: &str,
    item: &openapiv3::PathItem,
    op: &Operation,
    optr: &str,
    names: &OpNames,
) -> Result<OperationFacts> {
    let servers = [&op.servers, &item.servers, &spec.servers]
        .into_iter()
        .find(|s| !s.is_empty());
    let base_path = servers
        .and_then(|s| s.first())
        .map(|s| facts::base_path(&s.url))
        .unwrap_or_default();
    let idempotent = facts::idempotent_from_extension(op.extensions.get("x-idempotent"), method)
        .or_else(|m| err(&format!("{optr}/x-idempotent"), m))?;
    let rate_limit = match op.extensions.get("x-rate-limit") {
        None => None,
        Some(v) => Some(
            RateLimit::from_extension(v).or_else(|m| err(&format!("{optr}/x-rate-limit"), m))?,
        ),
    };
    Ok(OperationFacts {
        id: names.id.clone(),
        tag: names.tag.clone(),
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        pointer: format!("#{optr}"),
        base_path,
        idempotent,
        rate_limit,
        path_inferred: ext_true(&op.extensions, "x-path-inferred"),
    })
}

/// The names an operation gives the generated code.
struct OpNames {
    /// `operationId`.
    id: String,
    /// The one tag (product module and Cargo feature).
    tag: String,
    /// The method name: the snake-case `operationId` minus `<tag_snake>_`.
    method: String,
    /// The request builder's type name.
    builder: String,
    /// PascalCase `operationId`, the prefix of inline type names.
    op_pascal: String,
}

/// Cargo features the generated manifests define besides the tags': a tag of that name gets the
/// suffix `_api` (`default` → `default_api`).
const RESERVED_FEATURES: &[&str] = &[
    "default",
    "all",
    "rest",
    "client",
    "tracing",
    "deserialize-requests",
    "metrics",
    "smpp",
    "webhook-events",
    "webhook-receiver",
    "dedupe-redis",
    "dedupe-postgres",
    "ratelimit-redis",
];

/// The module (and Cargo feature) of operations without a tag.
pub(crate) const DEFAULT_TAG: &str = "operations";

/// Derives the method and builder names from the `operationId` and the tag.
///
/// Defaults for specs written without this generator's conventions: without `operationId`,
/// the name comes from the HTTP method and path (`get /v2/Forms/{FormType}` →
/// `get_v2_forms_form_type`); without a tag, the operation goes to the module `operations`;
/// with several, to the first one's. A tag that is not a valid Cargo feature name (spaces,
/// punctuation) becomes its snake_case form (`Pet Store` → `pet_store`), and one named like a
/// feature of the generated manifest (`default`, `client`, …) gets the suffix `_api`.
fn op_names(op: &Operation, method_name: &str, path: &str, optr: &str) -> Result<OpNames> {
    let id = match &op.operation_id {
        Some(id) => id.clone(),
        None => snake(&format!("{method_name} {path}")),
    };
    let mut tag = match op.tags.first() {
        None => DEFAULT_TAG.to_string(),
        Some(t) if is_feature_name(t) => t.clone(),
        Some(t) => snake(t),
    };
    if RESERVED_FEATURES.contains(&tag.as_str()) {
        tag = format!("{tag}_api");
    }
    if !is_feature_name(&tag) {
        return err(
            &format!("{optr}/tags/0"),
            format!("tag `{tag}` cannot be made a Cargo feature name"),
        );
    }
    let prefix = format!("{}_", snake(&tag));
    let id_snake = snake(&id);
    let method = id_snake
        .strip_prefix(&prefix)
        .unwrap_or(&id_snake)
        .to_string();
    if method.is_empty() {
        return err(
            &format!("{optr}/operationId"),
            format!("operationId `{id}` leaves no method name after removing `{prefix}`"),
        );
    }
    Ok(OpNames {
        builder: pascal(&method),
        op_pascal: pascal(&id),
        tag,
        method,
        id,
    })
}

/// Whether `tag` can be a Cargo feature name as it is.
fn is_feature_name(tag: &str) -> bool {
    !tag.is_empty()
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Checks that the path's `{placeholders}` and the path parameters match one to one, sorts the
/// path parameters into path order and returns the path without its leading `/`.
fn path_template(path: &str, optr: &str, path_params: &mut [Param]) -> Result<String> {
    let rel = path.trim_start_matches('/').to_string();
    let mut rest = rel.as_str();
    let mut used = Vec::new();
    while let Some(start) = rest.find('{') {
        let after = rest.get(start + 1..).unwrap_or("");
        let Some(end) = after.find('}') else {
            return err(optr, format!("unbalanced `{{` in path `{path}`"));
        };
        let name = after.get(..end).unwrap_or("");
        if !path_params.iter().any(|p| p.wire == name) {
            return err(optr, format!("path parameter `{{{name}}}` is not declared"));
        }
        used.push(name.to_string());
        rest = after.get(end + 1..).unwrap_or("");
    }
    for p in path_params.iter() {
        if !used.contains(&p.wire) {
            return err(
                optr,
                format!("path parameter `{}` does not appear in the path", p.wire),
            );
        }
    }
    path_params.sort_by_key(|p| used.iter().position(|u| *u == p.wire));
    Ok(rel)
}
