//! A loopback HTTP server (axum) that checks each request against the next queued expectation
//! — method, raw path, raw query string, headers, body — and answers with the queued reply.
//!
//! A request that breaks its expectation gets HTTP 418 with a JSON body whose `message` says
//! what differed (so the client call fails with that text), and the failure is recorded for
//! [`TestServer::failures`].

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, StatusCode};
use bytes::Bytes;
use serde_json::Value;

/// How the request must authenticate.
#[derive(Clone, Debug)]
pub enum Auth {
    /// `Authorization: Bearer <token>` and no `access_token` in the query.
    Bearer(String),
    /// `access_token=<token>` as the last query parameter and no `Authorization` header.
    Query(String),
    /// Not checked.
    Any,
}

/// One expected multipart part.
#[derive(Clone, Debug, PartialEq)]
pub struct PartExpect {
    pub name: String,
    pub file_name: Option<String>,
    /// Checked only when `Some`.
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// The expected body.
#[derive(Clone, Debug)]
pub enum BodyExpect {
    /// No body at all, and no `Content-Type`.
    Empty,
    /// `application/json`, equivalent (see [`super::json_equivalent`]) to this value.
    Json(Value),
    /// `application/x-www-form-urlencoded` with these fields (order irrelevant).
    Form(Vec<(String, String)>),
    /// `multipart/form-data` with exactly these parts (in any order).
    Multipart(Vec<PartExpect>),
    /// Not checked.
    Any,
}

/// The reply to send.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Option<std::time::Duration>,
}

impl Reply {
    pub fn json(status: u16, body: &Value) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).expect("json"),
            delay: None,
        }
    }
    pub fn raw(status: u16, content_type: &str, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
            delay: None,
        }
    }
    pub fn delay(mut self, d: std::time::Duration) -> Reply {
        self.delay = Some(d);
        self
    }
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// One expected request and its reply.
#[derive(Clone, Debug)]
pub struct Expect {
    pub method: String,
    /// Raw (percent-encoded) path, e.g. `/api/v2/sms/senders/id%201`.
    pub path: String,
    /// Raw query string without the access token; `""` for none.
    pub query: String,
    pub auth: Auth,
    pub body: BodyExpect,
    pub reply: Reply,
}

impl Expect {
    /// `GET /api/v2/{path}?{query}` with `token` as a Bearer header and no body.
    pub fn get(path: &str, query: &str, token: &str, reply: Reply) -> Expect {
        Expect {
            method: "GET".into(),
            path: format!("/api/v2/{path}"),
            query: query.into(),
            auth: Auth::Bearer(token.into()),
            body: BodyExpect::Empty,
            reply,
        }
    }

    /// `POST /api/v2/{path}` with `token` as a Bearer header and a JSON body equivalent to
    /// `body`.
    pub fn post_json(path: &str, body: Value, token: &str, reply: Reply) -> Expect {
        Expect {
            method: "POST".into(),
            path: format!("/api/v2/{path}"),
            query: String::new(),
            auth: Auth::Bearer(token.into()),
            body: BodyExpect::Json(body),
            reply,
        }
    }
}

/// A request as received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Expect>,
    seen: Vec<Seen>,
    failures: Vec<String>,
}

/// The server; it stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// A client of the generated crate with `token`, sending to this server.
    pub fn client(&self, token: &str) -> qikberry::Client {
        qikberry::Client::builder()
            .token(token)
            .host(self.origin())
            .build()
            .expect("client")
    }

    pub async fn start() -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let st = st.clone();
            async move { handle(st, req).await }
        });
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        TestServer { addr, state, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn expect(&self, e: Expect) {
        self.state.lock().unwrap().queue.push_back(e);
    }

    /// Requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// Mismatches recorded so far (cleared).
    pub fn failures(&self) -> Vec<String> {
        std::mem::take(&mut self.state.lock().unwrap().failures)
    }

    /// Drops the expectations not consumed yet; returns how many there were.
    pub fn clear(&self) -> usize {
        let mut st = self.state.lock().unwrap();
        let n = st.queue.len();
        st.queue.clear();
        n
    }

    /// Expectations not consumed yet.
    pub fn pending(&self) -> usize {
        self.state.lock().unwrap().queue.len()
    }
}

