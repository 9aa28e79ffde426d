//! The error type of every client call.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use crate::types::StringOrNumber;

/// Everything that can go wrong when calling the API.
///
/// Match on the variant, or use the helpers ([`is_not_found`](Error::is_not_found),
/// [`is_rate_limited`](Error::is_rate_limited), [`retry_after`](Error::retry_after), …):
///
/// ```no_run
/// use qikberry::Error;
///
/// fn report<T: std::fmt::Debug>(result: Result<T, Error>) {
/// match result {
///     Ok(value) => println!("{value:?}"),
///     Err(e) if e.is_unauthorized() => eprintln!("check QIKBERRY_TOKEN"),
///     Err(e) if e.is_rate_limited() => eprintln!("slow down, retry after {:?}", e.retry_after()),
///     Err(Error::Api { status, body, .. }) => eprintln!("{status}: {}", body.message),
///     Err(e) => eprintln!("{e}"),
/// }
/// }
/// ```
///
/// No variant ever contains the API token: transport errors have their URL removed (the token
/// may sit in its query string) and body excerpts are scrubbed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-success HTTP status.
    #[error("{operation}: HTTP {status}: {}", body.message)]
    Api {
        /// HTTP status of the response.
        status: StatusCode,
        /// The decoded error envelope (or, when the body was not the usual JSON envelope, an
        /// envelope whose `message` is a short excerpt of the body). Boxed to keep `Error` small.
        body: Box<ErrorBody>,
        /// Delay the server asked for in a `Retry-After` header (in seconds), if any.
        retry_after: Option<Duration>,
        /// The operationId of the call, e.g. `sms_send_message`.
        operation: &'static str,
    },
    /// The request could not be sent or the response could not be read (DNS, connect, TLS,
    /// timeout, reset). The URL is removed from the inner error.
    #[error("{operation}: transport error: {source}")]
    Transport {
        /// The operationId of the call.
        operation: &'static str,
        /// The underlying HTTP client error (URL stripped).
        #[source]
        source: reqwest::Error,
    },
    /// A success response whose body does not match the expected model.
    #[error(
        "{operation}: cannot decode response at `{path}`: {message}; body starts with: {excerpt}"
    )]
    Decode {
        /// The operationId of the call.
        operation: &'static str,
        /// JSON path of the failing value, e.g. `data[0].credits` (`.` for the root).
        path: String,
        /// What serde reported.
        message: String,
        /// The first bytes of the body (the token, if ever echoed, is replaced by `[REDACTED]`).
        excerpt: String,
    },
    /// The request could not be encoded (a model that does not serialize to JSON, a file part
    /// that cannot be read).
    #[error("cannot encode request: {message}")]
    Encode {
        /// What went wrong.
        message: String,
    },
    /// The client is misconfigured (no token, invalid base URL, invalid header value).
    #[error("configuration error: {0}")]
    Config(String),
    /// A middleware [`Layer`](crate::runtime::Layer) failed for its own reasons.
    #[error("{0}")]
    Layer(String),
}

impl Error {
    /// HTTP status of an [`Error::Api`], `None` for other variants.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// `true` for HTTP 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// `true` for HTTP 401 (missing, invalid or expired token).
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// `true` for HTTP 403.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(StatusCode::FORBIDDEN)
    }

    /// `true` for HTTP 422 (validation failed; see [`validation_errors`](Self::validation_errors)).
    pub fn is_validation(&self) -> bool {
        self.status() == Some(StatusCode::UNPROCESSABLE_ENTITY)
    }

    /// `true` for HTTP 429 (see [`retry_after`](Self::retry_after)).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// `true` for HTTP 5xx.
    pub fn is_server_error(&self) -> bool {
        self.status().is_some_and(|s| s.is_server_error())
    }

    /// `true` when the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
    }

    /// The server's `message` of an [`Error::Api`].
    pub fn api_message(&self) -> Option<&str> {
        match self {
            Error::Api { body, .. } => Some(&body.message),
            _ => None,
        }
    }

    /// Field-level validation failures of an [`Error::Api`] (422 responses).
    pub fn validation_errors(&self) -> Option<&BTreeMap<String, Vec<String>>> {
        match self {
            Error::Api { body, .. } => body.errors.as_ref(),
            _ => None,
        }
    }

    /// The `Retry-After` delay the server sent with an [`Error::Api`] (typically with 429/503).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The operationId of the failed call, when known.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Api { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Decode { operation, .. } => Some(operation),
            _ => None,
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Encode {
            message: e.to_string(),
        }
    }
}

/// The error envelope the API sends with 4xx/5xx responses.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// `"ERROR"`, `"FAIL"` or a numeric status, depending on the endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StringOrNumber>,
    /// HTTP-like code repeated in the body.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_code"
    )]
    pub code: Option<i64>,
    /// Human-readable explanation.
    #[serde(default)]
    pub message: String,
    /// Validation failures keyed by field name (422).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_errors"
    )]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

/// `code` sometimes arrives as a string; accept `"422"` as well as `422`, ignore anything else.
fn lenient_code<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::Number(n)) => n.as_i64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// `errors` is documented as `{field: [messages]}`; tolerate a single string per field, and
/// drop shapes that are neither (the raw body is still visible through `message`).
fn lenient_errors<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<BTreeMap<String, Vec<String>>>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    let Some(serde_json::Value::Object(map)) = v else {
        return Ok(None);
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let msgs = match v {
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|i| match i {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect(),
            serde_json::Value::String(s) => vec![s],
            other => vec![other.to_string()],
        };
        out.insert(k, msgs);
    }
    Ok(Some(out))
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(errors) = &self.errors {
            for (field, msgs) in errors {
                write!(f, "; {field}: {}", msgs.join(", "))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_body_lenient() {
        let b: ErrorBody = serde_json::from_value(json!({
            "status": "ERROR", "code": "422", "message": "bad",
            "errors": {"to": ["required"], "sender": "too long"}
        }))
        .unwrap();
        assert_eq!(b.status, Some(StringOrNumber::from("ERROR")));
        assert_eq!(b.code, Some(422));
        assert_eq!(b.errors.as_ref().unwrap()["sender"], vec!["too long"]);
        assert_eq!(b.to_string(), "bad; sender: too long; to: required");
        let b: ErrorBody = serde_json::from_value(json!({"status": 401})).unwrap();
        assert_eq!(b.status, Some(StringOrNumber::from(401i64)));
        assert_eq!(b.message, "");
    }

    #[test]
    fn helpers() {
        let e = Error::Api {
            status: StatusCode::TOO_MANY_REQUESTS,
            body: Box::new(ErrorBody {
                message: "slow".into(),
                ..Default::default()
            }),
            retry_after: Some(Duration::from_secs(3)),
            operation: "sms_send_message",
        };
        assert!(e.is_rate_limited());
        assert!(!e.is_not_found());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(e.api_message(), Some("slow"));
        assert_eq!(e.operation(), Some("sms_send_message"));
        assert_eq!(
            e.to_string(),
            "sms_send_message: HTTP 429 Too Many Requests: slow"
        );
    }
}
