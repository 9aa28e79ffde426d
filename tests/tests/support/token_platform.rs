//! A token platform over loopback HTTP, behaving like tymon/jwt-auth (where Qikberry's JWTs
//! come from, the `prv` claim): `GET /api/v3/auth/token/refresh` answers a new token and
//! blacklists the one it was called with; `GET /api/v3/auth/token/generate` mints a token for
//! the API key; every `/api/v2/…` request is answered 200 when its Bearer token is live, 401
//! otherwise. Every request is logged with the token it carried, so a test checks what the
//! client sent; a request without `Accept: application/json` or a Bearer token is answered 418.
//!
//! Refreshes can be slowed down (`refresh_delay`), scripted to fail (`fail_refreshes`), and API
//! answers delayed (`api_delay`: the token is checked after the delay, so a refresh landing in
//! between invalidates a request already sent).

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response};
use serde_json::{Value, json};

/// One request as received.
#[derive(Clone, Debug)]
pub struct Hit {
    pub path: String,
    /// The Bearer token it carried.
    pub token: String,
}

#[derive(Default)]
struct State {
    live: HashSet<String>,
    api_key: Option<String>,
    expires_in: u64,
    refresh_delay: Duration,
    api_delay: Duration,
    /// Statuses for the next refreshes (a failure each), before any token check.
    failures: VecDeque<u16>,
    minted: u64,
    hits: Vec<Hit>,
}

/// The platform; it stops when dropped.
pub struct TokenPlatform {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TokenPlatform {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TokenPlatform {
    /// Starts on 127.0.0.1 with tokens that live an hour.
    pub async fn start() -> TokenPlatform {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State {
            expires_in: 3600,
            ..State::default()
        }));
        let st = state.clone();
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let st = st.clone();
            async move { answer(&st, req).await }
        });
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        TokenPlatform { addr, state, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }

    /// Makes `token` live (issued by this platform).
    pub fn issue(&self, token: &str) {
        self.with(|s| s.live.insert(token.to_owned()));
    }

    /// Whether `token` is accepted.
    pub fn is_live(&self, token: &str) -> bool {
        self.with(|s| s.live.contains(token))
    }

    /// The API key `auth/token/generate` accepts.
    pub fn api_key(&self, key: &str) {
        self.with(|s| s.api_key = Some(key.to_owned()));
    }

    /// The `expires_in` of new tokens.
    pub fn expires_in(&self, secs: u64) {
        self.with(|s| s.expires_in = secs);
    }

    /// How long a refresh takes to answer.
    pub fn refresh_delay(&self, d: Duration) {
        self.with(|s| s.refresh_delay = d);
    }

    /// How long an API request takes to answer (its token is checked afterwards).
    pub fn api_delay(&self, d: Duration) {
        self.with(|s| s.api_delay = d);
    }

    /// The next refreshes fail with these statuses, one each.
    pub fn fail_refreshes(&self, statuses: &[u16]) {
        self.with(|s| s.failures.extend(statuses));
    }

    /// Every request so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.with(|s| s.hits.clone())
    }

    /// How many requests went to a path containing `part`.
    pub fn count(&self, part: &str) -> usize {
        self.with(|s| s.hits.iter().filter(|h| h.path.contains(part)).count())
    }

    /// The tokens the API requests (`/api/v2/`) carried, in order.
    pub fn api_tokens(&self) -> Vec<String> {
        self.with(|s| {
            s.hits
                .iter()
                .filter(|h| h.path.starts_with("/api/v2/"))
                .map(|h| h.token.clone())
                .collect()
        })
    }
}

fn reply(status: u16, body: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(serde_json::to_vec(body).expect("json")))
        .expect("response")
}

async fn answer(state: &Mutex<State>, req: Request<Body>) -> Response<Body> {
    let (parts, _) = req.into_parts();
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let path = parts.uri.path().to_owned();
    let token = header("authorization").and_then(|v| v.strip_prefix("Bearer "));
    let (Some(token), Some("application/json"), "GET") =
        (token, header("accept"), parts.method.as_str())
    else {
        return reply(
            418,
            &json!({"message": "expected a GET with Accept and a Bearer token"}),
        );
    };
    let token = token.to_owned();
    let delay = {
        let mut st = state.lock().unwrap();
        st.hits.push(Hit {
            path: path.clone(),
            token: token.clone(),
        });
        if path == "/api/v3/auth/token/refresh" {
            st.refresh_delay
        } else {
            st.api_delay
        }
    };
    tokio::time::sleep(delay).await;
    let mut st = state.lock().unwrap();
    match path.as_str() {
        "/api/v3/auth/token/refresh" => {
            if let Some(status) = st.failures.pop_front() {
                return reply(status, &json!({"message": "Service Unavailable"}));
            }
            if !st.live.remove(&token) {
                return reply(401, &json!({"message": "The token has been blacklisted"}));
            }
            mint(&mut st)
        }
        "/api/v3/auth/token/generate" if st.api_key.as_deref() == Some(token.as_str()) => {
            mint(&mut st)
        }
        p if p.starts_with("/api/v2/") && st.live.contains(&token) => {
            reply(200, &json!({"status": "OK", "data": []}))
        }
        _ => reply(401, &json!({"message": "Unauthenticated."})),
    }
}

/// Issues a new token (with a `/` and a `+`, as base64 and PHP's escaping make them).
fn mint(st: &mut State) -> Response<Body> {
    st.minted += 1;
    let token = format!("minted-{}/SECRET+{}", st.minted, st.minted);
    st.live.insert(token.clone());
    reply(
        200,
        &json!({"access_token": token, "expires_in": st.expires_in, "token_type": "bearer"}),
    )
}
