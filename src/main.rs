//! The `stance` binary: parse the command line, run it, map errors to an exit status.

use std::io::ErrorKind;
use std::process::ExitCode;

use clap::Parser;

use stance::cli;

fn main() -> ExitCode {
    match cli::run(cli::Cli::parse(), &mut std::io::stdout().lock()) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`stance predict … | head`) is a normal way to stop reading.
            if err
                .chain()
                .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
                .any(|io| io.kind() == ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("stance: error: {}", cli::error_message(&err));
            ExitCode::FAILURE
        }
    }
}
