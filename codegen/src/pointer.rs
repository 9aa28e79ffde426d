//! JSON pointer (RFC 6901) reference tokens: the one escape the generator's error pointers and
//! the tools' pointers share.

/// Escapes one reference token (`~` → `~0`, `/` → `~1`), e.g. a path key `/sms/send` becomes
/// `~1sms~1send`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape`] on one reference token (`~1` → `/` first, then `~0` → `~`).
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
