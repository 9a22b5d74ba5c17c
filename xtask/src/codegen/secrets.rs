//! Write-only schemas become `secrets::*` structs generated here rather than
//! by typify: every string in them is a redacted, zeroized `SecretString`,
//! additional properties are `SecretJson`, and `Debug` prints no value.
//!
//! A secrets schema is the `$ref` of the `secrets` property of a member of a
//! discriminated union (`oneOf` + `discriminator`): each source type's
//! credentials, as Datadog's spec has them. A component schema marked
//! `writeOnly: true` is one too. Every object schema a secrets schema
//! reaches through `$ref` properties is secret as well (the Google service
//! account key inside Google Workspace's secrets).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use super::{CLIENT_CRATE, Replaced, component_schemas, typify_name};
use crate::Error;
use crate::spec::Spec;

/// A generated write-only struct.
#[derive(Debug, Clone)]
pub(super) struct SecretStruct {
    pub(super) ty: Replaced,
    pub(super) description: String,
    /// By name (the wire order of the struct's fields).
    pub(super) fields: Vec<Field>,
    /// The required properties, in the order of the schema's `required` list.
    pub(super) required: Vec<String>,
    /// Additional properties are allowed: kept in `extra`.
    pub(super) extra: bool,
}

/// One property of a [`SecretStruct`].
#[derive(Debug, Clone)]
pub(super) struct Field {
    /// The property's name on the wire.
    pub(super) wire: String,
    /// The Rust field name.
    pub(super) ident: String,
    pub(super) description: Option<String>,
    pub(super) required: bool,
    /// `None`: a secret string; `Some(name)`: another write-only struct.
    pub(super) nested: Option<String>,
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Every secrets schema and the object schemas it reaches, in name order.
pub(super) fn schemas(spec: &Spec, file: &Path) -> Result<Vec<SecretStruct>, Error> {
    let all: BTreeMap<&String, &Value> = component_schemas(spec).collect();
    let marked = all
        .iter()
        .filter(|(_, s)| s.get("writeOnly") == Some(&Value::Bool(true)))
        .map(|(n, _)| n.to_string());
    // The `secrets` of every member of a discriminated union.
    let members = all
        .values()
        .filter(|s| s.get("oneOf").is_some() && s.get("discriminator").is_some())
        .flat_map(|s| s["oneOf"].as_array().into_iter().flatten())
        .filter_map(|m| m.get("$ref").and_then(Value::as_str))
        .filter_map(|r| {
            all.get(&r.strip_prefix(SCHEMA_PREFIX)?.to_string())
                .copied()
        });
    let by_role = members
        .filter_map(|m| {
            m.pointer("/properties/secrets/$ref")
                .and_then(Value::as_str)
        })
        .map(|r| r.strip_prefix(SCHEMA_PREFIX).unwrap_or(r).to_string());
    let mut todo: Vec<String> = marked.chain(by_role).collect();
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let schema = all.get(&name).copied().unwrap_or(&Value::Null);
        for prop in properties(schema) {
            if let Some(target) = prop.1.get("$ref").and_then(Value::as_str) {
                let target = target.strip_prefix(SCHEMA_PREFIX).unwrap_or(target);
                todo.push(target.to_string());
            }
        }
    }
    seen.iter()
        .map(|name| secret_struct(name, all.get(name).copied().unwrap_or(&Value::Null), file))
        .collect()
}

fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

fn secret_struct(name: &str, schema: &Value, file: &Path) -> Result<SecretStruct, Error> {
    let problem = |what: String| {
        Error::new(
            file,
            format!(
                "write-only schema `{name}` {what}; secrets may hold strings, write-only objects and additional properties only"
            ),
        )
    };
    if schema.get("type").and_then(Value::as_str) != Some("object") {
        return Err(problem("is not `type: object`".to_string()));
    }
    let required_order: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|r| properties(schema).any(|(name, _)| name == r))
        .map(str::to_string)
        .collect();
    let required: BTreeSet<&str> = required_order.iter().map(String::as_str).collect();
    let mut fields = Vec::new();
    for (wire, prop) in properties(schema) {
        let nested = match (
            prop.get("$ref").and_then(Value::as_str),
            prop.get("type").and_then(Value::as_str),
        ) {
            (Some(r), _) => Some(
                typify_name(r.strip_prefix(SCHEMA_PREFIX).unwrap_or(r)).ok_or_else(|| {
                    problem(format!(
                        "property `{wire}` refers to a non-ASCII schema name"
                    ))
                })?,
            ),
            (None, Some("string")) => None,
            (None, other) => {
                return Err(problem(format!(
                    "property `{wire}` is `{}`",
                    other.unwrap_or("untyped")
                )));
            }
        };
        fields.push(Field {
            wire: wire.clone(),
            ident: field_ident(wire)
                .ok_or_else(|| problem(format!("property `{wire}` is not a Rust field name")))?,
            description: prop
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            required: required.contains(wire.as_str()),
            nested,
        });
    }
    if fields.iter().any(|f| f.ident == "extra") {
        return Err(problem(
            "has a property named `extra`, the name kept for additional properties".to_string(),
        ));
    }
    let extra = !matches!(
        schema.get("additionalProperties"),
        None | Some(Value::Bool(false))
    );
    Ok(SecretStruct {
        ty: Replaced::new(name, "secrets", file)?,
        description: schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_string(),
        fields,
        required: required_order,
        extra,
    })
}

