//! The `stance` binary: parse the command line, run it, map errors to an exit status.

mod cli;

use std::io::ErrorKind;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match cli::run(cli::Cli::parse()) {
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
            eprintln!("stance: error: {}", message(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, joined by ": " as anyhow's `{:#}` does, but a cause whose words
/// the message already ends with (an I/O error that names its source) is said once.
fn message(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let cause = cause.to_string();
        if message.ends_with(&cause) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&cause);
    }
    message
}
