// A scriptable SMSC for the qikberry SMPP integration tests, built on the npm `smpp` package's
// server mode (an implementation nobody on this project wrote).
//
// Usage: node smsc.js '<json options>'
//   port          TCP port (0 = any; the chosen port is printed as {"event":"listening","port":N})
//   tls           {"key": "<pem path>", "cert": "<pem path>"} to serve TLS
//   password      when set, a bind with another password gets ESME_RINVPASWD (0x0E)
//   bind_version  sc_interface_version reported in bind_resp (default 0x34)
//   resp_delay_ms answer submit_sm after this delay (default 0)
//   throttle      {"capacity": N, "per_second": R}: token bucket; an empty bucket answers
//                 ESME_RTHROTTLED (0x58) and the message is not accepted
//   drop_after    on the first connection, destroy the socket when this many submit_sm have
//                 arrived (answers for the last ones are never sent)
//   unbind_after  on the first connection, at this many submit_sm: stop reading the socket for
//                 `pause_ms` (default 1500; the client's writes back up) and send `unbind`
//   dlr           "text" (receipt text with the id in decimal, response id in hex),
//                 "tlv" (receipted_message_id + message_state TLVs, text too) or absent
//   dlr_err       err code for receipts (default "000" with stat DELIVRD)
//   receipt_delay_ms  send each receipt this long after the submit_sm_resp (default 5)
//   receipt_fail_rate share of receipts (0..1) that say stat:UNDELIV err:001 instead; which
//                 ones depends only on `seed` and the message id (so on the order of submits)
//   seed          seed of the receipt_fail_rate draws (default 0)
//   unbind_every  after every N-th accepted submit_sm (across connections) the SMSC sends
//                 unbind on that session and closes it once answered (logs "server_unbind")
//   echo_dlt      copy the submit's DLT TLVs (pe_id 0x1400, template_id 0x1401, tm_id 0x1402)
//                 onto its receipt (the sandbox's gateway: `cargo xtask sandbox`)
//   enquire_ms    send our own enquire_link this often
//   mo            send one MO deliver_sm with this text after the bind
//   redeliver_ms  a deliver_sm answered with an error status is sent again after this delay
//                 (default 200), as an SMSC keeps a receipt until it is acknowledged; every
//                 answer is logged as {"event":"deliver_sm_resp","status":N,...}
//   receipts      {"count": N, "window": W (default 64)}: a pool of N delivery receipts (ids
//                 100000 .. 100000+N-1) that outlives connections. Every bound session is sent
//                 pending receipts, at most W unanswered at a time; an error answer puts the
//                 receipt back after `redeliver_ms`, a closed connection puts back every
//                 receipt it had not answered, so each is delivered until acknowledged. Logs
//                 {"event":"acked","id":ID,"attempts":K} the first time a receipt is answered
//                 ESME_ROK (K = times it was sent), and {"event":"all_acked","ms":T} once all
//                 are (T = milliseconds since the first bind).
//   Every receipt sent is logged once as {"event":"receipt","id":ID,"stat":STAT}.
//   quiet         print only the "listening" and "all_acked" events (for benchmarks)
// Every event is printed to stdout as one JSON line.
'use strict';
const path = require('path');
const tools = process.env.QIKBERRY_TOOLS;
if (!tools) {
  console.error('QIKBERRY_TOOLS is not set');
  process.exit(2);
}
const smpp = require(path.join(tools, 'node_modules', 'smpp'));
const fs = require('fs');

smpp.addTLV('pe_id', { id: 0x1400, type: smpp.types.tlv.cstring });
smpp.addTLV('template_id', { id: 0x1401, type: smpp.types.tlv.cstring });
smpp.addTLV('tm_id', { id: 0x1402, type: smpp.types.tlv.cstring });

const opts = JSON.parse(process.argv[2] || '{}');
const log = (o) => {
  if (opts.quiet && o.event !== 'listening' && o.event !== 'all_acked') return;
  process.stdout.write(JSON.stringify(o) + '\n');
};

let nextId = 0x5000;
let connections = 0;
let accepted = 0;

// Whether the draw for `key` (with probability p) comes out true: a hash of the seed and the key.
function draw(p, key) {
  if (!p) return false;
  let h = (opts.seed || 0) ^ 0x811c9dc5;
  for (const c of String(key)) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296 < p;
}
let tokens = opts.throttle ? opts.throttle.capacity : 0;
let lastRefill = Date.now();

function takeToken() {
  if (!opts.throttle) return true;
  const now = Date.now();
  tokens = Math.min(opts.throttle.capacity, tokens + ((now - lastRefill) / 1000) * opts.throttle.per_second);
  lastRefill = now;
  if (tokens >= 1) {
    tokens -= 1;
    return true;
  }
  return false;
}

