//! Tolk makes no outbound connection of its own: a server given a model directory, driven
//! through every kind of request (translate, stream, detect, the compatible APIs, the page, a
//! job), connects to nothing but loopback and local sockets. Every `connect` the process and its
//! threads make is recorded by strace (and `bind`, to show the trace covers the server).

mod common;

use common::{Client, Server};
use serde_json::json;

/// The `connect` calls strace recorded that reach beyond this machine.
fn outbound(trace: &str) -> Vec<&str> {
    trace
        .lines()
        .filter(|line| line.contains("connect("))
        .filter(|line| {
            let local = line.contains("AF_UNIX")
                || line.contains("AF_NETLINK")
                || line.contains("inet_addr(\"127.")
                || line.contains("inet_pton(AF_INET6, \"::1\"")
                || line.contains("AF_UNSPEC");
            !local
        })
        .collect()
}

#[test]
fn the_server_connects_to_nothing_beyond_loopback() {
    assert!(
        std::process::Command::new("strace").arg("-V").output().is_ok(),
        "this test needs strace (Debian: apt-get install strace; scripts/test installs it)"
    );
    let dir = tempfile::tempdir().unwrap();
    let trace_path = dir.path().join("connect.trace");
    let trace_arg = trace_path.display().to_string();
    let server = Server::start_wrapped(
        &[
            "strace",
            "-f",
            "-qq",
            "-e",
            "trace=connect,bind",
            "-e",
            "signal=none",
            "-o",
            &trace_arg,
        ],
        &[],
    );

    let text = "Everyone has the right to education. No one shall be held in slavery.";
    for body in [
        json!({"text": text, "source": "eng_Latn", "target": "fra_Latn"}),
        json!({"text": text, "target": "quy_Latn"}),
        json!({"text": "<p>Hello <b>world</b></p>", "source": "eng_Latn", "target": "fra_Latn", "format": "html"}),
    ] {
        assert_eq!(server.post_json("/v1/translate", &body).status, 200);
    }
    let (status, _) = server.post_stream("/v1/translate/stream", &json!({"text": text, "target": "spa_Latn"}));
    assert_eq!(status, 200);
    assert_eq!(server.post_json("/v1/detect", &json!({"text": text})).status, 200);
    assert_eq!(
        server
            .post_json("/translate", &json!({"q": text, "source": "auto", "target": "fr"}))
            .status,
        200
    );
    let deepl = server.post(
        "/v2/translate",
        "application/x-www-form-urlencoded",
        b"text=Hello%20world&target_lang=DE",
        &[],
    );
    assert_eq!(deepl.status, 200, "{}", deepl.body);
    for path in [
        "/",
        "/app/app.js",
        "/v1/languages",
        "/v1/models",
        "/openapi.json",
        "/docs",
        "/metrics",
    ] {
        assert_eq!(server.get(path).status, 200, "{path}");
    }
    let job = server.post_multipart(
        "/v1/jobs",
        &[("file", Some("a.txt"), text.as_bytes()), ("target", None, b"fra_Latn")],
    );
    assert_eq!(job.status, 202, "{}", job.body);
    let id = job.json()["id"].as_str().unwrap().to_string();
    server.wait_for_job(&id, |job| job["state"] == "done");
    assert_eq!(server.get(&format!("/v1/jobs/{id}/result")).status, 200);
    // Stop tolk itself (strace's child), so that strace writes everything and exits with it.
    let children = std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", server.pid())).unwrap();
    let tolk = children.split_whitespace().next().expect("strace runs tolk");
    assert!(std::process::Command::new("kill")
        .args(["-TERM", tolk])
        .status()
        .unwrap()
        .success());
    let mut server = server;
    server.wait();

    let trace = std::fs::read_to_string(&trace_path).expect("strace wrote its trace");
    // The listening socket's bind shows the trace covers the server.
    assert!(
        trace.contains("bind("),
        "strace recorded nothing of the server:\n{trace}"
    );
    let outbound = outbound(&trace);
    assert!(outbound.is_empty(), "outbound connections:\n{}", outbound.join("\n"));
}

#[test]
fn the_filter_sees_an_outbound_connection() {
    let trace = "123 connect(7, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr(\"18.160.1.2\")}, 16) = -1 EINPROGRESS\n\
                 124 connect(8, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0\n\
                 125 connect(9, {sa_family=AF_UNIX, sun_path=\"/run/x\"}, 110) = 0\n";
    assert_eq!(outbound(trace).len(), 1);
}
