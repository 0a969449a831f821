//! Running library work without the GIL, interruptible by Ctrl-C.

use std::sync::mpsc;
use std::time::Duration;

use agglo::MergeProgress;
use pyo3::prelude::*;

/// How often the waiting thread looks for a pending signal.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `work` on a worker thread with the GIL released. The calling
/// thread (Python's main thread, where signal handlers run) checks for
/// signals every 50 ms; on one (`KeyboardInterrupt` from Ctrl-C, say) it
/// cancels `progress`, which the library's merge loops look at every few
/// thousand merges, waits for the worker to stop and raises the signal's
/// exception.
pub(crate) fn run_interruptible<T: Send>(
    py: Python<'_>,
    progress: &MergeProgress,
    work: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    py.detach(|| {
        std::thread::scope(|scope| {
            let (done, finished) = mpsc::channel();
            let worker = scope.spawn(move || {
                let result = work();
                // The receiver waits until the worker is joined.
                let _ = done.send(());
                result
            });
            loop {
                match finished.recv_timeout(SIGNAL_POLL) {
                    Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        // A closure: `Python::check_signals` names one lifetime.
                        #[allow(clippy::redundant_closure_for_method_calls)]
                        let checked = Python::attach(|py| py.check_signals());
                        if let Err(signal) = checked {
                            progress.cancel();
                            let _ = worker.join();
                            return Err(signal);
                        }
                    }
                }
            }
            match worker.join() {
                Ok(result) => Ok(result),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    })
}
