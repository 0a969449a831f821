//! Golden parity with scikit-learn 1.9.1: every case under
//! `tests/fixtures/cases` (made by `tests/fixtures/generate.py`) is fitted
//! and compared: labels and children exactly, distances within 1e-9
//! relative, pooled data exactly.

use std::fs;
use std::path::{Path, PathBuf};

use agglo::{
    datasets::load_digits, grid_to_graph, AggloError, Agglomeration, AgglomerativeClustering,
    ComputeFullTree, Connectivity, Element, FeatureAgglomeration, Linkage, Metric, Pooling,
};
use ndarray::{Array1, Array2, ArrayD, Ix1, Ix2};
use ndarray_npy::{ReadNpyError, ReadNpyExt};
use serde_json::Value;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/cases")
}

fn read<T: ndarray_npy::ReadableElement>(path: &Path) -> Result<ArrayD<T>, ReadNpyError> {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ArrayD::<T>::read_npy(&bytes[..])
}

/// The input data in its stored dtype.
enum Data {
    F64(Array2<f64>),
    F32(Array2<f32>),
    I64(Array2<i64>),
    U8(Array2<u8>),
}

fn two_d<T>(a: ArrayD<T>) -> Array2<T> {
    a.into_dimensionality::<Ix2>().unwrap()
}

fn load_x(dir: &Path, case: &Value) -> Data {
    if case["data"] == "digits" {
        return Data::F64(load_digits().data);
    }
    let path = dir.join("X.npy");
    if let Ok(a) = read::<f64>(&path) {
        return Data::F64(two_d(a));
    }
    if let Ok(a) = read::<f32>(&path) {
        return Data::F32(two_d(a));
    }
    if let Ok(a) = read::<i64>(&path) {
        return Data::I64(two_d(a));
    }
    Data::U8(two_d(read::<u8>(&path).expect("X.npy of a known dtype")))
}

fn connectivity(dir: &Path, spec: &Value) -> Option<Connectivity> {
    match spec["kind"].as_str().unwrap() {
        "none" => None,
        "grid" => {
            let shape: Vec<usize> = spec["shape"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize)
                .collect();
            let mask = spec["mask"]
                .as_str()
                .map(|name| read::<bool>(&dir.join(name)).unwrap());
            Some(grid_to_graph(&shape, mask.as_ref().map(|m| m.view())).unwrap())
        }
        "edges" => {
            let edges = read::<i64>(&dir.join(spec["file"].as_str().unwrap()))
                .unwrap()
                .into_dimensionality::<Ix2>()
                .unwrap();
            let pairs: Vec<(usize, usize)> = edges
                .rows()
                .into_iter()
                .map(|r| (r[0] as usize, r[1] as usize))
                .collect();
            Some(
                Connectivity::from_edges(spec["n_nodes"].as_u64().unwrap() as usize, &pairs)
                    .unwrap(),
            )
        }
        other => panic!("unknown connectivity kind {other}"),
    }
}

enum Fitted {
    Samples(Agglomeration),
    Features(agglo::FittedFeatureAgglomeration),
}

fn fit_case<A: Element>(
    x: ndarray::ArrayView2<'_, A>,
    case: &Value,
    conn: Option<Connectivity>,
) -> agglo::Result<Fitted> {
    let p = &case["params"];
    macro_rules! configure {
        ($est:expr) => {{
            let mut est = $est;
            if let Some(k) = p["n_clusters"].as_u64() {
                est = est.n_clusters(k as usize);
            }
            if let Some(t) = p["distance_threshold"].as_f64() {
                est = est.distance_threshold(t);
            }
            est = est
                .linkage(p["linkage"].as_str().unwrap().parse::<Linkage>().unwrap())
                .metric(p["metric"].as_str().unwrap().parse::<Metric>().unwrap())
                .compute_distances(p["compute_distances"].as_bool().unwrap())
                .compute_full_tree(match &p["compute_full_tree"] {
                    Value::Bool(true) => ComputeFullTree::True,
                    Value::Bool(false) => ComputeFullTree::False,
                    _ => ComputeFullTree::Auto,
                });
            if let Some(c) = conn {
                est = est.connectivity(c);
            }
            est
        }};
    }
    match case["estimator"].as_str().unwrap() {
        "FeatureAgglomeration" => {
            let pooling: Pooling = p["pooling"].as_str().unwrap_or("mean").parse().unwrap();
            let est = configure!(FeatureAgglomeration::new()).pooling(pooling);
            est.fit(x).map(Fitted::Features)
        }
        _ => configure!(AgglomerativeClustering::new())
            .fit(x)
            .map(Fitted::Samples),
    }
}

