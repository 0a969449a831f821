//! Every metric scikit-learn 1.9.1 takes without connectivity (scipy
//! 1.17.1's `pdist` for complete and average linkage, scikit-learn's own
//! `DistanceMetric` for single), on the cases of `tests/fixtures/metrics`
//! (made by `tests/fixtures/generate_metrics.py`): labels, children and
//! `n_clusters_` equal, distances identical to the bit, except mahalanobis,
//! whose inverse covariance comes from LAPACK in scipy (within 1e-12).

mod common;

use common::{check_all, fixtures, index, Distances};

#[test]
fn every_metric_fixture_matches_scikit_learn() {
    let dir = fixtures().join("metrics");
    let names = index(&dir);
    assert!(names.len() >= 140, "index looks truncated: {}", names.len());
    let (inverse, exact): (Vec<String>, Vec<String>) = names
        .into_iter()
        .partition(|n| n.starts_with("mahalanobis"));
    check_all(&dir, &exact, Distances::Bitwise);
    check_all(&dir, &inverse, Distances::Relative(1e-12));
    eprintln!(
        "{} metric cases bit for bit, {} mahalanobis cases within 1e-12",
        exact.len(),
        inverse.len()
    );
}
