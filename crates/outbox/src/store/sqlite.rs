//! [`SqliteStore`]: the embedded store (feature `sqlite`, SQLite compiled in).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures_util::future::BoxFuture;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode};

use super::sql::{Dialect, Row, Tx, Val, Value};
use super::{Backend, Op, migrate};
use crate::error::{Error, Result};

/// How long a transaction waits for another connection's write lock (another worker, another
/// process) before it fails.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The outbox in one SQLite file: the default for one machine, with any number of workers
/// and processes on the same file.
///
/// The file is in WAL mode (readers never block the writer) with `synchronous = NORMAL`: a
/// committed transaction survives a crash of the process; a power loss may lose the last
/// transactions before the OS wrote them, which the outbox then redoes as if never recorded
/// (a claim lost this way goes back to the queue unsent only if its send was also lost — use
/// [`SqliteStore::full_sync`] for `synchronous = FULL` if you cannot accept that). Every
/// operation runs on Tokio's blocking pool inside `BEGIN IMMEDIATE`, so writers of every
/// process are serialised and claims never overlap.
///
/// ```no_run
/// # async fn run() -> qikberry_outbox::Result<()> {
/// let store = qikberry_outbox::SqliteStore::open("outbox.db").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SqliteStore {
    path: PathBuf,
    conn: Arc<Mutex<SqliteConn>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// One SQLite connection, the [`Tx`] of this backend.
pub(crate) struct SqliteConn(Connection);

impl SqliteStore {
    /// Opens (creating it if needed) the outbox file at `path` and brings its schema up to
    /// date. Safe when several processes open the same file at once.
    pub async fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        let path = path.as_ref().to_path_buf();
        let p = path.clone();
        let conn = blocking(move || {
            let conn = Connection::open(&p)?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            wal_mode(&conn)?;
            conn.execute_batch("PRAGMA synchronous = NORMAL")?;
            Ok(SqliteConn(conn))
        })
        .await?;
        let store = SqliteStore {
            path,
            conn: Arc::new(Mutex::new(conn)),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// `synchronous = FULL`: every commit reaches the disk before it returns (slower; see the
    /// type's docs).
    pub async fn full_sync(self) -> Result<SqliteStore> {
        let conn = self.conn.clone();
        blocking(move || {
            let c = conn.lock().unwrap_or_else(|p| p.into_inner());
            c.0.execute_batch("PRAGMA synchronous = FULL")?;
            Ok(())
        })
        .await?;
        Ok(self)
    }

    /// Applies the migrations this build knows (a no-op when the schema is current); returns
    /// the versions applied. [`open`](Self::open) does it already.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        self.transact(Arc::new(|tx: &mut SqliteConn| {
            Box::pin(migrate::migrate(tx)) as BoxFuture<'_, _>
        }))
        .await
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Runs `f` on Tokio's blocking pool.
async fn blocking<R: Send + 'static>(f: impl FnOnce() -> Result<R> + Send + 'static) -> Result<R> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Store(format!("sqlite task failed: {e}")))?
}

/// Polls a future that completes without waiting (every operation over a [`SqliteConn`]
/// does: its calls are synchronous).
fn now_or_never<F: Future>(f: F) -> Result<F::Output> {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Ok(v),
        Poll::Pending => Err(Error::Store(
            "internal: a SQLite operation waited on something asynchronous".into(),
        )),
    }
}

/// Switches `conn` to WAL. Changing the journal mode takes the file's exclusive lock and does
/// not wait on the busy handler, so several processes opening a new file at once see
/// `database is locked`: it is tried again for up to [`BUSY_TIMEOUT`].
fn wal_mode(conn: &Connection) -> rusqlite::Result<()> {
    let started = std::time::Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())) {
            Err(e) if busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            result => return result,
        }
    }
}

/// Whether `BEGIN IMMEDIATE` may succeed when tried again (the write lock stayed busy
/// beyond [`BUSY_TIMEOUT`]).
fn busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

impl Backend for SqliteStore {
    type Conn = SqliteConn;

    fn transact<R: Send + 'static>(&self, op: Op<SqliteConn, R>) -> BoxFuture<'_, Result<R>> {
        let conn = self.conn.clone();
        Box::pin(blocking(move || {
            let mut c = conn.lock().unwrap_or_else(|p| p.into_inner());
            let mut tries = 0;
            loop {
                tries += 1;
                if let Err(e) = c.0.execute_batch("BEGIN IMMEDIATE") {
                    if tries < 3 && busy(&e) {
                        continue;
                    }
                    return Err(e.into());
                }
                let result = now_or_never(op(&mut c)).and_then(|r| r);
                match result {
                    Ok(value) => match c.0.execute_batch("COMMIT") {
                        Ok(()) => return Ok(value),
                        Err(e) => {
                            let _ = c.0.execute_batch("ROLLBACK");
                            return Err(e.into());
                        }
                    },
                    Err(e) => {
                        let _ = c.0.execute_batch("ROLLBACK");
                        return Err(e);
                    }
                }
            }
        }))
    }
}

/// `$1` → `?1`: SQLite's numbered parameters.
fn numbered(sql: &str) -> String {
    sql.replace('$', "?")
}

fn bind(params: &[Val]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|v| match v {
            Val::Int(Some(i)) => rusqlite::types::Value::Integer(*i),
            Val::Text(Some(t)) => rusqlite::types::Value::Text(t.clone()),
            Val::Int(None) | Val::Text(None) => rusqlite::types::Value::Null,
        })
        .collect()
}

impl SqliteConn {
    fn rows(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Row>> {
        let mut stmt = self.0.prepare_cached(&numbered(sql))?;
        let n = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(bind(params)))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let row = (0..n)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(v) => Value::Int(v),
                        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                        other => {
                            return Err(Error::Corrupt(format!(
                                "column {i} has SQLite type {:?}",
                                other.data_type()
                            )));
                        }
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            out.push(Row(row));
        }
        Ok(out)
    }
}

impl Tx for SqliteConn {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn query<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Val],
    ) -> impl Future<Output = Result<Vec<Row>>> + Send + 'a {
        std::future::ready(self.rows(sql, params))
    }

    fn exec<'a>(
        &'a mut self,
        sql: &'a str,
        params: &'a [Val],
    ) -> impl Future<Output = Result<u64>> + Send + 'a {
        let r = self
            .0
            .prepare_cached(&numbered(sql))
            .and_then(|mut s| s.execute(rusqlite::params_from_iter(bind(params))))
            .map(|n| n as u64)
            .map_err(Error::from);
        std::future::ready(r)
    }

    fn batch<'a>(&'a mut self, sql: &'a str) -> impl Future<Output = Result<()>> + Send + 'a {
        std::future::ready(self.0.execute_batch(sql).map_err(Error::from))
    }
}
