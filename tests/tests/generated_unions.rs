//! The generated discriminated unions (`unions::*`) decode every create,
//! update and credential-validation body: each source type round-trips, an
//! unknown source type is kept raw (secrets included), bad bodies fail with an
//! error naming the problem, and `Debug` never shows a secret.

use std::fmt::Debug;

use entity_context_sync_client::RawAttributes;
use entity_context_sync_client::types::{
    SecurityMonitoringIntegrationConfigCreateRequest as CreateRequest,
    SecurityMonitoringIntegrationConfigUpdateRequest as UpdateRequest,
    SecurityMonitoringIntegrationCredentialsValidateRequest as ValidateRequest,
};
use entity_context_sync_client::unions::{
    SecurityMonitoringIntegrationConfigCreateAttributes as CreateAttributes,
    SecurityMonitoringIntegrationConfigUpdateAttributes as UpdateAttributes,
    SecurityMonitoringIntegrationCredentialsValidateAttributes as ValidateAttributes,
};
use serde_json::{Value, json};

/// Every source type the fragment maps.
const KINDS: [&str; 5] = [
    "GOOGLE_WORKSPACE",
    "OKTA",
    "ENTRA_ID",
    "CROWDSTRIKE",
    "SENTINELONE",
];

/// Every secret value used below: none may show in `Debug`.
const CANARIES: &[&str] = &[
    "canary-gws-admin@example.com",
    "canary-gws-type",
    "canary-gws-project",
    "canary-gws-private-key",
    "canary-gws-client-email",
    "canary-gws-extra-key-id",
    "canary-gws-extra-deep",
    "canary-okta-token",
    "canary-cs-client-id",
    "canary-cs-client-secret",
    "canary-s1-token",
    "canary-unknown-api-key",
    "canary-unknown-deep",
];

/// The three body shapes that carry a union.
#[derive(Clone, Copy, Debug)]
enum Shape {
    Create,
    Update,
    Validate,
}

const SHAPES: [Shape; 3] = [Shape::Create, Shape::Update, Shape::Validate];

/// The secrets of `kind`: every field, the optional ones and extra key file
/// fields included (`full`), or only the required ones.
fn secrets(kind: &str, full: bool) -> Option<Value> {
    match kind {
        "GOOGLE_WORKSPACE" => {
            let mut key = json!({
                "type": "canary-gws-type",
                "project_id": "canary-gws-project",
                "private_key": "canary-gws-private-key",
                "client_email": "canary-gws-client-email",
            });
            let mut secrets = json!({});
            if full {
                key["private_key_id"] = json!("canary-gws-extra-key-id");
                key["nested_extra"] = json!({"deep": ["canary-gws-extra-deep", 7]});
                key["extra_number"] = json!(42);
                secrets["admin_email"] = json!("canary-gws-admin@example.com");
            }
            secrets["service_account_json"] = key;
            Some(secrets)
        }
        "OKTA" => Some(json!({"api_token": "canary-okta-token"})),
        "CROWDSTRIKE" => Some(json!({
            "client_id": "canary-cs-client-id",
            "client_secret": "canary-cs-client-secret",
        })),
        "SENTINELONE" => Some(json!({"api_token": "canary-s1-token"})),
        "ENTRA_ID" => None,
        other => panic!("no secrets for {other}"),
    }
}

/// The attributes of `kind` in `shape`: every field (`full`) or only the
/// required ones.
fn attributes(shape: Shape, kind: &str, full: bool) -> Value {
    let mut attrs = json!({"integration_type": kind});
    let secrets = secrets(kind, full);
    match shape {
        Shape::Create => {
            attrs["domain"] = json!(format!("{}.example.com", kind.to_lowercase()));
            attrs["name"] = json!(format!("{kind} sync"));
            if full {
                attrs["settings"] = json!({"setting1": "value1", "nested": {"n": [1, 2]}});
            }
            if let Some(secrets) = secrets {
                attrs["secrets"] = secrets;
            }
        }
        Shape::Update => {
            if full {
                attrs["domain"] = json!(format!("{}.example.com", kind.to_lowercase()));
                attrs["enabled"] = json!(false);
                attrs["name"] = json!(format!("{kind} sync"));
                attrs["settings"] = json!({"setting1": "value1"});
                if let Some(secrets) = secrets {
                    attrs["secrets"] = secrets;
                }
            }
        }
        Shape::Validate => {
            attrs["domain"] = json!(format!("{}.example.com", kind.to_lowercase()));
            if let Some(secrets) = secrets {
                attrs["secrets"] = secrets;
            }
        }
    }
    attrs
}

fn body(attributes: Value) -> Value {
    json!({"data": {"type": "integration_config", "attributes": attributes}})
}

use entity_context_sync_tests::Wire;

/// What each shape's generated union tells about a decoded value.
trait Union: Wire {
    fn is_unknown(&self) -> bool;
    fn tag(&self) -> &str;
}

