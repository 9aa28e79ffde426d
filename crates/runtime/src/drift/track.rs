//! The one JSON path tracker: drift, ignored members and decode failures located in the same
//! pass as the decode, as JSON pointers (RFC 6901).
//!
//! [`decode_at`] runs a type's `Deserialize` through a wrapper that keeps the JSON pointer of the
//! value being decoded in a thread-local buffer. A lenient step noted anywhere inside
//! ([`record`], called by [`super::note`] and the webhook payload types) is recorded with its
//! pointer at once, and, when asked, every member the target type ignores is recorded too,
//! without a `String` per member. One decode finds every pointer, however many drifts the body
//! has; when it fails, the pointer of the innermost failing value comes with the error.
//!
//! The path is a `String` the wrappers append segments to and truncate back: a map remembers the
//! length where its members start, a member's key is appended when it is read, and the length is
//! restored after the member's value. A `oneOf` shape decoded from its buffered
//! `serde_json::Value` ([`decode_value`]) goes through the same wrappers, under the shape's
//! pointer. Other values decoded from a buffered form (an enum's variant content) are not
//! tracked inside: a note raised there carries the pointer of the value that was buffered.

use std::cell::RefCell;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{DriftKind, push_pointer_segment};

/// What one tracked decode on this thread has found so far.
#[derive(Default)]
struct State {
    /// Whether a tracked decode is running (notes outside one are not taken).
    active: bool,
    /// Whether members the target type ignores are recorded.
    fields: bool,
    /// The JSON pointer of the value being decoded (starting with the decode's prefix).
    path: String,
    /// Pointer and kind of every drift met, in body order.
    found: Vec<(String, DriftKind)>,
    /// The pointer of the innermost value whose decode failed, once an error is on its way out.
    failed_at: Option<String>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// A tracked decode that failed: serde's error and the JSON pointer (RFC 6901) of the value it
/// failed at (the decode's prefix itself when the failure is not inside a member or element,
/// e.g. trailing characters).
#[derive(Debug)]
pub struct Failure {
    /// The pointer of the failing value, under the decode's prefix (`/data/3/credits`).
    pub pointer: String,
    /// What serde reported.
    pub error: serde_json::Error,
}

/// Decodes `T` from `read` in one pass, returning the drift met, with pointers under `prefix`
/// (`"/payload"` for a webhook envelope, `""` for a whole body): every lenient step and, with
/// `fields`, every member `T` ignores. The result is exactly a plain decode's; a failure
/// carries the pointer of the value that failed.
pub fn decode_at<'de, T: Deserialize<'de>, R: serde_json::de::Read<'de>>(
    read: R,
    prefix: &str,
    fields: bool,
) -> (Result<T, Failure>, Vec<(String, DriftKind)>) {
    begin(prefix, fields);
    let result = pass(read, true);
    let (found, failed_at) = finish();
    let result = result.map_err(|error| Failure {
        pointer: failed_at.unwrap_or_else(|| prefix.to_owned()),
        error,
    });
    (result, found)
}

/// Decodes `T` from `d`, a deserializer standing at one value inside a larger document (the
/// `payload` member a map visitor has reached), tracked as by [`decode_at`] with pointers under
/// `prefix`; a failure's pointer is not kept. With `D = &mut serde_json::Deserializer<R>`,
/// which is what `serde_json`'s own map access hands a seed, `T`'s `Deserialize` runs in the
/// same instantiation as in [`decode_at`] and [`decode_plain`] for that `R`.
pub fn decode_inside<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
    prefix: &str,
    fields: bool,
) -> (Result<T, D::Error>, Found) {
    begin(prefix, fields);
    let result = T::deserialize(Tracked(d, true));
    (result, finish().0)
}

/// Pointer and kind of each drift a tracked decode found, in body order.
pub(crate) type Found = Vec<(String, DriftKind)>;

/// A tracked pass of one type over a whole body, its value dropped: how the non-generic code
/// around a decode runs the pass again to locate a failure or a note (see [`locate`]).
pub(crate) type Locate = fn(&[u8]) -> Result<(), serde_json::Error>;

/// The [`Locate`] of `T`: a pass that tracks, the value dropped. With [`decode_body`], the only
/// code a response type instantiates; the rest of a decode is compiled once.
pub(crate) fn locate<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(), serde_json::Error> {
    pass::<T, _>(serde_json::de::SliceRead::new(body), true).map(drop)
}

