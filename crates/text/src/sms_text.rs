//! Message text: GSM 03.38 (with the extension table), Latin-1 and UCS-2, segment counting and
//! splitting into concatenated parts.
//!
//! Always compiled (no feature, no dependencies): REST users count parts with [`segments`]
//! before sending; the SMPP client (`qikberry::smpp::text` is this module) splits with [`split`].
//!
//! Limits follow the gateway reference's "SMS Length Summary": a single message holds 160 GSM
//! characters or 70 UCS-2 characters; a concatenated one holds 153 / 67 per part, because each
//! part carries a 6-byte User Data Header (8-bit reference). With 16-bit references
//! ([`ConcatRefSize::Bits16`], IEI 0x08) the header is 7 bytes and a part holds 152 / 66.
//! Extension characters (`^{}\[~]|€` and form feed) take two septets and are never split across
//! parts; neither is a UTF-16 surrogate pair.
//!
//! ```
//! use qikberry_text::sms_text::{segments, Encoding, EncodingChoice};
//!
//! let info = segments("Hello world", EncodingChoice::Auto);
//! assert_eq!((info.encoding, info.count), (Encoding::Gsm7, 1));
//! let info = segments(&"€".repeat(81), EncodingChoice::Auto); // 162 septets
//! assert_eq!(info.count, 2);
//! let info = segments("नमस्ते", EncodingChoice::Auto);
//! assert_eq!(info.encoding, Encoding::Ucs2);
//! ```

use std::fmt;

/// A concrete message encoding, with its SMPP `data_coding` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// GSM 03.38 default alphabet, sent one septet per octet (data_coding 0).
    Gsm7,
    /// ISO-8859-1 (data_coding 3); the gateway wants it only when agreed explicitly.
    Latin1,
    /// UCS-2 / UTF-16 big-endian (data_coding 8).
    Ucs2,
}

impl Encoding {
    /// The SMPP `data_coding` value.
    pub fn data_coding(self) -> u8 {
        match self {
            Encoding::Gsm7 => 0,
            Encoding::Latin1 => 3,
            Encoding::Ucs2 => 8,
        }
    }
    /// Units (septets, bytes or UTF-16 code units) that fit in a single, unsplit message.
    pub fn single_limit(self) -> usize {
        match self {
            Encoding::Gsm7 => 160,
            Encoding::Latin1 => 140,
            Encoding::Ucs2 => 70,
        }
    }
    /// Units that fit in one part of a concatenated message (after the 6-byte UDH).
    pub fn part_limit(self) -> usize {
        self.part_limit_for(ConcatRefSize::Bits8)
    }
    /// Units that fit in one part after the UDH for references of `size`: 153 / 134 / 67 with
    /// 8-bit references, 152 / 133 / 66 with 16-bit ones.
    pub fn part_limit_for(self, size: ConcatRefSize) -> usize {
        let octets = 140 - size.udh_len();
        match self {
            Encoding::Gsm7 => octets * 8 / 7,
            Encoding::Latin1 => octets,
            Encoding::Ucs2 => octets / 2,
        }
    }
    /// A short name: `GSM-7`, `Latin-1`, `UCS-2`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Latin1 => "Latin-1",
            Encoding::Ucs2 => "UCS-2",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which encoding to use for a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EncodingChoice {
    /// GSM 03.38 when every character is in it, UCS-2 otherwise.
    #[default]
    Auto,
    /// Force GSM 03.38; characters outside it become `?`.
    Gsm7,
    /// Force Latin-1; characters outside it become `?`.
    Latin1,
    /// Force UCS-2.
    Ucs2,
}

/// Width of the concatenation reference in each part's User Data Header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ConcatRefSize {
    /// IEI 0x00, 8-bit reference: a 6-byte UDH (the reference's length table).
    #[default]
    Bits8,
    /// IEI 0x08, 16-bit reference: a 7-byte UDH, one unit less per part, 65,536 references.
    Bits16,
}

impl ConcatRefSize {
    /// UDH length in octets, including its length byte.
    pub fn udh_len(self) -> usize {
        match self {
            ConcatRefSize::Bits8 => 6,
            ConcatRefSize::Bits16 => 7,
        }
    }
}

/// The concatenation reference shared by every part of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConcatRef {
    /// IEI 0x00: `05 00 03 <ref> <count> <index>`.
    Bits8(u8),
    /// IEI 0x08: `06 08 04 <ref hi> <ref lo> <count> <index>`.
    Bits16(u16),
}

