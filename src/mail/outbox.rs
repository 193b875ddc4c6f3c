//! The outbox worker: sends queued emails over SMTP, one thread per process. Every message is
//! claimed before it is sent and marked right after, so a crash resends at most the message that
//! was in flight, and two nodes never send the same one. Temporary failures (4xx replies, refused
//! connections, timeouts) are retried with growing delays; permanent ones (5xx) fail with the
//! reason kept for the buyer.

use std::sync::{mpsc, Arc, Mutex, Weak};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};

use crate::db::{self, dialogues as q, Db, DbConn};
use crate::settings::{Settings, SmtpTls};

/// How long a claimed message is reserved for the worker that claimed it.
const CLAIM: chrono::TimeDelta = chrono::TimeDelta::seconds(60);
/// Each send's limit (connecting, and every read and write of the conversation).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Temporary failures after which a message is given up.
const MAX_ATTEMPTS: i64 = 12;
/// Messages that go to an invitee only after its invitation was delivered.
pub const FOLLOW_UPS: &[&str] = &["answer_published", "reminder", "update", "cancellation"];
/// Why a follow-up was not sent; resending the invitation queues it again.
pub const WITHHELD: &str =
    "withheld: the invitation to this address was not delivered; resending the invitation sends this too";
/// Why an invitation email was not sent: its event was cancelled while it waited in the queue.
pub const WITHDRAWN: &str = "withdrawn: the event was cancelled before this invitation was sent";
/// How long a follow-up waits for its invitation to be delivered before it looks again.
const WAIT_FOR_INVITATION: chrono::TimeDelta = chrono::TimeDelta::seconds(1);
/// How long the worker sleeps when nobody wakes it.
const POLL: Duration = Duration::from_millis(500);

/// The handle that wakes the worker when mail is queued.
#[derive(Default)]
pub struct Mailer {
    kick: Mutex<Option<mpsc::Sender<()>>>,
    stopping: Arc<std::sync::atomic::AtomicBool>,
    worker: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Mailer {
    /// Wakes the worker.
    pub fn notify(&self) {
        if let Some(tx) = self.kick.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let _ = tx.send(());
        }
    }

    /// Stops the worker after the messages it is sending: none is taken after this, and each
    /// in flight is finished and marked, so a stop never sends one twice. Waits at most `within`
    /// (the SMTP timeout bounds each send); returns whether the worker ended in time.
    pub fn shutdown(&self, within: Duration) -> bool {
        self.stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
        // Dropping the sender wakes a waiting worker at once.
        self.kick.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some(worker) = self.worker.lock().unwrap_or_else(|e| e.into_inner()).take() else {
            return true;
        };
        let until = std::time::Instant::now() + within;
        while !worker.is_finished() {
            if std::time::Instant::now() > until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = worker.join();
        true
    }
}

/// The delay before attempt `attempts + 1`: 1, 2, 4 … seconds, at most five minutes.
pub fn backoff(attempts: i64) -> chrono::TimeDelta {
    chrono::TimeDelta::seconds(1i64 << attempts.clamp(0, 10)).min(chrono::TimeDelta::minutes(5))
}

fn transport(settings: &Settings) -> anyhow::Result<SmtpTransport> {
    let smtp = &settings.smtp;
    let mut builder = SmtpTransport::builder_dangerous(smtp.host.clone())
        .port(smtp.port)
        .timeout(Some(SEND_TIMEOUT))
        .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(PARALLEL as u32));
    builder = match smtp.tls {
        SmtpTls::None => builder.tls(Tls::None),
        SmtpTls::StartTls => builder.tls(Tls::Required(TlsParameters::new(smtp.host.clone())?)),
        SmtpTls::Tls => builder.tls(Tls::Wrapper(TlsParameters::new(smtp.host.clone())?)),
    };
    if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
    }
    Ok(builder.build())
}

/// Work the owner wants done before each round of sending, such as queueing reminders.
pub type BeforeRound = Box<dyn Fn(&mut DbConn) -> anyhow::Result<()> + Send>;

/// Starts the worker. It stops when the mailer handle is dropped. `before_round` runs before each
/// round, so that what it queues goes out in that round.
pub fn start(
    mailer: &Arc<Mailer>,
    db: Db,
    settings: Settings,
    before_round: impl Fn(&mut DbConn) -> anyhow::Result<()> + Send + 'static,
) -> anyhow::Result<()> {
    let before_round: BeforeRound = Box::new(before_round);
    let (tx, rx) = mpsc::channel();
    *mailer.kick.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx);
    let weak = Arc::downgrade(mailer);
    let stopping = mailer.stopping.clone();
    let transport = transport(&settings)?;
    let from: Mailbox = settings.mail_from.parse()?;
    let worker = std::thread::Builder::new()
        .name("outbox".into())
        .spawn(move || run(weak, db, transport, from, rx, before_round, stopping))?;
    *mailer.worker.lock().unwrap_or_else(|e| e.into_inner()) = Some(worker);
    Ok(())
}

