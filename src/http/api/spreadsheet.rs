//! CSV downloads in two dialects: plain (commas, decimal points; for programs) and `excel`
//! (semicolons, decimal commas and a UTF-8 byte order mark), which Norwegian Excel opens
//! straight into columns with æ, ø and å intact.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::AppError;

/// The dialect of a CSV download.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct CsvQuery {
    /// `excel` for Norwegian Excel (semicolons, decimal commas, UTF-8 BOM); plain CSV otherwise.
    #[param(schema_with = dialect_schema)]
    pub dialect: Option<String>,
}

/// The values [`is_excel`] takes.
pub fn dialect_schema() -> utoipa::openapi::schema::Schema {
    crate::domain::optional_choice_schema(
        &["plain", "excel"],
        "`excel` for Norwegian Excel (semicolons, decimal commas, UTF-8 BOM); plain CSV otherwise",
    )
}

/// Whether `dialect` asks for Norwegian Excel; anything else but plain is refused.
pub fn is_excel(dialect: Option<&str>) -> Result<bool, AppError> {
    match dialect.map(str::trim) {
        None | Some("") | Some("plain") => Ok(false),
        Some("excel") => Ok(true),
        Some(_) => Err(AppError::validation(
            "dialect",
            "dialect must be plain or excel",
        )),
    }
}

/// A CSV writer for the dialect.
pub struct Csv {
    writer: csv::Writer<Vec<u8>>,
    excel: bool,
}

impl Csv {
    /// A writer; `excel` chooses Norwegian Excel's dialect.
    pub fn new(excel: bool) -> Csv {
        let writer = csv::WriterBuilder::new()
            .delimiter(if excel { b';' } else { b',' })
            .from_writer(Vec::new());
        Csv { writer, excel }
    }

    /// A decimal number as the dialect writes it.
    pub fn number(&self, value: f64) -> String {
        let text = format!("{value}");
        if self.excel {
            text.replace('.', ",")
        } else {
            text
        }
    }

    /// Writes one row.
    pub fn row<I, T>(&mut self, fields: I) -> Result<(), AppError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.writer
            .write_record(fields)
            .map_err(|e| AppError::Internal(e.into()))
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>, AppError> {
        let body = self
            .writer
            .into_inner()
            .map_err(|e| AppError::internal(e.to_string()))?;
        Ok(if self.excel {
            [b"\xEF\xBB\xBF".as_slice(), &body].concat()
        } else {
            body
        })
    }
}

/// A text a spreadsheet will not run as a formula: a leading `=`, `+`, `-`, `@`, TAB or CR gets
/// a `'` before it.
pub fn text_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_excel_dialect_has_a_bom_semicolons_and_decimal_commas() {
        let mut csv = Csv::new(true);
        let share = csv.number(0.25);
        csv.row(["Ålesund", share.as_str()]).unwrap();
        let bytes = csv.finish().unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        assert_eq!(
            String::from_utf8(bytes[3..].to_vec()).unwrap(),
            "Ålesund;0,25\n"
        );
        let mut plain = Csv::new(false);
        let share = plain.number(0.25);
        plain.row(["Ålesund", share.as_str()]).unwrap();
        assert_eq!(plain.finish().unwrap(), b"\xC3\x85lesund,0.25\n");
        assert!(is_excel(Some("excel")).unwrap());
        assert!(is_excel(Some("lotus")).is_err());
    }
}
