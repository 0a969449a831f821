//! Results must not depend on the number of threads: the parallel parts
//! (initial merge costs, conversions, pooling) split the work, never the
//! order of any floating-point sum, and Ward's two-thread merge loop (from
//! 2,048 merges, as here) keeps only the merges the sequential loop makes.

use agglo::{grid_to_graph, FeatureAgglomeration, Linkage, Metric};
use ndarray::Array2;

/// Everything a fit produces, floats as bits.
#[derive(Debug, PartialEq)]
struct Outputs {
    labels: Vec<usize>,
    children: Vec<[usize; 2]>,
    distances: Vec<u64>,
    reduced: Vec<u64>,
    restored: Vec<u64>,
}

fn fit_in_pool(
    threads: usize,
    x: &Array2<f64>,
    grid: &[usize],
    (linkage, metric): (Linkage, Metric),
) -> Outputs {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let model = FeatureAgglomeration::new()
            .linkage(linkage)
            .metric(metric)
            .n_clusters(50)
            .compute_distances(true)
            .connectivity(grid_to_graph(grid, None).unwrap())
            .fit(x.view())
            .unwrap();
        let reduced = model.transform(x.view()).unwrap();
        let restored = model.inverse_transform(reduced.view()).unwrap();
        let bits = |a: &Array2<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<u64>>();
        Outputs {
            labels: model.labels().to_vec(),
            children: model.model().children().to_vec(),
            distances: model
                .model()
                .distances()
                .unwrap()
                .iter()
                .map(|d| d.to_bits())
                .collect(),
            reduced: bits(&reduced),
            restored: bits(&restored),
        }
    })
}

#[test]
fn one_and_two_threads_agree_bit_for_bit() {
    let mut state = 1u64;
    let (side, samples) = (90, 12);
    let x = Array2::from_shape_fn((samples, side * side), |(s, p)| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((p / side) as f64 * 0.1 + s as f64).sin() + (state >> 40) as f64 * 1e-7
    });
    // The other linkages compute their edges' distances in parallel too,
    // in blocks of nodes (8,100 pixels make several).
    for params in [
        (Linkage::Ward, Metric::Euclidean),
        (Linkage::Complete, Metric::Euclidean),
        (Linkage::Average, Metric::Manhattan),
        (Linkage::Single, Metric::Cosine),
    ] {
        let one = fit_in_pool(1, &x, &[side, side], params);
        let two = fit_in_pool(2, &x, &[side, side], params);
        assert_eq!(one, two, "{params:?}");
    }
}