async fn handle(state: Arc<Mutex<State>>, req: Request<Body>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, 64 << 20).await {
        Ok(b) => b,
        Err(e) => return reply_failure(&state, format!("cannot read request body: {e}")),
    };
    let seen = Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body,
    };
    let expect = {
        let mut st = state.lock().unwrap();
        st.seen.push(seen.clone());
        st.queue.pop_front()
    };
    let Some(expect) = expect else {
        return reply_failure(
            &state,
            format!("unexpected request {} {}", seen.method, seen.path),
        );
    };
    if let Err(problems) = check(&expect, &seen) {
        return reply_failure(
            &state,
            format!("{} {}: {}", seen.method, seen.path, problems.join("; ")),
        );
    }
    if let Some(d) = expect.reply.delay {
        tokio::time::sleep(d).await;
    }
    let mut resp = Response::builder().status(expect.reply.status);
    for (k, v) in &expect.reply.headers {
        resp = resp.header(k, v);
    }
    resp.body(Body::from(expect.reply.body.clone()))
        .expect("response")
}

fn reply_failure(state: &Mutex<State>, message: String) -> Response<Body> {
    state.lock().unwrap().failures.push(message.clone());
    Response::builder()
        .status(StatusCode::IM_A_TEAPOT)
        .header("content-type", "application/json")
        .body(Body::from(
            serde_json::to_vec(&serde_json::json!({"status": "MISMATCH", "message": message}))
                .expect("json"),
        ))
        .expect("response")
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// Compares a request with its expectation; lists every difference.
pub fn check(expect: &Expect, seen: &Seen) -> Result<(), Vec<String>> {
    let mut p = Vec::new();
    if seen.method != expect.method {
        p.push(format!(
            "method {} expected, got {}",
            expect.method, seen.method
        ));
    }
    if seen.path != expect.path {
        p.push(format!(
            "path {:?} expected, got {:?}",
            expect.path, seen.path
        ));
    }
    let query = seen.query.clone().unwrap_or_default();
    let auth_header = header(&seen.headers, "authorization");
    match &expect.auth {
        Auth::Bearer(token) => {
            if auth_header != Some(format!("Bearer {token}").as_str()) {
                p.push(format!(
                    "Authorization `Bearer {token}` expected, got {auth_header:?}"
                ));
            }
            if query != expect.query {
                p.push(format!("query {:?} expected, got {query:?}", expect.query));
            }
        }
        Auth::Query(token) => {
            if auth_header.is_some() {
                p.push("no Authorization header expected in query-token mode".into());
            }
            let tail = format!("access_token={}", super::contract::pct_encode(token));
            let want = if expect.query.is_empty() {
                tail
            } else {
                format!("{}&{tail}", expect.query)
            };
            if query != want {
                p.push(format!("query {want:?} expected, got {query:?}"));
            }
        }
        Auth::Any => {
            let base = query
                .split('&')
                .filter(|kv| !kv.starts_with("access_token="))
                .collect::<Vec<_>>()
                .join("&");
            if base != expect.query {
                p.push(format!("query {:?} expected, got {query:?}", expect.query));
            }
        }
    }
    if header(&seen.headers, "accept") != Some("application/json") {
        p.push(format!(
            "Accept: application/json expected, got {:?}",
            header(&seen.headers, "accept")
        ));
    }
    let ct = header(&seen.headers, "content-type").unwrap_or("");
    match &expect.body {
        BodyExpect::Any => {}
        BodyExpect::Empty => {
            if !seen.body.is_empty() {
                p.push(format!("no body expected, got {} bytes", seen.body.len()));
            }
            if !ct.is_empty() {
                p.push(format!("no Content-Type expected, got {ct:?}"));
            }
        }
        BodyExpect::Json(want) => {
            if ct != "application/json" {
                p.push(format!(
                    "Content-Type application/json expected, got {ct:?}"
                ));
            }
            match serde_json::from_slice::<Value>(&seen.body) {
                Ok(got) => {
                    if let Err(e) = super::json_equivalent(want, &got) {
                        p.push(format!("JSON body differs from the spec example at {e}"));
                    }
                }
                Err(e) => p.push(format!("body is not JSON: {e}")),
            }
        }
        BodyExpect::Form(want) => {
            if ct != "application/x-www-form-urlencoded" {
                p.push(format!(
                    "Content-Type application/x-www-form-urlencoded expected, got {ct:?}"
                ));
            }
            let mut got: Vec<(String, String)> = url::form_urlencoded::parse(&seen.body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut want = want.clone();
            got.sort();
            want.sort();
            if got != want {
                p.push(format!("form fields {want:?} expected, got {got:?}"));
            }
        }
        BodyExpect::Multipart(want) => match multipart_boundary(ct) {
            None => p.push(format!(
                "Content-Type multipart/form-data with a boundary expected, got {ct:?}"
            )),
            Some(boundary) => match parse_multipart(&seen.body, &boundary) {
                Err(e) => p.push(format!("malformed multipart body: {e}")),
                Ok(mut got) => {
                    // Part order is not significant to the API; compare by name.
                    let mut want = want.clone();
                    got.sort_by(|a, b| a.name.cmp(&b.name));
                    want.sort_by(|a, b| a.name.cmp(&b.name));
                    if got.len() != want.len() {
                        p.push(format!(
                            "{} multipart parts expected ({:?}), got {} ({:?})",
                            want.len(),
                            want.iter().map(|w| &w.name).collect::<Vec<_>>(),
                            got.len(),
                            got.iter().map(|g| &g.name).collect::<Vec<_>>()
                        ));
                    }
                    for (w, g) in want.iter().zip(got.iter()) {
                        if w.name != g.name
                            || w.file_name != g.file_name
                            || w.data != g.data
                            || (w.content_type.is_some() && w.content_type != g.content_type)
                        {
                            p.push(format!("multipart part {w:?} expected, got {g:?}"));
                        }
                    }
                }
            },
        },
    }
    if p.is_empty() { Ok(()) } else { Err(p) }
}

fn multipart_boundary(ct: &str) -> Option<String> {
    let rest = ct.strip_prefix("multipart/form-data")?;
    rest.split(';').find_map(|kv| {
        kv.trim()
            .strip_prefix("boundary=")
            .map(|b| b.trim_matches('"').to_owned())
    })
}

/// A minimal `multipart/form-data` parser (RFC 7578), enough to check what a client sent.
pub fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<PartExpect>, String> {
    let delim = format!("--{boundary}");
    let find = |hay: &[u8], needle: &[u8], from: usize| -> Option<usize> {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let mut pos = find(body, delim.as_bytes(), 0).ok_or("no opening boundary")? + delim.len();
    let mut parts = Vec::new();
    loop {
        if body.get(pos..pos + 2) == Some(b"--") {
            return Ok(parts);
        }
        if body.get(pos..pos + 2) != Some(b"\r\n") {
            return Err(format!("expected CRLF after boundary at byte {pos}"));
        }
        pos += 2;
        let head_end = find(body, b"\r\n\r\n", pos).ok_or("part without header end")?;
        let head = std::str::from_utf8(&body[pos..head_end]).map_err(|e| e.to_string())?;
        let next = find(body, format!("\r\n{delim}").as_bytes(), head_end + 4)
            .ok_or("part without closing boundary")?;
        let data = body[head_end + 4..next].to_vec();
        let mut name = None;
        let mut file_name = None;
        let mut content_type = None;
        for line in head.split("\r\n") {
            let (k, v) = line
                .split_once(':')
                .ok_or(format!("bad part header {line:?}"))?;
            match k.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for attr in v.split(';').skip(1) {
                        if let Some((ak, av)) = attr.trim().split_once('=') {
                            let av = av.trim_matches('"').to_owned();
                            match ak {
                                "name" => name = Some(av),
                                "filename" => file_name = Some(av),
                                _ => {}
                            }
                        }
                    }
                }
                "content-type" => content_type = Some(v.trim().to_owned()),
                _ => {}
            }
        }
        parts.push(PartExpect {
            name: name.ok_or("part without a name")?,
            file_name,
            content_type,
            data,
        });
        pos = next + 2 + delim.len();
    }
}