macro_rules! union {
    ($($ty:ty),*) => {$(
        impl Union for $ty {
            fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
            fn tag(&self) -> &str {
                self.discriminator_value()
            }
        }
    )*};
}
union!(CreateAttributes, UpdateAttributes, ValidateAttributes);

/// Decodes `value` as `T`, checks that it re-serializes to the same JSON and
/// that its `Debug` shows no canary; returns the value and its `Debug`.
fn round_trip<T: Wire>(value: &Value) -> (T, String) {
    let decoded = T::decode(value).unwrap_or_else(|e| panic!("{value} does not decode: {e}"));
    assert_eq!(&decoded.encode(), value, "round trip changed the JSON");
    let debug = format!("{decoded:?}");
    assert_no_canary(&debug);
    (decoded, debug)
}

fn assert_no_canary(text: &str) {
    for canary in CANARIES {
        assert!(!text.contains(canary), "`{canary}` leaks into: {text}");
    }
}

/// The attributes round-trip through the union and through the whole body.
fn check_shape(shape: Shape, attrs: &Value) -> String {
    fn one<U: Union, B: Wire>(attrs: &Value) -> (bool, String) {
        let (union, debug) = round_trip::<U>(attrs);
        assert_eq!(
            union.tag(),
            attrs["integration_type"].as_str().expect("a string tag")
        );
        round_trip::<B>(&body(attrs.clone()));
        (union.is_unknown(), debug)
    }
    let (unknown, debug) = match shape {
        Shape::Create => one::<CreateAttributes, CreateRequest>(attrs),
        Shape::Update => one::<UpdateAttributes, UpdateRequest>(attrs),
        Shape::Validate => one::<ValidateAttributes, ValidateRequest>(attrs),
    };
    let known = KINDS.contains(&attrs["integration_type"].as_str().unwrap_or_default());
    assert_eq!(
        unknown, !known,
        "{shape:?} {attrs}: Unknown only for unknown tags"
    );
    debug
}

/// The error decoding `attrs` as `shape`'s whole body.
fn decode_error(shape: Shape, attrs: Value) -> String {
    let value = body(attrs);
    let result = match shape {
        Shape::Create => CreateRequest::decode(&value).map(drop),
        Shape::Update => UpdateRequest::decode(&value).map(drop),
        Shape::Validate => ValidateRequest::decode(&value).map(drop),
    };
    let err = result
        .err()
        .unwrap_or_else(|| panic!("{shape:?} must not decode"))
        .to_string();
    assert_no_canary(&err);
    err
}

#[test]
fn every_source_type_round_trips_in_every_shape() {
    for shape in SHAPES {
        for kind in KINDS {
            for full in [true, false] {
                let attrs = attributes(shape, kind, full);
                let debug = check_shape(shape, &attrs);
                assert!(
                    !debug.contains("RawAttributes"),
                    "{shape:?} {kind} decodes to its own variant: {debug}"
                );
            }
        }
    }
}

#[test]
fn variants_are_named_after_the_mapping_values() {
    let decode = |kind: &str| -> CreateAttributes {
        serde_json::from_value(attributes(Shape::Create, kind, false)).expect("decodes")
    };
    assert!(matches!(
        decode("GOOGLE_WORKSPACE"),
        CreateAttributes::GoogleWorkspace(_)
    ));
    assert!(matches!(decode("OKTA"), CreateAttributes::Okta(_)));
    assert!(matches!(decode("ENTRA_ID"), CreateAttributes::EntraId(_)));
    assert!(matches!(
        decode("CROWDSTRIKE"),
        CreateAttributes::Crowdstrike(_)
    ));
    assert!(matches!(
        decode("SENTINELONE"),
        CreateAttributes::Sentinelone(_)
    ));
    assert_eq!(CreateAttributes::DISCRIMINATOR, "integration_type");
}

/// A source type newer than the SDK, with secrets nested in it.
fn unknown_attributes() -> Value {
    json!({
        "integration_type": "JUMPCLOUD",
        "domain": "jumpcloud.example.com",
        "enabled": true,
        "name": "JumpCloud",
        "secrets": {
            "api_key": "canary-unknown-api-key",
            "nested": {"deep": ["canary-unknown-deep", 1, null]},
        },
        "settings": {"region": "eu"},
        "zz_new_field": {"a": [true, 2.5]},
    })
}

#[test]
fn unknown_source_type_is_kept_raw_and_re_serializes_identically() {
    for shape in SHAPES {
        let attrs = unknown_attributes();
        let debug = check_shape(shape, &attrs);
        assert!(debug.contains("JUMPCLOUD"), "{debug}");
        assert!(debug.contains("[REDACTED]"), "secrets redacted: {debug}");

        // Without secrets, too.
        let mut bare = attrs.clone();
        bare.as_object_mut().expect("object").remove("secrets");
        check_shape(shape, &bare);
    }

    // The escape hatch: build one from raw attributes.
    let Value::Object(fields) = unknown_attributes() else {
        unreachable!()
    };
    let union = CreateAttributes::from(RawAttributes::new(fields, None));
    assert_eq!(union.discriminator_value(), "JUMPCLOUD");
    assert_eq!(
        serde_json::to_value(&union).expect("encodes"),
        unknown_attributes()
    );
    let CreateAttributes::Unknown(raw) = &union else {
        panic!("Unknown expected")
    };
    assert_eq!(
        raw.secrets().expect("secrets kept").expose_secret(),
        &unknown_attributes()["secrets"]
    );
    assert_no_canary(&format!("{union:?}"));
}

