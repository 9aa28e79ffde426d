//! The user crates: a binary per client that calls operations once through the client's typed
//! builder API, setting every required parameter, awaiting each `send()` and touching the
//! result. Both are written mechanically from what each generator emitted for the projection
//! (ours: the handle methods of `src/api/<module>/mod.rs`; progenitor: the `builder` structs of
//! its `src/lib.rs`), so neither side is hand-tuned.
//!
//! Argument values come from `any::<T>()`, an opaque call (a function pointer through
//! `std::hint::black_box`) that the optimiser cannot prove diverges: the code after it is
//! compiled and kept in release builds exactly as with real values. The binary is never run.

use std::collections::BTreeSet;

/// One operation call: the client method chain before `.send()`.
pub struct Call {
    /// The operation's `operationId` (also progenitor's method name).
    pub id: String,
    /// Rust expression from `client` up to (not including) `.send()`.
    pub chain: String,
}

/// The shared prelude of both user crates: `any` and the tokio entry point.
fn main_rs(alias: &str, client_ctor: &str, calls: &[Call]) -> String {
    let mut s = String::from(
        "//! Written by bench/race: every operation once through the typed API.\n\
         #![allow(clippy::all, unused)]\n\n\
         /// A value of any type the optimiser cannot see through (never called at run time).\n\
         fn any<T>() -> T {\n    \
             fn never<T>() -> T {\n        unreachable!(\"the race's user crate is only compiled\")\n    }\n    \
             let f: fn() -> T = std::hint::black_box(never::<T> as fn() -> T);\n    f()\n}\n\n",
    );
    s.push_str(&format!("type Api = {alias};\n\n"));
    for c in calls {
        s.push_str(&format!(
            "async fn call_{id}(client: &Api) {{\n    let result = {chain}.send().await;\n    \
             std::hint::black_box(&result);\n}}\n\n",
            id = c.id,
            chain = c.chain
        ));
    }
    s.push_str(&format!(
        "fn main() {{\n    let rt = tokio::runtime::Builder::new_current_thread()\n        \
         .enable_all()\n        .build()\n        .expect(\"runtime\");\n    \
         let client = {client_ctor};\n    rt.block_on(async {{\n"
    ));
    for c in calls {
        s.push_str(&format!("        call_{}(&client).await;\n", c.id));
    }
    s.push_str("    });\n}\n");
    s
}

