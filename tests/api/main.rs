//! End-to-end tests of the HTTP API and the command line, on SQLite and PostgreSQL.

mod helpers;

mod auth;
mod cli;
mod dialogues;
mod errors;
mod health;
mod index_lifecycle;
mod matching;
mod needs;
mod organisations;
mod processes;
mod schema;
mod tokens;
