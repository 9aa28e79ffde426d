//! The two SMSCs the clients are measured against, each in a process of its own (so its CPU is
//! never counted as a client's): the npm `smpp` server (`tests/peers/smpp/smsc.js`) and the
//! crates.io `smpp34` server (this binary, `serve-smpp34 PORT RECEIPTS`).

use std::io::BufRead;
use std::process::{Child, Command, Stdio};

/// Which SMSC.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Peer {
    Npm,
    Smpp34,
}

/// A running SMSC process; killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The first line `child` prints (its readiness signal).
fn first_line(child: &mut Child) -> String {
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line
}

/// Starts `peer` on a loopback port; with `receipts` it sends a delivery receipt for every
/// submit_sm that asks for one.
pub fn start(peer: Peer, receipts: bool) -> Server {
    match peer {
        Peer::Smpp34 => {
            let port = free_port();
            let mut child = Command::new(std::env::current_exe().unwrap())
                .args([
                    "serve-smpp34",
                    &port.to_string(),
                    if receipts { "1" } else { "0" },
                ])
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            assert_eq!(first_line(&mut child).trim(), "ready");
            Server {
                child,
                addr: format!("127.0.0.1:{port}"),
            }
        }
        Peer::Npm => {
            let tools = std::env::var("QIKBERRY_TOOLS")
                .expect("set QIKBERRY_TOOLS (the .tools dir with node_modules/smpp)");
            let script = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/peers/smpp/smsc.js"
            );
            let opts = if receipts {
                r#"{"port":0,"quiet":true,"dlr":"tlv"}"#
            } else {
                r#"{"port":0,"quiet":true}"#
            };
            let mut child = Command::new("node")
                .arg(script)
                .arg(opts)
                .env("QIKBERRY_TOOLS", tools)
                .stdout(Stdio::piped())
                .spawn()
                .expect("node");
            let v: serde_json::Value = serde_json::from_str(&first_line(&mut child)).unwrap();
            Server {
                child,
                addr: format!("127.0.0.1:{}", v["port"]),
            }
        }
    }
}

/// The `smpp34` crate's server: accepts every bind and submit_sm; with receipts, answers each
/// submit_sm that asks for one with a deliver_sm receipt.
pub mod smsc34 {
    use async_trait::async_trait;
    use smpp34::{
        SmppConnectionInformation, SmppServer, SmppServerListener, TlvTag, bind_transceiver,
        bind_transceiver_resp, server::ESME, submit_sm, submit_sm_resp,
    };
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    struct Handler {
        next: AtomicU64,
        receipts: bool,
        esmes: Mutex<HashMap<String, Arc<ESME>>>,
    }

    #[async_trait]
    impl SmppServerListener for Handler {
        async fn on_bind_transceiver(
            &self,
            req: bind_transceiver,
            _c: &SmppConnectionInformation,
            _s: &String,
        ) -> bind_transceiver_resp {
            req.accept("SMPP34".to_string(), Some(0x34))
        }
        async fn on_esme_bound(&self, esme: ESME, session_id: &String) {
            self.esmes
                .lock()
                .unwrap()
                .insert(session_id.clone(), Arc::new(esme));
        }
        async fn on_esme_unbound(&self, session_id: &String) {
            self.esmes.lock().unwrap().remove(session_id);
        }
        async fn on_submit_sm(
            &self,
            req: submit_sm,
            _c: &SmppConnectionInformation,
            session_id: &String,
        ) -> submit_sm_resp {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            let id = format!("{n:X}");
            if self.receipts && req.registered_delivery != 0 {
                let esme = self.esmes.lock().unwrap().get(session_id).cloned();
                if let Some(esme) = esme {
                    let text = format!(
                        "id:{n} sub:001 dlvrd:001 submit date:2611251010 done date:2611251010 stat:DELIVRD err:000 text:"
                    );
                    let (src, dst, rid) = (
                        req.destination_addr.clone(),
                        req.source_addr.clone(),
                        id.clone(),
                    );
                    tokio::spawn(async move {
                        let mut rid = rid.into_bytes();
                        rid.push(0);
                        let _ = esme
                            .deliver_sm()
                            .source_addr(src)
                            .destination_addr(dst)
                            .esm_class(0x04)
                            .short_message(text.into_bytes())
                            .tlv(TlvTag::ReceiptedMessageId, rid)
                            .tlv(TlvTag::MessageStateTlv, vec![2u8])
                            .send()
                            .await;
                    });
                }
            }
            req.accept(id)
        }
    }

    /// Serves on `port` until killed; prints `ready` once listening.
    pub async fn serve(port: u16, receipts: bool) {
        let handler = Arc::new(Handler {
            next: AtomicU64::new(1),
            receipts,
            esmes: Mutex::new(HashMap::new()),
        });
        let mut server = SmppServer::new("127.0.0.1".parse().unwrap(), port, handler);
        server.start().await;
        println!("ready");
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    }
}
