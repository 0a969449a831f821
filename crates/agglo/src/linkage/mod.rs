//! Every tree builder, behind one signature: scikit-learn's
//! `_TREE_BUILDERS`, with and without a connectivity constraint.
//!
//! | linkage | with connectivity | without |
//! |---|---|---|
//! | ward | [`ward`]: the merge loop of `ward_tree` | [`unstructured`]: scipy's `nn_chain` |
//! | complete, average | [`structured`]: `linkage_tree`'s heap loop | [`unstructured`]: scipy's `nn_chain` |
//! | single | [`structured`]: scipy's minimum spanning tree | [`unstructured`]: scikit-learn's `mst_linkage_core` or scipy's |
//!
//! [`build_tree`] completes a disconnected graph as scikit-learn's
//! `_fix_connectivity` does, then runs the builder of [`TREE_BUILDERS`].

pub(crate) mod min_queue;
pub(crate) mod structured;
pub(crate) mod union_find;
pub(crate) mod unstructured;
pub(crate) mod ward;

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use crate::choices::{Linkage, Metric};
use crate::connectivity::{complete, Connectivity};
use crate::element::Precision;
use crate::error::Result;
use crate::progress::MergeProgress;
use crate::tree::Tree;
use crate::warning::FitWarning;

/// The points of a fit, one per row, however the caller holds them.
pub(crate) enum Points<'a> {
    /// Read only.
    View(ArrayView2<'a, f64>),
    /// Handed over: Ward may keep its merged clusters' sums in the rows.
    Owned(Array2<f64>),
    /// Lent to be used up, as `Owned` (contiguous rows).
    InPlace(ArrayViewMut2<'a, f64>),
}

impl Points<'_> {
    /// The points, read only.
    pub(crate) fn view(&self) -> ArrayView2<'_, f64> {
        match self {
            Points::View(v) => v.view(),
            Points::Owned(a) => a.view(),
            Points::InPlace(v) => v.view(),
        }
    }
}

/// What every tree builder is given.
pub(crate) struct Job<'p, 'g> {
    /// The points (the square distance matrix for [`Metric::Precomputed`]).
    pub(crate) points: Points<'p>,
    /// The connected graph, or `None` for an unconstrained tree.
    pub(crate) graph: Option<&'g Connectivity>,
    pub(crate) metric: Metric,
    /// The precision scikit-learn would compute edge weights in.
    pub(crate) precision: Precision,
    /// Merges to make (unconstrained trees are always full).
    pub(crate) n_merges: usize,
    /// Components of the graph before it was completed (1 without one).
    pub(crate) n_connected_components: usize,
    /// Where to count merges, and the cancel flag.
    pub(crate) progress: Option<&'g MergeProgress>,
}

/// A tree builder.
pub(crate) type Builder = fn(Job<'_, '_>) -> Result<Tree>;

/// The builders of each linkage: `(linkage, with connectivity, without)`.
pub(crate) const TREE_BUILDERS: [(Linkage, Builder, Builder); 4] = [
    (Linkage::Ward, ward::build_job, unstructured::ward),
    (
        Linkage::Complete,
        structured::complete,
        unstructured::complete,
    ),
    (Linkage::Average, structured::average, unstructured::average),
    (
        Linkage::Single,
        structured::single,
        unstructured::single_job,
    ),
];

/// A connectivity constraint, and how its components are treated.
pub(crate) struct Constraint<'g> {
    pub(crate) graph: &'g Connectivity,
    /// `Some(n_components)`: a hard constraint (`on_disconnected =
    /// separate`); `None`: completed when disconnected.
    pub(crate) separate: Option<usize>,
}

/// The tree of `points` for `linkage`, under `connectivity` when given
/// (completed first when disconnected, with a warning), stopping after
/// `n_merges` merges. With `separate = Some(n_components)` the graph is
/// used as it is, a hard constraint: the tree is a forest with a root in
/// each of its `n_components` components, and stops at
/// `n_points − n_components` merges at most.
///
/// # Errors
/// A graph of the wrong size, and what the builders refuse (cosine with a
/// zero vector, a precomputed matrix that is not square, Ward with another
/// metric, distances that overflow).
pub(crate) fn build_tree(
    linkage: Linkage,
    points: Points<'_>,
    connectivity: Option<Constraint<'_>>,
    metric: Metric,
    precision: Precision,
    n_merges: usize,
    progress: Option<&MergeProgress>,
) -> Result<(Tree, Vec<FitWarning>)> {
    let (_, structured, unstructured) = TREE_BUILDERS
        .into_iter()
        .find(|&(l, _, _)| l == linkage)
        .expect("every linkage has builders");
    if connectivity.is_some() && linkage != Linkage::Ward && !metric.is_paired() {
        return Err(crate::error::AggloError::MetricNeedsNoConnectivity(metric));
    }
    let Some(Constraint {
        graph: connectivity,
        separate,
    }) = connectivity
    else {
        let job = Job {
            points,
            graph: None,
            metric,
            precision,
            n_merges,
            n_connected_components: 1,
            progress,
        };
        return Ok((unstructured(job)?, Vec::new()));
    };
    if let Some(n_components) = separate {
        let job = Job {
            n_merges: n_merges.min(connectivity.n_nodes().saturating_sub(n_components)),
            points,
            graph: Some(connectivity),
            metric,
            precision,
            n_connected_components: n_components,
            progress,
        };
        return Ok((structured(job)?, Vec::new()));
    }
    // scikit-learn completes Ward's graph in euclidean distance whatever
    // the metric, the others' in their own.
    let completion_metric = match linkage {
        Linkage::Ward => Metric::Euclidean,
        _ => metric,
    };
    let completed = complete(points.view(), connectivity, completion_metric, precision)?;
    let n_components = completed.n_components;
    let warnings = if n_components > 1 {
        vec![FitWarning::DisconnectedGraph { n_components }]
    } else {
        Vec::new()
    };
    let job = Job {
        points,
        graph: Some(completed.graph.as_ref()),
        metric,
        precision,
        n_merges,
        n_connected_components: n_components,
        progress,
    };
    Ok((structured(job)?, warnings))
}
