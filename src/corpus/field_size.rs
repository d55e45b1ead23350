//! The most bytes one field of a labelled file may hold, enforced as the file is read.
//!
//! A text field is a quote or a statement, a context a paragraph or an article: a field of
//! megabytes is a mistake (a quote mark that never closes swallows the rest of the file) or an
//! attack, and featurising it costs time and memory in proportion (about 55 bytes of memory a
//! byte of text to score it, 150 to train on it: a 100 MB field took 5.3 GB to score and more
//! than 8 GB to train on). [`FieldSizeLimit`] sits between the decoder and the CSV reader, and
//! `csv-core`, the parser inside the `csv` crate, set up as the reader is (the delimiter, `"`
//! quotes with `""` inside them, `\n`, `\r` or `\r\n` ending a record), follows the syntax for
//! it, so a field is refused as soon as it passes the limit, before the reader has gathered
//! more of it, whatever the size of the field. A field's size counts its quote marks.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The most bytes one field may hold unless [`ReadOptions`](super::ReadOptions) says
/// otherwise: 1 MiB, thirty times the longest of PolNeAR's 302 news articles (34 KB). A row
/// with a field that long scores in about 0.3 s and 125 MB, and trains in 1.3 s and 250 MB
/// (the shipped model, one core's time, a release build).
pub const MAX_FIELD_BYTES: u64 = 1024 * 1024;

/// How many bytes the parser is given at a time. Its output, a field's text with the quoting
/// taken off, is never longer than its input, so an output buffer of this size never fills:
/// it is all the memory the limit costs, whatever the limit.
const CHUNK: usize = 4096;

/// A reader that hands out the bytes of another (decoded text) and fails with
/// [`Error::FieldTooLong`], wrapped in an [`io::Error`] of kind `InvalidData` (take it back
/// with [`super::read_error`]), at the first field longer than its limit. The bytes before the
/// one over the limit are handed out first; every read after that fails the same way.
#[derive(Debug)]
pub struct FieldSizeLimit<R> {
    inner: R,
    /// Follows the CSV syntax; the field text it writes out is thrown away.
    parser: csv_core::Reader,
    /// Where the parser writes field text, [`CHUNK`] bytes.
    scratch: Box<[u8]>,
    limit: u64,
    path: PathBuf,
    /// Bytes of the current field so far, its quote marks included.
    field_bytes: u64,
    /// 0-based number of the current field in its record.
    field: usize,
    /// 0-based byte column of the next byte (its line is the parser's).
    column: u64,
    /// Line and 1-based byte column of the current field's first byte, once it has been read.
    field_start: Option<(u64, u64)>,
    /// Whether the current field is the first of its record: the parser skips the line ends
    /// before it (blank lines, the `\n` of a `\r\n`), which are no part of it.
    record_start: bool,
    /// Whether the current field runs over a line end inside quote marks.
    spans_lines: bool,
    /// Whether the current field has passed the limit.
    over: bool,
}

impl<R: Read> FieldSizeLimit<R> {
    /// Limits the fields of the CSV text `inner`, whose fields are separated by `delimiter`,
    /// to `limit` bytes; `path` names the file in errors.
    pub fn new(inner: R, delimiter: u8, limit: u64, path: &Path) -> Self {
        // Otherwise csv-core's defaults, which are the `csv` reader's: `"` quotes with `""`
        // inside them, no escape byte, no comments, `\n`, `\r` or `\r\n` ending a record.
        let parser = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        FieldSizeLimit {
            inner,
            parser,
            scratch: vec![0; CHUNK].into_boxed_slice(),
            limit,
            path: path.to_path_buf(),
            field_bytes: 0,
            field: 0,
            column: 0,
            field_start: None,
            record_start: true,
            spans_lines: false,
            over: false,
        }
    }

    /// Follows `bytes` through the CSV syntax; the number of them that keep every field within
    /// the limit. Sets `over` if a field passes it.
    fn scan(&mut self, bytes: &[u8]) -> usize {
        let mut at = 0;
        while at < bytes.len() {
            // At most one byte more than the field has room for, so that the byte that
            // passes the limit, if one does, is the last one the parser takes.
            let room = (self.limit - self.field_bytes).saturating_add(1);
            let end = at
                + (bytes.len() - at)
                    .min(CHUNK)
                    .min(room.try_into().unwrap_or(CHUNK));
            let line = self.parser.line();
            let (result, taken, _) = self.parser.read_field(&bytes[at..end], &mut self.scratch);
            let taken = &bytes[at..at + taken];
            at += taken.len();
            let mut in_field = taken;
            if self.field_start.is_none() {
                let skipped = if self.record_start {
                    taken.iter().take_while(|&&b| is_line_end(b)).count()
                } else {
                    0
                };
                let (before, first) = taken.split_at(skipped);
                if !first.is_empty() {
                    let line = line + before.iter().filter(|&&b| b == b'\n').count() as u64;
                    self.field_start = Some((line, column_after(self.column, before) + 1));
                }
                in_field = first;
            }
            self.column = column_after(self.column, taken);
            if let csv_core::ReadFieldResult::Field { record_end } = result {
                // The byte that ended the field was the last one taken.
                self.field = if record_end { 0 } else { self.field + 1 };
                self.record_start = record_end;
                self.field_start = None;
                self.field_bytes = 0;
                self.spans_lines = false;
                continue;
            }
            self.field_bytes += in_field.len() as u64;
            self.spans_lines |= in_field.iter().any(|&b| is_line_end(b));
            if self.field_bytes > self.limit {
                self.over = true;
                return at - 1;
            }
        }
        bytes.len()
    }

