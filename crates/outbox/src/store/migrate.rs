//! Versioned migrations: `migrations/NNNN_*.sql`, applied in order inside one transaction,
//! each recorded in `outbox_schema_version`. Applying them again is a no-op; several workers
//! starting at once are serialised (PostgreSQL: a transaction-scoped advisory lock; SQLite:
//! `BEGIN IMMEDIATE`).

use super::sql::{Dialect, Tx, Val, now_ms};
use crate::error::Result;

/// Every migration, in order: (version, SQL with `@ID@` for the dialect's key type).
const MIGRATIONS: &[(i64, &str)] = &[(1, include_str!("../../migrations/0001_init.sql"))];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 1;

/// The advisory lock key that serialises migrations on PostgreSQL (`qikbout` in ASCII).
const MIGRATION_LOCK: i64 = 0x71_69_6b_62_6f_75_74;

/// Brings the schema to [`SCHEMA_VERSION`]; returns the versions it applied (empty when the
/// schema was already current).
pub(crate) async fn migrate<T: Tx>(tx: &mut T) -> Result<Vec<i64>> {
    if tx.dialect() == Dialect::Postgres {
        tx.exec("SELECT pg_advisory_xact_lock($1)", &[MIGRATION_LOCK.into()])
            .await?;
    }
    tx.batch(
        "CREATE TABLE IF NOT EXISTS outbox_schema_version \
         (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
    )
    .await?;
    let rows = tx
        .query(
            "SELECT COALESCE(MAX(version), 0) FROM outbox_schema_version",
            &[],
        )
        .await?;
    let current = rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(0);
    if current > SCHEMA_VERSION {
        return Err(crate::Error::Store(format!(
            "the outbox schema is version {current}, newer than this build's {SCHEMA_VERSION}: \
             upgrade qikberry-outbox"
        )));
    }
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.batch(&sql.replace("@ID@", tx.dialect().id_column()))
            .await?;
        tx.exec(
            "INSERT INTO outbox_schema_version (version, applied_at) VALUES ($1, $2)",
            &[Val::from(*version), now_ms().into()],
        )
        .await?;
        applied.push(*version);
    }
    Ok(applied)
}
