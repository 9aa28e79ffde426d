//! The typed call table's plumbing: one [`Call`] per operation of the spec, each a typed
//! generated-client call (see `calls.rs`), driven by [`Ctx`] (the request example to send, the
//! path-parameter value, the upload's bytes).

use futures_util::future::BoxFuture;
use qikberry::multipart::FilePart;
use qikberry::{Client, Error};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Inputs of one call.
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The request body example (JSON or form), if the operation has one.
    pub body: Option<Value>,
    /// Value of every string path parameter.
    pub id: String,
    /// Value of every integer path parameter.
    pub num: i64,
    /// Bytes of every uploaded file.
    pub file: Vec<u8>,
    /// The operation, for messages.
    pub op: &'static str,
}

/// File name of every upload.
pub const UPLOAD_NAME: &str = "upload.csv";

impl Ctx {
    /// The request example as the generated body type. Panics with the JSON path when the
    /// generated type cannot represent the example.
    pub fn body<T: DeserializeOwned>(&self) -> T {
        let v = self
            .body
            .clone()
            .unwrap_or_else(|| panic!("{}: no request example in the spec", self.op));
        serde_path_to_value(v).unwrap_or_else(|e| {
            panic!(
                "{}: the request example does not fit the generated type: {e}",
                self.op
            )
        })
    }

    /// A string path parameter.
    pub fn id(&self) -> String {
        self.id.clone()
    }

    /// The upload.
    pub fn file(&self) -> FilePart {
        FilePart::from_bytes(self.file.clone(), UPLOAD_NAME).mime_type("text/csv")
    }
}

/// Deserializes with the JSON path of the failure in the error.
pub fn serde_path_to_value<T: DeserializeOwned>(v: Value) -> Result<T, String> {
    serde_path_to_error::deserialize::<_, T>(v)
        .map_err(|e| format!("at `{}`: {}", e.path(), e.inner()))
}

/// The JSON form of a decoded response, for comparison with the spec example.
pub fn to_json<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).expect("generated types serialize")
}

/// One operation's typed call.
pub struct Call {
    /// The operationId it exercises.
    pub id: &'static str,
    /// The raw query string it must produce (without the access token), `""` for none.
    pub query: &'static str,
    /// Multipart text fields it sets (name, value as sent), besides the file.
    pub fields: &'static [(&'static str, &'static str)],
    /// Runs the call and returns the decoded response as JSON.
    pub run: fn(Client, Ctx) -> BoxFuture<'static, Result<Value, Error>>,
}

/// `call!(operation_id, query, [fields], |client, ctx| async { ... -> Result<Value, Error> })`.
#[macro_export]
macro_rules! call {
    ($id:literal, $query:literal, [$(($f:literal, $v:literal)),* $(,)?], |$c:ident, $x:ident| $body:expr) => {
        $crate::support::ops::Call {
            id: $id,
            query: $query,
            fields: &[$(($f, $v)),*],
            run: |$c, $x| Box::pin(async move {
                #[allow(unused_variables)]
                let $x = $x;
                $body.await.map($crate::support::ops::to_json)
            }),
        }
    };
}
