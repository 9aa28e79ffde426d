//! The sending side: enqueue, claim, lease, record outcomes, give back, expire into doubt,
//! and settle doubts.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use super::sql::{Tx, Val, ms, now_ms, values_rows};
use super::{Accepted, Change, Channel, Claimed, Doubt, Outcome, Resolution, track};
use crate::error::{Error, Result};
use crate::message::{Enqueued, Message, NewMessage};
use crate::state::State;

pub(super) async fn enqueue<T: Tx>(
    tx: &mut T,
    campaign: Option<&str>,
    batch: &[NewMessage],
) -> Result<Vec<Enqueued>> {
    let now = now_ms();
    let mut out = Vec::with_capacity(batch.len());
    for item in batch {
        if item.reference.is_empty() {
            return Err(Error::Invalid {
                field: "reference",
                message: "must not be empty".into(),
            });
        }
        let payload = serde_json::to_string(&item.message)
            .map_err(|e| Error::Store(format!("cannot encode the message: {e}")))?;
        let rows = tx
            .query(
                "INSERT INTO outbox_messages (reference, campaign, payload, state, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'queued', $4, $4) ON CONFLICT (reference) DO NOTHING RETURNING id",
                &[
                    item.reference.as_str().into(),
                    campaign.into(),
                    payload.into(),
                    now.into(),
                ],
            )
            .await?;
        let enqueued = match rows.first() {
            Some(row) => Enqueued {
                id: row.int(0)?,
                created: true,
            },
            None => existing(tx, campaign, item).await?,
        };
        out.push(enqueued);
    }
    Ok(out)
}

/// The message already stored under `item`'s reference, if it is the same one.
async fn existing<T: Tx>(
    tx: &mut T,
    campaign: Option<&str>,
    item: &NewMessage,
) -> Result<Enqueued> {
    let rows = tx
        .query(
            "SELECT id, payload, campaign FROM outbox_messages WHERE reference = $1",
            &[item.reference.as_str().into()],
        )
        .await?;
    let row = rows
        .first()
        .ok_or_else(|| Error::Store(format!("reference {:?} vanished", item.reference)))?;
    let stored = decode_message(&row.text(1)?)?;
    let conflict = |field: &str| Error::Conflict {
        reference: item.reference.clone(),
        field: field.to_owned(),
    };
    if let Some(field) = item.message.first_difference(&stored) {
        return Err(conflict(field));
    }
    if row.opt_text(2)?.as_deref() != campaign {
        return Err(conflict("campaign"));
    }
    Ok(Enqueued {
        id: row.int(0)?,
        created: false,
    })
}

pub(super) fn decode_message(payload: &str) -> Result<Message> {
    serde_json::from_str(payload)
        .map_err(|e| Error::Corrupt(format!("payload is not a message: {e}")))
}

