//! TLS provider selection.

/// With the default `rustls-ring` feature, install rustls' `ring` provider as
/// the process default unless the application already installed one.
pub(crate) fn ensure_provider() {
    #[cfg(feature = "rustls-ring")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another installer is fine: a provider is then set.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
