//! What a spec change does to the generated crate's public Rust API.
//!
//! Both specs go through the generator; the public items of the two outputs (structs and their
//! public fields, enums and their variants, public functions and methods with their signatures,
//! type aliases, traits, consts) are listed with `syn` and compared by path. Paths and types are
//! printed as a user of the crate writes them (`qikberry::common::TemplateRef`,
//! `Option<String>`), and the crate's Cargo features are compared too.

use std::collections::BTreeMap;

use quote::ToTokens;
use serde::Serialize;

/// The difference between the public items generated from two specs.
#[derive(Serialize, Default, Debug)]
pub struct ApiDiff {
    /// Items only in the new output, as `path: signature`.
    pub added: Vec<String>,
    /// Items only in the old output.
    pub removed: Vec<String>,
    /// Items in both whose signature changed, as `path: old → new`.
    pub changed: Vec<String>,
    /// Cargo features of the generated crate only in the old output (breaking: builds naming
    /// them fail).
    pub features_removed: Vec<String>,
    /// Cargo features only in the new output.
    pub features_added: Vec<String>,
    /// Set when the generator could not run on one side; the lists are then empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ApiDiff {
    /// Rust-API breaks: items removed or changed, features removed (`--fail-on breaking` counts
    /// them beside the spec-level ones).
    pub fn breaking(&self) -> usize {
        self.removed.len() + self.changed.len() + self.features_removed.len()
    }

    /// Whether nothing public changed.
    pub fn is_empty(&self) -> bool {
        self.breaking() + self.added.len() + self.features_added.len() == 0
    }
}

/// Generates code from both spec texts and compares their public items.
pub fn diff(old_spec: &str, new_spec: &str) -> ApiDiff {
    let old = match generate(old_spec) {
        Ok(files) => files,
        Err(e) => {
            return ApiDiff {
                error: Some(format!("old spec: {e}")),
                ..ApiDiff::default()
            };
        }
    };
    let new = match generate(new_spec) {
        Ok(files) => files,
        Err(e) => {
            return ApiDiff {
                error: Some(format!("new spec: {e}")),
                ..ApiDiff::default()
            };
        }
    };
    let (old_items, new_items) = match (public_items(&old), public_items(&new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return ApiDiff {
                error: Some(e),
                ..ApiDiff::default()
            };
        }
    };
    let mut d = compare_items(&old_items, &new_items);
    let (of, nf) = (features(old_spec), features(new_spec));
    d.features_removed = of.difference(&nf).cloned().collect();
    d.features_added = nf.difference(&of).cloned().collect();
    d
}

/// The Cargo features of the crate generated from a spec (empty when it does not generate).
fn features(spec: &str) -> std::collections::BTreeSet<String> {
    let Ok(spec) = serde_yaml::from_str::<qikberry_codegen::OpenAPI>(spec) else {
        return Default::default();
    };
    let Ok(files) = qikberry_codegen::generate(&spec) else {
        return Default::default();
    };
    let manifest = files
        .iter()
        .find(|(p, _)| p.to_str() == Some("Cargo.toml"))
        .map(|(_, t)| t.as_str())
        .unwrap_or("");
    manifest
        .split("\n[")
        .find(|s| s.starts_with("features]"))
        .unwrap_or("")
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .filter(|k| !k.is_empty() && !k.starts_with('#'))
        .collect()
}

