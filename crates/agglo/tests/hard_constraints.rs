//! `on_disconnected`: `separate` (never merge across the components of the
//! graph) against a naive reference that clusters each component on its
//! own and takes the merges of all of them in the order of their costs, and
//! `raise`; on random tie-free data over masks in several pieces.

use agglo::{
    grid_to_graph, AggloError, AgglomerativeClustering, ComputeFullTree, Connectivity, Linkage,
    OnDisconnected,
};
use ndarray::{Array2, ArrayD};

/// A 13 × 11 grid cut by a wall into four pieces, plus an isolated pixel.
fn pieces() -> (ArrayD<bool>, Connectivity, Vec<Vec<usize>>) {
    let (h, w) = (13, 11);
    let mut mask = ArrayD::from_elem(vec![h, w], true);
    for r in 0..h {
        mask[[r, 5]] = false;
    }
    for c in 0..w {
        mask[[6, c]] = false;
    }
    mask[[12, 10]] = true;
    mask[[11, 10]] = false;
    mask[[12, 9]] = false;
    let graph = grid_to_graph(&[h, w], Some(mask.view())).unwrap();
    let (n_components, labels) = agglo::connectivity::connected_components(&graph);
    let mut components = vec![Vec::new(); n_components];
    for (point, &c) in labels.iter().enumerate() {
        components[c].push(point);
    }
    assert_eq!(components.len(), 5, "four quarters and a lone pixel");
    (mask, graph, components)
}

fn points(n: usize, seed: u64) -> Array2<f64> {
    let mut state = seed;
    Array2::from_shape_fn((n, 3), |_| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    })
}

fn estimator(linkage: Linkage, graph: &Connectivity) -> AgglomerativeClustering {
    AgglomerativeClustering::new()
        .linkage(linkage)
        .connectivity(graph.clone())
        .compute_distances(true)
}

/// The merges of each component fitted alone, taken in the order of their
/// costs (the head of each component's sequence compared with the
/// others'), in the global numbering: `(children, distances)`.
fn reference(
    linkage: Linkage,
    x: &Array2<f64>,
    graph: &Connectivity,
    components: &[Vec<usize>],
) -> (Vec<[usize; 2]>, Vec<f64>) {
    let n = x.nrows();
    let mut sequences = Vec::new();
    for members in components {
        if members.len() < 2 {
            sequences.push((members.clone(), Vec::new(), Vec::new()));
            continue;
        }
        let local: std::collections::HashMap<usize, usize> =
            members.iter().enumerate().map(|(i, &p)| (p, i)).collect();
        let edges: Vec<(usize, usize)> = members
            .iter()
            .flat_map(|&p| graph.neighbors(p).iter().map(move |&q| (p, q)))
            .filter(|(p, q)| p < q)
            .map(|(p, q)| (local[&p], local[&q]))
            .collect();
        let sub = Connectivity::from_edges(members.len(), &edges).unwrap();
        let xs = x.select(ndarray::Axis(0), members);
        let fitted = AgglomerativeClustering::new()
            .linkage(linkage)
            .connectivity(sub)
            .n_clusters(1)
            .compute_full_tree(ComputeFullTree::True)
            .compute_distances(true)
            .fit(xs.view())
            .unwrap();
        sequences.push((
            members.clone(),
            fitted.children().to_vec(),
            fitted.distances().unwrap().to_vec(),
        ));
    }
    let mut heads = vec![0usize; sequences.len()];
    let mut global_of: Vec<Vec<usize>> = sequences.iter().map(|(m, _, _)| m.clone()).collect();
    let (mut children, mut distances) = (Vec::new(), Vec::new());
    loop {
        let next = (0..sequences.len())
            .filter(|&c| heads[c] < sequences[c].1.len())
            .min_by(|&a, &b| sequences[a].2[heads[a]].total_cmp(&sequences[b].2[heads[b]]));
        let Some(c) = next else { break };
        let [a, b] = sequences[c].1[heads[c]];
        let ids = &global_of[c];
        children.push([ids[a], ids[b]]);
        distances.push(sequences[c].2[heads[c]]);
        global_of[c].push(n + children.len() - 1);
        heads[c] += 1;
    }
    (children, distances)
}

/// Labels renumbered by first appearance: the partition alone.
fn partition(labels: &[usize]) -> Vec<usize> {
    let mut seen = std::collections::HashMap::new();
    labels
        .iter()
        .map(|&l| {
            let next = seen.len();
            *seen.entry(l).or_insert(next)
        })
        .collect()
}

/// The clusters of the first `merges` of `children` over `n` points.
fn clusters_of(children: &[[usize; 2]], n: usize, merges: usize) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..n + merges).collect();
    for (k, &[a, b]) in children[..merges].iter().enumerate() {
        parent[a] = n + k;
        parent[b] = n + k;
    }
    let root = |mut p: usize, parent: &[usize]| {
        while parent[p] != p {
            p = parent[p];
        }
        p
    };
    partition(&(0..n).map(|p| root(p, &parent)).collect::<Vec<_>>())
}

