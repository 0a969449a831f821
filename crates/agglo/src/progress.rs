//! Following, and stopping, a long fit from another thread.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Merges between two updates of a [`MergeProgress`] (and two looks at
/// its cancel flag) in the merge loops that report as they go.
pub(crate) const PROGRESS_STEP: usize = 1 << 12;

/// A count of the merges a fit has made so far, readable from another
/// thread while the fit runs (for a progress bar), and a flag that asks the
/// fit to stop. Clones share the count and the flag.
///
/// Ward, complete and average linkage with connectivity update the count
/// every few thousand merges, and look at the flag as often (a few
/// milliseconds apart): a cancelled fit returns
/// [`AggloError::Cancelled`](crate::AggloError::Cancelled). The other
/// algorithms set the count once, when their tree is built, and look at
/// the flag between their stages.
///
/// ```
/// use agglo::{grid_to_graph, FeatureAgglomeration, MergeProgress};
/// use ndarray::Array2;
///
/// let progress = MergeProgress::new();
/// let x = Array2::from_shape_fn((3, 64), |(i, j)| ((i * 7 + j * 13) % 11) as f64);
/// let model = FeatureAgglomeration::new()
///     .n_clusters(4)
///     .connectivity(grid_to_graph(&[8, 8], None)?)
///     .fit_with(x.view(), &progress)?;
/// // A watcher thread would read `progress.merges()` meanwhile.
/// assert_eq!(progress.merges(), 63);
/// # Ok::<(), agglo::AggloError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct MergeProgress(Arc<Shared>);

#[derive(Debug, Default)]
struct Shared {
    merges: AtomicUsize,
    cancelled: AtomicBool,
}

impl MergeProgress {
    /// A count at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The merges made so far.
    pub fn merges(&self) -> usize {
        self.0.merges.load(Ordering::Relaxed)
    }

    /// Asks the fit to stop as soon as it next looks (from any thread).
    ///
    /// ```
    /// use agglo::{grid_to_graph, AggloError, FeatureAgglomeration, MergeProgress};
    /// use ndarray::Array2;
    ///
    /// let progress = MergeProgress::new();
    /// progress.cancel();
    /// let x = Array2::from_shape_fn((3, 64), |(i, j)| (i * 64 + j) as f64);
    /// let fit = FeatureAgglomeration::new()
    ///     .connectivity(grid_to_graph(&[8, 8], None)?)
    ///     .fit_with(x.view(), &progress);
    /// assert_eq!(fit.unwrap_err(), AggloError::Cancelled);
    /// # Ok::<(), AggloError>(())
    /// ```
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::Relaxed)
    }

    /// Records the count; `false` when the fit should stop.
    pub(crate) fn set(&self, merges: usize) -> bool {
        self.0.merges.store(merges, Ordering::Relaxed);
        !self.is_cancelled()
    }
}

/// Two handles are equal when they share one count.
impl PartialEq for MergeProgress {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
