//! Deterministic generated organisations, needs and capabilities (being written).
