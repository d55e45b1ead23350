//! `stance serve`: the real binary on a free port, spoken to over plain TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::predict::assert_self_contained;
use crate::util::{fixture, json_lines, Workspace};

/// A running `stance serve`, killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    /// What it wrote on standard error, read as it comes so the pipe never fills.
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `stance serve --port 0` in the workspace with `args`, and waits for the line
    /// that names the port.
    pub fn start(ws: &Workspace, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stance"))
            .current_dir(ws.dir.path())
            .args(["serve", "--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut lines = BufReader::new(child.stderr.take().unwrap());
        let (sender, receiver) = std::sync::mpsc::channel();
        let log = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut line = String::new();
            while lines.read_line(&mut line).unwrap_or(0) > 0 {
                // Logged before the port is sent, so the test sees the line it waited for.
                log.lock().unwrap().push_str(&line);
                if let Some(rest) = line.split("serving on http://127.0.0.1:").nth(1) {
                    let port: u16 = rest.split('/').next().unwrap().parse().unwrap();
                    let _ = sender.send(port);
                }
                line.clear();
            }
        });
        let mut server = Server {
            child,
            port: 0,
            stderr,
        };
        server.port = receiver
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no port; stderr: {}", server.stderr.lock().unwrap()));
        server
    }

    /// The resident memory of the server process, in kB.
    fn resident_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    /// Sends one HTTP/1.1 request and reads the whole answer.
    fn request(&self, method: &str, target: &str, headers: &[&str], body: &[u8]) -> Answer {
        request(self.port, method, target, headers, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

/// One request on its own connection (`Connection: close`), with a `Content-Length`.
fn request(port: u16, method: &str, target: &str, headers: &[&str], body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_answer(stream)
}

/// Reads an answer to the end of the connection. A server that refuses a body closes the
/// connection without reading the rest, which may reset it after the answer: what came
/// before the reset is the answer.
fn read_answer(mut stream: TcpStream) -> Answer {
    let mut bytes = Vec::new();
    if let Err(err) = stream.read_to_end(&mut bytes) {
        assert!(!bytes.is_empty(), "{err}");
    }
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let headers = String::from_utf8(bytes[..split].to_vec()).unwrap();
    let status = headers.split(' ').nth(1).unwrap().parse().unwrap();
    assert!(
        !headers.to_ascii_lowercase().contains("transfer-encoding"),
        "{headers}"
    );
    Answer {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

fn select(css: &str) -> scraper::Selector {
    scraper::Selector::parse(css).unwrap()
}

#[test]
fn serve_answers_the_page_and_predictions() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let server = Server::start(&ws, &["--model", "m"]);
    assert!(server.stderr.lock().unwrap().contains("(model m)"));

    let home = server.request("GET", "/", &[], b"");
    assert_eq!(home.status, 200);
    assert!(home.headers.contains("text/html"), "{}", home.headers);
    let page = scraper::Html::parse_document(&home.text());
    assert_self_contained(&page);
    assert_eq!(page.select(&select("textarea")).count(), 1);
    assert_eq!(page.select(&select("input[type=file]")).count(), 1);

    // An article: the page marks each of its statements.
    let article = std::fs::read(fixture("articles/harbor-council.txt")).unwrap();
    let lines = server.request("POST", "/predict?output=jsonl", &[], &article);
    assert_eq!(lines.status, 200, "{}", lines.text());
    let rows = json_lines(&lines.text());
    let mut statements: Vec<&str> = rows
        .iter()
        .map(|r| r["quote_id"].as_str().unwrap())
        .collect();
    statements.dedup();
    assert!(statements.len() >= 10);
    let answer = server.request("POST", "/predict?name=harbor.txt", &[], &article);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let page = scraper::Html::parse_document(&answer.text());
    assert_self_contained(&page);
    assert_eq!(
        page.select(&select("mark.statement")).count(),
        statements.len()
    );
    let heading: String = page.select(&select("h2")).next().unwrap().text().collect();
    assert_eq!(heading, "harbor.txt");

    // JSON lines of articles, by content type or by the query.
    let batch = "{\"id\": \"one\", \"text\": \"“The Nurses Union is right,” Elena Ruiz said.\"}\n\
                 {\"id\": \"two\", \"text\": \"“Ruiz has failed this city,” Alan Brandt said.\"}\n";
    for (target, headers) in [
        ("/predict", &["Content-Type: application/x-ndjson"][..]),
        ("/predict?format=jsonl", &[][..]),
    ] {
        let answer = server.request("POST", target, headers, batch.as_bytes());
        assert_eq!(answer.status, 200, "{}", answer.text());
        let page = scraper::Html::parse_document(&answer.text());
        let names: Vec<String> = page
            .select(&select("section.article h2"))
            .map(|h| h.text().collect())
            .collect();
        assert_eq!(names, ["one", "two"]);
    }

    assert_eq!(server.request("GET", "/nothing", &[], b"").status, 404);
    let wrong = server.request("GET", "/predict", &[], b"");
    assert_eq!(wrong.status, 405);
    assert!(wrong.headers.contains("Allow: POST"), "{}", wrong.headers);
    assert_eq!(server.request("DELETE", "/", &[], b"").status, 405);
}

#[test]
fn bad_and_oversize_bodies_are_refused() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let server = Server::start(&ws, &["--model", "m", "--max-body", "1000"]);

    let over = server.request("POST", "/predict", &[], &[b'a'; 1001]);
    assert_eq!(over.status, 413);
    assert!(over.text().contains("1000 bytes"), "{}", over.text());
    assert_eq!(
        server
            .request("POST", "/predict", &[], &[b'a'; 1000])
            .status,
        200
    );

    // A body declared far larger than any memory is refused on its declared length, before
    // it is sent, and the server lives on.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .write_all(
            b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999\r\n\r\nabc",
        )
        .unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).unwrap();
    assert_eq!(&head, b"HTTP/1.1 413");
    drop(stream);
    // A body without a length (chunked) is cut off at the limit too.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .write_all(
            b"POST /predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
              Transfer-Encoding: chunked\r\n\r\n",
        )
        .unwrap();
    for _ in 0..3 {
        stream.write_all(b"200\r\n").unwrap();
        stream.write_all(&[b'b'; 0x200]).unwrap();
        stream.write_all(b"\r\n").unwrap();
    }
    stream.write_all(b"0\r\n\r\n").unwrap();
    assert_eq!(read_answer(stream).status, 413);
    assert_eq!(server.request("GET", "/", &[], b"").status, 200);

    let bad_utf8 = server.request("POST", "/predict", &[], b"\xe2\x80\x9cFine\n  and \xff\xfe");
    assert_eq!(bad_utf8.status, 400);
    assert!(bad_utf8.headers.contains("text/plain"));
    assert!(
        bad_utf8.text().contains("request:2:7: invalid UTF-8"),
        "{}",
        bad_utf8.text()
    );
    let bad_line = server.request(
        "POST",
        "/predict?format=jsonl&output=jsonl&name=batch.jsonl",
        &[],
        b"{\"id\": 1, \"text\": \"ok\"}\n{\"id\": 2, \"text\": 5}\n",
    );
    assert_eq!(bad_line.status, 400);
    assert!(
        bad_line.text().contains("batch.jsonl:2: column "),
        "{}",
        bad_line.text()
    );
    assert_eq!(server.request("POST", "/predict", &[], b" \n").status, 400);
    assert_eq!(
        server
            .request("POST", "/predict?output=pdf", &[], b"x")
            .status,
        400
    );
}

