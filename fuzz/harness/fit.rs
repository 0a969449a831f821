//! What the `fit` fuzz target does with one input, shared with the
//! regression tests of `crates/agglo/tests/fuzz_regressions.rs` (which
//! include this file).
//!
//! `FeatureAgglomeration` and `AgglomerativeClustering` on small arbitrary
//! arrays (up to 12 × 12, with NaN, infinities, huge values and ties),
//! arbitrary graphs (out-of-range ids, self-loops, several components) and
//! every parameter: fit, transform and inverse_transform may refuse, but
//! must never panic, and what they return must be consistent.

use agglo::{
    grid_to_graph, img_to_graph, kneighbors_graph, AgglomerativeClustering, ComputeFullTree,
    Connectivity, FeatureAgglomeration, FittedFeatureAgglomeration, Linkage, Metric, Pooling,
};
use arbitrary::{Arbitrary, Unstructured};
use ndarray::{Array2, ArrayD, IxDyn};

/// A value of the data: mostly small integers (ties), sometimes anything.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Value {
    Small(i8),
    Tiny(u8),
    Any(f64),
    Special(u8),
}

impl Value {
    fn get(self) -> f64 {
        match self {
            Value::Small(v) => f64::from(v % 4),
            Value::Tiny(v) => f64::from(v) / 16.0,
            Value::Any(v) => v,
            Value::Special(k) => [
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::MAX,
                -f64::MAX,
                1e300,
                1e154,
                -1e-300,
                f64::MIN_POSITIVE,
                5e-324,
                0.0,
                -0.0,
                f64::from(f32::MAX),
                1e39,
            ][usize::from(k) % 14],
        }
    }
}

/// Where the connectivity comes from.
#[derive(Arbitrary, Debug)]
enum Graph {
    None,
    /// An edge list over `n_points + extra` nodes (`extra` may make the
    /// graph the wrong size).
    Edges {
        extra: i8,
        edges: Vec<(u8, u8)>,
    },
    /// Sparse triplets of the given shape.
    Triplets {
        rows: u8,
        cols: u8,
        entries: Vec<(u8, u8, Value)>,
    },
    /// A grid of `height` rows (the width follows from the points), with
    /// an optional mask.
    Grid {
        height: u8,
        mask: Option<Vec<bool>>,
    },
    /// scikit-learn's `img_to_graph` over the first sample, as an image of
    /// `height` rows.
    Image {
        height: u8,
        mask: Option<Vec<bool>>,
    },
    /// The k-nearest-neighbour graph of the points.
    Knn(u8),
}

#[derive(Arbitrary, Debug)]
enum Stop {
    Clusters(u8),
    Threshold(Value),
}

#[derive(Arbitrary, Debug)]
pub struct Case {
    n_rows: u8,
    n_cols: u8,
    values: Vec<Value>,
    samples: bool,
    float32: bool,
    /// For precomputed distances: symmetrise the square data.
    symmetric: bool,
    graph: Graph,
    stop: Stop,
    linkage: u8,
    metric: u8,
    full_tree: u8,
    pooling: u8,
    compute_distances: bool,
    /// Extra data for transform / inverse_transform: its width differs
    /// from the fitted one when `width_change` is not 0.
    width_change: i8,
    new_rows: u8,
    new_values: Vec<Value>,
}

fn matrix(rows: usize, cols: usize, values: &[Value]) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        if values.is_empty() {
            0.0
        } else {
            values[(i * cols + j) % values.len()].get()
        }
    })
}

fn connectivity(graph: &Graph, points: &Array2<f64>) -> Option<agglo::Result<Connectivity>> {
    let n = points.nrows();
    let grid_shape = |height: u8| {
        let height = usize::from(height % 13).max(1);
        [height, n / height]
    };
    let mask_of = |mask: &Option<Vec<bool>>, shape: [usize; 2]| {
        mask.as_ref().map(|m| {
            ArrayD::from_shape_fn(IxDyn(&shape), |i| {
                m.is_empty() || m[(i[0] * shape[1] + i[1]) % m.len()]
            })
        })
    };
    Some(match graph {
        Graph::None => return None,
        Graph::Edges { extra, edges } => {
            let nodes = (n as isize + isize::from(*extra % 3)).max(0) as usize;
            let edges: Vec<(usize, usize)> = edges
                .iter()
                .map(|&(a, b)| (usize::from(a % 16), usize::from(b % 16)))
                .collect();
            Connectivity::from_edges(nodes, &edges)
        }
        Graph::Triplets {
            rows,
            cols,
            entries,
        } => {
            let r: Vec<usize> = entries.iter().map(|e| usize::from(e.0 % 16)).collect();
            let c: Vec<usize> = entries.iter().map(|e| usize::from(e.1 % 16)).collect();
            let v: Vec<f64> = entries.iter().map(|e| e.2.get()).collect();
            let shape = (usize::from(rows % 16), usize::from(cols % 16));
            Connectivity::from_triplets(shape, &r, &c, &v)
        }
        Graph::Grid { height, mask } => {
            let shape = grid_shape(*height);
            let mask = mask_of(mask, shape);
            grid_to_graph(&shape, mask.as_ref().map(|m| m.view()))
        }
        Graph::Image { height, mask } => {
            let shape = grid_shape(*height);
            if shape[0] * shape[1] == 0 || points.ncols() == 0 || n == 0 {
                return None;
            }
            let first: Vec<f64> = points.column(0).iter().copied().collect();
            if first.is_empty() {
                return None;
            }
            let image = ArrayD::from_shape_fn(IxDyn(&shape), |i| {
                first[(i[0] * shape[1] + i[1]) % first.len()]
            });
            let mask = mask_of(mask, shape);
            img_to_graph(image.view(), mask.as_ref().map(|m| m.view()))
                .and_then(|g| g.to_connectivity())
        }
        Graph::Knn(k) => kneighbors_graph(points.view(), usize::from(k % 14)),
    })
}

