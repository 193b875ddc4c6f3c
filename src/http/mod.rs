//! The HTTP front doors: the JSON API (`api`) and the web pages (`web`), the extractors they share
//! (`extract`), the operator's `metrics`, and the server that mounts them (`server`). Nothing
//! below this layer knows actix.

pub mod api;
pub mod deadline;
pub mod extract;
pub mod files;
pub mod metrics;
pub mod server;
pub mod web;

pub use server::Application;
