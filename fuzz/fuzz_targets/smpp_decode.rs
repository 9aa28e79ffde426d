//! Fuzz the SMPP PDU decoder: arbitrary bytes must never panic or over-allocate; whatever decodes
//! must re-encode to bytes that decode to the same PDU. Also feeds the receipt-text parser.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qikberry::smpp::pdu::{DEFAULT_MAX_COMMAND_LENGTH, Pdu, frame_length};

fuzz_target!(|data: &[u8]| {
    // As a stream: split into frames like the session reader does.
    let mut rest = data;
    while let Ok(Some(len)) = frame_length(rest, DEFAULT_MAX_COMMAND_LENGTH) {
        let (frame, tail) = rest.split_at(len);
        if let Ok(pdu) = Pdu::decode(frame) {
            let bytes = pdu.to_bytes().expect("a decoded PDU re-encodes");
            let again = Pdu::decode(&bytes).expect("re-encoded PDU decodes");
            assert_eq!(again.to_bytes().expect("stable"), bytes);
        }
        rest = tail;
    }
    // As one PDU, whatever its length field says.
    let _ = Pdu::decode(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = qikberry::smpp::receipt::parse_receipt_text(text);
        let _ = qikberry::smpp::segments(text, Default::default());
    }
});
