//! Removing secrets (the token, a call's `x-secret` values) from text shown to the user: error
//! messages and body excerpts.
//!
//! A secret reaches that text in whatever encoding a server or a proxy gave it: raw,
//! percent-encoded (a URL echoed back: `%2F` or `%2f`, `+` for a space), or JSON-escaped (PHP's
//! `json_encode` writes `/` as `\/` and every non-ASCII character as `\u00e9`; any character may
//! be written `\u002f` or `\u002F`, one outside the BMP as a surrogate pair), or a mix of these.
//! The matcher accepts each character of the secret in any of those forms, so no encoding of a
//! secret survives.

/// What a secret is replaced with.
pub(crate) const MASK: &str = "[REDACTED]";

/// Replaces every occurrence of each secret, in any encoding (see the module docs), with
/// `[REDACTED]`. Empty secrets are ignored.
pub(crate) fn redact_all<'s>(text: &str, secrets: impl IntoIterator<Item = &'s str>) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        if let Some(redacted) = redact_one(&out, secret) {
            out = redacted;
        }
    }
    out
}

/// `text` with every occurrence of `secret` masked, or `None` when there is none (no copy).
fn redact_one(text: &str, secret: &str) -> Option<String> {
    let mut matcher = Matcher::new(secret)?;
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        if matcher.may_start(bytes[i])
            && text.is_char_boundary(i)
            && let Some(end) = matcher.longest_at(bytes, i)
        {
            let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
            out.push_str(&text[copied..i]);
            out.push_str(MASK);
            (copied, i) = (end, end);
            continue;
        }
        i += 1;
    }
    let mut out = out?;
    out.push_str(&text[copied..]);
    Some(out)
}

/// One character of a secret and its UTF-8 bytes.
struct SecretChar {
    c: char,
    utf8: [u8; 4],
    len: usize,
}

impl SecretChar {
    fn utf8(&self) -> &[u8] {
        &self.utf8[..self.len]
    }
}

/// Matches a secret, each character in any encoding: the set of text positions reachable after
/// each character (a small NFA, so mixed and ambiguous encodings cost no backtracking).
struct Matcher {
    secret: Vec<SecretChar>,
    ends: Vec<usize>,
    next: Vec<usize>,
}

impl Matcher {
    /// `None` for an empty secret.
    fn new(secret: &str) -> Option<Self> {
        let secret: Vec<SecretChar> = secret
            .chars()
            .map(|c| {
                let mut utf8 = [0u8; 4];
                let len = c.encode_utf8(&mut utf8).len();
                SecretChar { c, utf8, len }
            })
            .collect();
        (!secret.is_empty()).then(|| Matcher {
            secret,
            ends: Vec::new(),
            next: Vec::new(),
        })
    }

    /// Whether an encoding of the first character can begin with `b` (a cheap filter).
    fn may_start(&self, b: u8) -> bool {
        let first = &self.secret[0];
        b == first.utf8[0] || b == b'\\' || b == b'%' || (b == b'+' && first.c == ' ')
    }

    /// The end of the longest occurrence starting at `start`, if any.
    fn longest_at(&mut self, text: &[u8], start: usize) -> Option<usize> {
        self.ends.clear();
        self.ends.push(start);
        for c in &self.secret {
            self.next.clear();
            for &p in &self.ends {
                step(text, p, c, &mut self.next);
            }
            match self.next.len() {
                0 => return None,
                1 => {}
                _ => {
                    self.next.sort_unstable();
                    self.next.dedup();
                }
            }
            std::mem::swap(&mut self.ends, &mut self.next);
        }
        self.ends.iter().copied().max()
    }
}

/// Pushes the end of every encoding of `c` found at `p`.
fn step(text: &[u8], p: usize, c: &SecretChar, out: &mut Vec<usize>) {
    let rest = &text[p.min(text.len())..];
    let Some(&first) = rest.first() else {
        return;
    };
    if rest.starts_with(c.utf8()) {
        out.push(p + c.len);
    }
    match first {
        b'\\' => {
            if let Some((decoded, len)) = json_escape(rest)
                && decoded == c.c
            {
                out.push(p + len);
            }
        }
        b'%' => {
            if let Some(len) = percent_encoded(rest, c.utf8()) {
                out.push(p + len);
            }
        }
        b'+' if c.c == ' ' => out.push(p + 1),
        _ => {}
    }
}

/// The character a JSON escape at the start of `s` stands for, and its length.
fn json_escape(s: &[u8]) -> Option<(char, usize)> {
    if s.first() != Some(&b'\\') {
        return None;
    }
    let short = match *s.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return unicode_escape(s),
        _ => return None,
    };
    Some((short, 2))
}

