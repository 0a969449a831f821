//! Golden parity with scikit-learn 1.9.1: every case under
//! `tests/fixtures/cases` (made by `tests/fixtures/generate.py`) is fitted
//! and compared: labels and children exactly, distances within 1e-9
//! relative, pooled data exactly.

mod common;

use common::{check_all, check_case, fixtures, index, Distances};

const PARITY: Distances = Distances::Relative(1e-9);

#[test]
fn every_fixture_matches_scikit_learn() {
    let dir = fixtures().join("cases");
    let names = index(&dir);
    assert!(
        names.len() >= 60,
        "fixture index looks truncated: {} cases",
        names.len()
    );
    check_all(&dir, &names, PARITY);
    eprintln!("{} scikit-learn cases matched", names.len());
}

#[test]
fn seed_example_matches() {
    check_case(&fixtures().join("cases/seed_digits_ward_32"), PARITY);
}