#[test]
fn known_type_with_a_missing_required_field_names_the_field() {
    let without = |shape: Shape, kind: &str, pointer: &str| -> String {
        let mut attrs = attributes(shape, kind, true);
        let (parent, field) = pointer.rsplit_once('/').expect("a pointer");
        attrs
            .pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .expect("parent object")
            .remove(field)
            .unwrap_or_else(|| panic!("{kind} {shape:?} has {pointer}"));
        decode_error(shape, attrs)
    };
    for (shape, kind, pointer, field) in [
        (Shape::Create, "GOOGLE_WORKSPACE", "/name", "name"),
        (Shape::Create, "OKTA", "/secrets", "secrets"),
        (Shape::Create, "ENTRA_ID", "/domain", "domain"),
        (
            Shape::Create,
            "GOOGLE_WORKSPACE",
            "/secrets/service_account_json",
            "service_account_json",
        ),
        (
            Shape::Create,
            "GOOGLE_WORKSPACE",
            "/secrets/service_account_json/private_key",
            "private_key",
        ),
        (
            Shape::Validate,
            "CROWDSTRIKE",
            "/secrets/client_secret",
            "client_secret",
        ),
        (Shape::Validate, "SENTINELONE", "/domain", "domain"),
        (Shape::Update, "OKTA", "/secrets/api_token", "api_token"),
    ] {
        let err = without(shape, kind, pointer);
        assert!(
            err.contains(&format!("missing field `{field}`")),
            "{shape:?} {kind} without {pointer}: {err}"
        );
        assert!(
            !err.contains("did not match any variant"),
            "not typify's untagged error: {err}"
        );
    }
}

#[test]
fn missing_or_non_string_discriminator_fails() {
    for shape in SHAPES {
        let mut attrs = attributes(shape, "OKTA", true);
        attrs
            .as_object_mut()
            .expect("object")
            .remove("integration_type");
        let err = decode_error(shape, attrs.clone());
        assert!(
            err.contains("missing field `integration_type`"),
            "{shape:?}: {err}"
        );

        for tag in [
            json!(42),
            json!(null),
            json!(["OKTA"]),
            json!({"v": "OKTA"}),
        ] {
            attrs["integration_type"] = tag.clone();
            let err = decode_error(shape, attrs.clone());
            assert!(
                err.contains("`integration_type` must be a string"),
                "{shape:?} with {tag}: {err}"
            );
        }
    }
}

#[test]
fn a_known_tag_is_never_decoded_by_another_variant() {
    // Okta's body with Google's tag: Google's schema applies (and fails),
    // instead of trying each member in turn.
    let mut attrs = attributes(Shape::Create, "OKTA", true);
    attrs["integration_type"] = json!("GOOGLE_WORKSPACE");
    let err = decode_error(Shape::Create, attrs);
    assert!(
        err.contains("missing field `service_account_json`"),
        "{err}"
    );
}

#[test]
fn debug_of_secrets_shows_field_names_but_no_value() {
    let (_, debug) =
        round_trip::<CreateAttributes>(&attributes(Shape::Create, "GOOGLE_WORKSPACE", true));
    for shown in [
        "admin_email",
        "service_account_json",
        "private_key",
        "private_key_id",
        "[REDACTED]",
    ] {
        assert!(debug.contains(shown), "`{shown}` in {debug}");
    }
}

#[test]
fn decode_errors_never_quote_a_secret() {
    // serde quotes an unexpected string in its message ("invalid type: string
    // \"…\", expected struct …"): a key file pasted as a string, or a token
    // where the secrets object belongs, must not end up in an error.
    let key_as_string = json!({
        "private_key": "canary-gws-private-key",
        "client_email": "canary-gws-client-email",
    })
    .to_string();
    for (shape, kind, secrets) in [
        (
            Shape::Create,
            "GOOGLE_WORKSPACE",
            json!({"service_account_json": key_as_string}),
        ),
        (
            Shape::Validate,
            "GOOGLE_WORKSPACE",
            json!({"admin_email": "canary-gws-admin@example.com", "service_account_json": key_as_string}),
        ),
        (Shape::Create, "OKTA", json!("canary-okta-token")),
        (Shape::Update, "SENTINELONE", json!("canary-s1-token")),
        (
            Shape::Validate,
            "CROWDSTRIKE",
            json!("canary-cs-client-secret"),
        ),
    ] {
        let mut attrs = attributes(shape, kind, true);
        attrs["secrets"] = secrets;
        let err = decode_error(shape, attrs); // asserts no canary
        assert!(
            err.contains("invalid type") && err.contains("[REDACTED]"),
            "{shape:?} {kind}: {err}"
        );
    }
}
