//! The background workers of a process, started with its [`Context`]: the indexer always, the
//! outbox and the daily digest when the settings ask for them. Each worker owns its loop; this
//! module only wires them to the services they call.

use std::sync::Arc;

use anyhow::Context as _;

use super::cpv::CatalogCache;
use super::{dialogues, notices, Context};
use crate::auth::tokens::TokenKeys;
use crate::mail::outbox::Mailer;
use crate::search::{indexer, SearchIndex};
use crate::settings::Settings;

/// Opens the database (migrating it), loads the token keys and starts the workers.
pub async fn start(settings: Settings) -> anyhow::Result<Context> {
    let for_db = settings.clone();
    let db = tokio::task::spawn_blocking(move || crate::db::open_database(&for_db))
        .await
        .context("opening the database panicked")??;
    if settings.load_cpv {
        let db = db.clone();
        let loaded = tokio::task::spawn_blocking(move || {
            let mut conn = db.get()?;
            crate::db::with_start_lock(&mut conn, super::cpv::load_shipped_if_empty)
        })
        .await
        .context("loading the CPV vocabulary panicked")??;
        if loaded > 0 {
            tracing::info!(codes = loaded, "loaded the shipped CPV vocabulary");
        }
    }
    let tokens = TokenKeys::load(
        settings.token_secret.as_ref().map(|s| s.expose()),
        &settings.data_dir,
        settings.token_ttl,
    )?;
    // A faulty word list stops the start here, naming its file and line.
    tokio::task::spawn_blocking(|| {
        crate::search::analysis::check()?;
        // Learnt once, before the first request needs it.
        crate::search::analysis::bilingual_table();
        Ok::<_, crate::search::analysis::lexicon::ListError>(())
    })
    .await
    .context("loading the word lists panicked")?
    .map_err(|e| anyhow::anyhow!("the search index's word lists do not load: {e}"))?;
    let index = SearchIndex::new(&settings.data_dir);
    indexer::start(&index, db.clone());
    let mailer = Arc::new(Mailer::default());
    let ocds = Arc::new(super::ocds::Publisher::default());
    if settings.outbox_worker {
        // Reminders and lottery results are queued by the dialogue services before each round
        // of sending, so the mail worker needs to know nothing of dialogues.
        let (for_reminders, keys) = (settings.clone(), tokens.clone());
        let publisher = ocds.clone();
        // The retention sweep needs no more than an hourly look; any node may run it.
        let last_sweep = std::sync::Mutex::new(None::<std::time::Instant>);
        // Open data follows changes within a minute, not only when someone asks for it.
        let last_publish = std::sync::Mutex::new(None::<std::time::Instant>);
        let before_round = move |conn: &mut crate::db::DbConn| {
            let publish_due = for_reminders.publish_worker && {
                let mut last = last_publish.lock().unwrap_or_else(|p| p.into_inner());
                let due = last.is_none_or(|t| t.elapsed() > std::time::Duration::from_secs(60));
                if due {
                    *last = Some(std::time::Instant::now());
                }
                due
            };
            // A failed publication waits for the next minute; it must not hold up the mail.
            if publish_due {
                match publisher.publish(conn, &for_reminders) {
                    Ok(0) => {}
                    Ok(stored) => tracing::info!(releases = stored, "published OCDS releases"),
                    Err(e) => tracing::warn!(error = %e, "cannot publish the OCDS releases"),
                }
            }
            let due = {
                let mut last = last_sweep.lock().unwrap_or_else(|p| p.into_inner());
                let due = last.is_none_or(|t| t.elapsed() > std::time::Duration::from_secs(3600));
                if due {
                    *last = Some(std::time::Instant::now());
                }
                due
            };
            if due {
                let erased =
                    crate::app::privacy::erase_expired(conn, for_reminders.retention_months)
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                if erased > 0 {
                    tracing::info!(erased, "erased contact details of answers past retention");
                }
                crate::app::limits::purge(conn).map_err(|e| anyhow::anyhow!("{e}"))?;
                // The radar email keeps to a week per buyer itself; an hourly look finds it due.
                // It is scheduled mail like the digest, and goes with it.
                if for_reminders.digest_worker {
                    let radar = crate::app::radar::weekly::queue(conn, &for_reminders)
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    if radar > 0 {
                        tracing::info!(emails = radar, "queued the weekly radar emails");
                    }
                }
            }
            dialogues::invitations::queue_reminders(
                conn,
                &for_reminders,
                &keys,
                for_reminders.reminder_before,
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            // Lotteries run at their deadline here too, so their meetings' emails go out in the
            // same round; the record makes a run on any node the same.
            crate::app::meetings::allocation::allocate_due(conn, &for_reminders, &keys)
                .map(|_| ())
                .map_err(|e| anyhow::anyhow!("{e}"))
        };
        crate::mail::outbox::start(&mailer, db.clone(), settings.clone(), before_round)?;
    }
    if settings.digest_worker {
        notices::digest::start(db.clone(), settings.clone(), &index)?;
    }
    let oidc = match &settings.oidc {
        Some(o) => Some(Arc::new(
            crate::auth::oidc::Provider::new(
                o.clone(),
                format!("{}/login/oidc/callback", settings.public_url),
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        )),
        None => None,
    };
    Ok(Context {
        oidc,
        db,
        settings,
        tokens,
        index,
        cpv: Arc::new(CatalogCache::default()),
        counts: Arc::default(),
        ocds,
        mailer,
    })
}
