//! The repository's README, compiled: each of its Rust code blocks is a doctest of this crate,
//! so the snippets a newcomer copies cannot drift from the API.
#![doc = include_str!("../README.md")]
