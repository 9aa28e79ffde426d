//! The tracking side: a message's parts, delivery reports applied to them (in any order, any
//! number of times), and the message's state combined from its parts.

use qikberry_text::status::SmsStatus;

use super::send::parse_state;
use super::sql::{Row, Tx, Val, now_ms};
use super::{Accepted, Change, send};
use crate::error::Result;
use crate::event::{Applied, StatusEvent, normal_key, platform_keys};
use crate::state::{combine, replaces};

/// `IN ($a, $b, $c)` over the (at most three) lookup keys of a platform id, padded with the
/// first key.
fn keys3(id: &str) -> [Val; 3] {
    let keys = platform_keys(id);
    let k = |i: usize| Val::from(keys.get(i).or(keys.first()).cloned().unwrap_or_default());
    [k(0), k(1), k(2)]
}

/// Adds parts (after the existing ones) and applies the reports that were waiting for them.
pub(super) async fn add_parts<T: Tx>(tx: &mut T, message: i64, ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    let rows = tx
        .query(
            "SELECT COUNT(*) FROM outbox_parts WHERE message_id = $1",
            &[message.into()],
        )
        .await?;
    let first = rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(0);
    for (n, id) in (first..).zip(ids) {
        let key = normal_key(id);
        tx.exec(
            "INSERT INTO outbox_parts (message_id, part_no, platform_id, platform_key, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_id, platform_key) DO NOTHING",
            &[
                message.into(),
                n.into(),
                id.as_str().into(),
                key.clone().into(),
                now.into(),
            ],
        )
        .await?;
        let [a, b, c] = keys3(id);
        let pending = tx
            .query(
                "SELECT id, status, event_at FROM outbox_pending \
                 WHERE platform_key IN ($1, $2, $3) ORDER BY id",
                &[a, b, c],
            )
            .await?;
        for p in &pending {
            let status = SmsStatus::from_wire(&p.text(1)?);
            update_part(tx, message, &key, &status, p.opt_int(2)?).await?;
            tx.exec(
                "DELETE FROM outbox_pending WHERE id = $1",
                &[p.int(0)?.into()],
            )
            .await?;
        }
    }
    Ok(())
}

/// Applies a report to one part, if it [`replaces`] the part's current one; returns whether
/// it did.
async fn update_part<T: Tx>(
    tx: &mut T,
    message: i64,
    key: &str,
    status: &SmsStatus,
    at: Option<i64>,
) -> Result<bool> {
    let rows = tx
        .query(
            "SELECT status, event_at FROM outbox_parts WHERE message_id = $1 AND platform_key = $2",
            &[message.into(), key.into()],
        )
        .await?;
    let Some(row) = rows.first() else {
        return Ok(false);
    };
    let current = row.opt_text(0)?.map(|s| SmsStatus::from_wire(&s));
    let current_at = row.opt_int(1)?;
    if !replaces(current.as_ref().map(|s| (s, current_at)), status, at) {
        return Ok(false);
    }
    tx.exec(
        "UPDATE outbox_parts SET status = $1, final = $2, event_at = $3, updated_at = $4 \
         WHERE message_id = $5 AND platform_key = $6",
        &[
            status.as_str().into(),
            i64::from(status.is_final()).into(),
            at.into(),
            now_ms().into(),
            message.into(),
            key.into(),
        ],
    )
    .await?;
    tx.exec(
        "UPDATE outbox_messages SET status = $1 WHERE id = $2",
        &[status.as_str().into(), message.into()],
    )
    .await?;
    Ok(true)
}

