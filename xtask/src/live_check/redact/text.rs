//! Free text: what is masked inside a string that is kept (an allow-listed field, a request
//! path, an object key, an error excerpt).
//!
//! * `name=value` pairs (URL query strings, signed URLs such as `X-Amz-Signature=…`, form
//!   bodies): the value becomes `REDACTED` unless the name is allow-listed (`page=2` stays).
//! * E-mail addresses become `redacted@example.com`.
//! * IPv6 addresses (and MAC addresses): every hex digit becomes `X`.
//! * Digits: every digit becomes `X` — phone numbers in any format (`+44 7700 900123`,
//!   `(555) 123-4567`, `0091…`), OTP codes, IPv4 addresses, coordinates, ids. A run of 10–15
//!   digits keeps its first two (the country code of a phone number). Calendar dates and
//!   times (`2024-03-10`, `2024-03-10T14:06:10.5Z`) stay: a timestamp alone identifies nobody,
//!   and a recording keeps them readable.

use super::allowed;

/// A masked `name=value` value.
const VALUE_MASK: &str = "REDACTED";

/// `text` with query values, e-mail addresses, IPv6 addresses and digits masked.
pub fn scrub(text: &str) -> String {
    let text = mask_values(text);
    let text = mask_emails(&text);
    let text = mask_ipv6(&text);
    mask_digits(&text, true)
}

/// A phone number's digits masked (dates included: a date under a personal key is a birth
/// date).
pub fn mask_phone(text: &str) -> String {
    mask_digits(text, false)
}

/// Whether `text` is nothing but a phone number (digits, at least 7, and `+ - ( ) . /`, spaces,
/// or a masked tail of `x`).
pub fn is_phone_like(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    digits >= 7
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().xX/".contains(c))
}

/// Whether `text` is one e-mail address.
pub fn is_email(text: &str) -> bool {
    let text = text.trim();
    !text.contains(char::is_whitespace) && mask_emails(text) == "redacted@example.com"
}

fn is_value_char(c: char) -> bool {
    !(c.is_whitespace() || "&\"'#<>;,".contains(c))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-.[]".contains(c)
}

/// The `name` of `name=` whose `=` is at `eq`.
fn name_before(chars: &[char], eq: usize) -> String {
    let start = chars[..eq]
        .iter()
        .rposition(|c| !is_name_char(*c))
        .map_or(0, |p| p + 1);
    chars[start..eq].iter().collect()
}

