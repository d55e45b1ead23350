//! `stance serve`: the article view in a browser, and `predict` over HTTP for scripts.
//!
//! A small synchronous server (`tiny_http`, the only module that uses it) on 127.0.0.1 only:
//! the model is loaded once; each request gets a thread of its own to read its body, and as
//! many as the machine has cores (at least two) score at once. `GET /` is a page to paste an
//! article or choose a file; `POST /predict` scores the body, an article (or JSON lines of
//! articles with `Content-Type: application/x-ndjson` or `?format=jsonl`), and answers with
//! the article view, or `predict`'s JSON lines with `?output=jsonl`. Nothing is written to
//! disk.
//!
//! A body over `--max-body` is refused with 413 before it is read, on its declared length, or
//! as soon as more than that has arrived. Slow and idle clients are bounded by
//! `--read-timeout`: no read waits longer, and a request's head, then its body, must arrive
//! within it, or the answer is 408 and the connection is closed; connections over
//! `--max-connections` get 503 at once (the vendored `tiny_http` does the reading, with the
//! limits patched into it: `vendor/tiny_http/PATCHED.md`). A body left unread, wholly or in
//! part, is never drained: its connection is closed after the answer.

use std::io::ErrorKind;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use tiny_http::{ConnectionLimits, Header, Method, Request, Response, Server};

use crate::article::ActorList;
use crate::html::serve_page;
use crate::{persist, StanceModel};

use super::predict::{predict_in_memory, InMemory, OutputFormat};
use super::ModelSource;

/// Largest request body taken unless `--max-body` says otherwise: 2 MiB, a few hundred
/// articles of JSON lines.
pub(crate) const DEFAULT_MAX_BODY: usize = 2 << 20;

/// `--read-timeout` unless given: 30 s, far more than a request from this machine takes, and
/// short enough that idle and stalled connections do not pile up.
pub(crate) const DEFAULT_READ_TIMEOUT_SECS: u64 = 30;

/// `--max-connections` unless given: 256. An open connection holds a thread and two file
/// descriptors, so 256 keep the server well inside the usual limit of 1,024 open files.
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 256;

/// Most bytes of a request line and its headers together: 64 KiB, several times what a
/// browser sends even with a page of cookies for 127.0.0.1. More gets 431.
const MAX_HEAD_BYTES: usize = 64 << 10;

/// The buffer a request body is read through, in bytes.
const BODY_READ_CHUNK: usize = 64 << 10;

/// Serve the article view and `predict` over HTTP on 127.0.0.1.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub(crate) model: ModelSource,
    /// Port to listen on, on 127.0.0.1 only; 0 picks a free one.
    #[arg(long, default_value_t = 8080, value_name = "N")]
    pub(crate) port: u16,
    /// Largest request body taken, in bytes; a larger one gets 413.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY, value_name = "BYTES")]
    pub(crate) max_body: usize,
    /// Actors file, as for `predict`: one actor per line, `Canonical Name = alias | alias`.
    #[arg(long, value_name = "FILE")]
    pub(crate) actors: Option<PathBuf>,
    /// Seconds a client may keep the server waiting: the longest wait for its next bytes (or
    /// for it to take the answer's), and the time its request line and headers, then its
    /// body, may take. A late request gets 408 and its connection is closed, as is a
    /// connection left idle this long.
    #[arg(
        long,
        default_value_t = DEFAULT_READ_TIMEOUT_SECS,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..),
    )]
    pub(crate) read_timeout: u64,
    /// Most connections open at once; one more gets 503 and is closed.
    #[arg(
        long,
        default_value_t = DEFAULT_MAX_CONNECTIONS,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..),
    )]
    pub(crate) max_connections: usize,
}

/// What every request's thread shares: the model, the actors, the start page and the limits.
struct Service {
    model: StanceModel,
    actors: ActorList,
    page: String,
    max_body: usize,
    read_timeout: Duration,
    /// One permit per core: bodies are read by as many threads as there are requests, but
    /// only this many score at once.
    scoring: Permits,
}

