//! Sign-in with ID-porten or any OpenID Connect provider: the authorization code flow with PKCE
//! (S256), `state` and `nonce`, with the ID token checked against the provider's published keys.
//!
//! This module speaks to the provider only. Who the person is to innolift (which account) is
//! decided by `app::oidc`, and the browser's part by the pages.

use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthenticationContextClass, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
};
use tokio::sync::Mutex;

use crate::settings::OidcSettings;

/// How long discovered metadata and keys are trusted before they are fetched again, so that a
/// provider's key rotation reaches us.
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// What went wrong with the provider, in words for the person signing in; the detail is logged.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The provider could not be reached, or its discovery document does not name the
    /// configured issuer.
    #[error("the sign-in provider could not be reached or is not the one configured: {0}")]
    Provider(String),
    /// The provider refused the code (used before, expired, or a wrong PKCE verifier).
    #[error("the sign-in provider refused the sign-in: {0}")]
    Refused(String),
    /// The ID token failed a check: signature, issuer, audience, expiry, nonce or level.
    #[error("the sign-in could not be verified: {0}")]
    Invalid(String),
}

/// The start of one sign-in: where to send the browser, and what to keep until it returns.
pub struct Started {
    /// The provider's authorisation URL, with state, nonce and the PKCE challenge.
    pub url: String,
    /// The `state`, which comes back with the code.
    pub state: String,
    /// The `nonce`, which comes back inside the ID token.
    pub nonce: String,
    /// The PKCE verifier, sent with the code.
    pub pkce_verifier: String,
}

/// A verified person, as the ID token says.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The issuer.
    pub issuer: String,
    /// The provider's stable subject for the person.
    pub subject: String,
    /// The email, if given.
    pub email: Option<String>,
    /// Whether the provider has verified it.
    pub email_verified: bool,
    /// The name, if given.
    pub name: Option<String>,
    /// The authentication level (`acr`).
    pub acr: Option<String>,
}

/// One configured provider, with its metadata cached.
pub struct Provider {
    settings: OidcSettings,
    redirect_uri: String,
    http: openidconnect::reqwest::Client,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

fn detail(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

impl Provider {
    /// A provider for these settings, answering to `redirect_uri`.
    pub fn new(settings: OidcSettings, redirect_uri: String) -> Result<Provider, OidcError> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would let a provider send our requests elsewhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| OidcError::Provider(detail(&e)))?;
        Ok(Provider {
            settings,
            redirect_uri,
            http,
            metadata: Mutex::new(None),
        })
    }

    /// The label of the sign-in button, such as "ID-porten".
    pub fn label(&self) -> &str {
        &self.settings.label
    }

    async fn metadata(&self, refresh: bool) -> Result<CoreProviderMetadata, OidcError> {
        let mut cached = self.metadata.lock().await;
        if let Some((at, m)) = cached.as_ref() {
            if !refresh && at.elapsed() < METADATA_TTL {
                return Ok(m.clone());
            }
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| OidcError::Provider(detail(&e)))?;
        // Discovery checks that the document names this issuer, and fetches the keys.
        let m = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Provider(detail(&e)))?;
        *cached = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    fn client(
        &self,
        metadata: CoreProviderMetadata,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        OidcError,
    > {
        let redirect = RedirectUrl::new(self.redirect_uri.clone())
            .map_err(|e| OidcError::Provider(detail(&e)))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(
                self.settings.client_secret.expose().to_owned(),
            )),
        )
        .set_redirect_uri(redirect))
    }

    /// Starts a sign-in: the URL to send the browser to, with a fresh state, nonce and PKCE pair.
    pub async fn start(&self) -> Result<Started, OidcError> {
        let client = self.client(self.metadata(false).await?)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in self
            .settings
            .scopes
            .split_whitespace()
            .filter(|s| *s != "openid")
        {
            request = request.add_scope(Scope::new(scope.to_owned()));
        }
        for acr in self.settings.acr_values.split_whitespace() {
            request =
                request.add_auth_context_value(AuthenticationContextClass::new(acr.to_owned()));
        }
        let (url, state, nonce) = request.url();
        Ok(Started {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Finishes a sign-in: exchanges the code with the PKCE verifier, and checks the ID token's
    /// signature, issuer, audience, expiry, nonce and, when levels are configured, its `acr`.
    pub async fn finish(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<Identity, OidcError> {
        let client = self.client(self.metadata(false).await?)?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Provider(detail(&e)))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Refused(detail(&e)))?;
        let id_token = openidconnect::TokenResponse::id_token(&response)
            .ok_or_else(|| OidcError::Invalid("the provider sent no ID token".to_owned()))?;
        let nonce = Nonce::new(nonce.to_owned());
        let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
            Ok(c) => c.clone(),
            Err(first) => {
                // The provider may have rotated its keys since discovery: fetch them once more.
                let fresh = self.client(self.metadata(true).await?)?;
                let verifier = fresh.id_token_verifier();
                let claims = id_token
                    .claims(&verifier, &nonce)
                    .map_err(|_| OidcError::Invalid(detail(&first)))?
                    .clone();
                claims
            }
        };
        let acr = claims.auth_context_ref().map(|a| a.as_str().to_owned());
        let wanted: Vec<&str> = self.settings.acr_values.split_whitespace().collect();
        if !wanted.is_empty() && !acr.as_deref().is_some_and(|a| wanted.contains(&a)) {
            return Err(OidcError::Invalid(format!(
                "the sign-in level {} is not one of {}",
                acr.as_deref().unwrap_or("(none)"),
                wanted.join(", ")
            )));
        }
        Ok(Identity {
            issuer: claims.issuer().as_str().to_owned(),
            subject: claims.subject().as_str().to_owned(),
            email: claims.email().map(|e| e.as_str().to_owned()),
            email_verified: claims.email_verified().unwrap_or(false),
            name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().to_owned()),
            acr,
        })
    }
}