    fn too_long(&self) -> Error {
        let (line, column) = self.field_start.unwrap_or((self.parser.line(), 1));
        Error::FieldTooLong {
            path: self.path.clone(),
            line,
            column,
            field: self.field + 1,
            name: None,
            limit: self.limit,
            unclosed_quote: self.spans_lines,
        }
    }
}

/// Whether `byte` ends a line (a record, outside quote marks).
fn is_line_end(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

/// The 0-based byte column after `bytes`, which start at `column`.
fn column_after(column: u64, bytes: &[u8]) -> u64 {
    match bytes.iter().rposition(|&b| b == b'\n') {
        Some(newline) => (bytes.len() - newline - 1) as u64,
        None => column + bytes.len() as u64,
    }
}

impl<R: Read> Read for FieldSizeLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let too_long = |this: &Self| io::Error::new(io::ErrorKind::InvalidData, this.too_long());
        if self.over {
            return Err(too_long(self));
        }
        let read = self.inner.read(buf)?;
        // The bytes before the one over the limit are handed out first.
        match self.scan(&buf[..read]) {
            0 if self.over => Err(too_long(self)),
            kept => Ok(kept),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a [`FieldSizeLimit`] of `limit` bytes gives for `text` read `step` bytes at a time:
    /// the text it handed out, and its error.
    fn read(text: &str, limit: u64, step: usize) -> (String, Option<Error>) {
        let mut reader = FieldSizeLimit::new(text.as_bytes(), b',', limit, Path::new("t.csv"));
        let mut out = Vec::new();
        let mut buf = vec![0; step];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return (String::from_utf8(out).unwrap(), None),
                Ok(count) => out.extend_from_slice(&buf[..count]),
                Err(err) => {
                    let err = super::super::read_error(Path::new("t.csv"), err);
                    return (String::from_utf8(out).unwrap(), Some(err));
                }
            }
        }
    }

    #[test]
    fn fields_within_the_limit_pass_as_they_are() {
        // Quote marks, delimiters and line ends inside quotes belong to their field.
        let text = "text,actor\r\n\"a,\"\"b\"\"\nc\",X\n12345678,\"\"\n\n";
        for step in [1, 2, 3, 100] {
            let (out, err) = read(text, 12, step);
            assert_eq!(out, text, "{step}");
            assert!(err.is_none(), "{step}: {err:?}");
        }
    }

    #[test]
    fn the_first_field_over_the_limit_is_named_after_the_bytes_before_it() {
        let text = "text,actor\nshort,X\nab,0123456789AB,Y\n";
        for step in [1, 4, 100] {
            let (before, err) = read(text, 10, step);
            assert_eq!(before, "text,actor\nshort,X\nab,0123456789", "{step}");
            let err = err.unwrap();
            assert!(
                matches!(
                    err,
                    Error::FieldTooLong {
                        line: 3,
                        column: 4,
                        field: 2,
                        limit: 10,
                        unclosed_quote: false,
                        ..
                    }
                ),
                "{err:?}"
            );
            assert_eq!(
                err.to_string(),
                "t.csv:3:4: field 2 holds more than 10 bytes, the most stance reads in a \
                 field; cut the text into rows of at most that size"
            );
        }
    }

    #[test]
    fn blank_lines_and_crlf_are_no_part_of_the_next_field_but_quote_marks_are() {
        // `"a""b"` is six bytes, over a limit of five; it starts after a `\r\n` and a blank line.
        let text = "text,actor\r\n\r\nok,\"a\"\"b\"\r\n";
        for step in [1, 2, 100] {
            let (before, err) = read(text, 5, step);
            assert_eq!(before, "text,actor\r\n\r\nok,\"a\"\"b", "{step}");
            let err = err.unwrap().to_string();
            assert!(
                err.starts_with("t.csv:3:4: field 2 holds more than 5 bytes"),
                "{err}"
            );
        }
        assert!(read(text, 6, 3).1.is_none());
    }

    #[test]
    fn a_quote_mark_that_never_closes_is_named_where_it_opens() {
        let text = format!("text,actor\nok,X\n\"open,Y\n{}", "more,Z\n".repeat(100));
        let (_, err) = read(&text, 64, 7);
        let err = err.unwrap().to_string();
        assert!(
            err.starts_with(
                "t.csv:3:1: field 1 holds more than 64 bytes, the most stance reads in a field; \
                 it opens a quote mark and runs on over the lines after it"
            ),
            "{err}"
        );
        assert!(read(&text, MAX_FIELD_BYTES, 4096).1.is_none());
    }
}
