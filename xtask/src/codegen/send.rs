//! Two per-call costs taken out of progenitor's request code, on the parsed
//! output before it is pretty-printed:
//!
//! - **No `api-version` header.** progenitor adds `api-version: <info.version>`
//!   to every request (a header map allocated, filled, merged into the
//!   request). Datadog defines no such header, so the statements that build it
//!   go, and with them the `.headers(header_map)` merge.
//! - **No copy of the response headers.** `ResponseValue::from_response`
//!   clones the whole header map before reading the body; the client crate's
//!   `decode::response_value` moves it instead (same value, same errors).
//!
//! Anything of either left after rewriting is an error: a progenitor upgrade
//! that changes the shape of its output must be looked at, not pass silently.

use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprCall, ExprMethodCall, Stmt};

/// The header progenitor adds and Datadog does not define.
const API_VERSION: &str = "api-version";
/// The local progenitor collects extra request headers in.
const HEADER_MAP: &str = "header_map";
/// Our replacement for `ResponseValue::from_response`.
const DECODE: &str = "crate::decode::response_value";

/// What [`tune`] rewrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Tuned {
    /// `api-version` headers removed.
    pub(crate) api_version: usize,
    /// `ResponseValue::from_response` calls replaced.
    pub(crate) decoders: usize,
}

/// Rewrites every request function in `file`.
pub(crate) fn tune(file: &mut syn::File) -> Result<Tuned, String> {
    let mut tuner = Tuner::default();
    tuner.visit_file_mut(file);
    let text = quote::ToTokens::to_token_stream(&*file).to_string();
    let left = [format!("\"{API_VERSION}\""), "from_response".to_string()]
        .into_iter()
        .filter(|needle| text.contains(needle.as_str()))
        .collect::<Vec<_>>();
    if tuner.left_over > 0 || !left.is_empty() {
        return Err(format!(
            "progenitor's request code has changed shape: {} left after rewriting ({} `{HEADER_MAP}` use(s) besides the `{API_VERSION}` header); update xtask/src/codegen/send.rs",
            if left.is_empty() {
                "nothing".to_string()
            } else {
                left.join(" and ")
            },
            tuner.left_over
        ));
    }
    Ok(tuner.tuned)
}

#[derive(Default)]
struct Tuner {
    tuned: Tuned,
    /// Blocks where `header_map` holds more than `api-version`.
    left_over: usize,
}

impl VisitMut for Tuner {
    fn visit_block_mut(&mut self, block: &mut Block) {
        visit_mut::visit_block_mut(self, block);
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !appends_api_version(stmt));
        let removed = before - block.stmts.len();
        if removed == 0 {
            return;
        }
        self.tuned.api_version += removed;
        // The map is now empty: drop its declaration and its merge.
        block.stmts.retain(|stmt| !declares(stmt, HEADER_MAP));
        let mut merges = 0;
        for stmt in &mut block.stmts {
            if let Stmt::Local(local) = stmt
                && let Some(init) = &mut local.init
            {
                merges += drop_headers_merge(&mut init.expr);
            }
        }
        let uses = block
            .stmts
            .iter()
            .filter(|stmt| mentions(stmt, HEADER_MAP))
            .count();
        if merges != 1 || uses != 0 {
            self.left_over += 1;
        }
    }

    fn visit_expr_call_mut(&mut self, call: &mut ExprCall) {
        visit_mut::visit_expr_call_mut(self, call);
        if let Expr::Path(path) = &*call.func
            && path_ends_with(&path.path, &["ResponseValue", "from_response"])
            && let Ok(decode) = syn::parse_str::<syn::ExprPath>(DECODE)
        {
            *call.func = Expr::Path(decode);
            self.tuned.decoders += 1;
        }
    }
}

/// `header_map.append(HeaderName::from_static("api-version"), ..);`
fn appends_api_version(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    call.method == "append"
        && is_ident(&call.receiver, HEADER_MAP)
        && call.args.first().is_some_and(|name| {
            let Expr::Call(from_static) = name else {
                return false;
            };
            let Expr::Path(func) = &*from_static.func else {
                return false;
            };
            path_ends_with(&func.path, &["HeaderName", "from_static"])
                && from_static.args.first().is_some_and(|arg| {
                    matches!(arg, Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value() == API_VERSION)
                })
        })
}

