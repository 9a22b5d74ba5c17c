//! The state the server and the [`FakeDatadog`](crate::FakeDatadog) handle
//! share: options, configs, scheduled faults, the request log, the rate limiter.

use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{Value, json};

use crate::faults::FaultPlan;
use crate::rate_limit::RateLimiter;
use crate::record::RecordedRequest;
use crate::state::Store;

/// Options fixed at start.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) api_key: String,
    pub(crate) app_key: String,
    /// `(limit, period_secs)` when a limit is enforced from the start.
    pub(crate) rate_limit: Option<(u32, u64)>,
    /// Whether requests are kept for [`FakeDatadog::requests`](crate::FakeDatadog::requests).
    pub(crate) record: bool,
}

/// Everything that changes while the fake runs.
#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) store: Store,
    pub(crate) faults: FaultPlan,
    pub(crate) log: Vec<RecordedRequest>,
    /// Requests received since start or the last reset.
    pub(crate) seq: u64,
    pub(crate) limiter: RateLimiter,
    /// The body `GET .../entra_id/azure_app_registrations` answers.
    pub(crate) azure: Value,
}

impl Inner {
    fn new(options: &Options) -> Self {
        Self {
            store: Store::new(),
            faults: FaultPlan::default(),
            log: Vec::new(),
            seq: 0,
            limiter: RateLimiter::new(options.rate_limit),
            azure: default_azure_app_registrations(),
        }
    }
}

/// Shared between the server tasks and the handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) options: Options,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(options: Options) -> Self {
        let inner = Mutex::new(Inner::new(&options));
        Self { options, inner }
    }

    /// The mutable state (a panic elsewhere never makes it unusable).
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Back to the state right after start (options kept).
    pub(crate) fn reset(&self) {
        *self.lock() = Inner::new(&self.options);
    }
}

/// A plausible `SecurityMonitoringEntraIdAzureAppRegistrationsResponse`.
pub fn default_azure_app_registrations() -> Value {
    json!({
        "data": {
            "id": "00000000-0000-4000-8000-00000000a2e1",
            "type": "entra_id_azure_app_registrations",
            "attributes": {
                "azure_app_registrations": [{
                    "tenant_id": "72f988bf-0000-4000-8000-000000000001",
                    "client_id": "5a1b2c3d-0000-4000-8000-000000000002",
                    "resource_collection_enabled": true,
                    "subscription_count": 2,
                    "error_count": 0
                }],
                "has_valid_prerequisite": true,
                "integration_id": "00000000-0000-4000-8000-0000000e17a1",
                "is_enabled": true,
                "subscribed_at": "2026-05-01T12:00:00Z"
            }
        }
    })
}
