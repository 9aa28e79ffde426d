//! A minimal non-generic JSON pull reader (prototype, for measuring code size only).

pub struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

#[derive(Debug)]
pub struct Error(pub &'static str, pub usize);

impl<'a> Reader<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Reader { b, i: 0 }
    }
    fn ws(&mut self) {
        while let Some(c) = self.b.get(self.i) {
            if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8, what: &'static str) -> Result<(), Error> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(Error(what, self.i))
        }
    }
    /// `null` here: consumed, true.
    #[inline(never)]
    pub fn null(&mut self) -> bool {
        if self.peek() == Some(b'n') && self.b[self.i..].starts_with(b"null") {
            self.i += 4;
            true
        } else {
            false
        }
    }
    #[inline(never)]
    pub fn begin_object(&mut self) -> Result<(), Error> {
        self.eat(b'{', "expected an object")
    }
    #[inline(never)]
    pub fn begin_array(&mut self) -> Result<(), Error> {
        self.eat(b'[', "expected an array")
    }
    /// The next element of an array: false at its end.
    #[inline(never)]
    pub fn next_element(&mut self, first: &mut bool) -> Result<bool, Error> {
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(false);
        }
        if !std::mem::take(first) {
            self.eat(b',', "expected `,` or `]`")?;
        }
        Ok(true)
    }
    /// The next member's name: None at the object's end.
    #[inline(never)]
    pub fn next_key(
        &mut self,
        first: &mut bool,
    ) -> Result<Option<std::borrow::Cow<'a, str>>, Error> {
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(None);
        }
        if !std::mem::take(first) {
            self.eat(b',', "expected `,` or `}`")?;
        }
        let k = self.str()?;
        self.eat(b':', "expected `:`")?;
        Ok(Some(k))
    }
    /// The next member's index in `fields` (`usize::MAX`: not a field): None at the end.
    #[inline(never)]
    pub fn next_index(
        &mut self,
        first: &mut bool,
        fields: &[&str],
    ) -> Result<Option<usize>, Error> {
        Ok(self
            .next_key(first)?
            .map(|k| fields.iter().position(|f| *f == &*k).unwrap_or(usize::MAX)))
    }
    fn str(&mut self) -> Result<std::borrow::Cow<'a, str>, Error> {
        self.eat(b'"', "expected a string")?;
        let start = self.i;
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'"' => {
                    let s = std::str::from_utf8(&self.b[start..self.i])
                        .map_err(|_| Error("utf-8", start))?;
                    self.i += 1;
                    return Ok(std::borrow::Cow::Borrowed(s));
                }
                b'\\' => return self.escaped(start),
                _ => self.i += 1,
            }
        }
        Err(Error("unterminated string", start))
    }
    #[cold]
    fn escaped(&mut self, start: usize) -> Result<std::borrow::Cow<'a, str>, Error> {
        // Prototype: defer escapes to serde_json (one non-generic instantiation).
        let mut de = serde_json::Deserializer::from_slice(&self.b[start - 1..]);
        let s: String =
            serde::Deserialize::deserialize(&mut de).map_err(|_| Error("bad string", start))?;
        let consumed = de.into_iter::<serde_json::Value>().byte_offset();
        self.i = start - 1 + consumed;
        Ok(std::borrow::Cow::Owned(s))
    }
    #[inline(never)]
    pub fn string(&mut self) -> Result<String, Error> {
        self.str().map(|s| s.into_owned())
    }
    #[inline(never)]
    pub fn i64(&mut self) -> Result<i64, Error> {
        self.ws();
        let start = self.i;
        while let Some(c) = self.b.get(self.i) {
            if !matches!(c, b'-' | b'0'..=b'9') {
                break;
            }
            self.i += 1;
        }
        std::str::from_utf8(&self.b[start..self.i])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or(Error("expected an integer", start))
    }
    #[inline(never)]
    pub fn skip(&mut self) -> Result<(), Error> {
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                let mut first = true;
                while self.next_key(&mut first)?.is_some() {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'[') => {
                self.i += 1;
                let mut first = true;
                while self.next_element(&mut first)? {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'"') => self.str().map(drop),
            _ => {
                while let Some(c) = self.b.get(self.i) {
                    if matches!(c, b',' | b'}' | b']') {
                        break;
                    }
                    self.i += 1;
                }
                Ok(())
            }
        }
    }
}

/// What a pull decoder reads.
pub trait Pull: Sized {
    fn pull(r: &mut Reader<'_>) -> Result<Self, Error>;
}
impl Pull for String {
    fn pull(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.string()
    }
}
impl Pull for i64 {
    fn pull(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.i64()
    }
}
impl<T: Pull> Pull for Option<T> {
    fn pull(r: &mut Reader<'_>) -> Result<Self, Error> {
        if r.null() {
            Ok(None)
        } else {
            T::pull(r).map(Some)
        }
    }
}
impl<T: Pull> Pull for Vec<T> {
    fn pull(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.begin_array()?;
        let mut first = true;
        let mut out = Vec::new();
        while r.next_element(&mut first)? {
            out.push(T::pull(r)?);
        }
        Ok(out)
    }
}
impl Pull for qikberry::sms::SmsSenderStatus {
    fn pull(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.i64().map(Self::from_wire)
    }
}
impl Pull for qikberry::sms::SmsSendScheduledType {
    fn pull(r: &mut Reader<'_>) -> Result<Self, Error> {
        r.string().map(|s| Self::from_wire(&s))
    }
}
/// Reads a field into its slot (a second value is an error).
#[inline(never)]
pub fn slot<T: Pull>(r: &mut Reader<'_>, slot: &mut Option<T>) -> Result<(), Error> {
    if slot.is_some() {
        return Err(Error("duplicate field", 0));
    }
    *slot = Some(T::pull(r)?);
    Ok(())
}
