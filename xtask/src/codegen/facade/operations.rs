//! `Operation`: one variant per operation of the spec, with its operationId,
//! method, path, permission and span. The per-operation policy (retries, what
//! a 404 or a 400 means) is the facade's hand-written `policy.rs`.

use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use super::custom::{OPERATION_NAMES, RESOURCE_WORDS};
use crate::Error;
use crate::spec::Spec;

/// One operation of the spec, as the facade names it.
#[derive(Debug, Clone)]
pub(super) struct Op {
    pub(super) id: String,
    /// The variant (`Create`).
    pub(super) variant: String,
    /// The SDK's name (`create`), as in spans and messages.
    pub(super) name: String,
    method: String,
    path: String,
    summary: String,
    permission: String,
}

/// Every operation, in the spec's order.
pub(super) fn operations(spec: &Spec, file: &Path) -> Result<Vec<Op>, Error> {
    for (id, _) in OPERATION_NAMES {
        if super::is_resource(spec)
            && !spec
                .doc
                .operations()
                .any(|(_, _, op)| op.operation_id.as_deref() == Some(id))
        {
            return Err(Error::new(
                file,
                format!(
                    "xtask/src/codegen/facade/custom.rs names the operation `{id}` in OPERATION_NAMES, which the spec does not have; remove the row"
                ),
            ));
        }
    }
    let mut ops: Vec<Op> = Vec::new();
    for (path, method, op) in spec.doc.operations() {
        let id = op.operation_id.clone().unwrap_or_default();
        let variant = variant_name(&id);
        if let Some(other) = ops.iter().find(|o| o.variant == variant) {
            return Err(Error::new(
                file,
                format!(
                    "operations `{}` and `{id}` both become `Operation::{variant}` (the operationId without the words {}); name one in OPERATION_NAMES (xtask/src/codegen/facade/custom.rs)",
                    other.id,
                    RESOURCE_WORDS.join(", ")
                ),
            ));
        }
        let raw = &spec.raw["paths"][path][method];
        ops.push(Op {
            name: snake(&variant),
            variant,
            method: method.to_uppercase(),
            path: path.to_string(),
            summary: op.summary.clone().unwrap_or_default(),
            permission: permission(raw),
            id,
        });
    }
    Ok(ops)
}

/// The operationId without the words naming the resource, unless
/// [`OPERATION_NAMES`] says otherwise.
fn variant_name(id: &str) -> String {
    if let Some((_, name)) = OPERATION_NAMES.iter().find(|(i, _)| *i == id) {
        return (*name).to_string();
    }
    let kept: String = words(id)
        .into_iter()
        .filter(|w| !RESOURCE_WORDS.contains(&w.as_str()))
        .collect();
    if kept.is_empty() {
        id.to_string()
    } else {
        kept
    }
}

/// `CreateSecurityMonitoringIntegrationConfig` → `Create`, `Security`, ….
fn words(id: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in id.chars() {
        match out.last_mut() {
            Some(word) if !c.is_ascii_uppercase() => word.push(c),
            _ => out.push(c.to_string()),
        }
    }
    out
}

/// `ValidateCredentials` → `validate_credentials`.
pub(super) fn snake(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// The `x-permission` permissions joined by their operator (`a or b`), or
/// else the OAuth scopes of `security`.
fn permission(op: &Value) -> String {
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    if let Some(x) = op.get("x-permission") {
        let joiner = match x.get("operator").and_then(Value::as_str) {
            Some("AND") => " and ",
            _ => " or ",
        };
        return list(&x["permissions"]).join(joiner);
    }
    let scopes: Vec<String> = op
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|s| s.values().flat_map(&list))
        .collect();
    scopes.join(" or ")
}

pub(super) fn tokens(ops: &[Op]) -> TokenStream {
    let variants: Vec<Ident> = ops
        .iter()
        .map(|o| Ident::new(&o.variant, Span::call_site()))
        .collect();
    let docs = ops.iter().map(|o| {
        let summary = o.summary.trim_end_matches('.');
        format!("`{}` (`{} {}`): {summary}.", o.id, o.method, o.path)
    });
    let count = ops.len();
    let ids = ops.iter().map(|o| &o.id);
    let names = ops.iter().map(|o| &o.name);
    let methods = ops.iter().map(|o| &o.method);
    let paths = ops.iter().map(|o| &o.path);
    let permissions = ops.iter().map(|o| &o.permission);
    let spans = ops
        .iter()
        .map(|o| format!("entity_context_sync.{}", o.name));
    quote! {
        /// An operation on entity context sync configurations: one per
        /// operation of the spec. Errors carry the operation they came from, so
        /// [`Error::is_retryable`](crate::Error::is_retryable) and
        /// [`Error::may_have_been_applied`](crate::Error::may_have_been_applied)
        /// answer for that operation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            #( #[doc = #docs] #variants, )*
        }

        impl Operation {
            /// Every operation, in the spec's order.
            pub const ALL: [Operation; #count] = [#(Operation::#variants),*];

            /// The spec's operationId.
            pub fn operation_id(self) -> &'static str {
                match self { #( Self::#variants => #ids, )* }
            }

            /// The SDK's name for it (`create`, `list`, …), as in spans and messages.
            pub fn name(self) -> &'static str {
                match self { #( Self::#variants => #names, )* }
            }

            /// The HTTP method (`GET`, `POST`, …).
            pub fn method(self) -> &'static str {
                match self { #( Self::#variants => #methods, )* }
            }

            /// The path, with its `{placeholders}`.
            pub fn path(self) -> &'static str {
                match self { #( Self::#variants => #paths, )* }
            }

            /// The permission the application key's user (or service account)
            /// needs (the spec's `x-permission`, such as `manage_integrations`).
            pub fn permission(self) -> &'static str {
                match self { #( Self::#variants => #permissions, )* }
            }

            /// The call's span, `entity_context_sync.<name>`, with the
            /// executor's target (its events share it); the executor records
            /// `attempt`, `status` and `rate_limit_remaining` as it goes.
            pub(crate) fn span(self, site: &str, integration_type: &str) -> ::tracing::Span {
                match self {
                    #( Self::#variants => ::tracing::info_span!(
                        target: "entity_context_sync::exec",
                        #spans,
                        site = %site,
                        integration_type = %integration_type,
                        attempt = ::tracing::field::Empty,
                        status = ::tracing::field::Empty,
                        rate_limit_remaining = ::tracing::field::Empty,
                    ), )*
                }
            }
        }

        impl ::std::fmt::Display for Operation {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{snake, variant_name};

    #[test]
    fn operation_names_drop_the_resource_words() {
        for (id, variant) in [
            ("CreateSecurityMonitoringIntegrationConfig", "Create"),
            ("ListSecurityMonitoringIntegrationConfigs", "List"),
            (
                "ValidateSecurityMonitoringIntegrationCredentials",
                "ValidateCredentials",
            ),
            ("ActivateIntegration", "Activate"),
            ("GetEntraIdAzureAppRegistrations", "EntraIdAppRegistrations"),
            ("PauseSecurityMonitoringIntegrationConfig", "Pause"),
            ("CreateThing", "CreateThing"),
            (
                "SecurityMonitoringIntegrationConfig",
                "SecurityMonitoringIntegrationConfig",
            ),
        ] {
            assert_eq!(variant_name(id), variant, "{id}");
        }
        assert_eq!(snake("ValidateCredentials"), "validate_credentials");
        assert_eq!(
            snake("EntraIdAppRegistrations"),
            "entra_id_app_registrations"
        );
    }
}
