//! The one error type of the core: what went wrong in a service, in terms a caller can act on.
//!
//! The services return [`AppError`]; they know nothing of HTTP. Each front door maps it once:
//! the JSON API to a status code and its error body (`http::api::error`), the pages to an error
//! page in the visitor's language (`http::web::error`). Code that must react to a kind of failure
//! matches on a variant, never on a message's text.

use crate::db::DbError;
use crate::domain::{Invalid, Problem};

/// What a service answers when it cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is invalid: every invalid field with its problem, at least one, so that a form
    /// can show them all at once.
    #[error("{}", clip_message(.0.first().map_or("invalid input", |p| p.message.as_str())))]
    Validation(Vec<Invalid>),
    /// The caller is not signed in, or their credentials are wrong or expired.
    #[error("{0}")]
    Unauthorized(String),
    /// The caller is known but may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such object, or one the caller may not see.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with what exists; `field` names the field when there is one.
    #[error("{message}")]
    Conflict {
        /// The field in conflict.
        field: Option<String>,
        /// What conflicts and what to do.
        message: String,
        /// What kind of conflict, for the pages' words; `None` has general words.
        clash: Option<Clash>,
    },
    /// Too many attempts; retry after this many seconds.
    #[error("{message}")]
    TooManyRequests {
        /// Seconds to wait.
        retry_after: u64,
        /// What to do.
        message: String,
    },
    /// A part of the service is not ready yet; retry after this many seconds.
    #[error("{message}")]
    Unavailable {
        /// Seconds to wait.
        retry_after: u64,
        /// What is not ready.
        message: String,
    },
    /// The request (a file, say) is larger than allowed; `field` names what is too large.
    #[error("{message}")]
    TooLarge {
        /// The field that is too large.
        field: String,
        /// The limit and what to do.
        message: String,
    },
    /// The content is of a type that is not accepted; `field` names it.
    #[error("{message}")]
    Unsupported {
        /// The field whose content is refused.
        field: String,
        /// What is accepted.
        message: String,
    },
    /// A fault on our side; the cause is logged and never shown.
    #[error("internal error: {0}")]
    Internal(anyhow::Error),
}

crate::domain::string_enum!(
    /// Kinds of conflict a user can act on. Each has words in both languages under
    /// `conflict.` in `templates/i18n/invalid.toml`.
    Clash, "conflict", {
        AlreadyInPhase => "already_in_phase",
        SkipNeedsReason => "skip_needs_reason",
        ChangedMeanwhile => "changed_meanwhile",
        EmailTaken => "email_taken",
        OrgnrRegistered => "orgnr_registered",
        NeedClosed => "need_closed",
        NotInPhase => "not_in_phase",
        Cancelled => "cancelled",
        BookingNotOpen => "booking_not_open",
        BookingClosed => "booking_closed",
        SlotTaken => "slot_taken",
        SlotGone => "slot_gone",
        SlotBooked => "slot_booked",
        LimitReached => "limit_reached",
        TimeClash => "time_clash",
        WrongAllocation => "wrong_allocation",
        Allocated => "allocated",
        RulesFrozen => "rules_frozen",
        NotDelivered => "not_delivered",
        NotInConsultation => "not_in_consultation",
        ConsultationClosed => "consultation_closed",
        ConsultationRunning => "consultation_running",
        AlreadyPublished => "already_published",
        UploadExpired => "upload_expired",
    }
);

/// The result of a service call.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// Invalid input in `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Validation(vec![Invalid::new(field, message)])
    }

    /// Invalid input in `field`, of a known kind.
    pub fn invalid(
        field: impl Into<String>,
        problem: Problem,
        message: impl Into<String>,
    ) -> AppError {
        AppError::Validation(vec![Invalid::because(field, problem, message)])
    }

    /// The problems of a validation error; any other error is given back.
    pub fn into_problems(self) -> Result<Vec<Invalid>, AppError> {
        match self {
            AppError::Validation(problems) => Ok(problems),
            other => Err(other),
        }
    }
    /// Not signed in.
    pub fn unauthorized(message: impl Into<String>) -> AppError {
        AppError::Unauthorized(message.into())
    }
    /// Not allowed.
    pub fn forbidden(message: impl Into<String>) -> AppError {
        AppError::Forbidden(message.into())
    }
    /// No such object.
    pub fn not_found(message: impl Into<String>) -> AppError {
        AppError::NotFound(message.into())
    }
    /// A conflict, optionally naming the field.
    pub fn conflict(field: Option<&str>, message: impl Into<String>) -> AppError {
        AppError::Conflict {
            field: field.map(str::to_owned),
            message: message.into(),
            clash: None,
        }
    }

    /// A conflict of a known kind, which the pages can put in the user's words.
    pub fn clash(field: Option<&str>, clash: Clash, message: impl Into<String>) -> AppError {
        AppError::Conflict {
            field: field.map(str::to_owned),
            message: message.into(),
            clash: Some(clash),
        }
    }
    /// A fault on our side.
    pub fn internal(message: impl Into<String>) -> AppError {
        AppError::Internal(anyhow::anyhow!(message.into()))
    }

    /// True when this wraps a unique-constraint violation from the database.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            AppError::Internal(inner) => inner
                .downcast_ref::<diesel::result::Error>()
                .is_some_and(crate::db::is_unique_violation),
            _ => false,
        }
    }
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> AppError {
        AppError::Validation(vec![e])
    }
}

