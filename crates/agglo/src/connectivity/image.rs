//! Pixel graphs weighted by the image gradient, as scikit-learn's
//! `img_to_graph`.

use ndarray::ArrayViewD;

use super::grid::{mask_ranks, OUTSIDE};
use super::Connectivity;
use crate::error::{AggloError, Result};

/// A sparse matrix as `(row, col, value)` triplets (COO format), in the
/// order scikit-learn's `img_to_graph` stores them.
///
/// A [`Connectivity`] keeps only the structure; this keeps the values too.
/// Turn it into a connectivity with [`WeightedGraph::to_connectivity`].
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedGraph {
    /// The number of nodes (the matrix is `n_nodes × n_nodes`).
    pub n_nodes: usize,
    /// Row index of each entry.
    pub rows: Vec<usize>,
    /// Column index of each entry.
    pub cols: Vec<usize>,
    /// Value of each entry.
    pub values: Vec<f64>,
}

impl WeightedGraph {
    /// The connectivity scikit-learn's estimators derive from this matrix
    /// (see [`Connectivity::from_triplets`]): `C + Cᵀ`, where entries that
    /// sum to zero disappear.
    ///
    /// For an `img_to_graph` matrix this means that **edges between pixels
    /// of equal value, and self-loops of zero-valued pixels, are dropped**,
    /// exactly as they are when the matrix is given to scikit-learn; flat
    /// regions of the image thus fall apart into several components, which
    /// the estimators then join again (with a warning). Use
    /// [`grid_to_graph`](super::grid_to_graph) for the plain pixel grid.
    ///
    /// # Errors
    /// A non-finite value (from a non-finite pixel).
    pub fn to_connectivity(&self) -> Result<Connectivity> {
        Connectivity::from_triplets(
            (self.n_nodes, self.n_nodes),
            &self.rows,
            &self.cols,
            &self.values,
        )
    }
}