/// Decodes `T` from a whole body, tracking when `on` (inside [`begin`] … [`finish`]).
pub(crate) fn decode_body<T: serde::de::DeserializeOwned>(
    body: &[u8],
    on: bool,
) -> Result<T, serde_json::Error> {
    pass(serde_json::de::SliceRead::new(body), on)
}

/// Runs `locate` over `body` as a tracked decode from the root: the failure, with its
/// pointer, and the drift found.
pub(crate) fn run_located(body: &[u8], fields: bool, locate: Locate) -> (Option<Failure>, Found) {
    begin("", fields);
    let result = locate(body);
    let (found, failed_at) = finish();
    let failure = result.err().map(|error| Failure {
        pointer: failed_at.unwrap_or_default(),
        error,
    });
    (failure, found)
}

/// Starts a tracked decode on this thread, its pointers under `prefix`.
pub(crate) fn begin(prefix: &str, fields: bool) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.active = true;
        s.fields = fields;
        s.path.clear();
        s.path.push_str(prefix);
        s.found.clear();
        s.failed_at = None;
    });
}

/// Ends the tracked decode: the drift it found and the pointer of its failure, if any.
pub(crate) fn finish() -> (Found, Option<String>) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.active = false;
        s.fields = false;
        (std::mem::take(&mut s.found), s.failed_at.take())
    })
}

/// Decodes `T` from `read` without tracking: exactly `serde_json`'s result, at about its cost.
/// It runs the same `Deserialize` instantiation as [`decode_at`] (the wrappers pass straight
/// through), so a type decoded both ways is compiled once, not once per way.
pub fn decode_plain<'de, T: Deserialize<'de>, R: serde_json::de::Read<'de>>(
    read: R,
) -> Result<T, serde_json::Error> {
    pass(read, false)
}

/// One decode of `T` through the wrappers, tracking or not (`on`).
fn pass<'de, T: Deserialize<'de>, R: serde_json::de::Read<'de>>(
    read: R,
    on: bool,
) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::new(read);
    let value = T::deserialize(Tracked(&mut de, on))?;
    de.end().map(|()| value)
}

/// [`decode_at`] without the pointer of a failure.
pub fn decode<'de, T: Deserialize<'de>, R: serde_json::de::Read<'de>>(
    read: R,
    prefix: &str,
    fields: bool,
) -> (Result<T, serde_json::Error>, Vec<(String, DriftKind)>) {
    let (result, found) = decode_at(read, prefix, fields);
    (result.map_err(|f| f.error), found)
}

/// Decodes `T` from a buffered `value` inside the running tracked decode, as if it were read
/// in place: its members get their pointers under the current one, and the drift it records
/// is kept only if it decodes (a `oneOf` tries shapes that fail). Outside a tracked decode it
/// is `serde_json::from_value` (through the same, pass-through, wrappers).
pub fn decode_value<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, serde_json::Error> {
    if !active() {
        return T::deserialize(Tracked(value, false));
    }
    let mark = mark();
    let result = T::deserialize(Tracked(value, true));
    if result.is_err() {
        rewind(mark);
    }
    result
}

/// Where the running tracked decode stands: how many drifts it found, and its failure.
fn mark() -> (usize, Option<String>) {
    STATE.with(|s| {
        let s = s.borrow();
        (s.found.len(), s.failed_at.clone())
    })
}

/// Forgets what the running tracked decode found after `mark` (a `oneOf` shape that failed).
fn rewind((found, failed_at): (usize, Option<String>)) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.found.truncate(found);
        s.failed_at = failed_at;
    });
}

/// Whether a tracked decode is running on this thread.
pub fn active() -> bool {
    STATE.with(|s| s.borrow().active)
}

/// Records a drift at the current pointer followed by `relative` (a path the caller adds, such
/// as a field inside a buffered `oneOf` shape). Nothing outside a tracked decode.
/// (`kind` is only called inside one; the rest is not generic, so each caller's closure costs
/// a few instructions.)
pub fn record(kind: impl FnOnce() -> DriftKind, relative: &str) {
    if active() {
        record_kind(kind(), relative);
    }
}

