//! Building a [`PreparedRequest`] from a generated [`Request`]: URL, query, headers, body.

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use super::Client;
use crate::error::Error;
use crate::request::{Body, Request, Server, encode_query};
use crate::runtime::{PreparedBody, PreparedRequest};

impl Client {
    /// The request as layers see it (without the token), from the generated code's [`Request`].
    pub(super) fn prepare(&self, req: Request) -> Result<PreparedRequest, Error> {
        let Request {
            operation_id,
            method,
            server,
            path,
            query,
            headers: params,
            body,
            idempotent,
            operation,
            refused,
        } = req;
        if let Some(why) = refused {
            return Err(Error::Encode {
                message: format!("{operation_id}: {why}"),
            });
        }
        if path.starts_with('/')
            || path.split('/').any(|seg| {
                matches!(
                    seg.to_ascii_lowercase().as_str(),
                    "." | ".." | "%2e" | "%2e%2e" | ".%2e" | "%2e."
                )
            })
        {
            return Err(Error::Encode {
                message: format!(
                    "{operation_id}: invalid request path {path:?} (a path parameter is empty, `.` or `..`)"
                ),
            });
        }
        let base = match server {
            Server::V2 => &self.inner.base_v2,
            Server::V3 => &self.inner.base_v3,
        };
        let mut url = base.join(&path).map_err(|e| Error::Encode {
            message: format!("{operation_id}: cannot build URL from path {path:?}: {e}"),
        })?;
        let q = encode_query(&query);
        url.set_query(if q.is_empty() { None } else { Some(&q) });

        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("qikberry-rs/", env!("CARGO_PKG_VERSION"))),
        );
        for (name, value) in params {
            let bad = |what: &str| Error::Encode {
                message: format!("{operation_id}: header parameter `{name}` has an invalid {what}"),
            };
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad("name"))?;
            let value = HeaderValue::from_str(&value).map_err(|_| bad("value"))?;
            headers.insert(header, value);
        }
        let body = match body {
            Body::None => PreparedBody::Empty,
            Body::Json(v) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                PreparedBody::Bytes(Bytes::from(serde_json::to_vec(&v)?))
            }
            Body::JsonBytes(bytes) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                PreparedBody::Bytes(bytes)
            }
            Body::Form(fields) => {
                headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                let mut ser = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in &fields {
                    ser.append_pair(k, v);
                }
                PreparedBody::Bytes(Bytes::from(ser.finish()))
            }
            Body::Multipart(parts) => PreparedBody::Multipart(parts),
        };
        Ok(PreparedRequest::new(operation_id, method, url, idempotent)
            .with_operation(operation)
            .with_parts(headers, body, self.inner.timeout))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_client as client;
    use super::*;
    use reqwest::Method;

    #[test]
    fn prepare_builds_url_and_body() {
        let c = client();
        let r = Request::new(
            "sms_list_senders",
            Method::GET,
            Server::V2,
            "sms/senders".into(),
        )
        .query("filter[name]", "a b")
        .query("page", 2);
        let p = c.prepare(r).unwrap();
        assert_eq!(
            p.url().as_str(),
            "http://127.0.0.1:9/api/v2/sms/senders?filter%5Bname%5D=a%20b&page=2"
        );
        assert!(p.headers().get("authorization").is_none());
        let r = Request::new(
            "auth_generate_token",
            Method::POST,
            Server::V3,
            "auth/token/generate".into(),
        )
        .body(Body::Json(serde_json::json!({"a": 1})));
        let p = c.prepare(r).unwrap();
        assert_eq!(
            p.url().as_str(),
            "http://127.0.0.1:9/api/v3/auth/token/generate"
        );
        assert_eq!(p.headers()["content-type"], "application/json");
        assert!(!p.is_idempotent());
        match p.body() {
            PreparedBody::Bytes(b) => assert_eq!(&b[..], br#"{"a":1}"#),
            other => panic!("{other:?}"),
        }
        let r = Request::new("x", Method::POST, Server::V2, "x".into())
            .body(Body::Form(vec![("a b".into(), "c&d".into())]));
        match c.prepare(r).unwrap().body() {
            PreparedBody::Bytes(b) => assert_eq!(&b[..], b"a+b=c%26d"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn header_parameters_are_sent_and_bad_ones_refused_without_their_value() {
        let c = client();
        let r = Request::new("x", Method::POST, Server::V2, "x".into())
            .header("Idempotency-Key", "k-1")
            .header_opt("X-Absent", None::<String>)
            .header_opt("X-Count", Some(3));
        let p = c.prepare(r).unwrap();
        assert_eq!(p.headers()["idempotency-key"], "k-1");
        assert_eq!(p.headers()["x-count"], "3");
        assert!(p.headers().get("x-absent").is_none());
        let r = Request::new("x", Method::POST, Server::V2, "x".into())
            .header("X-Token", "secret\nvalue");
        match c.prepare(r) {
            Err(Error::Encode { message }) => {
                assert!(
                    message.contains("`X-Token`") && !message.contains("secret"),
                    "{message}"
                )
            }
            other => panic!("{other:?}"),
        }
        let r = Request::new("x", Method::POST, Server::V2, "x".into()).header("bad name", "v");
        assert!(matches!(c.prepare(r), Err(Error::Encode { .. })));
    }

    #[test]
    fn prepare_fails_on_a_refused_query_value() {
        let c = client();
        let r = Request::new(
            "sms_get_delivery_status",
            Method::GET,
            Server::V2,
            "sms/status".into(),
        )
        .query_checked(
            "mobile",
            Some(Err("`mobile`: phone number \"12ab\"".into())),
        )
        .query_checked("cid", Some(Ok("c-1")));
        match c.prepare(r) {
            Err(Error::Encode { message }) => assert_eq!(
                message,
                "sms_get_delivery_status: `mobile`: phone number \"12ab\""
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn prepare_rejects_dot_segments() {
        let c = client();
        for path in ["sms/senders/..", "sms/./x", "/abs", "sms/%2E%2E"] {
            let r = Request::new("x", Method::GET, Server::V2, path.into());
            assert!(matches!(c.prepare(r), Err(Error::Encode { .. })), "{path}");
        }
    }
}
