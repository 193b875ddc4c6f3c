//! End-to-end tests of the HTTP API and the command line, on SQLite and PostgreSQL, and of pages
//! in a real browser.

mod browser;
mod helpers;
mod web_helpers;

mod auth;
mod browser_daily;
mod browser_documents;
mod browser_flows;
mod browser_harness;
mod browser_meetings;
mod browser_notifications;
mod cli;
mod daily;
mod demo_consultation;
mod dialogue_changes;
mod dialogue_resend;
mod dialogues;
mod documents;
mod email_confirmation;
mod errors;
mod health;
mod index_lifecycle;
mod layers;
mod matching;
mod matching_languages;
mod meetings;
mod meetings_demo;
mod meetings_supplier;
mod needs;
mod notices;
mod notifications;
mod oidc;
mod organisations;
mod privacy;
mod processes;
mod proxies;
mod registry;
mod schema;
mod self_service;
mod self_service_browser;
mod tokens;
mod upload_memory;
mod web_admin;
mod web_documents;
mod web_pages;
