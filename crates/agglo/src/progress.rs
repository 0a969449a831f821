//! Following a long fit from another thread.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A count of the merges a fit has made so far, readable from another
/// thread while the fit runs (for a progress bar). Clones share the count.
///
/// Ward, complete and average linkage with connectivity update it every
/// few thousand merges; the other algorithms set it once, when their tree
/// is built.
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
///     .progress(progress.clone())
///     .fit(x.view())?;
/// // A watcher thread would read `progress.merges()` meanwhile.
/// assert_eq!(progress.merges(), 63);
/// # Ok::<(), agglo::AggloError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct MergeProgress(Arc<AtomicUsize>);

impl MergeProgress {
    /// A count at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The merges made so far.
    pub fn merges(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn set(&self, merges: usize) {
        self.0.store(merges, Ordering::Relaxed);
    }
}

/// Two handles are equal when they share one count.
impl PartialEq for MergeProgress {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
