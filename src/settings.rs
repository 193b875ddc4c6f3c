//! Layered settings: command-line flags, then the environment, then an optional TOML file, then
//! defaults. The same names work in all three places (`--token-ttl-minutes`,
//! `INNOLIFT_TOKEN_TTL_MINUTES`, `token_ttl_minutes = …`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use serde::Deserialize;

/// Settings as given, before defaults. Used as clap flags (with their environment variables) and
/// as the schema of the TOML file.
#[derive(clap::Args, Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsArgs {
    /// Address to serve HTTP on [default: 127.0.0.1:8080]
    #[arg(long, env = "INNOLIFT_BIND", global = true)]
    pub bind: Option<String>,
    /// Directory for the SQLite database, the search index and the generated token secret
    /// [default: ./var]
    #[arg(long, env = "INNOLIFT_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database: postgres://user@host/db for PostgreSQL, otherwise a SQLite file path
    /// [default: <data-dir>/innolift.db]
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Secret for signing tokens, at least 32 bytes. Set the same value on every node; when
    /// unset, one is generated into <data-dir>/token-secret
    #[arg(
        long,
        env = "INNOLIFT_TOKEN_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub token_secret: Option<Secret>,
    /// How long a sign-in token lasts, in minutes [default: 720]
    #[arg(long, env = "INNOLIFT_TOKEN_TTL_MINUTES", global = true)]
    pub token_ttl_minutes: Option<u64>,
    /// Database connections per process [default: 10]
    #[arg(long, env = "INNOLIFT_DB_POOL_SIZE", global = true)]
    pub db_pool_size: Option<u32>,
    /// Largest accepted request body, in bytes [default: 262144]
    #[arg(long, env = "INNOLIFT_MAX_BODY_BYTES", global = true)]
    pub max_body_bytes: Option<usize>,
    /// Let buyers that innolift cannot verify in a loaded register act without staff approval
    /// (true or false) [default: false]. Only for a closed pilot whose buyers are known
    #[arg(long, env = "INNOLIFT_TRUST_SELF_DECLARED_BUYERS", global = true)]
    pub trust_self_declared_buyers: Option<bool>,
    /// Ask new accounts to confirm their email address by a link before innolift sends to it or
    /// lets them invite (true or false) [default: true]
    #[arg(long, env = "INNOLIFT_CONFIRM_EMAIL", global = true)]
    pub confirm_email: Option<bool>,
    /// OpenID Connect issuer URL for sign-in, such as https://idporten.no (discovery is read from
    /// it); unset means no such sign-in
    #[arg(long, env = "INNOLIFT_OIDC_ISSUER", global = true)]
    pub oidc_issuer: Option<String>,
    /// OpenID Connect client id
    #[arg(long, env = "INNOLIFT_OIDC_CLIENT_ID", global = true)]
    pub oidc_client_id: Option<String>,
    /// OpenID Connect client secret
    #[arg(
        long,
        env = "INNOLIFT_OIDC_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub oidc_client_secret: Option<Secret>,
    /// Scopes to ask for, space-separated [default: openid email profile]
    #[arg(long, env = "INNOLIFT_OIDC_SCOPES", global = true)]
    pub oidc_scopes: Option<String>,
    /// Authentication levels to ask for and accept, space-separated, such as
    /// idporten-loa-substantial [default: none]
    #[arg(long, env = "INNOLIFT_OIDC_ACR_VALUES", global = true)]
    pub oidc_acr_values: Option<String>,
    /// The provider's name on the sign-in button [default: ID-porten]
    #[arg(long, env = "INNOLIFT_OIDC_LABEL", global = true)]
    pub oidc_label: Option<String>,
    /// Whether people may sign in and register with a password (true or false) [default: true]
    #[arg(long, env = "INNOLIFT_PASSWORD_LOGIN", global = true)]
    pub password_login: Option<bool>,
    /// Months after a process is completed that contact details in its dialogue answers are
    /// erased [default: 24]
    #[arg(long, env = "INNOLIFT_RETENTION_MONTHS", global = true)]
    pub retention_months: Option<u32>,
    /// Largest accepted document file, in bytes [default: 20971520, 20 MiB]
    #[arg(long, env = "INNOLIFT_MAX_DOCUMENT_BYTES", global = true)]
    pub max_document_bytes: Option<u64>,
    /// Failed sign-ins allowed per account in 15 minutes [default: 5]
    #[arg(long, env = "INNOLIFT_LOGIN_MAX_FAILURES_PER_ACCOUNT", global = true)]
    pub login_max_failures_per_account: Option<u32>,
    /// Failed sign-ins allowed per client address in 15 minutes [default: 20]
    #[arg(long, env = "INNOLIFT_LOGIN_MAX_FAILURES_PER_ADDRESS", global = true)]
    pub login_max_failures_per_address: Option<u32>,
    /// SMTP server for outgoing mail [default: localhost]
    #[arg(long, env = "INNOLIFT_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,
    /// SMTP port [default: 25 with tls none, 587 with starttls, 465 with tls]
    #[arg(long, env = "INNOLIFT_SMTP_PORT", global = true)]
    pub smtp_port: Option<u16>,
    /// SMTP transport security: none, starttls or tls [default: none]
    #[arg(long, env = "INNOLIFT_SMTP_TLS", global = true)]
    pub smtp_tls: Option<String>,
    /// SMTP user name, if the server wants one
    #[arg(long, env = "INNOLIFT_SMTP_USERNAME", global = true)]
    pub smtp_username: Option<String>,
    /// SMTP password
    #[arg(
        long,
        env = "INNOLIFT_SMTP_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    pub smtp_password: Option<Secret>,
    /// The sender of outgoing mail [default: innolift <noreply@localhost>]
    #[arg(long, env = "INNOLIFT_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Hours before an answer deadline when the one reminder goes to invitees who have not
    /// answered [default: 48]
    #[arg(long, env = "INNOLIFT_REMINDER_HOURS", global = true)]
    pub reminder_hours: Option<i64>,
    /// The programme's targets, as a `[targets]` table in the settings file only.
    #[arg(skip)]
    #[serde(default)]
    pub targets: Option<Targets>,
    /// The public address of the service, the base of links in emails [default: http://<bind>]
    #[arg(long, env = "INNOLIFT_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses or networks,
    /// comma-separated, such as 127.0.0.1,10.0.0.0/8 [default: none]
    #[arg(long, env = "INNOLIFT_TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
    /// Seconds a client has to send a whole request body (408 after) [default: 120]
    #[arg(long, env = "INNOLIFT_BODY_TIMEOUT_SECS", global = true)]
    pub body_timeout_secs: Option<u64>,
    /// Seconds a whole request may take, body and answer included (503 after) [default: 300]
    #[arg(long, env = "INNOLIFT_REQUEST_TIMEOUT_SECS", global = true)]
    pub request_timeout_secs: Option<u64>,
    /// Seconds a client has to send a request's headers [default: 10]
    #[arg(long, env = "INNOLIFT_HEADER_TIMEOUT_SECS", global = true)]
    pub header_timeout_secs: Option<u64>,
    /// Seconds an idle connection is kept open [default: 15]
    #[arg(long, env = "INNOLIFT_KEEP_ALIVE_SECS", global = true)]
    pub keep_alive_secs: Option<u64>,
    /// Most connections open at once, per worker thread [default: 5000]
    #[arg(long, env = "INNOLIFT_MAX_CONNECTIONS", global = true)]
    pub max_connections: Option<usize>,
    /// Bearer token that `GET /metrics` asks for; without it, /metrics is off (404)
    #[arg(long, env = "INNOLIFT_METRICS_TOKEN", global = true)]
    pub metrics_token: Option<Secret>,
    /// Seconds the search index may lag behind the database before /readyz fails [default: 30]
    #[arg(long, env = "INNOLIFT_READY_MAX_INDEX_LAG_SECS", global = true)]
    pub ready_max_index_lag_secs: Option<u64>,
    /// The OCDS prefix of the open-data identifiers (ocid), as registered with the Open
    /// Contracting Partnership: `ocds-` and six letters or digits [default: ocds-innlft]
    #[arg(long, env = "INNOLIFT_OCDS_PREFIX", global = true)]
    pub ocds_prefix: Option<String>,
    /// Log filter, e.g. "info" or "innolift=debug,tantivy=info" [default: info,tantivy=warn]
    #[arg(long, env = "INNOLIFT_LOG", global = true)]
    pub log: Option<String>,
}

