//! Golden parity with scikit-learn 1.9.1 for complete, average and single
//! linkage under a connectivity constraint, and for the connectivity
//! builders (`kneighbors_graph`, `img_to_graph`).
//!
//! Two sets of cases are fitted: the structured cases of the shared
//! fixtures (`tests/fixtures/cases`, linkage other than Ward with a
//! connectivity), and this module's own (`tests/fixtures/structured`, made
//! by `tests/fixtures/generate_structured.py`), which add heavy ties,
//! k-NN and gradient graphs built by agglo itself, `float32`, precomputed
//! distances, early stops and distance thresholds. Labels and children must
//! be identical, distances within 1e-9 relative.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use agglo::{
    connectivity::kneighbors, datasets::load_digits, grid_to_graph, img_to_graph, kneighbors_graph,
    Agglomeration, AgglomerativeClustering, ComputeFullTree, Connectivity, Element,
    FeatureAgglomeration, Linkage, Metric,
};
use ndarray::{Array2, ArrayD, Ix1, Ix2};
use ndarray_npy::{ReadNpyError, ReadNpyExt};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn read<T: ndarray_npy::ReadableElement>(path: &Path) -> Result<ArrayD<T>, ReadNpyError> {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ArrayD::<T>::read_npy(&bytes[..])
}

fn read_i64_2d(path: &Path) -> Array2<i64> {
    read::<i64>(path).unwrap().into_dimensionality().unwrap()
}

/// The input data in its stored dtype.
enum Data {
    F64(Array2<f64>),
    F32(Array2<f32>),
    I64(Array2<i64>),
    U8(Array2<u8>),
}

impl Data {
    fn load(path: &Path) -> Data {
        fn two_d<T>(a: ArrayD<T>) -> Array2<T> {
            a.into_dimensionality::<Ix2>().unwrap()
        }
        if let Ok(a) = read::<f64>(path) {
            return Data::F64(two_d(a));
        }
        if let Ok(a) = read::<f32>(path) {
            return Data::F32(two_d(a));
        }
        if let Ok(a) = read::<i64>(path) {
            return Data::I64(two_d(a));
        }
        Data::U8(two_d(read::<u8>(path).expect("X.npy of a known dtype")))
    }

    /// The points agglo clusters, as `f64` (rows of X, or columns for
    /// feature agglomeration).
    fn points(&self, features: bool) -> Array2<f64> {
        fn conv<A: Element>(x: &Array2<A>, t: bool) -> Array2<f64> {
            let v = if t { x.t() } else { x.view() };
            v.mapv(|a| a.to_f64())
        }
        match self {
            Data::F64(x) => conv(x, features),
            Data::F32(x) => conv(x, features),
            Data::I64(x) => conv(x, features),
            Data::U8(x) => conv(x, features),
        }
    }
}

fn edge_set(edges: &Array2<i64>) -> BTreeSet<(usize, usize)> {
    edges
        .rows()
        .into_iter()
        .map(|r| (r[0] as usize, r[1] as usize))
        .collect()
}

/// Builds the connectivity of a case, checking agglo's own builders
/// against the graphs scikit-learn built.
fn connectivity(dir: &Path, spec: &Value, data: &Data, features: bool) -> Connectivity {
    let file = |key: &str| dir.join(spec[key].as_str().unwrap());
    match spec["kind"].as_str().unwrap() {
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
            grid_to_graph(&shape, mask.as_ref().map(|m| m.view())).unwrap()
        }
        "edges" => {
            let edges = read_i64_2d(&file("file"));
            let pairs: Vec<(usize, usize)> = edge_set(&edges).into_iter().collect();
            Connectivity::from_edges(spec["n_nodes"].as_u64().unwrap() as usize, &pairs).unwrap()
        }
        "knn" => {
            // scikit-learn's directed k-NN edges must be exactly agglo's.
            let k = spec["n_neighbors"].as_u64().unwrap() as usize;
            let points = data.points(features);
            let lists = kneighbors(points.view(), k).unwrap();
            let ours: BTreeSet<(usize, usize)> = lists
                .iter()
                .enumerate()
                .flat_map(|(i, l)| l.iter().map(move |&j| (i, j)))
                .collect();
            let theirs = edge_set(&read_i64_2d(&file("file")));
            assert_eq!(ours, theirs, "{}: k-NN edges", dir.display());
            kneighbors_graph(points.view(), k).unwrap()
        }
        "image" => {
            let image = read::<f64>(&file("image")).unwrap();
            let mask = spec["mask"]
                .as_str()
                .map(|name| read::<bool>(&dir.join(name)).unwrap());
            let graph = img_to_graph(image.view(), mask.as_ref().map(|m| m.view())).unwrap();
            let triplets = read::<f64>(&file("triplets"))
                .unwrap()
                .into_dimensionality::<Ix2>()
                .unwrap();
            let column = |c: usize| triplets.column(c).to_vec();
            let as_usize = |v: Vec<f64>| v.into_iter().map(|x| x as usize).collect::<Vec<_>>();
            assert_eq!(graph.rows, as_usize(column(0)), "img_to_graph rows");
            assert_eq!(graph.cols, as_usize(column(1)), "img_to_graph cols");
            assert_eq!(graph.values, column(2), "img_to_graph values");
            graph.to_connectivity().unwrap()
        }
        other => panic!("unknown connectivity kind {other}"),
    }
}