/// Runs every check before answering, so that a form shows every invalid field in one round
/// trip. Each `let name = check;` binds the value of an `Ok`; when any check failed, the
/// enclosing function returns one [`AppError::Validation`] with all their problems. An error
/// that is not about the input (the database failing) returns at once.
macro_rules! all_valid {
    ($(let $name:ident = $check:expr;)+) => {
        let mut problems: Vec<$crate::domain::Invalid> = Vec::new();
        $(
            let $name = match $check {
                Ok(value) => Some(value),
                Err(e) => {
                    problems.extend($crate::error::AppError::from(e).into_problems()?);
                    None
                }
            };
        )+
        if !problems.is_empty() {
            return Err($crate::error::AppError::Validation(problems).into());
        }
        $(let $name = $name.expect("every check passed");)+
    };
}
pub(crate) use all_valid;

impl From<DbError> for AppError {
    fn from(e: DbError) -> AppError {
        AppError::Internal(e.into())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> AppError {
        AppError::Internal(e.into())
    }
}

impl From<crate::search::matching::MatchError> for AppError {
    fn from(e: crate::search::matching::MatchError) -> AppError {
        match e {
            crate::search::matching::MatchError::NotReady(not_ready) => AppError::Unavailable {
                retry_after: 5,
                message: not_ready.to_string(),
            },
            crate::search::matching::MatchError::Index(inner) => AppError::Internal(inner),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> AppError {
        AppError::Internal(e)
    }
}

/// The most of one quoted value that an error message repeats.
pub const QUOTE_MAX: usize = 100;
/// The longest error message sent or logged.
pub const MESSAGE_MAX: usize = 600;

/// Shortens every quoted value (between backticks or double quotes) in `message` to
/// [`QUOTE_MAX`] characters and the whole to [`MESSAGE_MAX`], so that a huge invalid value is not
/// echoed back in full, nor written to the log.
pub fn clip_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MESSAGE_MAX + 8));
    let mut quote: Option<char> = None;
    let mut quoted = 0usize;
    let mut total = 0usize;
    for c in message.chars() {
        if total >= MESSAGE_MAX {
            out.push('…');
            break;
        }
        match quote {
            Some(q) if c == q => {
                quote = None;
                out.push(c);
                total += 1;
            }
            Some(_) => {
                quoted += 1;
                if quoted <= QUOTE_MAX {
                    out.push(c);
                    total += 1;
                } else if quoted == QUOTE_MAX + 1 {
                    out.push('…');
                    total += 1;
                }
            }
            None => {
                if c == '`' || c == '"' {
                    quote = Some(c);
                    quoted = 0;
                }
                out.push(c);
                total += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_huge_value_is_quoted_only_in_part() {
        let huge = "x".repeat(250_000);
        let message = super::clip_message(&format!(
            "kind: unknown variant `{huge}`, expected `buyer` or `supplier`"
        ));
        assert!(message.len() < 300, "{}", message.len());
        assert!(
            message.contains(&format!("`{}…`", "x".repeat(super::QUOTE_MAX))),
            "{message}"
        );
        assert!(
            message.ends_with("expected `buyer` or `supplier`"),
            "{message}"
        );
        assert_eq!(super::clip_message("plain words"), "plain words");
        assert!(super::clip_message(&"y".repeat(5000)).chars().count() <= super::MESSAGE_MAX + 1);
    }

    use super::*;

    fn two_checks(title: &str, count: &str) -> AppResult<(String, u32)> {
        all_valid! {
            let title = crate::domain::text("title", title, 10);
            let count = count
                .parse::<u32>()
                .map_err(|_| Invalid::because("count", Problem::NotANumber, "a number"));
        }
        Ok((title, count))
    }

    #[test]
    fn every_failed_check_is_reported_together() {
        match two_checks("", "x") {
            Err(AppError::Validation(problems)) => {
                let codes: Vec<String> = problems.iter().map(Invalid::code).collect();
                assert_eq!(codes, ["title.required", "count.not_a_number"]);
            }
            other => panic!("expected two problems, got {other:?}"),
        }
        assert_eq!(two_checks(" a ", "3").unwrap(), ("a".to_owned(), 3));
    }

    #[test]
    fn a_unique_violation_is_told_apart_from_other_database_errors() {
        let unique: AppError = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_owned()),
        )
        .into();
        assert!(unique.is_unique_violation());
        let other: AppError = diesel::result::Error::NotFound.into();
        assert!(!other.is_unique_violation());
    }

    #[test]
    fn an_invalid_domain_value_keeps_its_field() {
        match AppError::from(Invalid::new("orgnr", "wrong check digit")) {
            AppError::Validation(problems) => {
                assert_eq!(problems.len(), 1);
                assert_eq!(problems[0].field, "orgnr");
                assert_eq!(problems[0].message, "wrong check digit");
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
}
