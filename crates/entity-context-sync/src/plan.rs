//! [`Plan`]: what converging an account to a desired state would change,
//! computed from one listing; sent by [`apply`](crate::EntityContextSyncs::apply).

use std::collections::{HashMap, HashSet};
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::syncs::{EntityContextSyncs, InheritRetry, call_builder};
use crate::update::UpdateSync;
use crate::{
    Credentials, Error, IntegrationConfig, IntegrationType, NewSync, Response, Result, RetryPolicy,
};

/// What a [`Change`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// No config of that type has the name: one is created.
    Create,
    /// One has it and differs: the differing fields are sent.
    Update,
    /// One has it and matches: nothing is sent.
    Unchanged,
    /// Not declared, of a declared type, and pruning: it is deleted.
    Delete,
}

impl Action {
    /// `create`, `update`, `unchanged` or `delete`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Delete => "delete",
        }
    }
}

/// One field an update changes. Secrets are write-only: a `secrets` change
/// has neither value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FieldChange {
    /// `domain`, `enabled`, `settings` or `secrets`.
    pub field: &'static str,
    /// The value Datadog has (for `settings`, the differing keys only).
    pub before: Option<Value>,
    /// The value to send (for `settings`, the differing keys only).
    pub after: Option<Value>,
}

/// What to send to make one config match: only the differing fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pending {
    domain: Option<String>,
    enabled: Option<bool>,
    settings: Option<Map<String, Value>>,
    credentials: Option<Credentials>,
}

impl Pending {
    /// The update that sends exactly these fields.
    pub(crate) fn into_update<'c>(self, mut update: UpdateSync<'c>) -> UpdateSync<'c> {
        update.domain = self.domain;
        update.enabled = self.enabled;
        update.settings = self.settings;
        update.credentials = self.credentials;
        update
    }
}

/// How `existing` differs from `sync`: the fields and what to send. Settings
/// match when every setting given has the server's value; extra server-side
/// settings are left alone. Secrets cannot be compared: with `rotate` they
/// are sent.
pub(crate) fn diff(
    existing: &IntegrationConfig,
    sync: &NewSync,
    rotate: bool,
) -> (Vec<FieldChange>, Pending) {
    let mut fields = Vec::new();
    let mut pending = Pending::default();
    if existing.domain != sync.domain() {
        fields.push(FieldChange {
            field: "domain",
            before: Some(Value::String(existing.domain.clone())),
            after: Some(Value::String(sync.domain().to_owned())),
        });
        pending.domain = Some(sync.domain().to_owned());
    }
    if let Some(enabled) = sync.enabled_wanted()
        && enabled != existing.enabled
    {
        fields.push(FieldChange {
            field: "enabled",
            before: Some(Value::Bool(existing.enabled)),
            after: Some(Value::Bool(enabled)),
        });
        pending.enabled = Some(enabled);
    }
    let (mut before, mut after) = (Map::new(), Map::new());
    for (k, v) in sync.settings_map() {
        let theirs = existing.settings.get(k);
        if theirs != Some(v) {
            before.insert(k.clone(), theirs.cloned().unwrap_or(Value::Null));
            after.insert(k.clone(), v.clone());
        }
    }
    if !after.is_empty() {
        // `settings` is replaced whole: the server's, with ours over them.
        let mut merged = existing.settings.clone();
        merged.extend(after.iter().map(|(k, v)| (k.clone(), v.clone())));
        pending.settings = Some(merged);
        fields.push(FieldChange {
            field: "settings",
            before: Some(Value::Object(before)),
            after: Some(Value::Object(after)),
        });
    }
    if rotate && !sync.credentials().is_empty() {
        pending.credentials = Some(sync.credentials().clone());
        fields.push(FieldChange {
            field: "secrets",
            before: None,
            after: None,
        });
    }
    (fields, pending)
}

/// One sync's change in a [`Plan`].
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Change {
    /// Create, update, unchanged or delete.
    pub action: Action,
    /// The source type.
    pub integration_type: IntegrationType,
    /// The name.
    pub name: String,
    /// The config's id (none for a create).
    pub id: Option<String>,
    /// The fields an update changes; empty otherwise.
    pub fields: Vec<FieldChange>,
    /// What applying it sends; never serialized.
    #[serde(skip)]
    pub(crate) work: Work,
}

/// What applying a [`Change`] sends: its [`Action`], with what it needs.
#[derive(Debug, Clone)]
pub(crate) enum Work {
    /// Nothing: the config matches.
    Nothing,
    /// This sync.
    Create(NewSync),
    /// These fields to the config with this id.
    Update(String, Pending),
    /// A delete of the config with this id.
    Delete(String),
}

impl Work {
    fn action(&self) -> Action {
        match self {
            Work::Nothing => Action::Unchanged,
            Work::Create(_) => Action::Create,
            Work::Update(..) => Action::Update,
            Work::Delete(_) => Action::Delete,
        }
    }
}

impl Change {
    /// The change that does `work`; its action follows from it.
    fn new(
        integration_type: IntegrationType,
        name: &str,
        id: Option<String>,
        fields: Vec<FieldChange>,
        work: Work,
    ) -> Self {
        Self {
            action: work.action(),
            integration_type,
            name: name.to_owned(),
            id,
            fields,
            work,
        }
    }

