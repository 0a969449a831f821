//! Reading the scikit-learn fixture folders and checking a fit against
//! them; shared by the parity test files.
//!
//! A case folder holds `case.json` (estimator, parameters, connectivity,
//! expected counts), the data `X.npy` (or `"data": "digits"`), and
//! scikit-learn's outputs: `labels.npy`, `children.npy`, `distances.npy`,
//! and for feature agglomeration `transform.npy` / `inverse.npy`.

#![allow(dead_code)] // each test file uses its own part

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use agglo::{
    connectivity::kneighbors, datasets::load_digits, grid_to_graph, img_to_graph, kneighbors_graph,
    Agglomeration, AgglomerativeClustering, ComputeFullTree, Connectivity, Element,
    FeatureAgglomeration, FittedFeatureAgglomeration, Linkage, Metric, Pooling,
};
use ndarray::{Array1, Array2, ArrayD, ArrayView2, Ix2};
use ndarray_npy::{ReadNpyError, ReadNpyExt, ReadableElement};
use serde_json::Value;

/// `tests/fixtures` at the repository root.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// An `.npy` file as an array of `T`, or the reader's error (wrong dtype).
pub fn read<T: ReadableElement>(path: &Path) -> Result<ArrayD<T>, ReadNpyError> {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ArrayD::<T>::read_npy(&bytes[..])
}

/// A 2-D `int64` array.
pub fn read_i64_2d(path: &Path) -> Array2<i64> {
    read::<i64>(path).unwrap().into_dimensionality().unwrap()
}

/// The case names of a fixture folder (`INDEX.json`).
pub fn index(dir: &Path) -> Vec<String> {
    serde_json::from_str(&fs::read_to_string(dir.join("INDEX.json")).unwrap()).unwrap()
}

/// A case's `case.json`.
pub fn case(dir: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(dir.join("case.json")).unwrap()).unwrap()
}

/// The input data in its stored dtype.
pub enum Data {
    F64(Array2<f64>),
    F32(Array2<f32>),
    I64(Array2<i64>),
    U8(Array2<u8>),
}

