//! The facade's hand-made customisations the generator applies: the only
//! per-name facts of the facade's generated layer that the spec does not
//! state. Each names a hand-written hook or type in the facade crate; a row
//! whose schema or operation the spec no longer has fails generation.

/// A secrets schema the facade has its own hand-made type for.
pub(super) struct NestedSecret {
    /// The component schema (a property of a source's secrets).
    pub(super) schema: &'static str,
    /// The facade type users pass instead (`From` it into the generated struct).
    pub(super) param: &'static str,
    /// The hand-written check the generated checks call for it.
    pub(super) check: &'static str,
    /// What a raw value must be, said in an error.
    pub(super) hint: &'static str,
}

/// Google's service account key: read from the key file Google issues and
/// checked as one (`ServiceAccountKey`, `crates/entity-context-sync/src/service_account.rs`).
pub(super) const NESTED_SECRETS: &[NestedSecret] = &[NestedSecret {
    schema: "SecurityMonitoringIntegrationConfigGoogleWorkspaceServiceAccount",
    param: "crate::ServiceAccountKey",
    check: "crate::service_account::check_key",
    hint: "the key file's JSON object (use ServiceAccountKey::from_json)",
}];

/// Extra checks of a secret string, by property name, after the common ones
/// (not empty, not too long, no control characters).
pub(super) const SECRET_CHECKS: &[(&str, &str)] = &[("admin_email", "crate::checks::check_email")];

/// Operation names that do not follow the rule (the operationId without the
/// words naming the resource): `Operation::EntraIdAppRegistrations`.
pub(super) const OPERATION_NAMES: &[(&str, &str)] =
    &[("GetEntraIdAzureAppRegistrations", "EntraIdAppRegistrations")];

/// The words of an operationId that name the resource, dropped from the
/// operation's name (`CreateSecurityMonitoringIntegrationConfig` → `Create`).
pub(super) const RESOURCE_WORDS: &[&str] =
    &["Security", "Monitoring", "Integration", "Config", "Configs"];

/// The union members' properties the facade fills from a sync's parts
/// (`crate::attributes::Parts`), besides the discriminator and `secrets`.
pub(super) const PARTS: &[&str] = &["domain", "enabled", "name", "settings"];

/// The facade's model of a configuration: (facade type, the `data` schema).
pub(super) const CONFIG_MODEL: (&str, &str) = (
    "IntegrationConfig",
    "SecurityMonitoringIntegrationConfigData",
);

/// Names the generated `NewSync` and `Credentials` methods must not take: a
/// secret with one of these names would collide with a hand-written method.
pub(super) const RESERVED: &[&str] = &[
    // NewSync (new_sync.rs)
    "credentials",
    "domain",
    "integration_type",
    "map_credentials",
    "name",
    "new",
    "raw",
    "raw_attribute",
    "raw_secrets",
    "secret",
    "setting",
    "settings",
    "settings_map",
    "validate",
    "with_credentials",
    // Credentials (credentials.rs)
    "check",
    "from_creds",
    "is_empty",
    "misuse",
    "set_secret",
    // the aliases (aliases.rs)
    "google_workspace_as",
    "sentinel_one",
];
