//! Keeping wire values out of report texts, and report texts bounded.

use super::MAX_REPORT_TEXT;

/// Removes the values a decode error quotes and the place it names: every `"…"` and `` `…` ``
/// span becomes `…`, a trailing ` at line N column M` goes, and digit runs of three or more
/// become `#`. What is left says what was expected, not what was sent.
///
/// ```
/// use qikberry::drift::scrub_values;
/// assert_eq!(
///     scrub_values(r#"invalid type: string "+44 7700 900123", expected u64 at line 1 column 52"#),
///     "invalid type: string …, expected u64",
/// );
/// ```
pub fn scrub_values(text: &str) -> String {
    let text = strip_position(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut digits = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '"' | '`' => {
                skip_quoted(c, &mut chars);
                out.push('…');
                digits = 0;
            }
            d if d.is_ascii_digit() => {
                digits += 1;
                out.push(d);
                let run_ends = !chars.peek().is_some_and(char::is_ascii_digit);
                if run_ends && digits >= 3 {
                    out.truncate(out.len() - digits);
                    out.push('#');
                }
                if run_ends {
                    digits = 0;
                }
            }
            other => {
                out.push(other);
                digits = 0;
            }
        }
    }
    out
}

/// Skips a quoted span up to its closing `quote` (a `\` escapes the next character).
fn skip_quoted(quote: char, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if c == quote {
            return;
        }
    }
}

/// `text` without serde_json's trailing ` at line N column M`.
fn strip_position(text: &str) -> &str {
    let Some(at) = text.rfind(" at line ") else {
        return text;
    };
    let tail = &text[at + " at line ".len()..];
    let Some((line, column)) = tail.split_once(" column ") else {
        return text;
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if numeric(line) && numeric(column) {
        &text[..at]
    } else {
        text
    }
}

/// `text` cut to at most [`MAX_REPORT_TEXT`] bytes at a character boundary, ending in `…`
/// when cut.
pub(super) fn cut(text: &str) -> String {
    if text.len() <= MAX_REPORT_TEXT {
        return text.to_owned();
    }
    let mut end = MAX_REPORT_TEXT - '…'.len_utf8();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_positions_and_numbers_go() {
        assert_eq!(
            scrub_values("unknown variant `SENT2`, expected `SENT` or `FAILED` at line 3 column 9"),
            "unknown variant …, expected … or …"
        );
        assert_eq!(
            scrub_values(r#"invalid type: string "a \" 919999999999", expected a date"#),
            "invalid type: string …, expected a date"
        );
        assert_eq!(
            scrub_values("invalid value: 919999999999 is not 10 digits"),
            "invalid value: # is not 10 digits"
        );
        assert_eq!(scrub_values("an unterminated \"quote"), "an unterminated …");
    }

    #[test]
    fn cut_is_bounded_and_keeps_characters_whole() {
        let long = "é".repeat(MAX_REPORT_TEXT);
        let c = cut(&long);
        assert!(c.len() <= MAX_REPORT_TEXT);
        assert!(c.ends_with('…'));
        assert_eq!(cut("short"), "short");
    }
}
