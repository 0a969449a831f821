//! The estimators: configuration, validation and fitting.

mod agglomerative;
mod feature;
mod fitted;
mod params;

pub use agglomerative::AgglomerativeClustering;
pub use feature::{FeatureAgglomeration, FittedFeatureAgglomeration};
pub use fitted::Agglomeration;
pub use params::Params;

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use crate::choices::{Metric, OnDisconnected};
use crate::connectivity::connected_components;
use crate::element::{Element, Precision};
use crate::error::{AggloError, Result};
use crate::linkage::{build_tree, Constraint, Points};
use crate::progress::MergeProgress;

/// When to stop merging.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum StoppingRule {
    /// Stop at this many clusters.
    NClusters(usize),
    /// Merge while the linkage distance is below this; the number of
    /// clusters is `count(distances >= threshold) + 1`.
    DistanceThreshold(f64),
}

impl Params {
    /// Fits the tree over the rows of `points` and cuts it.
    pub(crate) fn fit_points(
        &self,
        points: Points<'_>,
        precision: Precision,
        progress: Option<&MergeProgress>,
    ) -> Result<Agglomeration> {
        let stop = self.stopping_rule()?;
        let (n, d) = points.view().dim();
        if self.metric == Metric::Precomputed && n != d {
            return Err(AggloError::PrecomputedNotSquare { rows: n, cols: d });
        }
        if let Some(connectivity) = &self.connectivity {
            if connectivity.n_nodes() != n {
                return Err(AggloError::ConnectivityShape {
                    rows: connectivity.n_nodes(),
                    cols: connectivity.n_nodes(),
                    n_points: n,
                });
            }
        }
        let separate = self.hard_components(stop)?;
        let full_tree = self.builds_full_tree(n) && separate.is_none_or(|c| c == 1);
        let n_merges = self.n_merges(n)?;
        if progress.is_some_and(MergeProgress::is_cancelled) {
            return Err(AggloError::Cancelled);
        }
        let (tree, warnings) = build_tree(
            self.linkage,
            points,
            self.connectivity
                .as_ref()
                .map(|graph| Constraint { graph, separate }),
            self.metric,
            precision,
            n_merges,
            progress,
        )?;
        if let Some(progress) = progress {
            if !progress.set(tree.children().len()) {
                return Err(AggloError::Cancelled);
            }
        }
        // Values near f64::MAX overflow the merge costs; a tree built on
        // infinities or NaN would be meaningless.
        if let Some(k) = tree.distances().iter().position(|d| !d.is_finite()) {
            return Err(AggloError::NonFiniteDistance(format!(
                "merge {k} has the linkage distance {}",
                tree.distances()[k]
            )));
        }
        let roots = separate.unwrap_or(1);
        let n_clusters = match stop {
            StoppingRule::NClusters(k) => k,
            StoppingRule::DistanceThreshold(t) => {
                tree.distances().iter().filter(|&&d| d >= t).count() + roots
            }
        };
        let labels = if full_tree {
            tree.cut(n_clusters)?
        } else if separate.is_some() {
            // The forest of the first n − k merges, its roots ranked.
            let mut partial = tree.clone();
            partial.children.truncate(n - n_clusters);
            partial.distances.truncate(n - n_clusters);
            partial.forest_labels()
        } else if tree.children().len() > n_merges {
            // Single linkage always returns all n − 1 merges (scikit-learn's
            // `children_` too), but labels the forest of the first n − k.
            let mut partial = tree.clone();
            partial.children.truncate(n_merges);
            partial.distances.truncate(n_merges);
            partial.forest_labels()
        } else {
            tree.forest_labels()
        };
        let keep_distances =
            self.compute_distances || matches!(stop, StoppingRule::DistanceThreshold(_));
        Ok(Agglomeration {
            labels,
            n_clusters,
            tree,
            has_distances: keep_distances,
            warnings,
        })
    }
}