impl Data {
    /// The case's data: the embedded digits or `X.npy`.
    pub fn of_case(dir: &Path, case: &Value) -> Data {
        if case["data"] == "digits" {
            return Data::F64(load_digits().data);
        }
        let path = dir.join("X.npy");
        fn two_d<T>(a: ArrayD<T>) -> Array2<T> {
            a.into_dimensionality::<Ix2>().unwrap()
        }
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

    /// The points agglo clusters, as `f64` (rows of X, or columns for
    /// feature agglomeration).
    pub fn points(&self, features: bool) -> Array2<f64> {
        fn conv<A: Element>(x: &Array2<A>, t: bool) -> Array2<f64> {
            let v = if t { x.t() } else { x.view() };
            v.mapv(agglo::Element::to_f64)
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
pub fn connectivity(dir: &Path, spec: &Value, data: &Data, features: bool) -> Option<Connectivity> {
    let file = |key: &str| dir.join(spec[key].as_str().unwrap());
    let mask = || {
        spec["mask"]
            .as_str()
            .map(|name| read::<bool>(&dir.join(name)).unwrap())
    };
    Some(match spec["kind"].as_str().unwrap() {
        "none" => return None,
        "grid" => {
            let shape: Vec<usize> = spec["shape"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize)
                .collect();
            let mask = mask();
            grid_to_graph(&shape, mask.as_ref().map(|m| m.view())).unwrap()
        }
        "edges" => {
            let pairs: Vec<(usize, usize)> =
                edge_set(&read_i64_2d(&file("file"))).into_iter().collect();
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
            assert_eq!(
                ours,
                edge_set(&read_i64_2d(&file("file"))),
                "{}: k-NN edges",
                dir.display()
            );
            kneighbors_graph(points.view(), k).unwrap()
        }
        "image" => {
            let image = read::<f64>(&file("image")).unwrap();
            let mask = mask();
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
    })
}

/// A fitted estimator of either kind.
pub enum Fitted {
    Samples(Agglomeration),
    Features(FittedFeatureAgglomeration),
}

impl Fitted {
    /// The clustering, whichever the estimator.
    pub fn model(&self) -> &Agglomeration {
        match self {
            Fitted::Samples(m) => m,
            Fitted::Features(f) => f.model(),
        }
    }
}

/// Fits the case's estimator, configured as its `params` say.
pub fn fit<A: Element>(
    x: ArrayView2<'_, A>,
    case: &Value,
    conn: Option<Connectivity>,
) -> agglo::Result<Fitted> {
    let p = &case["params"];
    macro_rules! configure {
        ($est:expr) => {{
            let mut est = $est
                .linkage(p["linkage"].as_str().unwrap().parse::<Linkage>().unwrap())
                .metric(p["metric"].as_str().unwrap().parse::<Metric>().unwrap())
                .compute_distances(p["compute_distances"].as_bool().unwrap_or(false))
                .compute_full_tree(match &p["compute_full_tree"] {
                    Value::Bool(true) => ComputeFullTree::True,
                    Value::Bool(false) => ComputeFullTree::False,
                    _ => ComputeFullTree::Auto,
                });
            if let Some(k) = p["n_clusters"].as_u64() {
                est = est.n_clusters(k as usize);
            }
            if let Some(t) = p["distance_threshold"].as_f64() {
                est = est.distance_threshold(t);
            }
            if let Some(c) = conn {
                est = est.connectivity(c);
            }
            est
        }};
    }
    match case["estimator"].as_str().unwrap() {
        "FeatureAgglomeration" => {
            let pooling: Pooling = p["pooling"].as_str().unwrap_or("mean").parse().unwrap();
            configure!(FeatureAgglomeration::new())
                .pooling(pooling)
                .fit(x)
                .map(Fitted::Features)
        }
        _ => configure!(AgglomerativeClustering::new())
            .fit(x)
            .map(Fitted::Samples),
    }
}

/// How close distances must be.
#[derive(Clone, Copy)]
pub enum Distances {
    /// Within this relative tolerance.
    Relative(f64),
    /// Identical to the last bit.
    Bitwise,
}

/// Fits one case folder and compares every fitted attribute with
/// scikit-learn's; panics with the case name and what differs.
pub fn check_case(dir: &Path, tolerance: Distances) {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let case = case(dir);
    let features = case["estimator"] == "FeatureAgglomeration";
    let data = Data::of_case(dir, &case);
    let conn = connectivity(dir, &case["connectivity"], &data, features);
    let fitted = match &data {
        Data::F64(x) => fit(x.view(), &case, conn),
        Data::F32(x) => fit(x.view(), &case, conn),
        Data::I64(x) => fit(x.view(), &case, conn),
        Data::U8(x) => fit(x.view(), &case, conn),
    }
    .unwrap_or_else(|e| panic!("{name}: fit failed: {e}"));
    let model = fitted.model();

    let labels: Array1<i64> = read::<i64>(&dir.join("labels.npy"))
        .unwrap()
        .into_dimensionality()
        .unwrap();
    let want: Vec<usize> = labels.iter().map(|&l| l as usize).collect();
    assert_eq!(model.labels(), &want[..], "{name}: labels");
    let want: Vec<[usize; 2]> = read_i64_2d(&dir.join("children.npy"))
        .rows()
        .into_iter()
        .map(|r| [r[0] as usize, r[1] as usize])
        .collect();
    assert_eq!(model.children(), &want[..], "{name}: children");

    let expected = &case["expected"];
    for (key, got) in [
        ("n_clusters_", model.n_clusters()),
        ("n_leaves_", model.n_leaves()),
        ("n_connected_components_", model.n_connected_components()),
    ] {
        if let Some(want) = expected[key].as_u64() {
            assert_eq!(got as u64, want, "{name}: {key}");
        }
    }
    if let Some(warning) = expected.get("warning") {
        let got = model
            .warnings()
            .first()
            .map(std::string::ToString::to_string);
        assert_eq!(got.as_deref(), warning.as_str(), "{name}: warning");
    }
    if expected["has_distances"].as_bool().unwrap() {
        let want = read::<f64>(&dir.join("distances.npy")).unwrap();
        let got = model
            .distances()
            .unwrap_or_else(|| panic!("{name}: distances missing"));
        assert_eq!(got.len(), want.len(), "{name}: number of distances");
        for (i, (&g, &w)) in got.iter().zip(want.iter()).enumerate() {
            let close = match tolerance {
                Distances::Relative(r) => (g - w).abs() <= r * w.abs().max(f64::MIN_POSITIVE),
                Distances::Bitwise => g.to_bits() == w.to_bits() || (g == 0.0 && w == 0.0),
            };
            assert!(close, "{name}: distance {i}: {g:e} vs {w:e}");
        }
    } else {
        assert!(model.distances().is_none(), "{name}: distances present");
    }
    if let (Fitted::Features(f), true) = (&fitted, dir.join("transform.npy").exists()) {
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

/// Checks every named case of `dir`, reporting all failures at once.
pub fn check_all(dir: &Path, names: &[String], tolerance: Distances) {
    let failures: Vec<String> = names
        .iter()
        .filter_map(|name| {
            let path = dir.join(name);
            std::panic::catch_unwind(|| check_case(&path, tolerance))
                .err()
                .map(|e| {
                    e.downcast_ref::<String>()
                        .cloned()
                        .or_else(|| {
                            e.downcast_ref::<&str>()
                                .map(std::string::ToString::to_string)
                        })
                        .unwrap_or_else(|| format!("{name}: failed"))
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

/// A small deterministic generator (xorshift64*), so tests need no extra
/// dependency and always draw the same cases.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
