//! The live-check report, as Markdown for people or JSON (stable field names) for tools.

use serde_json::json;

use super::webhooks::Delivery;
use super::{Checked, Outcome};

fn outcome_text(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Confirmed => "path confirmed",
        Outcome::PathWrong => "**path wrong**",
        Outcome::NotFoundWithExampleId => "404 with an example id (path unconfirmed)",
        Outcome::Unauthorized => "unauthorized",
        Outcome::Failed => "failed",
        Outcome::Skipped => "skipped",
    }
}

/// The report for the operations checked against `origin`; `never_present` lists the spec
/// properties no observed body carried.
pub fn operations(
    origin: &str,
    results: &[Checked],
    never_present: &[String],
    as_json: bool,
) -> String {
    let confirmable: Vec<&Checked> = results
        .iter()
        .filter(|r| r.path_inferred && r.outcome == Outcome::Confirmed)
        .collect();
    let drift = results.iter().any(Checked::drifted);
    let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count();
    let differences: usize = results.iter().map(|r| r.differences.len()).sum();
    if as_json {
        let value = json!({
            "origin": origin,
            "drift": drift,
            "summary": {
                "operations": results.len(),
                "confirmed": count(Outcome::Confirmed),
                "path_wrong": count(Outcome::PathWrong),
                "unauthorized": count(Outcome::Unauthorized),
                "differences": differences,
            },
            "operations": results,
            "confirmable_inferred_paths": confirmable.iter().map(|r| &r.operation).collect::<Vec<_>>(),
            "never_present": never_present,
        });
        return serde_json::to_string_pretty(&value).unwrap_or_default() + "\n";
    }
    let mut out = format!("# live-check against {origin}\n\n");
    out.push_str(
        "| operation | request | status | result | differences |\n|---|---|---|---|---|\n",
    );
    for r in results {
        out.push_str(&format!(
            "| `{}` | `{} {}` | {} | {} | {} |\n",
            r.operation,
            r.method,
            if r.requested.is_empty() {
                &r.path
            } else {
                &r.requested
            },
            r.status.map_or("-".into(), |s| s.to_string()),
            outcome_text(r.outcome),
            r.differences.len()
        ));
    }
    let with_differences: Vec<&Checked> = results
        .iter()
        .filter(|r| !r.differences.is_empty() || r.note.is_some())
        .collect();
    if !with_differences.is_empty() {
        out.push_str("\n## Differences and notes\n");
        for r in with_differences {
            out.push_str(&format!(
                "\n### `{}` ({} {})\n\n",
                r.operation, r.method, r.path
            ));
            if let Some(note) = &r.note {
                out.push_str(&format!("- note: {note}\n"));
            }
            for d in &r.differences {
                let times = if d.count > 1 {
                    format!(" ({} places)", d.count)
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "- `{}` at `{}`{times}: {}\n  - spec: `{}`\n  - suggested: {}\n",
                    d.kind,
                    if d.pointer.is_empty() {
                        "(body)"
                    } else {
                        &d.pointer
                    },
                    d.message,
                    d.schema_pointer,
                    d.suggestion
                ));
            }
        }
    }
    if !confirmable.is_empty() {
        out.push_str(
            "\n## Inferred paths that answered 2xx (confirmable: drop `x-path-inferred`)\n\n",
        );
        for r in confirmable {
            out.push_str(&format!("- `{}`: {} {}\n", r.operation, r.method, r.path));
        }
    }
    if !never_present.is_empty() {
        out.push_str(
            "\n## Fields no response carried (informational)\n\nA field the API never sends may be \
             wrong in the spec; an optional one may just be absent from these responses.\n\n",
        );
        for at in never_present {
            out.push_str(&format!("- `{at}`\n"));
        }
    }
    out.push_str(&format!(
        "\n{} operations: {} confirmed, {} path wrong, {} unauthorized, {} differences — {}\n",
        results.len(),
        count(Outcome::Confirmed),
        count(Outcome::PathWrong),
        count(Outcome::Unauthorized),
        differences,
        if drift { "DRIFT" } else { "no drift" }
    ));
    out
}

/// The report for recorded webhook deliveries.
pub fn webhooks(results: &[Delivery], as_json: bool) -> String {
    let drift = results
        .iter()
        .any(|r| !r.differences.is_empty() || r.callback.is_none());
    if as_json {
        let value = json!({"drift": drift, "deliveries": results});
        return serde_json::to_string_pretty(&value).unwrap_or_default() + "\n";
    }
    let mut out = String::from("# live-check: recorded webhook deliveries\n\n");
    for r in results {
        out.push_str(&format!(
            "- `{}` event `{}` → callback `{}`: {} differences\n",
            r.file,
            r.event.as_deref().unwrap_or("(none)"),
            r.callback.as_deref().unwrap_or("(none)"),
            r.differences.len()
        ));
        if let Some(note) = &r.note {
            out.push_str(&format!("  - note: {note}\n"));
        }
        for d in &r.differences {
            out.push_str(&format!(
                "  - `{}` at `{}`: {} (spec `{}`; suggested: {})\n",
                d.kind, d.pointer, d.message, d.schema_pointer, d.suggestion
            ));
        }
    }
    out.push_str(&format!(
        "\n{} deliveries — {}\n",
        results.len(),
        if drift { "DRIFT" } else { "no drift" }
    ));
    out
}