impl Params {
    /// For `on_disconnected` `raise` or `separate` with a graph: its number
    /// of components, after the checks (`raise` refuses more than one,
    /// `separate` fewer clusters than components); `None` when the graph is
    /// completed as scikit-learn completes it.
    fn hard_components(&self, stop: StoppingRule) -> Result<Option<usize>> {
        let Some(graph) = &self.connectivity else {
            return Ok(None);
        };
        if self.on_disconnected == OnDisconnected::Complete {
            return Ok(None);
        }
        let (n_components, labels) = connected_components(graph);
        if n_components > 1 && self.on_disconnected == OnDisconnected::Raise {
            let mut sizes = vec![0usize; n_components];
            for &l in &labels {
                sizes[l] += 1;
            }
            let mut listed: Vec<String> = sizes.iter().take(20).map(ToString::to_string).collect();
            if n_components > 20 {
                listed.push(format!("… {} more", n_components - 20));
            }
            return Err(AggloError::Disconnected {
                n_components,
                sizes: listed.join(", "),
            });
        }
        if let StoppingRule::NClusters(k) = stop {
            if k < n_components {
                return Err(AggloError::FewerClustersThanComponents {
                    n_clusters: k,
                    n_components,
                });
            }
        }
        Ok((self.on_disconnected == OnDisconnected::Separate).then_some(n_components))
    }
}

/// The points of `x` (its rows, or its columns with `transpose`) as a
/// contiguous `f64` matrix with one point per row, refusing non-finite
/// values; positions in errors refer to `x` as given.
///
/// `f64` data already laid out that way (row-major rows, or the columns of
/// a column-major `x`) is borrowed, not copied. Otherwise the copy runs in
/// parallel over blocks of points small enough to stay in cache while they
/// are transposed, reading `x` along its contiguous axis; values are only
/// converted, never combined, so the result does not depend on the number
/// of threads.
///
/// With `by_edges` (a builder that reads the points edge by edge: complete,
/// average or single linkage with connectivity), `f64` points that are the
/// columns of a row-major matrix are borrowed too: the edge weights gather
/// them a block at a time, which costs less than this copy.
fn points_of<A: Element>(
    x: ArrayView2<'_, A>,
    transpose: bool,
    by_edges: bool,
) -> Result<Points<'_>> {
    use ndarray::ShapeBuilder;
    use rayon::prelude::*;

    let view = if transpose { x.reversed_axes() } else { x };
    let finite = |data: &[f64]| -> Result<()> {
        if !data
            .par_chunks(1 << 14)
            .all(|c| c.iter().all(|v| v.is_finite()))
        {
            check_finite(x)?;
        }
        Ok(())
    };
    // float64 points already one per row are read where they are.
    if let Some(data) = view.to_slice().and_then(A::as_f64_slice) {
        finite(data)?;
        let points = ArrayView2::from_shape(view.dim(), data).expect("the view's own shape");
        return Ok(Points::View(points));
    }
    if by_edges {
        let (n, dim) = view.dim();
        if let Some(data) = view.reversed_axes().to_slice().and_then(A::as_f64_slice) {
            finite(data)?;
            let points = ArrayView2::from_shape((n, dim).strides((1, n)), data)
                .expect("the view's own shape");
            return Ok(Points::View(points));
        }
    }
    Ok(Points::Owned(copy_points(x, transpose)?))
}

/// [`points_of`] for data handed over: `f64` data already laid out as the
/// points is used as it is (checked to be finite), other data is copied as
/// by `points_of` and freed on return.
fn owned_points<A: Element>(x: Array2<A>, transpose: bool) -> Result<Array2<f64>> {
    match A::into_f64_array(x) {
        Ok(x) if transpose && x.t().is_standard_layout() => {
            check_finite(x.view())?;
            Ok(x.reversed_axes())
        }
        Ok(x) if !transpose && x.is_standard_layout() => {
            check_finite(x.view())?;
            Ok(x)
        }
        Ok(x) => copy_points(x.view(), transpose),
        Err(x) => copy_points(x.view(), transpose),
    }
}