// The receipt pool of the `receipts` option (null without it).
const pool = opts.receipts ? {
  count: opts.receipts.count,
  window: opts.receipts.window || 64,
  pending: [],
  acked: new Set(),
  attempts: new Map(),
  senders: new Set(),
  firstBind: null,
} : null;
if (pool) for (let i = 0; i < pool.count; i++) pool.pending.push(String(100000 + i));

// Every bound session's sender takes more pending receipts.
function pumpAll() {
  for (const send of pool.senders) send();
}

// The receipt sender of one bound session: returns [send, onClose].
function poolSender(session, conn) {
  const inflight = new Set();
  let closed = false;
  const now = () => yymmddhhmm(new Date());
  const send = () => {
    while (!closed && inflight.size < pool.window && pool.pending.length > 0) {
      const id = pool.pending.shift();
      inflight.add(id);
      pool.attempts.set(id, (pool.attempts.get(id) || 0) + 1);
      const text = `id:${id} sub:001 dlvrd:001 submit date:${now()} done date:${now()} stat:DELIVRD err:000 text:pool`;
      session.deliver_sm({ source_addr: '919900000000', destination_addr: 'QIKBRY', esm_class: 0x04, short_message: text }, (resp) => {
        if (!inflight.delete(id)) return;
        if (resp.command_status === 0) {
          if (!pool.acked.has(id)) {
            pool.acked.add(id);
            log({ event: 'acked', conn, id, attempts: pool.attempts.get(id) });
            if (pool.acked.size === pool.count) log({ event: 'all_acked', ms: Date.now() - pool.firstBind });
          }
        } else {
          setTimeout(() => { pool.pending.push(id); pumpAll(); }, opts.redeliver_ms || 200);
        }
        send();
      });
    }
  };
  const onClose = () => {
    closed = true;
    pool.senders.delete(send);
    for (const id of inflight) pool.pending.push(id);
    if (inflight.size > 0) log({ event: 'requeued', conn, count: inflight.size });
    inflight.clear();
    pumpAll();
  };
  return [send, onClose];
}

// Sessions bound to receive (transceiver, receiver), and the deliver_sm each has not answered.
const receivers = new Set();
const inflightOf = new Map();

// Send a deliver_sm until an ESME acknowledges it: through `preferred` while it is bound,
// else through any bound receiver (waiting for one); each attempt gets a fresh copy, as the
// package may rewrite the fields it is given. A session that closes hands its unanswered
// deliver_sm to the others.
function deliverVia(preferred, fields, logged) {
  const session = preferred && receivers.has(preferred) ? preferred : receivers.values().next().value;
  if (!session) {
    setTimeout(() => deliverVia(null, fields, logged), opts.redeliver_ms || 200);
    return;
  }
  const entry = [fields, logged];
  if (!inflightOf.has(session)) inflightOf.set(session, new Set());
  inflightOf.get(session).add(entry);
  session.deliver_sm(Object.assign({}, fields), (resp) => {
    const inflight = inflightOf.get(session);
    if (inflight) inflight.delete(entry);
    log({ event: 'deliver_sm_resp', conn: session.qikberryConn, status: resp.command_status, ...logged });
    if (resp.command_status !== 0) setTimeout(() => deliverVia(session, fields, logged), opts.redeliver_ms || 200);
  });
}

function yymmddhhmm(d) {
  const p = (n) => String(n).padStart(2, '0');
  return p(d.getUTCFullYear() % 100) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes());
}

