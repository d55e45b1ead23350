//! Byte encodings of input files: whole buffers ([`TextEncoding::decode`]) or streams read
//! a block at a time ([`DecodingReader`]), with the same text and the same errors.

use std::borrow::Cow;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::param::Param;

/// The byte encoding of a labelled file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextEncoding {
    /// UTF-8, the default; invalid bytes are an error that names their line and column.
    #[default]
    Utf8,
    /// ISO-8859-1: every byte is the code point of the same value.
    Latin1,
    /// Windows-1252, as `encoding_rs` decodes it (curly quotes in 0x80-0x9f).
    Cp1252,
}

impl FromStr for TextEncoding {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        match value.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(TextEncoding::Utf8),
            "latin1" | "latin-1" | "iso-8859-1" => Ok(TextEncoding::Latin1),
            "cp1252" | "windows-1252" => Ok(TextEncoding::Cp1252),
            _ => Err(Error::InvalidValue {
                param: Param::Encoding,
                value: value.into(),
                expected: "utf-8, latin1 or cp1252".into(),
            }),
        }
    }
}

/// The name `--encoding` takes (`utf-8`, `latin1`, `cp1252`), which [`FromStr`] reads back.
impl std::fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Latin1 => "latin1",
            TextEncoding::Cp1252 => "cp1252",
        })
    }
}

impl TextEncoding {
    /// Decodes `bytes`, dropping a leading UTF-8 byte-order mark.
    pub(crate) fn decode<'a>(self, bytes: &'a [u8], path: &Path) -> Result<Cow<'a, str>, Error> {
        match self {
            TextEncoding::Utf8 => {
                let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
                std::str::from_utf8(bytes)
                    .map(Cow::Borrowed)
                    .map_err(|err| invalid_utf8(bytes, err.valid_up_to(), path))
            }
            TextEncoding::Latin1 | TextEncoding::Cp1252 => Ok(self.decode_single_byte(bytes)),
        }
    }

    /// Decodes `bytes` in CP1252, else in Latin-1: for the single-byte encodings, which map
    /// every byte to one character (so a stream decodes block by block).
    fn decode_single_byte(self, bytes: &[u8]) -> Cow<'_, str> {
        if self == TextEncoding::Cp1252 {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            text
        } else {
            Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())
        }
    }
}

/// UTF-8's byte order mark.
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// The lines of a UTF-8 text (a JSON lines file, say) that hold more than white space, one at
/// a time: line ends as `str::lines` takes them (`\n` or `\r\n`), a byte order mark before
/// the first line dropped, invalid UTF-8 an error naming its line and column.
pub(crate) struct TextLines<'p, R> {
    reader: R,
    /// The file, for errors.
    path: &'p Path,
    /// 1-based number of the last line read.
    line: u64,
    buffer: Vec<u8>,
}

impl<'p, R: io::BufRead> TextLines<'p, R> {
    /// The lines of `reader`; `path` names it in errors.
    pub(crate) fn new(reader: R, path: &'p Path) -> Self {
        TextLines {
            reader,
            path,
            line: 0,
            buffer: Vec::new(),
        }
    }

    /// The next line that is not blank, with its 1-based number; `None` at the end.
    pub(crate) fn next_line(&mut self) -> Result<Option<(u64, &str)>, Error> {
        let (start, end) = loop {
            self.buffer.clear();
            let read = self
                .reader
                .read_until(b'\n', &mut self.buffer)
                .map_err(|err| Error::io(self.path, err))?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            let mut end = self.buffer.len();
            if self.buffer.ends_with(b"\n") {
                end -= 1 + usize::from(self.buffer[..end - 1].ends_with(b"\r"));
            }
            let start = match self.line == 1 && self.buffer[..end].starts_with(UTF8_BOM) {
                true => UTF8_BOM.len(),
                false => 0,
            };
            let text = decode_utf8_line(&self.buffer[start..end], self.line, self.path)?;
            if !text.trim().is_empty() {
                break (start, end);
            }
        };
        // Decoded again, which the loop's borrow of the buffer cannot hand out.
        let text = decode_utf8_line(&self.buffer[start..end], self.line, self.path)?;
        Ok(Some((self.line, text)))
    }
}

