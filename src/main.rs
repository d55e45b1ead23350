//! The `stance` binary: parse the command line, run it, map errors to an exit status.
//!
//! Exit statuses: 0 done; 1 an error (bad input, a model that cannot be read, a failed read or
//! write), with one line on standard error naming the file, line and column where there is
//! one; 2 a bad command line (clap's own errors, and a setting out of its range).

use std::io::{self, ErrorKind, Write};
use std::process::ExitCode;

use clap::Parser;

use stance::{cli, Error};

/// The allocator: scoring an article makes and frees many small buffers (tokens, terms, rows).
/// On PolNeAR's 302 articles on one core mimalloc took user time from 1.50 s to 1.32 s against
/// the system's, but added 0.14 s of system time zeroing the huge pages it asks for, and 40 MiB
/// of peak memory (README, "Known limits").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The status of a bad command line, as clap exits with it.
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let mut out = Stdout(io::stdout().lock());
    let result = cli::run(cli, &mut out)
        .and_then(|code| out.flush().map(|()| code).map_err(anyhow::Error::from));
    match result {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`stance predict … | head`) is a normal way to stop reading.
            if err
                .chain()
                .filter_map(|cause| cause.downcast_ref::<io::Error>())
                .any(|io| io.kind() == ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("stance: error: {}", cli::error_message(&err));
            let usage = err
                .chain()
                .any(|cause| matches!(cause.downcast_ref(), Some(Error::InvalidValue { .. })));
            ExitCode::from(if usage { USAGE } else { 1 })
        }
    }
}

/// Standard output, whose errors say that they were writing to it (`> /dev/full`).
struct Stdout<W>(W);

impl<W: Write> Write for Stdout<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.write(bytes).map_err(on_stdout)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(on_stdout)
    }
}

fn on_stdout(err: io::Error) -> io::Error {
    io::Error::new(err.kind(), format!("standard output: {err}"))
}
