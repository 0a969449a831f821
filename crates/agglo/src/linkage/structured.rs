//! Complete, average and single linkage under a connectivity constraint,
//! as scikit-learn's `linkage_tree`.
//!
//! The graph arrives connected (completed by
//! [`crate::connectivity::complete_components`]). Every edge gets the
//! distance between its two ends ([`paired`], bit for bit as
//! `paired_distances`); then
//!
//! - complete and average linkage run the heap-driven merge loop of
//!   [`heap_linkage`], whose ties fall as CPython's `heapq` lets them;
//! - single linkage takes scipy's minimum spanning tree of the weighted
//!   graph ([`spanning`]).

mod edge_queue;
mod gathered;
mod heap_linkage;
mod neighbor_map;
mod paired;
mod spanning;
mod weighted_edge;

use ndarray::ArrayView2;

use super::Job;
use crate::choices::{Linkage, Metric};
use crate::connectivity::Connectivity;
use crate::element::Precision;
use crate::error::{AggloError, Result};
use crate::progress::MergeProgress;
use crate::tree::Tree;
use neighbor_map::MergeRule;

/// How far to build a tree, and where to count its merges.
pub(crate) struct Extent<'p> {
    /// Merges to make (single linkage always makes all `n − 1` of them, as
    /// scikit-learn's `children_` does; only its labels follow this).
    pub(crate) n_merges: usize,
    /// Components of the graph before it was completed.
    pub(crate) n_connected_components: usize,
    /// Merges made so far, for a progress display.
    pub(crate) progress: Option<&'p MergeProgress>,
}

/// Complete linkage's builder of [`super::TREE_BUILDERS`].
pub(crate) fn complete(job: Job<'_, '_>) -> Result<Tree> {
    run(job, Linkage::Complete)
}

/// Average linkage's builder of [`super::TREE_BUILDERS`].
pub(crate) fn average(job: Job<'_, '_>) -> Result<Tree> {
    run(job, Linkage::Average)
}

/// Single linkage's builder of [`super::TREE_BUILDERS`].
pub(crate) fn single(job: Job<'_, '_>) -> Result<Tree> {
    run(job, Linkage::Single)
}

fn run(job: Job<'_, '_>, linkage: Linkage) -> Result<Tree> {
    let graph = job.graph.expect("a builder with connectivity");
    linkage_tree(
        job.points.view(),
        graph,
        linkage,
        job.metric,
        job.precision,
        Extent {
            n_merges: job.n_merges,
            n_connected_components: job.n_connected_components,
            progress: job.progress,
        },
    )
}

/// The tree of `points` under the connected `graph`, stopping after
/// `extent.n_merges` merges.
///
/// `points` holds one point per row, or the square distance matrix when
/// `metric` is [`Metric::Precomputed`]. With [`Precision::F32`] the edge
/// weights are computed in `f32` arithmetic, as scikit-learn computes them
/// for `float32` data, then widened.
///
/// # Errors
/// [`AggloError::CosineZeroVector`] for cosine distance with an all-zero
/// point; [`AggloError::NotSupported`] for Ward, which has its own module.
fn linkage_tree(
    points: ArrayView2<'_, f64>,
    graph: &Connectivity,
    linkage: Linkage,
    metric: Metric,
    precision: Precision,
    extent: Extent<'_>,
) -> Result<Tree> {
    let rule = match linkage {
        Linkage::Complete => Some(MergeRule::Max),
        Linkage::Average => Some(MergeRule::Average),
        Linkage::Single => None,
        Linkage::Ward => {
            return Err(AggloError::NotSupported(
                "ward linkage through linkage_tree (use ward_tree)".to_string(),
            ))
        }
    };
    if metric == Metric::Cosine {
        if let Some(point) = points
            .rows()
            .into_iter()
            .position(|row| row.iter().all(|&v| v == 0.0))
        {
            return Err(AggloError::CosineZeroVector { point });
        }
    }
    if rule.is_some() && graph.n_nodes().saturating_add(extent.n_merges) > u32::MAX as usize {
        // The heap's edges hold 32-bit node ids.
        return Err(AggloError::TooLarge(format!(
            "{linkage} linkage with connectivity over {} points (at most {} nodes in the tree)",
            graph.n_nodes(),
            u32::MAX
        )));
    }
    let adjacency = paired::edge_weights(points, graph, metric, precision);
    Ok(match rule {
        Some(rule) => heap_linkage::heap_linkage(&adjacency, rule, extent),
        None => spanning::single_linkage(&adjacency, extent.n_connected_components),
    })
}
