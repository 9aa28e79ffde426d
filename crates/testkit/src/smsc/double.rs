//! The programmable SMSC underneath [`super::Smsc`]: a handler decides, PDU by PDU, what the
//! server answers ([`Act`]), and [`Stats`] counts what the client did. The `qikberry-smpp`
//! crate's fault tests drive it directly.

use qikberry::smpp::CommandStatus;
use qikberry::smpp::pdu::{self, BindResp, Body, MessageIdResp, Pdu};
use qikberry::smpp::tlv::{Tlv, Tlvs, tag};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// What the double does with one incoming PDU.
#[derive(Debug)]
pub enum Act {
    /// Answer with this PDU now.
    Reply(Pdu),
    /// Answer with this PDU after a delay (the request stays outstanding meanwhile).
    ReplyAfter(Duration, Pdu),
    /// Write these bytes as they are (malformed PDUs, split frames).
    Raw(Vec<u8>),
    /// Send a request of the double's own after a delay (e.g. a redelivery).
    SendAfter(Duration, Pdu),
    /// Close the connection (after writing what is queued).
    Close,
    /// Do nothing (the request stays unanswered).
    Nothing,
}

/// What the client did, over all connections.
#[derive(Default, Debug)]
pub struct Stats {
    /// Connections accepted.
    pub connections: AtomicUsize,
    /// submit_sm / data_sm received.
    pub submits: AtomicUsize,
    /// Submits not yet answered.
    pub outstanding: AtomicUsize,
    /// The most submits ever unanswered at once (the client's window in use).
    pub max_outstanding: AtomicUsize,
    /// enquire_link from the client.
    pub enquire_from_client: AtomicUsize,
    /// enquire_link_resp from the client.
    pub enquire_resp_from_client: AtomicUsize,
    /// deliver_sm_resp from the client.
    pub deliver_resps: AtomicUsize,
    /// unbind from the client.
    pub unbinds: AtomicUsize,
    /// generic_nack from the client.
    pub generic_nacks: AtomicUsize,
    /// Message ids answered, in order.
    pub accepted: Mutex<Vec<String>>,
    /// When each submit arrived.
    pub arrivals: Mutex<Vec<Instant>>,
    /// Key ([`key_of`]) of every submit received, in order, over all connections.
    pub received: Mutex<Vec<String>>,
    /// Key of every submit answered with a message id.
    pub accepted_keys: Mutex<Vec<String>>,
    /// Destination and UDH of every concatenated part (filled by tests that want them).
    pub parts: Mutex<Vec<(String, Vec<u8>)>>,
    /// Status of every deliver_sm_resp from the client.
    pub deliver_resp_status: Mutex<Vec<(u32, u32)>>,
}

/// The message a submit carries: its short_message, or its message_payload up to the first `|`.
pub fn key_of(p: &Pdu) -> String {
    let bytes = match &p.body {
        Body::SubmitSm(sm) if sm.short_message.is_empty() => {
            sm.tlvs.message_payload().unwrap_or_default()
        }
        Body::SubmitSm(sm) => &sm.short_message[..],
        Body::DataSm(ds) => ds.tlvs.message_payload().unwrap_or_default(),
        _ => &[],
    };
    let text = String::from_utf8_lossy(bytes);
    text.split('|').next().unwrap_or_default().to_string()
}

/// Decides what the double does with each PDU: `(stats, connection number from 0, pdu)`.
pub type Handler = dyn Fn(&Stats, usize, &Pdu) -> Vec<Act> + Send + Sync;

/// A running double; it serves until the runtime stops.
pub struct Double {
    /// `127.0.0.1:<port>`.
    pub addr: String,
    /// What the client did.
    pub stats: Arc<Stats>,
    /// Send raw bytes to the most recent connection.
    pub inject: Arc<Mutex<Option<mpsc::UnboundedSender<Vec<u8>>>>>,
    /// While set, the double does not read from its first connection (its socket buffers fill).
    pub pause_first: Arc<std::sync::atomic::AtomicBool>,
}

/// How the double writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Opts {
    /// Write one byte at a time (frames split at every byte).
    pub dribble: bool,
}

/// The response to `p` with `status` and `body`.
pub fn resp(p: &Pdu, status: u32, body: Body) -> Pdu {
    Pdu::response(p.sequence_number, CommandStatus(status), body)
}

/// Standard answers: bind OK, enquire_link, unbind; submit handled by `on_submit`.
pub fn standard(
    on_submit: impl Fn(&Stats, usize, &Pdu) -> Vec<Act> + Send + Sync + 'static,
) -> Arc<Handler> {
    Arc::new(move |st: &Stats, conn: usize, p: &Pdu| match &p.body {
        Body::BindTransceiver(_) | Body::BindTransmitter(_) | Body::BindReceiver(_) => {
            let mut tlvs = Tlvs::new();
            tlvs.push(Tlv::u8(tag::SC_INTERFACE_VERSION, 0x34));
            let b = BindResp {
                system_id: "double".into(),
                tlvs,
            };
            let body = match p.body {
                Body::BindTransceiver(_) => Body::BindTransceiverResp(b),
                Body::BindTransmitter(_) => Body::BindTransmitterResp(b),
                _ => Body::BindReceiverResp(b),
            };
            vec![Act::Reply(resp(p, 0, body))]
        }
        Body::EnquireLink => {
            st.enquire_from_client.fetch_add(1, Ordering::SeqCst);
            vec![Act::Reply(resp(p, 0, Body::EnquireLinkResp))]
        }
        Body::Unbind => {
            st.unbinds.fetch_add(1, Ordering::SeqCst);
            vec![Act::Reply(resp(p, 0, Body::UnbindResp)), Act::Close]
        }
        Body::SubmitSm(_) | Body::DataSm(_) => {
            st.submits.fetch_add(1, Ordering::SeqCst);
            st.arrivals.lock().unwrap().push(Instant::now());
            st.received.lock().unwrap().push(key_of(p));
            on_submit(st, conn, p)
        }
        Body::EnquireLinkResp => {
            st.enquire_resp_from_client.fetch_add(1, Ordering::SeqCst);
            vec![]
        }
        Body::DeliverSmResp(_) => {
            st.deliver_resps.fetch_add(1, Ordering::SeqCst);
            let s = (p.sequence_number, p.command_status.0);
            st.deliver_resp_status.lock().unwrap().push(s);
            vec![]
        }
        Body::GenericNack => {
            st.generic_nacks.fetch_add(1, Ordering::SeqCst);
            vec![]
        }
        _ => vec![Act::Nothing],
    })
}

