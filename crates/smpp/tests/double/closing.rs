//! Closing a TLS connection to an SMSC that stopped reading: the socket shutdown (close_notify)
//! cannot complete, so it must be abandoned after `Config::close_timeout`.

use super::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpSocket;
use tokio_rustls::TlsAcceptor;

/// A self-signed P-256 certificate for `localhost`, made for this test only (the client uses
/// the insecure verifier, so it is never checked).
const CERT_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUFgbDKYrK4EgavSZ3yv3DsLwr+SEwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwNzAwNTcwMVoYDzIxMjYxMTEz
MDA1NzAxWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATXkUCe5lb7hekWPjTj/JEqB48zzr2yZ+8E7PtYTalCkiC4GnavFyG7
C2UxErz33QPZIe3Dkee7eg4kw7Nkedr2o28wbTAdBgNVHQ4EFgQUpRaOwWNh4dWO
IDcz5oCzY2+n020wHwYDVR0jBBgwFoAUpRaOwWNh4dWOIDcz5oCzY2+n020wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhALKMJwoHP5NaBHkFiyQfseYa5YtTH2g5ELgcyqRv8BTfAiEA
imcclfGNC+tpmwZG8LPdEZfoqAAsgoP6BgXT4UOxdM4=
-----END CERTIFICATE-----
";

/// The test certificate's key (PKCS#8); it protects nothing.
const KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgEjKlRW4OU7ebiijl
HqgN49uEXxAvX87DLqQdF9FUVCqhRANCAATXkUCe5lb7hekWPjTj/JEqB48zzr2y
Z+8E7PtYTalCkiC4GnavFyG7C2UxErz33QPZIe3Dkee7eg4kw7Nkedr2
-----END PRIVATE KEY-----
";

fn acceptor() -> TlsAcceptor {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cert = CertificateDer::from_pem_slice(CERT_PEM.as_bytes()).unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY_PEM.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    TlsAcceptor::from(Arc::new(config))
}

/// A submit carrying `bytes` of message_payload (fills socket buffers quickly).
fn bulky(bytes: usize) -> SubmitSm {
    let mut tlvs = Tlvs::new();
    tlvs.push(Tlv::octets(tag::MESSAGE_PAYLOAD, vec![b'x'; bytes]));
    SubmitSm {
        source_addr: "QIK".into(),
        destination_addr: "91".into(),
        tlvs,
        ..SubmitSm::default()
    }
}

/// A TLS SMSC that answers the bind and then never reads again. When `probe` fires it writes an
/// enquire_link every 50 ms for up to 3 s and reports how long until a write failed — which
/// happens once the client has closed its socket (the kernel answers data for a closed socket
/// with a reset) — or `None` if the client kept the connection open.
async fn deaf_tls_smsc(probe: tokio::sync::oneshot::Receiver<()>) -> (String, JoinProbe) {
    let socket = TcpSocket::new_v4().unwrap();
    // A small receive buffer, so the client's writes back up quickly.
    socket.set_recv_buffer_size(8 * 1024).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(4).unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut tls = acceptor().accept(tcp).await.unwrap();
        let mut buf = Vec::new();
        let bind = loop {
            let mut chunk = [0u8; 1024];
            let n = tls.read(&mut chunk).await.unwrap();
            assert!(n > 0, "client closed before binding");
            buf.extend_from_slice(&chunk[..n]);
            if let Some(len) = pdu::frame_length(&buf, 100_000).unwrap() {
                break Pdu::decode(&buf[..len]).unwrap();
            }
        };
        let ok = resp(&bind, 0, Body::BindTransceiverResp(BindResp::default()));
        tls.write_all(&ok.to_bytes().unwrap()).await.unwrap();
        tls.flush().await.unwrap();
        // From here on nothing is read.
        let _ = probe.await;
        let t0 = Instant::now();
        for seq in 1..=60u32 {
            let ping = Pdu::request(seq, Body::EnquireLink).to_bytes().unwrap();
            let r = async {
                tls.write_all(&ping).await?;
                tls.flush().await
            };
            // A write that cannot even be buffered within 500 ms is not a failure: try again.
            if let Ok(Err(_)) = tokio::time::timeout(Duration::from_millis(500), r).await {
                return Some(t0.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    });
    (addr, task)
}

type JoinProbe = tokio::task::JoinHandle<Option<Duration>>;

#[tokio::test]
async fn tls_close_to_a_peer_that_stopped_reading_is_bounded() {
    let (probe_tx, probe_rx) = tokio::sync::oneshot::channel();
    let (addr, peer) = deaf_tls_smsc(probe_rx).await;
    let mut c = Config::new(
        "esme",
        "pw",
        vec![Server::tls(&addr, TlsOptions::insecure())],
    );
    c.window = 400;
    c.close_timeout = Duration::from_millis(300);
    let client = Client::connect(c).await.unwrap();
    // ~9 MB of submits: more than the socket buffers hold, so the writer is stuck mid-write.
    let submits: Vec<_> = (0..150)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.submit_sm(bulky(60_000)).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The unbind cannot be written either: the session closes after UNBIND_WAIT, and the socket
    // must be given up `close_timeout` later, close_notify or not.
    client.shutdown(Duration::ZERO).await;
    for s in submits {
        assert!(s.await.unwrap().is_err());
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    probe_tx.send(()).unwrap();
    let closed_after = peer.await.unwrap();
    assert!(
        closed_after.is_some(),
        "the client still holds the connection to a peer that stopped reading"
    );
}