impl SettingsArgs {
    /// Fills what `self` leaves unset from `lower`.
    pub fn or(self, lower: SettingsArgs) -> SettingsArgs {
        SettingsArgs {
            bind: self.bind.or(lower.bind),
            data_dir: self.data_dir.or(lower.data_dir),
            database_url: self.database_url.or(lower.database_url),
            token_secret: self.token_secret.or(lower.token_secret),
            token_ttl_minutes: self.token_ttl_minutes.or(lower.token_ttl_minutes),
            db_pool_size: self.db_pool_size.or(lower.db_pool_size),
            max_body_bytes: self.max_body_bytes.or(lower.max_body_bytes),
            max_document_bytes: self.max_document_bytes.or(lower.max_document_bytes),
            trust_self_declared_buyers: self
                .trust_self_declared_buyers
                .or(lower.trust_self_declared_buyers),
            retention_months: self.retention_months.or(lower.retention_months),
            confirm_email: self.confirm_email.or(lower.confirm_email),
            oidc_issuer: self.oidc_issuer.or(lower.oidc_issuer),
            oidc_client_id: self.oidc_client_id.or(lower.oidc_client_id),
            oidc_client_secret: self.oidc_client_secret.or(lower.oidc_client_secret),
            oidc_scopes: self.oidc_scopes.or(lower.oidc_scopes),
            oidc_acr_values: self.oidc_acr_values.or(lower.oidc_acr_values),
            oidc_label: self.oidc_label.or(lower.oidc_label),
            password_login: self.password_login.or(lower.password_login),
            login_max_failures_per_account: self
                .login_max_failures_per_account
                .or(lower.login_max_failures_per_account),
            login_max_failures_per_address: self
                .login_max_failures_per_address
                .or(lower.login_max_failures_per_address),
            log: self.log.or(lower.log),
            ocds_prefix: self.ocds_prefix.or(lower.ocds_prefix),
            smtp_host: self.smtp_host.or(lower.smtp_host),
            smtp_port: self.smtp_port.or(lower.smtp_port),
            smtp_tls: self.smtp_tls.or(lower.smtp_tls),
            smtp_username: self.smtp_username.or(lower.smtp_username),
            smtp_password: self.smtp_password.or(lower.smtp_password),
            mail_from: self.mail_from.or(lower.mail_from),
            public_url: self.public_url.or(lower.public_url),
            trusted_proxies: self.trusted_proxies.or(lower.trusted_proxies),
            body_timeout_secs: self.body_timeout_secs.or(lower.body_timeout_secs),
            header_timeout_secs: self.header_timeout_secs.or(lower.header_timeout_secs),
            request_timeout_secs: self.request_timeout_secs.or(lower.request_timeout_secs),
            keep_alive_secs: self.keep_alive_secs.or(lower.keep_alive_secs),
            max_connections: self.max_connections.or(lower.max_connections),
            metrics_token: self.metrics_token.or(lower.metrics_token),
            ready_max_index_lag_secs: self
                .ready_max_index_lag_secs
                .or(lower.ready_max_index_lag_secs),
            reminder_hours: self.reminder_hours.or(lower.reminder_hours),
            targets: self.targets.or(lower.targets),
        }
    }