fn check_case(name: &str) -> Result<(), String> {
    let dir = cases_dir().join(name);
    let case: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
    let conn = connectivity(&dir, &case["connectivity"]);
    let data = load_x(&dir, &case);
    let fitted = match &data {
        Data::F64(x) => fit_case(x.view(), &case, conn),
        Data::F32(x) => fit_case(x.view(), &case, conn),
        Data::I64(x) => fit_case(x.view(), &case, conn),
        Data::U8(x) => fit_case(x.view(), &case, conn),
    };
    let fitted = match fitted {
        Ok(f) => f,
        Err(AggloError::NotSupported(what)) => return Err(format!("not supported: {what}")),
        Err(e) => panic!("{name}: fit failed: {e}"),
    };
    let model = match &fitted {
        Fitted::Samples(m) => m,
        Fitted::Features(f) => f.model(),
    };
    let expected = &case["expected"];
    let labels = read::<i64>(&dir.join("labels.npy"))
        .unwrap()
        .into_dimensionality::<Ix1>()
        .unwrap();
    let want: Vec<usize> = labels.iter().map(|&l| l as usize).collect();
    assert_eq!(model.labels(), &want[..], "{name}: labels");
    let children = read::<i64>(&dir.join("children.npy"))
        .unwrap()
        .into_dimensionality::<Ix2>()
        .unwrap();
    let want: Vec<[usize; 2]> = children
        .rows()
        .into_iter()
        .map(|r| [r[0] as usize, r[1] as usize])
        .collect();
    assert_eq!(model.children(), &want[..], "{name}: children");
    assert_eq!(
        model.n_clusters() as u64,
        expected["n_clusters_"].as_u64().unwrap(),
        "{name}: n_clusters_"
    );
    assert_eq!(
        model.n_leaves() as u64,
        expected["n_leaves_"].as_u64().unwrap(),
        "{name}: n_leaves_"
    );
    assert_eq!(
        model.n_connected_components() as u64,
        expected["n_connected_components_"].as_u64().unwrap(),
        "{name}: n_connected_components_"
    );
    let warning = model.warnings().first().map(|w| w.to_string());
    assert_eq!(
        warning.as_deref(),
        expected["warning"].as_str(),
        "{name}: warning"
    );
    if expected["has_distances"].as_bool().unwrap() {
        let want: Array1<f64> = read::<f64>(&dir.join("distances.npy"))
            .unwrap()
            .into_dimensionality()
            .unwrap();
        let got = model
            .distances()
            .unwrap_or_else(|| panic!("{name}: distances missing"));
        assert_eq!(got.len(), want.len(), "{name}: number of distances");
        for (i, (&g, &w)) in got.iter().zip(want.iter()).enumerate() {
            assert!(
                (g - w).abs() <= 1e-9 * w.abs().max(f64::MIN_POSITIVE),
                "{name}: distance {i}: {g} vs {w}"
            );
        }
    } else {
        assert!(
            model.distances().is_none(),
            "{name}: distances should be absent"
        );
    }
    if let Fitted::Features(f) = &fitted {
        if dir.join("transform.npy").exists() {
            let want: Array2<f64> = read::<f64>(&dir.join("transform.npy"))
                .unwrap()
                .into_dimensionality()
                .unwrap();
            let got = match &data {
                Data::F64(x) => f.transform(x.view()),
                Data::F32(x) => f.transform(x.view()),
                Data::I64(x) => f.transform(x.view()),
                Data::U8(x) => f.transform(x.view()),
            }
            .unwrap();
            assert_eq!(got, want, "{name}: transform");
            let want: Array2<f64> = read::<f64>(&dir.join("inverse.npy"))
                .unwrap()
                .into_dimensionality()
                .unwrap();
            assert_eq!(
                f.inverse_transform(got.view()).unwrap(),
                want,
                "{name}: inverse_transform"
            );
        }
    }
    Ok(())
}

#[test]
fn every_fixture_matches_scikit_learn() {
    let index: Vec<String> =
        serde_json::from_str(&fs::read_to_string(cases_dir().join("INDEX.json")).unwrap()).unwrap();
    assert!(
        index.len() >= 60,
        "fixture index looks truncated: {} cases",
        index.len()
    );
    for name in &index {
        if let Err(why) = check_case(name) {
            panic!("{name}: {why}");
        }
    }
    eprintln!(
        "{} of {} scikit-learn cases matched exactly",
        index.len(),
        index.len()
    );
}

#[test]
fn seed_example_matches() {
    check_case("seed_digits_ward_32").unwrap();
}
