//! The literal secrets of a run (the user's token) found in any written form.
//!
//! A secret can reach a body or an error text raw, JSON-escaped (PHP's `json_encode` writes `/`
//! as `\/`, and any character may be written `\uXXXX`; a JSON text inside a JSON string doubles
//! the backslashes), percent-encoded (`%2F`, also twice: `%252F`) or form-encoded (`+` for a
//! space). The matcher reads each character of the secret in whichever of these forms the text
//! uses at that point, so mixed forms match too. Surrogate-pair `\u` escapes of characters
//! outside the Basic Multilingual Plane are not decoded (tokens are ASCII).

/// What a found secret is replaced with.
pub const MASK: &str = "[REDACTED]";

/// The secrets to mask.
pub struct Secrets {
    values: Vec<Vec<char>>,
}

impl Secrets {
    /// The non-empty values of `values`.
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let values = values
            .into_iter()
            .filter(|v| !v.is_empty())
            .map(|v| v.chars().collect())
            .collect();
        Secrets { values }
    }

    /// `text` with every occurrence of a secret, in any form, replaced by [`MASK`].
    pub fn mask(&self, text: &str) -> String {
        if self.values.is_empty() {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < chars.len() {
            let found = self.values.iter().find_map(|s| match_at(&chars, i, s));
            match found {
                Some(end) => {
                    out.push_str(MASK);
                    i = end;
                }
                None => {
                    out.push(chars[i]);
                    i += 1;
                }
            }
        }
        out
    }
}

/// The end of `secret` spelled in `text` from `at`, if it is.
fn match_at(text: &[char], at: usize, secret: &[char]) -> Option<usize> {
    secret.iter().try_fold(at, |pos, &want| {
        spelled_at(text, pos, want).map(|len| pos + len)
    })
}

/// How many characters of `text` from `at` spell `want` (raw, escaped or encoded).
fn spelled_at(text: &[char], at: usize, want: char) -> Option<usize> {
    let first = *text.get(at)?;
    if first == want || (want == ' ' && first == '+') {
        return Some(1);
    }
    match first {
        '\\' => json_escape_at(text, at, want),
        '%' => percent_at(text, at, want),
        _ => None,
    }
}

/// `\/`, `\\\/`, `\u002f`, `\\u002F`, … spelling `want`.
fn json_escape_at(text: &[char], at: usize, want: char) -> Option<usize> {
    let slashes = text[at..].iter().take_while(|c| **c == '\\').count();
    let next = at + slashes;
    match *text.get(next)? {
        c if c == want && matches!(want, '/' | '"') => Some(slashes + 1),
        'u' => {
            let code = hex_value(text.get(next + 1..next + 5)?)?;
            (char::from_u32(code) == Some(want)).then_some(slashes + 5)
        }
        _ => None,
    }
}

/// `%2F`, `%252F`, or the percent-encoded UTF-8 bytes of a non-ASCII `want`.
fn percent_at(text: &[char], at: usize, want: char) -> Option<usize> {
    let mut buf = [0u8; 4];
    let mut pos = at;
    for &byte in want.encode_utf8(&mut buf).as_bytes() {
        pos += percent_byte_at(text, pos, byte)?;
    }
    Some(pos - at)
}

/// The length of `%XX` or `%25XX` at `at` when it encodes `byte`.
fn percent_byte_at(text: &[char], at: usize, byte: u8) -> Option<usize> {
    if text.get(at) != Some(&'%') {
        return None;
    }
    let hex = text.get(at + 1..at + 3)?;
    let value = hex_value(hex)?;
    if value == u32::from(byte) {
        return Some(3);
    }
    // Encoded twice: `%25` then the two hex digits.
    if value == 0x25 {
        let inner = hex_value(text.get(at + 3..at + 5)?)?;
        return (inner == u32::from(byte)).then_some(5);
    }
    None
}

fn hex_value(digits: &[char]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |acc, c| Some(acc * 16 + c.to_digit(16)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_is_masked() {
        let s = Secrets::new(["ab/c+d é".to_string(), String::new()]);
        for form in [
            "ab/c+d é",
            r"ab\/c+d é",
            r"ab\\\/c+d \u00e9",
            r"ab\u002Fc\u002bd\u0020\u00E9",
            "ab%2Fc%2Bd+%C3%A9",
            "ab%252fc%2bd%20%c3%a9",
        ] {
            assert_eq!(s.mask(&format!("x{form}y")), "x[REDACTED]y", "{form}");
        }
        assert_eq!(s.mask("ab/c+d e"), "ab/c+d e");
        assert_eq!(Secrets::new([]).mask("ab"), "ab");
    }
}
