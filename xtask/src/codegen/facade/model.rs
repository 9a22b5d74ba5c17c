//! The facade's model of a configuration (`IntegrationConfig`): the `data`
//! of a response flattened (its `id`, then every attribute), so a property
//! the spec gives a response reaches users on regeneration.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use super::Input;
use super::custom::CONFIG_MODEL;
use crate::Error;
use crate::codegen::secrets::field_ident;
use crate::codegen::{CLIENT_CRATE, typify_name};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// One field of the model: where it comes from and how.
struct Field {
    name: Ident,
    doc: String,
    ty: TokenStream,
    value: TokenStream,
}

pub(super) fn tokens(input: &Input<'_>) -> Result<TokenStream, Error> {
    let (model, data_schema) = CONFIG_MODEL;
    let file = input.file;
    let schemas = |name: &str| {
        input
            .spec
            .raw
            .pointer(&format!("/components/schemas/{name}"))
    };
    let Some(data) = schemas(data_schema) else {
        // A spec without the resource (the xtask's synthetic test specs).
        return Ok(TokenStream::new());
    };
    let data_type = ident(&typify_name(data_schema).unwrap_or_default());
    // The data's own fields first (`id`), then its attributes.
    let mut fields: Vec<Field> = Vec::new();
    let mut flattened: Vec<Field> = Vec::new();
    let mut attributes_type = None;
    for (wire, prop) in properties(data) {
        if wire == "attributes" {
            let target = ref_name(prop).ok_or_else(|| {
                Error::new(file, format!("`{data_schema}.attributes` must be a `$ref`"))
            })?;
            let schema = schemas(target).cloned().unwrap_or(Value::Null);
            for (wire, prop) in properties(&schema) {
                let value = quote! { attributes };
                flattened.push(field(input, target, wire, prop, value)?);
            }
            attributes_type = Some(target.to_string());
            continue;
        }
        // JSON:API's `type`: a single-value enum, the same for every value.
        let single = ref_name(prop)
            .and_then(schemas)
            .and_then(|s| s.get("enum"))
            .and_then(Value::as_array)
            .is_some_and(|e| e.len() == 1);
        if !single {
            fields.push(field(input, data_schema, wire, prop, quote! { data })?);
        }
    }
    fields.extend(flattened);
    if let Some(f) = fields
        .iter()
        .enumerate()
        .find(|(i, f)| fields[..*i].iter().any(|g| g.name == f.name))
    {
        return Err(Error::new(
            file,
            format!(
                "`{data_schema}` and its attributes both have `{}`; the model flattens them into one struct",
                f.1.name
            ),
        ));
    }
    let model = ident(model);
    let doc = format!(
        "{} (`{data_schema}`, its attributes flattened). Secrets are write-only and never part of it.",
        data.get("description")
            .and_then(Value::as_str)
            .unwrap_or("A configuration")
            .trim_end_matches('.')
    );
    let take_attributes = attributes_type.map(|_| quote! { let attributes = data.attributes; });
    let names: Vec<&Ident> = fields.iter().map(|f| &f.name).collect();
    let docs = fields.iter().map(|f| &f.doc);
    let types = fields.iter().map(|f| &f.ty);
    let values = fields.iter().map(|f| &f.value);
    Ok(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[non_exhaustive]
        pub struct #model {
            #( #[doc = #docs] pub #names: #types, )*
        }

        impl From<client::types::#data_type> for #model {
            fn from(data: client::types::#data_type) -> Self {
                #take_attributes
                Self { #( #names: #values, )* }
            }
        }
    })
}

fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// The model field for property `wire` of `schema` (read from `from`).
fn field(
    input: &Input<'_>,
    schema: &str,
    wire: &str,
    prop: &Value,
    from: TokenStream,
) -> Result<Field, Error> {
    let file = input.file;
    let rust = field_ident(wire).ok_or_else(|| {
        Error::new(
            file,
            format!("property `{wire}` of `{schema}` is not a snake_case Rust field name"),
        )
    })?;
    let type_name = typify_name(schema).unwrap_or_default();
    let generated = input
        .types
        .fields(&type_name)
        .and_then(|fields| fields.iter().find(|f| f.name == rust))
        .ok_or_else(|| {
            Error::new(
                file,
                format!("progenitor generated no field `{rust}` in `{type_name}`"),
            )
        })?;
    let name = ident(&rust);
    let target =
        ref_name(prop).and_then(|r| input.spec.raw.pointer(&format!("/components/schemas/{r}")));
    let free_form = target.is_some_and(|t| {
        t.get("type").and_then(Value::as_str) == Some("object")
            && t.get("properties").is_none()
            && matches!(
                t.get("additionalProperties"),
                Some(Value::Bool(true)) | Some(Value::Object(_))
            )
    });
    let doc = prop
        .get("description")
        .or_else(|| target.and_then(|t| t.get("description")))
        .and_then(Value::as_str)
        .unwrap_or(wire)
        .to_string();
    let map = quote! { ::serde_json::Map<String, ::serde_json::Value> };
    let (ty, value) = if free_form {
        // A free-form object is a map, empty when absent.
        let value = if generated.required {
            quote! { #from.#name.0 }
        } else {
            quote! { #from.#name.map(|m| m.0).unwrap_or_default() }
        };
        (map, value)
    } else {
        if generated
            .ty
            .contains(&format!(":: {CLIENT_CRATE} :: types ::"))
        {
            return Err(Error::new(
                file,
                format!(
                    "property `{wire}` of `{schema}` is a `{}`; the facade's model carries strings, numbers, booleans, date-times, open enums and free-form maps, not generated structs (extend xtask/src/codegen/facade/model.rs)",
                    generated.ty
                ),
            ));
        }
        let ty = generated
            .ty
            .replace(&format!(":: {CLIENT_CRATE} ::"), "client ::")
            .replace(":: std :: option :: Option", "Option")
            .replace(":: std :: string :: String", "String");
        let ty: TokenStream = ty
            .parse()
            .map_err(|_| Error::new(file, format!("cannot read the type `{}`", generated.ty)))?;
        (ty, quote! { #from.#name })
    };
    Ok(Field {
        name,
        doc,
        ty,
        value,
    })
}
