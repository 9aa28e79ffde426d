//! `status`: a campaign's counts per state, or one message.

use qikberry::outbox::{MessageState, Outbox};
use serde_json::{Value, json};

use crate::args::StatusArgs;
use crate::counts::{Counts, states_json, states_table};

/// Prints the status asked for; `Err` when there is no such campaign or message.
pub async fn show(outbox: &Outbox, args: &StatusArgs) -> Result<(), String> {
    if let Some(reference) = &args.reference {
        let state = outbox.state(reference).await.map_err(|e| e.to_string())?;
        let state = state.ok_or_else(|| format!("no message with the reference `{reference}`"))?;
        if args.output.json {
            println!("{}", message_json(&state));
        } else {
            print!("{}", message_text(&state));
        }
        return Ok(());
    }
    let campaign = args.campaign.as_deref().unwrap_or_default();
    let summary = outbox
        .summary(Some(campaign))
        .await
        .map_err(|e| e.to_string())?;
    if summary.total() == 0 {
        return Err(format!("no campaign named `{campaign}` in this store"));
    }
    if args.output.json {
        let c = Counts::of(&summary);
        let v = json!({
            "campaign": campaign, "total": c.total, "sent": c.sent, "accepted": c.accepted,
            "delivered": c.delivered, "failed": c.failed, "refused": c.refused,
            "unknown": c.unknown, "queued": c.queued, "states": states_json(&summary),
        });
        println!("{v}");
    } else {
        print!("Campaign {campaign}\n{}", states_table(&summary));
    }
    Ok(())
}

/// One message as JSON (`status --reference --json`, `parked --json`, `resolve --json`).
pub fn message_json(s: &MessageState) -> Value {
    let parts: Vec<Value> = s
        .parts
        .iter()
        .map(|p| json!({"message_id": p.message_id, "status": p.status.as_ref().map(ToString::to_string), "at_ms": p.at}))
        .collect();
    json!({
        "reference": s.reference, "campaign": s.campaign, "state": s.state.as_str(),
        "status": s.status.as_ref().map(ToString::to_string), "attempts": s.attempts,
        "worker": s.worker, "last_error": s.last_error, "group_id": s.group_id,
        "to": s.message.to, "from": s.message.from, "parts": parts,
        "created_at_ms": s.created_at, "updated_at_ms": s.updated_at,
        "in_doubt_since_ms": s.in_doubt_since,
    })
}

/// One message as aligned `name value` lines, one line per part.
pub fn message_text(s: &MessageState) -> String {
    let opt = |v: Option<&str>| v.unwrap_or("-").to_owned();
    let mut out = format!(
        "reference   {}\ncampaign    {}\nstate       {}\nstatus      {}\nto          {}\nattempts    {}\nlast error  {}\ngroup id    {}\n",
        s.reference,
        opt(s.campaign.as_deref()),
        s.state,
        s.status
            .as_ref()
            .map_or("-".to_owned(), ToString::to_string),
        s.message.to,
        s.attempts,
        opt(s.last_error.as_deref()),
        opt(s.group_id.as_deref()),
    );
    for (i, p) in s.parts.iter().enumerate() {
        let status = p
            .status
            .as_ref()
            .map_or("-".to_owned(), ToString::to_string);
        out.push_str(&format!("part {}      {} {status}\n", i + 1, p.message_id));
    }
    out
}