/// Runs `stance serve` until the process is stopped.
pub(crate) fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let actors = match &args.actors {
        Some(path) => ActorList::from_file(path).map_err(crate::Error::from)?,
        None => ActorList::new(),
    };
    let (model_dir, model_note) = args.model.resolve();
    let model = persist::load(&model_dir)?;
    if let Some(note) = model_note {
        eprintln!("{note}");
    }
    let listening = || format!("listening on 127.0.0.1:{}", args.port);
    let listener = TcpListener::bind(("127.0.0.1", args.port)).with_context(listening)?;
    let read_timeout = Duration::from_secs(args.read_timeout);
    let limits = ConnectionLimits {
        read_timeout: Some(read_timeout),
        write_timeout: Some(read_timeout),
        max_head_bytes: Some(MAX_HEAD_BYTES),
        max_connections: Some(args.max_connections),
    };
    let server = Server::from_listener_with_limits(listener, None, limits)
        .map_err(|err| anyhow::anyhow!("{err}"))
        .with_context(listening)?;
    let port = server
        .server_addr()
        .to_ip()
        .map_or(args.port, |address| address.port());
    let scorers = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .max(2);
    let service = Service {
        model,
        actors,
        page: serve_page(&model_dir.display().to_string(), args.max_body),
        max_body: args.max_body,
        read_timeout,
        scoring: Permits::new(scorers),
    };
    eprintln!(
        "stance: serving on http://127.0.0.1:{port}/ (model {})",
        model_dir.display()
    );
    // A thread per request, so a client sending its body slowly holds only its own. There are
    // at most as many as connections: tiny_http passes on one request per connection at a
    // time, and `--max-connections` bounds those.
    std::thread::scope(|scope| loop {
        let request = match server.recv() {
            Ok(request) => request,
            Err(err) => {
                eprintln!("stance: error: receiving a request: {err}");
                return;
            }
        };
        let service = &service;
        let thread = std::thread::Builder::new().name("stance-request".into());
        // Without a thread the request is dropped with the closure, and tiny_http answers 500.
        if let Err(err) = thread.spawn_scoped(scope, move || service.answer(request)) {
            eprintln!("stance: error: starting a thread for a request: {err}");
        }
    });
    Ok(ExitCode::FAILURE)
}

/// A counting semaphore: at most as many holders at once as it was made with.
struct Permits {
    free: Mutex<usize>,
    given_back: Condvar,
}

/// A permit of `Permits`, given back when dropped.
struct Permit<'a> {
    permits: &'a Permits,
}

impl Permits {
    fn new(count: usize) -> Self {
        Permits {
            free: Mutex::new(count),
            given_back: Condvar::new(),
        }
    }

    /// Waits for a free permit and takes it.
    fn acquire(&self) -> Permit<'_> {
        // The count stays right even if a holder panicked: no code panics with the lock held.
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .given_back
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Permit { permits: self }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let permits = self.permits;
        *permits.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        permits.given_back.notify_one();
    }
}

/// An answer: its status, content type and body.
struct Answer {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    /// The methods the path takes, for a 405.
    allow: Option<&'static str>,
    /// Whether the request's body was read to its end; if it was not, the connection is
    /// closed after the answer rather than the rest read and thrown away.
    body_read: bool,
}

impl Answer {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Answer {
            status,
            content_type,
            body: body.into(),
            allow: None,
            body_read: false,
        }
    }

    /// A plain-text answer, for errors.
    fn text(status: u16, message: impl std::fmt::Display) -> Self {
        Answer::new(status, "text/plain; charset=utf-8", format!("{message}\n"))
    }

    fn method_not_allowed(allow: &'static str) -> Self {
        Answer {
            allow: Some(allow),
            ..Answer::text(405, format!("method not allowed; use {allow}"))
        }
    }

    /// 413: the body is over `max_body` bytes.
    fn too_large(max_body: usize) -> Self {
        Answer::text(
            413,
            format!("the request body is over {max_body} bytes (stance serve --max-body)"),
        )
    }
}

impl Service {
    /// Answers one request; a client that went away is no error of the server's.
    fn answer(&self, mut request: Request) {
        let url = request.url().to_string();
        let (path, query) = url.split_once('?').unwrap_or((&url, ""));
        let method = request.method().clone();
        if let Some(refusal) = framing_problem(request.headers(), self.max_body) {
            return respond(request, refusal);
        }
        let answer = match path {
            "/" => match method {
                Method::Get | Method::Head => {
                    Answer::new(200, "text/html; charset=utf-8", self.page.as_bytes())
                }
                _ => Answer::method_not_allowed("GET, HEAD"),
            },
            "/predict" => match method {
                Method::Post => self.predict(&mut request, query),
                _ => Answer::method_not_allowed("POST"),
            },
            _ => Answer::text(404, format!("no page at {path}; try / or POST /predict")),
        };
        respond(request, answer);
    }

