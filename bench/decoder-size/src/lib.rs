//! How much one struct decoder costs to compile: the generated serde decoder (what `qikberry`
//! compiles for each response model, run through the drift tracker as the client runs it)
//! against a prototype pull decoder over a non-generic JSON reader ([`reader`]).
//!
//! The model is shaped like `SmsSender`: 14 optional members (strings, integers, a string and an
//! integer open enum). `build.rs` writes `Sender1` and 100 such models with distinct member
//! names, and the features choose which decoders are compiled (`serde100`, `pull100`);
//! `serde1` and `pull1` compile `Sender1` each way, which `tests/same.rs` checks read alike. The
//! prototype has no drift notes, no lenient reads and no error pointers: it bounds what a
//! serde-free decoder could save, it is not one. Commands and figures: BENCHMARKS.md, "The
//! release library build: what the codecs cost".
// The features choose what is compiled.
#![allow(dead_code, missing_docs, unused_imports, unused_macros)]
pub mod reader;
use qikberry::sms::{SmsSendScheduledType, SmsSenderStatus};
use reader::{Pull, Reader, slot};

macro_rules! model {
    ($name:ident) => {
        #[derive(Debug)]
        pub struct $name {
            pub id: Option<String>,
            pub name: Option<String>,
            pub service: Option<SmsSendScheduledType>,
            pub entity_name: Option<String>,
            pub entity_id: Option<String>,
            pub header_id: Option<String>,
            pub iso: Option<String>,
            pub message: Option<String>,
            pub document: Option<String>,
            pub is_open: Option<i64>,
            pub purpose: Option<i64>,
            pub status: Option<SmsSenderStatus>,
            pub created_at: Option<String>,
            pub updated_at: Option<String>,
        }
    };
}

macro_rules! serde_impl {
    ($name:ident, $k0:literal, $k1:literal, $k2:literal, $k3:literal, $k4:literal, $k5:literal, $k6:literal, $k7:literal, $k8:literal, $k9:literal, $k10:literal, $k11:literal, $k12:literal, $k13:literal) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use qikberry_runtime::types::fields as __fields;
                const __FIELDS: &[&str] = &[
                    $k0, $k1, $k2, $k3, $k4, $k5, $k6, $k7, $k8, $k9, $k10, $k11, $k12, $k13,
                ];
                struct __Visitor;
                impl<'de> serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(stringify!($name))
                    }
                    #[inline(never)]
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        __map: A,
                    ) -> Result<$name, A::Error> {
                        let (mut f0, mut f1, mut f2, mut f3, mut f4, mut f5, mut f6) =
                            (None, None, None, None, None, None, None);
                        let (mut f7, mut f8, mut f9, mut f10, mut f11, mut f12, mut f13) =
                            (None, None, None, None, None, None, None);
                        let mut r = __fields::MapReader::new(__map, __FIELDS);
                        while let Some(index) = r.next_key() {
                            match index {
                                Some(0) => r.read(&mut f0, $k0),
                                Some(1) => r.read(&mut f1, $k1),
                                Some(2) => r.read(&mut f2, $k2),
                                Some(3) => r.read(&mut f3, $k3),
                                Some(4) => r.read(&mut f4, $k4),
                                Some(5) => r.read(&mut f5, $k5),
                                Some(6) => r.read(&mut f6, $k6),
                                Some(7) => r.read(&mut f7, $k7),
                                Some(8) => r.read(&mut f8, $k8),
                                Some(9) => r.read(&mut f9, $k9),
                                Some(10) => r.read(&mut f10, $k10),
                                Some(11) => r.read(&mut f11, $k11),
                                Some(12) => r.read(&mut f12, $k12),
                                Some(13) => r.read(&mut f13, $k13),
                                _ => r.skip(),
                            }
                        }
                        r.end()?;
                        Ok($name {
                            id: __fields::or_none(f0),
                            name: __fields::or_none(f1),
                            service: __fields::or_none(f2),
                            entity_name: __fields::or_none(f3),
                            entity_id: __fields::or_none(f4),
                            header_id: __fields::or_none(f5),
                            iso: __fields::or_none(f6),
                            message: __fields::or_none(f7),
                            document: __fields::or_none(f8),
                            is_open: __fields::or_none(f9),
                            purpose: __fields::or_none(f10),
                            status: __fields::or_none(f11),
                            created_at: __fields::or_none(f12),
                            updated_at: __fields::or_none(f13),
                        })
                    }
                }
                d.deserialize_struct(stringify!($name), __FIELDS, __Visitor)
            }
        }
    };
}

macro_rules! pull_impl {
    ($name:ident, $k0:literal, $k1:literal, $k2:literal, $k3:literal, $k4:literal, $k5:literal, $k6:literal, $k7:literal, $k8:literal, $k9:literal, $k10:literal, $k11:literal, $k12:literal, $k13:literal) => {
        impl Pull for $name {
            #[inline(never)]
            fn pull(r: &mut Reader<'_>) -> Result<Self, reader::Error> {
                let (mut f0, mut f1, mut f2, mut f3, mut f4, mut f5, mut f6) =
                    (None, None, None, None, None, None, None);
                let (mut f7, mut f8, mut f9, mut f10, mut f11, mut f12, mut f13) =
                    (None, None, None, None, None, None, None);
                r.begin_object()?;
                let mut first = true;
                const FIELDS: &[&str] = &[
                    $k0, $k1, $k2, $k3, $k4, $k5, $k6, $k7, $k8, $k9, $k10, $k11, $k12, $k13,
                ];
                while let Some(i) = r.next_index(&mut first, FIELDS)? {
                    match i {
                        0 => slot(r, &mut f0)?,
                        1 => slot(r, &mut f1)?,
                        2 => slot(r, &mut f2)?,
                        3 => slot(r, &mut f3)?,
                        4 => slot(r, &mut f4)?,
                        5 => slot(r, &mut f5)?,
                        6 => slot(r, &mut f6)?,
                        7 => slot(r, &mut f7)?,
                        8 => slot(r, &mut f8)?,
                        9 => slot(r, &mut f9)?,
                        10 => slot(r, &mut f10)?,
                        11 => slot(r, &mut f11)?,
                        12 => slot(r, &mut f12)?,
                        13 => slot(r, &mut f13)?,
                        _ => r.skip()?,
                    }
                }
                Ok($name {
                    id: f0.flatten(),
                    name: f1.flatten(),
                    service: f2.flatten(),
                    entity_name: f3.flatten(),
                    entity_id: f4.flatten(),
                    header_id: f5.flatten(),
                    iso: f6.flatten(),
                    message: f7.flatten(),
                    document: f8.flatten(),
                    is_open: f9.flatten(),
                    purpose: f10.flatten(),
                    status: f11.flatten(),
                    created_at: f12.flatten(),
                    updated_at: f13.flatten(),
                })
            }
        }
    };
}

/// The client's decode path: plain `serde_json` through the drift tracker's wrappers.
fn serde_path<T: serde::de::DeserializeOwned>(b: &[u8]) -> Result<T, serde_json::Error> {
    qikberry_runtime::drift::track::decode_plain(serde_json::de::SliceRead::new(b))
}

// `Sender1` and the 100 models, with their decoders (written by `build.rs`).
include!(concat!(env!("OUT_DIR"), "/models.rs"));
