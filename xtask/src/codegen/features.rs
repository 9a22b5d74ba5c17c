//! Gating optional code behind the client crate's cargo features, on the
//! parsed output before it is pretty-printed.
//!
//! progenitor's `with_derive("schemars::JsonSchema")` emits plain derives, and
//! the xtask's own types (open enums, unions, secrets) implement `JsonSchema`
//! by hand. A program that calls Datadog never uses those schemas, and
//! `schemars` with its derive macro is a large part of a cold build, so every
//! `JsonSchema` derive, `#[schemars(..)]` helper attribute and
//! `impl JsonSchema` block is put behind the client crate's `schemars`
//! feature (off by default):
//!
//! - `#[derive(.., schemars::JsonSchema)]` → `#[derive(..)]` +
//!   `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`
//! - `#[schemars(..)]` → `#[cfg_attr(feature = "schemars", schemars(..))]`
//! - `impl ::schemars::JsonSchema for T { .. }` → `#[cfg(feature = "schemars")] impl ..`

use proc_macro2::TokenStream;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, Item, Meta, Path, Token};

/// The client crate's feature that enables `JsonSchema`.
pub(crate) const SCHEMARS_FEATURE: &str = "schemars";

/// Puts every `JsonSchema` derive, helper attribute and impl in `file`
/// behind [`SCHEMARS_FEATURE`].
pub(crate) fn gate_schemars(file: &mut syn::File) -> syn::Result<()> {
    gate_items(&mut file.items)
}

fn gate_items(items: &mut [Item]) -> syn::Result<()> {
    for item in items {
        match item {
            Item::Struct(s) => {
                gate_attrs(&mut s.attrs)?;
                gate_fields(&mut s.fields)?;
            }
            Item::Enum(e) => {
                gate_attrs(&mut e.attrs)?;
                for variant in &mut e.variants {
                    gate_attrs(&mut variant.attrs)?;
                    gate_fields(&mut variant.fields)?;
                }
            }
            Item::Impl(i) => {
                let implements_json_schema = i
                    .trait_
                    .as_ref()
                    .is_some_and(|(path, _)| is_json_schema(path));
                if implements_json_schema {
                    i.attrs.insert(0, cfg_attr_tokens(quote!(cfg), None)?);
                }
            }
            Item::Mod(m) => {
                if let Some((_, items)) = &mut m.content {
                    gate_items(items)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn gate_fields(fields: &mut Fields) -> syn::Result<()> {
    for field in fields.iter_mut() {
        gate_attrs(&mut field.attrs)?;
    }
    Ok(())
}

/// Whether `path` names `JsonSchema` (`schemars::JsonSchema`, `::schemars::JsonSchema`).
fn is_json_schema(path: &Path) -> bool {
    path.segments
        .last()
        .is_some_and(|segment| segment.ident == "JsonSchema")
}

fn gate_attrs(attrs: &mut Vec<Attribute>) -> syn::Result<()> {
    let mut out = Vec::with_capacity(attrs.len() + 1);
    for attr in attrs.drain(..) {
        if attr.path().is_ident("derive") {
            let paths = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)?;
            let (schema, rest): (Vec<Path>, Vec<Path>) =
                paths.into_iter().partition(is_json_schema);
            if schema.is_empty() {
                out.push(attr);
                continue;
            }
            if !rest.is_empty() {
                out.push(syn::parse_quote!(#[derive(#(#rest),*)]));
            }
            out.push(cfg_attr_tokens(
                quote!(cfg_attr),
                Some(quote!(derive(#(#schema),*))),
            )?);
        } else if attr.path().is_ident("schemars") {
            let Meta::List(list) = &attr.meta else {
                out.push(attr);
                continue;
            };
            out.push(cfg_attr_tokens(quote!(cfg_attr), Some(quote!(#list)))?);
        } else {
            out.push(attr);
        }
    }
    *attrs = out;
    Ok(())
}

/// `#[cfg(feature = "schemars")]`, or `#[cfg_attr(feature = "schemars", inner)]`.
fn cfg_attr_tokens(kind: TokenStream, inner: Option<TokenStream>) -> syn::Result<Attribute> {
    let inner = inner.map(|inner| quote!(, #inner));
    let tokens = quote!(#[#kind(feature = #SCHEMARS_FEATURE #inner)]);
    let parser = Attribute::parse_outer;
    let mut attrs = syn::parse::Parser::parse2(parser, tokens)?;
    Ok(attrs.remove(0))
}