fn check_labels(labels: &[usize], n_clusters: usize, n_points: usize) {
    assert_eq!(labels.len(), n_points);
    let mut used = vec![false; n_clusters];
    for &l in labels {
        assert!(l < n_clusters, "label {l} of {n_clusters} clusters");
        used[l] = true;
    }
    assert!(used.iter().all(|&u| u), "an unused label: {labels:?}");
}

fn check_tree(children: &[[usize; 2]], n_leaves: usize) {
    let mut merged = vec![false; n_leaves + children.len()];
    for (k, pair) in children.iter().enumerate() {
        for &c in pair {
            assert!(c < n_leaves + k, "merge {k} names node {c}");
            assert!(!merged[c], "node {c} merged twice");
            merged[c] = true;
        }
    }
}

/// Decodes `bytes` as a [`Case`] (as the fuzz target does) and runs it;
/// bytes that do not decode are skipped.
pub fn run_bytes(bytes: &[u8]) {
    if let Ok(case) = Case::arbitrary_take_rest(Unstructured::new(bytes)) {
        run(&case);
    }
}

/// Fits, transforms and maps back one case, checking what comes out.
pub fn run(case: &Case) {
    let (rows, cols) = (usize::from(case.n_rows % 13), usize::from(case.n_cols % 13));
    let mut x = matrix(rows, cols, &case.values);
    if case.symmetric && rows == cols {
        x = &x + &x.t();
    }
    let linkage = [
        Linkage::Ward,
        Linkage::Complete,
        Linkage::Average,
        Linkage::Single,
    ][usize::from(case.linkage % 4)];
    let metric = [
        Metric::Euclidean,
        Metric::L2,
        Metric::Manhattan,
        Metric::L1,
        Metric::Cityblock,
        Metric::Cosine,
        Metric::Precomputed,
    ][usize::from(case.metric % 7)];
    let full_tree = [
        ComputeFullTree::Auto,
        ComputeFullTree::True,
        ComputeFullTree::False,
    ][usize::from(case.full_tree % 3)];
    let pooling = [Pooling::Mean, Pooling::Median, Pooling::Max][usize::from(case.pooling % 3)];
    // The points are the rows for samples, the columns for features.
    let points = if case.samples {
        x.clone()
    } else {
        x.t().to_owned()
    };
    let graph = match connectivity(&case.graph, &points) {
        None => None,
        Some(Ok(graph)) => Some(graph),
        Some(Err(_)) => return,
    };

    macro_rules! configure {
        ($model:expr) => {{
            let mut model = $model
                .linkage(linkage)
                .metric(metric)
                .compute_full_tree(full_tree)
                .compute_distances(case.compute_distances);
            model = match case.stop {
                Stop::Clusters(k) => model.n_clusters(usize::from(k % 16)),
                Stop::Threshold(t) => model.distance_threshold(t.get()),
            };
            if let Some(graph) = &graph {
                model = model.connectivity(graph.clone());
            }
            model
        }};
    }

    let n_new_cols = (cols as isize + isize::from(case.width_change % 2)).max(0) as usize;
    let new = matrix(usize::from(case.new_rows % 5), n_new_cols, &case.new_values);

    if case.samples {
        let model = configure!(AgglomerativeClustering::new());
        let fitted = if case.float32 {
            model.fit(x.mapv(|v| v as f32).view())
        } else {
            model.fit(x.view())
        };
        if let Ok(fitted) = fitted {
            check_labels(fitted.labels(), fitted.n_clusters(), rows);
            check_tree(fitted.children(), rows);
        }
        return;
    }

    let model = configure!(FeatureAgglomeration::new()).pooling(pooling);
    let fitted = if case.float32 {
        model.fit(x.mapv(|v| v as f32).view())
    } else {
        model.fit(x.view())
    };
    let Ok(fitted) = fitted else {
        return;
    };
    check_labels(fitted.labels(), fitted.n_clusters(), cols);
    check_tree(fitted.model().children(), cols);
    let k = fitted.n_clusters();
    for data in [&x, &new] {
        let Ok(reduced) = fitted.transform(data.view()) else {
            assert!(
                data.nrows() == 0 || data.ncols() != cols || data.iter().any(|v| !v.is_finite())
            );
            continue;
        };
        assert_eq!(reduced.dim(), (data.nrows(), k));
        let restored = fitted
            .inverse_transform(reduced.view())
            .expect("the reduced data has n_clusters columns");
        assert_eq!(restored.dim(), (data.nrows(), cols));
        for (row, back) in reduced.rows().into_iter().zip(restored.rows()) {
            for (f, &label) in fitted.labels().iter().enumerate() {
                assert!(back[f].to_bits() == row[label].to_bits());
            }
        }
    }
    // Reduced data of any width, and a model rebuilt from the labels.
    let _ = fitted.inverse_transform(new.view());
    let rebuilt = FittedFeatureAgglomeration::from_labels(fitted.labels().to_vec(), pooling)
        .expect("fitted labels make a model");
    assert_eq!(rebuilt.n_clusters(), k);
}
