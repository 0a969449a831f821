//! Grid graphs: pixels and voxels joined to their axis neighbours.

use ndarray::ArrayViewD;

use super::Connectivity;
use crate::error::{AggloError, Result};

/// The graph of a grid of pixels or voxels, as scikit-learn's
/// `grid_to_graph(n_x, n_y, n_z, mask=mask)` builds it.
///
/// Node ids follow row-major order of the grid index (`(x·n_y + y)·n_z + z`
/// in 3-D); every node is joined to its neighbours along each axis (4
/// neighbours in 2-D, 6 in 3-D, no diagonals) and carries a self-loop. With a
/// mask, only points where it is `true` are nodes, numbered by their
/// row-major rank, and an edge is kept only when both ends are inside.
/// Any number of dimensions works; scikit-learn offers 2 and 3.
///
/// ```
/// use agglo::grid_to_graph;
///
/// let graph = grid_to_graph(&[8, 8], None)?;
/// assert_eq!(graph.n_nodes(), 64);
/// assert_eq!(graph.n_entries(), 288); // 2 × 112 edges + 64 self-loops
/// assert_eq!(graph.neighbors(9), &[1, 8, 9, 10, 17]);
/// # Ok::<(), agglo::AggloError>(())
/// ```
///
/// With a mask:
///
/// ```
/// use agglo::grid_to_graph;
/// use ndarray::array;
///
/// let mask = array![[true, true, false], [false, true, true]];
/// let graph = grid_to_graph(&[2, 3], Some(mask.view().into_dyn()))?;
/// assert_eq!(graph.n_nodes(), 4);
/// assert_eq!(graph.neighbors(1), &[0, 1, 2]); // (0,1) touches (0,0) and (1,1)
/// # Ok::<(), agglo::AggloError>(())
/// ```
///
/// # Errors
/// An empty shape, a zero-sized axis, a size that overflows, or a mask whose
/// shape differs from `shape`.
pub fn grid_to_graph(shape: &[usize], mask: Option<ArrayViewD<'_, bool>>) -> Result<Connectivity> {
    let invalid = |reason| AggloError::InvalidGrid {
        shape: shape.to_vec(),
        reason,
    };
    if shape.is_empty() {
        return Err(invalid("a grid needs at least one dimension"));
    }
    if shape.contains(&0) {
        return Err(invalid("every dimension must be at least 1"));
    }
    let size = shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| invalid("the number of grid points overflows"))?;
    // Row-major strides of the grid.
    let mut strides = vec![1usize; shape.len()];
    for axis in (0..shape.len() - 1).rev() {
        strides[axis] = strides[axis + 1] * shape[axis + 1];
    }
    // node[p] = id of grid point p, or NONE outside the mask.
    let node = mask_ranks(mask.as_ref(), shape, size)?;
    const NONE: usize = OUTSIDE;
    let n_nodes = node.iter().filter(|&&id| id != NONE).count();
    let mut pairs = Vec::with_capacity(n_nodes * (2 * shape.len() + 1));
    let mut index = vec![0usize; shape.len()];
    for (p, &id) in node.iter().enumerate() {
        if id != NONE {
            // Neighbours in ascending id order: lower ones (largest stride
            // first), itself, then higher ones (smallest stride first).
            for axis in 0..shape.len() {
                if index[axis] > 0 && node[p - strides[axis]] != NONE {
                    pairs.push((id, node[p - strides[axis]]));
                }
            }
            pairs.push((id, id));
            for axis in (0..shape.len()).rev() {
                if index[axis] + 1 < shape[axis] && node[p + strides[axis]] != NONE {
                    pairs.push((id, node[p + strides[axis]]));
                }
            }
        }
        // Advance the multi-index in row-major order.
        for axis in (0..shape.len()).rev() {
            index[axis] += 1;
            if index[axis] < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
    debug_assert!(pairs.windows(2).all(|w| w[0] < w[1]));
    Connectivity::from_sorted_pairs(n_nodes, &pairs)
}

/// The id of an outside point in [`mask_ranks`].
pub(super) const OUTSIDE: usize = usize::MAX;

/// The node id of every grid point in row-major order: its rank among the
/// points inside the mask, or [`OUTSIDE`]; without a mask, its index.
pub(super) fn mask_ranks(
    mask: Option<&ArrayViewD<'_, bool>>,
    shape: &[usize],
    size: usize,
) -> Result<Vec<usize>> {
    let Some(mask) = mask else {
        return Ok((0..size).collect());
    };
    if mask.shape() != shape {
        return Err(AggloError::MaskShape {
            mask: mask.shape().to_vec(),
            grid: shape.to_vec(),
        });
    }
    let mut next = 0;
    let mut rank = |&inside: &bool| {
        if inside {
            next += 1;
            next - 1
        } else {
            OUTSIDE
        }
    };
    // Row-major order: along memory when the mask is laid out so (much
    // faster than a multi-dimensional iterator).
    Ok(match mask.as_slice() {
        Some(flat) => flat.iter().map(&mut rank).collect(),
        None => mask.iter().map(rank).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{ArrayD, IxDyn};

    #[test]
    fn three_d_has_six_neighbours() {
        let g = grid_to_graph(&[3, 3, 3], None).unwrap();
        // the centre (1,1,1) = 13
        assert_eq!(g.neighbors(13), &[4, 10, 12, 13, 14, 16, 22]);
        // 3·(3·3·2) edges per axis direction = 54 edges, + 27 loops
        assert_eq!(g.n_entries(), 2 * 54 + 27);
    }

    #[test]
    fn mask_in_two_pieces_is_disconnected() {
        let mut mask = ArrayD::from_elem(IxDyn(&[3, 4]), false);
        mask[[0, 0]] = true;
        mask[[1, 0]] = true;
        mask[[2, 3]] = true;
        let g = grid_to_graph(&[3, 4], Some(mask.view())).unwrap();
        assert_eq!(g.n_nodes(), 3);
        assert_eq!(g.n_connected_components(), 2);
    }

    #[test]
    fn bad_grids_are_refused() {
        assert!(grid_to_graph(&[], None).is_err());
        let err = grid_to_graph(&[4, 0], None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid grid shape [4, 0]: every dimension must be at least 1"
        );
        assert!(grid_to_graph(&[usize::MAX, 3], None).is_err());
        let mask = ArrayD::from_elem(IxDyn(&[2, 2]), true);
        let err = grid_to_graph(&[2, 3], Some(mask.view())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "mask shape [2, 2] does not match grid shape [2, 3]"
        );
    }
}
