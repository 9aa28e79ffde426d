//! Reading a response: the typed body (with drift reports and the JSON pointer of a failure)
//! or the API's error, with secrets redacted from everything shown.

use serde::de::DeserializeOwned;

use super::Client;
use crate::error::{Error, ErrorBody};
use crate::redact::redact_all;
use crate::runtime::{Response, parse_retry_after};

const EXCERPT_CHARS: usize = 200;

/// A finished HTTP exchange and what is needed to report on it.
pub(super) struct Outcome {
    /// The operationId of the call.
    pub(super) op: &'static str,
    /// Values of the call's `x-secret` parameters, redacted from excerpts.
    pub(super) secrets: Vec<String>,
    /// The response.
    pub(super) resp: Response,
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

    /// Decodes with plain `serde_json` (fast path, drift noted on the side, see
    /// [`crate::drift`]); only when that fails, parses again through the drift tracker to name
    /// the JSON pointer of the failing value (tracking every success would cost more than the
    /// plain decode: `drift_checked` against `plain` in BENCHMARKS.md's `rest_decode`).
    pub(super) fn decode<T: DeserializeOwned>(&self, out: Outcome) -> Result<T, Error> {
        let body = &out.resp.body[..];
        let plain = match self.inner.drift.decode::<T>(out.op, body) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let read = serde_json::de::SliceRead::new(body);
        let (path, message) = match crate::drift::track::decode_at::<T, _>(read, "", false).0 {
            Err(failure) => (failure.pointer, failure.error.to_string()),
            // Only a plain decode failed (cannot happen: both run the same `Deserialize`).
            Ok(_) => (String::new(), plain.to_string()),
        };
        Err(Error::Decode {
            operation: out.op,
            status: out.resp.status,
            path,
            message: self.redact(&message, &out.secrets),
            excerpt: self.excerpt(body, &out.secrets),
            body: crate::error::RawBody::new(out.resp.body.clone()),
        })
    }

    pub(super) fn api_error(&self, out: Outcome) -> Error {
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
        let resp = |body: &'static [u8]| Outcome {
            op: "op",
            secrets: vec!["otp-777".to_owned()],
            resp: Response {
                status: reqwest::StatusCode::OK,
                headers: HeaderMap::new(),
                body: Bytes::from_static(body),
            },
        };
        let body = br#"{"data":[{"credits":1},{"credits":"sekrit-token","otp":"otp-777"}]}"#;
        let e = c.decode::<Env>(resp(body)).unwrap_err();
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
        let e = c.decode::<Env>(resp(br#"{"data":[]} x"#)).unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{e}");
    }
}