fn fit<A: Element>(
    x: ndarray::ArrayView2<'_, A>,
    case: &Value,
    conn: Connectivity,
) -> agglo::Result<Agglomeration> {
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
            est.linkage(p["linkage"].as_str().unwrap().parse::<Linkage>().unwrap())
                .metric(p["metric"].as_str().unwrap().parse::<Metric>().unwrap())
                .compute_distances(p["compute_distances"].as_bool().unwrap())
                .compute_full_tree(match &p["compute_full_tree"] {
                    Value::Bool(true) => ComputeFullTree::True,
                    Value::Bool(false) => ComputeFullTree::False,
                    _ => ComputeFullTree::Auto,
                })
                .connectivity(conn)
        }};
    }
    match case["estimator"].as_str().unwrap() {
        "FeatureAgglomeration" => configure!(FeatureAgglomeration::new())
            .fit(x)
            .map(|f| f.model().clone()),
        _ => configure!(AgglomerativeClustering::new()).fit(x),
    }
}

/// Fits one case folder and compares every fitted attribute.
fn check_case(dir: &Path) {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let case: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("case.json")).unwrap()).unwrap();
    let features = case["estimator"] == "FeatureAgglomeration";
    let data = if case["data"] == "digits" {
        Data::F64(load_digits().data)
    } else {
        Data::load(&dir.join("X.npy"))
    };
    let conn = connectivity(dir, &case["connectivity"], &data, features);
    let model = match &data {
        Data::F64(x) => fit(x.view(), &case, conn),
        Data::F32(x) => fit(x.view(), &case, conn),
        Data::I64(x) => fit(x.view(), &case, conn),
        Data::U8(x) => fit(x.view(), &case, conn),
    }
    .unwrap_or_else(|e| panic!("{name}: fit failed: {e}"));

    let expected = &case["expected"];
    let labels = read::<i64>(&dir.join("labels.npy"))
        .unwrap()
        .into_dimensionality::<Ix1>()
        .unwrap();
    let want: Vec<usize> = labels.iter().map(|&l| l as usize).collect();
    assert_eq!(model.labels(), &want[..], "{name}: labels");
    let want: Vec<[usize; 2]> = read_i64_2d(&dir.join("children.npy"))
        .rows()
        .into_iter()
        .map(|r| [r[0] as usize, r[1] as usize])
        .collect();
    assert_eq!(model.children(), &want[..], "{name}: children");
    for (key, got) in [
        ("n_clusters_", model.n_clusters()),
        ("n_leaves_", model.n_leaves()),
        ("n_connected_components_", model.n_connected_components()),
    ] {
        assert_eq!(got as u64, expected[key].as_u64().unwrap(), "{name}: {key}");
    }
    let warning = model.warnings().first().map(|w| w.to_string());
    assert_eq!(
        warning.as_deref(),
        expected["warning"].as_str(),
        "{name}: warning"
    );
    if expected["has_distances"].as_bool().unwrap() {
        let want = read::<f64>(&dir.join("distances.npy")).unwrap();
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
        assert!(model.distances().is_none(), "{name}: distances present");
    }
}

/// Checks every case, reporting all failures at once.
fn check_all(dir: &Path, names: &[String]) {
    let failures: Vec<String> = names
        .iter()
        .filter_map(|name| {
            let path = dir.join(name);
            std::panic::catch_unwind(|| check_case(&path))
                .err()
                .map(|e| {
                    let why = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    format!("{name}: {why}")
                })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from scikit-learn:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

fn index(dir: &Path) -> Vec<String> {
    serde_json::from_str(&fs::read_to_string(dir.join("INDEX.json")).unwrap()).unwrap()
}

#[test]
fn shared_structured_fixtures_match_scikit_learn() {
    let dir = fixtures().join("cases");
    let structured: Vec<String> = index(&dir)
        .into_iter()
        .filter(|name| {
            let case: Value = serde_json::from_str(
                &fs::read_to_string(dir.join(name).join("case.json")).unwrap(),
            )
            .unwrap();
            case["params"]["linkage"] != "ward" && case["connectivity"]["kind"] != "none"
        })
        .collect();
    check_all(&dir, &structured);
    eprintln!(
        "{} shared structured cases matched scikit-learn",
        structured.len()
    );
    assert!(
        structured.len() >= 18,
        "only {} structured cases found",
        structured.len()
    );
}

#[test]
fn own_structured_fixtures_match_scikit_learn() {
    let dir = fixtures().join("structured");
    let names = index(&dir);
    check_all(&dir, &names);
    eprintln!("{} own structured cases matched scikit-learn", names.len());
    assert!(names.len() >= 30, "fixture index looks truncated");
}
