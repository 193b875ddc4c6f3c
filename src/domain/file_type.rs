//! Which files innolift accepts, told by their content and never by their name: a PDF is a PDF
//! because it starts `%PDF-`, whatever it is called. Office files are ZIP archives, told apart
//! by the names of their parts.
//!
//! [`Sniffer`] reads a file as it arrives, chunk by chunk, and keeps only its head (for the
//! signature and the first ZIP entries) and its tail (for the ZIP central directory), so a large
//! upload is never held in memory.

/// A file type innolift accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Docx,
    Xlsx,
    Odt,
    Ods,
    Txt,
    Png,
    Jpeg,
}

impl FileType {
    /// The media type the file is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Odt => "application/vnd.oasis.opendocument.text",
            FileType::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            FileType::Txt => "text/plain; charset=utf-8",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
        }
    }

    /// The usual file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Docx => "docx",
            FileType::Xlsx => "xlsx",
            FileType::Odt => "odt",
            FileType::Ods => "ods",
            FileType::Txt => "txt",
            FileType::Png => "png",
            FileType::Jpeg => "jpg",
        }
    }
}

/// What the accepted types are, for error messages.
pub const ACCEPTED: &str = "PDF, DOCX, XLSX, ODT, ODS, TXT, PNG or JPEG";

const HEAD: usize = 64 * 1024;
const TAIL: usize = 64 * 1024;

/// Tells a file's type from its content as it streams in.
#[derive(Debug, Default)]
pub struct Sniffer {
    head: Vec<u8>,
    tail: Vec<u8>,
    /// Bytes of an unfinished UTF-8 sequence at the end of the last chunk.
    carry: Vec<u8>,
    /// False once any byte rules out plain text.
    text: bool,
    seen: u64,
}

impl Sniffer {
    /// A sniffer that has seen nothing.
    pub fn new() -> Sniffer {
        Sniffer {
            text: true,
            ..Sniffer::default()
        }
    }