/// [`record`] with the kind built.
pub(super) fn record_kind(kind: DriftKind, relative: &str) {
    STATE.with(|s| s.borrow_mut().push_found(false, kind, relative));
}

fn record_ignored() {
    STATE.with(|s| s.borrow_mut().push_found(true, DriftKind::UnknownField, ""));
}

impl State {
    /// Records `kind` at the current pointer plus `relative` if a tracked decode is running
    /// (and, for an ignored member, records them).
    fn push_found(&mut self, ignored: bool, kind: DriftKind, relative: &str) {
        if self.active && (self.fields || !ignored) {
            // Two copies into an exact-size string (`format!` costs a formatter run).
            let mut pointer = String::with_capacity(self.path.len() + relative.len());
            pointer.push_str(&self.path);
            pointer.push_str(relative);
            self.found.push((pointer, kind));
        }
    }
}

fn path_len() -> usize {
    STATE.with(|s| s.borrow().path.len())
}

fn truncate_path(len: usize) {
    STATE.with(|s| s.borrow_mut().path.truncate(len));
}

/// Ends a member or element that started at path length `base`: a failure is remembered at
/// the pointer it happened (the innermost one: the first on its way out). The path is then cut
/// back to `base`. Not generic over the value: it runs for every member of every type.
fn end_value(base: usize, failed: bool) {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if failed && s.failed_at.is_none() {
            s.failed_at = Some(s.path.clone());
        }
        s.path.truncate(base);
    });
}

fn push_segment(segment: &str) {
    STATE.with(|s| push_pointer_segment(&mut s.borrow_mut().path, segment));
}

fn push_display(segment: impl fmt::Display) {
    use fmt::Write as _;
    // Writing into a `String` cannot fail.
    STATE.with(|s| {
        let _ = write!(s.borrow_mut().path, "/{segment}");
    });
}

/// Forwards `deserialize_*` methods to the inner deserializer, wrapping the visitor (and
/// passing on whether the pass tracks).
macro_rules! forward_deserialize {
    ($wrap:ident; $($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method($($arg,)* $wrap(visitor, self.1))
            }
        )*
    };
}

/// The `deserialize_*` methods both wrappers forward (all but `deserialize_ignored_any` and
/// `deserialize_struct`).
macro_rules! forward_all_but_ignored {
    ($wrap:ident) => {
        forward_deserialize! { $wrap;
            deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16();
            deserialize_i32(); deserialize_i64(); deserialize_i128(); deserialize_u8();
            deserialize_u16(); deserialize_u32(); deserialize_u64(); deserialize_u128();
            deserialize_f32(); deserialize_f64(); deserialize_char(); deserialize_str();
            deserialize_string(); deserialize_bytes(); deserialize_byte_buf(); deserialize_option();
            deserialize_unit(); deserialize_unit_struct(name: &'static str);
            deserialize_newtype_struct(name: &'static str); deserialize_seq();
            deserialize_tuple(len: usize); deserialize_tuple_struct(name: &'static str, len: usize);
            deserialize_map(); deserialize_enum(name: &'static str, variants: &'static [&'static str]);
            deserialize_identifier();
        }
    };
}

/// Forwards the scalar `visit_*` methods of a visitor wrapper, passing the value to the generic
/// function `$hook` first.
macro_rules! forward_visit {
    ($hook:ident; $($method:ident($ty:ty);)*) => {
        $(
            fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
                if self.1 {
                    $hook(&v);
                }
                self.0.$method(v)
            }
        )*
    };
}

/// Forwards the `visit_*` methods that hand on nothing to track (`None`, unit, an enum's
/// variant, which is not tracked inside).
macro_rules! forward_visit_compound {
    () => {
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            self.0.visit_none()
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            self.0.visit_unit()
        }

        fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
            self.0.visit_enum(data)
        }
    };
}

fn unchanged<T: ?Sized>(_: &T) {}

fn key_display<T: fmt::Display>(v: &T) {
    push_display(v);
}

fn key_str<T: AsRef<str>>(v: &T) {
    push_segment(v.as_ref());
}

fn key_bytes<T: AsRef<[u8]>>(v: &T) {
    push_segment(&String::from_utf8_lossy(v.as_ref()));
}

/// A deserializer that keeps the pointer of the value it produces.
/// A deserializer whose values are tracked (`.1`: this pass tracks; when it does not, every
/// wrapper passes straight through, so plain and tracked passes share one instantiation).
struct Tracked<D>(D, bool);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tracked<D> {
    type Error = D::Error;

    forward_all_but_ignored!(Wrap);

    /// A struct is read from a JSON object only (`deserialize_map`), its member names as text
    /// ([`StructMap`]): the derived visitor's `visit_seq` (a struct written as an array, which
    /// the API never sends) and the field-name visitors' deserializer code are then not
    /// compiled for each struct.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(StructVisitor(visitor, self.1))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        if self.1 {
            record_ignored();
        }
        self.0.deserialize_ignored_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A visitor whose maps, sequences and options are tracked.
struct Wrap<V>(V, bool);

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visit! { unchanged;
        visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64);
        visit_i128(i128); visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64);
        visit_u128(u128); visit_f32(f32); visit_f64(f64); visit_char(char); visit_str(&str);
        visit_borrowed_str(&'de str); visit_string(String); visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
    }
    forward_visit_compound!();

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Tracked(d, self.1))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Tracked(d, self.1))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        let base = if self.1 { path_len() } else { 0 };
        self.0.visit_seq(Seq {
            inner: seq,
            base,
            index: 0,
            on: self.1,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let base = if self.1 { path_len() } else { 0 };
        self.0.visit_map(Map {
            inner: map,
            base,
            on: self.1,
        })
    }
}

