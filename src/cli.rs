//! The command line: `innolift serve | migrate | registry import | admin create` and more.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::settings::{Settings, SettingsArgs};

/// innolift: needs, capabilities, joint processes and market dialogue for public procurement.
///
/// Every setting can be given as a flag, as an environment variable, or in a TOML file given
/// with --config (same names, snake_case). Flags win over the environment, which wins over the
/// file.
#[derive(Debug, Parser)]
#[command(name = "innolift", version, about, long_about)]
pub struct Cli {
    /// TOML settings file
    #[arg(long, env = "INNOLIFT_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, then serve HTTP
    Serve {
        /// Load the demo registry first (if it is not loaded)
        #[arg(long)]
        demo: bool,
    },
    /// Load a demo registry: buyers, suppliers, clusters, needs and capabilities, with three
    /// demo accounts
    Demo,
    /// Measure the matcher on the labelled sets, beside plain BM25 and tf-idf cosine baselines,
    /// in-sample and cross-validated
    Eval {
        /// Needs with graded capabilities
        #[arg(long, default_value = "eval/matching.json")]
        file: PathBuf,
        /// Need pairs graded by similarity
        #[arg(long, default_value = "eval/similarity.json")]
        pairs: PathBuf,
        /// Folds for cross-validation
        #[arg(long, default_value_t = 5)]
        folds: usize,
    },
    /// Apply database migrations and exit
    Migrate,
    /// Rebuild the search index from the database (stop the server first)
    Reindex,
    /// The CPV vocabulary
    Cpv {
        #[command(subcommand)]
        command: CpvCommand,
    },
    /// Notices from the national notice database (eForms XML)
    Notices {
        #[command(subcommand)]
        command: NoticesCommand,
    },
    /// Enhetsregisteret, the national register of legal entities
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
    /// Programme administration
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

/// CPV commands.
#[derive(Debug, Subcommand)]
pub enum CpvCommand {
    /// Load the vocabulary from a CSV file with the columns code,check_digit,label_en,label_nb,
    /// replacing what is loaded
    Import {
        /// The CSV file, e.g. data/cpv-2008.csv
        file: PathBuf,
    },
}

/// Notice commands.
#[derive(Debug, Subcommand)]
pub enum NoticesCommand {
    /// Import eForms notices: XML files, folders, and .tar.gz or .zip archives of them. Bad
    /// notices are reported and skipped; importing the same notices again changes nothing
    Import {
        /// Files, folders or archives
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// Register commands.
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Import the list of entities (enheter_alle.json, gzipped or not) or pages of changes
    /// (oppdateringer/enheter with includeChanges=true), in one transaction: a bad entry stops
    /// the import with the entry named and nothing written. Importing a file again changes nothing
    Import {
        /// Files, in order: the full list first, then change pages
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Administrator commands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a programme administrator. The password is read from standard input unless
    /// --password is given
    Create {
        /// Sign-in email
        #[arg(long)]
        email: String,
        /// Display name [default: the email]
        #[arg(long)]
        name: Option<String>,
        /// Password (at least 12 characters); prefer standard input, which stays out of shell history
        #[arg(long)]
        password: Option<String>,
    },
}

impl Cli {
    /// Resolves settings: flags and environment, then the file, then defaults.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let file = match &self.config {
            Some(path) => SettingsArgs::from_file(path)?,
            None => SettingsArgs::default(),
        };
        self.settings.clone().or(file).resolve()
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match cli.settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(&settings.log);
    let result = match cli.command {
        Command::Serve { demo: with_demo } => {
            if with_demo {
                if let Err(e) = demo(&settings) {
                    eprintln!("error: {e:#}");
                    return ExitCode::FAILURE;
                }
            }
            serve(settings)
        }
        Command::Demo => demo(&settings),
        Command::Eval { file, pairs, folds } => crate::eval::run(&file, &pairs, folds),
        Command::Migrate => migrate(&settings),
        Command::Reindex => reindex(&settings),
        Command::Cpv {
            command: CpvCommand::Import { file },
        } => cpv_import(&settings, &file),
        Command::Notices {
            command: NoticesCommand::Import { paths },
        } => notices_import(&settings, &paths),
        Command::Registry {
            command: RegistryCommand::Import { files },
        } => registry_import(&settings, &files),
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    name,
                    password,
                },
        } => create_admin(&settings, &email, name.as_deref(), password),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = crate::http::server::Application::build(settings).await?;
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = crate::db::Db::connect(&settings.database_url, 1)?;
    let mut conn = db.get()?;
    let applied = crate::db::with_start_lock(&mut conn, crate::db::run_migrations)?;
    println!(
        "{applied} migration(s) applied to the {} database; the schema is current",
        db.backend().name()
    );
    Ok(())
}

/// A progress bar on standard error, hidden when it is not a terminal.
pub fn progress_bar(what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} {bar:40} {pos}/{len} ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_owned());
    bar
}

