//! Passwords and their argon2id hashes.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

use super::{Invalid, Problem};

/// The shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// The longest, to bound hashing work.
pub const MAX_LENGTH: usize = 1024;

/// A password that meets the length rules. Never logged or serialised.
pub struct Password(String);

impl Password {
    /// Checks the length rules for `field`.
    pub fn parse_for(field: &'static str, input: &str) -> Result<Password, Invalid> {
        let n = input.chars().count();
        if n < MIN_LENGTH {
            return Err(Invalid::because(
                field,
                Problem::TooShort,
                format!("{field} must have at least {MIN_LENGTH} characters"),
            )
            .with("min", MIN_LENGTH));
        }
        if n > MAX_LENGTH {
            return Err(Invalid::because(
                field,
                Problem::TooLong,
                format!("{field} must have at most {MAX_LENGTH} characters"),
            )
            .with("max", MAX_LENGTH));
        }
        Ok(Password(input.to_owned()))
    }

    /// Checks the `password` field.
    pub fn parse(input: &str) -> Result<Password, Invalid> {
        Password::parse_for("password", input)
    }

    /// Hashes with argon2id and a random salt, as a PHC string.
    pub fn hash(&self) -> String {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .expect("argon2 with default parameters cannot fail")
            .to_string()
    }
}

/// A password field in the API's description: the length rules of [`Password::parse_for`].
impl utoipa::PartialSchema for Password {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(MIN_LENGTH))
            .max_length(Some(MAX_LENGTH))
            .into()
    }
}

impl utoipa::ToSchema for Password {}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

/// The stored hash of an account without a password (it signs in through a provider): not a
/// valid PHC string, so [`verify`] never accepts anything for it.
pub const NO_PASSWORD: &str = "!no-password";

/// True when `candidate` matches the stored PHC hash. Slow on purpose.
pub fn verify(candidate: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Hashes on the blocking pool: argon2 is slow on purpose and must hold neither the executor
/// nor a database connection.
pub async fn hash_blocking(password: Password) -> anyhow::Result<String> {
    Ok(tokio::task::spawn_blocking(move || password.hash()).await?)
}

/// Verifies on the blocking pool; see [`hash_blocking`].
pub async fn verify_blocking(candidate: String, phc: String) -> anyhow::Result<bool> {
    Ok(tokio::task::spawn_blocking(move || verify(&candidate, &phc)).await?)
}

/// A hash of a random password, verified against when an email is unknown so that a login for a
/// missing account takes as long as one for a real account.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| Password(uuid::Uuid::new_v4().to_string()).hash())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(
            Password::parse("elleve-tegn").unwrap_err().field,
            "password"
        );
        assert!(Password::parse("tolv-tegn-ok").is_ok());
    }

    #[test]
    fn a_hash_verifies_only_its_password() {
        let hash = Password::parse("riktig hest batteri").unwrap().hash();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify("riktig hest batteri", &hash));
        assert!(!verify("feil hest batteri", &hash));
    }
}
