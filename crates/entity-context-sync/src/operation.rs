//! [`Operation`]: every call of the API, and the one table that classes
//! each for retries.

use std::fmt;

/// An operation on entity context sync configurations. Errors carry the
/// operation they came from, so [`Error::is_retryable`](crate::Error::is_retryable)
/// and [`Error::may_have_been_applied`](crate::Error::may_have_been_applied)
/// answer for that operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `CreateSecurityMonitoringIntegrationConfig`.
    Create,
    /// `ListSecurityMonitoringIntegrationConfigs`.
    List,
    /// `GetSecurityMonitoringIntegrationConfig`.
    Get,
    /// `UpdateSecurityMonitoringIntegrationConfig`.
    Update,
    /// `DeleteSecurityMonitoringIntegrationConfig`.
    Delete,
    /// `ValidateSecurityMonitoringIntegrationConfig`.
    Validate,
    /// `ValidateSecurityMonitoringIntegrationCredentials`.
    ValidateCredentials,
    /// `ActivateIntegration`.
    Activate,
    /// `DeactivateIntegration`.
    Deactivate,
    /// `GetEntraIdAzureAppRegistrations`.
    EntraIdAppRegistrations,
}

/// How an operation may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryClass {
    /// Repeating it could apply it twice (create): retry only what surely
    /// never reached Datadog (429, connect failures).
    Unsafe,
    /// Repeating it has the same effect as doing it once: also retry 5xx,
    /// resets and timeouts, within the retry budget.
    Safe,
}

/// One row per operation: (operation, operationId, name in spans and
/// messages, retry class, whether it changes state).
const TABLE: &[(Operation, &str, &str, RetryClass, bool)] = &[
    (
        Operation::Create,
        "CreateSecurityMonitoringIntegrationConfig",
        "create",
        RetryClass::Unsafe,
        true,
    ),
    (
        Operation::List,
        "ListSecurityMonitoringIntegrationConfigs",
        "list",
        RetryClass::Safe,
        false,
    ),
    (
        Operation::Get,
        "GetSecurityMonitoringIntegrationConfig",
        "get",
        RetryClass::Safe,
        false,
    ),
    // Sets absolute values: sending it twice leaves the same state.
    (
        Operation::Update,
        "UpdateSecurityMonitoringIntegrationConfig",
        "update",
        RetryClass::Safe,
        true,
    ),
    // A repeat after success gets 404, which the delete call reports as done.
    (
        Operation::Delete,
        "DeleteSecurityMonitoringIntegrationConfig",
        "delete",
        RetryClass::Safe,
        true,
    ),
    (
        Operation::Validate,
        "ValidateSecurityMonitoringIntegrationConfig",
        "validate",
        RetryClass::Safe,
        false,
    ),
    (
        Operation::ValidateCredentials,
        "ValidateSecurityMonitoringIntegrationCredentials",
        "validate_credentials",
        RetryClass::Safe,
        false,
    ),
    // Documented by Datadog as idempotent: an existing integration is returned.
    (
        Operation::Activate,
        "ActivateIntegration",
        "activate",
        RetryClass::Safe,
        true,
    ),
    (
        Operation::Deactivate,
        "DeactivateIntegration",
        "deactivate",
        RetryClass::Safe,
        true,
    ),
    (
        Operation::EntraIdAppRegistrations,
        "GetEntraIdAzureAppRegistrations",
        "entra_id_app_registrations",
        RetryClass::Safe,
        false,
    ),
];

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 10] = [
        Operation::Create,
        Operation::List,
        Operation::Get,
        Operation::Update,
        Operation::Delete,
        Operation::Validate,
        Operation::ValidateCredentials,
        Operation::Activate,
        Operation::Deactivate,
        Operation::EntraIdAppRegistrations,
    ];

    fn row(self) -> &'static (Operation, &'static str, &'static str, RetryClass, bool) {
        // TABLE lists every operation (a unit test checks it).
        TABLE.iter().find(|r| r.0 == self).unwrap_or(&TABLE[0])
    }

    /// The spec's operationId.
    pub fn operation_id(self) -> &'static str {
        self.row().1
    }

    /// The SDK's name for it (`create`, `list`, …), as in spans and messages.
    pub fn name(self) -> &'static str {
        self.row().2
    }

    /// Whether sending it twice has the same effect as once, so the SDK
    /// retries it after 5xx, resets and timeouts too. Only create is not.
    pub fn is_idempotent(self) -> bool {
        self.row().3 == RetryClass::Safe
    }

    /// Whether it changes anything at Datadog.
    pub fn is_mutating(self) -> bool {
        self.row().4
    }

    pub(crate) fn retry_class(self) -> RetryClass {
        self.row().3
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_covers_every_operation_of_the_spec_once() {
        for op in Operation::ALL {
            assert_eq!(TABLE.iter().filter(|r| r.0 == op).count(), 1, "{op:?}");
        }
        let mut spec: Vec<&str> = entity_context_sync_client::spec_info::OPERATIONS
            .iter()
            .map(|o| o.0)
            .collect();
        let mut ours: Vec<&str> = Operation::ALL.iter().map(|o| o.operation_id()).collect();
        spec.sort_unstable();
        ours.sort_unstable();
        assert_eq!(ours, spec);
    }

    #[test]
    fn only_create_is_unsafe_to_repeat() {
        let unsafe_ops: Vec<_> = Operation::ALL
            .into_iter()
            .filter(|o| !o.is_idempotent())
            .collect();
        assert_eq!(unsafe_ops, [Operation::Create]);
    }
}