fn demo(settings: &Settings) -> anyhow::Result<()> {
    let db = crate::db::open_database(settings)?;
    let mut conn = db.get()?;
    let bar = progress_bar("loading demo data");
    bar.set_length(580);
    let loaded =
        crate::demo::load(&mut conn, |n| bar.inc(n as u64)).map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    let Some(loaded) = loaded else {
        println!("the demo registry is already loaded");
        return Ok(());
    };
    println!(
        "loaded {} organisations, {} needs and {} capabilities; the search index picks them up when the server runs",
        loaded.organisations, loaded.needs, loaded.capabilities
    );
    println!("demo accounts (password {}):", crate::demo::DEMO_PASSWORD);
    for (email, kind, org) in &loaded.accounts {
        println!("  {email:32} {kind:9} {org}");
    }
    println!("  every other buyer and cluster signs in as <its key>@demo.innolift.no, e.g. buyer-002@demo.innolift.no");
    if let Some((id, title)) = loaded.sample_need {
        println!("\ntry, with the server running:");
        println!(
            "  TOKEN=$(curl -s localhost:8080/api/v1/auth/login -H 'content-type: application/json' \\\n     -d '{{\"email\":\"kjoper@demo.innolift.no\",\"password\":\"{}\"}}' | sed 's/.*\"token\":\"\\([^\"]*\\)\".*/\\1/')",
            crate::demo::DEMO_PASSWORD
        );
        println!("  curl -s -H \"Authorization: Bearer $TOKEN\" localhost:8080/api/v1/needs/{id}/matches?limit=5   # {title}");
    }
    Ok(())
}

fn reindex(settings: &Settings) -> anyhow::Result<()> {
    let db = crate::db::open_database(settings)?;
    let index = crate::search::SearchIndex::new(&settings.data_dir);
    let (tantivy_index, _) = index.open_dir()?;
    let mut writer = crate::search::indexer::writer(&tantivy_index)?;
    let bar = progress_bar("indexing");
    let started = std::time::Instant::now();
    let (_, documents) =
        crate::search::indexer::rebuild(&index, &db, &mut writer, |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })?;
    writer.wait_merging_threads()?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "indexed {documents} needs and capabilities in {seconds:.1} s ({:.0} documents/s) into {}",
        documents as f64 / seconds.max(1e-9),
        index.dir().display()
    );
    Ok(())
}

fn cpv_import(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let (rows, problems) = crate::app::cpv::read_csv(file)?;
    for problem in &problems {
        eprintln!("skipped {}: {problem}", file.display());
    }
    let db = crate::db::open_database(settings)?;
    let mut conn = db.get()?;
    let bar = progress_bar("loading CPV codes");
    bar.set_length(rows.len() as u64);
    crate::db::cpv::replace_all(&mut conn, &rows, |n| bar.inc(n as u64))?;
    bar.finish_and_clear();
    println!(
        "loaded {} CPV codes ({} lines skipped)",
        rows.len(),
        problems.len()
    );
    Ok(())
}

fn notices_import(settings: &Settings, paths: &[PathBuf]) -> anyhow::Result<()> {
    let db = crate::db::open_database(settings)?;
    let mut conn = db.get()?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} importing notices: {pos} read ({per_sec}) {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let report = crate::app::notices::import::import(&mut conn, paths, |r, _| {
        bar.set_position(r.read as u64);
        bar.set_message(format!("{} stored, {} refused", r.stored, r.rejected.len()));
    })?;
    bar.finish_and_clear();
    for r in &report.rejected {
        eprintln!("refused {}: {}", r.source, r.reason);
    }
    println!(
        "read {} notices: {} stored, {} unchanged, {} older versions skipped, {} refused; {} open needs from early-dialogue notices",
        report.read,
        report.stored,
        report.unchanged,
        report.superseded,
        report.rejected.len(),
        report.needs
    );
    let types: Vec<String> = report
        .by_type
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    if !types.is_empty() {
        println!(
            "by notice type: {}; {} running contracts from award notices",
            types.join(", "),
            report.contracts
        );
    }
    Ok(())
}

fn registry_import(settings: &Settings, files: &[PathBuf]) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()))
        .sum::<std::io::Result<u64>>()
        .with_context(|| "cannot read a register file; check the paths")?;
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "importing the register {bar:40} {bytes}/{total_bytes} ({eta} left) {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut sources = Vec::with_capacity(files.len());
    for file in files {
        let handle =
            std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
        sources.push(crate::app::registry::Source {
            name: file.display().to_string(),
            reader: Box::new(bar.wrap_read(handle)),
        });
    }
    let db = crate::db::open_database(settings)?;
    let mut conn = db.get()?;
    let started = std::time::Instant::now();
    let report = crate::app::registry::import(&mut conn, sources, |r| {
        bar.set_message(format!("{} entities read", r.read));
    })
    .map_err(|e| anyhow::anyhow!("{e}; nothing was imported"))?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "read {} entities in {seconds:.1} s: {} new, {} changed, {} unchanged; {} changes applied, {} skipped; {} registered organisations updated",
        report.read,
        report.new,
        report.changed,
        report.unchanged,
        report.updates_applied,
        report.updates_skipped,
        report.organisations_updated
    );
    Ok(())
}

fn create_admin(
    settings: &Settings,
    email: &str,
    name: Option<&str>,
    password: Option<String>,
) -> anyhow::Result<()> {
    let email = crate::domain::Email::parse(email).map_err(|e| anyhow::anyhow!(e.message))?;
    let password = match password {
        Some(p) => p,
        None => {
            eprintln!(
                "Password for {} (at least 12 characters), then Enter:",
                email.as_str()
            );
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let password =
        crate::domain::Password::parse(&password).map_err(|e| anyhow::anyhow!(e.message))?;
    let name = crate::domain::line("name", name.unwrap_or(email.as_str()), 200)
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let db = crate::db::open_database(settings)?;
    let mut conn = db.get()?;
    let account = crate::app::accounts::create_admin(&mut conn, &email, &name, password.hash())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("created administrator {} ({})", account.email, account.id);
    Ok(())
}