    /// Reads the next chunk.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.seen += chunk.len() as u64;
        if self.head.len() < HEAD {
            let take = (HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        if chunk.len() >= TAIL {
            self.tail.clear();
            self.tail.extend_from_slice(&chunk[chunk.len() - TAIL..]);
        } else {
            self.tail.extend_from_slice(chunk);
            if self.tail.len() > TAIL {
                let cut = self.tail.len() - TAIL;
                self.tail.drain(..cut);
            }
        }
        if self.text {
            self.text = self.still_text(chunk);
        }
    }

    fn still_text(&mut self, chunk: &[u8]) -> bool {
        if chunk.contains(&0) {
            return false;
        }
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(chunk);
        match std::str::from_utf8(&bytes) {
            Ok(_) => true,
            // An incomplete sequence at the very end may finish in the next chunk.
            Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 => {
                self.carry = bytes[e.valid_up_to()..].to_vec();
                true
            }
            Err(_) => false,
        }
    }

    /// True once the head is enough to refuse the file: neither a known signature nor text.
    pub fn refused_early(&self) -> bool {
        self.head.len() >= 8 && self.signature().is_none() && !self.text
    }

    fn signature(&self) -> Option<Signature> {
        let h = &self.head;
        if h.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Signature::Png)
        } else if h.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Signature::Jpeg)
        } else if h.starts_with(b"PK\x03\x04") {
            Some(Signature::Zip)
        } else if h[..h.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
            // Readers accept the header anywhere in the first 1024 bytes.
            Some(Signature::Pdf)
        } else {
            None
        }
    }

    /// The type of the whole file, once every chunk is read; `None` when it is not accepted.
    pub fn finish(&self) -> Option<FileType> {
        match self.signature() {
            Some(Signature::Png) => Some(FileType::Png),
            Some(Signature::Jpeg) => Some(FileType::Jpeg),
            Some(Signature::Pdf) => Some(FileType::Pdf),
            Some(Signature::Zip) => self.office(),
            None if self.text && self.carry.is_empty() && self.seen > 0 && !self.markup() => {
                Some(FileType::Txt)
            }
            None => None,
        }
    }

    /// Text that opens as markup (HTML, SVG, XML) is refused: a browser could be talked into
    /// running it, and no draft or minutes need it.
    fn markup(&self) -> bool {
        let text = String::from_utf8_lossy(&self.head[..self.head.len().min(1024)]);
        text.trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('<')
    }

    /// An OpenDocument file names its type in a first, stored entry called `mimetype`; an
    /// Office Open XML file has its main part under `word/` or `xl/`.
    fn office(&self) -> Option<FileType> {
        if let Some(mime) = odf_mimetype(&self.head) {
            return match mime.as_str() {
                "application/vnd.oasis.opendocument.text" => Some(FileType::Odt),
                "application/vnd.oasis.opendocument.spreadsheet" => Some(FileType::Ods),
                _ => None,
            };
        }
        let mut names = central_names(&self.tail);
        if names.is_empty() {
            names = local_names(&self.head);
        }
        if names.iter().any(|n| n == "word/document.xml") {
            Some(FileType::Docx)
        } else if names.iter().any(|n| n == "xl/workbook.xml") {
            Some(FileType::Xlsx)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Signature {
    Png,
    Jpeg,
    Zip,
    Pdf,
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
}

/// The content of a first entry named `mimetype`, stored uncompressed, as ODF requires.
fn odf_mimetype(head: &[u8]) -> Option<String> {
    let method = u16_at(head, 8)?;
    let size = u32_at(head, 18)?;
    let name_len = u16_at(head, 26)?;
    let extra_len = u16_at(head, 28)?;
    let name = head.get(30..30 + name_len)?;
    if name != b"mimetype" || method != 0 || size > 200 {
        return None;
    }
    let start = 30 + name_len + extra_len;
    let value = head.get(start..start + size)?;
    std::str::from_utf8(value).ok().map(str::to_owned)
}

/// Entry names from the local headers in the head, following each entry's sizes.
fn local_names(head: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut at = 0;
    while head.get(at..at + 4) == Some(b"PK\x03\x04") && names.len() < 1000 {
        let (Some(flags), Some(size), Some(name_len), Some(extra_len)) = (
            u16_at(head, at + 6),
            u32_at(head, at + 18),
            u16_at(head, at + 26),
            u16_at(head, at + 28),
        ) else {
            break;
        };
        let Some(name) = head.get(at + 30..at + 30 + name_len) else {
            break;
        };
        names.push(String::from_utf8_lossy(name).into_owned());
        // With a data descriptor the size is not in the header, so the walk stops here.
        if flags & 0x08 != 0 {
            break;
        }
        at += 30 + name_len + extra_len + size;
    }
    names
}

/// Entry names from the central directory, when the end of the archive holds it whole.
fn central_names(tail: &[u8]) -> Vec<String> {
    let Some(eocd) = tail.windows(4).rposition(|w| w == b"PK\x05\x06") else {
        return Vec::new();
    };
    let (Some(count), Some(dir_size)) = (u16_at(tail, eocd + 10), u32_at(tail, eocd + 12)) else {
        return Vec::new();
    };
    let Some(mut at) = eocd.checked_sub(dir_size) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for _ in 0..count {
        if tail.get(at..at + 4) != Some(b"PK\x01\x02") {
            break;
        }
        let (Some(name_len), Some(extra_len), Some(comment_len)) = (
            u16_at(tail, at + 28),
            u16_at(tail, at + 30),
            u16_at(tail, at + 32),
        ) else {
            break;
        };
        let Some(name) = tail.get(at + 46..at + 46 + name_len) else {
            break;
        };
        names.push(String::from_utf8_lossy(name).into_owned());
        at += 46 + name_len + extra_len + comment_len;
    }
    names
}

/// A file name as given, made safe to store and to send back: only its last path part, without
/// control or bidi-override characters, at most 200 characters; `fallback` when nothing is left.
pub fn safe_file_name(given: &str, fallback: &str) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'))
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        fallback.to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(chunks: &[&[u8]]) -> Option<FileType> {
        let mut s = Sniffer::new();
        for c in chunks {
            s.feed(c);
        }
        s.finish()
    }

    fn zip_with(names: &[&str], first_stored: Option<(&str, &[u8])>) -> Vec<u8> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            if let Some((name, data)) = first_stored {
                let opts = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored);
                w.start_file(name, opts).unwrap();
                w.write_all(data).unwrap();
            }
            for n in names {
                w.start_file(*n, zip::write::SimpleFileOptions::default())
                    .unwrap();
                w.write_all(&vec![b'x'; 200_000]).unwrap();
            }
            w.finish().unwrap();
        }
        out.into_inner()
    }

    #[test]
    fn signatures_are_told_by_content_not_name() {
        assert_eq!(
            sniff(&[b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"]),
            Some(FileType::Pdf)
        );
        assert_eq!(
            sniff(&[b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"]),
            Some(FileType::Png)
        );
        assert_eq!(
            sniff(&[&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]]),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            sniff(&[b"Utkast til ", "konkurransegrunnlag æøå".as_bytes()]),
            Some(FileType::Txt)
        );
    }

    #[test]
    fn html_and_binary_junk_are_refused_even_as_text() {
        assert_eq!(
            sniff(&[b"  <!doctype html><script>alert(1)</script>"]),
            None
        );
        assert_eq!(sniff(&[b"\xef\xbb\xbf<svg onload=x>"]), None);
        assert_eq!(sniff(&[b"MZ\x90\0\x03\0\0\0"]), None);
        assert_eq!(sniff(&[b"GIF89a\x01\0"]), None);
        assert_eq!(sniff(&[]), None);
    }

    #[test]
    fn utf8_split_across_chunks_is_still_text() {
        let text = "Høring på utkast: åpne spørsmål".as_bytes();
        let at = text.iter().position(|b| *b == 0xC3).unwrap() + 1;
        assert_eq!(sniff(&[&text[..at], &text[at..]]), Some(FileType::Txt));
        assert_eq!(
            sniff(&[&text[..at]]),
            None,
            "a file may not end mid-character"
        );
    }

    #[test]
    fn office_files_are_told_apart_by_their_parts() {
        let docx = zip_with(
            &["[Content_Types].xml", "_rels/.rels", "word/document.xml"],
            None,
        );
        let xlsx = zip_with(&["[Content_Types].xml", "xl/workbook.xml"], None);
        let odt = zip_with(
            &["content.xml"],
            Some(("mimetype", b"application/vnd.oasis.opendocument.text")),
        );
        let ods = zip_with(
            &["content.xml"],
            Some((
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            )),
        );
        let plain = zip_with(&["readme.html"], None);
        for (bytes, want) in [
            (docx, Some(FileType::Docx)),
            (xlsx, Some(FileType::Xlsx)),
            (odt, Some(FileType::Odt)),
            (ods, Some(FileType::Ods)),
            (plain, None),
        ] {
            // In chunks of 8 KiB, as an upload arrives.
            let chunks: Vec<&[u8]> = bytes.chunks(8192).collect();
            assert_eq!(sniff(&chunks), want);
        }
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(safe_file_name("../../etc/passwd", "dokument"), "passwd");
        assert_eq!(
            safe_file_name("C:\\Users\\a\\utkast.pdf", "d"),
            "utkast.pdf"
        );
        assert_eq!(
            safe_file_name("rapport\r\nX-Evil: 1.pdf", "d"),
            "rapportX-Evil: 1.pdf"
        );
        assert_eq!(safe_file_name("fil\u{202e}fdp.exe", "d"), "filfdp.exe");
        assert_eq!(safe_file_name("\u{0}\t", "dokument"), "dokument");
        assert_eq!(safe_file_name("..", "dokument"), "dokument");
    }
}
