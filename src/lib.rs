//! innolift: a working tool for innovation in public procurement.
//!
//! Buyers register needs, suppliers and clusters register capabilities, and buyers with the same
//! need go to the market together. See README.md.

pub mod accounts;
pub mod api;
pub mod audit;
pub mod auth;
pub mod capabilities;
pub mod cli;
pub mod cpv;
pub mod db;
pub mod demo;
pub mod dialogues;
pub mod domain;
pub mod eval;
pub mod indicators;
pub mod lifts;
pub mod mail;
pub mod needs;
pub mod notices;
pub mod organisations;
pub mod processes;
pub mod search;
pub mod settings;
pub mod solutions;
pub mod startup;
pub mod telemetry;
pub mod web;