fn run(
    weak: Weak<Mailer>,
    db: Db,
    transport: SmtpTransport,
    from: Mailbox,
    rx: mpsc::Receiver<()>,
    before_round: BeforeRound,
    stopping: Arc<std::sync::atomic::AtomicBool>,
) {
    let stop = || stopping.load(std::sync::atomic::Ordering::SeqCst);
    loop {
        match rx.recv_timeout(POLL) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        }
        if weak.upgrade().is_none() || stop() {
            return;
        }
        if let Ok(mut conn) = db.get() {
            if let Err(e) = before_round(&mut conn) {
                tracing::warn!(error = format!("{e:#}"), "cannot prepare the round");
            }
        }
        // Send until nothing is due, then wait again.
        loop {
            if stop() {
                return;
            }
            match send_due(&db, &transport, &from, &stopping) {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "the outbox worker failed; retrying"
                    );
                    break;
                }
            }
        }
    }
}

/// How many messages are sent at once. lettre writes a message in several small writes, so one
/// connection waits on TCP acknowledgements between messages; parallel connections from the pool
/// keep the server busy. At most this many can be in flight when the process dies.
const PARALLEL: usize = 16;

/// Sends what is due now, on up to [`PARALLEL`] connections, taking no new message once
/// `stopping` is set. Returns how many it tried.
pub fn send_due(
    db: &Db,
    transport: &SmtpTransport,
    from: &Mailbox,
    stopping: &std::sync::atomic::AtomicBool,
) -> anyhow::Result<usize> {
    let due = {
        let mut conn = db.get()?;
        q::due(&mut conn, db::now(), 200)?
    };
    if due.is_empty() {
        return Ok(0);
    }
    let queue = Mutex::new(due.into_iter());
    let tried = std::sync::atomic::AtomicUsize::new(0);
    let errors: Mutex<Vec<anyhow::Error>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| loop {
                if stopping.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                let Some(message) = next else { return };
                match send_one(db, transport, from, &message) {
                    Ok(true) => {
                        tried.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    Ok(false) => {}
                    Err(e) => errors.lock().unwrap_or_else(|e| e.into_inner()).push(e),
                }
            });
        }
    });
    if let Some(e) = errors
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .next()
    {
        return Err(e);
    }
    Ok(tried.into_inner())
}

/// Claims, sends and marks one message. Returns false when another worker had it. A database
/// connection is held only around the claim and the mark, never during the SMTP conversation,
/// so sending never starves the web requests of connections.
fn send_one(
    db: &Db,
    transport: &SmtpTransport,
    from: &Mailbox,
    message: &q::OutboxRow,
) -> anyhow::Result<bool> {
    {
        let mut conn = db.get()?;
        let now = db::now();
        if !q::claim(&mut conn, &message.id, now, now + CLAIM)? {
            return Ok(false);
        }
        // An address may have unsubscribed after the message was queued; confirmations of the
        // supplier's own answers still go, and so do notifications, which an account switches
        // off kind by kind itself.
        if !matches!(message.kind.as_str(), "confirmation" | "notification")
            && q::is_unsubscribed(&mut conn, &message.recipient)?
        {
            q::mark_attempt_failed(&mut conn, &message.id, "the address has unsubscribed", None)?;
            return Ok(true);
        }
        // Answers and reminders belong to an invitation: they go only once it has arrived, so
        // nobody hears of questions about an event it was never told of.
        if FOLLOW_UPS.contains(&message.kind.as_str()) {
            let invitation = match message.invitation_id.as_deref() {
                Some(id) => q::invitation(&mut conn, id)?,
                None => None,
            };
            match invitation.as_ref().map(|i| i.status.as_str()) {
                Some("failed") => {
                    q::mark_attempt_failed(&mut conn, &message.id, WITHHELD, None)?;
                    return Ok(true);
                }
                // A withdrawn invitation never went, so nothing may follow it either.
                Some("withdrawn") => {
                    q::mark_withdrawn(&mut conn, &message.id, WITHDRAWN)?;
                    return Ok(true);
                }
                Some("queued") => {
                    q::postpone(&mut conn, &message.id, now + WAIT_FOR_INVITATION)?;
                    return Ok(true);
                }
                _ => {}
            }
        }
    }
    let finish = |outcome: Result<(), (String, bool)>| -> anyhow::Result<bool> {
        let mut conn = db.get()?;
        match outcome {
            // One transaction: a process that dies between the two must not leave a delivered
            // invitation showing as queued.
            Ok(()) => db::write_tx(&mut conn, |conn| {
                q::mark_sent(conn, &message.id)?;
                if let (Some(inv), "invitation") = (&message.invitation_id, message.kind.as_str()) {
                    q::set_invitation_status(
                        conn,
                        inv,
                        "sent",
                        None,
                        &["answered", "unsubscribed"],
                    )?;
                }
                Ok::<_, diesel::result::Error>(())
            })?,
            Err((reason, true)) => {
                db::write_tx(&mut conn, |conn| {
                    q::mark_attempt_failed(conn, &message.id, &reason, None)?;
                    fail_invitation(conn, message.invitation_id.as_deref(), message, &reason)
                })?;
                tracing::warn!(id = %message.id, %reason, "email failed for good");
            }
            Err((reason, false)) if message.attempts + 1 >= MAX_ATTEMPTS => {
                let reason = format!("gave up after {MAX_ATTEMPTS} attempts: {reason}");
                db::write_tx(&mut conn, |conn| {
                    q::mark_attempt_failed(conn, &message.id, &reason, None)?;
                    fail_invitation(conn, message.invitation_id.as_deref(), message, &reason)
                })?;
            }
            Err((reason, false)) => {
                let retry_at = db::now() + backoff(message.attempts);
                q::mark_attempt_failed(
                    &mut conn,
                    &message.id,
                    &format!("temporary failure, retrying: {reason}"),
                    Some(retry_at),
                )?;
                // The buyer sees why the invitation still waits.
                if let (Some(inv), "invitation") = (&message.invitation_id, message.kind.as_str()) {
                    q::set_invitation_status(
                        &mut conn,
                        inv,
                        "queued",
                        Some(&format!("retrying: {reason}")),
                        &["answered", "unsubscribed", "sent", "withdrawn"],
                    )?;
                }
            }
        }
        Ok(true)
    };
    let Some(body) = &message.body else {
        return finish(Err(("the message body is missing".into(), true)));
    };
    let envelope = message
        .recipient
        .parse()
        .map_err(anyhow::Error::from)
        .and_then(|to| {
            Envelope::new(Some(from.email.clone()), vec![to]).map_err(anyhow::Error::from)
        });
    let envelope = match envelope {
        Ok(e) => e,
        Err(e) => {
            return finish(Err((
                format!("bad address {}: {e}", message.recipient),
                true,
            )))
        }
    };
    match transport.send_raw(&envelope, body.as_bytes()) {
        Ok(_) => finish(Ok(())),
        Err(e) if e.is_permanent() => {
            finish(Err((format!("the mail server refused it: {e}"), true)))
        }
        Err(e) => finish(Err((e.to_string(), false))),
    }
}

