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
    /// The API answered with a non-success HTTP status. `Display` shows the message and, for a
    /// 422, every field error (`sms_send_message: HTTP 422 …: invalid; to: required`).
    #[error("{operation}: HTTP {status}: {body}")]
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
    /// A **success** (2xx) response whose body does not match the expected model.
    ///
    /// The server has processed the request ([`was_processed`](Error::was_processed) is `true`):
    /// a send was accepted and billed. Do not repeat it; reconcile from the raw body instead
    /// ([`raw_json`](Error::raw_json), [`sent_ids`](Error::sent_ids)).
    #[error(
        "{operation}: HTTP {status} (request processed) but cannot decode response at `{path}`: {message}; body starts with: {excerpt}"
    )]
    Decode {
        /// The operationId of the call.
        operation: &'static str,
        /// HTTP status of the response (always a 2xx).
        status: StatusCode,
        /// JSON pointer (RFC 6901) of the failing value, e.g. `/data/0/credits` (empty for
        /// the whole body): the same syntax as [`DriftReport::pointer`](crate::drift::DriftReport::pointer).
        path: String,
        /// What serde reported.
        message: String,
        /// The first characters of the body, with the token and the call's secret parameters
        /// replaced by `[REDACTED]` in whatever form the body holds them (raw, percent-encoded,
        /// JSON-escaped such as `\/` or `\u002f`).
        excerpt: String,
        /// The complete response body, unmodified (its `Debug` prints only its length).
        body: RawBody,
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
    /// A paginated stream stopped before the server's last page: it reached the
    /// [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages) cap.
    #[error("{operation}: pagination stopped: {message}")]
    Pagination {
        /// The operationId of the list.
        operation: &'static str,
        /// Why it stopped.
        message: String,
    },
    /// The access token has expired, or the API refused it, and renewing it failed (the
    /// renewal configured with `ClientBuilder::refresh_token`, feature `auth`). `Display` says
    /// what happened and what to do; [`source`](std::error::Error::source) is the failed
    /// renewal's own error (the answer of `auth_refresh_token` or `auth_generate_token`).
    /// [`is_unauthorized`](Error::is_unauthorized) is `true`.
    #[error("{message}")]
    TokenRenewal {
        /// What happened and what to do.
        message: String,
        /// The error of the last renewal attempt, when there was one.
        #[source]
        source: Option<std::sync::Arc<Error>>,
    },
    /// The call's [`RateLimiter`](crate::ratelimit::RateLimiter) could not decide (e.g. the
    /// Redis of a shared `RedisLimiter` is unreachable): the request was **not sent**. Retry
    /// later; sending unpaced would exceed the account rate.
    #[error("{operation}: request not sent: {source}")]
    RateLimit {
        /// The operationId of the call.
        operation: &'static str,
        /// What the limiter reported.
        #[source]
        source: crate::ratelimit::RateLimitError,
    },
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

    /// `true` for HTTP 401 (missing, invalid or expired token), and for an
    /// [`Error::TokenRenewal`] (no token the API accepts, and renewing it failed).
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
            || matches!(self, Error::TokenRenewal { .. })
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

    /// `true` when the server answered 2xx, so the request **was processed** (a send accepted
    /// and billed), even though this call returns an error: an [`Error::Decode`]. Never repeat
    /// such a call; reconcile with [`sent_ids`](Self::sent_ids) or [`raw_json`](Self::raw_json).
    /// `false` for every other variant (for transport errors and 5xx the outcome is unknown).
    pub fn was_processed(&self) -> bool {
        matches!(self, Error::Decode { .. })
    }

    /// The complete raw body of an [`Error::Decode`] (a 2xx response that did not fit its
    /// model).
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            Error::Decode { body, .. } => Some(body.as_bytes()),
            _ => None,
        }
    }

    /// The raw body of an [`Error::Decode`] parsed as untyped JSON (`None` when it is not JSON
    /// or for other variants).
    pub fn raw_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(self.raw_body()?).ok()
    }

    /// The identifiers a send returned, read from the raw body of an [`Error::Decode`], so that
    /// a caller can reconcile a send whose typed response did not decode:
    ///
    /// ```no_run
    /// # async fn demo(client: qikberry::Client, msg: qikberry::sms::SmsSendDirect) {
    /// match client.sms().send_message(msg).send().await {
    ///     Ok(sent) => println!("batch {:?}", sent.group_id),
    ///     Err(e) if e.was_processed() => {
    ///         // Accepted and billed: never resend. Keep the ids for delivery reports.
    ///         let ids = e.sent_ids().unwrap_or_default();
    ///         println!("batch {:?}, messages {:?}", ids.group_id, ids.message_ids);
    ///     }
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// # }
    /// ```
    pub fn sent_ids(&self) -> Option<SentIds> {
        self.raw_json().map(|v| SentIds::from_json(&v))
    }

    /// The operationId of the failed call, when known.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Api { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Decode { operation, .. }
            | Error::Pagination { operation, .. } => Some(operation),
            _ => None,
        }
    }
}

