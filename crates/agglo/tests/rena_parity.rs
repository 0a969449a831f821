//! ReNA against nilearn 0.14.1, on the cases of `tests/fixtures/rena` (made
//! by `tests/fixtures/generate_rena.py`): labels, `transform` and
//! `inverse_transform` identical, for `float64` and `float32` data, several
//! `n_clusters`, `n_iter` and thresholds, ties and identical signals. The
//! stored labels are nilearn's with the stable sort (see `agglo::Rena`).

mod common;

use agglo::{grid_to_graph, FittedRena, Rena};
use common::{case, fixtures, index, read};
use ndarray::{Array2, ArrayD, Axis, Ix2};
use serde_json::Value;

struct Case {
    x64: Option<Array2<f64>>,
    x32: Option<Array2<f32>>,
    mask: ArrayD<bool>,
    spec: Value,
    labels: Vec<usize>,
    transform: Array2<f64>,
    inverse: Array2<f64>,
}

fn load(name: &str) -> Case {
    let dir = fixtures().join("rena").join(name);
    let spec = case(&dir);
    let (x64, x32) = if spec["dtype"] == "float32" {
        let x = read::<f32>(&dir.join("X.npy")).unwrap();
        (None, Some(x.into_dimensionality::<Ix2>().unwrap()))
    } else {
        let x = read::<f64>(&dir.join("X.npy")).unwrap();
        (Some(x.into_dimensionality::<Ix2>().unwrap()), None)
    };
    let labels = read::<i64>(&dir.join("labels.npy")).unwrap();
    let two_d = |file: &str| {
        read::<f64>(&dir.join(file))
            .unwrap()
            .into_dimensionality::<Ix2>()
            .unwrap()
    };
    Case {
        x64,
        x32,
        mask: read::<bool>(&dir.join("mask.npy")).unwrap(),
        labels: labels
            .iter()
            .map(|&l| usize::try_from(l).unwrap())
            .collect(),
        transform: two_d("transform.npy"),
        inverse: two_d("inverse.npy"),
        spec,
    }
}

fn params(spec: &Value) -> Rena {
    let int = |key: &str| usize::try_from(spec[key].as_u64().unwrap()).unwrap();
    Rena::new()
        .n_clusters(int("n_clusters"))
        .n_iter(int("n_iter"))
        .threshold(spec["threshold"].as_f64().unwrap())
        .scaling(spec["scaling"].as_bool().unwrap())
}

fn fit_case(c: &Case) -> (FittedRena, Array2<f64>) {
    let graph = grid_to_graph(c.mask.shape(), Some(c.mask.view())).unwrap();
    let rena = params(&c.spec);
    if let Some(x) = &c.x64 {
        let fitted = rena.fit(x.view(), &graph).unwrap();
        let reduced = fitted.transform(x.view()).unwrap();
        (fitted, reduced)
    } else {
        let x = c.x32.as_ref().unwrap();
        let fitted = rena.fit(x.view(), &graph).unwrap();
        let reduced = fitted.transform(x.view()).unwrap();
        (fitted, reduced)
    }
}

#[test]
fn labels_and_pooled_data_are_nilearns() {
    let names = index(&fixtures().join("rena"));
    assert!(names.len() >= 12, "fixture index looks truncated");
    for name in &names {
        let c = load(name);
        let (fitted, reduced) = fit_case(&c);
        assert_eq!(fitted.labels(), &c.labels[..], "{name}: labels");
        assert_eq!(
            fitted.n_clusters(),
            c.spec["n_clusters_found"].as_u64().unwrap() as usize,
            "{name}"
        );
        assert!(reduced == c.transform, "{name}: transform differs");
        let inverse = fitted.inverse_transform(reduced.view()).unwrap();
        assert!(inverse == c.inverse, "{name}: inverse_transform differs");
    }
    eprintln!("{} ReNA cases matched nilearn", names.len());
}

#[test]
fn column_major_data_gives_the_same_labels() {
    let c = load("ball_k25");
    let x = c.x64.as_ref().unwrap();
    let graph = grid_to_graph(c.mask.shape(), Some(c.mask.view())).unwrap();
    let columns = agglo::column_major(x.view());
    let fitted = params(&c.spec).fit(columns.view(), &graph).unwrap();
    assert_eq!(fitted.labels(), &c.labels[..]);
}

/// An isolated voxel (no neighbour in the mask) stays a cluster of its own
/// and every other voxel keeps the cluster nilearn gives it on the mask
/// without that voxel: agglo does not shift the nodes after it, as nilearn
/// does (see `agglo::Rena`).
#[test]
fn an_isolated_voxel_is_its_own_cluster_and_shifts_nothing() {
    let c = load("ball_k25");
    let x = c.x64.as_ref().unwrap();
    assert!(!c.mask[[0, 0, 0]] && !c.mask[[1, 0, 0]] && !c.mask[[0, 1, 0]] && !c.mask[[0, 0, 1]]);
    let mut mask = c.mask.clone();
    mask[[0, 0, 0]] = true; // first in C order, no neighbour in the mask
    let extra = Array2::from_elem((x.nrows(), 1), 0.25);
    let wider = ndarray::concatenate(Axis(1), &[extra.view(), x.view()]).unwrap();
    let graph = grid_to_graph(mask.shape(), Some(mask.view())).unwrap();
    let k = c.spec["n_clusters"].as_u64().unwrap() as usize;
    let fitted = Rena::new()
        .n_clusters(k + 1)
        .fit(wider.view(), &graph)
        .unwrap();
    assert_eq!(fitted.labels()[0], 0);
    assert_eq!(fitted.sizes()[0], 1);
    let rest: Vec<usize> = fitted.labels()[1..].iter().map(|&l| l - 1).collect();
    assert_eq!(rest, c.labels);
}
