//! Byte encodings of input files.

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

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
                flag: "--encoding".into(),
                value: value.into(),
                expected: "utf-8, latin1 or cp1252".into(),
            }),
        }
    }
}

impl TextEncoding {
    /// Decodes `bytes`, dropping a leading UTF-8 byte-order mark.
    pub fn decode<'a>(self, bytes: &'a [u8], path: &Path) -> Result<Cow<'a, str>, Error> {
        match self {
            TextEncoding::Utf8 => {
                let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
                std::str::from_utf8(bytes)
                    .map(Cow::Borrowed)
                    .map_err(|err| invalid_utf8(bytes, err.valid_up_to(), path))
            }
            TextEncoding::Latin1 => Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())),
            TextEncoding::Cp1252 => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                Ok(text)
            }
        }
    }
}

/// Decodes UTF-8 with the same error as [`TextEncoding::decode`], for inputs that are always
/// UTF-8 (articles, JSON lines).
pub fn decode_utf8<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a str, Error> {
    std::str::from_utf8(bytes).map_err(|err| invalid_utf8(bytes, err.valid_up_to(), path))
}

fn invalid_utf8(bytes: &[u8], offset: usize, path: &Path) -> Error {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Error::InvalidUtf8 {
        path: path.to_path_buf(),
        line,
        column: (offset - line_start) as u64 + 1,
        byte: bytes[offset],
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
            err.to_string(),
            "x.csv:2:3: invalid UTF-8 (byte 0x93); if the file is not UTF-8, \
             pass --encoding latin1 or --encoding cp1252"
        );
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
