//! innolift: a working tool for innovation in public procurement.
//!
//! Buyers register needs, suppliers and clusters register capabilities, and buyers with the same
//! need go to the market together. See README.md.

pub mod app;
pub mod auth;
pub mod caller;
pub mod cli;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod eval;
pub mod http;
pub mod mail;
pub mod notices;
pub mod registry;
pub mod search;
pub mod settings;
pub mod telemetry;
