//! The layout and ownership of the data change nothing: `fit` on row-major
//! or column-major data, `fit_owned` on either, float64 or float32, give
//! the same model bit for bit, and so does pooling column-major data. (The
//! paths differ inside: row-major float64 is copied into points, column-major
//! float64 is read in place, handed-over column-major float64 becomes the
//! working storage of Ward's merges.)

mod common;

use agglo::{column_major, grid_to_graph, FeatureAgglomeration, Linkage};
use common::Rng;
use ndarray::Array2;

/// Smooth-ish data on a `h × w` grid with many ties (values on a coarse
/// lattice), so that a change of order in any sum or tie would show.
fn data(n_samples: usize, h: usize, w: usize, seed: u64) -> Array2<f64> {
    let mut rng = Rng(seed);
    let mut x = Array2::zeros((n_samples, h * w));
    for mut row in x.rows_mut() {
        let base = rng.uniform();
        for (f, v) in row.iter_mut().enumerate() {
            let (i, j) = (f / w, f % w);
            *v = ((base + (i as f64 * 0.3).sin() + (j as f64 * 0.2).cos()) * 8.0).round() / 8.0
                + rng.below(3) as f64 * 0.125;
        }
    }
    x
}

#[test]
fn every_layout_gives_the_same_model() {
    let (h, w) = (13, 17);
    for (linkage, seed) in [
        (Linkage::Ward, 1),
        (Linkage::Ward, 2),
        (Linkage::Complete, 3),
        (Linkage::Average, 4),
        (Linkage::Single, 5),
    ] {
        let x = data(23, h, w, seed);
        let estimator = FeatureAgglomeration::new()
            .linkage(linkage)
            .n_clusters(9)
            .compute_full_tree(agglo::ComputeFullTree::True)
            .compute_distances(true)
            .connectivity(grid_to_graph(&[h, w], None).unwrap());
        let reference = estimator.fit(x.view()).unwrap();
        let columns = column_major(x.view());
        assert!(columns.t().is_standard_layout());
        let in_place = estimator.fit(columns.view()).unwrap();
        assert_eq!(in_place, reference, "{linkage}: column-major, borrowed");
        let owned = estimator.fit_owned(columns).unwrap();
        assert_eq!(owned, reference, "{linkage}: column-major, handed over");
        let owned_rows = estimator.fit_owned(x.clone()).unwrap();
        assert_eq!(owned_rows, reference, "{linkage}: row-major, handed over");
        // Lent: column-major data is used up in place (Ward overwrites it),
        // row-major data is copied and left as it was.
        let mut lent = column_major(x.view());
        let in_place = estimator.fit_in_place(lent.view_mut()).unwrap();
        assert_eq!(in_place, reference, "{linkage}: column-major, lent");
        if linkage == Linkage::Ward {
            assert_ne!(lent, x, "Ward's working storage is the lent buffer");
        }
        let mut rows = x.clone();
        let copied = estimator.fit_in_place(rows.view_mut()).unwrap();
        assert_eq!(copied, reference, "{linkage}: row-major, lent");
        assert_eq!(rows, x, "data in another layout is left as it was");
        let distances = |m: &agglo::FittedFeatureAgglomeration| {
            let d = m.model().distances().unwrap();
            d.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        };
        assert_eq!(distances(&owned), distances(&reference));

        let single = x.mapv(|v| v as f32);
        let reference = estimator.fit(single.view()).unwrap();
        let owned = estimator.fit_owned(column_major(single.view())).unwrap();
        assert_eq!(owned, reference, "{linkage}: float32");

        // Pooling reads column-major data along its columns: same bits.
        let pooled = reference.transform(x.view()).unwrap();
        let from_columns = reference.transform(column_major(x.view()).view()).unwrap();
        let bits = |a: &Array2<f64>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&from_columns), bits(&pooled));
    }
}

#[test]
fn handed_over_data_is_checked_as_borrowed_data() {
    let mut x = data(4, 3, 5, 9);
    x[[2, 7]] = f64::NAN;
    let estimator = FeatureAgglomeration::new()
        .n_clusters(3)
        .connectivity(grid_to_graph(&[3, 5], None).unwrap());
    let borrowed = estimator.fit(x.view()).unwrap_err().to_string();
    let owned = estimator.fit_owned(column_major(x.view())).unwrap_err();
    assert_eq!(owned.to_string(), borrowed);
    assert!(
        borrowed.contains("row 2") && borrowed.contains("column 7"),
        "{borrowed}"
    );
}

#[test]
fn samples_handed_over_give_the_same_model() {
    let (h, w) = (11, 12);
    for linkage in [
        Linkage::Ward,
        Linkage::Complete,
        Linkage::Average,
        Linkage::Single,
    ] {
        // The samples are the points here: 132 of them, on a grid.
        let x = data(17, h, w, 7)
            .reversed_axes()
            .as_standard_layout()
            .into_owned();
        let estimator = agglo::AgglomerativeClustering::new()
            .linkage(linkage)
            .n_clusters(6)
            .compute_distances(true)
            .connectivity(grid_to_graph(&[h, w], None).unwrap());
        let reference = estimator.fit(x.view()).unwrap();
        assert_eq!(
            estimator.fit_owned(x.clone()).unwrap(),
            reference,
            "{linkage}"
        );
        let fortran = column_major(x.view());
        assert_eq!(
            estimator.fit_owned(fortran).unwrap(),
            reference,
            "{linkage}: Fortran"
        );
        let mut lent = x.clone();
        assert_eq!(
            estimator.fit_in_place(lent.view_mut()).unwrap(),
            reference,
            "{linkage}: lent"
        );
        let single = x.mapv(|v| v as f32);
        assert_eq!(
            estimator.fit_owned(single.clone()).unwrap(),
            estimator.fit(single.view()).unwrap(),
            "{linkage}: float32"
        );
    }
}
