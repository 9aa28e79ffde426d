//! Recursive schemas: where a type contains itself, `Box` breaks the cycle.
//!
//! A struct field or oneOf variant holds its type inline unless the type sits in a `Vec` or a
//! map (both already on the heap). An inline reference from `A` to `B` is boxed when `B` reaches
//! `A` again through inline references only: that is exactly when the type would have infinite
//! size. `Option` does not help (an `Option<A>` inside `A` is still infinite), and a cycle
//! through a `Vec` or map needs no `Box`.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Ty, TypeDef, TypeKind};

/// The named types `def` holds inline (not inside a `Vec`, a map or a `Box`).
fn inline_edges(def: &TypeDef) -> Vec<&str> {
    fn inline(ty: &Ty) -> Option<&str> {
        match ty {
            Ty::Named(n) => Some(n.as_str()),
            _ => None,
        }
    }
    match &def.kind {
        TypeKind::Struct(fields) => fields
            .iter()
            .filter(|f| !f.boxed)
            .filter_map(|f| inline(&f.ty))
            .collect(),
        TypeKind::OneOf(o) => o.variants.iter().filter_map(|v| inline(&v.ty)).collect(),
        TypeKind::Choice(v) => v.iter().filter_map(|(_, _, ty)| inline(ty)).collect(),
        _ => Vec::new(),
    }
}

/// Every type reachable from `start` through inline references (`start` itself only if a
/// cycle leads back to it).
fn reachable<'t>(types: &'t BTreeMap<String, TypeDef>, start: &'t str) -> BTreeSet<&'t str> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = types.get(start).map(inline_edges).unwrap_or_default();
    while let Some(n) = stack.pop() {
        if seen.insert(n) {
            stack.extend(types.get(n).map(inline_edges).unwrap_or_default());
        }
    }
    seen
}

/// Marks `boxed` every struct field whose inline type leads back to the struct that holds it,
/// then every oneOf variant that still does (a cycle made of oneOfs alone): `Expr::Negation`
/// stays inline when `Negation.not` is boxed.
pub(super) fn box_cycles(types: &mut BTreeMap<String, TypeDef>) {
    box_where(types, true);
    box_where(types, false);
}

/// One pass of [`box_cycles`]: struct fields (`structs`) or oneOf variants.
fn box_where(types: &mut BTreeMap<String, TypeDef>, structs: bool) {
    let cyclic: BTreeSet<String> = types
        .keys()
        .filter(|n| reachable(types, n).contains(n.as_str()))
        .cloned()
        .collect();
    if cyclic.is_empty() {
        return;
    }
    let reach: BTreeMap<String, BTreeSet<String>> = cyclic
        .iter()
        .map(|n| {
            let r = reachable(types, n)
                .into_iter()
                .map(str::to_string)
                .collect();
            (n.clone(), r)
        })
        .collect();
    let leads_back = |holder: &str, ty: &Ty| match ty {
        Ty::Named(n) => n == holder || reach.get(n).is_some_and(|r| r.contains(holder)),
        _ => false,
    };
    for (name, def) in types.iter_mut() {
        if !cyclic.contains(name) {
            continue;
        }
        match &mut def.kind {
            TypeKind::Struct(fields) if structs => {
                for f in fields.iter_mut().filter(|f| !f.flatten) {
                    f.boxed = leads_back(name, &f.ty);
                }
            }
            TypeKind::OneOf(o) if !structs => {
                for v in &mut o.variants {
                    v.boxed = leads_back(name, &v.ty);
                }
            }
            _ => {}
        }
    }
}
