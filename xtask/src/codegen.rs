//! Turning the validated spec into the generated files, with progenitor as a
//! library. Output is deterministic: same spec, same bytes.

use std::path::{Path, PathBuf};

use proc_macro2::{Ident, Span, TokenStream};
use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use quote::quote;
use serde_json::Value;

use crate::fresh::GeneratedFile;
use crate::spec::{self, Spec};
use crate::{Error, GENERATE_COMMAND, PROGENITOR_VERSION};

/// The client crate's name as a Rust path (generated paths are absolute so
/// they resolve from the httpmock crate too).
const CLIENT_CRATE: &str = "entity_context_sync_client";

/// The generated client module.
pub const CLIENT_OUT: &str = "crates/entity-context-sync-client/src/generated.rs";
/// The generated httpmock helpers.
pub const HTTPMOCK_OUT: &str = "crates/entity-context-sync-httpmock/src/generated.rs";

/// Generates every file from `root/spec_rel`. Writes nothing.
pub fn generate(root: &Path, spec_rel: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let spec = spec::load(&root.join(spec_rel), spec_rel)?;
    let settings = settings(&spec);

    let client = catch(spec_rel, || {
        let mut generator = Generator::new(&settings);
        generator.generate_tokens(&spec.doc)
    })?;
    let extras = open_enums(&spec).into_iter().chain([spec_info(&spec)]);
    let client = quote! { #client #(#extras)* };

    let mock = catch(spec_rel, || {
        let mut generator = Generator::new(&settings);
        generator.httpmock(&spec.doc, CLIENT_CRATE)
    })?;

    Ok(vec![
        render(CLIENT_OUT, spec_rel, client)?,
        render(HTTPMOCK_OUT, spec_rel, mock)?,
    ])
}

/// Progenitor settings: builder interface, `BTreeMap` maps (stable key order
/// on the wire), `JsonSchema` derives, required hooks (which strip the
/// `api-version` header), open enums and secret maps swapped in.
fn settings(spec: &Spec) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote! { crate::RequestContext })
        .with_derive("schemars::JsonSchema")
        .with_map_type("::std::collections::BTreeMap");
    for (name, _) in open_enum_schemas(spec) {
        settings.with_replacement(
            &name,
            format!("::{CLIENT_CRATE}::open_enums::{name}"),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for name in secret_map_schemas(spec) {
        settings.with_replacement(
            &name,
            format!("::{CLIENT_CRATE}::SecretMap"),
            [TypeImpl::Default].into_iter(),
        );
    }
    settings
}

fn component_schemas(spec: &Spec) -> impl Iterator<Item = (&String, &Value)> {
    spec.raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// String enums with more than one value become open enums: a value the spec
/// does not list is kept as `Unknown(String)` instead of failing the decode.
/// Single-value enums (JSON:API `type` discriminators) stay closed.
fn open_enum_schemas(spec: &Spec) -> Vec<(String, &Value)> {
    component_schemas(spec)
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("string"))
        .filter(|(_, s)| {
            s.get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.len() > 1)
        })
        .map(|(name, s)| (name.clone(), s))
        .collect()
}

/// Write-only string maps hold credentials: they become `SecretMap`, whose
/// values are redacted in `Debug` and zeroized on drop.
fn secret_map_schemas(spec: &Spec) -> Vec<String> {
    component_schemas(spec)
        .filter(|(_, s)| s.get("writeOnly") == Some(&Value::Bool(true)))
        .filter(|(_, s)| {
            s.pointer("/additionalProperties/type")
                .and_then(Value::as_str)
                == Some("string")
        })
        .map(|(name, _)| name.clone())
        .collect()
}

fn open_enums(spec: &Spec) -> Option<TokenStream> {
    let enums = open_enum_schemas(spec);
    if enums.is_empty() {
        return None;
    }
    let items = enums.iter().map(|(name, schema)| open_enum(name, schema));
    Some(quote! {
        /// Open enums: every value the spec lists, plus `Unknown` for values a
        /// newer API returns, kept verbatim instead of failing the decode.
        pub mod open_enums {
            #(#items)*
        }
    })
}

