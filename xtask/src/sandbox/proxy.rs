//! The loopback proxy in front of Prism: accepts the client's `/api/v2/…` and `/api/v3/…`
//! paths (Prism serves the spec's paths without the server's base path), answers 401 unless
//! the sandbox token comes as `Authorization: Bearer` or `?access_token=`, sends the send
//! operations down [`super::sends`] (faults, records, fresh ids), answers `GET /sms/status`
//! from the records ([`super::sms`]) and the `/__sandbox/` endpoints ([`super::admin`]),
//! forwards everything else unchanged and tells the webhook emitter about every accepted
//! (2xx) webhook creation.

use std::io::BufReader;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::faults::{Bucket, Settings};
use super::http::{self, Message};
use super::receipts::Receipts;
use super::sms::{error, json_response};
use super::smsc_events::SmscEvents;
use super::store::Store;
use super::validate::RequestSchema;
use super::webhooks::{Emitter, event_for};
use super::{admin, sends, sms};
use crate::shared::operations::{self, Operation};

/// What every connection needs.
pub struct State {
    /// The spec's operations (to name requests and find sends).
    pub ops: Vec<Operation>,
    /// The token clients must send.
    pub token: String,
    /// Where Prism listens.
    pub prism_port: u16,
    /// Delivers the webhook events.
    pub emitter: Arc<Emitter>,
    /// What was accepted, and the counters.
    pub store: Store,
    /// The fault settings.
    pub faults: Settings,
    /// `--throttle`'s bucket.
    pub bucket: Option<Bucket>,
    /// The request schema of `POST /sms/send`, which the sandbox answers itself.
    pub sms_send: RequestSchema,
    /// The SMS receipts waiting for their time.
    pub receipts: Arc<Receipts>,
    /// The SMSC's counts.
    pub smsc: Arc<SmscEvents>,
    /// `--quiet`: no line per request.
    pub quiet: bool,
    /// `--stateless`: Prism answers everything from the spec's examples.
    pub stateless: bool,
}

/// What to do with a request.
pub enum Reply {
    /// Answer it.
    Answer(Message),
    /// Close the connection without an answer (`--drop-after-accept`).
    Drop,
}

/// Accepts connections on a background thread, one thread per connection.
pub fn serve(listener: TcpListener, state: Arc<State>) {
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let state = state.clone();
            std::thread::spawn(move || connection(stream, &state));
        }
    });
}

fn connection(stream: TcpStream, state: &State) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let request = match http::read(&mut reader, false, Some(&mut writer)) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(e) => {
                let _ = http::write(&mut writer, &error(400, &e.to_string()), true);
                return;
            }
        };
        let close = request.wants_close();
        let response = match handle(state, &request) {
            Reply::Answer(response) => response,
            Reply::Drop => {
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
        };
        if http::write(&mut writer, &response, close).is_err() || close {
            return;
        }
    }
}

/// `/api/v2/sms/send` → `/sms/send` (other paths unchanged).
fn strip_base(path: &str) -> &str {
    for base in ["/api/v2", "/api/v3"] {
        if let Some(rest) = path.strip_prefix(base)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return rest;
        }
    }
    path
}

/// Whether the request carries `token` as a Bearer header or an `access_token` query parameter.
fn authorized(request: &Message, query: &str, token: &str) -> bool {
    let bearer = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t.trim() == token);
    bearer
        || query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .any(|(k, v)| k == "access_token" && v == token)
}

fn handle(state: &State, request: &Message) -> Reply {
    let target = request.target();
    let (full_path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = strip_base(full_path);
    let op = operations::find(&state.ops, request.method(), path);
    let name = if path.starts_with(admin::PREFIX) {
        "sandbox admin"
    } else {
        op.map_or("no such operation", |op| op.id.as_str())
    };
    if !authorized(request, query, &state.token) {
        eprintln!(
            "sandbox: {} {target} -> 401 ({name}; the sandbox token is missing or wrong)",
            request.method()
        );
        return Reply::Answer(error(401, "Unauthenticated."));
    }
    let reply = if path.starts_with(admin::PREFIX) {
        Reply::Answer(admin::handle(state, request.method(), path, query))
    } else if let Some(op) = op.filter(|op| !state.stateless && event_for(op).is_some()) {
        sends::handle(state, op, request, || prism(state, request, path, query))
    } else if !state.stateless
        && op.is_some_and(|op| op.id == "sms_get_delivery_status")
        && sms::has_filter(query)
    {
        let host = request.header("host").unwrap_or("127.0.0.1");
        Reply::Answer(sms::status(
            &state.store,
            query,
            &format!("http://{host}{full_path}"),
        ))
    } else {
        let response = prism(state, request, path, query);
        if let Some(op) = op
            && (200..300).contains(&response.status())
        {
            let sent: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
            let answer: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
            state.emitter.observe(op, &sent, &answer);
        }
        Reply::Answer(response)
    };
    if !state.quiet {
        let outcome = match &reply {
            Reply::Answer(response) => response.status().to_string(),
            Reply::Drop => "dropped after accepting".into(),
        };
        eprintln!(
            "sandbox: {} {target} -> {outcome} ({name})",
            request.method()
        );
    }
    reply
}

/// Prism's answer to `request` at `path` (base path removed), or a 502 naming the failure.
fn prism(state: &State, request: &Message, path: &str, query: &str) -> Message {
    let mut upstream = Message {
        start: format!(
            "{} {path}{}{query} HTTP/1.1",
            request.method(),
            if query.is_empty() { "" } else { "?" }
        ),
        headers: request.headers.clone(),
        body: request.body.clone(),
    };
    upstream.set_header("Host", &format!("127.0.0.1:{}", state.prism_port));
    forward(state.prism_port, &upstream).unwrap_or_else(|e| {
        json_response(
            502,
            &json!({"status": "error", "code": 502, "message": format!("prism: {e}")}),
        )
    })
}

fn forward(port: u16, request: &Message) -> std::io::Result<Message> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    http::write(&mut stream, request, true)?;
    http::read(&mut BufReader::new(stream), true, None)?
        .ok_or_else(|| std::io::Error::other("Prism closed the connection without answering"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths_are_stripped_only_at_segment_boundaries() {
        assert_eq!(strip_base("/api/v2/sms/send"), "/sms/send");
        assert_eq!(
            strip_base("/api/v3/auth/token/generate"),
            "/auth/token/generate"
        );
        assert_eq!(strip_base("/api/v22/x"), "/api/v22/x");
        assert_eq!(strip_base("/sms/send"), "/sms/send");
    }

    #[test]
    fn token_in_header_or_query() {
        let mut m = Message::default();
        assert!(!authorized(&m, "", "t"));
        assert!(authorized(&m, "a=1&access_token=t", "t"));
        m.set_header("Authorization", "Bearer t");
        assert!(authorized(&m, "", "t"));
        m.set_header("Authorization", "Bearer u");
        assert!(!authorized(&m, "", "t"));
    }
}
