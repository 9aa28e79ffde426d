//! An operation's parameters: merged from path and operation level, sorted into path, query,
//! filter-group and page parameters, and checked for name collisions.

use std::collections::BTreeMap;

use openapiv3::{Operation, Parameter, ParameterSchemaOrContent, ReferenceOr};
use serde_json::Value;

use super::schema::Reader;
use super::view::SRef;
use super::{Result, err, ext_true, non_empty};
use crate::ir::{Filter, Param, Ty, TypeKind};
use crate::names::{dedupe, pascal, snake};

/// The operation's parameters with their pointers: path-level first, operation-level ones
/// overriding by (name, in); `$ref`s to `#/components/parameters` resolved.
pub(super) fn merged_params<'a>(
    r: &Reader<'a>,
    item: &'a openapiv3::PathItem,
    op: &'a Operation,
    optr: &str,
) -> Result<Vec<(&'a Parameter, String)>> {
    let mut params: Vec<(&'a Parameter, String)> = Vec::new();
    let pptr = optr
        .rsplit_once('/')
        .map(|(p, _)| p.to_string())
        .unwrap_or_default();
    for (list, base) in [(&item.parameters, pptr.as_str()), (&op.parameters, optr)] {
        for (i, p) in list.iter().enumerate() {
            let ptr = format!("{base}/parameters/{i}");
            let p = resolve_param(r, p, &ptr)?;
            let key = |q: &Parameter| {
                (
                    q.parameter_data_ref().name.clone(),
                    std::mem::discriminant(q),
                )
            };
            params.retain(|(q, _)| key(q) != key(p));
            params.push((p, ptr));
        }
    }
    Ok(params)
}

/// A parameter, following one `$ref` into `#/components/parameters`.
fn resolve_param<'a>(
    r: &Reader<'a>,
    p: &'a ReferenceOr<Parameter>,
    ptr: &str,
) -> Result<&'a Parameter> {
    let reference = match p {
        ReferenceOr::Item(p) => return Ok(p),
        ReferenceOr::Reference { reference } => reference,
    };
    let name = reference.strip_prefix("#/components/parameters/");
    let found = name.and_then(|n| r.spec.components.as_ref().and_then(|c| c.parameters.get(n)));
    match found {
        Some(ReferenceOr::Item(p)) => Ok(p),
        Some(ReferenceOr::Reference { .. }) => {
            err(ptr, "unsupported construct: $ref to a $ref parameter")
        }
        None => err(
            ptr,
            format!("dangling $ref `{reference}`: no such parameter"),
        ),
    }
}

/// Whether the operation is marked `x-pagination: page`.
pub(super) fn is_paginated(op: &Operation, optr: &str) -> Result<bool> {
    match op.extensions.get("x-pagination") {
        None => Ok(false),
        Some(Value::String(s)) if s == "page" => Ok(true),
        Some(other) => err(
            &format!("{optr}/x-pagination"),
            format!("unsupported x-pagination `{other}` (only `page`)"),
        ),
    }
}

/// An operation's parameters sorted by the role they play in the request builder.
#[derive(Default)]
pub(super) struct ParamSets {
    pub(super) path: Vec<Param>,
    /// Query parameters outside any filter group (required ones become arguments).
    pub(super) query: Vec<Param>,
    /// Optional query parameters of the `x-filter-group`.
    pub(super) filter_params: Vec<Param>,
    /// The filter group's name and the pointer of its first parameter.
    pub(super) filter: Option<(String, String)>,
    /// The page-number parameter of a paginated operation.
    pub(super) page: Option<Param>,
    /// Header parameters.
    pub(super) headers: Vec<Param>,
    /// Wire names of the parameters marked `x-secret`.
    pub(super) secret: Vec<String>,
}