/// `let [mut] <name> = ..;`
fn declares(stmt: &Stmt, name: &str) -> bool {
    let Stmt::Local(local) = stmt else {
        return false;
    };
    matches!(&local.pat, syn::Pat::Ident(p) if p.ident == name)
}

/// Removes `.headers(header_map)` from a method chain; how many it removed.
fn drop_headers_merge(expr: &mut Expr) -> usize {
    let call = match expr {
        Expr::MethodCall(call) => call,
        Expr::Try(t) => return drop_headers_merge(&mut t.expr),
        _ => return 0,
    };
    if is_headers_merge(call) {
        *expr = (*call.receiver).clone();
        return 1 + drop_headers_merge(expr);
    }
    drop_headers_merge(&mut call.receiver)
}

fn is_headers_merge(call: &ExprMethodCall) -> bool {
    call.method == "headers"
        && call.args.len() == 1
        && call.args.first().is_some_and(|a| is_ident(a, HEADER_MAP))
}

fn is_ident(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(p) if p.path.is_ident(name))
}

fn path_ends_with(path: &syn::Path, tail: &[&str]) -> bool {
    let segments: Vec<_> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.len() >= tail.len() && segments[segments.len() - tail.len()..] == *tail
}

fn mentions(stmt: &Stmt, name: &str) -> bool {
    fn walk(tokens: proc_macro2::TokenStream, name: &str) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == name,
            proc_macro2::TokenTree::Group(g) => walk(g.stream(), name),
            _ => false,
        })
    }
    walk(quote::ToTokens::to_token_stream(stmt), name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape progenitor 0.15 emits for an operation, trimmed.
    const SEND: &str = r#"
        impl Op {
            pub async fn send(self) -> Result<ResponseValue<T>, Error<E>> {
                let url = format!("{}/x", client.baseurl);
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                #[allow(unused_mut)]
                let mut request = client
                    .client
                    .get(url)
                    .header(::reqwest::header::ACCEPT, ::reqwest::header::HeaderValue::from_static("application/json"))
                    .headers(header_map)
                    .build()?;
                let response = result?;
                match response.status().as_u16() {
                    200u16 => ResponseValue::from_response(response).await,
                    403u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        }
    "#;

    #[test]
    fn drops_the_api_version_header_and_the_header_copy() {
        let mut file: syn::File = syn::parse_str(SEND).expect("parses");
        let tuned = tune(&mut file).expect("tunes");
        assert_eq!(
            tuned,
            Tuned {
                api_version: 1,
                decoders: 2
            }
        );
        let text = quote::ToTokens::to_token_stream(&file).to_string();
        for gone in ["api-version", "header_map", "from_response"] {
            assert!(!text.contains(gone), "{gone} left: {text}");
        }
        assert!(
            text.contains("crate :: decode :: response_value (response)"),
            "{text}"
        );
        assert!(
            text.contains(". get (url) . header (") && text.contains(") . build ()"),
            "{text}"
        );
    }

    #[test]
    fn another_header_in_the_map_is_an_error_not_a_silent_change() {
        let other = SEND.replace(
            "#[allow(unused_mut)]",
            r#"header_map.append(::reqwest::header::HeaderName::from_static("x-other"), v);
               #[allow(unused_mut)]"#,
        );
        let mut file: syn::File = syn::parse_str(&other).expect("parses");
        let err = tune(&mut file).expect_err("refused");
        assert!(err.contains("1 `header_map` use(s)"), "{err}");
    }

    #[test]
    fn a_header_added_another_way_is_an_error_not_a_silent_change() {
        let other = SEND.replace("header_map.append(", "header_map.insert(");
        let mut file: syn::File = syn::parse_str(&other).expect("parses");
        let err = tune(&mut file).expect_err("refused");
        assert!(err.contains("\"api-version\" left"), "{err}");
    }

    #[test]
    fn code_without_requests_is_left_alone() {
        let mut file: syn::File = syn::parse_str("fn f() {}").expect("parses");
        assert_eq!(tune(&mut file), Ok(Tuned::default()));
    }
}
