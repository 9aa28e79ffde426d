//! Just enough HTTP/1.1 for loopback peers: read one message (request or response) with a
//! `Content-Length`, chunked or read-to-end body, and write one back with a `Content-Length`.
//!
//! Used by the sandbox's proxy in front of Prism and by the loopback servers of the xtask tests
//! (which include this file with `#[path]`), so there is one copy of the framing code.

use std::io::{self, BufRead, BufReader, Read, Write};

/// Largest head or body accepted (the sandbox is a test tool; uploads are small).
const LIMIT: usize = 64 * 1024 * 1024;

/// One HTTP/1.1 message.
#[derive(Debug, Clone, Default)]
pub struct Message {
    /// `GET /path HTTP/1.1` or `HTTP/1.1 200 OK`.
    pub start: String,
    /// Header fields in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body with any chunked framing removed.
    pub body: Vec<u8>,
}

impl Message {
    /// A response with a status, a content type and a body.
    pub fn response(status: u16, content_type: &str, body: Vec<u8>) -> Message {
        Message {
            start: format!("HTTP/1.1 {status} {}", reason(status)),
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Replaces (or adds) header `name`.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
    }

    /// Request method (first word of the start line).
    pub fn method(&self) -> &str {
        self.start.split(' ').next().unwrap_or("")
    }

    /// Request target (second word of the start line).
    pub fn target(&self) -> &str {
        self.start.split(' ').nth(1).unwrap_or("")
    }

    /// Response status code (second word of the start line), 0 when unreadable.
    pub fn status(&self) -> u16 {
        self.start
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    /// Whether the peer asked to close the connection after this message.
    pub fn wants_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// Reason phrase for the statuses the sandbox writes itself.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Status",
    }
}

/// The `name=value` pairs of a query string, percent-decoded (`+` is a space); a malformed
/// escape is kept as written.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[i], hex) {
                (b'%', Some(b)) => {
                    out.push(b);
                    i += 3;
                }
                (b'+', _) => {
                    out.push(b' ');
                    i += 1;
                }
                (b, _) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn invalid(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

/// Reads one message. `None` when the connection closed before a start line. `to_eof` reads a
/// body without length up to the end of the stream (responses); requests without a length have
/// no body. Answers `Expect: 100-continue` through `continue_to` when given.
pub fn read<R: Read>(
    reader: &mut BufReader<R>,
    to_eof: bool,
    continue_to: Option<&mut dyn Write>,
) -> io::Result<Option<Message>> {
    let mut start = String::new();
    loop {
        start.clear();
        if reader.read_line(&mut start)? == 0 {
            return Ok(None);
        }
        if !start.trim().is_empty() {
            break;
        }
    }
    let mut message = Message {
        start: start.trim_end().to_string(),
        ..Message::default()
    };
    let mut size = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(invalid("connection closed inside the header"));
        }
        size += line.len();
        if size > LIMIT {
            return Err(invalid("header too large"));
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid(format!("header line without `:`: {line}")))?;
        message
            .headers
            .push((name.trim().to_string(), value.trim().to_string()));
    }
    if let (Some(w), Some(expect)) = (continue_to, message.header("expect"))
        && expect.eq_ignore_ascii_case("100-continue")
    {
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        w.flush()?;
    }
    let chunked = message
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        message.body = read_chunked(reader)?;
    } else if let Some(length) = message.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| invalid(format!("bad Content-Length `{length}`")))?;
        if length > LIMIT {
            return Err(invalid("body too large"));
        }
        message.body = vec![0; length];
        reader.read_exact(&mut message.body)?;
    } else if to_eof {
        reader.take(LIMIT as u64).read_to_end(&mut message.body)?;
    }
    Ok(Some(message))
}

fn read_chunked<R: Read>(reader: &mut BufReader<R>) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let size_text = line.trim().split(';').next().unwrap_or("");
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| invalid(format!("bad chunk size `{size_text}`")))?;
        if size == 0 {
            // Trailer fields up to the empty line.
            loop {
                let mut trailer = String::new();
                if reader.read_line(&mut trailer)? == 0 || trailer.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > LIMIT {
            return Err(invalid("body too large"));
        }
        let at = body.len();
        body.resize(at + size, 0);
        reader.read_exact(&mut body[at..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
    }
}

/// Writes `message` with a `Content-Length` (any framing headers it carried are replaced).
/// `close` adds `Connection: close`.
pub fn write(out: &mut dyn Write, message: &Message, close: bool) -> io::Result<()> {
    let mut text = format!("{}\r\n", message.start);
    for (name, value) in &message.headers {
        let lower = name.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "content-length" | "transfer-encoding" | "connection" | "keep-alive"
        ) {
            continue;
        }
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str(&format!("Content-Length: {}\r\n", message.body.len()));
    if close {
        text.push_str("Connection: close\r\n");
    }
    text.push_str("\r\n");
    out.write_all(text.as_bytes())?;
    out.write_all(&message.body)?;
    out.flush()
}