impl ConcatRef {
    /// A reference of `size` built from the low bits of `n`.
    pub fn new(size: ConcatRefSize, n: u16) -> Self {
        match size {
            ConcatRefSize::Bits8 => ConcatRef::Bits8(n as u8),
            ConcatRefSize::Bits16 => ConcatRef::Bits16(n),
        }
    }
    /// Its width.
    pub fn size(self) -> ConcatRefSize {
        match self {
            ConcatRef::Bits8(_) => ConcatRefSize::Bits8,
            ConcatRef::Bits16(_) => ConcatRefSize::Bits16,
        }
    }
    fn udh(self, of: u8, index: u8) -> Vec<u8> {
        match self {
            ConcatRef::Bits8(r) => vec![0x05, 0x00, 0x03, r, of, index],
            ConcatRef::Bits16(r) => {
                let [hi, lo] = r.to_be_bytes();
                vec![0x06, 0x08, 0x04, hi, lo, of, index]
            }
        }
    }
}

/// The UDH counts parts in one octet: no message can have more.
pub const MAX_PARTS: usize = 255;

/// A text needs more parts than allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyParts {
    /// Parts the text needs.
    pub parts: usize,
    /// The limit in force.
    pub max: usize,
}

impl fmt::Display for TooManyParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "text needs {} SMS parts, more than the limit of {}; nothing was sent",
            self.parts, self.max
        )
    }
}

impl std::error::Error for TooManyParts {}

/// Segment count and size of a text, as returned by [`segments`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentInfo {
    /// The encoding the text will be sent in.
    pub encoding: Encoding,
    /// Number of SMS parts (1 for an empty text).
    pub count: usize,
    /// Total size in encoding units: septets (extension characters count 2), Latin-1 bytes, or
    /// UTF-16 code units.
    pub units: usize,
    /// Units per part at this count (160/70 for one part, 153/67 when concatenated).
    pub per_part: usize,
}

const BASIC: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å', //
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u{1B}', 'Æ', 'æ', 'ß', 'É', //
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', //
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?', //
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', //
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§', //
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', //
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à', //
];

const EXTENSION: [(char, u8); 10] = [
    ('\u{0C}', 0x0A),
    ('^', 0x14),
    ('{', 0x28),
    ('}', 0x29),
    ('\\', 0x2F),
    ('[', 0x3C),
    ('~', 0x3D),
    (']', 0x3E),
    ('|', 0x40),
    ('€', 0x65),
];

/// The GSM 03.38 septets for one character: `Some([b])` for the basic table, `Some([0x1B, b])`
/// for the extension table, `None` when the character is not representable.
/// (The escape character U+001B itself is not accepted as text.)
pub fn gsm_septets(c: char) -> Option<&'static [u8]> {
    static BASIC_SEPTETS: [[u8; 1]; 128] = {
        let mut a = [[0u8; 1]; 128];
        let mut i = 0;
        while i < 128 {
            a[i] = [i as u8];
            i += 1;
        }
        a
    };
    static EXT_SEPTETS: [[u8; 2]; 10] = {
        let mut a = [[0u8; 2]; 10];
        let mut i = 0;
        while i < 10 {
            a[i] = [0x1B, EXTENSION[i].1];
            i += 1;
        }
        a
    };
    if c == '\u{1B}' {
        return None;
    }
    if let Some(i) = BASIC.iter().position(|&b| b == c) {
        return Some(&BASIC_SEPTETS[i]);
    }
    EXTENSION
        .iter()
        .position(|e| e.0 == c)
        .map(|i| &EXT_SEPTETS[i][..])
}

/// Septets one character takes in GSM 03.38 (1 or 2), or `None` if it is not in the alphabet.
pub fn gsm_len(c: char) -> Option<usize> {
    if c.is_ascii_alphanumeric() || c == ' ' {
        return Some(1);
    }
    gsm_septets(c).map(<[u8]>::len)
}

/// Whether every character of `text` is in GSM 03.38 (basic or extension table).
pub fn is_gsm(text: &str) -> bool {
    text.chars().all(|c| gsm_len(c).is_some())
}

/// Whether every character of `text` is in ISO-8859-1.
pub fn is_latin1(text: &str) -> bool {
    text.chars().all(|c| (c as u32) < 0x100)
}

fn resolve(text: &str, choice: EncodingChoice) -> Encoding {
    match choice {
        EncodingChoice::Auto if is_gsm(text) => Encoding::Gsm7,
        EncodingChoice::Auto | EncodingChoice::Ucs2 => Encoding::Ucs2,
        EncodingChoice::Gsm7 => Encoding::Gsm7,
        EncodingChoice::Latin1 => Encoding::Latin1,
    }
}

/// Size of one character in units of `enc` (unrepresentable characters count as their `?`).
fn unit_len(c: char, enc: Encoding) -> usize {
    match enc {
        Encoding::Gsm7 => gsm_len(c).unwrap_or(1),
        Encoding::Latin1 => 1,
        Encoding::Ucs2 => c.len_utf16(),
    }
}

