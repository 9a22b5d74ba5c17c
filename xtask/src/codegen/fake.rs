//! The fake's generated spec data (`crates/entity-context-sync-fake/src/generated.rs`):
//! the fragment itself (its request bodies are validated against it), its
//! operations (routed by method and path) and its source types, so the
//! fake follows the spec on regeneration and needs no file outside its crate.

use proc_macro2::TokenStream;
use quote::quote;

use super::facade::{Input, catalogue};
use crate::Error;

/// The fake's generated spec data.
pub const FAKE_OUT: &str = "crates/entity-context-sync-fake/src/generated.rs";

pub(super) fn generate(input: &Input<'_>) -> Result<TokenStream, Error> {
    let json = serde_json::to_string(&input.spec.raw)
        .map_err(|e| Error::new(input.file, format!("cannot write the spec as JSON: {e}")))?;
    let operations = super::operation_table(input.spec);
    let ids = operations.iter().map(|o| &o.0);
    let methods = operations.iter().map(|o| &o.1);
    let paths = operations.iter().map(|o| &o.2);
    let sources = catalogue(input)?;
    let types = sources.iter().map(|s| &s.0);
    let without = sources.iter().filter(|s| !s.1).map(|s| &s.0);
    Ok(quote! {
        /// The fragment, as JSON.
        pub(crate) const SPEC_JSON: &str = #json;

        /// Every operation: (operationId, method, path template).
        pub(crate) const OPERATIONS: &[(&str, &str, &str)] = &[#((#ids, #methods, #paths)),*];

        /// Every source type of the request unions (their discriminator values).
        pub(crate) const SOURCE_TYPES: &[&str] = &[#(#types),*];

        /// The source types whose members take no `secrets` (activate creates them).
        pub(crate) const WITHOUT_SECRETS: &[&str] = &[#(#without),*];
    })
}
