//! The outbox's error type.

/// What can go wrong in the outbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The reference was enqueued before with a different message: a reference names one
    /// message for ever (that is what makes enqueueing idempotent).
    #[error(
        "reference {reference:?} is already enqueued with a different message (field `{field}` differs); \
         use a new reference for a new message"
    )]
    Conflict {
        /// The reference.
        reference: String,
        /// The first field of [`Message`](crate::Message) that differs (`to`, `text`, …), or
        /// `campaign`.
        field: String,
    },
    /// No message has this reference.
    #[error("no message with reference {0:?} in the outbox")]
    NotFound(String),
    /// The operation does not apply to the message's current state (e.g. `resend` of a
    /// message that is not `unknown`).
    #[error("message {reference:?} is {state}: {message}")]
    InvalidState {
        /// The reference.
        reference: String,
        /// Its state.
        state: crate::State,
        /// Why the operation does not apply.
        message: String,
    },
    /// An argument is not acceptable (an empty reference, a zero batch size, …).
    #[error("invalid argument `{field}`: {message}")]
    Invalid {
        /// The argument.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The store failed (I/O, SQL, connection); nothing of the failed operation was stored.
    #[error("outbox store: {0}")]
    Store(String),
    /// A stored value could not be read back (a row written by an incompatible version, or
    /// edited by hand). The text names the column.
    #[error("outbox store holds an unreadable value: {0}")]
    Corrupt(String),
}

/// The outbox's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(format!("sqlite: {e}"))
    }
}

#[cfg(feature = "postgres")]
impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Self {
        // `Display` of a database error is only its severity; the message and detail are in
        // the `DbError`.
        match e.as_db_error() {
            Some(db) => Error::Store(format!("postgres: {}: {}", db.code().code(), db.message())),
            None => Error::Store(format!("postgres: {e}")),
        }
    }
}
