//! The REST fake: [`FakeApi`] answers every operation from the spec's example answer
//! (`qikberry::spec_examples`), unless a scripted [`Answer`] is queued for it.

mod messages;
mod route;
mod script;
mod server;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use messages::AcceptedMessage;
pub use script::Answer;

use messages::Messages;
use route::Routes;
use script::Scripts;

/// The token [`FakeApi::client`] sends; the fake accepts any token.
pub const FAKE_TOKEN: &str = "testkit-token";

/// One request the fake received.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The operationId its method and path matched (`None`: no operation of the spec).
    pub operation: Option<String>,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The raw query string (`None` when the URL has none).
    pub query: Option<String>,
    /// Header names (lower case) and values, in the order received.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// What the server tasks share with the handle.
#[derive(Default)]
struct State {
    scripts: Scripts,
    requests: Vec<RecordedRequest>,
    messages: Messages,
}

/// The fake Qikberry REST API. Dropping it stops the server.
pub struct FakeApi {
    url: String,
    state: Arc<Mutex<State>>,
    _server: server::Server,
}

impl FakeApi {
    /// Starts the fake on 127.0.0.1 with a free port.
    pub async fn start() -> std::io::Result<FakeApi> {
        let state = Arc::new(Mutex::new(State::default()));
        let server = server::Server::start(Routes::from_spec_examples(), state.clone()).await?;
        Ok(FakeApi {
            url: format!("http://{}", server.addr()),
            state,
            _server: server,
        })
    }

    /// The fake's origin (`http://127.0.0.1:<port>`): pass it to `ClientBuilder::host`, or
    /// export it as `QIKBERRY_HOST` for code that calls `Client::from_env()`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A client builder pointed at the fake with [`FAKE_TOKEN`]; add your layers and build.
    pub fn client_builder(&self) -> qikberry::ClientBuilder {
        qikberry::Client::builder()
            .host(&self.url)
            .token(FAKE_TOKEN)
    }

    /// A client pointed at the fake, without layers.
    // The error is `qikberry::Error`, whatever its size: the same type every call returns.
    #[allow(clippy::result_large_err)]
    pub fn client(&self) -> Result<qikberry::Client, qikberry::Error> {
        self.client_builder().build()
    }

    /// Queues `answer` for the next call(s) of `operation` (an operationId such as
    /// `sms_send_message`): scripted answers are used in the order queued, each as many times as
    /// [`Answer::times`] says; then the operation answers from the spec's example again.
    pub fn script(&self, operation: &str, answer: Answer) {
        self.lock().scripts.push(operation, answer);
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// The requests that matched `operation`, in order.
    pub fn requests_to(&self, operation: &str) -> Vec<RecordedRequest> {
        let state = self.lock();
        let matching = state.requests.iter();
        matching
            .filter(|r| r.operation.as_deref() == Some(operation))
            .cloned()
            .collect()
    }

    /// Every SMS the fake accepted (one per number of each send), in order.
    pub fn accepted_messages(&self) -> Vec<AcceptedMessage> {
        self.lock().messages.all()
    }

    /// Sets the delivery status (`DELIVRD`, `UNDELIV`, …) later status queries report for the
    /// accepted message `message_id`; false when no such message was accepted.
    pub fn set_delivery_status(&self, message_id: &str, status: &str) -> bool {
        self.lock().messages.set_status(message_id, status)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

/// Locks the shared state; a panic elsewhere while it was held does not poison the fake.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// How long a scripted [`Answer::delay`] may be at most (a mistake rather than a test).
const MAX_DELAY: Duration = Duration::from_secs(600);
