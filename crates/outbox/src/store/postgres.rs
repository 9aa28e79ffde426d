//! [`PostgresStore`]: the shared store for many workers on many machines (feature
//! `postgres`).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::future::BoxFuture;
use tokio::sync::Mutex;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, NoTls, Statement};

use super::sql::{Dialect, Row, Tx, Val, Value};
use super::{Backend, Op, migrate};
use crate::error::{Error, Result};

/// Connections a [`PostgresStore`] opens unless told otherwise.
pub const DEFAULT_CONNECTIONS: usize = 4;

/// The outbox in PostgreSQL, shared by any number of workers in any number of processes.
///
/// Claims pick rows with `FOR UPDATE SKIP LOCKED`, so concurrent workers never claim the same
/// message and never wait for each other. The store keeps a few connections (each operation
/// takes one for its transaction; a broken one is made again on next use). TLS is not built
/// in: reach a remote server through a tunnel or sidecar.
///
/// ```no_run
/// # async fn run() -> qikberry_outbox::Result<()> {
/// let store = qikberry_outbox::PostgresStore::connect("host=127.0.0.1 user=app dbname=app").await?;
/// # Ok(()) }
/// ```
pub struct PostgresStore {
    config: tokio_postgres::Config,
    slots: Vec<Mutex<Option<PgConn>>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The configuration may carry a password: not shown.
        f.debug_struct("PostgresStore")
            .field("connections", &self.slots.len())
            .finish_non_exhaustive()
    }
}

/// One connection with its prepared statements, the [`Tx`] of this backend.
pub(crate) struct PgConn {
    client: Client,
    statements: HashMap<String, Statement>,
}

impl PostgresStore {
    /// Connects with a libpq-style configuration (`host=… user=… dbname=…` or a
    /// `postgresql://` URL), [`DEFAULT_CONNECTIONS`] connections, and brings the schema up to
    /// date (safe when several workers start at once).
    pub async fn connect(config: &str) -> Result<PostgresStore> {
        Self::connect_with(config, DEFAULT_CONNECTIONS).await
    }

    /// Like [`connect`](Self::connect), with at most `connections` connections (at least 1).
    pub async fn connect_with(config: &str, connections: usize) -> Result<PostgresStore> {
        let config: tokio_postgres::Config = config.parse().map_err(|e| Error::Invalid {
            field: "config",
            message: format!("not a PostgreSQL configuration: {e}"),
        })?;
        let store = PostgresStore {
            config,
            slots: (0..connections.max(1)).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the migrations this build knows (a no-op when the schema is current); returns
    /// the versions applied. [`connect`](Self::connect) does it already.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        self.transact(Arc::new(|tx: &mut PgConn| {
            Box::pin(migrate::migrate(tx)) as BoxFuture<'_, _>
        }))
        .await
    }

    async fn open(&self) -> Result<PgConn> {
        let (client, connection) = self.config.connect(NoTls).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(PgConn {
            client,
            statements: HashMap::new(),
        })
    }
}

/// SQLSTATEs after which the transaction is run again: serialization failure, deadlock.
fn retryable(e: &Error) -> bool {
    matches!(e, Error::Store(m) if m.starts_with("postgres: 40001") || m.starts_with("postgres: 40P01"))
}

impl Backend for PostgresStore {
    type Conn = PgConn;

    fn transact<R: Send + 'static>(&self, op: Op<PgConn, R>) -> BoxFuture<'_, Result<R>> {
        Box::pin(async move {
            let slot = &self.slots[self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len()];
            let mut guard = slot.lock().await;
            let mut tries = 0;
            loop {
                tries += 1;
                if guard.as_ref().is_none_or(|c| c.client.is_closed()) {
                    *guard = Some(self.open().await?);
                }
                let conn = guard.as_mut().expect("connected above");
                conn.client.batch_execute("BEGIN").await?;
                let result = op(conn).await;
                let result = match result {
                    Ok(v) => conn
                        .client
                        .batch_execute("COMMIT")
                        .await
                        .map(|()| v)
                        .map_err(Error::from),
                    Err(e) => {
                        let _ = conn.client.batch_execute("ROLLBACK").await;
                        Err(e)
                    }
                };
                match result {
                    Err(e) if tries < 5 && retryable(&e) => continue,
                    other => return other,
                }
            }
        })
    }
}

fn to_sql(v: &Val) -> &(dyn ToSql + Sync) {
    match v {
        Val::Int(i) => i,
        Val::Text(t) => t,
    }
}

fn row_of(r: &tokio_postgres::Row) -> Result<Row> {
    let values = r
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let t = c.type_();
            Ok(if *t == Type::INT8 {
                r.try_get::<_, Option<i64>>(i)?
                    .map_or(Value::Null, Value::Int)
            } else if *t == Type::INT4 {
                r.try_get::<_, Option<i32>>(i)?
                    .map_or(Value::Null, |v| Value::Int(v.into()))
            } else if *t == Type::TEXT || *t == Type::VARCHAR {
                r.try_get::<_, Option<String>>(i)?
                    .map_or(Value::Null, Value::Text)
            } else {
                return Err(Error::Corrupt(format!("column {} has type {t}", c.name())));
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Row(values))
}

impl PgConn {
    async fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).await?;
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

impl Tx for PgConn {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    async fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>> {
        let stmt = self.statement(sql).await?;
        let p: Vec<_> = params.iter().map(to_sql).collect();
        self.client
            .query(&stmt, &p)
            .await?
            .iter()
            .map(row_of)
            .collect()
    }

    async fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let stmt = self.statement(sql).await?;
        let p: Vec<_> = params.iter().map(to_sql).collect();
        Ok(self.client.execute(&stmt, &p).await?)
    }

    async fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.client.batch_execute(sql).await?)
    }
}
