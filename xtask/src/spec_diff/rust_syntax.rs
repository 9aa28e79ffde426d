//! Rust items and types printed as a user of the generated crate writes them: `Option<String>`
//! rather than the token stream's `Option < String >`, and public paths
//! (`qikberry::common::TemplateRef`) rather than the generator's internal ones
//! (`crate :: api :: common :: TemplateRef`, `sms::types::…`).

/// The public path of a generated module (`sms::types` → `qikberry::sms`: every `types`
/// module is re-exported by its product module, and `api` by the crate root).
pub fn public_module(module: &str) -> String {
    let kept: Vec<&str> = module
        .split("::")
        .filter(|s| !s.is_empty() && *s != "types")
        .collect();
    if kept.is_empty() {
        "qikberry".into()
    } else {
        format!("qikberry::{}", kept.join("::"))
    }
}

/// Joins a token stream's text (`Option < crate :: api :: common :: X >`) the way rustfmt
/// would (`Option<qikberry::common::X>`).
pub fn pretty(tokens: &str) -> String {
    // Groups print their delimiters glued to the content (`(& self)`): separate them first.
    let mut spread = String::with_capacity(tokens.len() * 2);
    for ch in tokens.chars() {
        if matches!(ch, '(' | ')' | '[' | ']') {
            spread.push(' ');
            spread.push(ch);
            spread.push(' ');
        } else {
            spread.push(ch);
        }
    }
    let mut out = String::with_capacity(tokens.len());
    let mut prev = "";
    for t in spread.split_whitespace() {
        if !prev.is_empty() && spaced(prev, t) {
            out.push(' ');
        }
        out.push_str(t);
        prev = t;
    }
    // A trailing comma the generator's formatting left in an argument list.
    public_paths(&out.replace(",)", ")").replace(", )", ")"))
}

/// Whether a space separates two adjacent tokens.
fn spaced(prev: &str, next: &str) -> bool {
    let word_end = prev
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '>');
    let glued_after = matches!(prev, "::" | "&" | "(" | "[" | "#" | "<" | "'");
    let glued_before = matches!(next, "::" | ">" | "," | ")" | "]" | ";" | ":" | "?")
        || (matches!(next, "<" | "(") && word_end && prev != "->" && prev != "dyn");
    !(glued_after || glued_before)
}

/// `crate::api::sms::types::X` → `qikberry::sms::X`, `crate::api::common::X` →
/// `qikberry::common::X`, `crate::types::X` → `qikberry::types::X`.
fn public_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        out.push_str(&rest[..at]);
        rest = &rest[at + "crate::".len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let path = &rest[..end];
        let (module, item) = path.rsplit_once("::").unwrap_or(("", path));
        let module = module.strip_prefix("api").unwrap_or(module);
        let module = if path.starts_with("api::") {
            public_module(module)
        } else {
            format!("qikberry::{module}")
                .trim_end_matches("::")
                .to_string()
        };
        out.push_str(&format!("{module}::{item}"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_as_written_with_public_paths() {
        assert_eq!(pretty("Option < String >"), "Option<String>");
        assert_eq!(
            pretty("crate :: api :: common :: TemplateRef"),
            "qikberry::common::TemplateRef"
        );
        assert_eq!(
            pretty("Option < crate :: api :: sms :: types :: SmsSender >"),
            "qikberry::sms::SmsSender".replace("qikberry", "Option<qikberry") + ">"
        );
        assert_eq!(
            pretty("Option < crate :: types :: StringOrNumber >"),
            "Option<qikberry::types::StringOrNumber>"
        );
        assert_eq!(
            pretty("pub fn send (& self , body : Vec < u8 >) -> Result < (), crate :: Error >"),
            "pub fn send(&self, body: Vec<u8>) -> Result<(), qikberry::Error>"
        );
        assert_eq!(pretty("& 'a mut self"), "&'a mut self");
        assert_eq!(pretty("impl Into < String >"), "impl Into<String>");
        assert_eq!(public_module("rcs::types"), "qikberry::rcs");
        assert_eq!(public_module(""), "qikberry");
    }
}
