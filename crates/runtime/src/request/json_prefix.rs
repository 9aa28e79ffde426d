//! Where in a JSON document a serialiser stopped, read back from what it had written.
//!
//! `serde_json` writes a member's key (and the `:`) or an element's `,` before it asks the value
//! to serialise itself, and leaves what it wrote in the buffer when the value refuses. So the
//! written prefix alone tells which member or element failed: [`Body::json`](super::Body::json)
//! names the field at fault from it, without compiling every model's `Serialize` a second time
//! for a path-tracking serialiser.

/// One open container of the prefix.
enum Open {
    /// An object, with the key of the member being written (`None` before the first key and
    /// between a `,` and the next key).
    Object { key: Option<String>, at_key: bool },
    /// An array, with the index of the element being written.
    Array { index: usize },
}

/// The path of the value being written when `prefix` (compact JSON, as `serde_json` writes it)
/// ended, in `serde_path_to_error`'s notation: members joined by `.`, elements as `[i]`, and
/// `.` for the document itself.
///
/// A prefix that is not JSON as `serde_json` writes it gives the path as far as it could be
/// read; this never fails.
pub(crate) fn path_at_end(prefix: &[u8]) -> String {
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    while i < prefix.len() {
        match prefix[i] {
            b'{' => stack.push(Open::Object {
                key: None,
                at_key: true,
            }),
            b'[' => stack.push(Open::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Open::Object { key, at_key }) => {
                    *key = None;
                    *at_key = true;
                }
                Some(Open::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let end = string_end(prefix, i);
                if let Some(Open::Object { key, at_key }) = stack.last_mut()
                    && *at_key
                {
                    *key = Some(unquote(&prefix[i..end]));
                    *at_key = false;
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    render(&stack)
}

/// The index just past the string literal that starts at `start` (its closing quote included),
/// or the end of `bytes` when the literal is cut off.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The text of a JSON string literal (quotes included); a literal that does not parse is kept
/// as written.
fn unquote(literal: &[u8]) -> String {
    serde_json::from_slice::<String>(literal)
        .unwrap_or_else(|_| String::from_utf8_lossy(literal).into_owned())
}

fn render(stack: &[Open]) -> String {
    let mut path = String::new();
    for open in stack {
        match open {
            Open::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Open::Object { key: None, .. } => {}
            Open::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::path_at_end;

    #[test]
    fn names_the_member_and_element_being_written() {
        assert_eq!(path_at_end(b""), ".");
        assert_eq!(path_at_end(br#"{"to":"#), "to");
        assert_eq!(path_at_end(br#"{"a":1,"to":"#), "to");
        assert_eq!(
            path_at_end(br#"{"recipient":{"to":["919000000001","#),
            "recipient.to[1]"
        );
        assert_eq!(path_at_end(br#"{"r":{"x":{"y":2}},"to":[["#), "to[0][0]");
        assert_eq!(path_at_end(br#"[{"a":"}{,[\"","b":"#), "[0].b");
        assert_eq!(path_at_end(br#"{"we\"ird\u00e9":"#), "we\"irdé");
        assert_eq!(path_at_end(br#"{"a":1,"#), ".");
    }
}