/// Reads one parameter into the set it belongs to.
pub(super) fn read_param<'a>(
    r: &mut Reader<'a>,
    p: &'a Parameter,
    ptr: &String,
    paginated: bool,
    op_pascal: &str,
    sets: &mut ParamSets,
) -> Result<()> {
    let data = p.parameter_data_ref();
    let sref: SRef<'a> = match &data.format {
        ParameterSchemaOrContent::Schema(s) => s.into(),
        ParameterSchemaOrContent::Content(_) => {
            return err(ptr, "unsupported construct: parameter with `content`");
        }
    };
    let group = filter_group(data, ptr)?;
    let wire = data.name.clone();
    let doc = non_empty(&data.description);
    if ext_true(&data.extensions, "x-secret") {
        sets.secret.push(wire.clone());
    }
    let sptr = format!("{ptr}/schema");
    match p {
        Parameter::Path { .. } => {
            let ty = r.sref(sref, &sptr, &format!("{op_pascal}{}", pascal(&wire)))?;
            if !is_scalar_param(r, &ty) {
                return err(
                    ptr,
                    "unsupported construct: path parameter that is not a string, number, boolean \
                     or enum",
                );
            }
            sets.path.push(Param {
                rust: snake(&wire),
                wire,
                ty,
                required: true,
                doc,
            });
        }
        Parameter::Query { .. } => {
            let is_page =
                paginated && (wire == "page" || data.extensions.get("x-pagination").is_some());
            match group {
                Some(g) if !data.required && !is_page => {
                    let rust = filter_setter(&wire);
                    let ty = r.sref(sref, &sptr, &format!("{g}{}", pascal(&rust)))?;
                    if let Some((other, _)) = &sets.filter
                        && *other != g
                    {
                        return err(
                            ptr,
                            format!("one operation uses two filter groups, `{other}` and `{g}`"),
                        );
                    }
                    sets.filter = Some((g, ptr.clone()));
                    sets.filter_params.push(Param {
                        wire,
                        rust,
                        ty,
                        required: false,
                        doc,
                    });
                }
                _ => {
                    let ty = r.sref(sref, &sptr, &format!("{op_pascal}{}", pascal(&wire)))?;
                    if matches!(ty, Ty::Map | Ty::Dict(_) | Ty::Value) {
                        return err(ptr, "unsupported construct: object-valued query parameter");
                    }
                    let param = Param {
                        rust: snake(&wire),
                        wire,
                        ty,
                        required: data.required,
                        doc,
                    };
                    if is_page {
                        if param.ty != Ty::I64 {
                            return err(ptr, "the page parameter must be an integer");
                        }
                        sets.page = Some(param);
                    } else {
                        sets.query.push(param);
                    }
                }
            }
        }
        Parameter::Header { .. } => {
            let ty = r.sref(sref, &sptr, &format!("{op_pascal}{}", pascal(&wire)))?;
            if !is_scalar_param(r, &ty) {
                return err(
                    ptr,
                    "unsupported construct: header parameter that is not a string, number, \
                     boolean or enum",
                );
            }
            sets.headers.push(Param {
                rust: snake(&wire),
                wire,
                ty,
                required: data.required,
                doc,
            });
        }
        Parameter::Cookie { .. } => {
            return err(
                ptr,
                format!(
                    "unsupported construct: cookie parameter `{wire}` (the generated client \
                     sends no cookies; drop it from the spec and add the `Cookie` header in a \
                     layer or a custom `http_client`)"
                ),
            );
        }
    }
    Ok(())
}

/// The parameter's `x-filter-group`, as a PascalCase type name.
fn filter_group(data: &openapiv3::ParameterData, ptr: &str) -> Result<Option<String>> {
    match data.extensions.get("x-filter-group") {
        None => Ok(None),
        Some(Value::String(g)) if !pascal(g).is_empty() => Ok(Some(pascal(g))),
        Some(_) => err(
            &format!("{ptr}/x-filter-group"),
            "x-filter-group must be a PascalCase name",
        ),
    }
}

