//! The progress bar of `stance predict`: on standard error, only when it is a terminal and
//! the run is long. The only module that uses `indicatif`.
//!
//! A run is long when its inputs hold at least [`LONG_RUN_BYTES`]: inputs whose size is known
//! (files) show a bar with the share read and the time left from the start; an input of
//! unknown size (standard input from a pipe) shows a counter once that many bytes have been
//! read. Progress is counted in bytes read, as the inputs are read, plus the rows written.

use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Inputs smaller than this (16 MiB, a few seconds of scoring) never show progress.
pub(crate) const LONG_RUN_BYTES: u64 = 16 << 20;

/// Progress of a run, shown or not; cheap to clone (every clone moves the same bar).
#[derive(Debug, Clone)]
pub(crate) struct Progress {
    bar: ProgressBar,
    /// Rows written so far.
    rows: Arc<AtomicU64>,
    /// Whether the bar may be shown: standard error is a terminal and progress was not
    /// turned off.
    allowed: bool,
}

impl Progress {
    /// Progress over `inputs` (paths, `-` for standard input); `wanted` is false with
    /// `--no-progress`.
    pub(crate) fn new(inputs: &[PathBuf], wanted: bool) -> Self {
        let allowed = wanted && io::stderr().is_terminal();
        let total = known_size(inputs);
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden());
        let progress = Progress {
            bar,
            rows: Arc::new(AtomicU64::new(0)),
            allowed,
        };
        if allowed && total.is_some_and(|total| total >= LONG_RUN_BYTES) {
            progress.show();
        }
        progress
    }

    /// Wraps `inner` so that the bytes read from it count as progress.
    pub(crate) fn reader<R: Read>(&self, inner: R) -> ProgressReader<R> {
        ProgressReader {
            inner,
            progress: self.clone(),
        }
    }

    /// Counts rows written.
    pub(crate) fn add_rows(&self, rows: usize) {
        let rows = self.rows.fetch_add(rows as u64, Ordering::Relaxed) + rows as u64;
        if !self.bar.is_hidden() {
            self.bar.set_message(format!("{rows} rows"));
        }
    }

    /// Runs `write` (a message to standard error, say) with the bar out of the way.
    pub(crate) fn suspend<T>(&self, write: impl FnOnce() -> T) -> T {
        self.bar.suspend(write)
    }

    /// Removes the bar at the end of the run.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn add_bytes(&self, bytes: usize) {
        self.bar.inc(bytes as u64);
        if self.allowed && self.bar.is_hidden() && self.bar.position() >= LONG_RUN_BYTES {
            self.show();
        }
    }

    fn show(&self) {
        let template = if self.bar.length().is_some() {
            "{elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {bytes_per_sec}, {eta} left, {msg}"
        } else {
            "{spinner} {elapsed_precise} {bytes} read, {bytes_per_sec}, {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.set_draw_target(ProgressDrawTarget::stderr());
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }
}

/// The total size of the inputs, unless one is standard input, a pipe or a device.
fn known_size(inputs: &[PathBuf]) -> Option<u64> {
    inputs.iter().map(|input| size_of(input)).sum()
}

fn size_of(input: &Path) -> Option<u64> {
    if input == Path::new("-") {
        return None;
    }
    match std::fs::metadata(input) {
        Ok(metadata) if metadata.is_file() => Some(metadata.len()),
        Ok(_) => None,
        // It will be reported as unreadable, and read nothing.
        Err(_) => Some(0),
    }
}

/// A reader that counts the bytes read through it as progress.
#[derive(Debug)]
pub(crate) struct ProgressReader<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.progress.add_bytes(read);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_progress_counts_bytes_without_showing() {
        let progress = Progress::new(&[], false);
        let mut reader = progress.reader(&[7u8; 100][..]);
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes.len(), 100);
        assert_eq!(progress.bar.position(), 100);
        assert!(progress.bar.is_hidden());
    }

    #[test]
    fn the_size_of_standard_input_is_unknown() {
        assert_eq!(known_size(&[PathBuf::from("-")]), None);
        assert_eq!(known_size(&[]), Some(0));
    }
}