/// `\uXXXX` (any hex case), or a surrogate pair `\uD83D\uDE00`, at the start of `s`.
fn unicode_escape(s: &[u8]) -> Option<(char, usize)> {
    let unit = |at: usize| -> Option<u32> {
        let hex = s.get(at..at + 6)?;
        if &hex[..2] != b"\\u" {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let high = unit(0)?;
    if (0xD800..0xDC00).contains(&high) {
        let low = unit(6)?;
        if !(0xDC00..0xE000).contains(&low) {
            return None;
        }
        let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?;
        return Some((c, 12));
    }
    Some((char::from_u32(high)?, 6))
}

/// The length of `utf8`'s bytes percent-encoded (`%2F` or `%2f` each) at the start of `s`.
fn percent_encoded(s: &[u8], utf8: &[u8]) -> Option<usize> {
    for (i, &byte) in utf8.iter().enumerate() {
        let triplet = s.get(i * 3..i * 3 + 3)?;
        let hex = std::str::from_utf8(triplet.get(1..)?).ok()?;
        if triplet[0] != b'%' || u8::from_str_radix(hex, 16).ok()? != byte {
            return None;
        }
    }
    Some(utf8.len() * 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn masks_raw_percent_and_json_forms() {
        let token = "tok-SECRET-42/x+y";
        for form in [
            "tok-SECRET-42/x+y",
            r"tok-SECRET-42\/x+y",
            r"tok-SECRET-42\u002fx+y",
            r"tok-SECRET-42\u002Fx\u002By",
            "tok-SECRET-42%2Fx%2By",
            "tok-SECRET-42%2fx%2by",
            r"\u0074ok-SECRET-42\/x+y",
        ] {
            let text = format!("a {form} b");
            assert_eq!(redact_all(&text, [token]), "a [REDACTED] b", "{form}");
        }
        // Near misses stay.
        let near = r"tok-SECRET-42\/x+z tok-SECRET-42\x";
        assert_eq!(redact_all(near, [token]), near);
        assert_eq!(
            redact_all("ab c/d x ab+c%2fd", ["ab c/d"]),
            "[REDACTED] x [REDACTED]"
        );
        // Non-ASCII, escaped the way PHP does, surrogate pair included.
        assert_eq!(
            redact_all(r#"{"t":"k\u00e9y\ud83d\ude00"}"#, ["kéy😀"]),
            r#"{"t":"[REDACTED]"}"#
        );
        // Backslashes in the secret: raw or escaped.
        assert_eq!(
            redact_all(r"x a\\b a\b", [r"a\b"]),
            "x [REDACTED] [REDACTED]"
        );
        assert_eq!(redact_all("nothing here", ["", "zz"]), "nothing here");
        // Invalid escapes and cut text never panic.
        assert_eq!(
            redact_all(r"\u12 \ud800\u0041 %G1 %", ["é"]),
            r"\u12 \ud800\u0041 %G1 %"
        );
    }

    /// One encoding of `c`, chosen by `how`.
    fn encode_char(c: char, how: u8) -> String {
        let mut buf = [0u8; 4];
        let utf8 = c.encode_utf8(&mut buf).as_bytes();
        match how % 6 {
            0 => c.to_string(),
            1 => match c {
                '/' => r"\/".into(),
                '"' => "\\\"".into(),
                '\\' => r"\\".into(),
                _ => c.to_string(),
            },
            2 | 3 => {
                let mut units = [0u16; 2];
                c.encode_utf16(&mut units)
                    .iter()
                    .map(|u| {
                        if how % 6 == 2 {
                            format!("\\u{u:04x}")
                        } else {
                            format!("\\u{u:04X}")
                        }
                    })
                    .collect()
            }
            4 => utf8.iter().map(|b| format!("%{b:02X}")).collect(),
            _ if c == ' ' => "+".into(),
            _ => utf8.iter().map(|b| format!("%{b:02x}")).collect(),
        }
    }

    proptest! {
        /// A secret encoded character by character in any mix of forms, between arbitrary text,
        /// never survives, and the mask is there.
        #[test]
        fn no_encoding_survives(
            secret in "[a-z0-9/\\\\%+ \"._~é€😀-]{1,24}",
            hows in proptest::collection::vec(any::<u8>(), 24),
            before in "[ -~]{0,12}",
            after in "[ -~]{0,12}",
        ) {
            let encoded: String = secret
                .chars()
                .zip(hows.iter().cycle())
                .map(|(c, &how)| encode_char(c, how))
                .collect();
            let text = format!("{before}{encoded}{after}");
            let out = redact_all(&text, [secret.as_str()]);
            prop_assert!(out.contains(MASK), "{text:?} -> {out:?}");
            prop_assert!(!out.contains(&encoded), "{text:?} -> {out:?}");
            prop_assert!(!out.contains(&secret), "{text:?} -> {out:?}");
        }
    }
}
