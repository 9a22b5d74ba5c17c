//! The per-operation policy: one hand-written row per operation of the
//! generated [`Operation`], which the executor reads. An operation the spec
//! gains does not compile until it has its row here.

use crate::Operation;

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

/// What the executor does for one operation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    pub(crate) retry: RetryClass,
    /// Whether it changes anything at Datadog.
    pub(crate) mutating: bool,
    /// A 404 after an attempt that may have been applied means done.
    pub(crate) gone_is_done: bool,
    /// A 400 is the answer "not valid", not a failure.
    pub(crate) bad_request_is_answer: bool,
}

const READ: Policy = Policy {
    retry: RetryClass::Safe,
    mutating: false,
    gone_is_done: false,
    bad_request_is_answer: false,
};

const WRITE: Policy = Policy {
    mutating: true,
    ..READ
};

impl Operation {
    /// This operation's row.
    pub(crate) const fn policy(self) -> Policy {
        match self {
            // Not idempotent: a repeat could create a duplicate.
            Operation::Create => Policy {
                retry: RetryClass::Unsafe,
                ..WRITE
            },
            Operation::List => READ,
            Operation::Get => READ,
            // Sets absolute values: sending it twice leaves the same state.
            Operation::Update => WRITE,
            // A repeat after success gets 404: the first attempt deleted it.
            Operation::Delete => Policy {
                gone_is_done: true,
                ..WRITE
            },
            // Datadog answers 400 for credentials that are not valid.
            Operation::Validate => Policy {
                bad_request_is_answer: true,
                ..READ
            },
            Operation::ValidateCredentials => Policy {
                bad_request_is_answer: true,
                ..READ
            },
            // Documented by Datadog as idempotent: an existing integration is returned.
            Operation::Activate => WRITE,
            // A repeat after success finds nothing active (404): it is done.
            Operation::Deactivate => Policy {
                gone_is_done: true,
                ..WRITE
            },
            Operation::EntraIdAppRegistrations => READ,
        }
    }

    /// Whether sending it twice has the same effect as once, so the SDK
    /// retries it after 5xx, resets and timeouts too. Only create is not.
    pub fn is_idempotent(self) -> bool {
        self.policy().retry == RetryClass::Safe
    }

    /// Whether it changes anything at Datadog.
    pub fn is_mutating(self) -> bool {
        self.policy().mutating
    }

    pub(crate) fn retry_class(self) -> RetryClass {
        self.policy().retry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_the_specs() {
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
