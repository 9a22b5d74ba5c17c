//! The public API of the crates users depend on is as reviewed
//! (`tests/public-api/*.txt`): an edit or a regeneration that changes what
//! users compile against fails here, naming each item and whether the
//! change is breaking, until `cargo xtask public-api` records it.

use xtask::{Mode, workspace_root};

#[test]
fn the_public_api_is_as_reviewed() {
    let report = xtask::public_api::run(&workspace_root(), Mode::Check)
        .unwrap_or_else(|e| panic!("reading the public API: {e}"));
    assert!(report.stale.is_empty(), "\n{}", report.render());
    assert_eq!(report.files.len(), xtask::public_api::CRATES.len());
}