/// The request builder's own names (its fields and methods), which no parameter may take.
const BUILDER_NAMES: &[&str] = &[
    "client", "filter", "body", "send", "items", "pages", "request",
];

/// Makes the parameters' Rust names unique among the request builder's fields and methods,
/// deterministically: a parameter named like one of the builder's own names gets the suffix
/// `_param` (`body` → `body_param`), and parameters whose names coincide (`in-progress` in the
/// query, `in_progress` in a header) are told apart as in `names::dedupe` (`in_progress`,
/// `in_progress_2`, by wire name).
pub(super) fn resolve_builder_names(sets: &mut ParamSets, optr: &str) -> Result<()> {
    let params = sets
        .path
        .iter_mut()
        .chain(&mut sets.query)
        .chain(&mut sets.page)
        .chain(&mut sets.headers);
    let mut all: Vec<&mut Param> = params.collect();
    for p in all.iter_mut() {
        if p.rust.is_empty() {
            return err(
                optr,
                format!("cannot derive a Rust name from parameter `{}`", p.wire),
            );
        }
        if BUILDER_NAMES.contains(&p.rust.as_str()) {
            p.rust = format!("{}_param", p.rust);
        }
    }
    // Same wire name in two places (`id` in the path and in a header) must still differ.
    let mut names: Vec<(String, String)> = all
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rust.clone(), format!("{}\u{0}{i}", p.wire)))
        .collect();
    dedupe(&mut names, "_");
    for (p, (rust, _)) in all.iter_mut().zip(names) {
        p.rust = rust;
    }
    Ok(())
}

/// Whether a parameter of type `ty` has one text form (a scalar or an enum).
fn is_scalar_param(r: &Reader<'_>, ty: &Ty) -> bool {
    match ty {
        Ty::String | Ty::I64 | Ty::F64 | Ty::Bool => true,
        Ty::Named(n) => matches!(
            r.types.get(n).map(|t| &t.kind),
            Some(TypeKind::Enum(_) | TypeKind::IntEnum(_))
        ),
        _ => false,
    }
}

/// Records the operation's filter group (one type per group, shared by the operations that use
/// the same parameters) and returns its name.
pub(super) fn register_filter(
    filters: &mut BTreeMap<String, Filter>,
    tag: &str,
    group: Option<(String, String)>,
    params: Vec<Param>,
) -> Result<Option<String>> {
    let Some((g, fptr)) = group else {
        return Ok(None);
    };
    let mut params = params;
    for p in params.iter_mut() {
        if p.rust.is_empty() {
            return err(
                &fptr,
                format!(
                    "cannot derive a setter name from filter parameter `{}`",
                    p.wire
                ),
            );
        }
        // The filter's constructor keeps its name.
        if p.rust == "new" {
            p.rust = "new_param".to_string();
        }
    }
    let mut names: Vec<(String, String)> = params
        .iter()
        .map(|p| (p.rust.clone(), p.wire.clone()))
        .collect();
    dedupe(&mut names, "_");
    for (p, (rust, _)) in params.iter_mut().zip(names) {
        p.rust = rust;
    }
    let f = Filter {
        name: g.clone(),
        tag: tag.to_string(),
        params,
        pointer: fptr.clone(),
    };
    match filters.get(&g) {
        Some(existing) if existing.params != f.params || existing.tag != f.tag => {
            return err(
                &fptr,
                format!(
                    "filter group `{g}` is used with different parameters at `{}`",
                    existing.pointer
                ),
            );
        }
        Some(_) => {}
        None => {
            filters.insert(g.clone(), f);
        }
    }
    Ok(Some(g))
}

/// `filter[name]` → `name`; `filter[created_at][from]` → `created_at_from`; `datetime[end_at]` →
/// `datetime_end_at`.
fn filter_setter(wire: &str) -> String {
    let inner = wire
        .strip_prefix("filter[")
        .map(|s| s.replacen(']', "", 1))
        .unwrap_or_else(|| wire.to_string());
    snake(&inner)
}
