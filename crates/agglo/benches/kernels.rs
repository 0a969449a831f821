//! Criterion benchmarks of the kernels behind a Ward feature agglomeration:
//! the initial merge costs of every edge, the merge loop, the cut of the
//! tree into labels, and the pooling (`transform`) and its inverse; and the
//! whole fit of complete and average linkage on the 256×256 grid.
//!
//! ```sh
//! cargo bench -p agglo --bench kernels
//! ```
//!
//! The data is smooth noise on a pixel grid, 100 samples per pixel, like the
//! scenarios of `bench/compare.py`; it is generated here (no files needed).

use std::hint::black_box;

use agglo::{
    grid_to_graph, ward_tree, FeatureAgglomeration, FittedFeatureAgglomeration, Linkage, Pooling,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ndarray::Array2;

const SAMPLES: usize = 100;

/// `SAMPLES` rows of smooth noise over a `side × side` grid (a sum of a few
/// random plane waves per sample, plus a little white noise), row-major.
fn smooth_noise(side: usize) -> Array2<f64> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut uniform = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    };
    let waves: Vec<[f64; 4]> = (0..SAMPLES * 3)
        .map(|_| [uniform() * 0.3, uniform() * 0.3, uniform() * 6.3, uniform()])
        .collect();
    Array2::from_shape_fn((SAMPLES, side * side), |(s, p)| {
        let (y, x) = ((p / side) as f64, (p % side) as f64);
        let smooth: f64 = waves[3 * s..3 * s + 3]
            .iter()
            .map(|w| w[3] * (w[0] * y + w[1] * x + w[2]).sin())
            .sum();
        smooth + 0.01 * uniform()
    })
}

fn ward(c: &mut Criterion) {
    let mut group = c.benchmark_group("ward");
    group.sample_size(10);
    for side in [64, 128, 256] {
        let x = smooth_noise(side);
        let points = x.t().as_standard_layout().into_owned();
        let n = side * side;
        let graph = grid_to_graph(&[side, side], None).unwrap();
        group.throughput(Throughput::Elements(n as u64));
        // No merge: the graph check and the initial cost of every edge.
        group.bench_with_input(BenchmarkId::new("initial_costs", n), &n, |b, &n| {
            b.iter(|| ward_tree(black_box(points.view()), &graph, Some(n)).unwrap());
        });
        // The merge loop down to n/16 clusters, as the 256×256 scenario.
        group.bench_with_input(BenchmarkId::new("merge_to_n_over_16", n), &n, |b, &n| {
            b.iter(|| ward_tree(black_box(points.view()), &graph, Some(n / 16)).unwrap());
        });
    }
    group.finish();
}

/// `FeatureAgglomeration::fit` on the row-major samples, as the Python
/// package calls it: the edge distances, the heap loop, the cut.
fn heap_linkages(c: &mut Criterion) {
    let mut group = c.benchmark_group("heap_linkage");
    group.sample_size(10);
    let side = 256;
    let x = smooth_noise(side);
    let graph = grid_to_graph(&[side, side], None).unwrap();
    for (name, linkage) in [
        ("complete", Linkage::Complete),
        ("average", Linkage::Average),
    ] {
        let estimator = FeatureAgglomeration::new()
            .n_clusters(side * side / 16)
            .linkage(linkage)
            .connectivity(graph.clone());
        group.bench_function(BenchmarkId::new(name, side * side), |b| {
            b.iter(|| estimator.fit(black_box(x.view())).unwrap());
        });
    }
    group.finish();
}

fn cut(c: &mut Criterion) {
    let side = 256;
    let n = side * side;
    let points = Array2::from_shape_fn((n, 2), |(p, t)| ((p * 2_654_435_761 + t) % 1000) as f64);
    let tree = ward_tree(
        points.view(),
        &grid_to_graph(&[side, side], None).unwrap(),
        None,
    )
    .unwrap();
    let mut group = c.benchmark_group("cut");
    for k in [32, 4096] {
        group.bench_with_input(
            BenchmarkId::new("full_tree_65536_leaves", k),
            &k,
            |b, &k| b.iter(|| tree.cut(black_box(k)).unwrap()),
        );
    }
    group.bench_function("forest_labels_65536_leaves", |b| {
        let partial = ward_tree(
            points.view(),
            &grid_to_graph(&[side, side], None).unwrap(),
            Some(4096),
        )
        .unwrap();
        b.iter(|| black_box(&partial).forest_labels());
    });
    group.finish();
}

fn pooling(c: &mut Criterion) {
    let side = 256;
    let x = smooth_noise(side);
    let model = FeatureAgglomeration::new()
        .n_clusters(4096)
        .connectivity(grid_to_graph(&[side, side], None).unwrap())
        .fit(x.view())
        .unwrap();
    let fitted =
        FittedFeatureAgglomeration::from_labels(model.labels().to_vec(), Pooling::Mean).unwrap();
    let reduced = fitted.transform(x.view()).unwrap();
    let mut group = c.benchmark_group("pooling");
    group.sample_size(20);
    // Bytes of X read (transform) or written (inverse_transform).
    group.throughput(Throughput::Bytes((x.len() * 8) as u64));
    group.bench_function("transform_mean_100x65536", |b| {
        b.iter(|| fitted.transform(black_box(x.view())).unwrap());
    });
    let columns = agglo::column_major(x.view());
    group.bench_function("transform_mean_column_major_100x65536", |b| {
        b.iter(|| fitted.transform(black_box(columns.view())).unwrap());
    });
    group.bench_function("inverse_transform_100x65536", |b| {
        b.iter(|| fitted.inverse_transform(black_box(reduced.view())).unwrap());
    });
    group.bench_function("column_major_copy_100x65536", |b| {
        b.iter(|| agglo::column_major(black_box(x.view())));
    });
    group.finish();
}

criterion_group!(benches, ward, heap_linkages, cut, pooling);
criterion_main!(benches);
