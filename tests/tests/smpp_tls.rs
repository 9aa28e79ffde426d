//! SMPP over TLS against the npm `smpp` server, with a self-signed certificate made in the test.

mod smpp_common;

use qikberry::smpp::tls::CertificateDer;
use qikberry::smpp::{Client, Config, ConnectError, Server, Sms, TlsOptions};
use serde_json::json;
use smpp_common::Smsc;
use std::time::Duration;

struct TlsFiles {
    dir: std::path::PathBuf,
    der: CertificateDer<'static>,
}

impl Drop for TlsFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn self_signed(tag: &str) -> TlsFiles {
    let ck =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    let dir = std::env::temp_dir().join(format!("qikberry-smpp-tls-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cert.pem"), ck.cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), ck.signing_key.serialize_pem()).unwrap();
    TlsFiles {
        der: ck.cert.der().clone(),
        dir,
    }
}

async fn tls_smsc(files: &TlsFiles) -> Smsc {
    Smsc::start(json!({"tls": {
        "key": files.dir.join("key.pem"),
        "cert": files.dir.join("cert.pem"),
    }}))
    .await
}

fn config(server: Server) -> Config {
    let mut c = Config::new("esme1", "secret", vec![server]);
    c.request_timeout = Duration::from_secs(5);
    c
}

#[tokio::test]
async fn submit_over_tls_with_a_trusted_self_signed_certificate() {
    let files = self_signed("trusted");
    let smsc = tls_smsc(&files).await;
    let mut opts = TlsOptions::trusting(files.der.clone());
    opts.server_name = Some("localhost".into());
    let client = Client::connect(config(Server::tls(smsc.addr(), opts)))
        .await
        .unwrap();
    let ids = client
        .send(&Sms::new("QIKBRY", "919900000001", "over TLS"))
        .await
        .unwrap();
    let sub = smsc.wait_for("submit", 1, Duration::from_secs(5)).await;
    assert_eq!(sub[0]["id"], ids[0].as_str());
    assert_eq!(sub[0]["text"], "over TLS");
    client.shutdown(Duration::from_secs(2)).await;
    smsc.wait_for("unbind", 1, Duration::from_secs(5)).await;
}

#[tokio::test]
async fn untrusted_certificate_is_refused_unless_insecure() {
    let files = self_signed("untrusted");
    let other = self_signed("other");
    let smsc = tls_smsc(&files).await;
    // Trusting a different certificate: the handshake must fail.
    let mut opts = TlsOptions::trusting(other.der.clone());
    opts.server_name = Some("localhost".into());
    let e = Client::connect(config(Server::tls(smsc.addr(), opts)))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ConnectError::Io { message, .. } if message.contains("TLS")),
        "{e}"
    );
    // The opt-in insecure verifier (tests, --tls-insecure) connects anyway.
    let client = Client::connect(config(Server::tls(smsc.addr(), TlsOptions::insecure())))
        .await
        .unwrap();
    client
        .send(&Sms::new("QIKBRY", "919900000002", "insecure"))
        .await
        .unwrap();
}