    /// Reads a TOML settings file.
    pub fn from_file(path: &Path) -> anyhow::Result<SettingsArgs> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read settings file {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("settings file {} is not valid", path.display()))
    }

    /// Applies defaults and checks values.
    pub fn resolve(self) -> anyhow::Result<Settings> {
        let data_dir = self.data_dir.unwrap_or_else(|| PathBuf::from("./var"));
        let database_url = self
            .database_url
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| data_dir.join("innolift.db").to_string_lossy().into_owned());
        if let Some(secret) = &self.token_secret {
            anyhow::ensure!(
                secret.expose().len() >= 32,
                "token_secret must be at least 32 bytes (256 bits); generate one with: openssl rand -hex 32"
            );
        }
        let ttl = self.token_ttl_minutes.unwrap_or(720);
        anyhow::ensure!(
            (1..=525_600).contains(&ttl),
            "token_ttl_minutes must be between 1 and 525600 (a year)"
        );
        let smtp_tls = match self.smtp_tls.as_deref().map(str::trim).unwrap_or("none") {
            "none" => SmtpTls::None,
            "starttls" => SmtpTls::StartTls,
            "tls" => SmtpTls::Tls,
            other => anyhow::bail!("smtp_tls is {other}; use none, starttls or tls"),
        };
        let smtp_port = self.smtp_port.unwrap_or(match smtp_tls {
            SmtpTls::None => 25,
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
        });
        let bind = self.bind.unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let mail_from = self
            .mail_from
            .unwrap_or_else(|| "innolift <noreply@localhost>".to_owned());
        anyhow::ensure!(
            mail_from.parse::<lettre::message::Mailbox>().is_ok(),
            "mail_from is not an address like: innolift <noreply@example.no>"
        );
        let public_url = self
            .public_url
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        anyhow::ensure!(
            url::Url::parse(&public_url).is_ok(),
            "public_url must be an address like https://innolift.example.no"
        );
        let oidc = match self.oidc_issuer.filter(|i| !i.trim().is_empty()) {
            Some(issuer) => {
                anyhow::ensure!(
                    url::Url::parse(&issuer).is_ok(),
                    "oidc_issuer must be a URL like https://idporten.no"
                );
                let client_id = self
                    .oidc_client_id
                    .filter(|c| !c.trim().is_empty())
                    .ok_or_else(|| {
                        anyhow::anyhow!("oidc_issuer is set, so oidc_client_id is needed too")
                    })?;
                Some(OidcSettings {
                    issuer: issuer.trim().to_owned(),
                    client_id,
                    client_secret: self.oidc_client_secret.unwrap_or_default(),
                    scopes: self
                        .oidc_scopes
                        .unwrap_or_else(|| "openid email profile".to_owned()),
                    acr_values: self.oidc_acr_values.unwrap_or_default(),
                    label: self.oidc_label.unwrap_or_else(|| "ID-porten".to_owned()),
                })
            }
            None => None,
        };
        let password_login = self.password_login.unwrap_or(true);
        anyhow::ensure!(
            password_login || oidc.is_some(),
            "password_login is off, so oidc_issuer must be set, or nobody can sign in"
        );
        let trusted_proxies = crate::domain::network::Network::parse_list(
            self.trusted_proxies.as_deref().unwrap_or(""),
        )
        .map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))?;
        let ocds_prefix = self
            .ocds_prefix
            .unwrap_or_else(|| "ocds-innlft".to_owned())
            .trim()
            .to_owned();
        anyhow::ensure!(
            ocds_prefix.len() == 11
                && ocds_prefix.starts_with("ocds-")
                && ocds_prefix[5..]
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
            "ocds_prefix must be ocds- and six lowercase letters or digits, like ocds-innlft"
        );
        Ok(Settings {
            ocds_prefix,
            trusted_proxies,
            body_timeout: Duration::from_secs(self.body_timeout_secs.unwrap_or(120).max(1)),
            header_timeout: Duration::from_secs(self.header_timeout_secs.unwrap_or(10).max(1)),
            request_timeout: Duration::from_secs(self.request_timeout_secs.unwrap_or(300).max(1)),
            keep_alive: Duration::from_secs(self.keep_alive_secs.unwrap_or(15)),
            max_connections: self.max_connections.unwrap_or(5000).max(1),
            metrics_token: self.metrics_token.filter(|t| !t.expose().is_empty()),
            ready_max_index_lag: Duration::from_secs(self.ready_max_index_lag_secs.unwrap_or(30)),
            oidc,
            password_login,
            smtp: SmtpSettings {
                host: self.smtp_host.unwrap_or_else(|| "localhost".to_owned()),
                port: smtp_port,
                tls: smtp_tls,
                username: self.smtp_username,
                password: self.smtp_password,
            },
            mail_from,
            public_url,
            reminder_before: chrono::TimeDelta::hours(
                self.reminder_hours.unwrap_or(48).clamp(0, 24 * 60),
            ),
            outbox_worker: true,
            digest_worker: true,
            publish_worker: true,
            load_cpv: true,
            targets: self.targets.unwrap_or_default(),
            bind,
            data_dir,
            database_url,
            token_secret: self.token_secret,
            token_ttl: Duration::from_secs(ttl * 60),
            db_pool_size: self.db_pool_size.unwrap_or(10).max(1),
            max_body_bytes: self.max_body_bytes.unwrap_or(256 * 1024),
            max_document_bytes: self.max_document_bytes.unwrap_or(20 * 1024 * 1024),
            trust_self_declared_buyers: self.trust_self_declared_buyers.unwrap_or(false),
            retention_months: self.retention_months.unwrap_or(24).max(1),
            confirm_email: self.confirm_email.unwrap_or(true),
            login_max_failures_per_account: self.login_max_failures_per_account.unwrap_or(5),
            login_max_failures_per_address: self.login_max_failures_per_address.unwrap_or(20),
            login_window: Duration::from_secs(15 * 60),
            log: self.log.unwrap_or_else(|| "info,tantivy=warn".to_owned()),
        })
    }
}

