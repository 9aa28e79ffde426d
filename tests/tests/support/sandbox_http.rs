//! The sandbox's admin and REST answers over HTTP, for the tests that link the `qikberry`
//! crate (`sandbox.rs` itself is also included by xtask's tests, which do not).

use super::sandbox::Sandbox;

impl Sandbox {
    /// `GET path` on the sandbox with its token: the status and the JSON answer.
    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = qikberry::tls::http_client_builder()
            .unwrap()
            .build()
            .unwrap()
            .get(format!("{}{path}", self.var("QIKBERRY_HOST")))
            .bearer_auth(self.var("QIKBERRY_TOKEN"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", self.log()));
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON answer"))
    }
}
