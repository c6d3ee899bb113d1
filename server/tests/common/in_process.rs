//! The HTTP app run in-process with actix-web's test utilities: the real core, engine and test
//! model, no process, no port, no log lines to wait for. The app lives on a thread of its own
//! (actix's services are not `Send`); each request is a task there, so requests from several
//! test threads are answered concurrently, as a server would.

use std::rc::Rc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use actix_web::http::Method;
use actix_web::{test, web};
use tolk_server::app::Core;
use tolk_server::http::metrics::HttpMetrics;
use tolk_server::settings::Settings;

use super::client::{Client, Reply};
use super::model_dir;

/// One request for the app's thread, and where its reply goes.
struct Call {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    reply: mpsc::Sender<Reply>,
}

/// The app in-process; stops when dropped.
pub struct App {
    calls: Option<tokio::sync::mpsc::UnboundedSender<Call>>,
    thread: Option<JoinHandle<()>>,
    core: web::Data<Core>,
    _data: tempfile::TempDir,
    /// What the app sees as its own address (absolute URLs it answers start with it).
    pub base: String,
}

impl App {
    /// The app with the test model and `args` (as `tolk serve` takes them), its models loaded.
    pub fn start(args: &[&str]) -> App {
        let model = model_dir().display().to_string();
        App::launch(&[&model], args)
    }

    /// The app serving several models (`NAME=DIR` or `DIR`), the first the default.
    pub fn start_with_models(models: &[&str]) -> App {
        App::launch(models, &[])
    }

    fn launch(models: &[&str], args: &[&str]) -> App {
        let data = tempfile::tempdir().expect("a temporary folder");
        let mut all: Vec<String> = Vec::new();
        for model in models {
            all.extend(["--model".to_string(), model.to_string()]);
        }
        all.extend(["--threads", "1"].map(String::from));
        all.extend(args.iter().map(|a| a.to_string()));
        if !args.iter().any(|a| *a == "--data-dir" || *a == "--database-url") {
            all.extend(["--data-dir".to_string(), data.path().display().to_string()]);
        }
        let settings = Settings::from_args(&all).expect("valid settings");
        let core = web::Data::new(Core::start(settings).expect("the core starts"));
        core.models.load_all();
        let (calls, mut incoming) = tokio::sync::mpsc::unbounded_channel::<Call>();
        let (ready, started) = mpsc::channel();
        let app_core = core.clone();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let app = tolk_server::http::app(app_core, web::Data::new(HttpMetrics::default()));
                let service = Rc::new(test::init_service(app).await);
                ready.send(()).expect("the test waits");
                while let Some(call) = incoming.recv().await {
                    let service = Rc::clone(&service);
                    actix_web::rt::spawn(async move {
                        let request = test_request(&call).to_request();
                        let reply = match test::try_call_service(&*service, request).await {
                            Ok(response) => {
                                let (status, headers) = head(response.status(), response.headers());
                                Reply::new(status, headers, test::read_body(response).await.to_vec())
                            }
                            // What actix itself refuses (before a handler) becomes its response.
                            Err(error) => {
                                let response = error.as_response_error().error_response();
                                let (status, headers) = head(response.status(), response.headers());
                                let bytes = actix_web::body::to_bytes(response.into_body()).await;
                                Reply::new(status, headers, bytes.map(|b| b.to_vec()).unwrap_or_default())
                            }
                        };
                        let _ = call.reply.send(reply);
                    });
                }
            });
        });
        started.recv().expect("the app starts");
        App {
            calls: Some(calls),
            thread: Some(thread),
            core,
            _data: data,
            base: "http://localhost:8080".to_string(),
        }
    }

    /// The application core behind the app.
    pub fn core(&self) -> &Core {
        &self.core
    }
}

/// The test request for `call`, addressed to `localhost:8080` unless it says otherwise.
fn test_request(call: &Call) -> test::TestRequest {
    let mut request = test::TestRequest::default()
        .method(Method::from_bytes(call.method.as_bytes()).expect("a method"))
        .uri(&call.path)
        .insert_header(("Host", "localhost:8080"));
    for (name, value) in &call.headers {
        request = request.insert_header((name.as_str(), value.as_str()));
    }
    if let Some(body) = &call.body {
        request = request.set_payload(body.clone());
    }
    request
}

/// A response's status and headers.
fn head(
    status: actix_web::http::StatusCode,
    headers: &actix_web::http::header::HeaderMap,
) -> (u16, Vec<(String, String)>) {
    let headers = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    (status.as_u16(), headers)
}

impl Client for App {
    fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Reply {
        let (reply, replied) = mpsc::channel();
        let call = Call {
            method: method.to_string(),
            path: path.to_string(),
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            body: body.map(<[u8]>::to_vec),
            reply,
        };
        self.calls
            .as_ref()
            .expect("the app runs")
            .send(call)
            .expect("the app's thread is alive");
        replied.recv().expect("the app answered")
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // No more calls: the app's loop ends, and with it its thread.
        self.calls.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