/// A sequence whose elements are tracked as `/0`, `/1`, ….
struct Seq<A> {
    inner: A,
    base: usize,
    index: usize,
    /// Whether this pass tracks.
    on: bool,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        if !self.on {
            return self.inner.next_element_seed(TrackedSeed(seed, false));
        }
        truncate_path(self.base);
        push_display(self.index);
        self.index += 1;
        let result = self.inner.next_element_seed(TrackedSeed(seed, true));
        end_value(self.base, result.is_err());
        result
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A map whose values are tracked under their keys.
struct Map<A> {
    inner: A,
    base: usize,
    /// Whether this pass tracks.
    on: bool,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if !self.on {
            return self.inner.next_key_seed(KeySeed(seed, false));
        }
        truncate_path(self.base);
        let result = self.inner.next_key_seed(KeySeed(seed, true));
        if result.is_err() {
            // Keeps the key just read in the pointer of a refused key.
            end_value(path_len(), result.is_err());
        }
        result
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        if !self.on {
            return self.inner.next_value_seed(TrackedSeed(seed, false));
        }
        let result = self.inner.next_value_seed(TrackedSeed(seed, true));
        end_value(self.base, result.is_err());
        result
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A struct's visitor: takes an object only (anything else is refused with the struct's own
/// `expecting`), whose members it reads through [`StructMap`].
struct StructVisitor<V>(V, bool);

impl<'de, V: Visitor<'de>> Visitor<'de> for StructVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let base = if self.1 { path_len() } else { 0 };
        self.0.visit_map(StructMap(Map {
            inner: map,
            base,
            on: self.1,
        }))
    }
}

/// A struct's members: each name is read as text, once per deserializer (not per struct),
/// and handed to the struct's field-name seed as a string; values are tracked as a [`Map`]'s.
struct StructMap<A>(Map<A>);

impl<'de, A: MapAccess<'de>> StructMap<A> {
    /// Reads the next member's name into the path (once per deserializer, not per struct).
    fn next_name(&mut self) -> Result<Option<Name<'de>>, A::Error> {
        let map = &mut self.0;
        if map.on {
            truncate_path(map.base);
        }
        let name = map.inner.next_key_seed(MemberName);
        if let (true, Ok(Some(name))) = (map.on, &name) {
            push_segment(name.as_str());
        }
        name.map_err(|e| refused_key(map.on, e))
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for StructMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(name) = self.next_name()? else {
            return Ok(None);
        };
        match seed.deserialize(de::value::StrDeserializer::<A::Error>::new(name.as_str())) {
            Ok(field) => Ok(Some(field)),
            Err(e) => Err(refused_key(self.0.on, e)),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.0.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// Remembers a refused member name's pointer (the name just read kept in it) as the failure's.
fn refused_key<E>(on: bool, e: E) -> E {
    if on {
        end_value(path_len(), true);
    }
    e
}

/// A member name as read: borrowed from the body unless it had escapes.
enum Name<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Name<'_> {
    fn as_str(&self) -> &str {
        match self {
            Name::Borrowed(s) => s,
            Name::Owned(s) => s,
        }
    }
}

/// Reads a member name as a [`Name`].
struct MemberName;

impl<'de> DeserializeSeed<'de> for MemberName {
    type Value = Name<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Name<'de>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MemberName {
    type Value = Name<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Name<'de>, E> {
        Ok(Name::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Name<'de>, E> {
        Ok(Name::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Name<'de>, E> {
        Ok(Name::Owned(v))
    }
}

/// A seed whose value is tracked.
struct TrackedSeed<S>(S, bool);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for TrackedSeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Tracked(d, self.1))
    }
}

