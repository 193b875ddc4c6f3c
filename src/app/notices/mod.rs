//! Notices as work: importing eForms files into notices and needs, and the daily digest that
//! tells suppliers about new matches. Reading the XML itself is `crate::notices`.

pub mod digest;
pub mod import;