function onSession(session) {
  const conn = connections++;
  session.qikberryConn = conn;
  let submits = 0;
  let bound = false;
  let enquireTimer = null;
  let closed = false;
  log({ event: 'connect', conn });
  session.on('error', (e) => log({ event: 'error', conn, message: String(e && e.message) }));
  let poolClose = null;
  session.on('close', () => {
    closed = true;
    receivers.delete(session);
    const unanswered = inflightOf.get(session) || [];
    inflightOf.delete(session);
    for (const [fields, logged] of unanswered) deliverVia(null, fields, logged);
    if (poolClose) poolClose();
    if (enquireTimer) clearInterval(enquireTimer);
    log({ event: 'close', conn });
  });
  // Send a deliver_sm until the ESME acknowledges it (each attempt gets a fresh copy, as the
  // package may rewrite the fields it is given).
  const deliver = (fields, logged) => deliverVia(session, fields, logged);
  const onBind = (pdu) => {
    if (opts.password !== undefined && pdu.password !== opts.password) {
      log({ event: 'bind_refused', conn, system_id: pdu.system_id });
      session.send(pdu.response({ command_status: smpp.ESME_RINVPASWD }));
      return;
    }
    bound = true;
    if (pdu.command !== 'bind_transmitter') receivers.add(session);
    log({ event: 'bind', conn, command: pdu.command, system_id: pdu.system_id, system_type: pdu.system_type, interface_version: pdu.interface_version });
    session.send(pdu.response({ system_id: 'npm-smsc', sc_interface_version: opts.bind_version || 0x34 }));
    if (opts.enquire_ms) {
      enquireTimer = setInterval(() => {
        session.enquire_link({}, () => log({ event: 'enquire_link_resp', conn }));
      }, opts.enquire_ms);
    }
    if (pool) {
      if (pool.firstBind === null) pool.firstBind = Date.now();
      const [send, onClose] = poolSender(session, conn);
      poolClose = onClose;
      pool.senders.add(send);
      send();
    }
    if (opts.mo) {
      deliver({ source_addr: '919811111111', destination_addr: 'QIKBRY', short_message: opts.mo }, { kind: 'mo' });
    }
  };
  session.on('bind_transceiver', onBind);
  session.on('bind_transmitter', onBind);
  session.on('bind_receiver', onBind);
  session.on('enquire_link', (pdu) => {
    log({ event: 'enquire_link', conn });
    session.send(pdu.response());
  });
  session.on('unbind', (pdu) => {
    log({ event: 'unbind', conn });
    session.send(pdu.response());
    session.close();
  });
  session.on('submit_sm', (pdu) => {
    submits++;
    if (!bound) {
      session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
      return;
    }
    if (opts.unbind_after && conn === 0 && submits === opts.unbind_after) {
      log({ event: 'pause_and_unbind', conn, submits });
      session.socket.pause();
      session.unbind({}, () => log({ event: 'unbind_resp', conn }));
      setTimeout(() => session.socket.resume(), opts.pause_ms || 1500);
    }
    if (opts.drop_after && conn === 0 && submits >= opts.drop_after) {
      log({ event: 'drop', conn, submits });
      session.socket.destroy();
      return;
    }
    if (!takeToken()) {
      log({ event: 'throttled', conn });
      session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
      return;
    }
    const num = nextId++;
    const id = num.toString(16).toUpperCase();
    const sm = pdu.short_message || {};
    log({
      event: 'submit', conn, id, source_addr: pdu.source_addr, destination_addr: pdu.destination_addr,
      data_coding: pdu.data_coding, esm_class: pdu.esm_class, registered_delivery: pdu.registered_delivery,
      text: typeof sm.message === 'string' ? sm.message : (sm.message ? sm.message.toString('hex') : ''),
      udh: sm.udh ? sm.udh.map((u) => Buffer.from(u).toString('hex')) : [],
      pe_id: pdu.pe_id, template_id: pdu.template_id, tm_id: pdu.tm_id,
    });
    accepted++;
    const unbindNow = opts.unbind_every && accepted % opts.unbind_every === 0;
    const answer = () => {
      session.send(pdu.response({ message_id: id }));
      if (unbindNow) {
        log({ event: 'server_unbind', conn, accepted });
        receivers.delete(session);
        session.unbind({}, () => session.close());
      }
      if (opts.dlr && pdu.registered_delivery) {
        const err = draw(opts.receipt_fail_rate, id) ? '001' : (opts.dlr_err || '000');
        const stat = err === '000' ? 'DELIVRD' : 'UNDELIV';
        const now = new Date();
        const text = `id:${num} sub:001 dlvrd:${err === '000' ? '001' : '000'} submit date:${yymmddhhmm(now)} done date:${yymmddhhmm(now)} stat:${stat} err:${err} text:hello`;
        const dlr = { source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: 0x04, short_message: text };
        if (opts.echo_dlt) {
          for (const k of ['pe_id', 'template_id', 'tm_id']) if (pdu[k] !== undefined) dlr[k] = pdu[k];
        }
        if (opts.dlr === 'tlv') {
          dlr.receipted_message_id = id;
          dlr.message_state = err === '000' ? 2 : 5;
        }
        const echoed = opts.echo_dlt ? { pe_id: dlr.pe_id, template_id: dlr.template_id, tm_id: dlr.tm_id } : {};
        setTimeout(() => {
          log({ event: 'receipt', conn, id, stat });
          deliver(dlr, { id, ...echoed });
        }, opts.receipt_delay_ms === undefined ? 5 : opts.receipt_delay_ms);
      }
    };
    if (opts.resp_delay_ms) setTimeout(answer, opts.resp_delay_ms); else answer();
  });
}

const serverOpts = {};
if (opts.tls) {
  serverOpts.key = fs.readFileSync(opts.tls.key);
  serverOpts.cert = fs.readFileSync(opts.tls.cert);
}
const server = smpp.createServer(serverOpts, onSession);
server.on('error', (e) => {
  log({ event: 'server_error', message: String(e.message) });
  process.exit(1);
});
server.listen(opts.port || 0, '127.0.0.1', () => log({ event: 'listening', port: server.address().port }));
process.on('SIGTERM', () => process.exit(0));