/// Marks the invitation failed when its invitation email (not a reminder or answer) failed.
fn fail_invitation(
    conn: &mut db::DbConn,
    invitation: Option<&str>,
    message: &q::OutboxRow,
    reason: &str,
) -> diesel::QueryResult<()> {
    match invitation {
        Some(id) if message.kind == "invitation" => q::set_invitation_status(
            conn,
            id,
            "failed",
            Some(reason),
            &["answered", "unsubscribed", "withdrawn"],
        ),
        _ => Ok(()),
    }
}

/// The kind of a recorded failure, so that pages can say it in the reader's words beside the
/// mail server's own reply: `refused`, `gave_up`, `bad_address`, `retrying`, `unsubscribed`,
/// `withheld`, `withdrawn` or `other`.
pub fn failure_kind(reason: &str) -> &'static str {
    if reason.starts_with("the mail server refused it") {
        "refused"
    } else if reason.starts_with("gave up after") {
        "gave_up"
    } else if reason.starts_with("bad address") {
        "bad_address"
    } else if reason.starts_with("retrying") || reason.starts_with("temporary failure") {
        "retrying"
    } else if reason.contains("unsubscribed") || reason.contains("no more invitations") {
        "unsubscribed"
    } else if reason.starts_with("withheld") {
        "withheld"
    } else if reason.starts_with("withdrawn") {
        "withdrawn"
    } else {
        "other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stop_at_five_minutes() {
        assert_eq!(backoff(0), chrono::TimeDelta::seconds(1));
        assert_eq!(backoff(3), chrono::TimeDelta::seconds(8));
        assert_eq!(backoff(50), chrono::TimeDelta::minutes(5));
    }

    #[test]
    fn each_recorded_failure_has_a_kind_the_pages_can_word() {
        assert_eq!(
            failure_kind("the mail server refused it: permanent error (550): no such user"),
            "refused"
        );
        assert_eq!(
            failure_kind("gave up after 12 attempts: timed out"),
            "gave_up"
        );
        assert_eq!(failure_kind("bad address x@: invalid"), "bad_address");
        assert_eq!(failure_kind("retrying: connection refused"), "retrying");
        assert_eq!(failure_kind("the address has unsubscribed"), "unsubscribed");
        assert_eq!(failure_kind(WITHHELD), "withheld");
        assert_eq!(failure_kind(WITHDRAWN), "withdrawn");
        assert_eq!(failure_kind("the message body is missing"), "other");
    }
}
