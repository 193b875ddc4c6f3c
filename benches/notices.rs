//! The notice import benchmark: writes 10,000 eForms notices (the fixture notices with new ids,
//! buyers and dates) into a folder and a .tar.gz, imports each into a fresh SQLite database, and
//! prints notices per second.
//!
//! Run with `cargo bench --bench notices`, or `cargo bench --bench notices -- 2000` for another
//! count. Set `DATABASE_URL` to a PostgreSQL database to measure that instead.

use std::path::{Path, PathBuf};
use std::time::Instant;

use innolift::settings::Settings;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notices/good")
}

/// Writes `count` notices into `dir`, each a fixture with a fresh notice id.
fn write_notices(dir: &Path, count: usize) -> anyhow::Result<()> {
    let mut templates: Vec<(String, String)> = Vec::new();
    for entry in std::fs::read_dir(fixtures())? {
        let path = entry?.path();
        let text = std::fs::read_to_string(&path)?;
        let parsed = innolift::notices::parse::parse(text.as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        templates.push((text, parsed.id));
    }
    templates.sort();
    for i in 0..count {
        let (text, id) = &templates[i % templates.len()];
        let fresh = uuid::Uuid::new_v4().to_string();
        std::fs::write(
            dir.join(format!("notice-{i:05}.xml")),
            text.replace(id.as_str(), &fresh),
        )?;
    }
    Ok(())
}

fn run(label: &str, paths: &[PathBuf], count: usize) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let mut settings = Settings::for_data_dir(data.path());
    if let Ok(url) = std::env::var("DATABASE_URL") {
        settings.database_url = url;
    }
    let db = innolift::db::open_database(&settings)?;
    let mut conn = db.get()?;
    let started = Instant::now();
    let report = innolift::app::notices::import::import(&mut conn, paths, |_, _| {})?;
    let elapsed = started.elapsed().as_secs_f64();
    anyhow::ensure!(report.read == count, "read {} of {count}", report.read);
    anyhow::ensure!(
        report.rejected.is_empty(),
        "refused: {:?}",
        report.rejected.first()
    );
    println!(
        "{label}: imported {count} notices in {elapsed:.2} s = {:.0} notices/s ({} stored, {} open needs, {} superseded)",
        count as f64 / elapsed,
        report.stored,
        report.needs,
        report.superseded
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let work = tempfile::tempdir()?;
    let folder = work.path().join("notices");
    std::fs::create_dir(&folder)?;
    let started = Instant::now();
    write_notices(&folder, count)?;
    println!(
        "wrote {count} notices in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let archive = work.path().join("notices.tar.gz");
    let status = std::process::Command::new("tar")
        .arg("czf")
        .arg(&archive)
        .arg("-C")
        .arg(work.path())
        .arg("notices")
        .status()?;
    anyhow::ensure!(status.success(), "tar failed");
    run("folder", &[folder], count)?;
    // PostgreSQL keeps what the first run stored, so the archive is measured on SQLite only.
    if std::env::var("DATABASE_URL").is_err() {
        run(".tar.gz", &[archive], count)?;
    }
    Ok(())
}
