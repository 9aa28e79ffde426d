// The client newtype's conversions, from codegen/templates/client_impls.rs (shared by every
// generated crate's `lib.rs`).

#[cfg(feature = "client")]
impl std::ops::Deref for Client {
    type Target = qikberry_runtime::Client;

    fn deref(&self) -> &qikberry_runtime::Client {
        &self.0
    }
}

#[cfg(feature = "client")]
impl AsRef<qikberry_runtime::Client> for Client {
    fn as_ref(&self) -> &qikberry_runtime::Client {
        &self.0
    }
}

#[cfg(feature = "client")]
impl From<qikberry_runtime::Client> for Client {
    fn from(inner: qikberry_runtime::Client) -> Client {
        Client(inner)
    }
}

#[cfg(feature = "client")]
impl From<Client> for qikberry_runtime::Client {
    fn from(client: Client) -> qikberry_runtime::Client {
        client.0
    }
}

#[cfg(feature = "client")]
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