pub(super) async fn claim<T: Tx>(
    tx: &mut T,
    worker: &str,
    channel: Channel,
    max: usize,
    lease: Duration,
) -> Result<Vec<Claimed>> {
    let now = now_ms();
    let sql = format!(
        "UPDATE outbox_messages SET state = 'sending', worker = $1, channel = $2, \
         lease_until = $3, attempts = attempts + 1, updated_at = $4 \
         WHERE id IN (SELECT id FROM outbox_messages WHERE state = 'queued' AND not_before <= $4 \
         ORDER BY id LIMIT $5{}) RETURNING id, reference, payload, attempts",
        tx.dialect().skip_locked()
    );
    let limit = i64::try_from(max).unwrap_or(i64::MAX);
    let rows = tx
        .query(
            &sql,
            &[
                worker.into(),
                channel.as_str().into(),
                now.saturating_add(ms(lease)).into(),
                now.into(),
                limit.into(),
            ],
        )
        .await?;
    let mut claimed = rows
        .iter()
        .map(|r| {
            Ok(Claimed {
                id: r.int(0)?,
                reference: r.text(1)?,
                message: decode_message(&r.text(2)?)?,
                attempt: r.int(3)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    claimed.sort_by_key(|c| c.id);
    Ok(claimed)
}

pub(super) async fn renew<T: Tx>(tx: &mut T, worker: &str, lease: Duration) -> Result<u64> {
    let until = now_ms().saturating_add(ms(lease));
    tx.exec(
        "UPDATE outbox_messages SET lease_until = $1 WHERE worker = $2 AND state = 'sending'",
        &[until.into(), worker.into()],
    )
    .await
}

/// Rows per set-based statement: bounds the parameters of one statement and the variants of
/// it that a connection prepares.
pub(super) const CHUNK: usize = 64;

/// Records the outcomes: the accepted ones (nearly all of them) set-based, a few statements
/// per [`CHUNK`] whatever its size; the others one by one. Changes come in the outcomes' order.
pub(super) async fn record<T: Tx>(
    tx: &mut T,
    outcomes: &[(Claimed, Outcome)],
) -> Result<Vec<Change>> {
    let accepted: Vec<_> = outcomes
        .iter()
        .filter_map(|(c, o)| match o {
            Outcome::Accepted(a) => Some((c.id, c.attempt, a)),
            _ => None,
        })
        .collect();
    let mut changes = Vec::new();
    for chunk in accepted.chunks(CHUNK) {
        changes.extend(submitted_many(tx, chunk).await?);
    }
    for (claim, outcome) in outcomes {
        if !matches!(outcome, Outcome::Accepted(_))
            && let Some(change) = record_one(tx, claim.id, claim.attempt, outcome).await?
        {
            changes.push(change);
        }
    }
    let position: HashMap<&str, usize> = outcomes
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (c.reference.as_str(), i))
        .collect();
    changes.sort_by_key(|c| position.get(c.reference.as_str()).copied());
    Ok(changes)
}

async fn record_one<T: Tx>(
    tx: &mut T,
    id: i64,
    attempt: i64,
    outcome: &Outcome,
) -> Result<Option<Change>> {
    let now = now_ms();
    match outcome {
        Outcome::Accepted(accepted) => submitted(tx, id, attempt, accepted).await,
        Outcome::Refused { error } => {
            let sql = "UPDATE outbox_messages SET state = 'refused', last_error = $1, \
                       lease_until = NULL, final_at = $2, updated_at = $2 \
                       WHERE id = $3 AND attempts = $4 AND state = 'sending' RETURNING reference, state";
            let p = [error.as_str().into(), now.into(), id.into(), attempt.into()];
            changed(tx, sql, &p).await
        }
        Outcome::NotSent { error, retry_after } => {
            let sql = "UPDATE outbox_messages SET state = 'queued', last_error = $1, \
                       not_before = $2, lease_until = NULL, updated_at = $3 \
                       WHERE id = $4 AND attempts = $5 AND state = 'sending' RETURNING reference, state";
            let at = now.saturating_add(ms(*retry_after));
            let p = [
                error.as_str().into(),
                at.into(),
                now.into(),
                id.into(),
                attempt.into(),
            ];
            changed(tx, sql, &p).await
        }
        Outcome::Unknown {
            error,
            accepted_parts,
        } => {
            let sql = "UPDATE outbox_messages SET \
                       state = CASE WHEN channel = 'rest' THEN 'reconciling' ELSE 'unknown' END, \
                       last_error = $1, in_doubt_since = $2, recon_after = $2, lookups = 0, \
                       lease_until = NULL, updated_at = $2 \
                       WHERE id = $3 AND attempts = $4 AND state = 'sending' RETURNING reference, state";
            let p = [error.as_str().into(), now.into(), id.into(), attempt.into()];
            let change = changed(tx, sql, &p).await?;
            if change.is_some() {
                track::add_parts(tx, id, accepted_parts).await?;
            }
            Ok(change)
        }
    }
}

/// Runs an `UPDATE … RETURNING reference, state` and reads the change it made, if any.
async fn changed<T: Tx>(tx: &mut T, sql: &str, params: &[Val]) -> Result<Option<Change>> {
    let rows = tx.query(sql, params).await?;
    rows.first()
        .map(|r| {
            Ok(Change {
                reference: r.text(0)?,
                state: parse_state(&r.text(1)?)?,
                status: None,
            })
        })
        .transpose()
}

pub(super) fn parse_state(s: &str) -> Result<State> {
    State::parse(s).ok_or_else(|| Error::Corrupt(format!("state {s:?} is not a known state")))
}

/// Records an accepted send (from the worker, or found by a lookup): submitted with its
/// parts, pending reports applied, the state combined from the parts.
pub(super) async fn submitted<T: Tx>(
    tx: &mut T,
    id: i64,
    attempt: i64,
    accepted: &Accepted,
) -> Result<Option<Change>> {
    Ok(submitted_many(tx, &[(id, attempt, accepted)]).await?.pop())
}

/// [`submitted`] for many claims `(id, attempt, accepted)` at once, in five statements: one
/// `UPDATE … FROM (VALUES …)` that moves only the claims still current (same attempt, not
/// settled since) to submitted, one multi-row insert of their parts, one look for pending
/// reports, and the state combined from the parts (read, then written). Returns the changes of
/// the claims that were current.
pub(super) async fn submitted_many<T: Tx>(
    tx: &mut T,
    claims: &[(i64, i64, &Accepted)],
) -> Result<Vec<Change>> {
    if claims.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "WITH v (id, attempt, group_id) AS (VALUES {}) \
         UPDATE outbox_messages SET state = 'submitted', group_id = v.group_id, lease_until = NULL, \
         in_doubt_since = NULL, recon_after = NULL, last_error = NULL, updated_at = $1 \
         FROM v WHERE outbox_messages.id = v.id AND outbox_messages.attempts = v.attempt \
         AND outbox_messages.state IN ('sending', 'reconciling', 'unknown') \
         RETURNING outbox_messages.id",
        values_rows(claims.len(), &["BIGINT", "BIGINT", "TEXT"], 2)
    );
    let mut params = vec![Val::from(now_ms())];
    for (id, attempt, accepted) in claims {
        params.extend([
            (*id).into(),
            (*attempt).into(),
            accepted.group_id.clone().into(),
        ]);
    }
    let rows = tx.query(&sql, &params).await?;
    let updated = rows
        .iter()
        .map(|r| r.int(0))
        .collect::<Result<HashSet<_>>>()?;
    let current: Vec<_> = claims
        .iter()
        .filter(|(id, _, _)| updated.contains(id))
        .collect();
    if current.is_empty() {
        return Ok(Vec::new());
    }
    let parts: Vec<_> = current
        .iter()
        .map(|(id, _, a)| (*id, a.message_ids.as_slice()))
        .collect();
    track::add_parts_many(tx, &parts).await?;
    let ids: Vec<i64> = current.iter().map(|(id, _, _)| *id).collect();
    track::refresh_many(tx, &ids).await
}

pub(super) async fn release<T: Tx>(tx: &mut T, worker: &str, claims: &[Claimed]) -> Result<u64> {
    let now = now_ms();
    let mut released = 0;
    for c in claims {
        released += tx
            .exec(
                "UPDATE outbox_messages SET state = 'queued', attempts = attempts - 1, \
                 lease_until = NULL, updated_at = $1 \
                 WHERE id = $2 AND attempts = $3 AND worker = $4 AND state = 'sending'",
                &[now.into(), c.id.into(), c.attempt.into(), worker.into()],
            )
            .await?;
    }
    Ok(released)
}

pub(super) async fn expire<T: Tx>(tx: &mut T, keep_pending: Duration) -> Result<Vec<Change>> {
    let now = now_ms();
    let rows = tx
        .query(
            "UPDATE outbox_messages SET \
             state = CASE WHEN channel = 'rest' THEN 'reconciling' ELSE 'unknown' END, \
             last_error = 'the lease of worker ' || COALESCE(worker, '?') || \
             ' expired before the outcome of its send was recorded (it crashed or stalled)', \
             in_doubt_since = $1, recon_after = $1, lookups = 0, lease_until = NULL, updated_at = $1 \
             WHERE state = 'sending' AND lease_until < $1 RETURNING reference, state",
            &[now.into()],
        )
        .await?;
    tx.exec(
        "DELETE FROM outbox_pending WHERE received_at < $1",
        &[now.saturating_sub(ms(keep_pending)).into()],
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Change {
                reference: r.text(0)?,
                state: parse_state(&r.text(1)?)?,
                status: None,
            })
        })
        .collect()
}

