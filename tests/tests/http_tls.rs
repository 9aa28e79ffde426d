//! The REST client over real TLS: a Node `https` server on loopback with a certificate made in
//! the test. The client's one TLS setup (rustls with ring, `qikberry::tls`) refuses the unknown
//! certificate by default, and completes the call when told to trust it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use qikberry::Client;
use qikberry::tls::TlsOptions;

/// A Node HTTPS server answering `GET /api/v2/finance/balance` when the Bearer token is right.
struct HttpsPeer {
    child: Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Drop for HttpsPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const SERVER: &str = r#"
const fs = require('fs'), https = require('https');
const [key, cert] = [fs.readFileSync(process.argv[1]), fs.readFileSync(process.argv[2])];
https.createServer({ key, cert }, (req, res) => {
  const ok = req.url === '/api/v2/finance/balance' && req.headers.authorization === 'Bearer tls-token';
  res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
  res.end(ok ? '{"status":"success","message":"Balance","data":{"sms":"12.50"}}'
             : '{"status":"error","message":"unexpected request"}');
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
"#;

fn start(tag: &str) -> (HttpsPeer, rcgen::Certificate) {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let dir = std::env::temp_dir().join(format!("qikberry-https-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("key.pem"), ck.signing_key.serialize_pem()).unwrap();
    std::fs::write(dir.join("cert.pem"), ck.cert.pem()).unwrap();
    let mut child = Command::new("node")
        .args(["-e", SERVER])
        .arg(dir.join("key.pem"))
        .arg(dir.join("cert.pem"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `node` (needed for the HTTPS peer): {e}"));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().parse().expect("the server prints its port");
    (HttpsPeer { child, port, dir }, ck.cert)
}

fn builder(peer: &HttpsPeer) -> qikberry::ClientBuilder {
    Client::builder()
        .base_url(format!("https://localhost:{}/api/v2/", peer.port))
        .token("tls-token")
}

#[tokio::test]
async fn an_unknown_certificate_is_refused() {
    let (peer, _cert) = start("refused");
    let client = builder(&peer).build().unwrap();
    let err = client.account().get_balance().send().await.unwrap_err();
    assert!(matches!(err, qikberry::Error::Transport { .. }), "{err}");
    assert!(
        !err.was_processed(),
        "a refused handshake sent nothing: {err}"
    );
}

#[tokio::test]
async fn a_trusted_certificate_completes_the_call() {
    let (peer, cert) = start("trusted");
    let http = TlsOptions::trusting(cert.der().clone())
        .http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let client = builder(&peer).http_client(http).build().unwrap();
    let balance = client.account().get_balance().send().await.unwrap();
    assert_eq!(balance.message, "Balance");
}

/// A plain `reqwest::Client::new()` for `.http_client(..)`, made after `Client::builder()`:
/// reqwest carries no crypto provider of its own here, and would panic without the process
/// default that building a `ClientBuilder` installs.
#[tokio::test]
async fn a_plain_reqwest_client_made_after_the_builder_works() {
    let (peer, _cert) = start("plain");
    let builder = builder(&peer);
    let client = builder.http_client(reqwest::Client::new()).build().unwrap();
    // Its own TLS setup (the system roots) refuses the test certificate: a handshake, not a panic.
    let err = client.account().get_balance().send().await.unwrap_err();
    assert!(matches!(err, qikberry::Error::Transport { .. }), "{err}");
}
