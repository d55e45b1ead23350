//! `stance serve`: the real binary on a free port, spoken to over plain TCP.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
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

    /// The number of files the server process has open: its listener, its connections, …
    fn open_files(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .unwrap()
            .count()
    }

    /// Waits until the server has at most `most` files open, for at most `within`.
    fn wait_for_open_files(&self, most: usize, within: Duration) {
        let start = Instant::now();
        while self.open_files() > most {
            assert!(
                start.elapsed() < within,
                "{} files still open, {most} expected",
                self.open_files()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether the server has reported a panic.
    fn panicked(&self) -> bool {
        self.stderr.lock().unwrap().contains("panicked")
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
fn read_answer(stream: TcpStream) -> Answer {
    let bytes = read_to_close(stream);
    assert!(
        !bytes.is_empty(),
        "the connection was closed without an answer"
    );
    parse_answer(&bytes)
}

/// Everything the server sends until it closes the connection (or resets it).
fn read_to_close(mut stream: TcpStream) -> Vec<u8> {
    let mut bytes = Vec::new();
    if let Err(err) = stream.read_to_end(&mut bytes) {
        assert!(
            matches!(
                err.kind(),
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
            ),
            "{err}"
        );
    }
    bytes
}

/// Sends `bytes` on a connection of their own, closes its sending side, and reads until the
/// server closes it: the answer, or `None` when the connection was closed without one. The
/// sending may fail half-way when the server refuses and closes early.
fn exchange(port: u16, bytes: &[u8]) -> Option<Answer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    if stream.write_all(bytes).is_ok() {
        let _ = stream.shutdown(Shutdown::Write);
    }
    let answer = read_to_close(stream);
    (!answer.is_empty()).then(|| parse_answer(&answer))
}

/// Splits an answer into its status, head and body; the answers are never chunked.
fn parse_answer(bytes: &[u8]) -> Answer {
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
    // A body without a length (chunked) is cut off at the limit too, and the rest is not
    // read: the connection is closed, so sending it may fail.
    let mut chunked = b"Transfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..3 {
        chunked.extend_from_slice(b"200\r\n");
        chunked.extend_from_slice(&[b'b'; 0x200]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let mut bytes = b"POST /predict HTTP/1.1\r\nHost: x\r\n".to_vec();
    bytes.extend_from_slice(&chunked);
    let answer = exchange(server.port, &bytes).unwrap();
    assert_eq!(answer.status, 413);
    assert!(
        answer.headers.contains("Connection: close"),
        "{}",
        answer.headers
    );
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
    // JSON lines that are not UTF-8, cut short, not objects, or not text at all.
    for body in [
        &b"{\"id\": 1, \"text\": \"caf\xe9 au lait\"}\n"[..],
        b"{\"id\": 1, \"text\": \"ok\"}\n{\"id\": 2, \"te",
        b"[1, 2]\n",
        b"\x00\x01\x02\x03\n",
    ] {
        let answer = server.request("POST", "/predict?format=jsonl", &[], body);
        assert_eq!(answer.status, 400, "{:?}", String::from_utf8_lossy(body));
        assert!(answer.text().starts_with("request:"), "{}", answer.text());
    }
    assert!(!server.panicked());
}

#[test]
fn malformed_requests_get_4xx_and_the_server_lives_on() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let server = Server::start(&ws, &["--model", "m", "--read-timeout", "5"]);
    let port = server.port;
    let article = "“The Nurses Union is right,” Elena Ruiz said.";

    // Bytes that are no HTTP: 400, or the connection closed when not even a line came.
    for garbage in [
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 a TLS hello"[..],
        b"hello there\r\n\r\n",
        b"\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nno colon in this header\r\n\r\n",
    ] {
        let status = exchange(port, garbage).map(|answer| answer.status);
        assert!(
            matches!(status, None | Some(400)),
            "{status:?} for {:?}",
            String::from_utf8_lossy(garbage)
        );
    }

    // How the body is delimited, each refused before it is read.
    let post = |headers: &str, body: &[u8]| {
        let mut bytes = format!("POST /predict HTTP/1.1\r\nHost: x\r\n{headers}\r\n").into_bytes();
        bytes.extend_from_slice(body);
        exchange(port, &bytes).expect("an answer")
    };
    for (headers, body, status) in [
        ("Content-Length: abc\r\n", &b"hello"[..], 400),
        ("Content-Length: 5\r\nContent-Length: 6\r\n", b"hello!", 400),
        (
            "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
            b"5\r\nhello\r\n0\r\n\r\n",
            400,
        ),
        ("Transfer-Encoding: gzip\r\n", b"hello", 501),
        ("Content-Length: 99999999999999999999999\r\n", b"hello", 413),
        // A broken chunk size, a chunk longer than its size, one cut short.
        (
            "Transfer-Encoding: chunked\r\n",
            b"zz\r\nhello\r\n0\r\n\r\n",
            400,
        ),
        (
            "Transfer-Encoding: chunked\r\n",
            b"3\r\nhello\r\n0\r\n\r\n",
            400,
        ),
        ("Transfer-Encoding: chunked\r\n", b"5\r\nhel", 400),
        // A body that ends before its declared length.
        ("Content-Length: 5000\r\n", &[b'a'; 2000], 400),
        (
            "Expect: something-else\r\nContent-Length: 5\r\n",
            b"hello",
            417,
        ),
    ] {
        let answer = post(headers, body);
        assert_eq!(answer.status, status, "{headers:?}: {}", answer.text());
    }
    // A chunk-size line without end is cut off, not gathered in memory.
    let mut endless = vec![b'1'; 1 << 20];
    endless.extend_from_slice(b"\r\n");
    let answer = post("Transfer-Encoding: chunked\r\n", &endless);
    assert_eq!(answer.status, 400);
    assert!(
        answer.text().contains("over 4096 bytes"),
        "{}",
        answer.text()
    );

    // A request the body of a refused one carries is not read: one answer, and the
    // connection closed, though the client did not ask for that.
    let answer = post(
        "Content-Length: abc\r\n",
        b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert_eq!(answer.status, 400);
    assert!(
        answer.headers.contains("Connection: close"),
        "{}",
        answer.headers
    );
    assert!(!answer.text().contains("HTTP/1.1"), "{}", answer.text());

    // Headers too large, in one line or in many: 431.
    let long = format!("X-Long: {}\r\n", "a".repeat(100_000));
    let many = "X-Many: 0123456789\r\n".repeat(5000);
    for headers in [long, many] {
        assert_eq!(post(&headers, b"").status, 431);
    }

    // A query that decodes to bytes that are not UTF-8 is still a query.
    let answer = server.request(
        "POST",
        "/predict?name=%FF%FE&output=jsonl",
        &[],
        article.as_bytes(),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());

    // Every thread is still there: eight requests at once are all answered.
    std::thread::scope(|scope| {
        let answers: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| request(port, "POST", "/predict", &[], article.as_bytes())))
            .collect();
        for answer in answers {
            assert_eq!(answer.join().unwrap().status, 200);
        }
    });
    assert!(!server.panicked(), "{}", server.stderr.lock().unwrap());
}

/// The ways a client can keep the server waiting: nothing sent, half a request line, half the
/// headers, half a small body (read with the headers), half a large one (read on its own).
const SLOW_STARTS: [&[u8]; 5] = [
    b"",
    b"POST /predi",
    b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Le",
    b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nonly a little",
    b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nonly a little",
];

/// Opens a connection and sends the start of a request that never gets finished.
fn slow_client(port: u16, start: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(start).unwrap();
    stream
}

#[test]
fn slow_clients_time_out_without_holding_up_the_others() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let server = Server::start(&ws, &["--model", "m", "--read-timeout", "2"]);
    let port = server.port;
    let files = server.open_files();
    let article = "“The Nurses Union is right,” Elena Ruiz said.";

    let start = Instant::now();
    // Two send steadily, a byte every 100 ms: one its headers, one a body.
    let trickles = [
        b"POST /predict HTTP/1.1\r\nHost: x\r\nX-Slow: ".to_vec(),
        b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n".to_vec(),
    ];
    let (slow, trickled, answered) = std::thread::scope(|scope| {
        let trickles: Vec<_> = trickles
            .iter()
            .map(|head| {
                scope.spawn(move || {
                    let mut stream = slow_client(port, head);
                    for _ in 0..300 {
                        std::thread::sleep(Duration::from_millis(100));
                        if stream.write_all(b"a").is_err() {
                            break;
                        }
                    }
                    read_to_close(stream)
                })
            })
            .collect();
        // Five clients each open a slow connection and then send a whole request, ten times
        // over, all at once: fifty slow connections, and fifty requests among them.
        let clients: Vec<_> = (0..5)
            .map(|client| {
                scope.spawn(move || {
                    let mut slow = Vec::new();
                    for i in 0..10 {
                        let start = SLOW_STARTS[(client + i) % SLOW_STARTS.len()];
                        slow.push(slow_client(port, start));
                        let answer = request(port, "POST", "/predict", &[], article.as_bytes());
                        assert_eq!(answer.status, 200, "{}", answer.text());
                    }
                    slow
                })
            })
            .collect();
        let slow: Vec<TcpStream> = clients
            .into_iter()
            .flat_map(|client| client.join().unwrap())
            .collect();
        let answered = start.elapsed();
        // The whole requests were all answered before the server let any slow client go:
        // none of them waited for a slow one.
        for stream in &slow {
            stream.set_nonblocking(true).unwrap();
            let waiting = stream.peek(&mut [0]);
            assert!(
                matches!(&waiting, Err(err) if err.kind() == ErrorKind::WouldBlock),
                "{waiting:?} after {answered:?}"
            );
            stream.set_nonblocking(false).unwrap();
        }
        let trickled: Vec<Vec<u8>> = trickles
            .into_iter()
            .map(|trickle| trickle.join().unwrap())
            .collect();
        (slow, trickled, answered)
    });

    // Each slow client, and each that kept sending, gets 408 and its connection closed.
    for (i, stream) in slow.into_iter().enumerate() {
        let answer = read_answer(stream);
        assert_eq!(answer.status, 408, "slow client {i}: {}", answer.text());
        assert!(
            answer.headers.contains("Connection: close"),
            "{}",
            answer.headers
        );
    }
    for bytes in trickled {
        assert_eq!(parse_answer(&bytes).status, 408);
    }
    let all_gone = start.elapsed();
    eprintln!(
        "slow clients: 50 whole requests answered after {answered:?}, all 52 slow clients \
         let go after {all_gone:?}"
    );
    assert!(all_gone < Duration::from_secs(20), "{all_gone:?}");
    server.wait_for_open_files(files, Duration::from_secs(10));
    let answer = server.request("POST", "/predict", &[], article.as_bytes());
    assert_eq!(answer.status, 200);
    assert!(!server.panicked(), "{}", server.stderr.lock().unwrap());
}

#[test]
fn connections_over_the_limit_get_503() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let server = Server::start(
        &ws,
        &[
            "--model",
            "m",
            "--read-timeout",
            "1",
            "--max-connections",
            "4",
        ],
    );
    let idle: Vec<TcpStream> = (0..4).map(|_| slow_client(server.port, b"")).collect();
    let refused = exchange(server.port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(refused.status, 503);
    assert!(refused.text().contains("too many connections"));
    // The idle ones are let go after the timeout, and there is room again.
    for stream in idle {
        assert_eq!(read_answer(stream).status, 408);
    }
    let start = Instant::now();
    loop {
        let answer = server.request("GET", "/", &[], b"");
        if answer.status == 200 {
            break;
        }
        assert_eq!(answer.status, 503);
        assert!(start.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn two_thousand_requests_from_eight_clients_keep_memory_flat() {
    let ws = Workspace::new();
    ws.train_fixture("m");
    let server = Server::start(&ws, &["--model", "m", "--read-timeout", "1"]);
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
    // Meanwhile, rounds of ten slow clients, each held until the server lets it go.
    let loading = std::sync::atomic::AtomicBool::new(true);
    let slow_rounds = || {
        let mut rounds = 0;
        while loading.load(std::sync::atomic::Ordering::SeqCst) {
            let slow: Vec<TcpStream> = (0..10)
                .map(|i| slow_client(server.port, SLOW_STARTS[i % SLOW_STARTS.len()]))
                .collect();
            for stream in slow {
                assert_eq!(read_answer(stream).status, 408);
            }
            rounds += 1;
        }
        rounds
    };
    let start = Instant::now();
    let (warm, warm_time, after, total, rounds) = std::thread::scope(|scope| {
        let slow = scope.spawn(slow_rounds);
        load(0, 200);
        let warm = (server.resident_kb(), start.elapsed());
        load(200, 2000);
        let after = (server.resident_kb(), start.elapsed());
        loading.store(false, std::sync::atomic::Ordering::SeqCst);
        (warm.0, warm.1, after.0, after.1, slow.join().unwrap())
    });
    eprintln!(
        "serve load: 200 requests in {warm_time:.2?} ({warm} kB resident), 2000 in \
         {total:.2?} ({after} kB resident), {rounds} rounds of 10 slow clients"
    );
    assert!(
        after as f64 <= 1.5 * warm as f64,
        "resident memory grew from {warm} kB to {after} kB"
    );
    assert!(total < Duration::from_secs(50), "{total:?}");
}
