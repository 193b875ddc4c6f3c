//! The mail benchmark: queues invitations for 10,000 suppliers and sends them to a local SMTP
//! server (aiosmtpd's Sink, from PyPI). Prints the enqueue time and the delivery rate.
//!
//! Run with `cargo bench --bench mail` (needs `pip install aiosmtpd`), or
//! `cargo bench --bench mail -- 2000` for another count.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use innolift::app::dialogues::invitations::Invitees;
use innolift::app::dialogues::{self, NewDialogue};
use innolift::app::processes::{self, NewProcess};
use innolift::auth::tokens::TokenKeys;
use innolift::caller::Caller;
use innolift::db::organisations::OrganisationRow;
use innolift::search::SearchIndex;
use innolift::settings::Settings;

fn orgnr(seed: u32) -> String {
    let weights = [3, 2, 7, 6, 5, 4, 3, 2];
    let mut n = 70_000_000 + seed * 3;
    loop {
        let digits: Vec<u32> = format!("{n:08}")
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .collect();
        let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
        match 11 - sum % 11 {
            10 => n += 1,
            11 => return format!("{n:08}0"),
            d => return format!("{n:08}{d}"),
        }
    }
}

fn org(kind: &str, nr: String, email: Option<String>) -> OrganisationRow {
    let now = innolift::db::now();
    OrganisationRow {
        id: innolift::db::new_id(),
        kind: kind.into(),
        search_key: nr.clone(),
        name: format!("Org {nr}"),
        orgnr: nr,
        website: None,
        contact_email: email,
        sector: (kind == "buyer").then(|| "municipality".into()),
        county: Some("46".into()),
        size: None,
        created_at: now,
        updated_at: now,
        verified_at: None,
        approval: "approved".to_owned(),
        approved_by: None,
        ended: None,
        form_code: None,
    }
}

fn main() -> anyhow::Result<()> {
    let count: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut smtp = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Sink",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            anyhow::anyhow!("cannot start aiosmtpd ({e}); install it with: pip install aiosmtpd")
        })?;
    let dir = std::env::temp_dir().join(format!(
        "innolift-mailbench-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let mut settings = Settings::for_data_dir(&dir);
    if let Ok(url) = std::env::var("DATABASE_URL") {
        settings.database_url = url;
    }
    settings.smtp.host = "127.0.0.1".into();
    settings.smtp.port = port;
    settings.public_url = "https://innolift.test".into();
    let db = innolift::db::open_database(&settings)?;
    let keys = TokenKeys::load(None, &dir, Duration::from_secs(3600))?;
    let mut conn = db.get()?;

    // A buyer with a process in market dialogue, and `count` suppliers.
    let buyer = org("buyer", orgnr(0), None);
    innolift::db::organisations::insert(&mut conn, &buyer)?;
    let account = innolift::db::accounts::AccountRow::confirmed_owner(
        innolift::db::new_id(),
        "bench@kommune.no",
        "Bench",
        String::new(),
        &buyer.id,
    );
    innolift::db::accounts::insert(&mut conn, &account)?;
    let caller = Caller::of_account(&account)?;
    let need = innolift::app::needs::create(
        &mut conn,
        &caller,
        innolift::app::needs::NeedFields {
            title: "Ferjer".into(),
            description: "Elektriske ferjer.".into(),
            themes: vec!["mobility_transport".into()],
            national: true,
            ..Default::default()
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let process = processes::create(
        &mut conn,
        &caller,
        NewProcess {
            title: "P".into(),
            description: "d".into(),
            need_ids: vec![need.id],
            procedure: "open".into(),
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    processes::move_phase(
        &mut conn,
        &caller,
        &process.id,
        "market_dialogue",
        None,
        None,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let dialogue = dialogues::create(
        &mut conn,
        &caller,
        &process.id,
        NewDialogue {
            kind: "conference".into(),
            title: "Dialogkonferanse".into(),
            agenda: "Agenda".into(),
            starts_at: "2030-03-01T09:00".into(),
            ends_at: "2030-03-01T12:00".into(),
            place: Some("Bergen".into()),
            response_deadline: "2030-02-20T16:00".into(),
            ..Default::default()
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut ids = Vec::new();
    innolift::db::write_tx(&mut conn, |conn| {
        for i in 1..=count {
            let o = org("supplier", orgnr(i), Some(format!("post{i}@lev{i}.no")));
            innolift::db::organisations::insert(conn, &o)?;
            ids.push(o.id);
        }
        Ok::<_, diesel::result::Error>(())
    })?;

    let index = SearchIndex::new(&dir);
    let started = Instant::now();
    let outcomes = dialogues::invitations::invite(
        &mut conn,
        &caller,
        &settings,
        &keys,
        &index,
        &dialogue.id,
        Invitees::Suppliers(ids),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let enqueue = started.elapsed();
    println!(
        "queued {} invitations on {} in {:.2} s ({:.0} per second, each rendered, hashed and written with its invitation)",
        outcomes.len(),
        db.backend().name(),
        enqueue.as_secs_f64(),
        outcomes.len() as f64 / enqueue.as_secs_f64()
    );
    drop(conn);

    // Send with the worker's own function and a pooled SMTP transport.
    let transport = lettre::SmtpTransport::builder_dangerous("127.0.0.1")
        .port(port)
        .timeout(Some(Duration::from_secs(15)))
        .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(16))
        .build();
    let from: lettre::message::Mailbox = settings.mail_from.parse()?;
    let started = Instant::now();
    let mut conn = db.get()?;
    loop {
        innolift::mail::outbox::send_due(&db, &transport, &from, &Default::default())?;
        let (queued, _, _, _) = innolift::db::dialogues::outbox_stats(&mut conn)?;
        if queued == 0 {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "delivery stalled with {queued} queued"
        );
    }
    let took = started.elapsed().as_secs_f64();
    let (queued, failed, _, _) = innolift::db::dialogues::outbox_stats(&mut conn)?;
    let sent = outcomes.len() as i64 - failed - queued;
    println!("delivered {sent} messages in {took:.1} s = {:.0} messages/s (failed {failed}, queued {queued})", sent as f64 / took);
    let _ = smtp.kill();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