/// Decodes UTF-8 that starts on 1-based line `line` of its file (one line of a JSON lines
/// file, say), so an error names the line and column in the file.
fn decode_utf8_line<'a>(bytes: &'a [u8], line: u64, path: &Path) -> Result<&'a str, Error> {
    std::str::from_utf8(bytes).map_err(|err| {
        let position = TextPosition { line, column: 0 }.after(&bytes[..err.valid_up_to()]);
        position.invalid_utf8(bytes[err.valid_up_to()], path)
    })
}

fn invalid_utf8(bytes: &[u8], offset: usize, path: &Path) -> Error {
    TextPosition::START
        .after(&bytes[..offset])
        .invalid_utf8(bytes[offset], path)
}

/// A line and a byte column in a file, for errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TextPosition {
    /// 1-based line.
    line: u64,
    /// Bytes between the start of the line and the position.
    column: u64,
}

impl TextPosition {
    const START: TextPosition = TextPosition { line: 1, column: 0 };

    /// The position after reading `bytes` from this one.
    fn after(self, bytes: &[u8]) -> TextPosition {
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(last) => TextPosition {
                line: self.line + bytes.iter().filter(|&&b| b == b'\n').count() as u64,
                column: (bytes.len() - last - 1) as u64,
            },
            None => TextPosition {
                line: self.line,
                column: self.column + bytes.len() as u64,
            },
        }
    }

    /// The error for the invalid byte `byte` at this position.
    fn invalid_utf8(self, byte: u8, path: &Path) -> Error {
        Error::InvalidUtf8 {
            path: path.to_path_buf(),
            line: self.line,
            column: self.column + 1,
            byte,
        }
    }
}

/// Raw bytes asked of the inner reader at a time.
const BLOCK_BYTES: usize = 64 * 1024;

/// A reader that decodes the bytes of another as they are read, to UTF-8.
///
/// It gives the same text as [`TextEncoding::decode`] gives for the whole input (a leading
/// UTF-8 byte-order mark dropped), holding one block of the input at a time. Invalid UTF-8 is
/// the same [`Error::InvalidUtf8`], naming the line and column of the first bad byte: every
/// byte before it is handed out first, then `read` fails with an [`io::Error`] of kind
/// `InvalidData` that wraps the [`Error`] (take it back with `io::Error::downcast`).
#[derive(Debug)]
pub struct DecodingReader<R> {
    inner: R,
    encoding: TextEncoding,
    path: PathBuf,
    /// Bytes read from `inner` but not decoded yet: a UTF-8 sequence cut by the end of a
    /// read, or the first bytes while a byte-order mark may still be coming.
    raw: Vec<u8>,
    /// Where `raw` starts in the input (after a byte-order mark).
    position: TextPosition,
    /// Decoded bytes, handed out from `next`.
    decoded: Vec<u8>,
    next: usize,
    /// Whether a leading byte-order mark has been looked for.
    bom_checked: bool,
    /// The error to give once `decoded` is handed out.
    error: Option<Error>,
    /// Whether `inner` is at its end (or failed): nothing more will be decoded.
    finished: bool,
}

impl<R: Read> DecodingReader<R> {
    /// Decodes `inner` with `encoding`; `path` names it in errors.
    pub fn new(inner: R, encoding: TextEncoding, path: &Path) -> Self {
        DecodingReader {
            inner,
            encoding,
            path: path.to_path_buf(),
            raw: Vec::new(),
            position: TextPosition::START,
            decoded: Vec::new(),
            next: 0,
            bom_checked: false,
            error: None,
            finished: false,
        }
    }

