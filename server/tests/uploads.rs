//! Huge uploads are refused as they stream in: a client sending 2 GiB gets a 413 once the limit
//! is passed, the server never holds more than about the limit, and it goes on answering.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::Duration;

use common::{Client, Server};

const TWO_GIB: u64 = 2 << 30;
const CHUNK: usize = 1 << 20;

/// What came of sending a body of `TWO_GIB` bytes after `head`.
struct Outcome {
    /// The response's status line.
    status_line: String,
    /// How much of the body the client got to send before the server stopped it.
    sent: u64,
}

/// Sends `head` (request line and headers, with the blank line) and then up to 2 GiB of body,
/// `prefix` first, in chunked encoding when `chunked`; reads the response while sending.
fn send_huge(server: &Server, head: &str, prefix: &[u8], chunked: bool) -> Outcome {
    let stream = TcpStream::connect(server.address()).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let head = head.to_string();
    let prefix = prefix.to_vec();
    let sender = thread::spawn(move || {
        let mut sent = 0u64;
        let zeros = vec![b'a'; CHUNK];
        let write = |writer: &mut TcpStream, bytes: &[u8]| -> std::io::Result<()> {
            if chunked {
                write!(writer, "{:x}\r\n", bytes.len())?;
                writer.write_all(bytes)?;
                writer.write_all(b"\r\n")
            } else {
                writer.write_all(bytes)
            }
        };
        // Head, then the body until 2 GiB or until the server closes the connection.
        if writer.write_all(head.as_bytes()).is_err() || write(&mut writer, &prefix).is_err() {
            return sent;
        }
        sent += prefix.len() as u64;
        while sent < TWO_GIB {
            let n = CHUNK.min((TWO_GIB - sent) as usize);
            if write(&mut writer, &zeros[..n]).is_err() {
                break;
            }
            sent += n as u64;
        }
        sent
    });
    let mut status_line = String::new();
    BufReader::new(&stream).read_line(&mut status_line).expect("a response");
    // The answer is in: stop sending, as a real client does when the server answers early.
    let _ = stream.shutdown(Shutdown::Both);
    let sent = sender.join().unwrap();
    Outcome { status_line, sent }
}

fn multipart_head(path: &str, host: &str, length: Option<u64>) -> String {
    let framing = match length {
        Some(n) => format!("Content-Length: {n}"),
        None => "Transfer-Encoding: chunked".to_string(),
    };
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n{framing}\r\n\r\n"
    )
}

const FILE_PART: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"target\"\r\n\r\nfra_Latn\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\nContent-Type: text/plain\r\n\r\n";

#[test]
fn a_two_gib_upload_is_refused_as_it_streams_and_the_server_goes_on() {
    const JOB_LIMIT: u64 = 32 << 20;
    let server = Server::start(&["--max-job-bytes", &JOB_LIMIT.to_string()]);
    let host = server.address();
    let before = server.peak_rss();

    // A job upload of unknown length (chunked), as a streaming client sends it.
    let job = send_huge(&server, &multipart_head("/v1/jobs", &host, None), FILE_PART, true);
    assert!(job.status_line.contains(" 413 "), "{}", job.status_line);
    assert!(job.sent < TWO_GIB, "the server read all 2 GiB before answering");

    // The same with an honest Content-Length of 2 GiB.
    let job = send_huge(
        &server,
        &multipart_head("/v1/jobs", &host, Some(TWO_GIB)),
        FILE_PART,
        false,
    );
    assert!(job.status_line.contains(" 413 "), "{}", job.status_line);

    // A LibreTranslate file upload (limit: --max-body-bytes, 10 MiB by default).
    let libre = send_huge(
        &server,
        &multipart_head("/translate_file", &host, None),
        b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n",
        true,
    );
    assert!(libre.status_line.contains(" 413 "), "{}", libre.status_line);

    // A JSON translation request of 2 GiB.
    let head = format!("POST /v1/translate HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {TWO_GIB}\r\n\r\n");
    let json = send_huge(&server, &head, b"{\"target\":\"fra_Latn\",\"text\":\"", false);
    assert!(json.status_line.contains(" 413 "), "{}", json.status_line);

    // Memory: never more than the limit and a margin over what the server held before.
    let growth = server.peak_rss().saturating_sub(before);
    eprintln!(
        "peak RSS {} MiB before, growth {} MiB; client sent {} MiB of the job upload before the 413",
        before >> 20,
        growth >> 20,
        job.sent >> 20
    );
    assert!(
        growth < 3 * JOB_LIMIT + (64 << 20),
        "peak RSS grew by {} MiB",
        growth >> 20
    );

    // And it goes on answering.
    assert_eq!(server.get("/healthz").status, 200);
    let reply = server.post_json(
        "/v1/translate",
        &serde_json::json!({"text": "Everyone has the right to education.", "source": "eng_Latn", "target": "fra_Latn"}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}