    /// `POST /predict`: reads the body within the limits and scores it.
    fn predict(&self, request: &mut Request, query: &str) -> Answer {
        match self.read_body(request) {
            Ok(body) => Answer {
                body_read: true,
                ..self.score(request.headers(), query, &body)
            },
            Err(refusal) => refusal,
        }
    }

    /// Reads the request body within `--max-body` and `--read-timeout`.
    fn read_body(&self, request: &mut Request) -> Result<Vec<u8>, Answer> {
        let declared = request.body_length();
        if declared.is_some_and(|n| n > self.max_body) {
            return Err(Answer::too_large(self.max_body));
        }
        let late = || {
            Answer::text(
                408,
                format!(
                    "the request body did not arrive within {} s (stance serve --read-timeout)",
                    self.read_timeout.as_secs()
                ),
            )
        };
        let started = Instant::now();
        let reader = request.as_reader();
        let mut body = Vec::new();
        let mut chunk = vec![0; BODY_READ_CHUNK];
        loop {
            // No read waits longer than the timeout (the socket's own), so a body that keeps
            // coming, only slowly, is cut off here.
            if started.elapsed() >= self.read_timeout {
                return Err(late());
            }
            let read = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(read) => read,
                Err(err) if err.kind() == ErrorKind::Interrupted => continue,
                // A socket's read timeout is `WouldBlock` on Unix, `TimedOut` elsewhere.
                Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err(late())
                }
                Err(err) => {
                    return Err(Answer::text(
                        400,
                        format!("reading the request body: {err}"),
                    ))
                }
            };
            if body.len() + read > self.max_body {
                return Err(Answer::too_large(self.max_body));
            }
            body.extend_from_slice(&chunk[..read]);
        }
        match declared {
            Some(declared) if body.len() < declared => Err(Answer::text(
                400,
                format!(
                    "the request body ended after {} of its {declared} bytes",
                    body.len()
                ),
            )),
            _ => Ok(body),
        }
    }

    /// Scores a body read whole, as its headers and query say.
    fn score(&self, headers: &[Header], query: &str, body: &[u8]) -> Answer {
        let content_type = headers
            .iter()
            .find(|header| header.field.equiv("Content-Type"))
            .map(|header| header.value.as_str().to_ascii_lowercase())
            .unwrap_or_default();
        let jsonl = content_type.starts_with("application/x-ndjson")
            || content_type.starts_with("application/jsonl")
            || query_value(query, "format").as_deref() == Some("jsonl");
        let (format, content_type) = match query_value(query, "output").as_deref() {
            Some("jsonl") => (OutputFormat::Jsonl, "application/x-ndjson; charset=utf-8"),
            None | Some("html") => (OutputFormat::Html, "text/html; charset=utf-8"),
            Some(other) => {
                return Answer::text(
                    400,
                    format!("unknown output {other:?}; use output=html or output=jsonl"),
                )
            }
        };
        let name = query_value(query, "name").unwrap_or_else(|| "request".to_string());
        let settings = InMemory::served(&self.actors, jsonl, format);
        let _permit = self.scoring.acquire();
        match predict_in_memory(&self.model, &settings, &name, body) {
            Ok(Ok(answer)) => Answer::new(200, content_type, answer),
            Ok(Err(bad_input)) => Answer::text(400, bad_input),
            Err(err) => Answer::text(500, format!("{err:#}")),
        }
    }
}