/// Count the parts `text` needs in the chosen encoding (8-bit concatenation references, the
/// reference's length table).
///
/// This is the pricing function: one part is billed per returned `count`. Splitting follows
/// [`split`], so the count always equals the number of parts actually sent.
pub fn segments(text: &str, choice: EncodingChoice) -> SegmentInfo {
    segments_with(text, choice, ConcatRefSize::Bits8)
}

/// Like [`segments`], for parts carrying references of `size`.
pub fn segments_with(text: &str, choice: EncodingChoice, size: ConcatRefSize) -> SegmentInfo {
    let encoding = resolve(text, choice);
    let units: usize = text.chars().map(|c| unit_len(c, encoding)).sum();
    if units <= encoding.single_limit() {
        return SegmentInfo {
            encoding,
            count: 1,
            units,
            per_part: encoding.single_limit(),
        };
    }
    // Greedy packing that never splits a character's units across parts.
    let limit = encoding.part_limit_for(size);
    let mut count = 1;
    let mut used = 0;
    for c in text.chars() {
        let n = unit_len(c, encoding);
        if used + n > limit {
            count += 1;
            used = 0;
        }
        used += n;
    }
    SegmentInfo {
        encoding,
        count,
        units,
        per_part: limit,
    }
}

/// Encode `text` in `enc` (unrepresentable characters become `?`).
pub fn encode(text: &str, enc: Encoding) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 2);
    for c in text.chars() {
        encode_char(c, enc, &mut out);
    }
    out
}

fn encode_char(c: char, enc: Encoding, out: &mut Vec<u8>) {
    match enc {
        Encoding::Gsm7 => match gsm_septets(c) {
            Some(s) => out.extend_from_slice(s),
            None => out.push(b'?'),
        },
        Encoding::Latin1 => out.push(u8::try_from(c as u32).unwrap_or(b'?')),
        Encoding::Ucs2 => {
            let mut buf = [0u16; 2];
            for u in c.encode_utf16(&mut buf) {
                out.extend_from_slice(&u.to_be_bytes());
            }
        }
    }
}

