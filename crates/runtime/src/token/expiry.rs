//! When a token expires and when to renew it.

use std::time::{Duration, SystemTime};

use base64::Engine as _;

/// What is known of a token's expiry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Expiry {
    /// When the token stops being valid.
    pub(super) at: SystemTime,
    /// How long it lives in all, when known (`expires_in`, or the JWT's `iat` to `exp`).
    pub(super) lifetime: Option<Duration>,
}

impl Expiry {
    /// A token that lives `expires_in` seconds from now (`None` for 0 or less, or a value
    /// that is not a number of seconds).
    pub(super) fn from_expires_in(expires_in: Option<&serde_json::Value>) -> Option<Expiry> {
        let secs = match expires_in? {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => None,
        }
        .filter(|&s| s > 0)?;
        let lifetime = Duration::from_secs(secs);
        Some(Expiry {
            at: SystemTime::now().checked_add(lifetime)?,
            lifetime: Some(lifetime),
        })
    }

    /// The `exp` (and, when present and earlier, `iat`) claims of a JWT.
    pub(super) fn from_jwt(token: &str) -> Option<Expiry> {
        let payload = token.split('.').nth(1)?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()?;
        let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        let exp = claims.get("exp")?.as_u64()?;
        let iat = claims.get("iat").and_then(serde_json::Value::as_u64);
        Some(Expiry {
            at: SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(exp))?,
            lifetime: iat
                .filter(|&iat| iat < exp)
                .map(|iat| Duration::from_secs(exp - iat)),
        })
    }

    /// When to start renewing: `margin` before expiry, the margin clamped to half the lifetime
    /// when that is known (a short-lived token is renewed at its half-life, not on every call).
    pub(super) fn renew_at(&self, margin: Duration) -> SystemTime {
        let margin = match self.lifetime {
            Some(lifetime) => margin.min(lifetime / 2),
            None => margin,
        };
        self.at
            .checked_sub(margin)
            .unwrap_or(SystemTime::UNIX_EPOCH)
    }

    /// How long the token stays valid from `now` (zero once expired).
    pub(super) fn valid_for(&self, now: SystemTime) -> Duration {
        self.at.duration_since(now).unwrap_or(Duration::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
        format!("eyJhbGciOiJSUzI1NiJ9.{claims}.sig")
    }

    #[test]
    fn reads_the_exp_claim() {
        let token = jwt(r#"{"sub":"10","exp":1668757446}"#);
        assert_eq!(
            Expiry::from_jwt(&token).map(|e| e.at),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_668_757_446))
        );
        assert_eq!(Expiry::from_jwt(&token).and_then(|e| e.lifetime), None);
        assert_eq!(Expiry::from_jwt("plain-api-key"), None);
        assert_eq!(Expiry::from_jwt("a.!!!.c"), None);
        // The reference token: issued at 1668753846, an hour's lifetime.
        let reference = jwt(r#"{"iat":1668753846,"exp":1668757446,"prv":"23bd"}"#);
        assert_eq!(
            Expiry::from_jwt(&reference).and_then(|e| e.lifetime),
            Some(Duration::from_secs(3600))
        );
    }

    #[test]
    fn margin_is_clamped_to_half_the_lifetime() {
        let margin = Duration::from_secs(300);
        let hour = Expiry::from_expires_in(Some(&serde_json::json!(3600))).unwrap();
        assert_eq!(
            hour.at.duration_since(hour.renew_at(margin)).unwrap(),
            margin
        );
        let short = Expiry::from_expires_in(Some(&serde_json::json!("60"))).unwrap();
        assert_eq!(
            short.at.duration_since(short.renew_at(margin)).unwrap(),
            Duration::from_secs(30)
        );
        let unknown = Expiry {
            at: hour.at,
            lifetime: None,
        };
        assert_eq!(unknown.renew_at(margin), hour.renew_at(margin));
        for bad in [
            serde_json::json!(0),
            serde_json::json!(-5),
            serde_json::json!("soon"),
        ] {
            assert_eq!(Expiry::from_expires_in(Some(&bad)), None, "{bad}");
        }
        assert_eq!(Expiry::from_expires_in(None), None);
    }
}
