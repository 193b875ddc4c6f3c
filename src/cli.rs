//! The command line: `innolift serve | migrate | admin create`.

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
    Serve,
    /// Apply database migrations and exit
    Migrate,
    /// Programme administration
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
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
        Command::Serve => serve(settings),
        Command::Migrate => migrate(&settings),
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
        let app = crate::startup::Application::build(settings).await?;
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = crate::db::Db::connect(&settings.database_url, 1)?;
    let mut conn = db.get()?;
    let applied = crate::db::run_migrations(&mut conn)?;
    println!(
        "{applied} migration(s) applied to the {} database; the schema is current",
        db.backend().name()
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
    let name = crate::domain::text("name", name.unwrap_or(email.as_str()), 200)
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let db = crate::startup::open_database(settings)?;
    let mut conn = db.get()?;
    let account = crate::accounts::create_admin(&mut conn, &email, &name, password.hash())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("created administrator {} ({})", account.email, account.id);
    Ok(())
}
