//! Demo data: a deterministic, realistic registry for newcomers, and bulk data for benchmarks.

pub mod corpus;
