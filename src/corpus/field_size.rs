//! The most bytes one field of a labelled file may hold, enforced as the file is read.
//!
//! A text field is a quote or a statement, a context a paragraph or an article: a field of
//! megabytes is a mistake (a quote mark that never closes swallows the rest of the file) or an
//! attack, and featurising it costs time and memory in proportion (about 55 bytes of memory a
//! byte of text to score it, 150 to train on it: a 100 MB field took 5.3 GB to score and more
//! than 8 GB to train on). [`FieldSizeLimit`] sits between the decoder and the CSV reader and
//! follows the CSV syntax the reader is set up with (the delimiter, `"` quotes with `""` inside
//! them, `\n`, `\r` or `\r\n` ending a record), so a field is refused as soon as it passes the
//! limit, before the reader has gathered more of it, whatever the size of the field.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The most bytes one field may hold unless [`ReadOptions`](super::ReadOptions) says
/// otherwise: 1 MiB, thirty times the longest of PolNeAR's 302 news articles (34 KB). A row
/// with a field that long scores in about 0.3 s and 125 MB, and trains in 1.3 s and 250 MB
/// (the shipped model, one core's time, a release build).
pub const MAX_FIELD_BYTES: u64 = 1024 * 1024;

/// Where the scanner is in the CSV syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field.
    FieldStart,
    /// In a field that did not start with a quote mark.
    Unquoted,
    /// Inside quote marks.
    Quoted,
    /// Just after a quote mark inside quote marks: a second one is a quote mark in the text,
    /// anything else ends the quoted part.
    QuoteInQuoted,
}

/// A reader that hands out the bytes of another (decoded text) and fails with
/// [`Error::FieldTooLong`], wrapped in an [`io::Error`] of kind `InvalidData` (take it back
/// with [`super::read_error`]), at the first field longer than its limit. The bytes before the
/// one over the limit are handed out first.
#[derive(Debug)]
pub struct FieldSizeLimit<R> {
    inner: R,
    delimiter: u8,
    limit: u64,
    path: PathBuf,
    state: State,
    /// Bytes of the current field so far, its quote marks included.
    field_bytes: u64,
    /// 0-based number of the current field in its record.
    field: usize,
    /// 1-based line and 0-based byte column of the next byte.
    line: u64,
    column: u64,
    /// Line and 1-based byte column of the current field's first byte.
    field_start: (u64, u64),
    /// Whether the current field runs over a line end inside quote marks.
    spans_lines: bool,
    /// The error to give once the bytes before it are handed out.
    error: Option<Error>,
}

impl<R: Read> FieldSizeLimit<R> {
    /// Limits the fields of the CSV text `inner`, whose fields are separated by `delimiter`,
    /// to `limit` bytes; `path` names the file in errors.
    pub fn new(inner: R, delimiter: u8, limit: u64, path: &Path) -> Self {
        FieldSizeLimit {
            inner,
            delimiter,
            limit,
            path: path.to_path_buf(),
            state: State::FieldStart,
            field_bytes: 0,
            field: 0,
            line: 1,
            column: 0,
            field_start: (1, 1),
            spans_lines: false,
            error: None,
        }
    }

    /// Follows `bytes` through the CSV syntax; the number of them that keep every field within
    /// the limit, and the error for the field that passes it, if one does.
    fn scan(&mut self, bytes: &[u8]) -> (usize, Option<Error>) {
        for (at, &byte) in bytes.iter().enumerate() {
            let ends_record = byte == b'\n' || byte == b'\r';
            let in_field = match self.state {
                State::FieldStart | State::Unquoted | State::QuoteInQuoted
                    if byte == self.delimiter || ends_record =>
                {
                    self.state = State::FieldStart;
                    self.field = if ends_record { 0 } else { self.field + 1 };
                    false
                }
                State::FieldStart => {
                    self.field_start = (self.line, self.column + 1);
                    self.field_bytes = 0;
                    self.spans_lines = false;
                    self.state = match byte {
                        b'"' => State::Quoted,
                        _ => State::Unquoted,
                    };
                    true
                }
                State::Quoted => {
                    if byte == b'"' {
                        self.state = State::QuoteInQuoted;
                    }
                    self.spans_lines |= ends_record;
                    true
                }
                State::QuoteInQuoted => {
                    self.state = match byte {
                        b'"' => State::Quoted,
                        _ => State::Unquoted,
                    };
                    true
                }
                State::Unquoted => true,
            };
            if in_field {
                self.field_bytes += 1;
                if self.field_bytes > self.limit {
                    return (at, Some(self.too_long()));
                }
            }
            if byte == b'\n' {
                self.line += 1;
                self.column = 0;
            } else {
                self.column += 1;
            }
        }
        (bytes.len(), None)
    }

    fn too_long(&self) -> Error {
        let (line, column) = self.field_start;
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

impl<R: Read> Read for FieldSizeLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(err) = self.error.take() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, err));
        }
        let read = self.inner.read(buf)?;
        let (kept, error) = self.scan(&buf[..read]);
        self.error = error;
        // The bytes before the one over the limit are handed out first.
        match (kept, self.error.take()) {
            (0, Some(err)) => Err(io::Error::new(io::ErrorKind::InvalidData, err)),
            (_, err) => {
                self.error = err;
                Ok(kept)
            }
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
