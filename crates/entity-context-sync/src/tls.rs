//! TLS provider selection.

/// Installs rustls' `ring` provider as the process default, unless the
/// application already installed one (with the default `rustls-ring`
/// feature; a no-op otherwise).
///
/// [`Client::builder`](crate::Client::builder) calls this for you. Call it
/// yourself before building your own `reqwest::Client` for
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client): this
/// crate builds reqwest without a built-in provider, to keep `aws-lc-rs` out
/// of your build.
pub fn install_default_crypto_provider() {
    #[cfg(feature = "rustls-ring")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race with another installer is fine: a provider is then set.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