/// The complete body of a response, kept in an error. `Debug` prints only its length (the body
/// may hold personal data or secrets); read it with [`as_bytes`](Self::as_bytes).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RawBody(bytes::Bytes);

impl RawBody {
    /// Wraps response bytes.
    pub fn new(body: bytes::Bytes) -> Self {
        RawBody(body)
    }
    /// The bytes as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawBody({} bytes)", self.0.len())
    }
}

/// Identifiers found in the raw body of a send response (see [`Error::sent_ids`]).
///
/// Read leniently from the shapes the send operations document: a top-level `group_id`
/// (string or number) and the `id` (or `message_id`) of each entry of `data` (an array or a
/// single object).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentIds {
    /// The batch id (`group_id`), usable with the status operations.
    pub group_id: Option<String>,
    /// One id per accepted message, in body order.
    pub message_ids: Vec<String>,
}

impl SentIds {
    fn from_json(v: &serde_json::Value) -> SentIds {
        fn text(v: Option<&serde_json::Value>) -> Option<String> {
            match v? {
                serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        }
        let entry_id =
            |e: &serde_json::Value| text(e.get("id")).or_else(|| text(e.get("message_id")));
        let message_ids = match v.get("data") {
            Some(serde_json::Value::Array(items)) => items.iter().filter_map(entry_id).collect(),
            Some(obj @ serde_json::Value::Object(_)) => entry_id(obj).into_iter().collect(),
            _ => Vec::new(),
        };
        let group_id =
            text(v.get("group_id")).or_else(|| v.get("data").and_then(|d| text(d.get("group_id"))));
        SentIds {
            group_id,
            message_ids,
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
#[non_exhaustive]
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
    /// Human-readable explanation (a number or `null` on the wire becomes its text / empty).
    #[serde(default, deserialize_with = "lenient_message")]
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

/// `message` is a string, but a PHP sender may put a number or `null` there.
fn lenient_message<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) => s,
        None | Some(serde_json::Value::Null) => String::new(),
        Some(other) => other.to_string(),
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
        let b: ErrorBody =
            serde_json::from_value(json!({"status": null, "code": 500, "message": 42})).unwrap();
        assert_eq!(
            (b.status, b.code, b.message.as_str()),
            (None, Some(500), "42")
        );
        let b: ErrorBody = serde_json::from_value(json!({"message": null})).unwrap();
        assert_eq!(b.message, "");
    }

    #[test]
    fn api_display_lists_field_errors() {
        let e = Error::Api {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: Box::new(
                serde_json::from_value(
                    json!({"message": "invalid", "errors": {"to": ["required"]}}),
                )
                .unwrap(),
            ),
            retry_after: None,
            operation: "sms_send_message",
        };
        assert_eq!(
            e.to_string(),
            "sms_send_message: HTTP 422 Unprocessable Entity: invalid; to: required"
        );
        assert!(!e.was_processed());
    }

    #[test]
    fn sent_ids_from_raw_body() {
        let raw = br#"{"status":"200","group_id":12345,"data":[{"id":"a:1","units":"x"},{"message_id":7}]}"#;
        let e = Error::Decode {
            operation: "sms_send_message",
            status: StatusCode::OK,
            path: "/data/0/units".into(),
            message: "bad".into(),
            excerpt: String::new(),
            body: RawBody::new(bytes::Bytes::from_static(raw)),
        };
        assert!(e.was_processed());
        let ids = e.sent_ids().unwrap();
        assert_eq!(ids.group_id.as_deref(), Some("12345"));
        assert_eq!(ids.message_ids, vec!["a:1".to_owned(), "7".to_owned()]);
        assert_eq!(e.raw_json().unwrap()["group_id"], 12345);
        let dbg = format!("{e:?}");
        assert!(
            dbg.contains(&format!("RawBody({} bytes)", raw.len())),
            "{dbg}"
        );
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