/// Decode message bytes by SMPP `data_coding` (0/1 GSM 03.38 unpacked, 3 Latin-1, 8 UCS-2; any
/// other value is read as Latin-1). Never fails: undecodable units become U+FFFD.
pub fn decode(bytes: &[u8], data_coding: u8) -> String {
    match data_coding {
        0 | 1 => {
            let mut s = String::with_capacity(bytes.len());
            let mut it = bytes.iter();
            while let Some(&b) = it.next() {
                if b == 0x1B {
                    match it.next() {
                        Some(&e) => match EXTENSION.iter().find(|x| x.1 == e) {
                            Some(x) => s.push(x.0),
                            None => s.push(' '),
                        },
                        None => s.push(' '),
                    }
                } else {
                    s.push(*BASIC.get(b as usize).unwrap_or(&'\u{FFFD}'));
                }
            }
            s
        }
        8 => {
            let units = bytes.chunks(2).map(|c| match c {
                [a, b] => u16::from_be_bytes([*a, *b]),
                _ => 0xFFFD,
            });
            char::decode_utf16(units)
                .map(|r| r.unwrap_or('\u{FFFD}'))
                .collect()
        }
        _ => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// One part of a split message, ready for `short_message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// 1-based position.
    pub index: usize,
    /// Number of parts.
    pub of: usize,
    /// UDH (when `of > 1`) followed by the encoded text.
    pub bytes: Vec<u8>,
    /// Whether `bytes` starts with a UDH (set esm_class 0x40).
    pub has_udh: bool,
}

/// Split `text` into encoded parts. With more than one part each starts with the
/// concatenation UDH for `reference` (see [`ConcatRef`]).
///
/// Fails, before encoding anything, when the text needs more than `max_parts` parts (capped at
/// [`MAX_PARTS`], the most a UDH can number).
pub fn split(
    text: &str,
    choice: EncodingChoice,
    reference: ConcatRef,
    max_parts: usize,
) -> Result<(Encoding, Vec<Part>), TooManyParts> {
    let info = segments_with(text, choice, reference.size());
    let max = max_parts.min(MAX_PARTS);
    if info.count > max {
        return Err(TooManyParts {
            parts: info.count,
            max,
        });
    }
    let enc = info.encoding;
    if info.count == 1 {
        let part = Part {
            index: 1,
            of: 1,
            bytes: encode(text, enc),
            has_udh: false,
        };
        return Ok((enc, vec![part]));
    }
    let of = info.count;
    let mut parts = Vec::with_capacity(of);
    let mut cur = Vec::new();
    let mut used = 0;
    // Both fit in an octet: `of <= MAX_PARTS` was checked above.
    let header = |index: usize| reference.udh(of as u8, index as u8);
    for c in text.chars() {
        let n = unit_len(c, enc);
        if used + n > info.per_part {
            let index = parts.len() + 1;
            let mut bytes = header(index);
            bytes.append(&mut cur);
            parts.push(Part {
                index,
                of,
                bytes,
                has_udh: true,
            });
            used = 0;
        }
        encode_char(c, enc, &mut cur);
        used += n;
    }
    let index = parts.len() + 1;
    let mut bytes = header(index);
    bytes.append(&mut cur);
    parts.push(Part {
        index,
        of,
        bytes,
        has_udh: true,
    });
    Ok((enc, parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_from_the_reference() {
        let c = |s: &str| segments(s, EncodingChoice::Auto).count;
        assert_eq!(c(&"a".repeat(160)), 1);
        assert_eq!(c(&"a".repeat(161)), 2);
        assert_eq!(c(&"a".repeat(306)), 2);
        assert_eq!(c(&"a".repeat(307)), 3);
        assert_eq!(c(&"a".repeat(459)), 3);
        assert_eq!(c(&"ж".repeat(70)), 1);
        assert_eq!(c(&"ж".repeat(71)), 2);
        assert_eq!(c(&"ж".repeat(134)), 2);
        assert_eq!(c(&"ж".repeat(201)), 3);
        assert_eq!(c(&"ж".repeat(202)), 4);
        assert_eq!(c(""), 1);
    }

    #[test]
    fn escape_never_split() {
        // 152 plain + one extension char: 154 septets; the '€' must move whole to part 2.
        let text = format!("{}€{}", "a".repeat(152), "b".repeat(10));
        let (enc, parts) = split(&text, EncodingChoice::Auto, ConcatRef::Bits8(7), 10).unwrap();
        assert_eq!(enc, Encoding::Gsm7);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].bytes.len(), 6 + 152);
        assert_eq!(&parts[1].bytes[..8], &[5, 0, 3, 7, 2, 2, 0x1B, 0x65]);
        let joined: Vec<u8> = parts.iter().flat_map(|p| p.bytes[6..].to_vec()).collect();
        assert_eq!(decode(&joined, 0), text);
    }

    #[test]
    fn surrogate_pair_never_split() {
        let text = format!("{}😀xxxx", "ж".repeat(66));
        let (enc, parts) = split(&text, EncodingChoice::Auto, ConcatRef::Bits8(1), 10).unwrap();
        assert_eq!(enc, Encoding::Ucs2);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].bytes.len(), 6 + 66 * 2);
        let joined: Vec<u8> = parts.iter().flat_map(|p| p.bytes[6..].to_vec()).collect();
        assert_eq!(decode(&joined, 8), text);
    }

    #[test]
    fn sixteen_bit_references() {
        // 152 septets per part with the 7-byte UDH: 153 characters need two parts.
        let text = "a".repeat(153);
        assert_eq!(segments(&text, EncodingChoice::Auto).count, 1);
        let long = "a".repeat(305);
        let info = segments_with(&long, EncodingChoice::Auto, ConcatRefSize::Bits16);
        assert_eq!((info.count, info.per_part), (3, 152));
        let (_, parts) = split(&long, EncodingChoice::Auto, ConcatRef::Bits16(0x1234), 3).unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(&parts[2].bytes[..7], &[6, 8, 4, 0x12, 0x34, 3, 3]);
        assert_eq!(parts[0].bytes.len(), 7 + 152);
        assert_eq!(Encoding::Ucs2.part_limit_for(ConcatRefSize::Bits16), 66);
        assert_eq!(Encoding::Latin1.part_limit_for(ConcatRefSize::Bits16), 133);
    }

    #[test]
    fn too_many_parts_is_refused_before_encoding() {
        let text = "a".repeat(153 * 3 + 1);
        let r = split(&text, EncodingChoice::Auto, ConcatRef::Bits8(1), 3);
        assert_eq!(r.unwrap_err(), TooManyParts { parts: 4, max: 3 });
        // Never more than a UDH can number, whatever the caller allows.
        let huge = "a".repeat(153 * 255 + 1);
        let e = split(&huge, EncodingChoice::Auto, ConcatRef::Bits8(1), usize::MAX).unwrap_err();
        assert_eq!(
            e,
            TooManyParts {
                parts: 256,
                max: 255
            }
        );
        assert!(e.to_string().contains("256 SMS parts"));
    }

    #[test]
    fn gsm_round_trip_whole_alphabet() {
        let all: String = BASIC
            .iter()
            .filter(|&&c| c != '\u{1B}')
            .chain(EXTENSION.iter().map(|e| &e.0))
            .collect();
        assert!(is_gsm(&all));
        assert_eq!(decode(&encode(&all, Encoding::Gsm7), 0), all);
        assert_eq!(segments(&all, EncodingChoice::Auto).units, 127 + 20);
        assert_eq!(decode(&encode("café", Encoding::Latin1), 3), "café");
        assert_eq!(encode("ж", Encoding::Gsm7), b"?");
    }
}
