//! The final summary of `send` / `resume` (text or `--json`) and the exit code it means.

use serde_json::{Value, json};

use crate::counts::{Counts, states_json, states_table};
use crate::run::Finished;

/// Every message sent (or refused: final too).
pub const EXIT_DONE: i32 = 0;
/// An error stopped the command.
pub const EXIT_ERROR: i32 = 1;
/// Some messages are in doubt (unknown / reconciling) or left to send.
pub const EXIT_INCOMPLETE: i32 = 2;

/// The exit code of a finished run.
pub fn exit_code(f: &Finished) -> i32 {
    let c = Counts::of(&f.summary);
    if c.unknown + c.queued + c.sending == 0 {
        EXIT_DONE
    } else {
        EXIT_INCOMPLETE
    }
}

/// The messages this run sent per second (accepted, refused or in doubt after a send).
fn per_second(f: &Finished) -> f64 {
    let r = &f.report;
    (r.accepted + r.refused + r.unknown) as f64 / f.elapsed.as_secs_f64().max(1e-3)
}

/// The summary as JSON.
pub fn json(campaign: &str, f: &Finished) -> Value {
    let c = Counts::of(&f.summary);
    let r = &f.report;
    json!({
        "campaign": campaign,
        "total": c.total,
        "sent": c.sent,
        "accepted": c.accepted,
        "delivered": c.delivered,
        "failed": c.failed,
        "refused": c.refused,
        "unknown": c.unknown,
        "queued": c.queued,
        "states": states_json(&f.summary),
        "this_run": {
            "claimed": r.claimed, "accepted": r.accepted, "refused": r.refused,
            "not_sent": r.not_sent, "unknown": r.unknown, "released": r.released,
            "expired": r.expired, "reconciled_found": r.found, "reconciled_not_found": r.not_found,
        },
        "elapsed_seconds": f.elapsed.as_secs_f64(),
        "messages_per_second": per_second(f),
        "interrupted": f.interrupted,
        "exit_code": exit_code(f),
    })
}

/// The summary as text, with what to do next.
pub fn text(campaign: &str, f: &Finished, store: &str) -> String {
    let c = Counts::of(&f.summary);
    let r = &f.report;
    let mut out = format!(
        "Campaign {campaign}: {} sent of {} in {:.1} s ({:.0} msg/s this run)\n{}",
        c.sent,
        c.total,
        f.elapsed.as_secs_f64(),
        per_second(f),
        states_table(&f.summary)
    );
    if r.found + r.not_found + r.expired > 0 {
        out.push_str(&format!(
            "In doubt this run: {} claims of stopped workers, {} found by reference (not resent), {} not found (queued again)\n",
            r.expired, r.found, r.not_found
        ));
    }
    if c.queued + c.sending + c.unknown > 0 || f.interrupted {
        out.push_str(&format!(
            "Not finished. Continue with: qikberry-outbox resume --campaign {campaign} --store {store}\n"
        ));
    }
    out
}