pub(super) async fn doubts<T: Tx>(tx: &mut T, max: usize, lease: Duration) -> Result<Vec<Doubt>> {
    let now = now_ms();
    let sql = format!(
        "UPDATE outbox_messages SET recon_after = $1, lookups = lookups + 1 \
         WHERE id IN (SELECT id FROM outbox_messages WHERE state = 'reconciling' \
         AND recon_after <= $2 ORDER BY recon_after LIMIT $3{}) \
         RETURNING id, reference, attempts, in_doubt_since, lookups",
        tx.dialect().skip_locked()
    );
    let limit = i64::try_from(max).unwrap_or(i64::MAX);
    let rows = tx
        .query(
            &sql,
            &[
                now.saturating_add(ms(lease)).into(),
                now.into(),
                limit.into(),
            ],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Doubt {
                id: r.int(0)?,
                reference: r.text(1)?,
                attempt: r.int(2)?,
                since: r.opt_int(3)?.unwrap_or(now),
                lookups: r.int(4)?,
            })
        })
        .collect()
}

pub(super) async fn resolve<T: Tx>(
    tx: &mut T,
    doubt: &Doubt,
    resolution: &Resolution,
) -> Result<Option<Change>> {
    let now = now_ms();
    match resolution {
        Resolution::Found(accepted, events) => {
            let change = submitted(tx, doubt.id, doubt.attempt, accepted).await?;
            if change.is_none() {
                return Ok(None);
            }
            for event in events {
                track::apply(tx, event).await?;
            }
            track::refresh(tx, doubt.id).await.map(Some)
        }
        Resolution::NotFound => {
            let sql = "UPDATE outbox_messages SET state = 'queued', not_before = $1, \
                       in_doubt_since = NULL, recon_after = NULL, last_error = $2, updated_at = $1 \
                       WHERE id = $3 AND attempts = $4 AND state = 'reconciling' RETURNING reference, state";
            let note = format!(
                "not found on the platform by its reference after {} lookup(s): sending again",
                doubt.lookups
            );
            let p = [
                now.into(),
                note.into(),
                doubt.id.into(),
                doubt.attempt.into(),
            ];
            changed(tx, sql, &p).await
        }
        Resolution::Retry { note, retry_in } => {
            tx.exec(
                "UPDATE outbox_messages SET recon_after = $1, last_error = $2, updated_at = $3 \
                 WHERE id = $4 AND attempts = $5 AND state = 'reconciling'",
                &[
                    now.saturating_add(ms(*retry_in)).into(),
                    note.as_str().into(),
                    now.into(),
                    doubt.id.into(),
                    doubt.attempt.into(),
                ],
            )
            .await?;
            Ok(None)
        }
    }
}
