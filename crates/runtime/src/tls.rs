//! The one TLS setup of every connection these crates open — the REST client's (reqwest) and
//! the SMPP client's (the gateway's port 3635): rustls with the *ring* crypto provider, server
//! certificates checked by the platform's verifier (`rustls-platform-verifier`: the system's
//! trust store and policy), or against exactly the roots you give.
//!
//! A `reqwest::Client` you build yourself for
//! [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) must get this setup too —
//! start from [`http_client_builder`] — because reqwest is compiled without a provider of its
//! own (only one crypto library is built).

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
pub use rustls::pki_types::CertificateDer;
use rustls::pki_types::{ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_platform_verifier::Verifier;
use std::sync::Arc;

/// The crypto provider of every connection: *ring*.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Makes *ring* the process-wide default rustls provider when the program has not chosen one,
/// so that a `reqwest::Client::new()` of your own works too (reqwest is built here without a
/// provider of its own and panics without a default). A default you installed is kept.
/// [`ClientBuilder::default`](crate::ClientBuilder) calls this.
pub fn install_default_provider() {
    if CryptoProvider::get_default().is_none() {
        // Err only when another thread installed one in between: that one stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// A `reqwest::ClientBuilder` with this module's TLS setup (the system's roots), to start a
/// client of your own for [`ClientBuilder::http_client`](crate::ClientBuilder::http_client).
///
/// # Errors
/// When the platform's trust store cannot be loaded.
#[cfg(feature = "client")]
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, String> {
    TlsOptions::system().http_client_builder()
}

/// TLS settings for one server (or for the REST client: [`TlsOptions::system`]).
#[derive(Clone, Default)]
pub struct TlsOptions {
    /// Name to verify the certificate against; defaults to the host part of the address.
    pub server_name: Option<String>,
    /// Extra trusted roots (e.g. a private CA or a test certificate), added to the system's.
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// Skip the system's root store (trust only `extra_roots`).
    pub no_system_roots: bool,
    /// Accept any certificate without verification. For tests and `--tls-insecure` only: it
    /// removes all protection against an impostor server.
    pub insecure: bool,
}

impl std::fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsOptions")
            .field("server_name", &self.server_name)
            .field("extra_roots", &self.extra_roots.len())
            .field("no_system_roots", &self.no_system_roots)
            .field("insecure", &self.insecure)
            .finish()
    }
}

impl TlsOptions {
    /// Verify against the system's roots.
    pub fn system() -> Self {
        Self::default()
    }
    /// Trust exactly this certificate (DER), e.g. a self-signed test certificate.
    pub fn trusting(cert: CertificateDer<'static>) -> Self {
        TlsOptions {
            extra_roots: vec![cert],
            no_system_roots: true,
            ..Self::default()
        }
    }
    /// Accept any certificate (no verification). Never use against production servers.
    pub fn insecure() -> Self {
        TlsOptions {
            insecure: true,
            ..Self::default()
        }
    }

    /// The rustls client configuration for these options.
    pub fn client_config(&self) -> Result<ClientConfig, String> {
        let provider = provider();
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS setup: {e}"))?;
        let verifier = self.verifier(provider)?;
        Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth())
    }

    fn verifier(
        &self,
        provider: Arc<CryptoProvider>,
    ) -> Result<Arc<dyn ServerCertVerifier>, String> {
        if self.insecure {
            return Ok(Arc::new(AcceptAnyCert(provider)));
        }
        if self.no_system_roots {
            let mut roots = RootCertStore::empty();
            for cert in &self.extra_roots {
                roots
                    .add(cert.clone())
                    .map_err(|e| format!("TLS setup: bad extra root certificate: {e}"))?;
            }
            if roots.is_empty() {
                return Err("TLS setup: no trusted root certificates".into());
            }
            let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| format!("TLS setup: {e}"))?;
            return Ok(verifier);
        }
        let verifier = if self.extra_roots.is_empty() {
            Verifier::new(provider)
        } else {
            Verifier::new_with_extra_roots(self.extra_roots.iter().cloned(), provider)
        };
        let verifier = verifier.map_err(|e| format!("TLS setup: {e}"))?;
        Ok(Arc::new(verifier))
    }

    /// A `reqwest::ClientBuilder` whose connections use these options (e.g. a private CA for a
    /// white-label host: `TlsOptions { extra_roots: vec![ca], ..TlsOptions::system() }`).
    ///
    /// # Errors
    /// When a root certificate is invalid or the platform's trust store cannot be loaded.
    #[cfg(feature = "client")]
    pub fn http_client_builder(&self) -> Result<reqwest::ClientBuilder, String> {
        let config = self.client_config()?;
        Ok(reqwest::Client::builder().tls_backend_preconfigured(config))
    }

    /// The name the server's certificate is checked against when connecting to `host`.
    pub fn server_name(&self, host: &str) -> Result<ServerName<'static>, String> {
        let name = self.server_name.as_deref().unwrap_or(host);
        ServerName::try_from(name.to_string()).map_err(|e| format!("TLS server name {name:?}: {e}"))
    }
}

#[derive(Debug)]
struct AcceptAnyCert(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
