//! Scripted answers, queued per operation.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use super::MAX_DELAY;

/// One scripted answer: a status and body, optionally late, or a dropped connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub(super) status: u16,
    pub(super) body: Option<String>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) delay: Duration,
    pub(super) drop_connection: bool,
    pub(super) times: usize,
}

impl Answer {
    /// Answers `status` with the error envelope the API sends
    /// (`{"status": <status>, "message": "scripted <status>"}`).
    pub fn status(status: u16) -> Answer {
        let body = serde_json::json!({"status": status, "message": format!("scripted {status}")});
        Answer::json(status, body)
    }

    /// Answers `status` with `body` as JSON.
    pub fn json(status: u16, body: serde_json::Value) -> Answer {
        Answer {
            status,
            body: Some(body.to_string()),
            headers: Vec::new(),
            delay: Duration::ZERO,
            drop_connection: false,
            times: 1,
        }
    }

    /// Answers `status` with `body` as it is (for bodies that are not valid JSON, or drifted).
    pub fn raw(status: u16, body: impl Into<String>) -> Answer {
        Answer {
            body: Some(body.into()),
            ..Answer::status(status)
        }
    }

    /// Closes the connection without answering (the client sees a transport error).
    pub fn drop_connection() -> Answer {
        Answer {
            drop_connection: true,
            ..Answer::status(500)
        }
    }

    /// Adds a response header (`Retry-After`, …).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Answer {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answers (or drops the connection) only after `delay` (at most 10 minutes).
    pub fn delay(mut self, delay: Duration) -> Answer {
        self.delay = delay.min(MAX_DELAY);
        self
    }

    /// Uses this answer for the next `n` calls instead of one (at least 1).
    pub fn times(mut self, n: usize) -> Answer {
        self.times = n.max(1);
        self
    }
}

/// The queued answers of every operation.
#[derive(Default)]
pub(super) struct Scripts(BTreeMap<String, VecDeque<Answer>>);

impl Scripts {
    pub(super) fn push(&mut self, operation: &str, answer: Answer) {
        self.0
            .entry(operation.to_string())
            .or_default()
            .push_back(answer);
    }

    /// The next scripted answer of `operation`, if any (counting down its `times`).
    pub(super) fn next(&mut self, operation: &str) -> Option<Answer> {
        let queue = self.0.get_mut(operation)?;
        let front = queue.front_mut()?;
        front.times -= 1;
        if front.times == 0 {
            queue.pop_front()
        } else {
            Some(front.clone())
        }
    }
}
