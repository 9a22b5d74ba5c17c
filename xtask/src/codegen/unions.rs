//! `oneOf` + `discriminator` schemas become `unions::*` enums generated here.
//!
//! typify 0.8 ignores `discriminator` and emits an `#[serde(untagged)]` enum:
//! decoding tries each member in turn, errors say only "did not match any
//! variant", and a source type newer than the SDK cannot be represented. The
//! enums generated here dispatch on the discriminator's value, name each
//! variant after it (`GOOGLE_WORKSPACE` -> `GoogleWorkspace`), and keep an
//! unknown value as `Unknown(RawAttributes)`: the escape hatch for a source
//! type newer than the SDK.

use std::collections::BTreeSet;
use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use super::{CLIENT_CRATE, Replaced, component_schemas, pascal, typify_name};
use crate::Error;
use crate::spec::Spec;

/// A discriminated union.
#[derive(Debug, Clone)]
pub(super) struct Union {
    pub(super) ty: Replaced,
    description: String,
    pub(super) property: String,
    /// One per mapping value, in mapping order.
    pub(super) variants: Vec<Variant>,
}

/// One member of a [`Union`].
#[derive(Debug, Clone)]
pub(super) struct Variant {
    /// The discriminator value (`OKTA`).
    pub(super) value: String,
    /// The variant's name (`Okta`).
    pub(super) name: String,
    /// typify's name for the member type.
    pub(super) member: String,
    /// The member's component schema.
    pub(super) schema: String,
}

