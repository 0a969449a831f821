//! Connected components of a connectivity graph.

use super::Connectivity;

/// The number of connected components and each node's component label.
///
/// Components are numbered in order of their smallest node, as
/// `scipy.sparse.csgraph.connected_components` numbers them.
///
/// ```
/// use agglo::{connectivity::connected_components, Connectivity};
///
/// let graph = Connectivity::from_edges(5, &[(0, 3), (1, 4)])?;
/// assert_eq!(connected_components(&graph), (3, vec![0, 1, 2, 0, 1]));
/// # Ok::<(), agglo::AggloError>(())
/// ```
pub fn connected_components(graph: &Connectivity) -> (usize, Vec<usize>) {
    const UNSEEN: usize = usize::MAX;
    let n = graph.n_nodes();
    let mut labels = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let mut count = 0;
    for start in 0..n {
        if labels[start] != UNSEEN {
            continue;
        }
        labels[start] = count;
        stack.push(start);
        while let Some(node) = stack.pop() {
            for &next in graph.neighbors(node) {
                if labels[next] == UNSEEN {
                    labels[next] = count;
                    stack.push(next);
                }
            }
        }
        count += 1;
    }
    (count, labels)
}
