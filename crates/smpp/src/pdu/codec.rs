//! The field primitives every body is read and written with: one octet, C-Octet strings,
//! `short_message` with its length octet, and TLVs. Reader and writer methods share their
//! names and take the field's name first, so a body's field list drives both.

use super::error::{DecodeError, EncodeError};
use crate::tlv::{Tlv, TlvKind, Tlvs, tag_kind, tag_name};

/// Reads the fields of one PDU body, in order.
pub(super) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    command: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader of `buf`, the body of a `command` PDU.
    pub(super) fn new(buf: &'a [u8], command: &'static str) -> Self {
        Reader {
            buf,
            pos: 0,
            command,
        }
    }
    fn err(&self, field: impl Into<String>, problem: impl Into<String>) -> DecodeError {
        DecodeError {
            command: self.command,
            field: field.into(),
            problem: problem.into(),
        }
    }
    pub(super) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }
    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }
    pub(super) fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        match self.buf.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(self.err(field, "truncated: PDU ends before this field")),
        }
    }
    pub(super) fn take(&mut self, field: &str, n: usize) -> Result<&'a [u8], DecodeError> {
        if self.remaining() < n {
            return Err(self.err(
                field,
                format!("truncated: needs {n} bytes, {} left", self.remaining()),
            ));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    /// A C-Octet String of at most `max` bytes including its NUL.
    pub(super) fn cstr(&mut self, field: &'static str, max: usize) -> Result<String, DecodeError> {
        let rest = &self.buf[self.pos..];
        let window = &rest[..rest.len().min(max)];
        match window.iter().position(|&b| b == 0) {
            Some(i) => {
                let s = bytes_to_string(&window[..i]);
                self.pos += i + 1;
                Ok(s)
            }
            None if rest.len() < max => Err(self.err(field, "truncated: no terminating NUL")),
            None => Err(self.err(
                field,
                format!(
                    "longer than {} characters (no NUL within {max} bytes)",
                    max - 1
                ),
            )),
        }
    }
    /// Like `cstr` but an absent field (PDU already ended) reads as empty; used in responses.
    pub(super) fn cstr_opt(
        &mut self,
        field: &'static str,
        max: usize,
    ) -> Result<String, DecodeError> {
        if self.at_end() {
            Ok(String::new())
        } else {
            self.cstr(field, max)
        }
    }
    /// `sm_length` then that many octets of `short_message`.
    pub(super) fn short_message(&mut self, field: &'static str) -> Result<Vec<u8>, DecodeError> {
        let len = self.u8("sm_length")? as usize;
        Ok(self.take(field, len)?.to_vec())
    }
    /// TLVs up to the end of the PDU (each one's error names its tag).
    pub(super) fn tlvs(&mut self, _field: &'static str) -> Result<Tlvs, DecodeError> {
        let mut out = Vec::new();
        while !self.at_end() {
            let head = self.take("tlv header", 4)?;
            let tag = u16::from_be_bytes([head[0], head[1]]);
            let len = u16::from_be_bytes([head[2], head[3]]) as usize;
            let label = match tag_name(tag) {
                Some(n) => format!("tlv {n}"),
                None => format!("tlv 0x{tag:04X}"),
            };
            let value = self.take(&label, len)?;
            if let Some(TlvKind::Fixed(n)) = tag_kind(tag)
                && n as usize != len
            {
                return Err(self.err(label, format!("length {len}, expected {n}")));
            }
            out.push(Tlv {
                tag,
                value: value.to_vec(),
            });
        }
        Ok(Tlvs(out))
    }
    pub(super) fn finish(&self) -> Result<(), DecodeError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.err(
                "body",
                format!("{} unexpected bytes after the last field", self.remaining()),
            ))
        }
    }
}

fn bytes_to_string(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        // Not UTF-8: read as Latin-1 so nothing is lost or rejected.
        Err(_) => b.iter().map(|&c| c as char).collect(),
    }
}

/// Appends the fields of one PDU body, in order.
pub(super) struct Writer<'a> {
    pub(super) out: &'a mut Vec<u8>,
    pub(super) command: &'static str,
}

impl Writer<'_> {
    fn err(&self, field: &'static str, problem: String) -> EncodeError {
        EncodeError {
            command: self.command,
            field,
            problem,
        }
    }
    pub(super) fn u8(&mut self, _field: &'static str, v: &u8) -> Result<(), EncodeError> {
        self.out.push(*v);
        Ok(())
    }
    /// A C-Octet String of at most `max` bytes including its NUL.
    pub(super) fn cstr(
        &mut self,
        field: &'static str,
        s: &str,
        max: usize,
    ) -> Result<(), EncodeError> {
        if s.len() >= max {
            return Err(self.err(
                field,
                format!("{} bytes, at most {} allowed", s.len(), max - 1),
            ));
        }
        if s.as_bytes().contains(&0) {
            return Err(self.err(field, "contains a NUL byte".into()));
        }
        self.out.extend_from_slice(s.as_bytes());
        self.out.push(0);
        Ok(())
    }
    /// Written as [`cstr`](Self::cstr): only the reader tolerates its absence.
    pub(super) fn cstr_opt(
        &mut self,
        field: &'static str,
        s: &str,
        max: usize,
    ) -> Result<(), EncodeError> {
        self.cstr(field, s, max)
    }
    /// `sm_length` then the octets (at most 254).
    pub(super) fn short_message(
        &mut self,
        field: &'static str,
        m: &[u8],
    ) -> Result<(), EncodeError> {
        let len = u8::try_from(m.len())
            .ok()
            .filter(|&l| l <= 254)
            .ok_or_else(|| {
                self.err(
                    field,
                    format!("{} bytes, at most 254 (use message_payload)", m.len()),
                )
            })?;
        self.out.push(len);
        self.out.extend_from_slice(m);
        Ok(())
    }
    /// Every TLV, in order.
    pub(super) fn tlvs(&mut self, _field: &'static str, tlvs: &Tlvs) -> Result<(), EncodeError> {
        for t in tlvs.iter() {
            let len = u16::try_from(t.value.len()).map_err(|_| {
                self.err(
                    "tlv",
                    format!(
                        "tag 0x{:04X}: value of {} bytes exceeds 65535",
                        t.tag,
                        t.value.len()
                    ),
                )
            })?;
            self.out.extend_from_slice(&t.tag.to_be_bytes());
            self.out.extend_from_slice(&len.to_be_bytes());
            self.out.extend_from_slice(&t.value);
        }
        Ok(())
    }
}
