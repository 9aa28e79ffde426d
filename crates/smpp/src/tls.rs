//! TLS for SMPP connections (the gateway's port 3635): the runtime's one TLS setup
//! (`qikberry_runtime::tls`), rustls with *ring* and the platform's certificate verifier.

pub use qikberry_runtime::tls::{CertificateDer, TlsOptions};
