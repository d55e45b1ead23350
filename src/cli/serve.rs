//! `stance serve`: the article view in a browser, and `predict` over HTTP for scripts.
//!
//! A small synchronous server (`tiny_http`, the only module that uses it) on 127.0.0.1 only:
//! the model is loaded once, and a few worker threads each take the next request. `GET /` is a
//! page to paste an article or choose a file; `POST /predict` scores the body, an article (or
//! JSON lines of articles with `Content-Type: application/x-ndjson` or `?format=jsonl`), and
//! answers with the article view, or `predict`'s JSON lines with `?output=jsonl`. Nothing is
//! written to disk.
//!
//! A body over `--max-body` is refused with 413 before it is read, on its declared length, or
//! as soon as more than that has arrived.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::article::ActorList;
use crate::html::serve_page;
use crate::{persist, StanceModel};

use super::predict::{predict_in_memory, InMemory, OutputFormat};
use super::ModelSource;

/// Largest request body taken unless `--max-body` says otherwise: 2 MiB, a few hundred
/// articles of JSON lines.
pub const DEFAULT_MAX_BODY: usize = 2 << 20;

/// Serve the article view and `predict` over HTTP on 127.0.0.1.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub model: ModelSource,
    /// Port to listen on, on 127.0.0.1 only; 0 picks a free one.
    #[arg(long, default_value_t = 8080, value_name = "N")]
    pub port: u16,
    /// Largest request body taken, in bytes; a larger one gets 413.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY, value_name = "BYTES")]
    pub max_body: usize,
    /// Actors file, as for `predict`: one actor per line, `Canonical Name = alias | alias`.
    #[arg(long, value_name = "FILE")]
    pub actors: Option<PathBuf>,
}

/// What every worker shares: the model, the actors, the start page and the limit.
struct Service {
    model: StanceModel,
    actors: ActorList,
    page: String,
    max_body: usize,
}

/// Runs `stance serve` until the process is stopped.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let actors = match &args.actors {
        Some(path) => ActorList::from_file(path).map_err(crate::Error::from)?,
        None => ActorList::new(),
    };
    let (model_dir, model_note) = args.model.resolve();
    let model = persist::load(&model_dir)?;
    if let Some(note) = model_note {
        eprintln!("{note}");
    }
    let server = Server::http(("127.0.0.1", args.port))
        .map_err(|err| anyhow::anyhow!("{err}"))
        .with_context(|| format!("listening on 127.0.0.1:{}", args.port))?;
    let port = server
        .server_addr()
        .to_ip()
        .map_or(args.port, |address| address.port());
    let service = Service {
        model,
        actors,
        page: serve_page(&model_dir.display().to_string(), args.max_body),
        max_body: args.max_body,
    };
    let workers = std::thread::available_parallelism()
        .map_or(2, usize::from)
        .max(2);
    eprintln!(
        "stance: serving on http://127.0.0.1:{port}/ (model {})",
        model_dir.display()
    );
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                match server.recv() {
                    Ok(request) => service.answer(request),
                    Err(err) => {
                        eprintln!("stance: error: receiving a request: {err}");
                        break;
                    }
                }
            });
        }
    });
    Ok(ExitCode::FAILURE)
}

/// An answer: its status, content type and body.
struct Answer {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    /// The methods the path takes, for a 405.
    allow: Option<&'static str>,
}

impl Answer {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Answer {
            status,
            content_type,
            body: body.into(),
            allow: None,
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
}

impl Service {
    /// Answers one request; a client that went away is no error of the server's.
    fn answer(&self, mut request: Request) {
        let url = request.url().to_string();
        let (path, query) = url.split_once('?').unwrap_or((&url, ""));
        let method = request.method().clone();
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

    /// `POST /predict`: reads the body within the limit and scores it.
    fn predict(&self, request: &mut Request, query: &str) -> Answer {
        let too_large = || {
            Answer::text(
                413,
                format!(
                    "the request body is over {} bytes (stance serve --max-body)",
                    self.max_body
                ),
            )
        };
        if request.body_length().is_some_and(|n| n > self.max_body) {
            return too_large();
        }
        let mut body = Vec::new();
        let limit = self.max_body as u64 + 1;
        if let Err(err) = request.as_reader().take(limit).read_to_end(&mut body) {
            return Answer::text(400, format!("reading the request body: {err}"));
        }
        if body.len() > self.max_body {
            return too_large();
        }
        let content_type = request
            .headers()
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
        match predict_in_memory(&self.model, &settings, &name, &body) {
            Ok(Ok(answer)) => Answer::new(200, content_type, answer),
            Ok(Err(bad_input)) => Answer::text(400, bad_input),
            Err(err) => Answer::text(500, format!("{err:#}")),
        }
    }
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
}
