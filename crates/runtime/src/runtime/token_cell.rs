//! The API token shared by every clone of a client, replaceable at run time.

use secrecy::SecretString;

/// The token every clone of a client sends, replaceable at run time
/// ([`Client::set_token`](crate::Client::set_token)). The previous token is kept for
/// redaction only (a late error body may still echo it).
pub(crate) struct TokenCell {
    tokens: std::sync::RwLock<(SecretString, Option<SecretString>)>,
    /// Incremented by every [`set`](Self::set) (lets concurrent renewals notice each other).
    pub(crate) generation: std::sync::atomic::AtomicU64,
}

impl TokenCell {
    pub(crate) fn new(token: SecretString) -> Self {
        TokenCell {
            tokens: std::sync::RwLock::new((token, None)),
            generation: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The current token.
    pub(crate) fn current(&self) -> SecretString {
        self.read().0.clone()
    }

    /// Replaces the token; the old one is remembered for redaction.
    pub(crate) fn set(&self, token: SecretString) {
        let mut guard = self
            .tokens
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let old = std::mem::replace(&mut guard.0, token);
        guard.1 = Some(old);
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// The current token and its generation, read together.
    #[cfg(feature = "auth")]
    pub(crate) fn snapshot(&self) -> (SecretString, u64) {
        let guard = self.read();
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        (guard.0.clone(), generation)
    }

    /// Replaces the token only if it is still the one of `generation` (a token set meanwhile,
    /// by [`Client::set_token`](crate::Client::set_token) or a renewal, wins); returns the new
    /// generation.
    #[cfg(feature = "auth")]
    pub(crate) fn set_if(&self, generation: u64, token: SecretString) -> Option<u64> {
        use std::sync::atomic::Ordering;
        let mut guard = self
            .tokens
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.generation.load(Ordering::SeqCst) != generation {
            return None;
        }
        let old = std::mem::replace(&mut guard.0, token);
        guard.1 = Some(old);
        Some(self.generation.fetch_add(1, Ordering::SeqCst) + 1)
    }

    pub(super) fn read(
        &self,
    ) -> std::sync::RwLockReadGuard<'_, (SecretString, Option<SecretString>)> {
        self.tokens
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
