//! ReNA's rounds: the first level built from the features, then each
//! round's grouping, means and graph, until few enough clusters are left.

use std::borrow::Cow;

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use super::graph::{self, Graph, Rows};
use super::grouping::{self, Grouping};
use super::reduce::{self, Members};
use super::Rena;
use crate::connectivity::Connectivity;
use crate::element::Element;
use crate::error::{AggloError, Result};
use crate::exact::summation::Real;
use crate::progress::MergeProgress;

/// The features as contiguous rows of their samples, in precision `T`:
/// borrowed, converted, or the caller's `f64` buffer handed over.
pub(super) enum First<'x, T> {
    Borrowed(&'x [T]),
    Owned(Vec<T>),
    OwnedF64(Vec<f64>),
}

impl<'x, T: Real> First<'x, T> {
    /// `x` itself when it is `f64` stored column-major, else a copy made in
    /// blocks of features that stay in cache.
    pub fn of_view<A: Element>(x: ArrayView2<'x, A>) -> Self {
        if let Some(values) = x.reversed_axes().to_slice() {
            if let Some(values) = A::as_f64_slice(values).and_then(T::in_place) {
                return First::Borrowed(values);
            }
        }
        First::Owned(transposed(x))
    }

    /// `x`'s own buffer when it is `f64` stored column-major and `T` is
    /// `f64`, else a converted copy (and `x` dropped).
    pub fn of_owned<A: Element>(x: Array2<A>) -> First<'static, T> {
        match A::into_f64_array(x) {
            Ok(x) if x.t().is_standard_layout() && T::in_place(&[]).is_some() => {
                let (values, offset) = x.into_raw_vec_and_offset();
                debug_assert_eq!(offset.unwrap_or(0), 0, "an owned, unsliced array");
                First::OwnedF64(values)
            }
            Ok(x) => First::Owned(transposed(x.view())),
            Err(x) => First::Owned(transposed(x.view())),
        }
    }

    /// The same rows, owned.
    pub fn into_owned(self) -> First<'static, T> {
        match self {
            First::Borrowed(values) => First::Owned(values.to_vec()),
            First::Owned(values) => First::Owned(values),
            First::OwnedF64(values) => First::OwnedF64(values),
        }
    }

    fn values(&self) -> &[T] {
        match self {
            First::Borrowed(values) => values,
            First::Owned(values) => values,
            First::OwnedF64(values) => T::in_place(values).expect("made for f64 only"),
        }
    }
}

/// `x` transposed into rows of features, converted to `T`.
fn transposed<T: Real, A: Element>(x: ArrayView2<'_, A>) -> Vec<T> {
    const BLOCK: usize = 64;
    let (n_samples, n_features) = x.dim();
    let mut out = vec![T::ZERO; n_samples * n_features];
    let rows = x.as_slice();
    out.par_chunks_mut(BLOCK * n_samples.max(1))
        .enumerate()
        .for_each(|(block, chunk)| {
            let first = block * BLOCK;
            let count = chunk.len() / n_samples;
            for s in 0..n_samples {
                let convert =
                    |(f, v): (usize, &A)| chunk[f * n_samples + s] = T::from_f64(v.to_f64());
                match rows {
                    // Row-major: the block's values of sample `s` are contiguous.
                    Some(values) => {
                        let start = s * n_features + first;
                        values[start..start + count]
                            .iter()
                            .enumerate()
                            .for_each(convert);
                    }
                    None => x
                        .row(s)
                        .iter()
                        .skip(first)
                        .take(count)
                        .enumerate()
                        .for_each(convert),
                }
            }
        });
    out
}

/// Runs the rounds of `rena` on the features `first` (`width` samples
/// each) over `connectivity`; the features' labels and the number of
/// rounds run. What is handed over is dropped as soon as it is used up.
pub(super) fn run<T: Real>(
    rena: &Rena,
    first: First<'_, T>,
    width: usize,
    connectivity: Cow<'_, Connectivity>,
    progress: &MergeProgress,
) -> Result<(Vec<u32>, usize)> {
    let n_features = connectivity.n_nodes();
    let mut labels: Vec<u32> = (0..n_features as u32).collect();
    let rows = Rows {
        values: first.values(),
        width,
    };
    let first_graph = graph::first_level(&rows, &connectivity);
    drop(connectivity);
    let grouping = grouping::group(&first_graph, rena.n_clusters, rena.threshold);
    if finished(rena, &grouping, &mut labels, 1, progress)? {
        return Ok((labels, 1));
    }
    let mut data = reduce::reduce(&rows, &Members::of(&grouping.labels, grouping.n_components));
    drop(first);
    let mut graph = next_graph(rena, &first_graph, &grouping, &data, width);
    drop(first_graph);
    for round in 2..=rena.n_iter {
        let grouping = grouping::group(&graph, rena.n_clusters, rena.threshold);
        if finished(rena, &grouping, &mut labels, round, progress)? {
            return Ok((labels, round));
        }
        let rows = Rows {
            values: &data,
            width,
        };
        let next = reduce::reduce(&rows, &Members::of(&grouping.labels, grouping.n_components));
        graph = next_graph(rena, &graph, &grouping, &next, width);
        data = next;
    }
    unreachable!("the last round finishes")
}

/// Carries `grouping` into the features' labels; whether the fit ends with
/// this round.
fn finished(
    rena: &Rena,
    grouping: &Grouping,
    labels: &mut [u32],
    round: usize,
    progress: &MergeProgress,
) -> Result<bool> {
    labels
        .par_iter_mut()
        .with_min_len(1 << 14)
        .for_each(|l| *l = grouping.labels[*l as usize]);
    if !progress.set(labels.len() - grouping.n_components) {
        return Err(AggloError::Cancelled);
    }
    Ok(grouping.n_components <= rena.n_clusters || round == rena.n_iter)
}

/// The graph between the clusters of `grouping`, weighted by their means
/// `data`.
fn next_graph<W: Real, T: Real>(
    rena: &Rena,
    graph: &Graph<W>,
    grouping: &Grouping,
    data: &[T],
    width: usize,
) -> Graph<T> {
    graph::reduced(
        graph,
        &grouping.labels,
        grouping.n_components,
        &Rows {
            values: data,
            width,
        },
        T::from_f64(rena.threshold),
    )
}