/// The points of `x` lent to be used up: `x` itself when laid out as the
/// points (checked to be finite), otherwise a copy as by [`points_of`].
fn lent_points(x: ArrayViewMut2<'_, f64>, transpose: bool) -> Result<Points<'_>> {
    let laid_out = if transpose {
        x.t().is_standard_layout()
    } else {
        x.is_standard_layout()
    };
    if !laid_out {
        return Ok(Points::Owned(copy_points(x.view(), transpose)?));
    }
    check_finite(x.view())?;
    Ok(Points::InPlace(if transpose {
        x.reversed_axes()
    } else {
        x
    }))
}

/// [`points_of`] when the points must be converted or gathered.
fn copy_points<A: Element>(x: ArrayView2<'_, A>, transpose: bool) -> Result<Array2<f64>> {
    use rayon::prelude::*;

    let view = if transpose { x.t() } else { x };
    let (n_points, dim) = view.dim();
    let mut data = vec![0.0; n_points * dim];
    if n_points * dim == 0 {
        return Ok(Array2::from_shape_vec((n_points, dim), data).unwrap_or_default());
    }
    // Read along rows of the view when they are the contiguous axis.
    let [point_stride, coordinate_stride] = [view.strides()[0], view.strides()[1]];
    let by_rows = coordinate_stride.unsigned_abs() <= point_stride.unsigned_abs();
    // About 32 KiB of output per block.
    let block = (4096 / dim).max(1);
    let finite = data
        .par_chunks_mut(block * dim)
        .enumerate()
        .map(|(b, out)| {
            let first = b * block;
            let points = view.slice_axis(
                ndarray::Axis(0),
                ndarray::Slice::from(first..first + out.len() / dim),
            );
            if by_rows {
                for (row, out) in points.rows().into_iter().zip(out.chunks_mut(dim)) {
                    for (o, &v) in out.iter_mut().zip(row.iter()) {
                        *o = v.to_f64();
                    }
                }
            } else {
                for (t, column) in points.columns().into_iter().enumerate() {
                    for (p, &v) in column.iter().enumerate() {
                        out[p * dim + t] = v.to_f64();
                    }
                }
            }
            out.iter().all(|v| v.is_finite())
        })
        .reduce(|| true, |a, b| a && b);
    if !finite {
        check_finite(x)?;
    }
    Ok(Array2::from_shape_vec((n_points, dim), data).unwrap_or_default())
}

/// Refuses arrays with fewer than `min` along an axis.
pub(crate) fn require(what: &'static str, got: usize, min: usize) -> Result<()> {
    if got < min {
        return Err(AggloError::TooFew { what, got, min });
    }
    Ok(())
}

/// Refuses what `inverse_transform_into` cannot restore: `reduced` (its
/// shape given) without a column per cluster, or `restored` of another
/// shape than a row per row of `reduced` and a column per feature.
pub(crate) fn check_restore(
    reduced: (usize, usize),
    restored: (usize, usize),
    n_clusters: usize,
    n_features: usize,
) -> Result<()> {
    if reduced.1 != n_clusters {
        return Err(AggloError::ClusterMismatch {
            got: reduced.1,
            expected: n_clusters,
        });
    }
    let expected = (reduced.0, n_features);
    if restored != expected {
        return Err(AggloError::OutputShape {
            got: restored,
            expected,
        });
    }
    Ok(())
}

/// Refuses NaN and infinities, naming the first one found (in row-major
/// order of `x`). All values are checked in parallel first; the ordered
/// search runs only when something was found.
pub(crate) fn check_finite<A: Element>(x: ArrayView2<'_, A>) -> Result<()> {
    use rayon::prelude::*;

    let all_finite = match x.as_slice_memory_order() {
        Some(values) => values
            .par_chunks(1 << 14)
            .all(|chunk| chunk.iter().all(|v| v.to_f64().is_finite())),
        None => (0..x.nrows())
            .into_par_iter()
            .all(|r| x.row(r).iter().all(|v| v.to_f64().is_finite())),
    };
    if all_finite {
        return Ok(());
    }
    for ((row, column), &value) in x.indexed_iter() {
        let value = value.to_f64();
        if !value.is_finite() {
            return Err(AggloError::NonFinite { row, column, value });
        }
    }
    Ok(())
}
