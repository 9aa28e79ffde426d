//! Placing types in modules: the only tag that reaches a type, else `common`; which types only
//! requests reach; and name collisions between types, builders, filters and handles.

use std::collections::{BTreeMap, BTreeSet};

use super::{Result, err};
use crate::ir::{Api, Filter, Module, Op, OpBody, TagInfo, TypeDef, TypeKind};

/// Decides the module of every type: the only tag that reaches it, else `common`; a type used by
/// a `common` type is `common` too. Also records which types responses reach and which only
/// requests reach, and rejects names that collide.
pub(super) fn place(
    types: BTreeMap<String, TypeDef>,
    mut ops: Vec<Op>,
    mut tags: BTreeMap<String, TagInfo>,
    filters: BTreeMap<String, Filter>,
    title: String,
) -> Result<Api> {
    let graph = TypeGraph(&types);
    let reach = Reach::of(&graph, &ops, &filters);
    let modules = graph.modules(&reach.tags);
    rename_colliding(&types, &mut ops, &mut tags, &filters);
    check_collisions(&types, &modules, &ops, &tags, &filters)?;
    let Reach {
        response_side,
        request_only,
        ..
    } = reach;
    Ok(Api {
        types,
        modules,
        response_side,
        request_only,
        ops,
        tags,
        filters,
        title,
        conveniences: BTreeMap::new(),
        examples: Vec::new(),
    })
}

/// The "uses" edges between named types.
struct TypeGraph<'t>(&'t BTreeMap<String, TypeDef>);

impl TypeGraph<'_> {
    /// The named types `name` uses directly.
    fn edges(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        match self.0.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(fields)) => fields.iter().for_each(|f| f.ty.named(&mut out)),
            Some(TypeKind::OneOf(o)) => o.variants.iter().for_each(|v| v.ty.named(&mut out)),
            Some(TypeKind::Choice(v) | TypeKind::AtLeastOne(v)) => {
                v.iter().for_each(|(_, _, ty)| ty.named(&mut out))
            }
            _ => {}
        }
        out
    }

    /// Every type reachable from `roots` (the roots included).
    fn closure(&self, roots: Vec<String>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = roots;
        while let Some(n) = stack.pop() {
            if seen.insert(n.clone()) {
                stack.extend(self.edges(&n));
            }
        }
        seen
    }

    /// The module of each type: its only tag, else `common`, then `common` spread to everything
    /// a `common` type uses (a product module must not be needed by another one).
    pub(super) fn modules(
        &self,
        tags: &BTreeMap<String, BTreeSet<String>>,
    ) -> BTreeMap<String, Module> {
        let mut modules: BTreeMap<String, Module> = self
            .0
            .keys()
            .map(|n| {
                let m = match tags.get(n) {
                    Some(t) if t.len() == 1 => t
                        .iter()
                        .next()
                        .map(|t| Module::Tag(t.clone()))
                        .unwrap_or(Module::Common),
                    _ => Module::Common,
                };
                (n.clone(), m)
            })
            .collect();
        loop {
            let common: Vec<String> = modules
                .iter()
                .filter(|(_, m)| **m == Module::Common)
                .map(|(n, _)| n.clone())
                .collect();
            let mut changed = false;
            for n in common {
                for e in self.edges(&n) {
                    if let Some(m) = modules.get_mut(&e)
                        && *m != Module::Common
                    {
                        *m = Module::Common;
                        changed = true;
                    }
                }
            }
            if !changed {
                return modules;
            }
        }
    }
}

/// What the operations reach.
struct Reach {
    /// Type → the tags of the operations that use it (parameters, bodies, responses).
    tags: BTreeMap<String, BTreeSet<String>>,
    /// Types reachable from a response.
    response_side: BTreeSet<String>,
    /// Types reachable from parameters or bodies and from no response.
    request_only: BTreeSet<String>,
}

