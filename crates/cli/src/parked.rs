//! `parked` and `resolve`: the messages parked as unknown, and your decision about one.

use qikberry::outbox::{MessageState, Outbox, State};
use serde_json::Value;

use crate::args::{ParkedArgs, ResolveArgs};
use crate::status::{message_json, message_text};

/// Lists the parked messages (oldest first), one line each or one JSON array.
pub async fn list(outbox: &Outbox, args: &ParkedArgs) -> Result<(), String> {
    let campaign = args.campaign.as_deref();
    let references = outbox
        .list(State::Unknown, campaign, args.limit as usize)
        .await
        .map_err(|e| e.to_string())?;
    let mut parked = Vec::with_capacity(references.len());
    for reference in &references {
        // A message decided by someone else in the meantime is no longer listed.
        if let Some(s) = outbox.state(reference).await.map_err(|e| e.to_string())?
            && s.state == State::Unknown
        {
            parked.push(s);
        }
    }
    if args.output.json {
        println!("{}", Value::from_iter(parked.iter().map(message_json)));
    } else {
        print!("{}", parked_text(&parked));
    }
    Ok(())
}

fn parked_text(parked: &[MessageState]) -> String {
    if parked.is_empty() {
        return "No message is parked as unknown.\n".to_owned();
    }
    let mut out = format!(
        "{} parked as unknown (each may have reached the SMSC; decide with `resolve REFERENCE \
         --resend` or `--mark-failed`):\n",
        parked.len()
    );
    for s in parked {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            s.reference,
            s.campaign.as_deref().unwrap_or("-"),
            s.message.to,
            s.last_error.as_deref().unwrap_or("-")
        ));
    }
    out
}

/// Applies the decision and prints the message as it is now.
pub async fn resolve(outbox: &Outbox, args: &ResolveArgs) -> Result<(), String> {
    let reference = &args.reference;
    let decided = if args.resend {
        outbox.resend(reference).await
    } else {
        outbox.mark_failed(reference, &args.note).await
    };
    decided.map_err(|e| e.to_string())?;
    let state = outbox
        .state(reference)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no message with the reference `{reference}`"))?;
    if args.output.json {
        println!("{}", message_json(&state));
    } else {
        print!("{}", message_text(&state));
        if args.resend && !args.output.quiet {
            let campaign = state.campaign.as_deref().unwrap_or("CAMPAIGN");
            eprintln!("Queued again; `resume --campaign {campaign}` sends it.");
        }
    }
    Ok(())
}
