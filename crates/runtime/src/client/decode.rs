//! Reading a response: the typed body (with drift reports and the JSON pointer of a failure)
//! or the API's error, with secrets redacted from everything shown.

use serde::de::DeserializeOwned;

use super::Client;
use crate::error::{Error, ErrorBody};
use crate::redact::redact_all;
use crate::runtime::{Response, parse_retry_after};

const EXCERPT_CHARS: usize = 200;

/// A finished HTTP exchange with a success status, waiting to be decoded: what a
/// [`ResponseBody`] implementation receives. Opaque; decode it with [`Exchange::json`].
pub struct Exchange {
    /// The client that made the call (its drift log and what it redacts).
    pub(super) client: Client,
    /// The operationId of the call.
    pub(super) op: &'static str,
    /// Values of the call's `x-secret` parameters, redacted from excerpts.
    pub(super) secrets: Vec<String>,
    /// The response.
    pub(super) resp: Response,
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body may hold personal data and the secrets are secret: neither is shown.
        f.debug_struct("Exchange")
            .field("operation", &self.op)
            .field("status", &self.resp.status)
            .field("body_bytes", &self.resp.body.len())
            .finish_non_exhaustive()
    }
}

impl Exchange {
    /// Decodes the JSON success body as `T`: with plain `serde_json` (fast path, drift noted on
    /// the side and reported to the client's log, see [`crate::drift`]); only when that fails,
    /// parses again through the drift tracker to name the JSON pointer of the failing value
    /// (tracking every success would cost more than the plain decode: `drift_checked` against
    /// `plain` in BENCHMARKS.md's `rest_decode`). A failure is an [`Error::Decode`] with the raw
    /// body kept and secrets redacted from its message and excerpt.
    pub fn json<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.client.decode(&self)
    }
}

/// A success body whose decoder is compiled once, in the crate that defines the type.
///
/// The generated crate implements it for every operation's response type as
/// `exchange.json()`. The method is not generic, so the type's `Deserialize` (and every nested
/// model's) is compiled into that crate once, and not again into each crate that awaits a
/// `.send()` (a future is compiled where it is polled). [`Client::send_body`] (what a generated
/// `.send()` returns) and [`Client::execute_body`] use it; [`Client::execute`] takes any
/// `DeserializeOwned` type instead.
///
/// ```
/// use qikberry_runtime::client::{Exchange, ResponseBody};
///
/// #[derive(serde::Deserialize)]
/// struct Balance {
///     credits: f64,
/// }
///
/// impl ResponseBody for Balance {
///     fn decode(exchange: Exchange) -> Result<Self, qikberry_runtime::Error> {
///         exchange.json()
///     }
/// }
/// ```
pub trait ResponseBody: Sized {
    /// Decodes the success body of `exchange` (usually [`Exchange::json`]).
    fn decode(exchange: Exchange) -> Result<Self, Error>;
}

impl Client {
    /// Removes the token and the call's secret parameters from text shown to the user.
    fn redact(&self, text: &str, secrets: &[String]) -> String {
        let text = self.inner.transport.redact(text);
        redact_all(&text, secrets.iter().map(String::as_str))
    }

    fn excerpt(&self, body: &[u8], secrets: &[String]) -> String {
        let text = String::from_utf8_lossy(body);
        let redacted = self.redact(&text, secrets);
        let mut out: String = redacted.chars().take(EXCERPT_CHARS).collect();
        if redacted.chars().count() > EXCERPT_CHARS {
            out.push('…');
        }
        out
    }

    /// [`Exchange::json`]. Only the decode itself is generic; locating a failure (a second,
    /// tracked pass run through a function pointer) and reporting it are compiled once.
    fn decode<T: DeserializeOwned>(&self, out: &Exchange) -> Result<T, Error> {
        match self.inner.drift.decode::<T>(out.op, &out.resp.body) {
            Ok(v) => Ok(v),
            Err(plain) => Err(self.decode_failed(out, plain, crate::drift::track::locate::<T>)),
        }
    }

    /// The error of a body whose plain decode failed: `locate` runs the tracked pass that
    /// names the failing value's pointer.
    fn decode_failed(
        &self,
        out: &Exchange,
        plain: serde_json::Error,
        locate: crate::drift::track::Locate,
    ) -> Error {
        let located = crate::drift::track::run_located(&out.resp.body, false, locate).0;
        self.decode_error(out, plain, located)
    }

    /// The [`Error::Decode`] of a body that did not decode: the pointer and message of the
    /// tracked pass (`located`), else the plain pass's message (`plain`; both run the same
    /// `Deserialize`, so the tracked pass fails too).
    fn decode_error(
        &self,
        out: &Exchange,
        plain: serde_json::Error,
        located: Option<crate::drift::track::Failure>,
    ) -> Error {
        let (path, message) = match located {
            Some(failure) => (failure.pointer, failure.error.to_string()),
            None => (String::new(), plain.to_string()),
        };
        Error::Decode {
            operation: out.op,
            status: out.resp.status,
            path,
            message: self.redact(&message, &out.secrets),
            excerpt: self.excerpt(&out.resp.body, &out.secrets),
            body: crate::error::RawBody::new(out.resp.body.clone()),
        }
    }

    pub(super) fn api_error(&self, out: Exchange) -> Error {
        let resp = &out.resp;
        let retry_after = parse_retry_after(&resp.headers);
        let body = match serde_json::from_slice::<ErrorBody>(&resp.body) {
            Ok(mut b) => {
                b.message = self.redact(&b.message, &out.secrets);
                if let Some(errors) = b.errors.as_mut() {
                    for msgs in errors.values_mut() {
                        for m in msgs.iter_mut() {
                            *m = self.redact(m, &out.secrets);
                        }
                    }
                }
                b
            }
            Err(_) => ErrorBody {
                message: self.excerpt(&resp.body, &out.secrets),
                ..ErrorBody::default()
            },
        };
        Error::Api {
            status: resp.status,
            body: Box::new(body),
            retry_after,
            operation: out.op,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_client as client;
    use super::*;
    use bytes::Bytes;
    use reqwest::header::HeaderMap;

    #[test]
    fn decode_error_names_path_and_redacts() {
        let c = client();
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            credits: u32,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Env {
            data: Vec<Item>,
        }
        let resp = |body: &'static [u8]| Exchange {
            client: c.clone(),
            op: "op",
            secrets: vec!["otp-777".to_owned()],
            resp: Response {
                status: reqwest::StatusCode::OK,
                headers: HeaderMap::new(),
                body: Bytes::from_static(body),
            },
        };
        let body = br#"{"data":[{"credits":1},{"credits":"sekrit-token","otp":"otp-777"}]}"#;
        let e = resp(body).json::<Env>().unwrap_err();
        match &e {
            Error::Decode { path, excerpt, .. } => {
                assert_eq!(path, "/data/1/credits");
                assert!(excerpt.contains("[REDACTED]"));
            }
            other => panic!("{other:?}"),
        }
        assert!(!e.to_string().contains("sekrit"), "{e}");
        assert!(!e.to_string().contains("otp-777"), "{e}");
        assert!(e.was_processed());
        assert_eq!(e.raw_body(), Some(&body[..]));
        let e = resp(br#"{"data":[]} x"#).json::<Env>().unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{e}");
    }
}
