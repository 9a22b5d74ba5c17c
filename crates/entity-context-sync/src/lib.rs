#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod aliases;
mod apply;
mod attributes;
mod checks;
mod client;
mod credentials;
mod desired;
mod ensure;
mod error;
mod exec;
mod gate;
#[rustfmt::skip]
mod generated;
mod model;
mod new_sync;
mod plan;
mod policy;
mod response;
mod retry;
mod scrub;
mod secrets;
mod service_account;
mod site;
mod syncs;
mod tls;
mod update;

pub use apply::{Applied, ApplyPlan, ApplyReport, DEFAULT_PARALLEL};
pub use checks::{MAX_DOMAIN_LEN, MAX_KEY_LEN, MAX_NAME_CHARS, MAX_SECRET_LEN, MAX_SETTINGS_LEN};
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, default_user_agent,
};
pub use credentials::Credentials;
pub use desired::{DesiredState, DesiredSync, SecretRef};
pub use ensure::{EnsureOutcome, EnsureSync, Ensured};
#[doc(inline)]
pub use entity_context_sync_client::RateLimit;
pub use entity_context_sync_client::{ParseTimestampError, Timestamp, TimestampOutOfRange};
pub use error::{Error, Result};
pub use generated::{IntegrationConfig, Operation};
pub use model::{AzureAppRegistration, AzureAppRegistrations, CredentialsCheck, Deleted, Response};
pub use new_sync::NewSync;
pub use plan::{Action, Change, FieldChange, Plan, PlanSyncs};
#[cfg(feature = "test-util")]
pub use retry::RecordingSleep;
pub use retry::{RetryPolicy, Sleep, TokioSleep};
pub use secrecy::SecretString;
pub use secrets::MIN_KEY_LEN;
pub use service_account::ServiceAccountKey;
pub use site::Site;
pub use syncs::{
    Activate, CreateSync, Deactivate, DeleteSync, EntityContextSyncs, EntraIdAppRegistrations,
    GetSync, ListSyncs, MAX_ID_LEN, ValidateCredentials, ValidateSync,
};
pub use tls::install_default_crypto_provider;
pub use update::UpdateSync;

/// The source type of a sync (`GOOGLE_WORKSPACE`, `OKTA`, `ENTRA_ID`,
/// `CROWDSTRIKE`, `SENTINELONE`, …).
///
/// Generated from the spec's enum by `cargo xtask generate`, so a value the
/// spec gains becomes a variant on regeneration; a value the server sends
/// that this version does not know is kept as `Unknown(String)`. Print it
/// with `Display` or [`as_str`](IntegrationType::as_str) (the wire value,
/// `OKTA`), not `Debug`; it is `#[non_exhaustive]`, so a `match` needs a
/// wildcard arm.
#[doc(inline)]
pub use entity_context_sync_client::open_enums::SecurityMonitoringIntegrationType as IntegrationType;

/// The state of a sync's credentials (`valid`, `invalid`, `initializing`, …);
/// unknown values are kept as `Unknown(String)`. Print it with `Display` or
/// [`as_str`](SyncState::as_str) (the wire value); `#[non_exhaustive]`.
#[doc(inline)]
pub use entity_context_sync_client::open_enums::SecurityMonitoringIntegrationConfigState as SyncState;
