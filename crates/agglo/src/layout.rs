//! Laying data out for the estimators.

use ndarray::{Array2, ArrayView2, Axis, ShapeBuilder, Slice};
use rayon::prelude::*;

use crate::element::Element;

/// `x` stored column-major (Fortran order): the same matrix, each column
/// contiguous.
///
/// [`FeatureAgglomeration`](crate::FeatureAgglomeration) clusters the
/// columns of `x`: it reads a column-major `f64` matrix in place, where
/// it would otherwise make a transposed copy for the length of the fit. A
/// caller that can let go of its row-major data thus holds the data once
/// instead of twice. The copy runs in parallel, in blocks of columns small
/// enough to stay in cache.
///
/// ```
/// use agglo::{column_major, grid_to_graph, FeatureAgglomeration};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.1, 5.0, 5.2], [1.0, 1.1, 3.0, 3.1]];
/// let columns = column_major(x.view());
/// assert_eq!(columns, x);
/// assert!(columns.t().is_standard_layout());
///
/// let graph = grid_to_graph(&[1, 4], None)?;
/// let fitted = FeatureAgglomeration::new()
///     .n_clusters(2)
///     .connectivity(graph)
///     .fit(columns.view())?;
/// assert_eq!(fitted.labels(), &[1, 1, 0, 0]);
/// # Ok::<(), agglo::AggloError>(())
/// ```
///
/// # Panics
/// Never: the result is allocated for `x`'s own shape.
pub fn column_major<A: Element>(x: ArrayView2<'_, A>) -> Array2<A> {
    let (n_rows, n_columns) = x.dim();
    let Some(&first) = x.iter().next() else {
        return Array2::from_shape_vec((n_rows, n_columns).f(), Vec::new()).expect("empty");
    };
    // Filled in parallel: the first touch of fresh memory (its page
    // faults) is most of the cost, and it is shared between the threads.
    let mut data = Vec::with_capacity(n_rows * n_columns);
    data.par_extend(rayon::iter::repeat_n(first, n_rows * n_columns));
    // About 32 KiB of output per block.
    let block = (4096 / n_rows).max(8);
    data.par_chunks_mut(block * n_rows)
        .enumerate()
        .for_each(|(b, out)| {
            let first = b * block;
            let columns = x.slice_axis(Axis(1), Slice::from(first..first + out.len() / n_rows));
            for (r, row) in columns.rows().into_iter().enumerate() {
                for (c, &v) in row.iter().enumerate() {
                    out[c * n_rows + r] = v;
                }
            }
        });
    Array2::from_shape_vec((n_rows, n_columns).f(), data).expect("sized for the shape")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_every_value_in_place() {
        for (rows, columns) in [(1, 1), (3, 5000), (100, 37), (4097, 3), (0, 4), (4, 0)] {
            let x = Array2::from_shape_fn((rows, columns), |(r, c)| (r * 1000 + c) as f32);
            let got = column_major(x.view());
            assert_eq!(got, x);
            assert!(got.t().is_standard_layout());
            // From a strided view too.
            let every_other = x.slice_axis(Axis(1), Slice::new(0, None, 2));
            assert_eq!(column_major(every_other), every_other);
        }
    }
}
