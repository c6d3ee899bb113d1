//! The requests tests send, answered the same way in-process and over the network.

use std::time::{Duration, Instant};

use serde_json::Value;

/// A response: status, headers we look at, body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub retry_after: Option<String>,
    pub request_id: Option<String>,
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy for binary bodies; see `bytes`).
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    /// A reply from its parts.
    pub fn new(status: u16, headers: Vec<(String, String)>, bytes: Vec<u8>) -> Reply {
        let find = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        Reply {
            status,
            content_type: find("content-type").unwrap_or_default(),
            retry_after: find("retry-after"),
            request_id: find("x-request-id"),
            body: String::from_utf8_lossy(&bytes).into_owned(),
            headers,
            bytes,
        }
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Something that answers HTTP requests: the app in-process or a server process.
pub trait Client {
    /// Sends one request; `body` only with GET or POST.
    fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Reply;

    /// GET.
    fn get(&self, path: &str) -> Reply {
        self.send("GET", path, &[], None)
    }

    /// GET with headers.
    fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send("GET", path, headers, None)
    }

    /// GET with a form body, as DeepL's Python client sends its parameters.
    fn get_with_form(&self, path: &str, form: &str, headers: &[(&str, &str)]) -> Reply {
        let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
        all.extend_from_slice(headers);
        self.send("GET", path, &all, Some(form.as_bytes()))
    }

    /// POST a JSON value.
    fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.post(path, "application/json", body.to_string().as_bytes(), &[])
    }

    /// POST raw bytes with a content type and headers.
    fn post(&self, path: &str, content_type: &str, body: &[u8], headers: &[(&str, &str)]) -> Reply {
        let mut all = vec![("Content-Type", content_type)];
        all.extend_from_slice(headers);
        self.send("POST", path, &all, Some(body))
    }

    /// Any method, no body.
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send(method, path, headers, None)
    }

    /// POSTs a multipart form: `(name, Some(file name), bytes)` for files, `(name, None, value)`
    /// for fields.
    fn post_multipart(&self, path: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Reply {
        self.post_multipart_with(path, parts, &[])
    }

    /// The same with headers.
    fn post_multipart_with(
        &self,
        path: &str,
        parts: &[(&str, Option<&str>, &[u8])],
        headers: &[(&str, &str)],
    ) -> Reply {
        let boundary = "tolk-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, file, bytes) in parts {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
            );
            if let Some(file) = file {
                body.extend_from_slice(
                    format!("; filename=\"{file}\"\r\nContent-Type: application/octet-stream").as_bytes(),
                );
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.post(
            path,
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
            headers,
        )
    }

    /// The value of a Prometheus metric (first sample with that exact name).
    fn metric(&self, name: &str) -> f64 {
        let text = self.get("/metrics").body;
        text.lines()
            .find_map(|line| {
                let (key, value) = line.split_once(' ')?;
                (key == name).then(|| value.parse().ok())?
            })
            .unwrap_or_else(|| panic!("no metric {name} in:\n{text}"))
    }

    /// Polls job `id` until `done` says so (or two minutes pass); the job's last state.
    fn wait_for_job(&self, id: &str, mut done: impl FnMut(&Value) -> bool) -> Value
    where
        Self: Sized,
    {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let job = self.get(&format!("/v1/jobs/{id}")).json();
            if done(&job) {
                return job;
            }
            assert!(Instant::now() < deadline, "the job did not get there: {job}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
