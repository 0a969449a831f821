//! The union-find over dendrogram nodes that scipy's `LinkageUnionFind`
//! and scikit-learn's `UnionFind` implement.

/// Disjoint sets over the `2n − 1` nodes of a dendrogram: leaves `0..n`,
/// and the `k`-th union creates node `n + k` as the root of both sides.
///
/// `find` costs amortised near-constant time thanks to path compression.
#[derive(Debug, Clone)]
pub(super) struct UnionFind {
    parent: Vec<usize>,
    next_label: usize,
}

impl UnionFind {
    /// `n` singleton leaves.
    pub(super) fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..(2 * n).saturating_sub(1)).collect(),
            next_label: n,
        }
    }

    /// The root (current cluster id) of node `x`.
    pub(super) fn find(&mut self, x: usize) -> usize {
        let mut root = x;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        let mut p = x;
        while self.parent[p] != root {
            let next = self.parent[p];
            self.parent[p] = root;
            p = next;
        }
        root
    }

    /// Makes the roots `x` and `y` children of the next node id and returns
    /// that id.
    pub(super) fn union(&mut self, x: usize, y: usize) -> usize {
        let label = self.next_label;
        if label < self.parent.len() {
            self.parent[x] = label;
            self.parent[y] = label;
            self.next_label += 1;
        }
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unions_number_nodes_after_the_leaves() {
        let mut uf = UnionFind::new(4);
        assert_eq!(uf.union(1, 3), 4);
        assert_eq!(uf.find(3), 4);
        let root = uf.find(1);
        assert_eq!(uf.union(root, 0), 5);
        assert_eq!(uf.find(3), 5);
        assert_eq!(uf.find(2), 2);
        assert_eq!(uf.union(5, 2), 6);
        assert_eq!((0..4).map(|i| uf.find(i)).collect::<Vec<_>>(), [6; 4]);
    }
}
