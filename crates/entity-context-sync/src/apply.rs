//! [`ApplyPlan`]: sends a [`Plan`], several changes at a time, through the
//! client's one rate-limit budget.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use futures_util::StreamExt as _;

use crate::ensure::EnsureSync;
use crate::plan::{Action, Change, Plan, Work};
use crate::syncs::{EntityContextSyncs, InheritRetry};
use crate::{Error, IntegrationConfig, RetryPolicy};

/// How many changes [`ApplyPlan`] sends at a time unless told otherwise.
pub const DEFAULT_PARALLEL: usize = 2;

/// One change of a plan, as applied.
#[derive(Debug)]
#[non_exhaustive]
pub struct Applied {
    /// The change.
    pub change: Change,
    /// The config as Datadog now has it (creates and updates), `None` for
    /// unchanged and deleted syncs, or why the change failed.
    pub outcome: Result<Option<IntegrationConfig>, Error>,
}

/// Every change of a plan, as applied, in the plan's order.
#[derive(Debug)]
#[non_exhaustive]
pub struct ApplyReport {
    /// One per change.
    pub applied: Vec<Applied>,
}

impl ApplyReport {
    /// Whether every change was applied.
    pub fn is_success(&self) -> bool {
        self.applied.iter().all(|a| a.outcome.is_ok())
    }

    /// The changes that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Applied> {
        self.applied.iter().filter(|a| a.outcome.is_err())
    }

    /// How many changes with `action` were applied.
    pub fn done(&self, action: Action) -> usize {
        self.applied
            .iter()
            .filter(|a| a.change.action == action && a.outcome.is_ok())
            .count()
    }
}

type OnEach<'c> = Box<dyn FnMut(&Applied) + Send + 'c>;

/// A pending apply: send with [`send`](Self::send) or `.await`. Creates
/// never duplicate: one whose reply was lost is resolved by listing (as
/// [`ensure`](crate::EntityContextSyncs::ensure) does). Changes run
/// [`parallel`](Self::parallel) at a time; they share the client's
/// rate-limit budget, so a 429 pauses all of them. A failed change does not
/// stop the others.
#[must_use = "an ApplyPlan does nothing until sent or awaited"]
pub struct ApplyPlan<'c> {
    handler: EntityContextSyncs<'c>,
    plan: Plan,
    parallel: usize,
    on_each: Option<OnEach<'c>>,
    retry: Option<RetryPolicy>,
}

impl std::fmt::Debug for ApplyPlan<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplyPlan")
            .field("plan", &self.plan)
            .field("parallel", &self.parallel)
            .finish_non_exhaustive()
    }
}

impl<'c> ApplyPlan<'c> {
    pub(crate) fn new(handler: EntityContextSyncs<'c>, plan: Plan) -> Self {
        Self {
            handler,
            plan,
            parallel: DEFAULT_PARALLEL,
            on_each: None,
            retry: None,
        }
    }

    /// How many changes to send at a time (at least 1; default
    /// [`DEFAULT_PARALLEL`]).
    pub fn parallel(mut self, n: usize) -> Self {
        self.parallel = n.max(1);
        self
    }

    /// Called with each change as it finishes (in the order they finish).
    pub fn on_each(mut self, f: impl FnMut(&Applied) + Send + 'c) -> Self {
        self.on_each = Some(Box::new(f));
        self
    }

    /// Overrides the client's retry policy for every request of the apply.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends every change; the report says what was and was not applied.
    pub async fn send(self) -> ApplyReport {
        let Self {
            handler,
            plan,
            parallel,
            mut on_each,
            retry,
        } = self;
        let total = plan.changes.len();
        let retry = &retry;
        let mut done = futures_util::stream::iter(plan.changes.into_iter().enumerate())
            .map(|(i, change)| async move { (i, apply_one(handler, change, retry.as_ref()).await) })
            .buffer_unordered(parallel);
        let mut slots: Vec<Option<Applied>> = (0..total).map(|_| None).collect();
        while let Some((i, applied)) = done.next().await {
            if let Some(f) = on_each.as_mut() {
                f(&applied);
            }
            slots[i] = Some(applied);
        }
        ApplyReport {
            applied: slots.into_iter().flatten().collect(),
        }
    }
}

impl<'c> IntoFuture for ApplyPlan<'c> {
    type Output = ApplyReport;
    type IntoFuture = Pin<Box<dyn Future<Output = ApplyReport> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

async fn apply_one(
    handler: EntityContextSyncs<'_>,
    mut change: Change,
    retry: Option<&RetryPolicy>,
) -> Applied {
    let outcome = match std::mem::replace(&mut change.work, Work::Nothing) {
        Work::Nothing => Ok(None),
        Work::Create(sync) => EnsureSync::new(handler, sync)
            .inherit_retry(retry)
            .create(0)
            .await
            .map(|r| Some(r.value.config)),
        Work::Update(id, pending) => pending
            .into_update(handler.update(id, change.integration_type.clone()))
            .inherit_retry(retry)
            .send()
            .await
            .map(|r| Some(r.value)),
        Work::Delete(id) => handler
            .delete(id)
            .inherit_retry(retry)
            .send()
            .await
            .map(|_| None),
    };
    Applied { change, outcome }
}
