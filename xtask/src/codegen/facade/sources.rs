//! The per-source layer: for every source type of the spec's discriminated
//! unions, its credentials (`Creds`), their constructors and setters on
//! `Credentials` and `NewSync`, their checks, the secret strings the
//! scrubber masks, what raw secrets of the type must look like, and the
//! conversion to each operation's union.

use std::collections::BTreeMap;
use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::Input;
use super::custom::{NESTED_SECRETS, NestedSecret, PARTS, RESERVED, SECRET_CHECKS};
use super::operations::{Op, snake};
use crate::Error;
use crate::codegen::secrets::{Field, SecretStruct};
use crate::codegen::unions::Union;
use crate::codegen::{CLIENT_CRATE, OpenEnum, typify_name};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// A union an operation sends as its `data.attributes` (create, update, …).
struct Role<'a> {
    /// The operation's SDK name (`create`): the conversion is `<name>_attributes`.
    name: String,
    union: &'a Union,
}

/// One source type.
struct Source<'a> {
    /// The discriminator value (`OKTA`).
    value: String,
    /// The variant of `Creds` and of every union (`Okta`).
    variant: Ident,
    /// The constructors' name (`okta`).
    function: Ident,
    /// The `IntegrationType` variant.
    kind: Ident,
    secrets: Option<&'a SecretStruct>,
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A path as tokens, the client crate named `client` (the generated file's alias).
fn path(text: &str) -> TokenStream {
    text.replace(&format!("::{CLIENT_CRATE}::"), "client::")
        .parse()
        .unwrap_or_default()
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix(SCHEMA_PREFIX)
}

/// The per-source layer's code.
pub(super) fn tokens(input: &Input<'_>, ops: &[Op]) -> Result<TokenStream, Error> {
    let file = input.file;
    let roles = roles(input, ops);
    let Some(kinds) = source_enum(input, &roles)? else {
        return Ok(TokenStream::new());
    };
    let sources = sources(input, &roles, kinds)?;
    check_names(&sources, file)?;
    for custom in NESTED_SECRETS {
        if super::is_resource(input.spec)
            && !input.secrets.iter().any(|s| s.ty.schema == custom.schema)
        {
            return Err(Error::new(
                file,
                format!(
                    "xtask/src/codegen/facade/custom.rs customises the secrets schema `{}`, which the spec does not have (or does not use as secrets); remove the row",
                    custom.schema
                ),
            ));
        }
    }
    let enum_path = path(&kinds.ty.path);
    let creds = creds_enum(&sources, &enum_path);
    let creds_impl = creds_impl(input, &sources, &enum_path);
    let credentials = constructors(input, &sources);
    let strs = secret_strs(input, &roles);
    let conversions = roles
        .iter()
        .map(|r| conversion(input, r, &sources, &enum_path))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        #creds
        #creds_impl
        #credentials
        #strs
        #(#conversions)*
    })
}

/// Every source type of the request unions (their discriminator values), and
/// whether it takes secrets.
pub(super) fn catalogue(input: &Input<'_>, ops: &[Op]) -> Result<Vec<(String, bool)>, Error> {
    let roles = roles(input, ops);
    let Some(kinds) = source_enum(input, &roles)? else {
        return Ok(Vec::new());
    };
    Ok(sources(input, &roles, kinds)?
        .into_iter()
        .map(|s| (s.value, s.secrets.is_some()))
        .collect())
}

/// Every operation whose request body's `data.attributes` is a union.
fn roles<'a>(input: &Input<'a>, ops: &[Op]) -> Vec<Role<'a>> {
    let schema = |name: &str| {
        input
            .spec
            .raw
            .pointer(&format!("/components/schemas/{name}"))
    };
    let mut roles = Vec::new();
    for op in ops {
        let body = input
            .spec
            .raw
            .get("paths")
            .and_then(|p| p.as_object())
            .into_iter()
            .flat_map(|p| p.values())
            .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()))
            .find(|o| o.get("operationId").and_then(Value::as_str) == Some(op.id.as_str()))
            .and_then(|o| o.pointer("/requestBody/content/application~1json/schema"));
        let union = body
            .and_then(ref_name)
            .and_then(schema)
            .and_then(|r| r.pointer("/properties/data"))
            .and_then(ref_name)
            .and_then(schema)
            .and_then(|d| d.pointer("/properties/attributes"))
            .and_then(ref_name)
            .and_then(|u| input.unions.iter().find(|x| x.ty.schema == u));
        if let Some(union) = union {
            roles.push(Role {
                name: op.name.clone(),
                union,
            });
        }
    }
    roles
}