#[test]
fn two_thousand_requests_from_eight_clients_keep_memory_flat() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let server = Server::start(&ws, &["--model", "m"]);
    let article = "“We are proud of the Nurses Union,” Mayor Elena Ruiz said on Monday. \
                   Governor Alan Brandt said the Transit Authority “has failed riders” and \
                   called Ruiz “a good partner.”";
    // Client `c` sends requests `c`, `c + 8`, … of `from..to`: pages, JSON lines and the
    // start page in turn.
    let load = |from: usize, to: usize| {
        let port = server.port;
        std::thread::scope(|scope| {
            for client in 0..8 {
                scope.spawn(move || {
                    for i in (from + client..to).step_by(8) {
                        let answer = match i % 3 {
                            0 => request(port, "POST", "/predict", &[], article.as_bytes()),
                            1 => request(
                                port,
                                "POST",
                                "/predict?output=jsonl",
                                &[],
                                article.as_bytes(),
                            ),
                            _ => request(port, "GET", "/", &[], b""),
                        };
                        assert_eq!(answer.status, 200, "request {i}");
                        if i % 3 == 1 {
                            assert!(json_lines(&answer.text()).len() >= 3, "request {i}");
                        }
                    }
                });
            }
        });
    };
    let start = Instant::now();
    load(0, 200);
    let warm = server.resident_kb();
    let warm_time = start.elapsed();
    load(200, 2000);
    let after = server.resident_kb();
    let total = start.elapsed();
    eprintln!(
        "serve load: 200 requests in {warm_time:.2?} ({warm} kB resident), 2000 in \
         {total:.2?} ({after} kB resident)"
    );
    assert!(
        after as f64 <= 1.5 * warm as f64,
        "resident memory grew from {warm} kB to {after} kB"
    );
    assert!(total < Duration::from_secs(50), "{total:?}");
}
