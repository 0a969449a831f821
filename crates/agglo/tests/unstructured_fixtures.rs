//! Bit-exact parity with scikit-learn 1.9.1 / scipy 1.17.1 without
//! connectivity, on the tie-heavy cases of `tests/fixtures/unstructured`
//! (made by `tests/fixtures/generate_unstructured.py`): labels, children and
//! `n_clusters_` must be equal, and every distance identical to the bit.

use std::fs;
use std::path::{Path, PathBuf};

use agglo::{
    Agglomeration, AgglomerativeClustering, Element, FeatureAgglomeration, Linkage, Metric,
};
use ndarray::{Array2, ArrayD, ArrayView2, Ix1, Ix2};
use ndarray_npy::{ReadNpyError, ReadNpyExt};
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/unstructured")
}

fn read<T: ndarray_npy::ReadableElement>(path: &Path) -> Result<ArrayD<T>, ReadNpyError> {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ArrayD::<T>::read_npy(&bytes[..])
}

fn matrix<T>(a: ArrayD<T>) -> Array2<T> {
    a.into_dimensionality::<Ix2>().expect("a 2-D array")
}

/// Fits the case's estimator on `x` as stored (its dtype decides nothing
/// here, but goes through the public generic entry point).
fn fit<A: Element>(x: ArrayView2<'_, A>, case: &Value) -> Agglomeration {
    let p = &case["params"];
    macro_rules! configure {
        ($est:expr) => {{
            let mut est = $est
                .linkage(p["linkage"].as_str().unwrap().parse::<Linkage>().unwrap())
                .metric(p["metric"].as_str().unwrap().parse::<Metric>().unwrap())
                .compute_distances(p["compute_distances"].as_bool().unwrap());
            if let Some(k) = p["n_clusters"].as_u64() {
                est = est.n_clusters(k as usize);
            }
            if let Some(t) = p["distance_threshold"].as_f64() {
                est = est.distance_threshold(t);
            }
            est
        }};
    }
    let name = case["name"].as_str().unwrap();
    match case["estimator"].as_str().unwrap() {
        "FeatureAgglomeration" => configure!(FeatureAgglomeration::new())
            .fit(x)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .model()
            .clone(),
        _ => configure!(AgglomerativeClustering::new())
            .fit(x)
            .unwrap_or_else(|e| panic!("{name}: {e}")),
    }
}

fn check(name: &str) {
    let dir = fixtures_dir().join(name);
    let case: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
    let x = dir.join("X.npy");
    let model = if let Ok(a) = read::<f64>(&x) {
        fit(matrix(a).view(), &case)
    } else if let Ok(a) = read::<f32>(&x) {
        fit(matrix(a).view(), &case)
    } else if let Ok(a) = read::<i64>(&x) {
        fit(matrix(a).view(), &case)
    } else {
        fit(matrix(read::<u8>(&x).unwrap()).view(), &case)
    };

    let labels: Vec<usize> = read::<i64>(&dir.join("labels.npy"))
        .unwrap()
        .into_dimensionality::<Ix1>()
        .unwrap()
        .iter()
        .map(|&l| l as usize)
        .collect();
    let children: Vec<[usize; 2]> = matrix(read::<i64>(&dir.join("children.npy")).unwrap())
        .rows()
        .into_iter()
        .map(|r| [r[0] as usize, r[1] as usize])
        .collect();
    assert_eq!(model.children(), &children[..], "{name}: children");
    assert_eq!(model.labels(), &labels[..], "{name}: labels");
    let expected = &case["expected"];
    assert_eq!(
        model.n_clusters() as u64,
        expected["n_clusters_"].as_u64().unwrap(),
        "{name}: n_clusters_"
    );
    assert_eq!(model.n_connected_components(), 1, "{name}");
    if expected["has_distances"].as_bool().unwrap() {
        let want = read::<f64>(&dir.join("distances.npy")).unwrap();
        let got = model.distances().expect("distances");
        let bits = |d: &[f64]| d.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(got),
            bits(want.as_slice().unwrap()),
            "{name}: distances differ in the last bit\n got {got:?}\nwant {want}"
        );
    } else {
        assert!(model.distances().is_none(), "{name}: distances present");
    }
}

#[test]
fn every_unstructured_fixture_is_bit_exact() {
    let index: Vec<String> =
        serde_json::from_str(&fs::read_to_string(fixtures_dir().join("INDEX.json")).unwrap())
            .unwrap();
    assert!(index.len() >= 60, "index looks truncated: {}", index.len());
    for name in &index {
        check(name);
    }
    eprintln!("{} no-connectivity cases matched bit for bit", index.len());
}
