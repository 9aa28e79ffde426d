//! Reading the outbox (one message, counts, lists) and the user's decisions on parked
//! messages.

use qikberry_text::status::SmsStatus;

use super::send::{decode_message, parse_state};
use super::sql::{Tx, Val, now_ms};
use super::{Change, Channel, Decision, MessageState, Part, Summary, track};
use crate::error::{Error, Result};
use crate::state::State;

pub(super) async fn state<T: Tx>(tx: &mut T, reference: &str) -> Result<Option<MessageState>> {
    let rows = tx
        .query(
            "SELECT id, reference, campaign, payload, state, status, attempts, worker, channel, \
             last_error, group_id, created_at, updated_at, in_doubt_since \
             FROM outbox_messages WHERE reference = $1",
            &[reference.into()],
        )
        .await?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let parts = tx
        .query(
            "SELECT platform_id, status, event_at FROM outbox_parts WHERE message_id = $1 \
             ORDER BY part_no",
            &[r.int(0)?.into()],
        )
        .await?
        .iter()
        .map(|p| {
            Ok(Part {
                message_id: p.text(0)?,
                status: p.opt_text(1)?.map(|s| SmsStatus::from_wire(&s)),
                at: p.opt_int(2)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let channel = match r.opt_text(8)?.as_deref() {
        Some("rest") => Some(Channel::Rest),
        Some("smpp") => Some(Channel::Smpp),
        _ => None,
    };
    Ok(Some(MessageState {
        reference: r.text(1)?,
        campaign: r.opt_text(2)?,
        message: decode_message(&r.text(3)?)?,
        state: parse_state(&r.text(4)?)?,
        status: r.opt_text(5)?.map(|s| SmsStatus::from_wire(&s)),
        attempts: r.int(6)?,
        worker: r.opt_text(7)?,
        channel,
        last_error: r.opt_text(9)?,
        group_id: r.opt_text(10)?,
        parts,
        created_at: r.int(11)?,
        updated_at: r.int(12)?,
        in_doubt_since: r.opt_int(13)?,
    }))
}

pub(super) async fn summary<T: Tx>(tx: &mut T, campaign: Option<&str>) -> Result<Summary> {
    let rows = match campaign {
        Some(c) => {
            tx.query(
                "SELECT state, COUNT(*) FROM outbox_messages WHERE campaign = $1 GROUP BY state",
                &[c.into()],
            )
            .await?
        }
        None => {
            tx.query(
                "SELECT state, COUNT(*) FROM outbox_messages GROUP BY state",
                &[],
            )
            .await?
        }
    };
    let mut summary = Summary::default();
    for r in &rows {
        let n = u64::try_from(r.int(1)?).unwrap_or(0);
        summary.counts.insert(parse_state(&r.text(0)?)?, n);
    }
    Ok(summary)
}

pub(super) async fn list<T: Tx>(
    tx: &mut T,
    state: State,
    campaign: Option<&str>,
    limit: usize,
) -> Result<Vec<String>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let (sql, params): (&str, Vec<Val>) = match campaign {
        Some(c) => (
            "SELECT reference FROM outbox_messages WHERE state = $1 AND campaign = $2 \
             ORDER BY id LIMIT $3",
            vec![state.as_str().into(), c.into(), limit.into()],
        ),
        None => (
            "SELECT reference FROM outbox_messages WHERE state = $1 ORDER BY id LIMIT $2",
            vec![state.as_str().into(), limit.into()],
        ),
    };
    tx.query(sql, &params)
        .await?
        .iter()
        .map(|r| r.text(0))
        .collect()
}

pub(super) async fn decide<T: Tx>(
    tx: &mut T,
    reference: &str,
    decision: &Decision,
) -> Result<Change> {
    let current = track::current(tx, reference)
        .await?
        .ok_or_else(|| Error::NotFound(reference.to_owned()))?;
    let now = now_ms();
    let allowed = match decision {
        Decision::Resend => current.state == State::Unknown,
        Decision::MarkFailed(_) => current.state.is_in_doubt(),
    };
    if !allowed {
        return Err(Error::InvalidState {
            reference: reference.to_owned(),
            state: current.state,
            message: "only a message in doubt (unknown; or reconciling, to mark it failed) \
                      waits for a decision"
                .into(),
        });
    }
    let (sql, note) = match decision {
        Decision::Resend => (
            "UPDATE outbox_messages SET state = 'queued', not_before = $1, in_doubt_since = NULL, \
             recon_after = NULL, last_error = $2, updated_at = $1 WHERE reference = $3",
            "resent on the user's decision (it may arrive twice)".to_owned(),
        ),
        Decision::MarkFailed(note) => (
            "UPDATE outbox_messages SET state = 'failed', final_at = $1, in_doubt_since = NULL, \
             recon_after = NULL, last_error = $2, updated_at = $1 WHERE reference = $3",
            note.clone(),
        ),
    };
    tx.exec(sql, &[now.into(), note.into(), reference.into()])
        .await?;
    track::current(tx, reference)
        .await?
        .ok_or_else(|| Error::NotFound(reference.to_owned()))
}
