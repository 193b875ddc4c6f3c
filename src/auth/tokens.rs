//! HS256 JSON Web Tokens.
//!
//! Each account's tokens are signed with the server secret joined with the account's security
//! stamp. Changing the password replaces the stamp, so every older token stops verifying,
//! without a revocation list and without claims beyond `sub, role, org, iat, exp, iss`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::db::accounts::AccountRow;

/// The issuer claim of every token.
pub const ISSUER: &str = "innolift";

/// The claims of an innolift token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Account id.
    pub sub: String,
    /// `owner`, `member` or `admin`.
    pub role: String,
    /// Organisation id; absent for admins.
    pub org: Option<String>,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Always [`ISSUER`].
    pub iss: String,
}

/// Signs and verifies tokens. Cheap to clone.
#[derive(Clone)]
pub struct TokenKeys {
    secret: Arc<Vec<u8>>,
    ttl: Duration,
}

impl TokenKeys {
    /// Keys from a secret of at least 32 bytes.
    pub fn new(secret: Vec<u8>, ttl: Duration) -> anyhow::Result<TokenKeys> {
        anyhow::ensure!(
            secret.len() >= 32,
            "the token secret must be at least 32 bytes"
        );
        Ok(TokenKeys {
            secret: Arc::new(secret),
            ttl,
        })
    }

    /// Uses the configured secret, or reads `<data_dir>/token-secret`, creating it (mode 0600)
    /// with 32 random bytes on first start.
    pub fn load(
        configured: Option<&str>,
        data_dir: &Path,
        ttl: Duration,
    ) -> anyhow::Result<TokenKeys> {
        if let Some(secret) = configured {
            return TokenKeys::new(secret.as_bytes().to_vec(), ttl);
        }
        let path = data_dir.join("token-secret");
        if !path.exists() {
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
            let secret: [u8; 32] = rand::random();
            if create_private(&path, hex::encode(secret).as_bytes())? {
                tracing::info!(path = %path.display(), "generated a new token secret");
            }
        }
        warn_if_readable_by_others(&path);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let secret = hex::decode(text.trim()).with_context(|| {
            format!(
                "{} is not hex; delete it to generate a new one",
                path.display()
            )
        })?;
        TokenKeys::new(secret, ttl).with_context(|| {
            format!(
                "{} is too short; delete it to generate a new one",
                path.display()
            )
        })
    }

    /// A link token for `purpose` and `id`: HMAC-SHA256 under the server secret, so it needs no
    /// storage in clear (only its hash is stored) and can be made again for a reminder.
    pub fn link_token(&self, purpose: &str, id: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.secret)
            .expect("HMAC takes keys of any length");
        mac.update(purpose.as_bytes());
        mac.update(b":");
        mac.update(id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn key_for(&self, stamp: &str) -> Vec<u8> {
        [self.secret.as_slice(), b":", stamp.as_bytes()].concat()
    }

    /// Issues a token for `account`, returning it with its expiry.
    pub fn issue(&self, account: &AccountRow) -> anyhow::Result<(String, DateTime<Utc>)> {
        let now = Utc::now();
        let expires = now + chrono::Duration::from_std(self.ttl)?;
        let claims = Claims {
            sub: account.id.clone(),
            role: account.role.clone(),
            org: account.organisation_id.clone(),
            iat: now.timestamp(),
            exp: expires.timestamp(),
            iss: ISSUER.to_owned(),
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&self.key_for(&account.security_stamp)),
        )?;
        let expires = DateTime::from_timestamp(claims.exp, 0).unwrap_or(expires);
        Ok((token, expires))
    }

    /// Verifies `token` and returns its account, looked up with `find`.
    ///
    /// The subject is read before the signature is checked only to find the account whose key
    /// signs it; nothing from the token is trusted until `decode` with that key succeeds.
    pub fn verify(
        &self,
        token: &str,
        find: impl FnOnce(&str) -> anyhow::Result<Option<AccountRow>>,
    ) -> Result<AccountRow, TokenError> {
        let invalid = || TokenError::Invalid;
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid())?;
        if header.alg != Algorithm::HS256 {
            return Err(invalid());
        }
        let unverified =
            jsonwebtoken::dangerous::insecure_decode::<Claims>(token).map_err(|_| invalid())?;
        // Only a well-formed id reaches the database.
        if uuid::Uuid::parse_str(&unverified.claims.sub).is_err() {
            return Err(invalid());
        }
        let account = find(&unverified.claims.sub)
            .map_err(TokenError::Lookup)?
            .ok_or_else(invalid)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss"]);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 5;
        let data = jsonwebtoken::decode::<Claims>(
            token,
            &DecodingKey::from_secret(&self.key_for(&account.security_stamp)),
            &validation,
        )
        .map_err(|_| invalid())?;
        if data.claims.sub != account.id {
            return Err(invalid());
        }
        Ok(account)
    }
}

/// Why a token was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Malformed, forged, expired, or signed before the account's key changed.
    #[error("the token is invalid or has expired; sign in again")]
    Invalid,
    /// The account could not be looked up.
    #[error("cannot look up the token's account: {0}")]
    Lookup(anyhow::Error),
}

/// Creates `path` with `bytes`, readable only by its owner, complete or not at all: the bytes go
/// to a temporary file that is then linked into place. Returns false when another process
/// created `path` first (its secret is then the one to use).
fn create_private(path: &Path, bytes: &[u8]) -> anyhow::Result<bool> {
    use std::io::Write;
    let tmp = path.with_extension(format!("tmp-{}", uuid::Uuid::new_v4().simple()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut file = options
            .open(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    result
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(path = %path.display(), "the token secret is readable by others; run chmod 600 on it");
            }
        }
    }
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(stamp: &str) -> AccountRow {
        let now = crate::db::now();
        AccountRow {
            id: "6f1c2a4e-8d5b-4c0e-9a51-3b7e2f1d9c80".into(),
            email: "kari@kommune.no".into(),
            name: "Kari".into(),
            password_hash: String::new(),
            role: "owner".into(),
            organisation_id: Some("o1".into()),
            security_stamp: stamp.into(),
            created_at: now,
            updated_at: now,
            removed_at: None,
            email_confirmed_at: Some(now),
            email_confirm_token_hash: None,
            email_confirm_sent_at: None,
        }
    }

    fn keys() -> TokenKeys {
        TokenKeys::new(vec![7; 32], Duration::from_secs(60)).unwrap()
    }

    #[test]
    fn a_token_verifies_for_its_account() {
        let (token, _) = keys().issue(&account("s1")).unwrap();
        let found = keys().verify(&token, |_| Ok(Some(account("s1")))).unwrap();
        assert_eq!(found.id, "6f1c2a4e-8d5b-4c0e-9a51-3b7e2f1d9c80");
    }

    #[test]
    fn a_new_security_stamp_invalidates_old_tokens() {
        let (token, _) = keys().issue(&account("s1")).unwrap();
        assert!(keys().verify(&token, |_| Ok(Some(account("s2")))).is_err());
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let other = TokenKeys::new(vec![8; 32], Duration::from_secs(60)).unwrap();
        let (token, _) = other.issue(&account("s1")).unwrap();
        assert!(keys().verify(&token, |_| Ok(Some(account("s1")))).is_err());
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(TokenKeys::new(vec![1; 31], Duration::from_secs(1)).is_err());
    }

    #[test]
    fn the_generated_secret_file_is_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = TokenKeys::load(None, dir.path(), Duration::from_secs(60)).unwrap();
        let b = TokenKeys::load(None, dir.path(), Duration::from_secs(60)).unwrap();
        assert_eq!(a.secret, b.secret);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("token-secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