/// Combines a submitted message's parts into its state, stores it, and returns the message's
/// current state and status.
pub(super) async fn refresh<T: Tx>(tx: &mut T, message: i64) -> Result<Change> {
    let parts = tx
        .query(
            "SELECT status FROM outbox_parts WHERE message_id = $1 ORDER BY part_no",
            &[message.into()],
        )
        .await?;
    let statuses = parts
        .iter()
        .map(|p| Ok(p.opt_text(0)?.map(|s| SmsStatus::from_wire(&s))))
        .collect::<Result<Vec<_>>>()?;
    let combined = combine(statuses.iter().map(Option::as_ref));
    let now = now_ms();
    let final_at = combined.is_final().then_some(now);
    tx.exec(
        "UPDATE outbox_messages SET state = $1, final_at = $2, updated_at = $3 \
         WHERE id = $4 AND state = 'submitted'",
        &[
            combined.as_str().into(),
            final_at.into(),
            now.into(),
            message.into(),
        ],
    )
    .await?;
    let rows = tx
        .query(
            "SELECT reference, state, status FROM outbox_messages WHERE id = $1",
            &[message.into()],
        )
        .await?;
    let row = rows
        .first()
        .ok_or_else(|| crate::Error::Store(format!("message {message} vanished")))?;
    change_of(row)
}

fn change_of(row: &Row) -> Result<Change> {
    Ok(Change {
        reference: row.text(0)?,
        state: parse_state(&row.text(1)?)?,
        status: row.opt_text(2)?.map(|s| SmsStatus::from_wire(&s)),
    })
}

/// Applies a delivery report: to the part with its id; else, when it names the reference of a
/// message in doubt, it settles that message as submitted with this id; else it waits in
/// `outbox_pending` for the id to be recorded.
pub(super) async fn apply<T: Tx>(tx: &mut T, event: &StatusEvent) -> Result<Applied> {
    let [a, b, c] = keys3(&event.message_id);
    let rows = tx
        .query(
            "SELECT message_id, platform_key FROM outbox_parts \
             WHERE platform_key IN ($1, $2, $3) ORDER BY message_id DESC LIMIT 1",
            &[a, b, c],
        )
        .await?;
    if let Some(row) = rows.first() {
        let message = row.int(0)?;
        let key = row.text(1)?;
        if !update_part(tx, message, &key, &event.status, event.at).await? {
            return Ok(Applied::Unchanged);
        }
        return refresh(tx, message).await.map(Applied::Updated);
    }
    if let Some(reference) = &event.reference
        && let Some(applied) = settle_doubt(tx, reference, event).await?
    {
        return Ok(applied);
    }
    tx.exec(
        "INSERT INTO outbox_pending (platform_key, status, event_at, received_at) \
         VALUES ($1, $2, $3, $4)",
        &[
            normal_key(&event.message_id).into(),
            event.status.as_str().into(),
            event.at.into(),
            now_ms().into(),
        ],
    )
    .await?;
    Ok(Applied::Pending)
}

/// A report naming the reference of a message in doubt: the platform has it.
async fn settle_doubt<T: Tx>(
    tx: &mut T,
    reference: &str,
    event: &StatusEvent,
) -> Result<Option<Applied>> {
    let rows = tx
        .query(
            "SELECT id, state, attempts, group_id FROM outbox_messages WHERE reference = $1",
            &[reference.into()],
        )
        .await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    if !parse_state(&row.text(1)?)?.is_in_doubt() {
        return Ok(None);
    }
    let (id, attempt) = (row.int(0)?, row.int(2)?);
    let accepted = Accepted::new(vec![event.message_id.clone()], row.opt_text(3)?);
    if send::submitted(tx, id, attempt, &accepted).await?.is_none() {
        return Ok(None);
    }
    update_part(
        tx,
        id,
        &normal_key(&event.message_id),
        &event.status,
        event.at,
    )
    .await?;
    refresh(tx, id).await.map(|c| Some(Applied::Updated(c)))
}

/// The current state of a message as a [`Change`] (for the user decisions).
pub(super) async fn current<T: Tx>(tx: &mut T, reference: &str) -> Result<Option<Change>> {
    let rows = tx
        .query(
            "SELECT reference, state, status FROM outbox_messages WHERE reference = $1",
            &[reference.into()],
        )
        .await?;
    rows.first().map(change_of).transpose()
}