    /// Reads one block from `inner` and decodes what can be decoded of `raw`.
    fn refill(&mut self) -> io::Result<()> {
        let kept = self.raw.len();
        self.raw.resize(kept + BLOCK_BYTES, 0);
        let read = loop {
            match self.inner.read(&mut self.raw[kept..]) {
                Ok(read) => break read,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    self.raw.truncate(kept);
                    self.finished = true;
                    return Err(err);
                }
            }
        };
        self.raw.truncate(kept + read);
        let at_end = read == 0;
        self.finished = at_end;
        if !self.bom_checked {
            if self.raw.len() < UTF8_BOM.len() && !at_end {
                return Ok(());
            }
            if self.encoding == TextEncoding::Utf8 && self.raw.starts_with(UTF8_BOM) {
                self.raw.drain(..UTF8_BOM.len());
            }
            self.bom_checked = true;
        }
        match self.encoding {
            TextEncoding::Utf8 => {
                let valid = match std::str::from_utf8(&self.raw) {
                    Ok(_) => self.raw.len(),
                    // A sequence cut by the end of the block: decoded with the next block.
                    Err(err) if err.error_len().is_none() && !at_end => err.valid_up_to(),
                    Err(err) => {
                        let bad = err.valid_up_to();
                        let position = self.position.after(&self.raw[..bad]);
                        self.error = Some(position.invalid_utf8(self.raw[bad], &self.path));
                        self.finished = true;
                        bad
                    }
                };
                self.position = self.position.after(&self.raw[..valid]);
                self.decoded.extend_from_slice(&self.raw[..valid]);
                self.raw.drain(..valid);
            }
            // Single-byte encodings: any block decodes on its own as it would in the whole.
            TextEncoding::Latin1 | TextEncoding::Cp1252 => {
                let text = self.encoding.decode_single_byte(&self.raw);
                self.decoded.extend_from_slice(text.as_bytes());
                self.raw.clear();
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.next == self.decoded.len() {
            if let Some(err) = self.error.take() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, err));
            }
            if self.finished {
                return Ok(0);
            }
            self.decoded.clear();
            self.next = 0;
            self.refill()?;
        }
        let available = &self.decoded[self.next..];
        let count = available.len().min(buf.len());
        buf[..count].copy_from_slice(&available[..count]);
        self.next += count;
        Ok(count)
    }
}

