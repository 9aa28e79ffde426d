//! Identifier and rustdoc helpers.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Names that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// `UpperCamelCase`, made a valid identifier start (`1` → `V1`). Empty when nothing is left.
pub(crate) fn pascal(s: &str) -> String {
    let p = s.to_upper_camel_case();
    let p: String = p
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    match p.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("V{p}"),
        _ => p,
    }
}

/// The variant name of a oneOf shape whose title gave `from_title`, spelled like the shape's
/// type `type_name` when that type's name ends with the same words in another letter case
/// (title `Send WhatsApp OTP`, type `VerifySendWhatsappOtp` → `SendWhatsappOtp`, not
/// `SendWhatsAppOtp`), so a variant and the type it wraps never disagree on spelling.
pub(crate) fn agreeing_variant_name(from_title: &str, type_name: &str) -> String {
    let cut = type_name.len().checked_sub(from_title.len());
    match cut.and_then(|at| type_name.get(at..)) {
        Some(tail)
            if tail.eq_ignore_ascii_case(from_title)
                && tail.starts_with(|c: char| c.is_ascii_uppercase()) =>
        {
            tail.to_string()
        }
        _ => from_title.to_string(),
    }
}

/// `snake_case`, made a valid identifier start (`1x` → `n1x`). Empty when nothing is left.
pub(crate) fn snake(s: &str) -> String {
    let p = s.to_snake_case();
    let p: String = p
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    match p.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("n{p}"),
        _ => p,
    }
}

/// A Rust identifier for `name` (already converted), raw when it is a keyword.
pub(crate) fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else if syn::parse_str::<Ident>(name).is_ok() {
        Ident::new(name, Span::call_site())
    } else {
        // Non-ASCII or otherwise odd: keep only ASCII alphanumerics.
        let cleaned: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let cleaned = if cleaned.chars().next().is_none_or(|c| c.is_ascii_digit())
            || cleaned.chars().all(|c| c == '_')
        {
            format!("x{cleaned}")
        } else {
            cleaned
        };
        Ident::new(&cleaned, Span::call_site())
    }
}

/// Makes the Rust names of `items` (`(rust name, wire value)`) unique, deterministically and
/// independently of the order the spec lists them in: among wire values that become the same
/// name, the smallest wire value (by byte order) keeps it and the others get the first free
/// `<name><sep><n>` for n = 2, 3, … in wire-value order (`in-progress` and `in_progress` become
/// `InProgress` and `InProgress2`; fields `in_progress` and `in_progress_2`). Wire values that are
/// equal keep equal names (the caller drops repeats).
pub(crate) fn dedupe(items: &mut [(String, String)], sep: &str) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| (&items[a].0, &items[a].1).cmp(&(&items[b].0, &items[b].1)));
    let mut taken: std::collections::BTreeSet<String> =
        items.iter().map(|(n, _)| n.clone()).collect();
    let mut kept: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for i in order {
        let (name, wire) = (items[i].0.clone(), items[i].1.clone());
        match kept.get(&name) {
            None => {
                kept.insert(name, wire);
            }
            Some(first) if *first == wire => {}
            Some(_) => {
                let fresh = (2..)
                    .map(|n| format!("{name}{sep}{n}"))
                    .find(|c| !taken.contains(c))
                    .unwrap_or_default();
                taken.insert(fresh.clone());
                items[i].0 = fresh;
            }
        }
    }
}

/// Turns a spec description into rustdoc lines that render as prose: no accidental code blocks
/// (indentation removed, fences become ```` ```text ````), no accidental intra-doc links or HTML
/// tags, bare URLs wrapped in `<…>`.
/// How a rustdoc warning box opens; a doc line that is one whole box is kept as HTML.
pub(crate) const WARNING_OPEN: &str = "<div class=\"warning\">";

