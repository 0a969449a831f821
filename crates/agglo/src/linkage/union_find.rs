//! The union-finds of the tree builders: [`UnionFind`] over the nodes of a
//! dendrogram (scipy's `LinkageUnionFind`, scikit-learn's `UnionFind`), and
//! [`DisjointSets`] over points (Kruskal's minimum spanning tree). Ward's
//! merge loop keeps its own, over 32-bit node ids in its hot loop
//! (`ward/node_id.rs`).

/// Disjoint sets over the `2n − 1` nodes of a dendrogram: leaves `0..n`,
/// and the `k`-th union creates node `n + k` as the root of both sides.
///
/// `find` costs amortised near-constant time thanks to path compression.
#[derive(Debug, Clone)]
pub(crate) struct UnionFind {
    parent: Vec<usize>,
    next_label: usize,
}

impl UnionFind {
    /// `n` singleton leaves.
    pub(crate) fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..(2 * n).saturating_sub(1)).collect(),
            next_label: n,
        }
    }

    /// The root (current cluster id) of node `x`.
    pub(crate) fn find(&mut self, x: usize) -> usize {
        find(&mut self.parent, x)
    }

    /// Makes the roots `x` and `y` children of the next node id and returns
    /// that id.
    pub(crate) fn union(&mut self, x: usize, y: usize) -> usize {
        let label = self.next_label;
        if label < self.parent.len() {
            self.parent[x] = label;
            self.parent[y] = label;
            self.next_label += 1;
        }
        label
    }
}

/// Disjoint sets over `0..n` with union by rank.
pub(crate) struct DisjointSets {
    parent: Vec<usize>,
    rank: Vec<u8>,
}

impl DisjointSets {
    pub(crate) fn new(n: usize) -> Self {
        DisjointSets {
            parent: (0..n).collect(),
            rank: vec![0; n],
        }
    }

    /// Joins the sets of `a` and `b`; `false` when they were already one.
    pub(crate) fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (find(&mut self.parent, a), find(&mut self.parent, b));
        if ra == rb {
            return false;
        }
        match self.rank[ra].cmp(&self.rank[rb]) {
            std::cmp::Ordering::Less => self.parent[ra] = rb,
            std::cmp::Ordering::Greater => self.parent[rb] = ra,
            std::cmp::Ordering::Equal => {
                self.parent[rb] = ra;
                self.rank[ra] = self.rank[ra].saturating_add(1);
            }
        }
        true
    }

    /// The representative of `a`'s set.
    pub(crate) fn find(&mut self, a: usize) -> usize {
        find(&mut self.parent, a)
    }
}

/// The root of `node`, compressing the path behind it.
fn find(parent: &mut [usize], node: usize) -> usize {
    let mut root = node;
    while parent[root] != root {
        root = parent[root];
    }
    let mut p = node;
    while parent[p] != root {
        let next = parent[p];
        parent[p] = root;
        p = next;
    }
    root
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
