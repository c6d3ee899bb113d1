//! CPU work of the job service (unzipping, parsing, planning, rendering) run off the async
//! runtimes.

/// Runs CPU work on a blocking thread, so that neither the HTTP workers nor the job runtime stall
/// on it, and a panic in it comes back as an error (`{what} crashed`) instead of ending the task
/// that waits.
pub async fn off_runtime<T: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        if e.is_panic() {
            format!("{what} crashed")
        } else {
            format!("{what} was cancelled")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_while_parsing_or_rendering_fails_the_attempt_not_the_worker() {
        let crashed: Result<(), String> = off_runtime("parsing the document", || panic!("a hostile document")).await;
        assert_eq!(crashed, Err("parsing the document crashed".to_string()));
        // The runtime that waited goes on.
        assert_eq!(off_runtime("rendering the document", || 2 + 2).await, Ok(4));
    }
}
