//! Turning the validated spec into the generated files, with progenitor as a
//! library. Output is deterministic: same spec, same bytes.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Once;

use proc_macro2::{Ident, Span, TokenStream};
use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use quote::quote;
use schemars08::schema::{InstanceType, SchemaObject};
use serde_json::Value;

pub mod facade;
pub mod fake;
mod features;
mod mockdoc;
mod secrets;
mod send;
mod types;
mod unions;

use self::types::TypeInfo;
use crate::fresh::GeneratedFile;
use crate::spec::{self, Spec};
use crate::{Error, GENERATE_COMMAND, PROGENITOR_VERSION};

/// The client crate's name as a Rust path (generated paths are absolute so
/// they resolve from the httpmock crate too).
const CLIENT_CRATE: &str = "entity_context_sync_client";

/// The SDK's own instant type (hand-written in the client crate), used for
/// every `format: date-time` string instead of typify's `chrono::DateTime<Utc>`.
pub const TIMESTAMP: &str = "::entity_context_sync_client::Timestamp";

/// The generated client module.
pub const CLIENT_OUT: &str = "crates/entity-context-sync-client/src/generated.rs";
/// The generated httpmock helpers.
pub const HTTPMOCK_OUT: &str = "crates/entity-context-sync-httpmock/src/generated.rs";

