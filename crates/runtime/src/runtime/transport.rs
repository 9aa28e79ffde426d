//! The innermost step: the token is applied (header or query) and the HTTP call is made.

use reqwest::header::HeaderValue;
use secrecy::ExposeSecret;

use super::{PreparedBody, PreparedRequest, Response, TokenCell};
use crate::Error;
use crate::request::encode_query_component;

/// How the API token is sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMode {
    /// `Authorization: Bearer <token>` (the default, and the recommended way).
    #[default]
    Header,
    /// `?access_token=<token>` appended to every URL. The API accepts it, but query strings end
    /// up in proxy and server logs; use only where headers cannot be set. The client never
    /// prints such URLs in errors.
    QueryParameter,
}

/// The innermost step: authentication and the HTTP call.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) token: TokenCell,
    pub(crate) auth_mode: AuthMode,
}

impl Transport {
    /// Replaces every occurrence of the token (current and previous, in any encoding: see
    /// the `redact` module) with `[REDACTED]`.
    pub(crate) fn redact(&self, text: &str) -> String {
        let tokens = self.token.read();
        let previous = tokens.1.as_ref().map(|t| t.expose_secret());
        crate::redact::redact_all(
            text,
            std::iter::once(tokens.0.expose_secret()).chain(previous),
        )
    }

    /// Sends one HTTP request, counted in the REST metrics.
    pub(super) async fn send(&self, req: PreparedRequest) -> Result<Response, Error> {
        let operation = req.operation_id();
        let started = std::time::Instant::now();
        let result = self.send_once(req).await;
        let transport = matches!(result, Err(Error::Transport { .. }));
        let status = result.as_ref().ok().map(|r| r.status.as_u16());
        crate::metrics::rest_request(operation, status, transport, started.elapsed());
        result
    }

    async fn send_once(&self, req: PreparedRequest) -> Result<Response, Error> {
        let PreparedRequest {
            operation_id,
            method,
            mut url,
            mut headers,
            body,
            timeout,
            ..
        } = req;
        let token = self.token.current();
        let token = token.expose_secret();
        match self.auth_mode {
            AuthMode::Header => {
                let mut value =
                    HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                        Error::Config(
                            "the API token contains characters not allowed in a header".into(),
                        )
                    })?;
                value.set_sensitive(true);
                headers.insert(reqwest::header::AUTHORIZATION, value);
            }
            AuthMode::QueryParameter => {
                let pair = format!("access_token={}", encode_query_component(token));
                let query = match url.query() {
                    Some(q) if !q.is_empty() => format!("{q}&{pair}"),
                    _ => pair,
                };
                url.set_query(Some(&query));
            }
        }
        let mut builder = self.http.request(method, url).headers(headers);
        if let Some(t) = timeout {
            builder = builder.timeout(t);
        }
        builder = match body {
            PreparedBody::Empty => builder,
            PreparedBody::Bytes(b) => builder.body(b),
            PreparedBody::Multipart(parts) => {
                builder.multipart(crate::multipart::build_form(parts).await?)
            }
        };
        let transport_err = |e: reqwest::Error| Error::Transport {
            operation: operation_id,
            source: e.without_url(),
        };
        let resp = builder.send().await.map_err(transport_err)?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(transport_err)?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    #[test]
    fn redacts_raw_and_encoded_token() {
        let t = Transport {
            http: crate::tls::http_client_builder().unwrap().build().unwrap(),
            token: TokenCell::new(SecretString::from("ab c/d")),
            auth_mode: AuthMode::QueryParameter,
        };
        assert_eq!(
            t.redact("x ab c/d y access_token=ab%20c%2Fd"),
            "x [REDACTED] y access_token=[REDACTED]"
        );
        t.token.set(SecretString::from("new"));
        assert_eq!(t.redact("ab c/d new"), "[REDACTED] [REDACTED]");
        assert_eq!(t.token.current().expose_secret(), "new");
    }
}
