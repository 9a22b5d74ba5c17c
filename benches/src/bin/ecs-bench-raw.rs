//! The raw baseline's client program for the whole-process comparison
//! (`benches/benches/whole_process.rs`): `OP CALLS BASE_URL [ID]` sequential
//! calls written by hand with reqwest and serde_json
//! ([`entity_context_sync_benches::raw`]), on a current-thread runtime,
//! then exit. Its counterpart is `ecs-bench-facade`.

use std::hint::black_box;

use entity_context_sync_benches::raw::{BoxError, RawClient};
use entity_context_sync_benches::{Args, Op, seed_request};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let args = Args::from_env()?;
    let user_agent = std::env::var("ECS_USER_AGENT").map_err(|_| "ECS_USER_AGENT is not set")?;
    let client = RawClient::new(&args.base_url, &args.api_key, &args.app_key, &user_agent)?;
    let mut items = 0;
    for _ in 0..args.calls {
        match args.op {
            Op::Create => {
                black_box(client.create(&seed_request()).await?);
            }
            Op::Get => {
                black_box(client.get(&args.id).await?);
            }
            Op::List => {
                let list = client.list().await?;
                items = list["data"].as_array().map_or(0, Vec::len);
                black_box(list);
            }
        }
    }
    println!("raw: {} x{} ok ({items} items)", args.op.name(), args.calls);
    Ok(())
}