/// Compares two item maps (`path → signature`).
pub fn compare_items(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> ApiDiff {
    let mut d = ApiDiff::default();
    for (path, sig) in old {
        match new.get(path) {
            None => d.removed.push(format!("{path}: {sig}")),
            Some(n) if n != sig => d.changed.push(format!("{path}: {sig} → {n}")),
            Some(_) => {}
        }
    }
    for (path, sig) in new {
        if !old.contains_key(path) {
            d.added.push(format!("{path}: {sig}"));
        }
    }
    d
}

/// Runs the generator on a spec text.
fn generate(spec: &str) -> Result<BTreeMap<String, String>, String> {
    let spec: qikberry_codegen::OpenAPI =
        serde_yaml::from_str(spec).map_err(|e| format!("not an OpenAPI 3.0 document: {e}"))?;
    let files =
        qikberry_codegen::generate(&spec).map_err(|e| format!("the generator rejects it: {e}"))?;
    // The emitted modules, keyed relative to `src/api/` (the crate's manifest, README and
    // `lib.rs` are the same for every spec but the feature list, which Rust items do not show).
    Ok(files
        .into_iter()
        .filter_map(|(path, text)| {
            let api = path.strip_prefix("src/api").ok()?;
            Some((api.to_string_lossy().replace('\\', "/"), text))
        })
        .collect())
}

/// A syntax node printed as a developer writes it, with the crate's public paths.
fn tokens(t: &impl ToTokens) -> String {
    super::rust_syntax::pretty(&t.to_token_stream().to_string())
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Lists the public items of generated files, keyed by `file::module::Item[::member]`.
pub fn public_items(files: &BTreeMap<String, String>) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (path, text) in files {
        let file =
            syn::parse_file(text).map_err(|e| format!("generated {path} does not parse: {e}"))?;
        let module = path
            .trim_end_matches(".rs")
            .trim_end_matches("mod")
            .trim_end_matches('/')
            .replace('/', "::");
        // `support` is private; `types` modules are re-exported by their product module.
        if module == "support" {
            continue;
        }
        let public = super::rust_syntax::public_module(&module);
        items(&public, &file.items, &mut out);
    }
    Ok(out)
}

fn items(module: &str, list: &[syn::Item], out: &mut BTreeMap<String, String>) {
    for item in list {
        match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                let name = format!("{module}::{}", s.ident);
                out.insert(name.clone(), format!("struct{}", tokens(&s.generics)));
                for field in s.fields.iter().filter(|f| is_pub(&f.vis)) {
                    if let Some(id) = &field.ident {
                        out.insert(format!("{name}.{id}"), tokens(&field.ty));
                    }
                }
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let name = format!("{module}::{}", e.ident);
                out.insert(name.clone(), format!("enum{}", tokens(&e.generics)));
                for v in &e.variants {
                    out.insert(format!("{name}::{}", v.ident), tokens(&v.fields));
                }
            }
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                out.insert(format!("{module}::{}", f.sig.ident), tokens(&f.sig));
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                out.insert(format!("{module}::{}", t.ident), tokens(&t.ty));
            }
            syn::Item::Const(c) if is_pub(&c.vis) => {
                out.insert(format!("{module}::{}", c.ident), tokens(&c.ty));
            }
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                out.insert(format!("{module}::{}", t.ident), "trait".into());
            }
            syn::Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    items(&format!("{module}::{}", m.ident), inner, out);
                }
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let self_ty = tokens(&i.self_ty);
                let self_ty = self_ty.split('<').next().unwrap_or("").trim();
                let owner = if self_ty.starts_with("qikberry::") {
                    self_ty.to_string()
                } else {
                    format!("{module}::{self_ty}")
                };
                for member in &i.items {
                    if let syn::ImplItem::Fn(f) = member
                        && is_pub(&f.vis)
                    {
                        out.insert(format!("{owner}::{}", f.sig.ident), tokens(&f.sig));
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_compares_public_items() {
        let old = BTreeMap::from([(
            "sms.rs".to_string(),
            "pub struct A { pub x: u32, y: u8 } impl A { pub fn go(&self) {} fn hidden() {} } pub enum E { One, Two }".to_string(),
        )]);
        let new = BTreeMap::from([(
            "sms.rs".to_string(),
            "pub struct A { pub x: Option<u32> } impl A { pub fn go(&self) {} pub fn more(&self) {} } pub enum E { One }".to_string(),
        )]);
        let d = compare_items(&public_items(&old).unwrap(), &public_items(&new).unwrap());
        assert_eq!(d.removed, vec!["qikberry::sms::E::Two: ".to_string()]);
        assert_eq!(
            d.changed,
            vec!["qikberry::sms::A.x: u32 → Option<u32>".to_string()]
        );
        assert_eq!(
            d.added,
            vec!["qikberry::sms::A::more: fn more(&self)".to_string()]
        );
    }
}
