//! `stance upgrade-model`: rewrites a model folder of an older format in the current one.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::persist;

/// Arguments of `stance upgrade-model`.
#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// The model folder to rewrite in place (atomically: a failure leaves it as it was).
    #[arg(value_name = "DIR")]
    pub(crate) model: PathBuf,
}

/// Loads the model (any format this build reads) and saves it in the current format; its
/// predictions do not change.
pub(crate) fn run(args: UpgradeArgs) -> anyhow::Result<std::process::ExitCode> {
    persist::upgrade(&args.model)
        .with_context(|| format!("cannot upgrade {}", args.model.display()))?;
    eprintln!(
        "stance: {} is now in model format {}",
        args.model.display(),
        persist::FORMAT_VERSION
    );
    Ok(std::process::ExitCode::SUCCESS)
}
