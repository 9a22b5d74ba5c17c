//! The facade crate's generated layer (`crates/entity-context-sync/src/generated.rs`):
//! what the spec already says about operations and source types, as code the
//! hand-written facade calls, so a new source type or operation is absorbed
//! by regenerating.
//!
//! - [`operations`]: `Operation`, one variant per operation, with its
//!   operationId, method, path, permission and span.
//! - [`sources`]: per source type of the request unions, `Creds`, the
//!   constructors of `Credentials` and `NewSync`, setters for optional
//!   secrets, checks, scrubbing and the conversion to each union.
//! - [`model`]: `IntegrationConfig`, the response's `data` flattened.
//!
//! What is hand-made (Google's key file, names that keep today's API) is a
//! row of [`custom`], naming a hook of the facade; never a per-source `match`
//! of hand-written code.

mod custom;
mod model;
mod operations;
mod sources;

use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;

use super::OpenEnum;
use super::secrets::SecretStruct;
use super::types::TypeInfo;
use super::unions::Union;
use crate::Error;
use crate::spec::Spec;

/// The generated layer of the facade crate.
pub const FACADE_OUT: &str = "crates/entity-context-sync/src/generated.rs";

/// What the facade layer is generated from.
pub(crate) struct Input<'a> {
    pub(super) spec: &'a Spec,
    pub(super) file: &'a Path,
    pub(super) enums: &'a [OpenEnum],
    pub(super) unions: &'a [Union],
    pub(super) secrets: &'a [SecretStruct],
    pub(super) types: &'a TypeInfo,
}

/// `CreateSecurityMonitoringIntegrationConfig` → `create_security_monitoring_integration_config`.
pub(super) fn snake_case(name: &str) -> String {
    operations::snake(name)
}

/// Whether `spec` is the resource's (it has the configuration model's
/// schema): only then must every customisation row match something in it.
/// The xtask's own tests generate from small synthetic specs too.
pub(super) fn is_resource(spec: &Spec) -> bool {
    spec.raw
        .pointer(&format!("/components/schemas/{}", custom::CONFIG_MODEL.1))
        .is_some()
}

/// Every source type of the request unions, and whether it takes secrets.
pub(super) fn catalogue(input: &Input<'_>) -> Result<Vec<(String, bool)>, Error> {
    let ops = operations::operations(input.spec, input.file)?;
    sources::catalogue(input, &ops)
}

/// The facade layer's code.
pub(super) fn generate(input: &Input<'_>) -> Result<TokenStream, Error> {
    let ops = operations::operations(input.spec, input.file)?;
    let operation = operations::tokens(&ops);
    let sources = sources::tokens(input, &ops)?;
    let model = model::tokens(input)?;
    Ok(quote! {
        use ::entity_context_sync_client as client;

        #operation
        #sources
        #model
    })
}
