//! Names kept from before the per-source layer was generated: the generated
//! constructors are named after the spec's union variants (`sentinelone`),
//! these are the names users already compile against.

use secrecy::SecretString;

use crate::{Credentials, NewSync, ServiceAccountKey};

impl Credentials {
    /// SentinelOne (`SENTINELONE`): an API token; the same as
    /// [`Credentials::sentinelone`].
    pub fn sentinel_one(api_token: impl Into<SecretString>) -> Self {
        Self::sentinelone(api_token)
    }

    /// Google Workspace (`GOOGLE_WORKSPACE`): a service account key and the
    /// admin it impersonates; the same as
    /// `Credentials::google_workspace(key).admin_email(admin_email)`.
    pub fn google_workspace_as(key: ServiceAccountKey, admin_email: impl Into<String>) -> Self {
        Self::google_workspace(key).admin_email(admin_email.into())
    }
}

impl NewSync {
    /// A SentinelOne sync (`SENTINELONE`) with an API token; the same as
    /// [`NewSync::sentinelone`].
    pub fn sentinel_one(
        name: impl Into<String>,
        domain: impl Into<String>,
        api_token: impl Into<SecretString>,
    ) -> Self {
        Self::sentinelone(name, domain, api_token)
    }
}
