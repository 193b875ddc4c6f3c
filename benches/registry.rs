//! The register import benchmark: writes 100,000 entities in Enhetsregisteret's bulk shape (a
//! gzipped JSON array, like `enheter_alle.json.gz`), imports them into a fresh SQLite database,
//! imports them again (nothing changes), and prints entities per second for both.
//!
//! Run with `cargo bench --bench registry`, or `cargo bench --bench registry -- 20000` for another
//! count. Set `DATABASE_URL` to an empty PostgreSQL database to measure that as well, in the
//! same run.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use innolift::app::registry::{import, ImportReport, Source};
use innolift::settings::Settings;

const FORMS: &[(&str, &str, &str)] = &[
    ("AS", "Aksjeselskap", "2100"),
    ("ENK", "Enkeltpersonforetak", "8200"),
    ("ASA", "Allmennaksjeselskap", "2100"),
    ("NUF", "Norskregistrert utenlandsk foretak", "2100"),
    ("FLI", "Forening/lag/innretning", "7000"),
    ("KOMM", "Kommune", "6500"),
];
const MUNICIPALITIES: &[(&str, &str)] = &[
    ("0301", "OSLO"),
    ("4601", "BERGEN"),
    ("5001", "TRONDHEIM"),
    ("1103", "STAVANGER"),
    ("3301", "DRAMMEN"),
    ("5501", "TROMSØ"),
];

/// A valid organisation number from a counter: eight digits and the MOD11 check digit.
fn orgnr(seed: u32) -> String {
    let weights = [3, 2, 7, 6, 5, 4, 3, 2];
    let mut n = 81_000_000 + seed * 3;
    loop {
        let digits: Vec<u32> = format!("{n:08}")
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .collect();
        let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
        match 11 - sum % 11 {
            10 => n += 1,
            11 => return format!("{n:08}0"),
            c => return format!("{n:08}{c}"),
        }
    }
}

fn write_entities(path: &Path, count: u32) -> anyhow::Result<()> {
    let file = std::fs::File::create(path)?;
    let mut out =
        flate2::write::GzEncoder::new(std::io::BufWriter::new(file), flate2::Compression::fast());
    out.write_all(b"[")?;
    for i in 0..count {
        let (form, form_name, sector) = FORMS[i as usize % FORMS.len()];
        let (kommunenummer, kommune) = MUNICIPALITIES[(i as usize / 7) % MUNICIPALITIES.len()];
        let entity = serde_json::json!({
            "organisasjonsnummer": orgnr(i),
            "navn": format!("BEDRIFT NUMMER {i} {form}"),
            "organisasjonsform": {"kode": form, "beskrivelse": form_name, "_links": {"self": {"href": format!("https://data.brreg.no/enhetsregisteret/api/organisasjonsformer/{form}")}}},
            "registreringsdatoEnhetsregisteret": "2015-03-02",
            "registrertIMvaregisteret": i % 3 == 0,
            "naeringskode1": {"kode": "62.010", "beskrivelse": "Programmeringstjenester"},
            "antallAnsatte": i % 400,
            "harRegistrertAntallAnsatte": true,
            "forretningsadresse": {"land": "Norge", "landkode": "NO", "postnummer": "5003", "poststed": kommune, "adresse": [format!("Gate {i}")], "kommune": kommune, "kommunenummer": kommunenummer},
            "institusjonellSektorkode": {"kode": sector, "beskrivelse": "Sektor"},
            "registrertIForetaksregisteret": true,
            "registrertIStiftelsesregisteret": false,
            "registrertIFrivillighetsregisteret": false,
            "konkurs": i % 97 == 0,
            "underAvvikling": false,
            "underTvangsavviklingEllerTvangsopplosning": false,
            "maalform": "Bokmål",
            "_links": {"self": {"href": format!("https://data.brreg.no/enhetsregisteret/api/enheter/{}", orgnr(i))}}
        });
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut out, &entity)?;
    }
    out.write_all(b"]")?;
    out.finish()?.flush()?;
    Ok(())
}

fn timed(conn: &mut innolift::db::DbConn, path: &Path) -> anyhow::Result<(ImportReport, f64)> {
    let started = Instant::now();
    let source = Source {
        name: path.display().to_string(),
        reader: Box::new(std::fs::File::open(path)?),
    };
    let report = import(conn, vec![source], |_| {}).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((report, started.elapsed().as_secs_f64()))
}

fn run(label: &str, database_url: Option<String>, path: &Path, count: u32) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let mut settings = Settings::for_data_dir(data.path());
    if let Some(url) = database_url {
        settings.database_url = url;
    }
    let db = innolift::db::open_database(&settings)?;
    let mut conn = db.get()?;
    let (first, seconds) = timed(&mut conn, path)?;
    anyhow::ensure!(
        first.new == u64::from(count),
        "stored {} of {count}",
        first.new
    );
    println!(
        "{label}: imported {count} entities in {seconds:.2} s = {:.0} entities/s",
        f64::from(count) / seconds
    );
    let (again, seconds) = timed(&mut conn, path)?;
    anyhow::ensure!(
        again.unchanged == u64::from(count),
        "re-import changed {:?}",
        again
    );
    println!(
        "{label}: imported the same file again in {seconds:.2} s = {:.0} entities/s, {} unchanged",
        f64::from(count) / seconds,
        again.unchanged
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let count: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("enheter_alle.json.gz");
    let started = Instant::now();
    write_entities(&path, count)?;
    println!(
        "wrote {count} entities ({:.1} MB gzipped) in {:.1} s",
        std::fs::metadata(&path)?.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    run("SQLite", None, &path, count)?;
    if let Ok(url) = std::env::var("DATABASE_URL") {
        run("PostgreSQL", Some(url), &path, count)?;
    }
    Ok(())
}