impl Reach {
    pub(super) fn of(
        graph: &TypeGraph<'_>,
        ops: &[Op],
        filters: &BTreeMap<String, Filter>,
    ) -> Reach {
        let mut tags: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut resp_roots = Vec::new();
        let mut req_roots = Vec::new();
        for op in ops {
            let mut roots = request_roots(op, filters);
            req_roots.extend(roots.iter().cloned());
            if let Some(t) = &op.response {
                t.named(&mut roots);
                t.named(&mut resp_roots);
            }
            for n in graph.closure(roots) {
                tags.entry(n).or_default().insert(op.facts.tag.clone());
            }
        }
        let response_side = graph.closure(resp_roots);
        let request_only = graph
            .closure(req_roots)
            .into_iter()
            .filter(|n| !response_side.contains(n))
            .collect();
        Reach {
            tags,
            response_side,
            request_only,
        }
    }
}

/// The named types an operation's parameters, filter and body use.
fn request_roots(op: &Op, filters: &BTreeMap<String, Filter>) -> Vec<String> {
    let mut roots = Vec::new();
    for p in op
        .path_params
        .iter()
        .chain(&op.query)
        .chain(&op.page_param)
        .chain(&op.headers)
    {
        p.ty.named(&mut roots);
    }
    if let Some(f) = op.filter.as_ref().and_then(|f| filters.get(f)) {
        f.params.iter().for_each(|p| p.ty.named(&mut roots));
    }
    match &op.body {
        Some(OpBody::Json { ty, .. } | OpBody::Form { ty, .. }) => {
            ty.named(&mut roots);
        }
        Some(OpBody::Multipart(fields)) => fields.iter().for_each(|f| f.param.ty.named(&mut roots)),
        None => {}
    }
    roots
}

/// Gives way to the schema types, deterministically: a request builder named like a schema
/// type or filter group gets the suffix `Builder` (`FetchForm` → `FetchFormBuilder`), and a
/// product handle named like a type, filter group or builder the suffix `Api`
/// (`VerifyV2Form` → `VerifyV2FormApi`). What still collides is reported by
/// [`check_collisions`].
fn rename_colliding(
    types: &BTreeMap<String, TypeDef>,
    ops: &mut [Op],
    tags: &mut BTreeMap<String, TagInfo>,
    filters: &BTreeMap<String, Filter>,
) {
    for op in ops.iter_mut() {
        if types.contains_key(&op.builder) || filters.contains_key(&op.builder) {
            op.builder = format!("{}Builder", op.builder);
        }
    }
    for t in tags.values_mut() {
        if types.contains_key(&t.handle)
            || filters.contains_key(&t.handle)
            || ops.iter().any(|o| o.builder == t.handle)
        {
            t.handle = format!("{}Api", t.handle);
        }
    }
}

/// Rejects a schema type named like a request builder or filter group of its module, a filter
/// group named like a schema type, and a product handle named like any of them.
fn check_collisions(
    types: &BTreeMap<String, TypeDef>,
    modules: &BTreeMap<String, Module>,
    ops: &[Op],
    tags: &BTreeMap<String, TagInfo>,
    filters: &BTreeMap<String, Filter>,
) -> Result<()> {
    for op in ops {
        if let Some(Module::Tag(t)) = modules.get(&op.builder)
            && *t == op.facts.tag
        {
            return err(
                types
                    .get(&op.builder)
                    .map(|t| t.pointer.as_str())
                    .unwrap_or(""),
                format!(
                    "name collision: schema type `{}` and the request builder of `{}`",
                    op.builder, op.facts.id
                ),
            );
        }
        if filters.contains_key(&op.builder) {
            return err(
                "/paths",
                format!(
                    "name collision: filter group `{}` and the request builder of `{}`",
                    op.builder, op.facts.id
                ),
            );
        }
    }
    for f in filters.values() {
        if types.contains_key(&f.name) {
            return err(
                &f.pointer,
                format!(
                    "name collision: filter group `{}` and a schema type",
                    f.name
                ),
            );
        }
    }
    for t in tags.values() {
        if types.contains_key(&t.handle)
            || filters.contains_key(&t.handle)
            || ops.iter().any(|o| o.builder == t.handle)
        {
            return err(
                "/tags",
                format!(
                    "name collision: handle `{}` and a type of the same name",
                    t.handle
                ),
            );
        }
    }
    Ok(())
}
