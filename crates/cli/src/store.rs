//! `--store`: opening the SQLite or PostgreSQL outbox. The location may carry a password: it
//! is never part of an error message.

use std::sync::Arc;

use qikberry::outbox::{Outbox, PostgresStore, SqliteStore};

/// Opens (and migrates) the outbox at `location`: `sqlite:PATH` or `postgres://…`
/// (`postgresql://…`); the password from the URL or else PGPASSWORD.
pub async fn open(location: &str) -> Result<Outbox, String> {
    if let Some(path) = location.strip_prefix("sqlite:") {
        let path = path.strip_prefix("//").unwrap_or(path);
        if path.is_empty() {
            return Err("--store sqlite: needs a path, like sqlite:campaign.db".into());
        }
        let store = SqliteStore::open(path)
            .await
            .map_err(|e| format!("--store {location}: {e}"))?;
        return Ok(Outbox::new(Arc::new(store)));
    }
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        let url = with_pgpassword(location, std::env::var("PGPASSWORD").ok())?;
        let store = PostgresStore::connect(&url)
            .await
            .map_err(|e| format!("--store (PostgreSQL at {}): {e}", redacted(location)))?;
        return Ok(Outbox::new(Arc::new(store)));
    }
    Err(format!(
        "--store {}: expected sqlite:PATH or postgres://user@host/db",
        redacted(location)
    ))
}

/// `url` with `password` set when it has none of its own.
fn with_pgpassword(location: &str, password: Option<String>) -> Result<String, String> {
    let mut url = url::Url::parse(location)
        .map_err(|e| format!("--store (PostgreSQL at {}): {e}", redacted(location)))?;
    if let Some(p) = password.filter(|p| !p.is_empty())
        && url.password().is_none()
    {
        url.set_password(Some(&p))
            .map_err(|()| "--store: this PostgreSQL URL cannot carry a password".to_owned())?;
    }
    Ok(url.to_string())
}

/// `location` without its password (for messages).
pub fn redacted(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        Ok(_) => location.to_owned(),
        Err(_) => "(unparsable location)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            redacted("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert!(!redacted("postgres://u:secret@h:x/db").contains("secret"));
    }

    #[test]
    fn pgpassword_fills_a_url_without_one() {
        let u = with_pgpassword("postgres://u@h/db", Some("p w".into())).unwrap();
        assert_eq!(u, "postgres://u:p%20w@h/db");
        let u = with_pgpassword("postgres://u:own@h/db", Some("other".into())).unwrap();
        assert_eq!(u, "postgres://u:own@h/db");
    }
}