/// `api_token` stays; a keyword (`type`) gets a trailing `_`; anything that is
/// not snake_case ASCII is refused.
pub(super) fn field_ident(wire: &str) -> Option<String> {
    if wire.is_empty()
        || !wire
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        || wire.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    Some(if syn::parse_str::<Ident>(wire).is_ok() {
        wire.to_string()
    } else {
        format!("{wire}_")
    })
}

/// The `secrets` module, or nothing when the spec has no write-only schema.
pub(super) fn module(structs: &[SecretStruct]) -> Option<TokenStream> {
    if structs.is_empty() {
        return None;
    }
    let items = structs.iter().map(secret_tokens);
    Some(quote! {
        /// Write-only credentials, one struct per write-only schema. Every
        /// value is redacted in `Debug`, zeroized on drop, and exposed only
        /// when the request body is serialized.
        pub mod secrets {
            #(#items)*
        }
    })
}

fn secret_tokens(s: &SecretStruct) -> TokenStream {
    let krate = Ident::new(CLIENT_CRATE, Span::call_site());
    let name = Ident::new(&s.ty.type_name, Span::call_site());
    let name_str = s.ty.type_name.as_str();
    let description = &s.description;
    let mut fields = Vec::new();
    let mut debug = Vec::new();
    for f in &s.fields {
        let ident = Ident::new(&f.ident, Span::call_site());
        let wire = &f.wire;
        let rename = (f.ident != f.wire).then(|| quote! { #[serde(rename = #wire)] });
        let doc = f.description.as_ref().map(|d| quote! { #[doc = #d] });
        let field = match (&f.nested, f.required) {
            (None, true) => quote! {
                #[serde(serialize_with = "::entity_context_sync_client::secret::expose")]
                #[schemars(with = "::std::string::String")]
                pub #ident: ::#krate::secret::SecretString
            },
            (None, false) => quote! {
                #[serde(
                    default,
                    skip_serializing_if = "::std::option::Option::is_none",
                    serialize_with = "::entity_context_sync_client::secret::expose_option"
                )]
                #[schemars(with = "::std::option::Option<::std::string::String>")]
                pub #ident: ::std::option::Option<::#krate::secret::SecretString>
            },
            (Some(nested), true) => {
                let nested = Ident::new(nested, Span::call_site());
                quote! { pub #ident: #nested }
            }
            (Some(nested), false) => {
                let nested = Ident::new(nested, Span::call_site());
                quote! {
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub #ident: ::std::option::Option<#nested>
                }
            }
        };
        fields.push(quote! { #doc #rename #field });
        let shown = match (&f.nested, f.required) {
            (None, true) => quote! { &::#krate::secret::Redacted },
            (None, false) => quote! { &self.#ident.as_ref().map(|_| ::#krate::secret::Redacted) },
            (Some(_), _) => quote! { &self.#ident },
        };
        debug.push(quote! { .field(#wire, #shown) });
    }
    if s.extra {
        fields.push(quote! {
            /// Additional properties, each held as a secret.
            #[serde(flatten)]
            pub extra: ::std::collections::BTreeMap<::std::string::String, ::#krate::SecretJson>
        });
        debug.push(quote! { .field("extra", &::#krate::secret::redacted_map(&self.extra)) });
    }
    quote! {
        #[doc = #description]
        #[derive(Clone, ::serde::Deserialize, ::serde::Serialize, schemars::JsonSchema)]
        pub struct #name {
            #(#fields,)*
        }

        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name_str) #(#debug)* .finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::field_ident;

    #[test]
    fn field_idents() {
        assert_eq!(field_ident("api_token").as_deref(), Some("api_token"));
        assert_eq!(field_ident("type").as_deref(), Some("type_"));
        assert_eq!(field_ident("clientId"), None);
        assert_eq!(field_ident("1x"), None);
        assert_eq!(field_ident(""), None);
    }
}
