//! What the stores have in common: one connection inside a transaction ([`Tx`]), the values
//! that cross it, and the dialect differences the shared SQL needs.

use std::future::Future;

use crate::error::{Error, Result};

/// The SQL dialect of a connection (the few places where the shared SQL differs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    Sqlite,
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Postgres,
}

impl Dialect {
    /// Appended to a `SELECT` that picks rows to claim: other workers skip the rows this one
    /// locked. SQLite needs none: its writers are serialised (`BEGIN IMMEDIATE`).
    pub(crate) fn skip_locked(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// The column type of an auto-assigned 64-bit primary key.
    pub(crate) fn id_column(self) -> &'static str {
        match self {
            Dialect::Sqlite => "INTEGER PRIMARY KEY",
            Dialect::Postgres => "BIGSERIAL PRIMARY KEY",
        }
    }
}

/// A parameter: the two column types the schema uses (64-bit integers and text), each
/// nullable with its type known (PostgreSQL checks it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(Some(v))
    }
}

impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::Int(v)
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(Some(v.to_owned()))
    }
}

impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(Some(v))
    }
}

impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::Text(v)
    }
}

impl From<Option<&str>> for Val {
    fn from(v: Option<&str>) -> Self {
        Val::Text(v.map(str::to_owned))
    }
}

/// One value of a result row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    Text(String),
}

/// A result row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row(pub(crate) Vec<Value>);

impl Row {
    fn at(&self, i: usize) -> Result<&Value> {
        self.0
            .get(i)
            .ok_or_else(|| Error::Corrupt(format!("result column {i} is missing")))
    }

    /// An integer column that may be NULL.
    pub(crate) fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.at(i)? {
            Value::Null => Ok(None),
            Value::Int(v) => Ok(Some(*v)),
            Value::Text(t) => Err(Error::Corrupt(format!(
                "column {i} holds text {t:?} where an integer was expected"
            ))),
        }
    }

    /// An integer column.
    pub(crate) fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| Error::Corrupt(format!("column {i} is NULL")))
    }

    /// A text column that may be NULL.
    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.at(i)? {
            Value::Null => Ok(None),
            Value::Text(t) => Ok(Some(t.clone())),
            Value::Int(v) => Err(Error::Corrupt(format!(
                "column {i} holds the integer {v} where text was expected"
            ))),
        }
    }

    /// A text column.
    pub(crate) fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| Error::Corrupt(format!("column {i} is NULL")))
    }
}

/// A connection inside a transaction that the store opened (and commits when the operation
/// returns `Ok`, rolls back otherwise). SQL uses `$1`, `$2`, … placeholders.
pub(crate) trait Tx: Send {
    /// The connection's dialect.
    fn dialect(&self) -> Dialect;

    /// Runs a statement and returns its rows (`SELECT`, or `… RETURNING`).
    fn query<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Val],
    ) -> impl Future<Output = Result<Vec<Row>>> + Send + 'a;

    /// Runs a statement and returns how many rows it changed.
    fn exec<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Val],
    ) -> impl Future<Output = Result<u64>> + Send + 'a;

    /// Runs several statements without parameters (migrations).
    fn batch<'a>(&'a mut self, sql: &'a str) -> impl Future<Output = Result<()>> + Send + 'a;
}

/// Milliseconds since the Unix epoch, now (the store's clock: leases, grace periods and
/// `updated_at` of every worker compare against it, so keep the machines' clocks in sync).
pub(crate) fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

/// A duration in milliseconds, saturating.
pub(crate) fn ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// `$first, $first+1, …`: `n` numbered placeholders (an `IN (…)` list).
pub(crate) fn placeholders(n: usize, first: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of a `VALUES` list: `rows` rows of one placeholder per column type in `types`
/// (`BIGINT` or `TEXT`), numbered from `$first`, each cast to its type (PostgreSQL cannot
/// infer the type of a parameter in `VALUES`; SQLite reads the cast as an affinity).
pub(crate) fn values_rows(rows: usize, types: &[&str], first: usize) -> String {
    (0..rows)
        .map(|r| {
            let cols = types
                .iter()
                .enumerate()
                .map(|(c, t)| format!("CAST(${} AS {t})", first + r * types.len() + c))
                .collect::<Vec<_>>()
                .join(", ");
            format!("({cols})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}