#[test]
fn separate_is_each_component_alone_merged_in_cost_order() {
    let (_, graph, components) = pieces();
    let n = graph.n_nodes();
    for (seed, linkage) in [
        Linkage::Ward,
        Linkage::Complete,
        Linkage::Average,
        Linkage::Single,
    ]
    .into_iter()
    .enumerate()
    {
        let x = points(n, seed as u64 + 7);
        let (children, distances) = reference(linkage, &x, &graph, &components);
        assert_eq!(children.len(), n - components.len());
        for k in [5, 6, 9, 30, n] {
            for full in [ComputeFullTree::False, ComputeFullTree::True] {
                let fitted = estimator(linkage, &graph)
                    .n_clusters(k)
                    .compute_full_tree(full)
                    .on_disconnected(OnDisconnected::Separate)
                    .fit(x.view())
                    .unwrap_or_else(|e| panic!("{linkage} k={k}: {e}"));
                let made = fitted.children().len();
                let expected = if full == ComputeFullTree::True || linkage == Linkage::Single {
                    n - components.len()
                } else {
                    n - k
                };
                assert_eq!(made, expected, "{linkage} k={k} {full}");
                assert_eq!(
                    fitted.children(),
                    &children[..made],
                    "{linkage} k={k} {full}"
                );
                for (a, b) in fitted.distances().unwrap().iter().zip(&distances) {
                    assert!(
                        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                        "{linkage}: {a} vs {b}"
                    );
                }
                assert_eq!(fitted.n_clusters(), k);
                assert_eq!(
                    partition(fitted.labels()),
                    clusters_of(&children, n, n - k),
                    "{linkage} k={k} {full}"
                );
                assert_eq!(fitted.n_connected_components(), components.len());
                assert!(fitted.warnings().is_empty(), "nothing was completed");
            }
        }
    }
}

/// Every cluster is connected in the graph, on masks in several pieces.
#[test]
fn separate_clusters_are_connected_pieces_of_the_mask() {
    let (_, graph, _) = pieces();
    let n = graph.n_nodes();
    let x = points(n, 99);
    for linkage in [
        Linkage::Ward,
        Linkage::Complete,
        Linkage::Average,
        Linkage::Single,
    ] {
        for k in [5, 12, 40] {
            let labels = estimator(linkage, &graph)
                .n_clusters(k)
                .on_disconnected(OnDisconnected::Separate)
                .fit(x.view())
                .unwrap()
                .labels()
                .to_vec();
            for c in 0..k {
                let members: Vec<usize> = (0..n).filter(|&p| labels[p] == c).collect();
                let mut seen = vec![members[0]];
                let mut stack = vec![members[0]];
                while let Some(p) = stack.pop() {
                    for &q in graph.neighbors(p) {
                        if labels[q] == c && !seen.contains(&q) {
                            seen.push(q);
                            stack.push(q);
                        }
                    }
                }
                assert_eq!(
                    seen.len(),
                    members.len(),
                    "{linkage} k={k}: cluster {c} in pieces"
                );
            }
        }
    }
}

#[test]
fn a_threshold_counts_the_components_as_clusters() {
    let (_, graph, components) = pieces();
    let n = graph.n_nodes();
    let x = points(n, 3);
    let (_, distances) = reference(Linkage::Average, &x, &graph, &components);
    let threshold = 0.35;
    let fitted = estimator(Linkage::Average, &graph)
        .distance_threshold(threshold)
        .on_disconnected(OnDisconnected::Separate)
        .fit(x.view())
        .unwrap();
    let expected = components.len() + distances.iter().filter(|&&d| d >= threshold).count();
    assert_eq!(fitted.n_clusters(), expected);
    assert_eq!(fitted.labels().iter().max().unwrap() + 1, expected);
}

#[test]
fn raise_and_too_few_clusters_are_refused_with_the_components() {
    let (_, graph, components) = pieces();
    let x = points(graph.n_nodes(), 5);
    let err = estimator(Linkage::Ward, &graph)
        .n_clusters(3)
        .on_disconnected(OnDisconnected::Raise)
        .fit(x.view())
        .unwrap_err();
    let sizes: Vec<String> = components.iter().map(|c| c.len().to_string()).collect();
    assert_eq!(
        err,
        AggloError::Disconnected {
            n_components: 5,
            sizes: sizes.join(", ")
        }
    );
    assert!(err.to_string().contains("5 connected components"), "{err}");
    let err = estimator(Linkage::Ward, &graph)
        .n_clusters(4)
        .on_disconnected(OnDisconnected::Separate)
        .fit(x.view())
        .unwrap_err();
    assert_eq!(
        err,
        AggloError::FewerClustersThanComponents {
            n_clusters: 4,
            n_components: 5
        }
    );
    // A connected graph is not refused, and gives scikit-learn's answer.
    let connected = grid_to_graph(&[13, 11], None).unwrap();
    let y = points(143, 8);
    let raise = estimator(Linkage::Ward, &connected)
        .n_clusters(7)
        .on_disconnected(OnDisconnected::Raise)
        .fit(y.view())
        .unwrap();
    let complete = estimator(Linkage::Ward, &connected)
        .n_clusters(7)
        .fit(y.view())
        .unwrap();
    assert_eq!(raise, complete);
}