/// Sends `answer`, closing the connection after it if the request's body was left unread.
fn respond(mut request: Request, answer: Answer) {
    if announces_body(request.headers()) && !answer.body_read {
        request.close_connection();
    }
    // The body is whole in memory, so its length is sent rather than chunks.
    let mut response = Response::from_data(answer.body)
        .with_status_code(answer.status)
        .with_chunked_threshold(usize::MAX);
    let mut headers = vec![
        ("Content-Type", answer.content_type),
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-store"),
    ];
    headers.extend(answer.allow.map(|allow| ("Allow", allow)));
    for (field, value) in headers {
        if let Ok(header) = Header::from_bytes(field.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    // The client may have gone; there is nobody to tell.
    let _ = request.respond(response);
}

/// Whether the headers announce a body: a `Content-Length` other than 0, or a
/// `Transfer-Encoding`.
fn announces_body(headers: &[Header]) -> bool {
    headers.iter().any(|header| {
        (header.field.equiv("Content-Length") && header.value.as_str().trim() != "0")
            || header.field.equiv("Transfer-Encoding")
    })
}

/// Checks how the headers delimit the body, which tiny_http takes on trust (it reads a
/// `Content-Length` it cannot parse as no body at all, and any `Transfer-Encoding` as
/// chunked). A refusal is answered before the body is read, and the connection closed.
fn framing_problem(headers: &[Header], max_body: usize) -> Option<Answer> {
    let values = |name: &'static str| -> Vec<&str> {
        headers
            .iter()
            .filter(|header| header.field.equiv(name))
            .map(|header| header.value.as_str().trim())
            .collect()
    };
    let lengths = values("Content-Length");
    let codings = values("Transfer-Encoding");
    if !codings.is_empty() {
        if !lengths.is_empty() {
            return Some(Answer::text(
                400,
                "both Content-Length and Transfer-Encoding are given; send one",
            ));
        }
        if codings.len() > 1 || !codings[0].eq_ignore_ascii_case("chunked") {
            return Some(Answer::text(
                501,
                format!(
                    "Transfer-Encoding {:?} is not supported; send Content-Length, or \
                     Transfer-Encoding: chunked",
                    codings.join(", ")
                ),
            ));
        }
        return None;
    }
    let first = *lengths.first()?;
    if lengths.iter().any(|length| *length != first) {
        return Some(Answer::text(
            400,
            format!(
                "Content-Length is given twice, as {}",
                lengths.join(" and ")
            ),
        ));
    }
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Answer::text(
            400,
            format!("Content-Length {first:?} is not a number of bytes"),
        ));
    }
    // Digits only, so a failure is a number too large for memory.
    first
        .parse::<usize>()
        .is_err()
        .then(|| Answer::too_large(max_body))
}

/// The value of `key` in a URL's query (`a=1&b=2`), percent-decoded, `+` as a space; the
/// first one if it is given twice.
fn query_value(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, value)| percent_decode(value))
}

/// Decodes `%XX` escapes and `+`; a malformed escape is kept as it is, and bytes that are not
/// UTF-8 are replaced.
fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                match (
                    bytes.get(i + 1).copied().and_then(hex),
                    bytes.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_decoded() {
        let query = "name=my%20file.txt&format=jsonl&x&name=second&q=a+b%2";
        assert_eq!(query_value(query, "name").as_deref(), Some("my file.txt"));
        assert_eq!(query_value(query, "format").as_deref(), Some("jsonl"));
        assert_eq!(query_value(query, "x").as_deref(), Some(""));
        assert_eq!(query_value(query, "q").as_deref(), Some("a b%2"));
        assert_eq!(query_value(query, "missing"), None);
        assert_eq!(percent_decode("%E2%80%9C%zz%"), "“%zz%");
    }

    fn headers(lines: &[&str]) -> Vec<Header> {
        lines.iter().map(|line| line.parse().unwrap()).collect()
    }

    #[test]
    fn framing_is_checked_before_the_body_is_read() {
        let status = |lines: &[&str]| framing_problem(&headers(lines), 1000).map(|a| a.status);
        for fine in [
            &[][..],
            &["Content-Length: 12"],
            &["Content-Length: 12", "content-length: 12"],
            &["Transfer-Encoding: Chunked"],
        ] {
            assert_eq!(status(fine), None, "{fine:?}");
        }
        for (lines, expected) in [
            (&["Content-Length: abc"][..], 400),
            (&["Content-Length: +5"], 400),
            (&["Content-Length: -5"], 400),
            (&["Content-Length: 5, 5"], 400),
            (&["Content-Length: 5", "Content-Length: 6"], 400),
            (&["Content-Length: 5", "Transfer-Encoding: chunked"], 400),
            (&["Transfer-Encoding: gzip, chunked"], 501),
            (
                &["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"],
                501,
            ),
            (&["Content-Length: 99999999999999999999999999"], 413),
        ] {
            assert_eq!(status(lines), Some(expected), "{lines:?}");
        }
        assert!(announces_body(&headers(&["Content-Length: 1"])));
        assert!(announces_body(&headers(&["Transfer-Encoding: chunked"])));
        assert!(!announces_body(&headers(&["Content-Length: 0"])));
        assert!(!announces_body(&headers(&["Content-Type: text/plain"])));
    }

    #[test]
    fn permits_bound_the_holders() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let permits = Permits::new(2);
        let (holding, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    let _permit = permits.acquire();
                    let now = holding.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(5));
                    holding.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        assert!((1..=2).contains(&most.load(Ordering::SeqCst)));
    }
}