/// The [`Error`] that a [`DecodingReader`] wrapped in `err`, else `err` as an [`Error::Io`]
/// on `path`.
pub fn read_error(path: &Path, err: io::Error) -> Error {
    match err.downcast::<Error>() {
        Ok(err) => err,
        Err(err) => Error::io(path, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_line_and_column_and_hints_at_encoding() {
        let err = TextEncoding::Utf8
            .decode(b"text\nab\x93c\n", Path::new("x.csv"))
            .unwrap_err();
        assert_eq!(
            err.message(crate::Naming::Flag),
            "x.csv:2:3: invalid UTF-8 (byte 0x93); if the file is not UTF-8, \
             pass --encoding latin1 or --encoding cp1252"
        );
        assert!(err
            .to_string()
            .ends_with("pass encoding = latin1 or encoding = cp1252"));
    }

    #[test]
    fn cp1252_and_latin1_differ_in_the_c1_range() {
        let bytes = b"\x93hi\x94 caf\xe9";
        let path = Path::new("x");
        assert_eq!(
            TextEncoding::Cp1252.decode(bytes, path).unwrap(),
            "\u{201c}hi\u{201d} café"
        );
        assert_eq!(
            TextEncoding::Latin1.decode(bytes, path).unwrap(),
            "\u{93}hi\u{94} café"
        );
    }

    #[test]
    fn bom_is_dropped() {
        assert_eq!(
            TextEncoding::Utf8
                .decode(b"\xef\xbb\xbfa", Path::new("x"))
                .unwrap(),
            "a"
        );
    }

    /// A reader that gives `step` bytes at a time, to cut sequences at every place.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let count = self.step.min(buf.len()).min(self.bytes.len());
            buf[..count].copy_from_slice(&self.bytes[..count]);
            self.bytes = &self.bytes[count..];
            Ok(count)
        }
    }

    /// What a [`DecodingReader`] gives for `bytes` fed `step` bytes at a time: the text it
    /// handed out, and its error.
    fn stream(bytes: &[u8], encoding: TextEncoding, step: usize) -> (String, Option<Error>) {
        let mut reader = DecodingReader::new(Trickle { bytes, step }, encoding, Path::new("x"));
        let mut text = Vec::new();
        let mut buf = [0; 3];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return (String::from_utf8(text).unwrap(), None),
                Ok(count) => text.extend_from_slice(&buf[..count]),
                Err(err) => {
                    return (
                        String::from_utf8(text).unwrap(),
                        Some(read_error(Path::new("x"), err)),
                    )
                }
            }
        }
    }

    #[test]
    fn a_stream_decodes_as_the_whole_does() {
        let inputs: [&[u8]; 4] = [
            "\u{feff}caf\u{e9} “quoted” \u{1f600}\nline two\n".as_bytes(),
            b"\x93hi\x94 caf\xe9\n\xef\xbb\xbf",
            b"\xef\xbb",
            b"",
        ];
        for bytes in inputs {
            for encoding in [
                TextEncoding::Utf8,
                TextEncoding::Latin1,
                TextEncoding::Cp1252,
            ] {
                let Ok(whole) = encoding.decode(bytes, Path::new("x")) else {
                    continue;
                };
                for step in [1, 2, 5, 100] {
                    let (text, error) = stream(bytes, encoding, step);
                    assert_eq!(text, whole, "{encoding:?}, {step} bytes at a time");
                    assert!(error.is_none());
                }
            }
        }
    }

    #[test]
    fn a_stream_gives_the_text_before_invalid_utf8_then_the_same_error() {
        for bytes in [
            &b"\xef\xbb\xbftext\nab\x93c\nmore\n"[..],
            &b"ok \xe2\x80"[..],
            &b"\n\n\xff"[..],
        ] {
            let whole = TextEncoding::Utf8
                .decode(bytes, Path::new("x"))
                .unwrap_err()
                .to_string();
            for step in [1, 2, 4, 100] {
                let (text, error) = stream(bytes, TextEncoding::Utf8, step);
                assert_eq!(error.unwrap().to_string(), whole, "{step} bytes at a time");
                let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
                assert!(bytes.starts_with(text.as_bytes()));
                assert_eq!(
                    text.len(),
                    std::str::from_utf8(bytes).unwrap_err().valid_up_to()
                );
            }
        }
    }

    #[test]
    fn text_lines_skip_blank_lines_and_the_bom_and_name_a_bad_line() {
        let text = b"\xef\xbb\xbf{\"a\": 1}\r\n\n  \r\n\xef\xbb\xbfsecond\nlast";
        let mut lines = TextLines::new(&text[..], Path::new("x.jsonl"));
        let mut read = Vec::new();
        while let Some((line, text)) = lines.next_line().unwrap() {
            read.push((line, text.to_string()));
        }
        // Only the first line's mark is the file's; a later one is the line's own text.
        let expected = [(1, "{\"a\": 1}"), (4, "\u{feff}second"), (5, "last")];
        assert_eq!(read, expected.map(|(line, text)| (line, text.to_string())));
        let mut lines = TextLines::new(&b"ok\n\n{\"b\xff\n"[..], Path::new("x.jsonl"));
        assert_eq!(lines.next_line().unwrap(), Some((1, "ok")));
        let message = lines.next_line().unwrap_err().to_string();
        assert!(
            message.starts_with("x.jsonl:3:4: invalid UTF-8"),
            "{message}"
        );
    }

    #[test]
    fn a_line_names_its_line_in_the_file() {
        let err = decode_utf8_line(b"{\"a\xff", 7, Path::new("x.jsonl")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("x.jsonl:7:4: invalid UTF-8 (byte 0xff)"),
            "{err}"
        );
    }

    #[test]
    fn encoding_names() {
        assert_eq!("UTF-8".parse::<TextEncoding>().unwrap(), TextEncoding::Utf8);
        assert_eq!(
            "cp1252".parse::<TextEncoding>().unwrap(),
            TextEncoding::Cp1252
        );
        assert!("ebcdic".parse::<TextEncoding>().is_err());
    }
}