pub(crate) fn doc_lines(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence = false;
    for line in s.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            out.push(if fence {
                "```".to_string()
            } else {
                "```text".to_string()
            });
            fence = !fence;
            continue;
        }
        if fence {
            out.push(line.to_string());
            continue;
        }
        // The generator's own warning boxes (`x-inferred`) are HTML already escaped.
        if t.starts_with(WARNING_OPEN) && t.ends_with("</div>") {
            out.push(t.to_string());
            continue;
        }
        out.push(escape_inline(t));
    }
    if fence {
        out.push("```".to_string());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

fn escape_inline(t: &str) -> String {
    let parts: Vec<&str> = t.split('`').collect();
    // Backticks pair up into code spans; an odd last one is a literal.
    let paired = (parts.len() - 1) / 2 * 2;
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(if i <= paired { "`" } else { "\\`" });
        }
        if i % 2 == 1 && i < paired {
            out.push_str(part);
        } else {
            out.push_str(&escape_prose(part));
        }
    }
    out
}

fn escape_prose(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    loop {
        let next_url = ["https://", "http://"]
            .iter()
            .filter_map(|p| rest.find(p))
            .min();
        let (text, url_and_rest) = match next_url {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        for c in text.chars() {
            match c {
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '*' => out.push_str("\\*"),
                '|' => out.push_str("\\|"),
                '#' => out.push_str("\\#"),
                _ => out.push(c),
            }
        }
        if url_and_rest.is_empty() {
            return out;
        }
        let end = url_and_rest
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '<' | '"' | '\'' | ','))
            .unwrap_or(url_and_rest.len());
        let url = url_and_rest.get(..end).unwrap_or(url_and_rest);
        let url = url.trim_end_matches(['.', ';', ':']);
        out.push('<');
        out.push_str(url);
        out.push('>');
        rest = url_and_rest.get(url.len()..).unwrap_or("");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_are_escaped() {
        assert_eq!(
            doc_lines("see [x] at https://a.b/c."),
            vec!["see \\[x\\] at <https://a.b/c>."]
        );
        assert_eq!(
            doc_lines("    code\n`a[b]` <b>"),
            vec!["code", "`a[b]` &lt;b&gt;"]
        );
        assert_eq!(doc_lines("odd ` tick"), vec!["odd \\` tick"]);
        assert_eq!(doc_lines("```\nx\n"), vec!["```text", "x", "```"]);
    }

    #[test]
    fn idents() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("_").to_string(), "__");
        assert_eq!(ident("").to_string(), "x");
        assert_eq!(ident("a-b").to_string(), "a_b");
        assert_eq!(pascal("1"), "V1");
        assert_eq!(snake("filter[name]"), "filter_name");
        assert_eq!(pascal("Unicode message"), "UnicodeMessage");
        assert_eq!(
            agreeing_variant_name("SendWhatsAppOtp", "VerifySendWhatsappOtp"),
            "SendWhatsappOtp"
        );
        assert_eq!(agreeing_variant_name("Direct", "SmsSendDirect"), "Direct");
        assert_eq!(agreeing_variant_name("Other", "SmsSendDirect"), "Other");
        assert_eq!(agreeing_variant_name("Sendx", "Verifysendx"), "Sendx");
    }

    #[test]
    fn dedupe_is_deterministic_whatever_the_order() {
        let mut a = vec![
            ("InProgress".to_string(), "in_progress".to_string()),
            ("InProgress".to_string(), "in-progress".to_string()),
            ("InProgress2".to_string(), "x".to_string()),
        ];
        dedupe(&mut a, "");
        assert_eq!(a[0].0, "InProgress3");
        assert_eq!(a[1].0, "InProgress");
        let mut b = vec![
            ("InProgress".to_string(), "in-progress".to_string()),
            ("InProgress".to_string(), "in_progress".to_string()),
        ];
        dedupe(&mut b, "_");
        assert_eq!(
            (b[0].0.as_str(), b[1].0.as_str()),
            ("InProgress", "InProgress_2")
        );
    }
}
