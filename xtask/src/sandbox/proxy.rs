//! The loopback proxy in front of Prism: accepts the client's `/api/v2/…` and `/api/v3/…`
//! paths (Prism serves the spec's paths without the server's base path), answers 401 unless
//! the sandbox token comes as `Authorization: Bearer` or `?access_token=`, forwards everything
//! else unchanged, and tells the webhook emitter about every accepted (2xx) operation.

use std::io::BufReader;
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::http::{self, Message};
use super::webhooks::Emitter;
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
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let request = match http::read(&mut reader, false, Some(&mut writer)) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(e) => {
                let body = json!({"status": "error", "code": 400, "message": e.to_string()});
                let _ = http::write(&mut writer, &json_response(400, &body), true);
                return;
            }
        };
        let close = request.wants_close();
        let response = handle(state, &request);
        if http::write(&mut writer, &response, close).is_err() || close {
            return;
        }
    }
}

fn json_response(status: u16, body: &Value) -> Message {
    Message::response(status, "application/json", body.to_string().into_bytes())
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

fn handle(state: &State, request: &Message) -> Message {
    let target = request.target();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = strip_base(path);
    let op = operations::find(&state.ops, request.method(), path);
    let name = op.map_or("no such operation", |op| op.id.as_str());
    if !authorized(request, query, &state.token) {
        eprintln!(
            "sandbox: {} {target} -> 401 ({name}; the sandbox token is missing or wrong)",
            request.method()
        );
        return json_response(
            401,
            &json!({"status": "error", "code": 401, "message": "Unauthenticated."}),
        );
    }
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
    let response = match forward(state.prism_port, &upstream) {
        Ok(response) => response,
        Err(e) => {
            eprintln!("sandbox: {} {target} -> 502 ({e})", request.method());
            return json_response(
                502,
                &json!({"status": "error", "code": 502, "message": format!("prism: {e}")}),
            );
        }
    };
    let status = response.status();
    eprintln!(
        "sandbox: {} {target} -> {status} ({name})",
        request.method()
    );
    if let Some(op) = op
        && (200..300).contains(&status)
    {
        let sent: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let answer: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
        state.emitter.observe(op, &sent, &answer);
    }
    response
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
