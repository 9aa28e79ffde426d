//! The rustdoc of an operation's method and of its request builder.

use proc_macro2::TokenStream;

use super::doc_raw;
use crate::ir::{Op, OpBody};
use crate::names::doc_lines;

/// One Markdown list item per method argument: the required parameters with their
/// descriptions, and the request body.
fn argument_docs(op: &Op) -> Vec<String> {
    let mut out = Vec::new();
    let mut item = |rust: &str, doc: Option<&str>| {
        let text = doc.map(|d| doc_lines(d).join(" ")).unwrap_or_default();
        if text.trim().is_empty() {
            out.push(format!("- `{rust}`"));
        } else {
            out.push(format!("- `{rust}`: {}", text.trim()));
        }
    };
    for p in op
        .path_params
        .iter()
        .chain(op.query.iter().filter(|p| p.required))
    {
        item(&p.rust, p.doc.as_deref());
    }
    match &op.body {
        Some(OpBody::Json { required: true, .. } | OpBody::Form { required: true, .. }) => {
            item("body", Some("the request body."));
        }
        Some(OpBody::Multipart(fields)) => {
            for f in fields.iter().filter(|f| f.param.required) {
                item(&f.param.rust, f.param.doc.as_deref());
            }
        }
        _ => {}
    }
    out
}

/// The docs of an operation's method and of its request builder.
pub(super) fn op_docs(op: &Op, handle: &str) -> (TokenStream, TokenStream) {
    let mut lines: Vec<String> = Vec::new();
    if let Some(s) = &op.summary {
        lines.extend(doc_lines(s));
    }
    if let Some(d) = &op.description {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(doc_lines(d));
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    let arguments = argument_docs(op);
    if !arguments.is_empty() {
        lines.push("# Arguments".into());
        lines.push(String::new());
        lines.extend(arguments);
        lines.push(String::new());
    }
    lines.push(format!(
        "`{} /{}` (operation `{}`).",
        op.facts.method, op.path, op.facts.id
    ));
    if op.facts.path_inferred {
        lines.push(String::new());
        lines.push("<div class=\"warning\">".into());
        lines.push(String::new());
        lines.push(
            "**Unconfirmed path** (`x-path-inferred`): this operation's HTTP path was inferred from the \
             provider's reference, not confirmed by its public docs, so the call may fail with 404."
                .into(),
        );
        lines.push(String::new());
        lines.push("</div>".into());
    }
    let mut bdoc = vec![format!(
        "Request builder for [`{handle}::{}`]: set optional parameters, then `.send().await`.",
        op.method
    )];
    if op.facts.path_inferred {
        bdoc.push(String::new());
        bdoc.push("<div class=\"warning\">Unconfirmed path (<code>x-path-inferred</code>): see the method's documentation.</div>".into());
    }
    (doc_raw(&lines), doc_raw(&bdoc))
}
