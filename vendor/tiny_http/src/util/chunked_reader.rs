//! A chunked request body (RFC 9112, section 7.1), decoded with bounded lines.
//!
//! Added for `stance` in place of `chunked_transfer::Decoder`, which gathers a chunk-size line
//! without limit (a client sending hex digits without end grew the server's memory without
//! end, and one sending an endless chunk extension held the reading thread) and takes a body
//! that ends inside a chunk as complete.

use std::convert::TryFrom;
use std::io::{Error as IoError, ErrorKind, Read, Result as IoResult};

/// Longest chunk-size line (with its extensions) or trailer line, in bytes.
const MAX_LINE_BYTES: usize = 4096;

/// Most bytes of trailer lines after the last chunk.
const MAX_TRAILER_BYTES: usize = 16384;

/// Where the decoder is in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before a chunk-size line.
    Size,
    /// Inside a chunk, with this many bytes of it left.
    Data(u64),
    /// After a chunk's data, before its CRLF.
    DataEnd,
    /// After the last chunk and the trailers.
    Done,
}

/// Reads the decoded bytes of a chunked body from `source`, and nothing after it.
pub(crate) struct ChunkedReader<R> {
    source: R,
    state: State,
}

impl<R: Read> ChunkedReader<R> {
    pub(crate) fn new(source: R) -> ChunkedReader<R> {
        ChunkedReader {
            source,
            state: State::Size,
        }
    }

    /// Reads one line up to its CRLF, without them; at most `limit` bytes.
    fn read_line(&mut self, limit: usize) -> IoResult<Vec<u8>> {
        let mut line = Vec::new();
        let mut byte = [0u8];
        loop {
            if self.source.read(&mut byte)? == 0 {
                return Err(malformed_eof("the chunked body ended inside a line"));
            }
            if byte[0] == b'\n' {
                return match line.pop() {
                    Some(b'\r') => Ok(line),
                    _ => Err(malformed("a line of the chunked body does not end in CRLF")),
                };
            }
            line.push(byte[0]);
            // The line's bytes and the CR that should end it.
            if line.len() > limit + 1 {
                return Err(malformed(&format!(
                    "a line of the chunked body is over {limit} bytes"
                )));
            }
        }
    }

    /// Reads a chunk-size line and returns the size.
    fn read_size(&mut self) -> IoResult<u64> {
        let line = self.read_line(MAX_LINE_BYTES)?;
        let size = line.split(|&b| b == b';').next().unwrap_or_default();
        let size = size.trim_ascii();
        // At most 15 hex digits: the size fits in a u64 with room to spare.
        if size.is_empty() || size.len() > 15 || !size.iter().all(u8::is_ascii_hexdigit) {
            return Err(malformed("a chunk size is not a hexadecimal number"));
        }
        let digits = std::str::from_utf8(size).expect("hex digits are ASCII");
        Ok(u64::from_str_radix(digits, 16).expect("checked hex digits"))
    }

    /// Reads the trailer lines after the last chunk, up to the empty line, and drops them.
    fn skip_trailers(&mut self) -> IoResult<()> {
        let mut total = 0;
        loop {
            let line = self.read_line(MAX_LINE_BYTES)?;
            if line.is_empty() {
                return Ok(());
            }
            total += line.len();
            if total > MAX_TRAILER_BYTES {
                return Err(malformed("the chunked body's trailers are too long"));
            }
        }
    }
}

impl<R: Read> Read for ChunkedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> IoResult<usize> {
        loop {
            match self.state {
                State::Size => {
                    let size = self.read_size()?;
                    if size == 0 {
                        self.skip_trailers()?;
                        self.state = State::Done;
                    } else {
                        self.state = State::Data(size);
                    }
                }
                State::Data(left) => {
                    if buf.is_empty() {
                        return Ok(0);
                    }
                    let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    let read = self.source.read(&mut buf[..want])?;
                    if read == 0 {
                        return Err(malformed_eof("the chunked body ended inside a chunk"));
                    }
                    let left = left - read as u64;
                    self.state = if left == 0 {
                        State::DataEnd
                    } else {
                        State::Data(left)
                    };
                    return Ok(read);
                }
                State::DataEnd => {
                    let mut end = [0u8; 2];
                    self.source.read_exact(&mut end)?;
                    if &end != b"\r\n" {
                        return Err(malformed("a chunk is longer than its size"));
                    }
                    self.state = State::Size;
                }
                State::Done => return Ok(0),
            }
        }
    }
}

fn malformed(message: &str) -> IoError {
    IoError::new(ErrorKind::InvalidData, message.to_string())
}

fn malformed_eof(message: &str) -> IoError {
    IoError::new(ErrorKind::UnexpectedEof, message.to_string())
}

#[cfg(test)]
mod tests {
    use super::ChunkedReader;
    use std::io::{ErrorKind, Read};

    fn decode(body: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        ChunkedReader::new(body).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn chunks_and_trailers_are_decoded() {
        let body = b"5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nExpires: never\r\n\r\nNEXT";
        let mut source = &body[..];
        let mut out = Vec::new();
        ChunkedReader::new(&mut source)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"hello, world");
        assert_eq!(source, b"NEXT");
        assert_eq!(
            decode(b"A\r\n0123456789\r\n0\r\n\r\n").unwrap(),
            b"0123456789"
        );
    }

    #[test]
    fn malformed_bodies_fail() {
        for (body, kind) in [
            (&b"zz\r\nhello\r\n0\r\n\r\n"[..], ErrorKind::InvalidData),
            (b"+5\r\nhello\r\n0\r\n\r\n", ErrorKind::InvalidData),
            (b"5\nhello\r\n0\r\n\r\n", ErrorKind::InvalidData),
            (b"3\r\nhello\r\n0\r\n\r\n", ErrorKind::InvalidData),
            (b"5\r\nhel", ErrorKind::UnexpectedEof),
            (b"5\r\nhello\r\n", ErrorKind::UnexpectedEof),
            (b"1234567890123456\r\n", ErrorKind::InvalidData),
        ] {
            let err = decode(body).unwrap_err();
            assert_eq!(err.kind(), kind, "{:?}", String::from_utf8_lossy(body));
        }
        let endless = vec![b'1'; 10_000];
        assert_eq!(decode(&endless).unwrap_err().kind(), ErrorKind::InvalidData);
    }
}