/// The graph of the pixel-to-pixel gradient of `image`, as scikit-learn's
/// `img_to_graph(img, mask=mask)` returns it (as a COO matrix).
///
/// Pixels are the nodes, numbered in row-major order (with a mask, only the
/// pixels where it is `true`, by row-major rank). Each pair of pixels that
/// are neighbours along an axis is an edge weighted by `|a − b|`, stored in
/// both directions; the diagonal holds the pixel values. The triplets come
/// in scikit-learn's order: edges along the last axis, then the middle one,
/// then the first (each in row-major order of their first pixel); the same
/// edges reversed; then the diagonal. Explicit zeros are kept, as in
/// scikit-learn's matrix. 1-D and 2-D images are treated as 3-D images with
/// unit axes added (`np.atleast_3d`). (A masked image with a unit axis is
/// handled here; scikit-learn fails on it, as it indexes `img.squeeze()`
/// with the unsqueezed mask.)
///
/// Cost: `O(n_pixels)`.
///
/// ```
/// use agglo::img_to_graph;
/// use ndarray::array;
///
/// // scikit-learn's docstring example.
/// let img = array![[0.0, 0.0], [0.0, 1.0]];
/// let graph = img_to_graph(img.view().into_dyn(), None)?;
/// assert_eq!(graph.n_nodes, 4);
/// assert_eq!(graph.rows, vec![0, 2, 0, 1, 1, 3, 2, 3, 0, 1, 2, 3]);
/// assert_eq!(graph.cols, vec![1, 3, 2, 3, 0, 2, 0, 1, 0, 1, 2, 3]);
/// assert_eq!(graph.values, vec![0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]);
///
/// // As a connectivity only the non-zero gradients remain.
/// let connectivity = graph.to_connectivity()?;
/// assert_eq!(connectivity.neighbors(3), &[1, 2, 3]);
/// assert_eq!(connectivity.neighbors(0), &[] as &[usize]);
/// # Ok::<(), agglo::AggloError>(())
/// ```
///
/// # Errors
/// [`AggloError::ImageDimensions`] for an image of more than 3 dimensions,
/// [`AggloError::InvalidGrid`] for an empty one, [`AggloError::MaskShape`]
/// when the mask's shape differs from the image's.
pub fn img_to_graph(
    image: ArrayViewD<'_, f64>,
    mask: Option<ArrayViewD<'_, bool>>,
) -> Result<WeightedGraph> {
    let shape = image.shape().to_vec();
    // np.atleast_3d: (n,) → (1, n, 1); (a, b) → (a, b, 1).
    let (n_x, n_y, n_z) = match shape[..] {
        [n] => (1, n, 1),
        [a, b] => (a, b, 1),
        [a, b, c] => (a, b, c),
        _ => return Err(AggloError::ImageDimensions { shape }),
    };
    if shape.contains(&0) {
        return Err(AggloError::InvalidGrid {
            shape,
            reason: "every dimension must be at least 1",
        });
    }
    // Row-major pixel values: node id (x·n_y + y)·n_z + z.
    let pixels: Vec<f64> = image.iter().copied().collect();
    // rank[p] = node id of pixel p, or NONE outside the mask.
    const NONE: usize = OUTSIDE;
    let rank = mask_ranks(mask.as_ref(), &shape, pixels.len())?;

    // _make_edges_3d: deep (z), right (y), down (x) edges.
    let (sy, sx) = (n_z, n_y * n_z);
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for (dx, dy, dz, step) in [(0, 0, 1, 1), (0, 1, 0, sy), (1, 0, 0, sx)] {
        for x in 0..n_x - dx {
            for y in 0..n_y - dy {
                for z in 0..n_z - dz {
                    let p = x * sx + y * sy + z;
                    edges.push((p, p + step));
                }
            }
        }
    }
    // Weights before masking, then only edges with both ends inside.
    let (mut from, mut to, mut weights) = (Vec::new(), Vec::new(), Vec::new());
    for (p, q) in edges {
        if rank[p] != NONE && rank[q] != NONE {
            from.push(rank[p]);
            to.push(rank[q]);
            weights.push((pixels[p] - pixels[q]).abs());
        }
    }
    let diagonal: Vec<f64> = pixels
        .iter()
        .zip(&rank)
        .filter(|&(_, &r)| r != NONE)
        .map(|(&v, _)| v)
        .collect();
    let n_nodes = diagonal.len();

    let rows = [&from[..], &to[..]].concat().into_iter().chain(0..n_nodes);
    let cols = [&to[..], &from[..]].concat().into_iter().chain(0..n_nodes);
    Ok(WeightedGraph {
        n_nodes,
        rows: rows.collect(),
        cols: cols.collect(),
        values: [&weights[..], &weights[..], &diagonal[..]].concat(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, ArrayD, IxDyn};

    #[test]
    fn masked_image_is_renumbered() {
        let img = array![[1.0, 5.0, 2.0], [4.0, 4.0, 0.0]];
        let mask = array![[true, false, true], [true, true, true]];
        let g = img_to_graph(img.view().into_dyn(), Some(mask.view().into_dyn())).unwrap();
        // Nodes: (0,0)=0, (0,2)=1, (1,0)=2, (1,1)=3, (1,2)=4.
        assert_eq!(g.n_nodes, 5);
        // right edges (2,3), (3,4); down edges (0,2), (1,4).
        assert_eq!(&g.rows[..4], &[2, 3, 0, 1]);
        assert_eq!(&g.cols[..4], &[3, 4, 2, 4]);
        assert_eq!(&g.values[..4], &[0.0, 4.0, 3.0, 2.0]);
        assert_eq!(&g.values[8..], &[1.0, 2.0, 4.0, 4.0, 0.0]);
        let c = g.to_connectivity().unwrap();
        assert_eq!(c.neighbors(3), &[3, 4]); // the zero-gradient edge to 2 vanished
        assert_eq!(c.neighbors(4), &[1, 3]); // the zero pixel lost its self-loop
    }

    #[test]
    fn three_d_edges_run_along_the_last_axis_first() {
        let img = ArrayD::from_shape_vec(IxDyn(&[1, 2, 2]), vec![0.0, 1.0, 3.0, 7.0]).unwrap();
        let g = img_to_graph(img.view(), None).unwrap();
        assert_eq!(&g.rows[..4], &[0, 2, 0, 1]);
        assert_eq!(&g.cols[..4], &[1, 3, 2, 3]);
        assert_eq!(&g.values[..4], &[1.0, 4.0, 3.0, 6.0]);
    }

    #[test]
    fn bad_shapes_are_errors() {
        let img = ArrayD::<f64>::zeros(IxDyn(&[2, 2, 2, 2]));
        assert!(matches!(
            img_to_graph(img.view(), None),
            Err(AggloError::ImageDimensions { .. })
        ));
        let img = ArrayD::<f64>::zeros(IxDyn(&[2, 0]));
        assert!(img_to_graph(img.view(), None).is_err());
        let img = ArrayD::<f64>::zeros(IxDyn(&[2, 3]));
        let mask = ArrayD::from_elem(IxDyn(&[3, 2]), true);
        assert!(matches!(
            img_to_graph(img.view(), Some(mask.view())),
            Err(AggloError::MaskShape { .. })
        ));
    }
}