/// A map key's seed: the key, as read, becomes the path's last segment.
struct KeySeed<S>(S, bool);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(KeyDeserializer(d, self.1))
    }
}

struct KeyDeserializer<D>(D, bool);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDeserializer<D> {
    type Error = D::Error;

    forward_all_but_ignored!(KeyVisitor);
    forward_deserialize! { KeyVisitor;
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_ignored_any(KeyVisitor(visitor, self.1))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Appends the key it sees to the path, then hands it on.
struct KeyVisitor<V>(V, bool);

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visit! { key_display;
        visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64);
        visit_i128(i128); visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64);
        visit_u128(u128); visit_f32(f32); visit_f64(f64); visit_char(char);
    }
    forward_visit! { key_str;
        visit_str(&str); visit_borrowed_str(&'de str); visit_string(String);
    }
    forward_visit! { key_bytes;
        visit_bytes(&[u8]); visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
    }
    forward_visit_compound!();

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A string that notes a lenient step when it arrives as a number.
    #[derive(Debug, PartialEq)]
    struct Loose(String);

    impl<'de> Deserialize<'de> for Loose {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            match serde_json::Value::deserialize(d)? {
                serde_json::Value::String(s) => Ok(Loose(s)),
                other => {
                    record(
                        || DriftKind::Lenient {
                            detail: "number as string".into(),
                        },
                        "",
                    );
                    Ok(Loose(other.to_string()))
                }
            }
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        name: Loose,
        #[serde(default)]
        tags: Vec<Loose>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        items: Vec<Item>,
        owner: Option<Item>,
    }

    fn decode_str<T: serde::de::DeserializeOwned>(
        text: &str,
        prefix: &str,
        fields: bool,
    ) -> (Result<T, serde_json::Error>, Vec<(String, DriftKind)>) {
        decode(serde_json::de::StrRead::new(text), prefix, fields)
    }

    fn pointers(found: &[(String, DriftKind)]) -> Vec<String> {
        found
            .iter()
            .map(|(p, k)| format!("{p} {}", matches!(k, DriftKind::UnknownField)))
            .collect()
    }

    #[test]
    fn notes_and_ignored_members_get_their_pointers_in_one_pass() {
        let text = r#"{"items":[{"name":"a","tags":["x",2]},{"name":3,"a/b~":1}],
                       "extra":{"deep":[1]},"owner":{"name":4,"tags":[]}}"#;
        let (value, found) = decode_str::<Body>(text, "/payload", true);
        let value = value.unwrap();
        assert_eq!(value.items[1].name, Loose("3".into()));
        assert_eq!(
            pointers(&found),
            [
                "/payload/items/0/tags/1 false",
                "/payload/items/1/name false",
                "/payload/items/1/a~1b~0 true",
                "/payload/extra true",
                "/payload/owner/name false",
            ]
        );
    }

    #[test]
    fn errors_pass_through_and_notes_outside_a_decode_are_dropped() {
        let (value, _) = decode_str::<Body>(r#"{"items":[{"tags":[]}]}"#, "", true);
        let err = value.unwrap_err().to_string();
        assert!(err.contains("missing field `name`"), "{err}");
        let (value, _) = decode_str::<Body>(r#"{"items":[]} x"#, "", true);
        assert!(value.is_err(), "trailing characters are refused");
        record(|| DriftKind::UnknownField, "");
        let (value, found) = decode_str::<Body>(r#"{"items":[]}"#, "", true);
        assert!(value.is_ok() && found.is_empty(), "{found:?}");
        // Without `fields`, ignored members are not recorded; lenient steps still are.
        let text = r#"{"items":[{"name":1,"x":2}],"owner":null}"#;
        let (_, found) = decode_str::<Body>(text, "", false);
        assert_eq!(pointers(&found), ["/items/0/name false"]);
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Strict {
        n: u32,
    }

    fn failure_pointer<T: serde::de::DeserializeOwned + fmt::Debug>(
        text: &str,
        prefix: &str,
    ) -> String {
        let (value, _) = decode_at::<T, _>(serde_json::de::StrRead::new(text), prefix, true);
        value.expect_err("the decode fails").pointer
    }

    #[test]
    fn a_failure_carries_the_pointer_of_the_innermost_failing_value() {
        type Items = std::collections::BTreeMap<String, Vec<Strict>>;
        let text = r#"{"ok":[{"n":1}],"a/b~":[{"n":1},{"n":"x"}]}"#;
        assert_eq!(failure_pointer::<Items>(text, ""), "/a~1b~0/1/n");
        // A missing member is the failure of the object that lacks it.
        assert_eq!(
            failure_pointer::<Items>(r#"{"x":[{}]}"#, "/payload"),
            "/payload/x/0"
        );
        // Nothing inside failed: the pointer is the prefix (the whole value).
        assert_eq!(
            failure_pointer::<Items>(r#"{"x":[]} x"#, "/payload"),
            "/payload"
        );
        assert_eq!(failure_pointer::<Items>("[]", ""), "");
    }

    #[test]
    fn a_struct_is_read_from_an_object_whose_names_may_be_escaped() {
        // `"\u006e"` is `"n"`: a name with escapes is read into its own string.
        let (value, _) = decode_str::<Strict>(r#"{"\u006e":5}"#, "", true);
        assert_eq!(value.unwrap().n, 5);
        let (value, found) = decode_str::<Strict>(r#"{"x\u002fy":1,"n":1}"#, "", true);
        assert!(value.is_ok());
        assert_eq!(pointers(&found), ["/x~1y true"]);
        // A struct written as an array is refused, naming the struct (serde's derive would
        // take it positionally; the API never sends it).
        let plain = decode_plain::<Strict, _>(serde_json::de::StrRead::new("[5]"));
        let err = plain.unwrap_err().to_string();
        assert!(
            err.contains("invalid type: sequence, expected struct Strict"),
            "{err}"
        );
        assert_eq!(failure_pointer::<Vec<Strict>>(r#"[{"n":1},[1]]"#, ""), "/1");
    }

    /// A `oneOf`-like value: `Strict` when the buffered value fits, else kept raw.
    #[derive(Debug)]
    #[allow(dead_code)]
    enum Either {
        Strict(Strict),
        Raw(serde_json::Value),
    }

    impl<'de> Deserialize<'de> for Either {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let v = serde_json::Value::deserialize(d)?;
            Ok(match decode_value::<Strict>(v.clone()) {
                Ok(s) => Either::Strict(s),
                Err(_) => Either::Raw(v),
            })
        }
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Shapes {
        first: Either,
        second: Strict,
    }

    #[test]
    fn buffered_shapes_are_tracked_and_a_failed_attempt_leaves_nothing_behind() {
        let fits = r#"{"first":{"n":1,"extra":1},"second":{"n":2}}"#;
        let (value, found) = decode_str::<Shapes>(fits, "", true);
        assert!(matches!(value.unwrap().first, Either::Strict(_)));
        assert_eq!(pointers(&found), ["/first/extra true"]);
        // The first shape fails inside (`/first/n`) and is recovered from; the decode then
        // fails at `/second/n`, and the failed attempt's ignored member is not reported.
        let text = r#"{"first":{"extra":1,"n":"x"},"second":{"n":"y"}}"#;
        let (value, found) = decode_at::<Shapes, _>(serde_json::de::StrRead::new(text), "", true);
        assert_eq!(value.unwrap_err().pointer, "/second/n");
        assert!(found.is_empty(), "{found:?}");
        // Outside a tracked decode it is `serde_json::from_value`.
        let plain: Strict = decode_value(serde_json::json!({"n": 3})).unwrap();
        assert_eq!(plain.n, 3);
    }
}
