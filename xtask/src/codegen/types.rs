//! What typify generated, read back from its type space: the struct fields
//! and enum variants that the facade's generated layer names.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use typify_impl::{TypeDetails, TypeSpace};

use super::CLIENT_CRATE;

/// The generated structs and enums, by typify's name for them.
#[derive(Debug, Default)]
pub(crate) struct TypeInfo {
    structs: BTreeMap<String, Vec<Prop>>,
    enums: BTreeMap<String, Vec<String>>,
}

/// One field of a generated struct.
#[derive(Debug, Clone)]
pub(crate) struct Prop {
    /// The Rust field name (`type_` for `type`).
    pub(crate) name: String,
    /// Whether the spec requires it (else the type is an `Option`).
    pub(crate) required: bool,
    /// Its type, as an absolute path the facade can name.
    pub(crate) ty: String,
}

impl TypeInfo {
    /// Reads every named struct and enum of `space`.
    pub(crate) fn read(space: &TypeSpace) -> Self {
        let mut info = Self::default();
        for ty in space.iter_types() {
            let name: String = ty.name().split_whitespace().collect();
            match ty.details() {
                TypeDetails::Struct(s) => {
                    let props = s
                        .properties_info()
                        .map(|p| Prop {
                            name: p.name.to_string(),
                            required: p.required,
                            ty: space
                                .get_type(&p.type_id)
                                .map(|t| absolute(&t.ident()))
                                .unwrap_or_default(),
                        })
                        .collect();
                    info.structs.insert(name, props);
                }
                TypeDetails::Enum(e) => {
                    let variants = e.variants().map(|(v, _)| v.to_string()).collect();
                    info.enums.insert(name, variants);
                }
                _ => {}
            }
        }
        info
    }

    /// The fields of the generated struct `name`, if typify made one.
    pub(crate) fn fields(&self, name: &str) -> Option<&[Prop]> {
        self.structs.get(name).map(Vec::as_slice)
    }

    /// The variants of the generated enum `name`, if typify made one.
    pub(crate) fn variants(&self, name: &str) -> Option<&[String]> {
        self.enums.get(name).map(Vec::as_slice)
    }
}

/// typify's type tokens with its module-relative `types::` paths made
/// absolute (`::entity_context_sync_client::types::`), as text.
fn absolute(tokens: &TokenStream) -> String {
    let text: String = tokens.to_string();
    let spaced = format!(" {text}");
    spaced
        .replace(" types ::", &format!(" :: {CLIENT_CRATE} :: types ::"))
        .replace("<types ::", &format!("< :: {CLIENT_CRATE} :: types ::"))
        .trim()
        .to_string()
}