    /// `OKTA "Okta prod"`, for messages.
    pub fn label(&self) -> String {
        format!("{} {:?}", self.integration_type, self.name)
    }
}

/// What converging to a desired state would do, sync by sync: the declared
/// syncs in order, then the deletions (with pruning).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Plan {
    /// Every change, unchanged syncs included.
    pub changes: Vec<Change>,
}

impl Plan {
    /// Whether anything would be sent.
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action != Action::Unchanged)
    }

    /// How many changes have `action`.
    pub fn count(&self, action: Action) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }
}

/// A pending plan: send with [`send`](Self::send) or `.await`.
///
/// ```no_run
/// # async fn run(client: entity_context_sync::Client) -> entity_context_sync::Result<()> {
/// use entity_context_sync::NewSync;
/// let syncs = client.entity_context_syncs();
/// let plan = syncs
///     .plan(vec![NewSync::okta("Okta prod", "acme.okta.com", "00token").enabled(true)])
///     .prune(true)
///     .await?
///     .value;
/// for change in &plan.changes {
///     println!("{} {}", change.action.as_str(), change.label());
/// }
/// let report = syncs.apply(plan).parallel(4).await;
/// assert!(report.is_success());
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a PlanSyncs does nothing until sent or awaited"]
pub struct PlanSyncs<'c> {
    handler: EntityContextSyncs<'c>,
    desired: Vec<NewSync>,
    prune: bool,
    rotate: bool,
    retry: Option<RetryPolicy>,
}

impl<'c> PlanSyncs<'c> {
    pub(crate) fn new(handler: EntityContextSyncs<'c>, desired: Vec<NewSync>) -> Self {
        Self {
            handler,
            desired,
            prune: false,
            rotate: false,
            retry: None,
        }
    }

    /// Also delete the configs of the declared source types that are not
    /// declared. Off by default.
    pub fn prune(mut self, prune: bool) -> Self {
        self.prune = prune;
        self
    }

    /// Also send the secrets of configs that exist (rotation). Off by default.
    pub fn rotate_secrets(mut self, rotate: bool) -> Self {
        self.rotate = rotate;
        self
    }

    /// Validates every sync (nothing is sent if one is refused), lists the
    /// account once and compares.
    pub async fn send(self) -> Result<Response<Plan>> {
        let mut seen = HashSet::new();
        for sync in &self.desired {
            sync.validate()?;
            if !seen.insert((sync.integration_type(), sync.name())) {
                return Err(Error::validation(
                    "name",
                    format!(
                        "two {} syncs are named {:?} (a sync is identified by type and name)",
                        sync.integration_type(),
                        sync.name()
                    ),
                ));
            }
        }
        let listed = self
            .handler
            .list()
            .inherit_retry(self.retry.as_ref())
            .send()
            .await?;
        let plan = compare(&self.desired, &listed.value, self.prune, self.rotate)?;
        Ok(listed.map(|_| plan))
    }
}
call_builder!(PlanSyncs => Plan);

/// The plan from `desired` and the listed `configs`.
fn compare(
    desired: &[NewSync],
    configs: &[IntegrationConfig],
    prune: bool,
    rotate: bool,
) -> Result<Plan> {
    let mut by_key: HashMap<(&IntegrationType, &str), Vec<&IntegrationConfig>> = HashMap::new();
    for c in configs {
        by_key
            .entry((&c.integration_type, c.name.as_deref().unwrap_or("")))
            .or_default()
            .push(c);
    }
    let mut changes = Vec::with_capacity(desired.len());
    let mut declared = HashSet::new();
    for sync in desired {
        let t = sync.integration_type();
        let found = by_key
            .get(&(&t, sync.name()))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let change = match found {
            [] => Change::new(
                t.clone(),
                sync.name(),
                None,
                Vec::new(),
                Work::Create(sync.clone()),
            ),
            [existing] => {
                let (fields, pending) = diff(existing, sync, rotate);
                let work = if fields.is_empty() {
                    Work::Nothing
                } else {
                    Work::Update(existing.id.clone(), pending)
                };
                Change::new(
                    t.clone(),
                    sync.name(),
                    Some(existing.id.clone()),
                    fields,
                    work,
                )
            }
            many => {
                return Err(Error::Ambiguous {
                    integration_type: t.to_string(),
                    name: sync.name().to_owned(),
                    ids: many.iter().map(|c| c.id.clone()).collect(),
                });
            }
        };
        declared.insert(t);
        changes.push(change);
    }
    if prune {
        let named: HashSet<(IntegrationType, &str)> = desired
            .iter()
            .map(|s| (s.integration_type(), s.name()))
            .collect();
        for c in configs {
            let name = c.name.as_deref().unwrap_or("");
            if declared.contains(&c.integration_type)
                && !named.contains(&(c.integration_type.clone(), name))
            {
                changes.push(Change::new(
                    c.integration_type.clone(),
                    name,
                    Some(c.id.clone()),
                    Vec::new(),
                    Work::Delete(c.id.clone()),
                ));
            }
        }
    }
    Ok(Plan { changes })
}
