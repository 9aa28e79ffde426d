//! TLS for SMPP connections (the gateway's port 3635), over rustls.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
pub use rustls::pki_types::CertificateDer;
use rustls::pki_types::{ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;

/// TLS settings for one server.
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

    pub(crate) fn client_config(&self) -> Result<Arc<ClientConfig>, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS setup: {e}"))?;
        let config = if self.insecure {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCert(provider)))
                .with_no_client_auth()
        } else {
            let mut roots = RootCertStore::empty();
            if !self.no_system_roots {
                for cert in rustls_native_certs::load_native_certs().certs {
                    let _ = roots.add(cert);
                }
            }
            for cert in &self.extra_roots {
                roots
                    .add(cert.clone())
                    .map_err(|e| format!("TLS setup: bad extra root certificate: {e}"))?;
            }
            if roots.is_empty() {
                return Err("TLS setup: no trusted root certificates".into());
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        };
        Ok(Arc::new(config))
    }

    pub(crate) fn server_name(&self, host: &str) -> Result<ServerName<'static>, String> {
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
