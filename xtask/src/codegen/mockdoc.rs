//! The operations table of the httpmock helpers, generated onto their
//! `MockServerExt` trait: each method, its request, what `when` narrows by
//! and the replies `then` offers, read from the generated code itself (and
//! the spec's methods and paths), so a new operation documents itself.

use std::collections::BTreeMap;
use std::path::Path;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{ImplItem, Item};

use crate::Error;
use crate::spec::Spec;

/// `mock` with the table as the doc of `MockServerExt`.
pub(super) fn document(mock: TokenStream, spec: &Spec, file: &Path) -> Result<TokenStream, Error> {
    let mut parsed: syn::File = syn::parse2(mock)
        .map_err(|e| Error::new(file, format!("the httpmock helpers do not parse: {e}")))?;
    // The methods of every `…When` / `…Then` wrapper, by wrapper name.
    let mut methods: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in &parsed.items {
        let Item::Mod(m) = item else { continue };
        for item in m.content.iter().flat_map(|(_, items)| items) {
            let Item::Impl(i) = item else { continue };
            let name = i.self_ty.to_token_stream().to_string();
            let names = i.items.iter().filter_map(|it| match it {
                ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            });
            methods
                .entry(name)
                .or_default()
                .extend(names.filter(|n| !matches!(n.as_str(), "new" | "into_inner")));
        }
    }
    let mut rows = vec![
        "| method | request | `when` narrows by | `then` replies |".to_string(),
        "|---|---|---|---|".to_string(),
    ];
    for (path, method, op) in spec.doc.operations() {
        let id = op.operation_id.clone().unwrap_or_default();
        let list = |suffix: &str| {
            methods
                .get(&format!("{id}{suffix}"))
                .filter(|m| !m.is_empty())
                .map_or_else(
                    || "–".to_string(),
                    |m| {
                        m.iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                )
        };
        rows.push(format!(
            "| `{}` | `{} {path}` | {} | {} |",
            super::facade::snake_case(&id),
            method.to_uppercase(),
            list("When"),
            list("Then"),
        ));
    }
    let lines = [
        String::new(),
        "# Operations".to_string(),
        String::new(),
        "One method per operation of the spec (generated with it):".to_string(),
        String::new(),
    ]
    .into_iter()
    .chain(rows);
    for item in &mut parsed.items {
        if let Item::Trait(t) = item
            && t.ident == "MockServerExt"
        {
            for line in lines {
                let line = format!(" {line}");
                t.attrs.push(syn::parse_quote!(#[doc = #line]));
            }
            return Ok(parsed.into_token_stream());
        }
    }
    Err(Error::new(
        file,
        "the httpmock helpers have no `MockServerExt` trait to document (a progenitor change?)",
    ))
}
