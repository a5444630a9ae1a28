//! think-lint: asks the THINK questions — is it True, Helpful, Inspiring,
//! Necessary, Kind? — of social-media and marketing posts before they go
//! out, and flags sarcasm, hostility and oversharing.
//!
//! Data flows one way:
//! `source` (inputs → posts) → `text` (analysis) → `engine` (rules) →
//! `check` (findings) → `score` → `report`.
//!
//! The library never prints and never exits; the `think-lint` binary parses
//! arguments, calls it, renders and maps the outcome to an exit code.
//!
//! The documentation is for the people who work on think-lint, and
//! explains public items by the private ones they rest on: read it with
//! `cargo doc --document-private-items`, where those links resolve.
#![allow(rustdoc::private_intra_doc_links)]

pub mod check;
pub mod config;
pub mod engine;
pub mod error;
pub mod examples_check;
pub mod huge_pages;
pub(crate) mod json_text;
pub mod learn;
pub mod linters;
pub mod model;
pub mod pack;
pub mod platform;
pub mod report;
pub mod run;
pub mod score;
pub mod shared_text;
pub mod source;
#[cfg(test)]
mod test_rng;
pub mod text;
pub mod tone;
mod written;

pub use error::{Error, LocatedError};
