//! One operation into the IR: its names, extensions (`x-idempotent`, `x-rate-limit`), path
//! template, parameters, body and response.

use super::*;

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
    let names = op_names(op, optr)?;
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
    check_builder_names(&sets, optr)?;
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
    let servers = if op.servers.is_empty() {
        &item.servers
    } else {
        &op.servers
    };
    let v3 = servers.iter().any(|s| s.url.contains("/api/v3"));
    Ok(Op {
        id: names.id,
        tag: names.tag,
        method: names.method,
        builder: names.builder,
        http: method.to_ascii_uppercase(),
        path: rel,
        path_params,
        query: sets.query,
        filter,
        page_param: sets.page,
        body,
        response,
        v3,
        page,
        inferred: ext_true(&op.extensions, "x-path-inferred"),
        summary: non_empty(&op.summary),
        description: non_empty(&op.description),
        idempotent: idempotent(op, method, optr)?,
        secret_params,
        rate_limit: rate_limit(op.extensions.get("x-rate-limit"), optr)?,
    })
}

/// `x-idempotent` (when absent: GET/HEAD/PUT/DELETE/OPTIONS; spec-lint requires it).
pub(super) fn idempotent(op: &Operation, method: &str, optr: &str) -> Result<bool> {
    match op.extensions.get("x-idempotent") {
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => err(
            &format!("{optr}/x-idempotent"),
            "x-idempotent must be true or false",
        ),
        None => Ok(matches!(
            method,
            "get" | "head" | "put" | "delete" | "options"
        )),
    }
}

/// `x-rate-limit: {requests, per-seconds, scope}`.
pub(super) fn rate_limit(v: Option<&Value>, optr: &str) -> Result<Option<(u32, u32, String)>> {
    let Some(v) = v else { return Ok(None) };
    let num = |k: &str| {
        v.get(k)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
    };
    match (
        num("requests"),
        num("per-seconds"),
        v.get("scope").and_then(Value::as_str),
    ) {
        (Some(r), Some(p), Some(s)) => Ok(Some((r, p, s.to_string()))),
        _ => err(
            &format!("{optr}/x-rate-limit"),
            "x-rate-limit must be {requests: <integer ≥ 1>, per-seconds: <integer ≥ 1>, scope: <text>}",
        ),
    }
}

/// The names an operation gives the generated code.
pub(super) struct OpNames {
    /// `operationId`.
    pub(super) id: String,
    /// The one tag (product module and Cargo feature).
    pub(super) tag: String,
    /// The method name: the snake-case `operationId` minus `<tag_snake>_`.
    pub(super) method: String,
    /// The request builder's type name.
    pub(super) builder: String,
    /// PascalCase `operationId`, the prefix of inline type names.
    pub(super) op_pascal: String,
}

/// Checks the `operationId` and the single tag and derives the method and builder names.
pub(super) fn op_names(op: &Operation, optr: &str) -> Result<OpNames> {
    let Some(id) = op.operation_id.clone() else {
        return err(optr, "operation has no operationId");
    };
    let [tag] = op.tags.as_slice() else {
        return err(
            &format!("{optr}/tags"),
            "an operation needs exactly one tag (it selects the product module and Cargo feature)",
        );
    };
    if tag.is_empty()
        || !tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return err(
            &format!("{optr}/tags/0"),
            format!("tag `{tag}` is not a valid Cargo feature name"),
        );
    }
    let prefix = format!("{}_", snake(tag));
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
        tag: tag.clone(),
        method,
        id,
    })
}

/// Checks that the path's `{placeholders}` and the path parameters match one to one, sorts the
/// path parameters into path order and returns the path without its leading `/`.
pub(super) fn path_template(path: &str, optr: &str, path_params: &mut [Param]) -> Result<String> {
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
