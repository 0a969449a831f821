//! Bit-exact parity with scikit-learn 1.9.1 / scipy 1.17.1 without
//! connectivity, on the tie-heavy cases of `tests/fixtures/unstructured`
//! (made by `tests/fixtures/generate_unstructured.py`): labels, children and
//! `n_clusters_` must be equal, and every distance identical to the bit.

mod common;

use common::{check_all, fixtures, index, Distances};

#[test]
fn every_unstructured_fixture_is_bit_exact() {
    let dir = fixtures().join("unstructured");
    let names = index(&dir);
    assert!(names.len() >= 60, "index looks truncated: {}", names.len());
    check_all(&dir, &names, Distances::Bitwise);
    eprintln!("{} no-connectivity cases matched bit for bit", names.len());
}
