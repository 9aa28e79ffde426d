//! The tracking side: a message's parts, delivery reports applied to them (in any order, any
//! number of times), and the message's state combined from its parts.

use std::collections::{BTreeSet, HashMap, HashSet};

use qikberry_text::status::SmsStatus;

use super::send::parse_state;
use super::sql::{Dialect, Row, Tx, Val, now_ms, placeholders, values_rows};
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

/// Serialises, between PostgreSQL transactions, recording parts and applying reports for the
/// same platform ids (every lookup form of each, in one order, so two batches never deadlock).
/// Without it a report and its submit's answer recorded at the same moment by two workers each
/// miss the other (each looks before the other commits): the report waits in `outbox_pending`
/// forever and the message stays `submitted`. SQLite needs none: its writers are serialised.
async fn lock_platform_ids<T: Tx>(tx: &mut T, ids: &[&str]) -> Result<()> {
    if tx.dialect() != Dialect::Postgres {
        return Ok(());
    }
    let keys: BTreeSet<String> = ids.iter().flat_map(|id| platform_keys(id)).collect();
    if keys.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT pg_advisory_xact_lock(hashtext(k)) FROM \
         (SELECT k FROM (VALUES {}) AS t (k) ORDER BY k) AS s",
        values_rows(keys.len(), &["TEXT"], 1)
    );
    let params: Vec<Val> = keys.into_iter().map(Val::from).collect();
    // `exec`: the rows (of type `void`) are not read.
    tx.exec(&sql, &params).await?;
    Ok(())
}

/// Adds parts (after the existing ones) and applies the reports that were waiting for them.
pub(super) async fn add_parts<T: Tx>(tx: &mut T, message: i64, ids: &[String]) -> Result<()> {
    add_parts_many(tx, &[(message, ids)]).await
}

/// [`add_parts`] for many messages `(message, ids)`: one multi-row insert (numbered after each
/// message's existing parts, as the statement found them), one look for pending reports, and
/// only for those found, the report applied and deleted.
pub(super) async fn add_parts_many<T: Tx>(tx: &mut T, items: &[(i64, &[String])]) -> Result<()> {
    let rows: Vec<(i64, i64, &String)> = items
        .iter()
        .flat_map(|(message, ids)| (0..).zip(ids.iter()).map(|(n, id)| (*message, n, id)))
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = rows.iter().map(|(_, _, id)| id.as_str()).collect();
    lock_platform_ids(tx, &ids).await?;
    let sql = format!(
        "WITH v (message_id, n, platform_id, platform_key) AS (VALUES {}) \
         INSERT INTO outbox_parts (message_id, part_no, platform_id, platform_key, updated_at) \
         SELECT v.message_id, v.n + (SELECT COUNT(*) FROM outbox_parts p \
         WHERE p.message_id = v.message_id), v.platform_id, v.platform_key, $1 FROM v \
         WHERE true ON CONFLICT (message_id, platform_key) DO NOTHING",
        values_rows(rows.len(), &["BIGINT", "BIGINT", "TEXT", "TEXT"], 2)
    );
    let mut params = vec![Val::from(now_ms())];
    for (message, n, id) in &rows {
        params.extend([
            (*message).into(),
            (*n).into(),
            id.as_str().into(),
            normal_key(id).into(),
        ]);
    }
    tx.exec(&sql, &params).await?;
    apply_pending(tx, &rows).await
}

/// Applies (then deletes) the pending reports for the parts just added, `(message, n, id)`, in
/// the order they arrived, each to the first part whose id it matches.
async fn apply_pending<T: Tx>(tx: &mut T, parts: &[(i64, i64, &String)]) -> Result<()> {
    let keys: Vec<Val> = parts
        .iter()
        .flat_map(|(_, _, id)| platform_keys(id))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(Val::from)
        .collect();
    let sql = format!(
        "SELECT id, platform_key, status, event_at FROM outbox_pending \
         WHERE platform_key IN ({}) ORDER BY id",
        placeholders(keys.len(), 1)
    );
    let pending = tx.query(&sql, &keys).await?;
    let mut used = HashSet::new();
    for (message, _, id) in parts {
        let keys = platform_keys(id);
        for p in &pending {
            let pid = p.int(0)?;
            if used.contains(&pid) || !keys.contains(&p.text(1)?) {
                continue;
            }
            let status = SmsStatus::from_wire(&p.text(2)?);
            update_part(tx, *message, &normal_key(id), &status, p.opt_int(3)?).await?;
            tx.exec("DELETE FROM outbox_pending WHERE id = $1", &[pid.into()])
                .await?;
            used.insert(pid);
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
    refresh_many(tx, &[message])
        .await?
        .pop()
        .ok_or_else(|| crate::Error::Store(format!("message {message} vanished")))
}

/// [`refresh`] for many messages, in two statements: their parts read at once, then one
/// `UPDATE … FROM (VALUES …)` that stores the combined state of those still submitted and
/// returns every message's state and status.
pub(super) async fn refresh_many<T: Tx>(tx: &mut T, messages: &[i64]) -> Result<Vec<Change>> {
    let ids: Vec<Val> = messages.iter().map(|m| Val::from(*m)).collect();
    let sql = format!(
        "SELECT message_id, status FROM outbox_parts WHERE message_id IN ({}) \
         ORDER BY message_id, part_no",
        placeholders(ids.len(), 1)
    );
    let mut statuses: HashMap<i64, Vec<Option<SmsStatus>>> = HashMap::new();
    for p in tx.query(&sql, &ids).await? {
        let status = p.opt_text(1)?.map(|s| SmsStatus::from_wire(&s));
        statuses.entry(p.int(0)?).or_default().push(status);
    }
    let now = now_ms();
    let sql = format!(
        "WITH v (id, state, final_at) AS (VALUES {}) \
         UPDATE outbox_messages SET \
         final_at = CASE WHEN outbox_messages.state = 'submitted' THEN v.final_at ELSE outbox_messages.final_at END, \
         updated_at = CASE WHEN outbox_messages.state = 'submitted' THEN $1 ELSE outbox_messages.updated_at END, \
         state = CASE WHEN outbox_messages.state = 'submitted' THEN v.state ELSE outbox_messages.state END \
         FROM v WHERE outbox_messages.id = v.id \
         RETURNING outbox_messages.reference, outbox_messages.state, outbox_messages.status",
        values_rows(messages.len(), &["BIGINT", "TEXT", "BIGINT"], 2)
    );
    let mut params = vec![Val::from(now)];
    for m in messages {
        let parts = statuses.get(m).map(Vec::as_slice).unwrap_or_default();
        let combined = combine(parts.iter().map(Option::as_ref));
        let final_at = combined.is_final().then_some(now);
        params.extend([(*m).into(), combined.as_str().into(), final_at.into()]);
    }
    tx.query(&sql, &params)
        .await?
        .iter()
        .map(change_of)
        .collect()
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
    lock_platform_ids(tx, &[&event.message_id]).await?;
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
