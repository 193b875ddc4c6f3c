//! What the front doors take from a request before calling a service: the [`Caller`] behind a
//! bearer token, and the client address used for rate limits. (The pages' session and CSRF
//! checks are in `web::session`.)

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use std::net::IpAddr;

use crate::app::Context;
use crate::caller::Caller;
use crate::domain::network::Network;
use crate::error::AppError;

impl FromRequest for Caller {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Caller, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<Context>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal("application state missing"))?;
            let token = token?.ok_or_else(|| {
                AppError::unauthorized(
                    "sign in first: send Authorization: Bearer <token> from /api/v1/auth/login",
                )
            })?;
            crate::app::auth::authenticate(&state, token).await
        })
    }
}

/// The bearer token of a request: none without an `Authorization` header, an error for a header
/// that is not `Bearer <token>`.
pub fn bearer_token(req: &HttpRequest) -> Result<Option<String>, AppError> {
    let Some(header) = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(None);
    };
    header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(|t| Some(t.trim().to_owned()))
        .ok_or_else(|| AppError::unauthorized("the Authorization header must be: Bearer <token>"))
}

/// The client address used for rate limits and logs: the TCP peer, or, when the peer is a
/// trusted proxy, the nearest address in `X-Forwarded-For` that is not one. Anyone can send that
/// header, so it counts only from the proxies in the `trusted_proxies` setting.
pub fn client_address(req: &HttpRequest) -> String {
    let trusted = trusted_proxies(req);
    let forwarded = header_text(req, "x-forwarded-for");
    real_client(
        req.peer_addr().map(|a| a.ip()),
        forwarded.as_deref(),
        trusted,
    )
    .map(|ip| ip.to_string())
    .unwrap_or_else(|| "unknown".to_owned())
}

/// The language a client of the API asks for with `Accept-Language`: English when it prefers
/// English, else Bokmål. The emails an API call sends go out in it.
pub fn accept_language(req: &HttpRequest) -> crate::domain::Lang {
    crate::http::web::i18n::negotiate(&header_text(req, "accept-language").unwrap_or_default())
}

/// True when a trusted proxy says the client came over HTTPS.
pub fn forwarded_https(req: &HttpRequest) -> bool {
    let trusted = trusted_proxies(req);
    req.peer_addr().is_some_and(|p| is_trusted(trusted, p.ip()))
        && header_text(req, "x-forwarded-proto").is_some_and(|p| {
            p.split(',')
                .next()
                .is_some_and(|first| first.trim().eq_ignore_ascii_case("https"))
        })
}

fn trusted_proxies(req: &HttpRequest) -> &[Network] {
    req.app_data::<web::Data<Context>>()
        .map(|s| s.settings.trusted_proxies.as_slice())
        .unwrap_or(&[])
}

fn header_text(req: &HttpRequest, name: &str) -> Option<String> {
    let values: Vec<&str> = req
        .headers()
        .get_all(name)
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

fn is_trusted(trusted: &[Network], ip: IpAddr) -> bool {
    trusted.iter().any(|n| n.contains(ip))
}

/// Walks `X-Forwarded-For` from the right (the hop nearest us) past trusted proxies; a hop that
/// is not an address stops the walk, so a forged entry cannot hide the real one.
fn real_client(
    peer: Option<IpAddr>,
    forwarded: Option<&str>,
    trusted: &[Network],
) -> Option<IpAddr> {
    let mut ip = peer?;
    if !is_trusted(trusted, ip) {
        return Some(ip);
    }
    for hop in forwarded.unwrap_or("").rsplit(',') {
        let Ok(hop) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        ip = hop;
        if !is_trusted(trusted, ip) {
            break;
        }
    }
    Some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted = Network::parse_list("127.0.0.1, 10.0.0.0/8").unwrap();
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        // Anyone else's header is ignored.
        assert_eq!(
            real_client(ip("203.0.113.9"), Some("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        // Through the proxy, the client it saw; a forged entry left of it does not count.
        assert_eq!(
            real_client(ip("127.0.0.1"), Some("6.6.6.6, 198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        // Through two trusted hops.
        assert_eq!(
            real_client(ip("127.0.0.1"), Some("198.51.100.7, 10.1.2.3"), &trusted),
            ip("198.51.100.7")
        );
        // No header from the proxy: the proxy itself.
        assert_eq!(
            real_client(ip("127.0.0.1"), None, &trusted),
            ip("127.0.0.1")
        );
        assert_eq!(
            real_client(ip("127.0.0.1"), Some("not-an-address"), &trusted),
            ip("127.0.0.1")
        );
        // No proxies trusted: the peer, always.
        assert_eq!(
            real_client(ip("127.0.0.1"), Some("1.2.3.4"), &[]),
            ip("127.0.0.1")
        );
    }
}