/// An OpenID Connect provider to sign in with, such as ID-porten.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The issuer URL; discovery is read from `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
    /// Scopes, space-separated.
    pub scopes: String,
    /// Authentication levels to ask for and accept, space-separated; empty for any.
    pub acr_values: String,
    /// The provider's name on the sign-in button.
    pub label: String,
}

/// A value that must never be printed, such as the token secret or the SMTP password: its
/// `Debug` shows `[redacted]`, so settings can be logged whole.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_owned())
    }
}

/// Settings in force.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to serve on.
    pub bind: String,
    /// Where the SQLite file, the index and generated secrets live.
    pub data_dir: PathBuf,
    /// The database URL (PostgreSQL) or path (SQLite).
    pub database_url: String,
    /// The token secret, when configured.
    pub token_secret: Option<Secret>,
    /// Token lifetime.
    pub token_ttl: Duration,
    /// Pool size.
    pub db_pool_size: u32,
    /// Body size limit.
    pub max_body_bytes: usize,
    /// Largest accepted document file, in bytes.
    pub max_document_bytes: u64,
    /// Whether a buyer that no loaded register verifies acts without staff approval.
    pub trust_self_declared_buyers: bool,
    /// Months after a process's completion that contact details in its answers are erased.
    pub retention_months: u32,
    /// Whether new accounts confirm their email address by a link.
    pub confirm_email: bool,
    /// Sign-in with an OpenID Connect provider, when configured.
    pub oidc: Option<OidcSettings>,
    /// Whether people may sign in and register with a password.
    pub password_login: bool,
    /// Failed sign-ins per account per window.
    pub login_max_failures_per_account: u32,
    /// Failed sign-ins per client address per window.
    pub login_max_failures_per_address: u32,
    /// The window for the two limits above.
    pub login_window: Duration,
    /// Log filter.
    pub log: String,
    /// Outgoing mail server.
    pub smtp: SmtpSettings,
    /// The sender of outgoing mail.
    pub mail_from: String,
    /// The base of links in emails, without a trailing slash.
    pub public_url: String,
    /// Time to send a whole request body.
    pub body_timeout: Duration,
    /// Time to send a request's headers.
    pub header_timeout: Duration,
    /// Time a whole request may take.
    pub request_timeout: Duration,
    /// How long an idle connection stays open.
    pub keep_alive: Duration,
    /// Most open connections per worker.
    pub max_connections: usize,
    /// The bearer token of `/metrics`; `None` turns it off.
    pub metrics_token: Option<Secret>,
    /// How far the index may lag behind the database while the node reports ready.
    pub ready_max_index_lag: Duration,
    /// Proxies whose forwarded headers are believed.
    pub trusted_proxies: Vec<crate::domain::network::Network>,
    /// The prefix of OCDS identifiers.
    pub ocds_prefix: String,
    /// How long before an answer deadline the reminder goes.
    pub reminder_before: chrono::TimeDelta,
    /// Whether this process sends the outbox (tests turn it off to control who sends).
    pub outbox_worker: bool,
    /// The programme's targets for the indicators.
    pub targets: Targets,
    /// Whether this process publishes the OCDS releases of what changed, every minute (tests
    /// turn it off, to see releases made only by their own requests).
    pub publish_worker: bool,
    /// Whether this process sends the daily digest and the weekly radar email (tests turn it
    /// off).
    pub digest_worker: bool,
    /// Whether a database without a CPV vocabulary gets the shipped one at start (tests that do
    /// not need it turn this off, to start faster).
    pub load_cpv: bool,
}

