//! Golden parity with scikit-learn 1.9.1 for complete, average and single
//! linkage under a connectivity constraint, and for the connectivity
//! builders (`kneighbors_graph`, `img_to_graph`), on the cases of
//! `tests/fixtures/structured` (made by
//! `tests/fixtures/generate_structured.py`): heavy ties, k-NN and gradient
//! graphs built by agglo itself, `float32`, precomputed distances, early
//! stops and distance thresholds. Labels and children must be identical,
//! distances within 1e-9 relative.

mod common;

use common::{check_all, fixtures, index, Distances};

#[test]
fn own_structured_fixtures_match_scikit_learn() {
    let dir = fixtures().join("structured");
    let names = index(&dir);
    assert!(names.len() >= 30, "fixture index looks truncated");
    check_all(&dir, &names, Distances::Relative(1e-9));
    eprintln!("{} structured cases matched scikit-learn", names.len());
}
