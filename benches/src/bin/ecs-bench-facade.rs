//! The facade's client program for the whole-process comparison
//! (`benches/benches/whole_process.rs`): `OP CALLS BASE_URL [ID]` sequential
//! calls through `entity-context-sync`, on a current-thread runtime, then
//! exit. Its counterpart is `ecs-bench-raw`; the harness measures each
//! process's CPU and wall time.

use std::hint::black_box;

use entity_context_sync::{Client, NewSync, ServiceAccountKey};
use entity_context_sync_benches::raw::BoxError;
use entity_context_sync_benches::{Args, Op, SEED_CLIENT_EMAIL, SEED_PRIVATE_KEY, SEED_PROJECT_ID};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let args = Args::from_env()?;
    let client = Client::builder()
        .api_key(args.api_key.as_str())
        .app_key(args.app_key.as_str())
        .base_url(args.base_url.as_str())
        .build()?;
    let syncs = client.entity_context_syncs();
    let mut items = 0;
    for _ in 0..args.calls {
        match args.op {
            Op::Create => {
                let sync = NewSync::google_workspace(
                    "My GWS Integration",
                    "siem-test.com",
                    ServiceAccountKey::new(SEED_PROJECT_ID, SEED_CLIENT_EMAIL, SEED_PRIVATE_KEY),
                )
                .admin_email("test@example.com")
                .setting("setting1", "value1");
                black_box(syncs.create(sync).await?);
            }
            Op::Get => {
                black_box(syncs.get(args.id.as_str()).await?);
            }
            Op::List => {
                let list = syncs.list().await?;
                items = list.len();
                black_box(list);
            }
        }
    }
    println!(
        "facade: {} x{} ok ({items} items)",
        args.op.name(),
        args.calls
    );
    Ok(())
}
