//! An in-process SMSC for tests of code that sends over SMPP: [`Smsc`] accepts binds and
//! submits, answers delivery receipts (delivered or failed, after a delay) when asked for,
//! throttles every n-th submit and sends `unbind` on request or after n submits.
//!
//! It is built on [`mod@double`], the programmable SMSC the `qikberry-smpp` crate's own fault tests
//! use: a handler decides, PDU by PDU, what the server answers.

pub mod double;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use qikberry::smpp::pdu::{Body, Pdu, SubmitSm};
use qikberry::smpp::tlv::Tlvs;

use double::{Act, Double, Opts, Stats, double, ok_submit, resp, standard};

/// `ESME_RTHROTTLED`: the submit was not accepted, try again later.
const THROTTLED: u32 = 0x58;

/// The delivery receipt the SMSC sends for each accepted submit that asks for one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Receipts {
    /// No receipts.
    None,
    /// `stat:<stat> err:<err>` after `after` (`DELIVRD`/`000` for a delivered message).
    After {
        /// How long after the submit response the receipt is sent.
        after: Duration,
        /// The `stat:` word (`DELIVRD`, `UNDELIV`, `EXPIRED`, `REJECTD`, …).
        stat: String,
        /// The three-digit `err:` code.
        err: String,
    },
}

impl Receipts {
    /// Delivered (`stat:DELIVRD err:000`) after `after`.
    pub fn delivered(after: Duration) -> Receipts {
        Receipts::failed(after, "DELIVRD", "000")
    }

    /// A receipt with `stat` and `err` after `after` (`failed(d, "UNDELIV", "001")`).
    pub fn failed(after: Duration, stat: &str, err: &str) -> Receipts {
        Receipts::After {
            after,
            stat: stat.to_string(),
            err: err.to_string(),
        }
    }
}

/// How an [`Smsc`] behaves; start it with [`SmscBuilder::start`].
#[derive(Debug, Clone)]
pub struct SmscBuilder {
    receipts: Receipts,
    throttle_every: Option<usize>,
    unbind_after: Option<usize>,
}

impl SmscBuilder {
    /// The receipts to send (default: delivered at once).
    pub fn receipts(mut self, receipts: Receipts) -> SmscBuilder {
        self.receipts = receipts;
        self
    }

    /// Answers every `n`-th submit (counting from the first) with `ESME_RTHROTTLED` (n ≥ 2;
    /// smaller values throttle every other one).
    pub fn throttle_every(mut self, n: usize) -> SmscBuilder {
        self.throttle_every = Some(n.max(2));
        self
    }

    /// Sends `unbind` right after answering the `n`-th accepted submit (on that connection).
    pub fn unbind_after(mut self, n: usize) -> SmscBuilder {
        self.unbind_after = Some(n.max(1));
        self
    }

    /// Starts the SMSC on 127.0.0.1 with a free port.
    pub async fn start(self) -> Smsc {
        let sequence = Arc::new(AtomicU32::new(0x4000_0000));
        let inner = double(
            standard(move |st, _, p| self.on_submit(st, p, &sequence)),
            Opts::default(),
        )
        .await;
        Smsc { inner }
    }

    fn on_submit(&self, st: &Stats, p: &Pdu, sequence: &AtomicU32) -> Vec<Act> {
        let n = st.submits.load(Ordering::SeqCst);
        if self
            .throttle_every
            .is_some_and(|every| n.is_multiple_of(every))
        {
            let body = Body::SubmitSmResp(Default::default());
            return vec![Act::Reply(resp(p, THROTTLED, body))];
        }
        let answer = ok_submit(st, p);
        let id = match &answer.body {
            Body::SubmitSmResp(r) => r.message_id.clone(),
            _ => String::new(),
        };
        let mut acts = vec![Act::Reply(answer)];
        let wants_receipt = match &p.body {
            Body::SubmitSm(sm) => sm.registered_delivery & 1 == 1,
            Body::DataSm(ds) => ds.registered_delivery & 1 == 1,
            _ => false,
        };
        if let (Receipts::After { after, stat, err }, true) = (&self.receipts, wants_receipt) {
            let seq = sequence.fetch_add(1, Ordering::SeqCst);
            acts.push(Act::SendAfter(*after, receipt(seq, &id, stat, err)));
        }
        let accepted = st.accepted.lock().map(|a| a.len()).unwrap_or_default();
        if self.unbind_after == Some(accepted) {
            let seq = sequence.fetch_add(1, Ordering::SeqCst);
            acts.push(Act::SendAfter(
                Duration::ZERO,
                Pdu::request(seq, Body::Unbind),
            ));
        }
        acts
    }
}

/// A delivery receipt for `id` in the platform's text format.
fn receipt(seq: u32, id: &str, stat: &str, err: &str) -> Pdu {
    let delivered = if stat == "DELIVRD" { "001" } else { "000" };
    let text = format!(
        "id:{id} sub:001 dlvrd:{delivered} submit date:2601011200 done date:2601011201 stat:{stat} err:{err} text:"
    );
    let sm = SubmitSm {
        esm_class: 0x04,
        short_message: text.into_bytes(),
        tlvs: Tlvs::new(),
        ..SubmitSm::default()
    };
    Pdu::request(seq, Body::DeliverSm(sm))
}

/// A running in-process SMSC; it serves until the test's runtime stops.
pub struct Smsc {
    inner: Double,
}

impl Smsc {
    /// An SMSC that accepts every bind and submit and sends delivered receipts at once.
    pub fn builder() -> SmscBuilder {
        SmscBuilder {
            receipts: Receipts::delivered(Duration::ZERO),
            throttle_every: None,
            unbind_after: None,
        }
    }

    /// `127.0.0.1:<port>`, for `qikberry::smpp::Server::plain`.
    pub fn addr(&self) -> &str {
        &self.inner.addr
    }

    /// What the client did so far (binds, submits, answers to receipts, unbinds, …).
    pub fn stats(&self) -> &Stats {
        &self.inner.stats
    }

    /// The message ids the SMSC answered, in order.
    pub fn accepted(&self) -> Vec<String> {
        let accepted = self.inner.stats.accepted.lock();
        accepted.map(|a| a.clone()).unwrap_or_default()
    }

    /// Sends `unbind` on the most recent connection; false when no client is connected.
    pub fn unbind(&self) -> bool {
        let inject = self.inner.inject.lock().ok().and_then(|i| i.clone());
        let unbind = Pdu::request(0x7FFF_FFF0, Body::Unbind).to_bytes();
        match (inject, unbind) {
            (Some(tx), Ok(bytes)) => tx.send(bytes).is_ok(),
            _ => false,
        }
    }
}