/// The programme's targets; each can be changed in the settings file's `[targets]` table.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Targets {
    pub joint_processes: f64,
    pub innovation_lifts: f64,
    pub suppliers_taking_part: f64,
    pub clusters_matchmaking: f64,
    pub innovation_friendly_buyers: f64,
    pub counties_and_cities: f64,
    pub solutions_spread: f64,
    pub procurements_of_innovation: f64,
    pub buyers_with_procurement_of_innovation: f64,
    pub early_dialogue_share: f64,
    pub procurement_of_innovation_share: f64,
}

impl Default for Targets {
    fn default() -> Targets {
        Targets {
            joint_processes: 25.0,
            innovation_lifts: 5.0,
            suppliers_taking_part: 10_000.0,
            clusters_matchmaking: 7.0,
            innovation_friendly_buyers: 200.0,
            counties_and_cities: 20.0,
            solutions_spread: 20.0,
            procurements_of_innovation: 100.0,
            buyers_with_procurement_of_innovation: 40.0,
            early_dialogue_share: 0.05,
            procurement_of_innovation_share: 0.01,
        }
    }
}

/// SMTP transport security.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP (a local relay).
    None,
    /// Upgrade with STARTTLS.
    StartTls,
    /// TLS from the start (SMTPS).
    Tls,
}

