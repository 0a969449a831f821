//! The open tree: built from parts, cut at many k in one walk, exported as
//! scipy's linkage matrix; and the public types can cross threads.

mod common;

use agglo::{
    grid_to_graph, AggloError, AgglomerativeClustering, Connectivity, FeatureAgglomeration,
    Linkage, MergeProgress, Tree,
};
use common::Rng;
use ndarray::Array2;

/// Full trees of every linkage with and without a grid, on tie-heavy data.
fn trees() -> Vec<Tree> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut trees = Vec::new();
    for (side, levels) in [(5, 3), (9, 1000), (12, 4)] {
        let n = side * side;
        let x = Array2::from_shape_fn((n, 3), |_| rng.below(levels) as f64);
        for linkage in [
            Linkage::Ward,
            Linkage::Complete,
            Linkage::Average,
            Linkage::Single,
        ] {
            for graph in [None, Some(grid_to_graph(&[side, side], None).unwrap())] {
                let mut model = AgglomerativeClustering::new()
                    .linkage(linkage)
                    .n_clusters(1)
                    .compute_full_tree(agglo::ComputeFullTree::True);
                if let Some(graph) = graph {
                    model = model.connectivity(graph);
                }
                trees.push(model.fit(x.view()).unwrap().tree().clone());
            }
        }
    }
    trees
}

#[test]
fn cut_many_is_every_cut_in_one_walk() {
    for tree in trees() {
        let n = tree.n_leaves();
        // Every k, shuffled and repeated.
        let ks: Vec<usize> = (1..=n).rev().chain([3, 1, n]).collect();
        let cuts = tree.cut_many(&ks).unwrap();
        for (k, labels) in ks.iter().zip(&cuts) {
            assert_eq!(labels, &tree.cut(*k).unwrap(), "k = {k}");
            assert_eq!(labels.iter().max().unwrap() + 1, *k);
        }
        assert_eq!(tree.cut_many(&[]).unwrap(), Vec::<Vec<usize>>::new());
        assert_eq!(tree.cut_many(&[2, 0]), Err(AggloError::ZeroClusters));
        assert!(matches!(
            tree.cut_many(&[n + 1]),
            Err(AggloError::TooManyClusters { .. })
        ));
    }
}

#[test]
fn parts_round_trip_and_sizes_count_leaves() {
    for tree in trees() {
        let n = tree.n_leaves();
        let rebuilt = Tree::from_parts(
            n,
            tree.children().to_vec(),
            tree.distances().to_vec(),
            tree.n_connected_components(),
        )
        .unwrap();
        assert_eq!(rebuilt, tree);
        let sizes = tree.sizes();
        assert_eq!(sizes.last(), Some(&n));
        // A node's size is the number of leaves whose chain of parents
        // reaches it.
        let parents = tree.parents();
        let mut count = vec![0usize; parents.len()];
        for leaf in 0..n {
            let mut node = leaf;
            while parents[node] != node {
                node = parents[node];
                count[node] += 1;
            }
        }
        assert_eq!(&count[n..], &sizes[..]);
        let z = tree.to_linkage_matrix().unwrap();
        assert_eq!(z.dim(), (n - 1, 4));
        for (k, row) in z.rows().into_iter().enumerate() {
            assert_eq!(row[0], tree.children()[k][0] as f64);
            assert_eq!(row[1], tree.children()[k][1] as f64);
            assert_eq!(row[2].to_bits(), tree.distances()[k].to_bits());
            assert_eq!(row[3], sizes[k] as f64);
        }
        let (n_leaves, children, distances, components) = rebuilt.into_parts();
        assert_eq!((n_leaves, components), (n, tree.n_connected_components()));
        assert_eq!(
            (&children[..], &distances[..]),
            (tree.children(), tree.distances())
        );
    }
}

#[test]
fn public_types_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Tree>();
    send_sync::<Connectivity>();
    send_sync::<AgglomerativeClustering>();
    send_sync::<FeatureAgglomeration>();
    send_sync::<agglo::Agglomeration>();
    send_sync::<agglo::FittedFeatureAgglomeration>();
    send_sync::<MergeProgress>();
    send_sync::<AggloError>();
    send_sync::<agglo::FitWarning>();
    send_sync::<agglo::WeightedGraph>();
}