/// `Cargo.toml` and `src/main.rs` of a user crate, written into `dir`.
pub fn write_crate(
    dir: &std::path::Path,
    name: &str,
    dependency: &str,
    client: (&str, &str),
    calls: &[Call],
) -> Result<(), String> {
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{dependency}\n\
         tokio = {{ version = \"1\", features = [\"rt\"] }}\n"
    );
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    let (alias, ctor) = client;
    let text = main_rs(alias, ctor, calls);
    std::fs::write(src.join("main.rs"), text).map_err(|e| e.to_string())
}

/// Splits `text` at the commas outside any `<>`, `()` or `[]`.
fn split_top(text: &str) -> Vec<String> {
    let (mut depth, mut cur, mut out) = (0i32, String::new(), Vec::new());
    for ch in text.chars() {
        match ch {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

const STD_TYPES: [&str; 8] = [
    "String", "Vec", "Option", "Box", "HashMap", "BTreeMap", "Self", "Result",
];

/// A type of our generated module as the user writes it: `crate::` becomes `qikberry::`, bare
/// generated names get the module path.
fn qualify(ty: &str, krate: &str, module: &str) -> String {
    let ty = ty.replace("crate::", &format!("{krate}::"));
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let after_path = out.ends_with("::");
        let generated = word.starts_with(|c: char| c.is_ascii_uppercase())
            && !STD_TYPES.contains(&word.as_str());
        if generated && !after_path {
            out.push_str(&format!("{krate}::{module}::"));
        }
        out.push_str(word);
        word.clear();
    };
    for ch in ty.chars() {
        if ch.is_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Our side: every `pub fn` of the product handle `impl <Handle><'_>` in `mod.rs` of each
/// module under `api` (a folder of the generated crate), called with `any()` for each
/// argument. `modules` limits the products (all when `None`).
pub fn ours(
    api: &std::path::Path,
    krate: &str,
    modules: Option<&[&str]>,
) -> Result<Vec<Call>, String> {
    let mut names: Vec<String> = std::fs::read_dir(api)
        .map_err(|e| format!("{}: {e}", api.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("mod.rs").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    let mut calls = Vec::new();
    for module in names {
        if modules.is_some_and(|m| !m.contains(&module.as_str())) {
            continue;
        }
        let path = api.join(&module).join("mod.rs");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        calls.extend(ours_module(&text, krate, &module));
    }
    Ok(calls)
}

fn ours_module(text: &str, krate: &str, module: &str) -> Vec<Call> {
    let mut calls = Vec::new();
    let Some(start) = text.find("<'_> {\n") else {
        return calls;
    };
    let body = &text[start..];
    let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
    for chunk in body.split("    pub fn ").skip(1) {
        let Some(open) = chunk.find('(') else {
            continue;
        };
        let name = chunk[..open].trim();
        let close = chunk.find(") ->").unwrap_or(chunk.len());
        let args: Vec<String> = split_top(&chunk[open + 1..close])
            .into_iter()
            .filter(|p| p != "&self")
            .map(|p| {
                let ty = p.split_once(':').map_or("", |(_, t)| t).trim();
                let ty = ty
                    .strip_prefix("impl Into<")
                    .map_or(ty, |t| &t[..t.len() - 1]);
                format!("any::<{}>()", qualify(ty, krate, module))
            })
            .collect();
        calls.push(Call {
            id: format!("{module}_{name}"),
            chain: format!("client.{module}().{name}({})", args.join(", ")),
        });
    }
    calls
}

/// Progenitor's side: every `Client` method returning a `builder::X`, with each required
/// setter of `X` (its field is not an `Option`) and `body` when `X` has one, called with
/// `any()`. `only` limits the operations (all when `None`).
pub fn progenitor(lib_rs: &str, krate: &str, only: Option<&BTreeSet<String>>) -> Vec<Call> {
    let mut calls = Vec::new();
    for chunk in lib_rs.split("    pub fn ").skip(1) {
        // rustfmt wraps long signatures: compare without whitespace.
        let head: String = chunk[..chunk.find('{').unwrap_or(0)]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let head = head.replace(",)", ")");
        let Some((name, rest)) = head.split_once("(&self)->builder::") else {
            continue;
        };
        if only.is_some_and(|o| !o.contains(name)) {
            continue;
        }
        let builder = rest.split('<').next().unwrap_or_default();
        let mut chain = format!("client.{name}()");
        for (setter, ty) in required_setters(lib_rs, builder) {
            let ty = ty.replace("types::", &format!("{krate}::types::"));
            chain.push_str(&format!(".{setter}(any::<{ty}>())"));
        }
        calls.push(Call {
            id: name.to_string(),
            chain,
        });
    }
    calls
}

/// The setters a progenitor builder needs: fields that are `Result<T, String>` with a
/// non-`Option` T (required parameters) and `body`, each with the type its setter converts to.
fn required_setters(lib_rs: &str, builder: &str) -> Vec<(String, String)> {
    let head = format!("pub struct {builder}<'a> {{");
    let Some(start) = lib_rs.find(&head) else {
        return Vec::new();
    };
    let fields = &lib_rs[start + head.len()..];
    let fields = &fields[..fields.find('}').unwrap_or(0)];
    let imp = format!("impl<'a> {builder}<'a> {{");
    let imp = lib_rs.find(&imp).map(|i| &lib_rs[i..]).unwrap_or_default();
    let mut out = Vec::new();
    for field in split_top(fields) {
        let Some((name, ty)) = field.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if name == "client"
            || ty.contains("Result<Option<")
            || ty.contains("Result<::std::option::Option<")
        {
            continue;
        }
        // The setter's target type: `V: std::convert::TryInto<T>` right after `fn name<V>`.
        let marker = format!("pub fn {name}<V>(mut self, value: V) -> Self");
        let Some(at) = imp.find(&marker) else {
            continue;
        };
        let tail = &imp[at..];
        let Some(t) = tail.find("TryInto<") else {
            continue;
        };
        let ty = &tail[t + "TryInto<".len()..];
        let mut depth = 1;
        let end = ty
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '<' => depth += 1,
                    '>' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(ty.len(), |(i, _)| i);
        out.push((
            name.to_string(),
            ty[..end].split_whitespace().collect::<Vec<_>>().join(" "),
        ));
    }
    out
}