/// Generates every file from `root/spec_rel`. Writes nothing.
pub fn generate(root: &Path, spec_rel: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let spec = spec::load(&root.join(spec_rel), spec_rel)?;
    let enums = open_enum_schemas(&spec, spec_rel)?;
    let secret_structs = secrets::schemas(&spec, spec_rel)?;
    let unions = unions::schemas(&spec, spec_rel)?;
    let replaced: Vec<&Replaced> = enums
        .iter()
        .map(|e| &e.ty)
        .chain(secret_structs.iter().map(|s| &s.ty))
        .chain(unions.iter().map(|u| &u.ty))
        .collect();
    let settings = settings(&enums, &replaced);

    let (client, type_names, types) = catch(spec_rel, || {
        let mut generator = Generator::new(&settings);
        let tokens = generator.generate_tokens(&spec.doc)?;
        let space = generator.get_type_space();
        let names: BTreeSet<String> = space
            .iter_types()
            .map(|t| t.name().split_whitespace().collect())
            .collect();
        Ok((tokens, names, TypeInfo::read(space)))
    })?;
    check_replacements(&replaced, &type_names, spec_rel)?;
    check_union_members(&unions, &type_names, spec_rel)?;
    check_no_chrono(&client, spec_rel)?;
    let extras = open_enums(&enums)
        .into_iter()
        .chain(unions::module(&unions))
        .chain(secrets::module(&secret_structs))
        .chain([spec_info(&spec)]);
    let client = quote! { #client #(#extras)* };

    let mock = catch(spec_rel, || {
        let mut generator = Generator::new(&settings);
        generator.httpmock(&spec.doc, CLIENT_CRATE)
    })?;
    let mock = mockdoc::document(mock, &spec, spec_rel)?;
    let input = facade::Input {
        spec: &spec,
        file: spec_rel,
        enums: &enums,
        unions: &unions,
        secrets: &secret_structs,
        types: &types,
    };
    let facade = facade::generate(&input)?;
    let fake = fake::generate(&input)?;

    Ok(vec![
        render(CLIENT_OUT, spec_rel, client, Requests::Tune)?,
        render(HTTPMOCK_OUT, spec_rel, mock, Requests::None)?,
        render(facade::FACADE_OUT, spec_rel, facade, Requests::None)?,
        render(fake::FAKE_OUT, spec_rel, fake, Requests::None)?,
    ])
}

/// Progenitor settings: positional interface (parameters and bodies by
/// reference, so a retry resends without cloning), `BTreeMap` maps (stable key order
/// on the wire), `JsonSchema` derives (put behind the client crate's
/// `schemars` feature afterwards, see [`features`]), required hooks (which add
/// the credential headers and record each response; the `api-version` header
/// progenitor would send is taken out by [`send`]), and our own types swapped in: open enums, unions,
/// secrets, and [`TIMESTAMP`] for date-times.
fn settings(enums: &[OpenEnum], replaced: &[&Replaced]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote! { crate::RequestContext })
        .with_derive("schemars::JsonSchema")
        .with_map_type("::std::collections::BTreeMap");
    for e in enums {
        settings.with_replacement(
            &e.ty.type_name,
            &e.ty.path,
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    for r in replaced.iter().skip(enums.len()) {
        settings.with_replacement(&r.type_name, &r.path, std::iter::empty());
    }
    // typify compares this with each schema minus its metadata (description,
    // example, ...), so any `type: string, format: date-time` matches.
    settings.with_conversion(
        SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            format: Some("date-time".to_string()),
            ..SchemaObject::default()
        },
        TIMESTAMP,
        [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
    );
    settings
}

fn component_schemas(spec: &Spec) -> impl Iterator<Item = (&String, &Value)> {
    spec.raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// A component schema that typify must not generate: it is replaced by our
/// own type at `path`.
#[derive(Debug, Clone)]
struct Replaced {
    /// The key in `components/schemas`.
    schema: String,
    /// The name typify gives the schema (its replacement key), which is also
    /// the name of our type.
    type_name: String,
    /// The absolute path of our type.
    path: String,
}

impl Replaced {
    fn new(schema: &str, module: &str, file: &Path) -> Result<Self, Error> {
        let type_name = typify_name(schema).ok_or_else(|| {
            Error::new(
                file,
                format!(
                    "schema name `{schema}` must be ASCII to be replaced by a Rust type of the xtask (open enum, union or secrets)"
                ),
            )
        })?;
        let path = match module {
            "" => format!("::{CLIENT_CRATE}::{type_name}"),
            _ => format!("::{CLIENT_CRATE}::{module}::{type_name}"),
        };
        Ok(Self {
            schema: schema.to_string(),
            type_name,
            path,
        })
    }
}

/// A validated open enum: names, wire values and Rust variants.
#[derive(Debug, Clone)]
struct OpenEnum {
    ty: Replaced,
    description: String,
    values: Vec<String>,
    variants: Vec<String>,
}

/// String enums with more than one value become open enums: a value the spec
/// does not list is kept as `Unknown(String)` instead of failing the decode.
/// Single-value enums (JSON:API `type` discriminators) stay closed.
fn open_enum_schemas(spec: &Spec, file: &Path) -> Result<Vec<OpenEnum>, Error> {
    component_schemas(spec)
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("string"))
        .filter(|(_, s)| {
            s.get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.len() > 1)
        })
        .map(|(name, schema)| open_enum_schema(name, schema, file))
        .collect()
}

fn open_enum_schema(name: &str, schema: &Value, file: &Path) -> Result<OpenEnum, Error> {
    let ty = Replaced::new(name, "open_enums", file)?;
    let raw_values = schema["enum"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let values = raw_values
        .iter()
        .map(|v| {
            v.as_str().map(str::to_string).ok_or_else(|| {
                Error::new(
                    file,
                    format!(
                        "enum `{name}` is `type: string` but lists the non-string value `{v}`; quote it in the YAML"
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let sources: Vec<String> = match schema.get("x-enum-varnames") {
        None => values.clone(),
        Some(Value::Array(names)) if names.len() == values.len() => names
            .iter()
            .map(|n| n.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                Error::new(
                    file,
                    format!("enum `{name}` has a non-string entry in `x-enum-varnames`"),
                )
            })?,
        Some(other) => {
            let count = other.as_array().map_or(0, Vec::len);
            return Err(Error::new(
                file,
                format!(
                    "enum `{name}` has {} values but {count} `x-enum-varnames` entries; list one variant name per value, in the same order",
                    values.len()
                ),
            ));
        }
    };
    let mut variants: Vec<String> = Vec::with_capacity(values.len());
    for (value, source) in values.iter().zip(&sources) {
        let variant = pascal(source);
        let problem = if syn::parse_str::<Ident>(&variant).is_err() {
            Some("is not a Rust identifier".to_string())
        } else if variant == "Unknown" {
            Some("is reserved for the catch-all `Unknown(String)`".to_string())
        } else {
            variants
                .iter()
                .position(|v| *v == variant)
                .map(|i| format!("is also the variant for `{}`", values[i]))
        };
        if let Some(problem) = problem {
            return Err(Error::new(
                file,
                format!(
                    "enum `{name}` value `{value}` becomes the variant `{variant}`, which {problem}; set a distinct `x-enum-varnames` entry for it"
                ),
            ));
        }
        variants.push(variant);
    }
    let description = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or(name)
        .to_string();
    Ok(OpenEnum {
        ty,
        description,
        values,
        variants,
    })
}

/// typify matches replacements by the name it gives a schema; if our
/// [`typify_name`] ever disagrees with it, the schema would silently be
/// generated as an ordinary (closed) type. Fail loudly instead.
fn check_replacements(
    replaced: &[&Replaced],
    type_names: &BTreeSet<String>,
    file: &Path,
) -> Result<(), Error> {
    for r in replaced {
        if !type_names.contains(&r.path) {
            return Err(Error::new(
                file,
                format!(
                    "schema `{}` should be replaced by `{}`, but progenitor did not apply the replacement (expected typify to name it `{}`); rename the schema in PascalCase",
                    r.schema, r.path, r.type_name
                ),
            ));
        }
    }
    Ok(())
}

/// A union's variants wrap typify's types for its members: each must exist.
fn check_union_members(
    unions: &[unions::Union],
    type_names: &BTreeSet<String>,
    file: &Path,
) -> Result<(), Error> {
    for u in unions {
        if let Some(missing) = u.members().find(|m| !type_names.contains(*m)) {
            return Err(Error::new(
                file,
                format!(
                    "union `{}` wraps `{missing}`, which progenitor did not generate under that name; give the member schema a PascalCase name",
                    u.ty.schema
                ),
            ));
        }
    }
    Ok(())
}

/// typify falls back to `chrono::DateTime<Utc>` for a date-time schema the
/// [`TIMESTAMP`] conversion does not match (one with keywords besides `type`,
/// `format` and metadata: `pattern`, `maxLength`, `x-...`); the client crate
/// has no chrono by default, so fail here rather than at build time.
fn check_no_chrono(client: &TokenStream, file: &Path) -> Result<(), Error> {
    let code = client.to_string();
    if code.contains(":: chrono ::") {
        return Err(Error::new(
            file,
            format!(
                "a `format: date-time` schema was generated as `chrono::DateTime`, not `{TIMESTAMP}`: only `type: string` + `format: date-time` (plus description, example, ...) is converted; drop its other keywords (`pattern`, `minLength`, `maxLength`, `x-...`)"
            ),
        ));
    }
    Ok(())
}

fn open_enums(enums: &[OpenEnum]) -> Option<TokenStream> {
    if enums.is_empty() {
        return None;
    }
    let items = enums.iter().map(open_enum);
    Some(quote! {
        /// Open enums: every value the spec lists, plus `Unknown` for values a
        /// newer API returns, kept verbatim instead of failing the decode.
        pub mod open_enums {
            #(#items)*
        }
    })
}

fn open_enum(e: &OpenEnum) -> TokenStream {
    let name = e.ty.type_name.as_str();
    let ident = Ident::new(name, Span::call_site());
    let values = &e.values;
    let variants: Vec<Ident> = e
        .variants
        .iter()
        .map(|n| Ident::new(n, Span::call_site()))
        .collect();
    let docs = values.iter().map(|v| format!("`{v}`"));
    let description = &e.description;
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

/// Every operation as (operationId, method, path), sorted by operationId.
fn operation_table(spec: &Spec) -> Vec<(String, String, String)> {
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
    operations
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
    let operations = operation_table(spec);
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

thread_local! {
    /// Whether this thread is inside [`catch`] (its panics are reported as errors).
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once per process, a panic hook that stays silent for threads
/// inside [`catch`] and defers to the previous hook everywhere else. (Swapping
/// the hook per call races when generations run on several threads, as tests
/// do, and can leave the process with a silent hook.)
fn install_quiet_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs progenitor, turning its errors and panics into one clear error.
fn catch<T, F>(file: &Path, f: F) -> Result<T, Error>
where
    F: FnOnce() -> progenitor_impl::Result<T>,
{
    install_quiet_hook();
    let was_quiet = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was_quiet));
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(Error::new(
            file,
            format!(
                "progenitor rejected the spec: {}; see openapi/README.md for what progenitor cannot express",
                one_line(&e.to_string(), 400)
            ),
        )),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(Error::new(
                file,
                format!(
                    "progenitor cannot generate code for a construct in this spec (it panicked: {}); see openapi/README.md for what progenitor cannot express",
                    one_line(&msg, 200)
                ),
            ))
        }
    }
}

/// Collapses whitespace (progenitor pretty-prints some values in its panic
/// messages) and truncates to `max` characters.
fn one_line(s: &str, max: usize) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > max {
        s.chars().take(max).chain("...".chars()).collect()
    } else {
        s
    }
}

/// Whether a generated file holds request code for [`send::tune`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Requests {
    Tune,
    None,
}

fn render(
    out: &str,
    spec_rel: &Path,
    tokens: TokenStream,
    requests: Requests,
) -> Result<GeneratedFile, Error> {
    if std::env::var_os("XTASK_DUMP").is_some() {
        let _ = std::fs::write(
            format!("/tmp/{}.tokens.rs", out.replace('/', "_")),
            tokens.to_string(),
        );
    }
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| {
        Error::new(
            Path::new(out),
            format!("generated code does not parse: {e}"),
        )
    })?;
    if requests == Requests::Tune {
        send::tune(&mut file).map_err(|e| Error::new(Path::new(out), e))?;
    }
    features::gate_schemars(&mut file).map_err(|e| {
        Error::new(
            Path::new(out),
            format!("cannot put `JsonSchema` behind the `schemars` feature: {e}"),
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
///
/// Variant names must be Rust identifiers, so a name that would start with a
/// digit gets a `V` prefix (`2FA` -> `V2fa`).
fn pascal(s: &str) -> String {
    let name: String = s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else {
        name
    }
}

/// The name typify gives a component schema, which is also the key it
/// matches replacements by: heck's PascalCase (`APIErrorResponse` ->
/// `ApiErrorResponse`), `X`-prefixed when it would not start with a letter.
/// `None` for names outside ASCII (not worth mirroring typify's Unicode rules).
/// [`check_replacements`] verifies the result against typify itself.
fn typify_name(schema: &str) -> Option<String> {
    if !schema.is_ascii() {
        return None;
    }
    let mut out = String::new();
    for word in schema.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = word.chars().collect();
        let mut start = 0;
        // heck: a boundary after a lowercase letter followed by an uppercase
        // one, and before the last capital of a run followed by a lowercase.
        let mut last_cased: Option<bool> = None; // Some(true) = uppercase
        for i in 0..chars.len() {
            let c = chars[i];
            let Some(&next) = chars.get(i + 1) else {
                break;
            };
            let cased = if c.is_ascii_lowercase() {
                Some(false)
            } else if c.is_ascii_uppercase() {
                Some(true)
            } else {
                last_cased
            };
            if cased == Some(false) && next.is_ascii_uppercase() {
                capitalize(&chars[start..=i], &mut out);
                start = i + 1;
                last_cased = None;
            } else if last_cased == Some(true)
                && c.is_ascii_uppercase()
                && next.is_ascii_lowercase()
            {
                capitalize(&chars[start..i], &mut out);
                start = i;
                last_cased = None;
            } else {
                last_cased = cased;
            }
        }
        capitalize(&chars[start..], &mut out);
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'X');
    }
    Some(out)
}

fn capitalize(word: &[char], out: &mut String) {
    if let Some((first, rest)) = word.split_first() {
        out.push(first.to_ascii_uppercase());
        out.extend(rest.iter().map(char::to_ascii_lowercase));
    }
}

#[cfg(test)]
mod tests {
    use super::{pascal, typify_name};

    #[test]
    fn pascal_joins_words() {
        assert_eq!(pascal("GOOGLE_WORKSPACE"), "GoogleWorkspace");
        assert_eq!(pascal("google-workspace"), "GoogleWorkspace");
        assert_eq!(pascal("valid"), "Valid");
        assert_eq!(pascal("ENTRA_ID"), "EntraId");
    }

    #[test]
    fn pascal_prefixes_a_leading_digit() {
        for (value, expected) in [
            ("2FA", "V2fa"),
            ("1_PASSWORD", "V1Password"),
            ("365", "V365"),
        ] {
            let name = pascal(value);
            assert_eq!(name, expected, "{value}");
            assert!(
                syn::parse_str::<proc_macro2::Ident>(&name).is_ok(),
                "`{name}` (from `{value}`) is not a Rust identifier"
            );
        }
        assert_eq!(pascal("v2"), "V2");
    }

    #[test]
    fn typify_name_mirrors_heck_pascal_case() {
        for (schema, expected) in [
            (
                "SecurityMonitoringIntegrationType",
                "SecurityMonitoringIntegrationType",
            ),
            ("APIErrorResponse", "ApiErrorResponse"),
            ("AWSAccountType", "AwsAccountType"),
            ("security_monitoring_state", "SecurityMonitoringState"),
            ("Okta2FAType", "Okta2FaType"),
            ("v2.Status", "V2Status"),
            ("2FAState", "X2faState"),
        ] {
            assert_eq!(typify_name(schema).as_deref(), Some(expected), "{schema}");
        }
        assert_eq!(typify_name("Zustände"), None);
    }
}