impl Union {
    /// The member types typify must generate.
    pub(super) fn members(&self) -> impl Iterator<Item = &str> {
        self.variants.iter().map(|v| v.member.as_str())
    }
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Every component schema with both `oneOf` and `discriminator`.
pub(super) fn schemas(spec: &Spec, file: &Path) -> Result<Vec<Union>, Error> {
    component_schemas(spec)
        .filter(|(_, s)| s.get("oneOf").is_some() && s.get("discriminator").is_some())
        .map(|(name, schema)| union(spec, name, schema, file))
        .collect()
}

fn union(spec: &Spec, name: &str, schema: &Value, file: &Path) -> Result<Union, Error> {
    let problem = |what: String| {
        Error::new(
            file,
            format!("schema `{name}` (`oneOf` with a `discriminator`) {what}"),
        )
    };
    let property = schema
        .pointer("/discriminator/propertyName")
        .and_then(Value::as_str)
        .ok_or_else(|| problem("has no `discriminator.propertyName`".to_string()))?;
    let members: Vec<&str> = schema["oneOf"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            m.get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(SCHEMA_PREFIX))
                .ok_or_else(|| {
                    problem(
                        "has a `oneOf` member that is not a `$ref` to a component schema"
                            .to_string(),
                    )
                })
        })
        .collect::<Result<_, _>>()?;
    let mapping = schema
        .pointer("/discriminator/mapping")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            problem("has no `discriminator.mapping`; list each value's schema".to_string())
        })?;
    let mut variants: Vec<Variant> = Vec::new();
    let mut mapped = BTreeSet::new();
    for (value, target) in mapping {
        let target = target
            .as_str()
            .and_then(|t| t.strip_prefix(SCHEMA_PREFIX))
            .ok_or_else(|| {
                problem(format!(
                    "maps `{value}` to something that is not a component schema"
                ))
            })?;
        if !members.contains(&target) {
            return Err(problem(format!(
                "maps `{value}` to `{target}`, which is not one of its `oneOf` members; add it to `oneOf` or fix the mapping"
            )));
        }
        let member = spec.raw.pointer(&format!("/components/schemas/{target}"));
        let required = member
            .and_then(|m| m.get("required"))
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|p| p.as_str() == Some(property)));
        if !required {
            return Err(problem(format!(
                "member `{target}` does not require the discriminator `{property}`; add `{property}` to its `required` list"
            )));
        }
        if let Some(allowed) = member.and_then(|m| pinned_values(spec, m, property))
            && !allowed.iter().any(|a| a == value)
        {
            return Err(problem(format!(
                "maps `{value}` to `{target}`, whose `{property}` only allows {}; the mapping value and the member's enum must agree",
                allowed
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let variant = pascal(value);
        let unusable = if syn::parse_str::<Ident>(&variant).is_err() {
            Some("which is not a Rust identifier")
        } else if variant == "Unknown" {
            Some("which is reserved for the catch-all `Unknown(RawAttributes)`")
        } else {
            None
        };
        if let Some(why) = unusable {
            return Err(problem(format!(
                "maps `{value}`, whose variant name would be `{variant}`, {why}; variants are named after the mapping values"
            )));
        }
        if let Some(other) = variants.iter().find(|v| v.name == variant) {
            return Err(problem(format!(
                "maps both `{}` and `{value}` to the variant name `{variant}`; variants are named after the mapping values, so they must differ in more than case and punctuation",
                other.value
            )));
        }
        let type_name = typify_name(target)
            .ok_or_else(|| problem(format!("member `{target}` is not an ASCII name")))?;
        mapped.insert(target);
        variants.push(Variant {
            value: value.clone(),
            name: variant,
            member: type_name,
            schema: target.to_string(),
        });
    }
    if let Some(missing) = members.iter().find(|m| !mapped.contains(*m)) {
        return Err(problem(format!(
            "has the member `{missing}` that no `discriminator.mapping` value names; map its `{property}` value to it"
        )));
    }
    Ok(Union {
        ty: Replaced::new(name, "unions", file)?,
        description: schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_string(),
        property: property.to_string(),
        variants,
    })
}

/// The values a member's discriminator property allows, when it is an `enum`
/// (inline or through a `$ref`): the mapping must agree with it, or every
/// decode of that value would fail.
fn pinned_values(spec: &Spec, member: &Value, property: &str) -> Option<Vec<String>> {
    let escaped = property.replace('~', "~0").replace('/', "~1");
    let mut schema = member.pointer(&format!("/properties/{escaped}"))?;
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        schema = spec.raw.pointer(target.strip_prefix('#')?)?;
    }
    schema
        .get("enum")?
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The `unions` module, or nothing when the spec has no discriminated union.
pub(super) fn module(unions: &[Union]) -> Option<TokenStream> {
    if unions.is_empty() {
        return None;
    }
    let items = unions.iter().map(union_tokens);
    Some(quote! {
        /// Discriminated unions (`oneOf` + `discriminator`): one variant per
        /// mapped value, and `Unknown` for a value newer than this SDK.
        pub mod unions {
            /// A decode error's message without any string of `secrets`:
            /// serde quotes an unexpected string (a key file pasted as a
            /// string where an object belongs), which must not carry a secret
            /// into an error or a log.
            fn scrub(
                message: ::std::string::String,
                secrets: ::std::option::Option<&::entity_context_sync_client::SecretJson>,
            ) -> ::std::string::String {
                fn strings<'a>(value: &'a ::serde_json::Value, out: &mut ::std::vec::Vec<&'a str>) {
                    match value {
                        ::serde_json::Value::String(s) => out.push(s),
                        ::serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
                        ::serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
                        _ => {}
                    }
                }
                let mut found = ::std::vec::Vec::new();
                if let ::std::option::Option::Some(secrets) = secrets {
                    strings(secrets.expose_secret(), &mut found);
                }
                // Longest first, so no part of a longer secret is left behind.
                found.sort_by_key(|s| ::std::cmp::Reverse(s.len()));
                let mut message = message;
                for secret in found.into_iter().filter(|s| !s.is_empty()) {
                    let quoted = ::std::format!("{secret:?}");
                    for form in [secret, &quoted[1..quoted.len() - 1]] {
                        message = message.replace(form, ::entity_context_sync_client::secret::REDACTED);
                    }
                }
                message
            }

            #(#items)*
        }
    })
}

fn union_tokens(u: &Union) -> TokenStream {
    let krate = Ident::new(CLIENT_CRATE, Span::call_site());
    let name = Ident::new(&u.ty.type_name, Span::call_site());
    let name_str = u.ty.type_name.as_str();
    let description = &u.description;
    let property = &u.property;
    let values: Vec<&String> = u.variants.iter().map(|v| &v.value).collect();
    let variants: Vec<Ident> = u
        .variants
        .iter()
        .map(|v| Ident::new(&v.name, Span::call_site()))
        .collect();
    let members: Vec<TokenStream> = u
        .variants
        .iter()
        .map(|v| {
            let member = Ident::new(&v.member, Span::call_site());
            quote! { ::#krate::types::#member }
        })
        .collect();
    let docs = u.variants.iter().map(|v| {
        format!(
            "`{}`: [`{}`](::{CLIENT_CRATE}::types::{}).",
            v.value, v.member, v.member
        )
    });
    let unknown_doc = format!(
        "A `{property}` this version of the SDK does not know, as raw attributes (also the escape hatch to send one)."
    );
    let tag_doc = format!("Tagged by `{property}`.");
    quote! {
        #[doc = #description]
        ///
        #[doc = #tag_doc]
        #[derive(Clone, Debug)]
        pub enum #name {
            #( #[doc = #docs] #variants(#members), )*
            #[doc = #unknown_doc]
            Unknown(::#krate::RawAttributes),
        }

        impl #name {
            /// The discriminator property.
            pub const DISCRIMINATOR: &'static str = #property;

            /// The discriminator's value.
            pub fn discriminator_value(&self) -> &str {
                match self {
                    #( Self::#variants(_) => #values, )*
                    Self::Unknown(raw) => raw.str_field(Self::DISCRIMINATOR),
                }
            }
        }

        #(
            impl ::std::convert::From<#members> for #name {
                fn from(value: #members) -> Self {
                    Self::#variants(value)
                }
            }
        )*

        impl ::std::convert::From<::#krate::RawAttributes> for #name {
            fn from(value: ::#krate::RawAttributes) -> Self {
                Self::Unknown(value)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #( Self::#variants(value) => ::serde::Serialize::serialize(value, serializer), )*
                    Self::Unknown(raw) => ::serde::Serialize::serialize(raw, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                use ::serde::de::Error as _;
                let map = <::serde_json::Map<::std::string::String, ::serde_json::Value> as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = match map.get(#property) {
                    Some(::serde_json::Value::String(tag)) => tag.clone(),
                    Some(_) => return Err(D::Error::custom(concat!("`", #property, "` must be a string"))),
                    None => return Err(D::Error::missing_field(#property)),
                };
                match tag.as_str() {
                    #(
                        #values => {
                            let secrets = map
                                .get(::entity_context_sync_client::secret::RAW_SECRETS_KEY)
                                .cloned()
                                .map(::entity_context_sync_client::SecretJson::new);
                            ::serde_json::from_value(::serde_json::Value::Object(map))
                                .map(Self::#variants)
                                .map_err(|e| D::Error::custom(scrub(e.to_string(), secrets.as_ref())))
                        }
                    )*
                    _ => Ok(Self::Unknown(::#krate::RawAttributes::new(map, None))),
                }
            }
        }

        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                #name_str.into()
            }
            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let one_of = ::std::vec![#( generator.subschema_for::<#members>() ),*];
                ::schemars::json_schema!({
                    "description": #description,
                    "oneOf": one_of,
                    "discriminator": { "propertyName": #property },
                })
            }
        }
    }
}
