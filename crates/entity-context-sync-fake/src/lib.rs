#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod faults;
mod front;
#[rustfmt::skip]
mod generated;
mod rate_limit;
#[cfg(feature = "raw")]
pub mod raw;
mod record;
mod reply;
mod routes;
mod server;
mod shared;
mod spec;
mod state;
mod validate;

pub use faults::{Fault, MALFORMED_BODY};
pub use rate_limit::{DEFAULT_RATE_LIMIT, DEFAULT_RATE_PERIOD_SECS, RATE_LIMIT_NAME};
pub use record::{REDACTED, RecordedRequest};
pub use routes::API_PATH;
pub use server::{Builder, FAKE_API_KEY, FAKE_APP_KEY, FakeDatadog};
pub use shared::default_azure_app_registrations;
pub use spec::{operation_ids, source_types};
pub use state::{INVALID_SECRET_PREFIX, SeedConfig};
