//! The HTTP/1.1 server behind [`super::FakeApi`]: one task accepting connections, one per
//! connection (all aborted when the fake is dropped).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use super::messages::{STATUS_QUERY, is_send};
use super::route::Routes;
use super::{Answer, RecordedRequest, State, lock};

/// The running server; dropping it stops the server and closes its connections.
pub(super) struct Server {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Why a connection is closed without an answer ([`Answer::drop_connection`]).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("scripted: connection dropped")
    }
}

impl std::error::Error for Dropped {}

impl Server {
    pub(super) async fn start(routes: Routes, state: Arc<Mutex<State>>) -> std::io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new((routes, state));
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((socket, _)) = listener.accept().await {
                let shared = shared.clone();
                connections.spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let shared = shared.clone();
                        async move { handle(&shared.0, &shared.1, req).await }
                    });
                    let conn = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service);
                    let _ = conn.await;
                });
                while connections.try_join_next().is_some() {}
            }
        });
        Ok(Server { addr, task })
    }

    pub(super) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

async fn handle(
    routes: &Routes,
    state: &Mutex<State>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(_) => return Err(Dropped),
    };
    let route = routes.find(parts.method.as_str(), parts.uri.path());
    let recorded = RecordedRequest {
        operation: route.map(|r| r.operation.to_string()),
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let answer = {
        let mut state = lock(state);
        let answer = match route {
            None => Answer::json(
                404,
                serde_json::json!({"status": 404, "message": "no operation of the spec has this method and path"}),
            ),
            Some(r) => match state.scripts.next(r.operation) {
                Some(scripted) => scripted,
                None => example_answer(&mut state, r, &recorded),
            },
        };
        state.requests.push(recorded);
        answer
    };
    if !answer.delay.is_zero() {
        tokio::time::sleep(answer.delay).await;
    }
    if answer.drop_connection {
        return Err(Dropped);
    }
    Ok(response(answer))
}

/// The spec's example for `route`, or, for SMS sends and status queries, the remembered messages
/// in its shape.
fn example_answer(
    state: &mut State,
    route: &qikberry::spec_examples::SpecExample,
    req: &RecordedRequest,
) -> Answer {
    let Some(example) = route.body else {
        return Answer {
            body: None,
            ..Answer::status(route.status)
        };
    };
    let body = if is_send(route.operation) {
        let accepted = state.messages.accept(route.operation, &req.body, example);
        accepted.unwrap_or_else(|| example.to_string())
    } else if route.operation == STATUS_QUERY {
        state.messages.status(req.query.as_deref(), example)
    } else {
        example.to_string()
    };
    Answer::raw(route.status, body)
}

fn response(answer: Answer) -> Response<Full<Bytes>> {
    let body = answer.body.unwrap_or_default();
    let mut builder = Response::builder().status(answer.status);
    if !body.is_empty() {
        builder = builder.header("content-type", "application/json");
    }
    for (name, value) in &answer.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|e| {
            let mut r = Response::new(Full::new(Bytes::from(format!("bad scripted answer: {e}"))));
            *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            r
        })
}