/// Accepts the submit `p`: a new hexadecimal message id, recorded in `accepted`.
pub fn ok_submit(st: &Stats, p: &Pdu) -> Pdu {
    let n = st.accepted.lock().unwrap().len() + 1;
    let id = format!("{:x}", 0x1000 + n);
    st.accepted.lock().unwrap().push(id.clone());
    st.accepted_keys.lock().unwrap().push(key_of(p));
    resp(
        p,
        0,
        Body::SubmitSmResp(MessageIdResp {
            message_id: id,
            tlvs: Tlvs::new(),
        }),
    )
}

/// Starts a double on 127.0.0.1 with a free port.
///
/// # Panics
///
/// When no loopback port can be bound (a test environment without networking).
pub async fn double(handler: Arc<Handler>, opts: Opts) -> Double {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let stats = Arc::new(Stats::default());
    let inject: Arc<Mutex<Option<mpsc::UnboundedSender<Vec<u8>>>>> = Arc::new(Mutex::new(None));
    let pause_first = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (st, inj, pause) = (stats.clone(), inject.clone(), pause_first.clone());
    let dribble = opts.dribble;
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let conn = st.connections.fetch_add(1, Ordering::SeqCst);
            let (tx, rx) = mpsc::unbounded_channel::<Vec<u8>>();
            *inj.lock().unwrap() = Some(tx.clone());
            let pause = (conn == 0).then(|| pause.clone());
            tokio::spawn(serve(
                sock,
                conn,
                st.clone(),
                handler.clone(),
                (tx, rx),
                dribble,
                pause,
            ));
        }
    });
    Double {
        addr,
        stats,
        inject,
        pause_first,
    }
}

async fn serve(
    sock: TcpStream,
    conn: usize,
    st: Arc<Stats>,
    handler: Arc<Handler>,
    (tx, mut rx): (
        mpsc::UnboundedSender<Vec<u8>>,
        mpsc::UnboundedReceiver<Vec<u8>>,
    ),
    dribble: bool,
    pause: Option<Arc<std::sync::atomic::AtomicBool>>,
) {
    let (mut rd, mut wr) = sock.into_split();
    let writer = tokio::spawn(async move {
        while let Some(mut bytes) = rx.recv().await {
            if bytes.is_empty() {
                let _ = wr.shutdown().await;
                return;
            }
            // Merge whatever else is queued into the same write.
            while let Ok(more) = rx.try_recv() {
                if more.is_empty() {
                    let _ = wr.write_all(&bytes).await;
                    let _ = wr.shutdown().await;
                    return;
                }
                bytes.extend(more);
            }
            if dribble {
                for b in bytes {
                    if wr.write_all(&[b]).await.is_err() {
                        return;
                    }
                    let _ = wr.flush().await;
                    tokio::task::yield_now().await;
                }
            } else if wr.write_all(&bytes).await.is_err() {
                return;
            }
        }
    });
    let mut buf = Vec::new();
    'conn: loop {
        while pause.as_ref().is_some_and(|p| p.load(Ordering::SeqCst)) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let mut chunk = [0u8; 4096];
        let n = match rd.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        while let Ok(Some(len)) = pdu::frame_length(&buf, 100_000) {
            let frame: Vec<u8> = buf.drain(..len).collect();
            // A client sending a PDU that does not decode is answered by a closed connection.
            let Ok(p) = Pdu::decode(&frame) else {
                break 'conn;
            };
            if matches!(p.body, Body::SubmitSm(_)) {
                let o = st.outstanding.fetch_add(1, Ordering::SeqCst) + 1;
                st.max_outstanding.fetch_max(o, Ordering::SeqCst);
            }
            for act in handler(&st, conn, &p) {
                match act {
                    Act::Reply(r) => {
                        if matches!(r.body, Body::SubmitSmResp(_) | Body::GenericNack) {
                            st.outstanding.fetch_sub(1, Ordering::SeqCst);
                        }
                        let _ = tx.send(r.to_bytes().unwrap());
                    }
                    Act::ReplyAfter(d, r) => {
                        let (tx, st) = (tx.clone(), st.clone());
                        tokio::spawn(async move {
                            tokio::time::sleep(d).await;
                            st.outstanding.fetch_sub(1, Ordering::SeqCst);
                            let _ = tx.send(r.to_bytes().unwrap());
                        });
                    }
                    Act::Raw(b) => {
                        let _ = tx.send(b);
                    }
                    Act::SendAfter(d, r) => {
                        let tx = tx.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep(d).await;
                            let _ = tx.send(r.to_bytes().unwrap());
                        });
                    }
                    Act::Close => {
                        let _ = tx.send(Vec::new());
                        break 'conn;
                    }
                    Act::Nothing => {}
                }
            }
        }
    }
    let _ = tx.send(Vec::new());
    let _ = writer.await;
}