/// Masks the value of every `name=value` whose name is not allow-listed.
fn mask_values(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        out.push(chars[i]);
        if chars[i] != '=' {
            i += 1;
            continue;
        }
        let name = name_before(&chars, i);
        let mut end = i + 1;
        // A JSON-escaped quote (`\"`) ends the value; `\/` and `\u0026` belong to it.
        while end < chars.len()
            && is_value_char(chars[end])
            && !(chars[end] == '\\' && chars.get(end + 1) == Some(&'"'))
        {
            end += 1;
        }
        if !name.is_empty() && end > i + 1 && !allowed(&name) {
            out.push_str(VALUE_MASK);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

fn is_email_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._%+-".contains(c)
}

/// Replaces every `local@domain.tld` by `redacted@example.com`.
fn mask_emails(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            let mut start = out.len();
            while start > 0 && out[..start].chars().last().is_some_and(is_email_char) {
                start -= out[..start].chars().last().map_or(1, char::len_utf8);
            }
            let mut end = i + 1;
            while end < chars.len() && is_email_char(chars[end]) {
                end += 1;
            }
            let domain: String = chars[i + 1..end].iter().collect();
            let domain = domain.trim_end_matches('.');
            if start < out.len() && domain.contains('.') {
                out.truncate(start);
                out.push_str("redacted@example.com");
                i += 1 + domain.chars().count();
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Masks the hex digits of words made of hex digits, `:` and `.` that hold `::` or at least
/// five `:` (IPv6 and MAC addresses; a time such as `14:06:10` has neither).
fn mask_ipv6(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_part = |c: char| c.is_ascii_hexdigit() || c == ':' || c == '.';
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let bounded = i == 0 || !chars[i - 1].is_alphanumeric();
        let end = i + chars[i..].iter().take_while(|c| is_part(**c)).count();
        let word: String = chars[i..end].iter().collect();
        let address = end > i
            && bounded
            && chars.get(end).is_none_or(|c| !c.is_alphanumeric())
            && (word.contains("::") || word.matches(':').count() >= 5);
        if address {
            out.extend(
                word.chars()
                    .map(|c| if c.is_ascii_hexdigit() { 'X' } else { c }),
            );
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// Masks every digit, except in calendar dates and times when `keep_dates`, and in a number of
/// up to three digits that is the whole value of an allow-listed `name=` (`page=2`).
fn mask_digits(text: &str, keep_dates: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let after_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let date = date_time_at(&chars, i).filter(|_| keep_dates && !after_digit);
        if let Some(len) = date {
            out.extend(&chars[i..i + len]);
            i += len;
            continue;
        }
        let end = i + chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let keep = if allowed_number_value(&chars, i, end) {
            end - i
        } else if (10..=15).contains(&(end - i)) {
            2
        } else {
            0
        };
        out.extend(&chars[i..i + keep]);
        out.extend(std::iter::repeat_n('X', end - i - keep));
        i = end;
    }
    out
}

/// Whether the digits `start..end` are the whole value of an allow-listed `name=` and at
/// most three digits long.
fn allowed_number_value(chars: &[char], start: usize, end: usize) -> bool {
    if end - start > 3 || start == 0 || chars[start - 1] != '=' {
        return false;
    }
    if chars
        .get(end)
        .is_some_and(|c| is_value_char(*c) && *c != '\\')
    {
        return false;
    }
    let name = name_before(chars, start - 1);
    !name.is_empty() && allowed(&name)
}

/// Matches `pattern` at `at`: `d` a digit, any other character itself.
fn shape_at(chars: &[char], at: usize, pattern: &str) -> bool {
    let count = pattern.chars().count();
    chars.len() >= at + count
        && pattern.chars().zip(&chars[at..]).all(|(p, c)| {
            if p == 'd' {
                c.is_ascii_digit()
            } else {
                *c == p
            }
        })
}

/// The length of `YYYY-MM-DD`, optionally with `[T ]HH:MM[:SS[.fraction]]` and `Z` or
/// `±HH:MM`, at `at`, when no digit follows.
fn date_time_at(chars: &[char], at: usize) -> Option<usize> {
    if !shape_at(chars, at, "dddd-dd-dd") {
        return None;
    }
    let mut end = at + 10;
    if matches!(chars.get(end), Some('T' | ' ')) && shape_at(chars, end + 1, "dd:dd") {
        end += 6;
        if shape_at(chars, end, ":dd") {
            end += 3;
            if chars.get(end) == Some(&'.') {
                end += 1 + chars[end + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
            }
        }
        if chars.get(end) == Some(&'Z') {
            end += 1;
        } else if matches!(chars.get(end), Some('+' | '-')) && shape_at(chars, end + 1, "dd:dd") {
            end += 6;
        }
    }
    (!chars.get(end).is_some_and(char::is_ascii_digit)).then_some(end - at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_go_dates_stay() {
        assert_eq!(
            scrub("on 2024-03-10 14:06:10, at 2023-04-11T12:50:17.000000Z"),
            "on 2024-03-10 14:06:10, at 2023-04-11T12:50:17.000000Z"
        );
        assert_eq!(scrub("call (555) 123-4567"), "call (XXX) XXX-XXXX");
        assert_eq!(scrub("from 192.168.10.7"), "from XXX.XXX.XX.X");
        assert_eq!(scrub("2024-03-1012"), "XXXX-XX-XXXX");
    }

    #[test]
    fn ipv6_and_mac_addresses_lose_their_hex_digits() {
        assert_eq!(
            scrub("ip fe80::1ff:fe23:4567:890a."),
            "ip XXXX::XXX:XXXX:XXXX:XXXX."
        );
        assert_eq!(scrub("mac aa:bb:cc:dd:ee:ff"), "mac XX:XX:XX:XX:XX:XX");
        assert_eq!(scrub("std::fmt at 14:06"), "std::fmt at XX:XX");
    }

    #[test]
    fn query_values_are_masked_unless_allowed() {
        assert_eq!(
            scrub(r#"{"u":"https:\/\/s3.test\/r.mp3?X-Amz-Signature=ab\/c%2Fd\u0026page=2\"}"#),
            r#"{"u":"https:\/\/sX.test\/r.mpX?X-Amz-Signature=REDACTED\"}"#
        );
        assert_eq!(
            scrub("a == b, per_page=15&x=1"),
            "a == b, per_page=15&x=REDACTED"
        );
        assert_eq!(scrub("page=1234 page=2b"), "page=XXXX page=Xb");
    }
}