/// The open enum that lists every discriminator value: the source type.
fn source_enum<'a>(input: &Input<'a>, roles: &[Role<'_>]) -> Result<Option<&'a OpenEnum>, Error> {
    let values: Vec<&String> = roles
        .iter()
        .flat_map(|r| r.union.variants.iter().map(|v| &v.value))
        .collect();
    if values.is_empty() {
        return Ok(None);
    }
    let candidates: Vec<&OpenEnum> = input
        .enums
        .iter()
        .filter(|e| values.iter().all(|v| e.values.contains(v)))
        .collect();
    match candidates.as_slice() {
        [one] => Ok(Some(one)),
        [] => Err(Error::new(
            input.file,
            "no string enum lists every discriminator value of the request unions (create, update, …); the source type enum (`SecurityMonitoringIntegrationType`) must list each one",
        )),
        many => Err(Error::new(
            input.file,
            format!(
                "several string enums list every discriminator value of the request unions ({}); the source type must be one of them only",
                many.iter()
                    .map(|e| e.ty.schema.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

fn sources<'a>(
    input: &Input<'a>,
    roles: &[Role<'_>],
    kinds: &OpenEnum,
) -> Result<Vec<Source<'a>>, Error> {
    let file = input.file;
    let mut found: BTreeMap<&str, (&str, Option<String>)> = BTreeMap::new();
    for role in roles {
        for v in &role.union.variants {
            let member = input
                .spec
                .raw
                .pointer(&format!("/components/schemas/{}", v.schema));
            let secrets = member
                .and_then(|m| m.pointer("/properties/secrets"))
                .map(|s| {
                    ref_name(s).map(str::to_string).ok_or_else(|| {
                        Error::new(
                            file,
                            format!(
                                "`{}.secrets` must be a `$ref` to a component schema (the source's secrets)",
                                v.schema
                            ),
                        )
                    })
                })
                .transpose()?;
            let entry = found
                .entry(v.value.as_str())
                .or_insert((v.name.as_str(), secrets.clone()));
            if let (Some(a), Some(b)) = (&entry.1, &secrets)
                && a != b
            {
                return Err(Error::new(
                    file,
                    format!(
                        "source type `{}` has the secrets `{a}` in one union and `{b}` in another; its members must share one secrets schema",
                        v.value
                    ),
                ));
            }
            if entry.1.is_none() {
                entry.1 = secrets;
            }
        }
    }
    found
        .into_iter()
        .map(|(value, (variant, secrets))| {
            let position = kinds.values.iter().position(|v| v == value).unwrap_or(0);
            let secrets = match secrets {
                None => None,
                Some(schema) => Some(
                    input
                        .secrets
                        .iter()
                        .find(|s| s.ty.schema == schema)
                        .ok_or_else(|| {
                            Error::new(
                                file,
                                format!(
                                    "the `secrets` of source type `{value}` is `{schema}`, which is not a secrets schema (see openapi/README.md, Secrets)"
                                ),
                            )
                        })?,
                ),
            };
            Ok(Source {
                value: value.to_string(),
                variant: ident(variant),
                function: ident(&snake(variant)),
                kind: ident(&kinds.variants[position]),
                secrets,
            })
        })
        .collect()
}

/// Constructor and setter names must not collide with each other or with
/// the hand-written methods of `NewSync` and `Credentials`.
fn check_names(sources: &[Source<'_>], file: &Path) -> Result<(), Error> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut claim = |name: String, what: String| -> Result<(), Error> {
        if RESERVED.contains(&name.as_str()) {
            return Err(Error::new(
                file,
                format!(
                    "{what} would be the method `{name}`, which the facade writes by hand (RESERVED in xtask/src/codegen/facade/custom.rs)"
                ),
            ));
        }
        match seen.get(&name) {
            Some(other) if *other != what => Err(Error::new(
                file,
                format!("{what} and {other} would both be the method `{name}`"),
            )),
            _ => {
                seen.insert(name, what);
                Ok(())
            }
        }
    };
    for s in sources {
        claim(s.function.to_string(), format!("source type `{}`", s.value))?;
    }
    let mut setters: BTreeMap<&str, (&Field, &str)> = BTreeMap::new();
    for s in sources {
        for f in optional(s) {
            claim(f.ident.clone(), format!("the optional secret `{}`", f.wire))?;
            if let Some((other, value)) = setters.insert(&f.wire, (f, &s.value))
                && other.nested != f.nested
            {
                return Err(Error::new(
                    file,
                    format!(
                        "the optional secret `{}` is a {} for `{value}` and a {} for `{}`; one setter cannot take both",
                        f.wire,
                        kind(other),
                        kind(f),
                        s.value
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn kind(f: &Field) -> String {
    match &f.nested {
        None => "string".to_string(),
        Some(n) => format!("`{n}`"),
    }
}

fn required<'a>(s: &Source<'a>) -> Vec<&'a Field> {
    let Some(secrets) = s.secrets else {
        return Vec::new();
    };
    secrets
        .required
        .iter()
        .filter_map(|r| secrets.fields.iter().find(|f| f.wire == *r))
        .collect()
}

fn optional<'a>(s: &Source<'a>) -> impl Iterator<Item = &'a Field> {
    s.secrets
        .into_iter()
        .flat_map(|x| x.fields.iter())
        .filter(|f| !f.required)
}

fn custom(nested: &str) -> Option<&'static NestedSecret> {
    NESTED_SECRETS
        .iter()
        .find(|c| typify_name(c.schema).as_deref() == Some(nested))
}

fn secrets_type(s: &SecretStruct) -> TokenStream {
    let name = ident(&s.ty.type_name);
    quote! { client::secrets::#name }
}

fn find_secrets<'a>(input: &Input<'a>, type_name: &str) -> Option<&'a SecretStruct> {
    input.secrets.iter().find(|s| s.ty.type_name == type_name)
}

fn creds_enum(sources: &[Source<'_>], enum_path: &TokenStream) -> TokenStream {
    let variants = sources.iter().map(|s| {
        let v = &s.variant;
        match s.secrets {
            Some(secrets) => {
                let doc = format!(
                    "`{}`: [`{}`]({}).",
                    s.value, secrets.ty.type_name, secrets.ty.path
                );
                let ty = secrets_type(secrets);
                quote! { #[doc = #doc] #v(#ty) }
            }
            None => {
                let doc = format!("`{}`: no secrets.", s.value);
                quote! { #[doc = #doc] #v }
            }
        }
    });
    quote! {
        /// The credentials of one source type: one variant per source type of
        /// the spec's unions, holding exactly its secrets schema.
        #[derive(Clone, Debug)]
        pub(crate) enum Creds {
            #(#variants,)*
            /// The escape hatch: any source type, secrets as raw JSON.
            Raw {
                /// The source type.
                integration_type: #enum_path,
                /// The `secrets` object.
                secrets: Option<client::SecretJson>,
            },
        }
    }
}

/// An expression exposing the secret string `value` (a `&SecretString`).
fn exposed(value: TokenStream) -> TokenStream {
    quote! { ::secrecy::ExposeSecret::expose_secret(#value) }
}

/// The checks of every value of `secrets` (reached as `value`), errors
/// naming `at.<field>`.
fn checks(
    input: &Input<'_>,
    secrets: &SecretStruct,
    value: TokenStream,
    at: &str,
    depth: usize,
) -> TokenStream {
    let mut out = Vec::new();
    for f in &secrets.fields {
        let field = ident(&f.ident);
        let here = format!("{at}.{}", f.wire);
        let one = |v: TokenStream| -> TokenStream {
            match &f.nested {
                None => {
                    let text = exposed(v);
                    let extra = SECRET_CHECKS
                        .iter()
                        .filter(|(name, _)| *name == f.wire)
                        .map(|(_, hook)| {
                            let hook = path(hook);
                            quote! { #hook(#here, text)?; }
                        });
                    quote! {
                        let text = #text;
                        crate::checks::check_secret(#here, text)?;
                        #(#extra)*
                    }
                }
                Some(nested) => match custom(nested) {
                    Some(c) => {
                        let hook = path(c.check);
                        quote! { #hook(#v)?; }
                    }
                    None => match find_secrets(input, nested) {
                        Some(inner) if depth < 8 => checks(input, inner, v, &here, depth + 1),
                        _ => TokenStream::new(),
                    },
                },
            }
        };
        if f.required {
            let body = one(quote! { &#value.#field });
            out.push(quote! { { #body } });
        } else {
            let body = one(quote! { value });
            out.push(quote! { if let Some(value) = &#value.#field { #body } });
        }
    }
    if secrets.extra {
        out.push(quote! {
            for key in #value.extra.keys() {
                crate::checks::check_key(#at, key)?;
            }
        });
    }
    quote! { #(#out)* }
}

/// `Shape` of a secrets struct: what its raw JSON must look like.
fn shape(input: &Input<'_>, secrets: &SecretStruct, depth: usize) -> TokenStream {
    let fields = secrets.fields.iter().map(|f| {
        let name = &f.wire;
        let required = f.required;
        let kind = match &f.nested {
            None => quote! { crate::credentials::ShapeKind::String },
            Some(nested) => {
                let hint = custom(nested).map_or("a JSON object", |c| c.hint);
                // Deeper than any real schema (a cycle): not looked into.
                let inner = match find_secrets(input, nested) {
                    Some(inner) if depth < 8 => shape(input, inner, depth + 1),
                    _ => quote! { crate::credentials::Shape { fields: &[] } },
                };
                quote! { crate::credentials::ShapeKind::Object(&#inner, #hint) }
            }
        };
        quote! { crate::credentials::ShapeField { name: #name, required: #required, kind: #kind } }
    });
    quote! { crate::credentials::Shape { fields: &[#(#fields),*] } }
}

fn creds_impl(input: &Input<'_>, sources: &[Source<'_>], enum_path: &TokenStream) -> TokenStream {
    let kind_arms = sources.iter().map(|s| {
        let (v, k) = (&s.variant, &s.kind);
        match s.secrets {
            Some(_) => quote! { Self::#v(_) => #enum_path::#k },
            None => quote! { Self::#v => #enum_path::#k },
        }
    });
    let empty: Vec<&Ident> = sources
        .iter()
        .filter(|s| s.secrets.is_none())
        .map(|s| &s.variant)
        .collect();
    let check_arms = sources.iter().map(|s| {
        let v = &s.variant;
        match s.secrets {
            Some(secrets) => {
                let body = checks(input, secrets, quote! { s }, "secrets", 0);
                quote! { Self::#v(s) => { #body Ok(()) }, }
            }
            None => quote! { Self::#v => Ok(()), },
        }
    });
    let set_arms = sources.iter().flat_map(|s| {
        let v = s.variant.clone();
        s.secrets
            .into_iter()
            .flat_map(|x| x.fields.iter())
            .filter(|f| f.nested.is_none())
            .map(move |f| {
                let (wire, field) = (&f.wire, ident(&f.ident));
                let value = if f.required {
                    quote! { value }
                } else {
                    quote! { Some(value) }
                };
                quote! { (Self::#v(s), #wire) => s.#field = #value, }
            })
    });
    let known_arms = sources.iter().map(|s| {
        let (v, k, f) = (&s.variant, &s.kind, &s.function);
        let constructor = format!("Credentials::{f}");
        match s.secrets {
            Some(secrets) => {
                let shape = shape(input, secrets, 0);
                quote! {
                    #enum_path::#k => Some(crate::credentials::Known {
                        constructor: #constructor,
                        shape: Some(&#shape),
                        typed: |value| ::serde_json::from_value(value).map(Self::#v),
                    })
                }
            }
            None => quote! {
                #enum_path::#k => Some(crate::credentials::Known {
                    constructor: #constructor,
                    shape: None,
                    typed: |_| Ok(Self::#v),
                })
            },
        }
    });
    let empty_pattern = if empty.is_empty() {
        quote! { Self::Raw { secrets: None, .. } }
    } else {
        quote! { #(Self::#empty)|* | Self::Raw { secrets: None, .. } }
    };
    let strs_arms = sources.iter().map(|s| {
        let v = &s.variant;
        match s.secrets {
            Some(_) => {
                quote! { Self::#v(s) => crate::credentials::SecretStrs::secret_strs(s, out), }
            }
            None => quote! { Self::#v => {} },
        }
    });
    let impls = input
        .secrets
        .iter()
        .filter(|s| custom(&s.ty.type_name).is_none())
        .map(|s| {
            let ty = secrets_type(s);
            let fields = s.fields.iter().map(|f| {
                let field = ident(&f.ident);
                quote! { crate::credentials::SecretStrs::secret_strs(&self.#field, out); }
            });
            let extra = s.extra.then(|| {
                quote! {
                    for value in self.extra.values() {
                        crate::credentials::SecretStrs::secret_strs(value, out);
                    }
                }
            });
            quote! {
                impl crate::credentials::SecretStrs for #ty {
                    fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
                        #(#fields)*
                        #extra
                    }
                }
            }
        });
    quote! {
        impl Creds {
            /// The source type.
            pub(crate) fn integration_type(&self) -> #enum_path {
                match self {
                    #(#kind_arms,)*
                    Self::Raw { integration_type, .. } => integration_type.clone(),
                }
            }

            /// Whether there are no secrets to send.
            pub(crate) fn is_empty(&self) -> bool {
                matches!(self, #empty_pattern)
            }

            /// Checks every secret: not empty, not too long, no control
            /// characters, and the hand-made checks xtask's `custom.rs` names. Errors
            /// name the field, never the value.
            pub(crate) fn check(&self) -> crate::Result<()> {
                match self {
                    #(#check_arms)*
                    Self::Raw { integration_type, secrets } => {
                        crate::credentials::check_raw(integration_type, secrets.as_ref())
                    }
                }
            }

            /// Sets the string secret `key` (the by-name setter); false when
            /// these credentials have no such secret.
            pub(crate) fn set_secret(&mut self, key: &str, value: ::secrecy::SecretString) -> bool {
                match (self, key) {
                    #(#set_arms)*
                    _ => return false,
                }
                true
            }

            /// What the raw secrets of a source type this SDK knows must look
            /// like, and its constructor; `None` for other types.
            pub(crate) fn known(integration_type: &#enum_path) -> Option<crate::credentials::Known> {
                match integration_type {
                    #(#known_arms,)*
                    _ => None,
                }
            }
        }

        impl crate::credentials::SecretStrs for Creds {
            fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
                match self {
                    #(#strs_arms)*
                    Self::Raw { secrets, .. } => crate::credentials::SecretStrs::secret_strs(secrets, out),
                }
            }
        }

        #(#impls)*
    }
}

/// A constructor parameter or setter argument for `f`, and the expression
/// turning it into the generated field's value.
fn param(f: &Field) -> (TokenStream, TokenStream) {
    let name = ident(&f.ident);
    match &f.nested {
        None => (
            quote! { impl Into<::secrecy::SecretString> },
            quote! { #name.into() },
        ),
        Some(nested) => match custom(nested) {
            Some(c) => (path(c.param), quote! { #name.into() }),
            None => {
                let ty = ident(nested);
                (quote! { client::secrets::#ty }, quote! { #name })
            }
        },
    }
}

/// A secret's description, or its nested schema's.
fn describe(input: &Input<'_>, f: &Field) -> String {
    f.description
        .clone()
        .or_else(|| {
            let nested = f.nested.as_deref()?;
            find_secrets(input, nested).map(|s| s.description.clone())
        })
        .unwrap_or_else(|| "a secret.".to_string())
}

fn constructors(input: &Input<'_>, sources: &[Source<'_>]) -> TokenStream {
    let mut credentials = Vec::new();
    let mut syncs = Vec::new();
    for s in sources {
        let (v, f) = (&s.variant, &s.function);
        let required = required(s);
        let names: Vec<Ident> = required.iter().map(|r| ident(&r.ident)).collect();
        let types: Vec<TokenStream> = required.iter().map(|r| param(r).0).collect();
        let mut param_docs: Vec<String> = required
            .iter()
            .map(|r| {
                format!(
                    "- `{}`: {}",
                    r.ident,
                    r.description.as_deref().unwrap_or("a secret.")
                )
            })
            .collect();
        for o in optional(s) {
            param_docs.push(format!(
                "- `{}` (optional, [`{}`](Self::{})): {}",
                o.ident,
                o.ident,
                o.ident,
                describe(input, o)
            ));
        }
        let body = match s.secrets {
            Some(secrets) => {
                let ty = ident(&secrets.ty.type_name);
                let fields = secrets.fields.iter().map(|field| {
                    let name = ident(&field.ident);
                    if field.required {
                        let (_, value) = param(field);
                        quote! { #name: #value }
                    } else {
                        quote! { #name: None }
                    }
                });
                let extra = secrets.extra.then(|| quote! { extra: Default::default() });
                quote! {
                    Creds::#v(client::secrets::#ty { #(#fields,)* #extra })
                }
            }
            None => quote! { Creds::#v },
        };
        let summary = match s.secrets {
            Some(secrets) => format!(
                "Credentials of a `{}` sync: {}",
                s.value, secrets.description
            ),
            None => format!(
                "Credentials of a `{}` sync, which takes no secrets.",
                s.value
            ),
        };
        let doc_lines = param_docs.iter();
        credentials.push(quote! {
            #[doc = #summary]
            ///
            #(#[doc = #doc_lines])*
            pub fn #f(#(#names: #types),*) -> Self {
                Self::from_creds(#body)
            }
        });
        let sync_doc = format!(
            "A new `{}` sync named `name` on `domain`, with the secrets [`Credentials::{f}`](crate::Credentials::{f}) takes.",
            s.value
        );
        let doc_lines = param_docs.iter();
        syncs.push(quote! {
            #[doc = #sync_doc]
            ///
            #(#[doc = #doc_lines])*
            pub fn #f(
                name: impl Into<String>,
                domain: impl Into<String>,
                #(#names: #types),*
            ) -> Self {
                Self::with_credentials(name, domain, crate::Credentials::#f(#(#names),*))
            }
        });
    }
    // One setter per optional secret, for every source type that has it.
    let mut setters: BTreeMap<&str, (Vec<&Source<'_>>, &Field)> = BTreeMap::new();
    for s in sources {
        for o in optional(s) {
            setters
                .entry(o.wire.as_str())
                .or_insert((Vec::new(), o))
                .0
                .push(s);
        }
    }
    let mut credential_setters = Vec::new();
    let mut sync_setters = Vec::new();
    for (wire, (owners, f)) in setters {
        let name = ident(&f.ident);
        let (ty, value) = param(f);
        let field = format!("secrets.{wire}");
        let values: Vec<&str> = owners.iter().map(|s| s.value.as_str()).collect();
        let only = format!("applies to {} credentials only", values.join(", "));
        let arms = owners.iter().map(|s| {
            let v = &s.variant;
            quote! { Creds::#v(s) => s.#name = Some(#value), }
        });
        let doc = format!(
            "The optional `{wire}` secret of {}: {}",
            values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", "),
            describe(input, f)
        );
        let misuse = "Refused (when validated) for other source types.";
        credential_setters.push(quote! {
            #[doc = #doc]
            #[doc = #misuse]
            pub fn #name(mut self, #name: #ty) -> Self {
                match &mut self.creds {
                    #(#arms)*
                    _ => self.misuse(#field, #only),
                }
                self
            }
        });
        sync_setters.push(quote! {
            #[doc = #doc]
            #[doc = #misuse]
            pub fn #name(self, #name: #ty) -> Self {
                self.map_credentials(|c| c.#name(#name))
            }
        });
    }
    quote! {
        impl crate::Credentials {
            #(#credentials)*
            #(#credential_setters)*
        }

        impl crate::NewSync {
            #(#syncs)*
            #(#sync_setters)*
        }
    }
}

/// The secret strings of each union's members (for the scrubber).
fn secret_strs(input: &Input<'_>, roles: &[Role<'_>]) -> TokenStream {
    let impls = roles.iter().map(|r| {
        let u = r.union;
        let ty = path(&u.ty.path);
        let arms = u.variants.iter().map(|v| {
            let name = ident(&v.name);
            let has_secrets = input
                .spec
                .raw
                .pointer(&format!("/components/schemas/{}/properties/secrets", v.schema))
                .is_some();
            if has_secrets {
                quote! { Self::#name(a) => crate::credentials::SecretStrs::secret_strs(&a.secrets, out), }
            } else {
                quote! { Self::#name(_) => {} }
            }
        });
        quote! {
            impl crate::credentials::SecretStrs for #ty {
                fn secret_strs<'a>(&'a self, out: &mut Vec<&'a str>) {
                    match self {
                        #(#arms)*
                        Self::Unknown(raw) => {
                            if let Some(secrets) = raw.secrets() {
                                crate::credentials::SecretStrs::secret_strs(secrets, out);
                            }
                        }
                    }
                }
            }
        }
    });
    quote! { #(#impls)* }
}

/// `<role>_attributes`: the union member of a source type, filled from the
/// parts and the credentials, or raw attributes.
fn conversion(
    input: &Input<'_>,
    role: &Role<'_>,
    sources: &[Source<'_>],
    enum_path: &TokenStream,
) -> Result<TokenStream, Error> {
    let file = input.file;
    let u = role.union;
    let union_ty = path(&u.ty.path);
    let role_name = &role.name;
    let function = format_ident!("{}_attributes", role.name);
    let mut arms = Vec::new();
    for v in &u.variants {
        let Some(source) = sources.iter().find(|s| s.value == v.value) else {
            continue;
        };
        let member = input
            .spec
            .raw
            .pointer(&format!("/components/schemas/{}", v.schema))
            .cloned()
            .unwrap_or(Value::Null);
        let required: Vec<&str> = member
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let fields = input.types.fields(&v.member).ok_or_else(|| {
            Error::new(
                file,
                format!("progenitor generated no struct `{}`", v.member),
            )
        })?;
        let props: Vec<(&String, &Value)> = member
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .collect();
        if props.len() != fields.len() {
            return Err(Error::new(
                file,
                format!(
                    "`{}` has {} properties but progenitor generated {} fields",
                    v.schema,
                    props.len(),
                    fields.len()
                ),
            ));
        }
        let (variant, kind) = (&source.variant, &source.kind);
        let mut inits = Vec::new();
        let mut takes_secrets = false;
        for (wire, schema) in props {
            let rust = crate::codegen::secrets::field_ident(wire).unwrap_or_default();
            if !fields.iter().any(|f| f.name == rust) {
                return Err(Error::new(
                    file,
                    format!(
                        "progenitor named the property `{wire}` of `{}` otherwise than `{rust}`",
                        v.schema
                    ),
                ));
            }
            let field = ident(&rust);
            let is_required = required.contains(&wire.as_str());
            let value = if *wire == u.property {
                tag(input, schema, &v.value, &v.schema)?
            } else if wire == "secrets" {
                takes_secrets = true;
                if is_required {
                    quote! {
                        match creds {
                            Some(Creds::#variant(s)) => s,
                            other => return Err(
                                crate::attributes::wrong_credentials(#role_name, integration_type, other.as_ref()),
                            ),
                        }
                    }
                } else {
                    quote! {
                        match creds {
                            None => None,
                            Some(Creds::#variant(s)) => Some(s),
                            Some(other) => return Err(
                                crate::attributes::wrong_credentials(#role_name, integration_type, Some(&other)),
                            ),
                        }
                    }
                }
            } else if PARTS.contains(&wire.as_str()) {
                let part = ident(wire);
                let part = if wire == "settings" {
                    quote! { #part.map(Into::into) }
                } else {
                    quote! { #part }
                };
                if is_required {
                    quote! { crate::attributes::required(#wire, #part)? }
                } else if wire != "settings" {
                    inits.push(quote! { #field });
                    continue;
                } else {
                    part
                }
            } else if is_required {
                return Err(Error::new(
                    file,
                    format!(
                        "`{}` requires the property `{wire}`, which the facade cannot fill (it fills {} and the secrets); teach xtask/src/codegen/facade (PARTS) and crates/entity-context-sync/src/attributes.rs about it",
                        v.schema,
                        PARTS.join(", ")
                    ),
                ));
            } else {
                quote! { None }
            };
            inits.push(quote! { #field: #value });
        }
        let member_ty = ident(&v.member);
        let pattern = match source.secrets {
            Some(_) => quote! { Creds::#variant(_) },
            None => quote! { Creds::#variant },
        };
        let guard = (!takes_secrets).then(|| {
            quote! {
                // This member takes no secrets: only this type's empty credentials pass.
                if let Some(other) = creds
                    .as_ref()
                    .filter(|c| !(matches!(c, #pattern) && c.is_empty()))
                {
                    return Err(
                        crate::attributes::wrong_credentials(#role_name, integration_type, Some(other)),
                    );
                }
            }
        });
        let union_variant = ident(&v.name);
        arms.push(quote! {
            #enum_path::#kind => {
                #guard
                #union_ty::#union_variant(client::types::#member_ty { #(#inits,)* })
            }
        });
    }
    let doc = format!(
        "The `{role_name}` attributes of a sync of `integration_type`: its typed member, or raw attributes for raw credentials or a source type newer than this SDK."
    );
    Ok(quote! {
        #[doc = #doc]
        pub(crate) fn #function(
            integration_type: &#enum_path,
            creds: Option<Creds>,
            parts: crate::attributes::Parts,
        ) -> crate::Result<#union_ty> {
            let crate::attributes::Parts { name, domain, enabled, settings, raw_fields } = parts;
            let creds = match creds {
                Some(Creds::Raw { secrets, .. }) => {
                    return Ok(#union_ty::Unknown(crate::attributes::raw(
                        integration_type, name, domain, enabled, settings, raw_fields, secrets,
                    )));
                }
                other => other,
            };
            Ok(match integration_type {
                #(#arms)*
                _ => match creds {
                    None => #union_ty::Unknown(crate::attributes::raw(
                        integration_type, name, domain, enabled, settings, raw_fields, None,
                    )),
                    Some(other) => return Err(
                        crate::attributes::wrong_credentials(#role_name, integration_type, Some(&other)),
                    ),
                },
            })
        }
    })
}

/// The discriminator's value in a member: its single-value enum's variant.
fn tag(input: &Input<'_>, schema: &Value, value: &str, member: &str) -> Result<TokenStream, Error> {
    let file = input.file;
    let Some(name) = ref_name(schema) else {
        return Err(Error::new(
            file,
            format!("the discriminator of `{member}` must be a `$ref` to a component enum schema"),
        ));
    };
    if let Some(open) = input.enums.iter().find(|e| e.ty.schema == name) {
        let position = open.values.iter().position(|v| v == value).unwrap_or(0);
        let ty = path(&open.ty.path);
        let variant = ident(&open.variants[position]);
        return Ok(quote! { #ty::#variant });
    }
    let type_name = typify_name(name).unwrap_or_default();
    let values: Vec<&str> = input
        .spec
        .raw
        .pointer(&format!("/components/schemas/{name}/enum"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let position = values.iter().position(|v| *v == value);
    let variant = position
        .and_then(|p| input.types.variants(&type_name)?.get(p))
        .ok_or_else(|| {
            Error::new(
                file,
                format!(
                    "the discriminator of `{member}` (`{name}`) has no enum value `{value}` that progenitor generated"
                ),
            )
        })?;
    let ty = ident(&type_name);
    let variant = ident(variant);
    Ok(quote! { client::types::#ty::#variant })
}