/// How to reach the SMTP server.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<Secret>,
}

impl Settings {
    /// The host of the public address, for the `Message-ID`s of the emails sent.
    pub fn mail_host(&self) -> String {
        url::Url::parse(&self.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "innolift".into())
    }

    /// Defaults for a data directory, as used by tests and embedders.
    pub fn for_data_dir(data_dir: &Path) -> Settings {
        SettingsArgs {
            data_dir: Some(data_dir.to_owned()),
            ..Default::default()
        }
        .resolve()
        .expect("defaults are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let flags = SettingsArgs {
            bind: Some("0.0.0.0:9000".into()),
            ..Default::default()
        };
        let file: SettingsArgs =
            toml::from_str("bind = \"127.0.0.1:1\"\ntoken_ttl_minutes = 5\n").unwrap();
        let s = flags.or(file).resolve().unwrap();
        assert_eq!(s.bind, "0.0.0.0:9000");
        assert_eq!(s.token_ttl, Duration::from_secs(300));
        assert_eq!(s.db_pool_size, 10);
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let args = SettingsArgs {
            token_secret: Some("a-token-secret-of-at-least-32-bytes!!".into()),
            smtp_password: Some("hunter2-smtp".into()),
            ..Default::default()
        };
        let settings = args.clone().resolve().unwrap();
        for printed in [format!("{args:?}"), format!("{settings:?}")] {
            assert!(!printed.contains("a-token-secret"), "{printed}");
            assert!(!printed.contains("hunter2"), "{printed}");
            assert!(printed.contains("[redacted]"), "{printed}");
        }
        assert_eq!(
            settings.token_secret.as_ref().map(Secret::expose),
            Some("a-token-secret-of-at-least-32-bytes!!")
        );
    }

    #[test]
    fn the_default_database_is_sqlite_in_the_data_dir() {
        let s = Settings::for_data_dir(Path::new("/tmp/x"));
        assert_eq!(s.database_url, "/tmp/x/innolift.db");
    }

    #[test]
    fn unknown_file_keys_and_short_secrets_are_refused() {
        assert!(toml::from_str::<SettingsArgs>("bnid = \"x\"").is_err());
        let short = SettingsArgs {
            token_secret: Some("short".into()),
            ..Default::default()
        };
        assert!(short
            .resolve()
            .unwrap_err()
            .to_string()
            .contains("32 bytes"));
    }
}
