//! Laying data out as a matrix of points: flattening `(n, *grid)` arrays
//! in row-major order and keeping the points inside a mask.

use anyhow::Result;
use ndarray::{ArrayD, Axis as NdAxis};

use crate::bad_input;
use crate::cli::Axis;
use agglo_io::npy::NumericArray;

/// The grid of the points and the mask on it.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The grid shape, when points lie on a grid.
    pub grid: Option<Vec<usize>>,
    /// Inside (`true`) or outside, with the grid's shape.
    pub mask: Option<ArrayD<bool>>,
}

impl Layout {
    /// The number of grid points, or `None` without a grid.
    ///
    /// # Errors
    /// A grid whose size overflows.
    pub fn grid_size(&self) -> Result<Option<usize>> {
        self.grid
            .as_ref()
            .map(|g| {
                g.iter()
                    .try_fold(1usize, |a, &d| a.checked_mul(d))
                    .ok_or_else(|| bad_input(format!("the grid {g:?} is too large")))
            })
            .transpose()
    }

    /// Row-major indices of the grid points inside the mask.
    pub fn inside(&self) -> Option<Vec<usize>> {
        self.mask.as_ref().map(|m| match m.as_slice() {
            Some(flat) => positions(flat.iter().copied()),
            None => positions(m.iter().copied()),
        })
    }

    /// The number of grid points inside the mask.
    fn n_inside(&self) -> Option<usize> {
        self.mask.as_ref().map(|m| match m.as_slice() {
            Some(flat) => flat.iter().filter(|&&b| b).count(),
            None => m.iter().filter(|&&b| b).count(),
        })
    }

    /// Reshapes `array` of shape `(n, d1, d2, …)` to `(n, d1·d2·…)` and, on
    /// a masked grid, keeps the points inside the mask along `axis` — unless
    /// the data already holds only those.
    ///
    /// # Errors
    /// A number of points that fits neither the grid nor the mask.
    pub fn to_matrix(&self, array: NumericArray, axis: Axis) -> Result<NumericArray> {
        let shape = array.shape().to_vec();
        let n_samples = shape[0];
        let n_features: usize = shape[1..].iter().product();
        let matrix = array.into_matrix(n_samples, n_features);
        let Some(grid_size) = self.grid_size()? else {
            return Ok(matrix);
        };
        let (n_points, what) = match axis {
            Axis::Features => (n_features, "features"),
            Axis::Samples => (n_samples, "samples"),
        };
        let n_inside = self.n_inside().unwrap_or(grid_size);
        if n_points == n_inside {
            return Ok(matrix);
        }
        if n_points == grid_size {
            return Ok(match &self.inside() {
                Some(idx) => select(matrix, axis, idx),
                None => matrix,
            });
        }
        Err(bad_input(format!(
            "the input has {n_points} {what}, but the grid {:?} has {grid_size} points{}",
            self.grid.as_deref().unwrap_or_default(),
            if self.mask.is_some() {
                format!(" and the mask {n_inside} inside")
            } else {
                String::new()
            }
        )))
    }
}

/// The positions of the `true` values.
pub(crate) fn positions(values: impl Iterator<Item = bool>) -> Vec<usize> {
    values
        .enumerate()
        .filter_map(|(i, b)| b.then_some(i))
        .collect()
}

/// Keeps the columns (features axis) or rows (samples axis) in `idx`.
fn select(data: NumericArray, axis: Axis, idx: &[usize]) -> NumericArray {
    let ax = match axis {
        Axis::Features => NdAxis(1),
        Axis::Samples => NdAxis(0),
    };
    fn go<A: Clone>(a: ArrayD<A>, ax: NdAxis, idx: &[usize]) -> ArrayD<A> {
        if a.ndim() == 2 && a.t().is_standard_layout() && !a.is_standard_layout() {
            // Column-major: the rows of the transpose are the columns.
            let other = NdAxis(1 - ax.index());
            return a.t().select(other, idx).reversed_axes();
        }
        a.select(ax, idx)
    }
    match data {
        NumericArray::F64(a) => NumericArray::F64(go(a, ax, idx)),
        NumericArray::F32(a) => NumericArray::F32(go(a, ax, idx)),
    }
}
