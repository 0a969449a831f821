//! A spinner on stderr for runs that take more than about a second; never
//! shown when stderr is not a terminal or with `--quiet`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agglo::MergeProgress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run may take before the spinner appears.
const DELAY: Duration = Duration::from_secs(1);

/// The current stage of a run, shown once the run takes long enough.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    done: Arc<AtomicBool>,
    tracking: Arc<AtomicBool>,
    merges: MergeProgress,
    /// With `--timings`: the stage running and when it began.
    timings: Option<Mutex<(String, Instant)>>,
    /// Every stage ended so far and its seconds (for `--json`).
    laps: Mutex<Laps>,
}

/// The stage running, since when, and the stages ended with their seconds.
#[derive(Debug)]
struct Laps {
    stage: String,
    since: Instant,
    ended: Vec<(String, f64)>,
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Progress {
    /// A spinner that appears after about a second, or a hidden one.
    pub fn start(quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        let done = Arc::new(AtomicBool::new(false));
        if !quiet && std::io::stderr().is_terminal() {
            let (bar, done) = (bar.clone(), Arc::clone(&done));
            std::thread::spawn(move || {
                std::thread::sleep(DELAY);
                if !done.load(Ordering::SeqCst) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress {
            bar,
            done,
            tracking: Arc::new(AtomicBool::new(false)),
            merges: MergeProgress::new(),
            timings: None,
            laps: Mutex::new(Laps {
                stage: "starting".to_string(),
                since: Instant::now(),
                ended: Vec::new(),
            }),
        }
    }

    /// Also prints the time each stage took to stderr (`--timings`).
    #[must_use]
    pub fn with_timings(mut self, on: bool) -> Self {
        self.timings = on.then(|| Mutex::new(("starting".to_string(), Instant::now())));
        self
    }

    /// The stages ended so far, with their seconds.
    pub fn laps(&self) -> Vec<(String, f64)> {
        self.record("");
        let laps = self
            .laps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        laps.ended.clone()
    }

    fn record(&self, next: &str) {
        let mut laps = self
            .laps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if !laps.stage.is_empty() {
            let ended = (laps.stage.clone(), (now - laps.since).as_secs_f64());
            laps.ended.push(ended);
        }
        laps.stage = next.to_string();
        laps.since = now;
    }

    /// Ends the stage being timed and starts timing `next`.
    fn lap(&self, next: &str) {
        self.record(next);
        let Some(timings) = &self.timings else {
            return;
        };
        let mut stage = timings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if !stage.0.is_empty() {
            eprintln!("{:>8.3} s  {}", (now - stage.1).as_secs_f64(), stage.0);
        }
        *stage = (next.to_string(), now);
    }

    /// Names the stage now running (a spinner).
    pub fn stage(&self, message: &str) {
        self.lap(message);
        self.tracking.store(false, Ordering::SeqCst);
        self.bar.set_style(spinner_style());
        self.bar.set_message(message.to_string());
    }

    /// The merge count to hand to the estimator.
    pub fn merges(&self) -> &MergeProgress {
        &self.merges
    }

    /// Shows a bar of the merges counted by [`Progress::merges`], out of
    /// `total`, until the next stage.
    pub fn track_merges(&self, message: &str, total: usize) {
        self.lap(message);
        let counter = self.merges.clone();
        self.bar.set_message(message.to_string());
        if let Ok(style) =
            ProgressStyle::with_template("{msg} [{bar:32}] {pos}/{len} merges ({elapsed})")
        {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
        self.tracking.store(true, Ordering::SeqCst);
        let (bar, tracking) = (self.bar.clone(), Arc::clone(&self.tracking));
        std::thread::spawn(move || {
            while tracking.load(Ordering::SeqCst) {
                bar.set_position(counter.merges() as u64);
                std::thread::sleep(Duration::from_millis(150));
            }
        });
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        self.lap("");
        self.tracking.store(false, Ordering::SeqCst);
        self.done.store(true, Ordering::SeqCst);
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