fn open_enum(name: &str, schema: &Value) -> TokenStream {
    let ident = Ident::new(name, Span::call_site());
    let values: Vec<&str> = schema["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let names: Vec<String> = match schema.get("x-enum-varnames").and_then(Value::as_array) {
        Some(v) if v.len() == values.len() => {
            v.iter().filter_map(Value::as_str).map(pascal).collect()
        }
        _ => values.iter().map(|v| pascal(v)).collect(),
    };
    let variants: Vec<Ident> = names
        .iter()
        .map(|n| Ident::new(n, Span::call_site()))
        .collect();
    let docs = values.iter().map(|v| format!("`{v}`"));
    let description = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or(name)
        .to_string();
    let schema_description = format!("{description} Known values: {}.", values.join(", "));
    quote! {
        #[doc = #description]
        ///
        /// Unknown values from the server are kept in [`Self::Unknown`].
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #ident {
            #( #[doc = #docs] #variants, )*
            /// A value this version of the SDK does not know, kept verbatim.
            Unknown(String),
        }

        impl #ident {
            /// Every value the spec lists.
            pub const KNOWN: &'static [Self] = &[#(Self::#variants),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Whether the value is one the spec does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }

        impl ::schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                #name.into()
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "type": "string",
                    "description": #schema_description,
                    "examples": [#(#values),*],
                })
            }
        }
    }
}

/// Facts from the spec that progenitor ignores but the facade must honour.
fn spec_info(spec: &Spec) -> TokenStream {
    let sites: Vec<&str> = spec
        .raw
        .pointer("/servers/0/variables/site/enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let version = spec.doc.info.version.as_str();
    let mut operations: Vec<(String, String, String)> = spec
        .doc
        .operations()
        .map(|(path, method, op)| {
            (
                op.operation_id.clone().unwrap_or_default(),
                method.to_uppercase(),
                path.to_string(),
            )
        })
        .collect();
    operations.sort();
    let ids = operations.iter().map(|o| &o.0);
    let methods = operations.iter().map(|o| &o.1);
    let paths = operations.iter().map(|o| &o.2);
    quote! {
        /// Facts from the spec that progenitor does not use (servers, operations).
        pub mod spec_info {
            /// The `info.version` of the spec.
            pub const API_VERSION: &str = #version;
            /// Every value of the `site` server variable, in spec order.
            pub const SITES: &[&str] = &[#(#sites),*];
            /// Every operation: (operationId, method, path).
            pub const OPERATIONS: &[(&str, &str, &str)] = &[#((#ids, #methods, #paths)),*];
        }
    }
}

/// Runs progenitor, turning its panics into a clear error.
fn catch<F>(file: &Path, f: F) -> Result<TokenStream, Error>
where
    F: FnOnce() -> progenitor_impl::Result<TokenStream>,
{
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    match result {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(Error::new(
            file,
            format!("progenitor rejected the spec: {e}"),
        )),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".to_string());
            let msg: String = msg.chars().take(400).collect();
            Err(Error::new(
                file,
                format!(
                    "progenitor cannot generate code for a construct in this spec (it panicked: {msg}); see openapi/README.md for what progenitor cannot express"
                ),
            ))
        }
    }
}

fn render(out: &str, spec_rel: &Path, tokens: TokenStream) -> Result<GeneratedFile, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::new(
            Path::new(out),
            format!("generated code does not parse: {e}"),
        )
    })?;
    let spec_name = spec_rel.to_string_lossy().replace('\\', "/");
    let header = format!(
        "// @generated by `{GENERATE_COMMAND}` from {spec_name} with progenitor-impl {PROGENITOR_VERSION}.\n\
         // Do not edit by hand: edit the spec (or xtask/) and run `{GENERATE_COMMAND}`.\n\n"
    );
    Ok(GeneratedFile {
        path: PathBuf::from(out),
        contents: format!("{header}{}", prettyplease::unparse(&file)),
    })
}

/// `GOOGLE_WORKSPACE` / `google-workspace` / `valid` -> `GoogleWorkspace` / `Valid`.
fn pascal(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
