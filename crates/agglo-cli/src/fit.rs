//! `agglo fit`: cluster the features or samples of a NumPy array.

use std::path::Path;
use std::time::Instant;

use agglo::{
    grid_to_graph, AgglomerativeClustering, ComputeFullTree, Connectivity, Element,
    FeatureAgglomeration, Linkage, Metric, Pooling,
};
use anyhow::Result;
use ndarray::{Array2, ArrayD, ArrayView2, Axis as NdAxis};
use ndarray_npy::WritableElement;

use crate::bad_input;
use crate::cli::{Axis, FitArgs};
use crate::input::{read_connectivity, read_mask};
use crate::model_file::{self, ConnectivityInfo, MaskInfo, ModelFile};
use crate::npy::{read_file, read_numeric, NumericArray};
use crate::output::{Staging, FIT_OUTPUTS};

/// The estimator settings, validated from the flags.
struct Settings {
    n_clusters: Option<usize>,
    distance_threshold: Option<f64>,
    linkage: Linkage,
    metric: Metric,
    pooling: Pooling,
    compute_full_tree: ComputeFullTree,
}

impl Settings {
    fn from_args(args: &FitArgs) -> Result<Self> {
        match (args.n_clusters, args.distance_threshold) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(bad_input(
                    "give exactly one of --n-clusters and --distance-threshold",
                ))
            }
            (Some(0), _) => return Err(bad_input("--n-clusters must be at least 1, got 0")),
            (_, Some(t)) if !(t.is_finite() && t >= 0.0) => {
                return Err(bad_input(format!(
                    "--distance-threshold must be a finite number >= 0, got {t}"
                )))
            }
            _ => {}
        }
        Ok(Settings {
            n_clusters: args.n_clusters,
            distance_threshold: args.distance_threshold,
            linkage: args.linkage.parse()?,
            metric: args.metric.parse()?,
            pooling: args.pooling.parse()?,
            compute_full_tree: args.compute_full_tree.parse()?,
        })
    }
}

/// The data laid out for fitting: 2-D, masked, with its connectivity.
struct Prepared {
    x: NumericArray,
    connectivity: Option<Connectivity>,
    info: ConnectivityInfo,
    notes: Vec<String>,
}

/// Runs `agglo fit`.
///
/// # Errors
/// Bad flags or files (exit 2), or an output folder that cannot be written.
pub fn run(args: &FitArgs) -> Result<()> {
    let start = Instant::now();
    let settings = Settings::from_args(args)?;
    let staging = Staging::new(&args.out)?;
    let name = args.input.display().to_string();
    let (data, header) = read_numeric(&read_file(&args.input)?, &name)?;
    if header.shape.len() < 2 {
        return Err(bad_input(format!(
            "{name}: expected an array of shape (n_samples, n_features) or (n_samples, *grid), got shape {:?}",
            header.shape
        )));
    }
    let prepared = prepare(args, data)?;
    for note in &prepared.notes {
        eprintln!("note: {note}");
    }
    match &prepared.x {
        NumericArray::F64(x) => fit_and_write(
            args,
            &settings,
            as_2d(x),
            prepared.connectivity,
            staging,
            &header,
            prepared.info,
            start,
        ),
        NumericArray::F32(x) => fit_and_write(
            args,
            &settings,
            as_2d(x),
            prepared.connectivity,
            staging,
            &header,
            prepared.info,
            start,
        ),
    }
}

fn as_2d<A>(x: &ArrayD<A>) -> ArrayView2<'_, A> {
    x.view()
        .into_dimensionality()
        .expect("prepared data is 2-D")
}

/// Flattens `(n, *grid)` to `(n, features)`, applies the mask, and builds
/// the connectivity.
fn prepare(args: &FitArgs, data: NumericArray) -> Result<Prepared> {
    let shape = data.shape().to_vec();
    let n_samples = shape[0];
    let trailing = shape[1..].to_vec();
    let mut notes = Vec::new();

    let mask = match &args.mask {
        Some(path) => Some((path, read_mask(path)?)),
        None => None,
    };
    // The grid: given, or carried by the input's shape (features axis), or
    // the mask's shape.
    let grid = match (&args.grid, args.axis) {
        (Some(g), _) => {
            if g.is_empty() || g.contains(&0) {
                return Err(bad_input(format!(
                    "--grid {g:?}: every dimension must be at least 1"
                )));
            }
            if trailing.len() >= 2 && args.axis == Axis::Features && &trailing != g {
                return Err(bad_input(format!(
                    "--grid {g:?} does not match the input's image shape {trailing:?}"
                )));
            }
            Some(g.clone())
        }
        (None, Axis::Features) if trailing.len() >= 2 && args.connectivity.is_none() => {
            notes.push(format!(
                "using the grid {trailing:?} of the input's shape as connectivity"
            ));
            Some(trailing.clone())
        }
        (None, _) => mask.as_ref().map(|(_, m)| m.shape().to_vec()),
    };
    if let (Some((path, m)), Some(g)) = (&mask, &grid) {
        if m.shape() != g.as_slice() {
            return Err(bad_input(format!(
                "{}: mask shape {:?} does not match the grid {g:?}",
                path.display(),
                m.shape()
            )));
        }
    }
    if mask.is_some() && args.connectivity.is_some() {
        return Err(bad_input(
            "--mask goes with a grid, not with --connectivity",
        ));
    }

    let n_features: usize = trailing.iter().product();
    let x2 = flatten(data, n_samples, n_features);
    let n_points_raw = match args.axis {
        Axis::Features => n_features,
        Axis::Samples => n_samples,
    };
    let axis_name = match args.axis {
        Axis::Features => "features",
        Axis::Samples => "samples",
    };

    let (x, connectivity, info) = if let Some(g) = grid {
        let grid_size: usize = g
            .iter()
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .ok_or_else(|| bad_input(format!("--grid {g:?} is too large")))?;
        let inside: Option<Vec<usize>> = mask.as_ref().map(|(_, m)| {
            m.iter()
                .enumerate()
                .filter(|(_, &b)| b)
                .map(|(i, _)| i)
                .collect()
        });
        let n_inside = inside.as_ref().map_or(grid_size, Vec::len);
        let x = if n_points_raw == n_inside {
            x2
        } else if n_points_raw == grid_size {
            match &inside {
                Some(idx) => select(x2, args.axis, idx),
                None => x2,
            }
        } else {
            return Err(bad_input(format!(
                "the input has {n_points_raw} {axis_name}, but the grid {g:?} has {grid_size} points{}",
                if mask.is_some() { format!(" and the mask {n_inside} inside") } else { String::new() }
            )));
        };
        let graph = grid_to_graph(&g, mask.as_ref().map(|(_, m)| m.view()))?;
        let info = ConnectivityInfo {
            kind: "grid".into(),
            grid: Some(g),
            mask: mask.as_ref().map(|(path, m)| MaskInfo {
                file: path.display().to_string(),
                shape: m.shape().to_vec(),
                n_inside,
            }),
            file: None,
        };
        (x, Some(graph), info)
    } else if let Some(path) = &args.connectivity {
        let graph = read_connectivity(path, n_points_raw)?;
        let info = ConnectivityInfo {
            kind: "file".into(),
            grid: None,
            mask: None,
            file: Some(path.display().to_string()),
        };
        (x2, Some(graph), info)
    } else {
        let info = ConnectivityInfo {
            kind: "none".into(),
            grid: None,
            mask: None,
            file: None,
        };
        (x2, None, info)
    };
    Ok(Prepared {
        x,
        connectivity,
        info,
        notes,
    })
}

/// Reshapes to (n_samples, n_features) in row-major order.
fn flatten(data: NumericArray, n_samples: usize, n_features: usize) -> NumericArray {
    fn go<A: Clone>(a: ArrayD<A>, n: usize, m: usize) -> ArrayD<A> {
        let flat = a
            .as_standard_layout()
            .to_shape((n, m))
            .expect("sizes agree")
            .to_owned();
        flat.into_dyn()
    }
    match data {
        NumericArray::F64(a) => NumericArray::F64(go(a, n_samples, n_features)),
        NumericArray::F32(a) => NumericArray::F32(go(a, n_samples, n_features)),
    }
}

/// Keeps the columns (features axis) or rows (samples axis) in `idx`.
fn select(data: NumericArray, axis: Axis, idx: &[usize]) -> NumericArray {
    let ax = match axis {
        Axis::Features => NdAxis(1),
        Axis::Samples => NdAxis(0),
    };
    match data {
        NumericArray::F64(a) => NumericArray::F64(a.select(ax, idx)),
        NumericArray::F32(a) => NumericArray::F32(a.select(ax, idx)),
    }
}

#[allow(clippy::too_many_arguments)]
fn fit_and_write<A: Element + WritableElement>(
    args: &FitArgs,
    settings: &Settings,
    x: ArrayView2<'_, A>,
    connectivity: Option<Connectivity>,
    mut staging: Staging,
    header: &crate::npy::NpyHeader,
    info: ConnectivityInfo,
    start: Instant,
) -> Result<()> {
    macro_rules! configure {
        ($est:expr) => {{
            let mut est = $est
                .linkage(settings.linkage)
                .metric(settings.metric)
                .compute_full_tree(settings.compute_full_tree)
                .compute_distances(args.compute_distances);
            if let Some(k) = settings.n_clusters {
                est = est.n_clusters(k);
            }
            if let Some(t) = settings.distance_threshold {
                est = est.distance_threshold(t);
            }
            if let Some(c) = connectivity {
                est = est.connectivity(c);
            }
            est
        }};
    }
    let (model, pooled) = match args.axis {
        Axis::Features => {
            let fitted =
                configure!(FeatureAgglomeration::new().pooling(settings.pooling)).fit(x)?;
            let reduced = fitted.transform(x)?;
            let restored = fitted.inverse_transform(reduced.view())?;
            (fitted.model().clone(), Some((reduced, restored)))
        }
        Axis::Samples => (configure!(AgglomerativeClustering::new()).fit(x)?, None),
    };
    for warning in model.warnings() {
        eprintln!("warning: {warning}");
    }

    let labels = ndarray::Array1::from_iter(model.labels().iter().map(|&l| l as i64));
    staging.write_npy("labels.npy", &labels)?;
    let children = Array2::from_shape_fn((model.children().len(), 2), |(k, c)| {
        model.children()[k][c] as i64
    });
    staging.write_npy("children.npy", &children)?;
    if let Some(d) = model.distances() {
        staging.write_npy("distances.npy", &ndarray::ArrayView1::from(d))?;
    }
    if let Some((reduced, restored)) = &pooled {
        staging.write_npy("reduced.npy", reduced)?;
        staging.write_npy("restored.npy", restored)?;
    }
    let mut outputs = staging.written().to_vec();
    outputs.push("model.json".into());
    let model_file = ModelFile {
        format: "agglo-model".into(),
        format_version: 1,
        agglo_version: env!("CARGO_PKG_VERSION").into(),
        estimator: match args.axis {
            Axis::Features => "FeatureAgglomeration",
            Axis::Samples => "AgglomerativeClustering",
        }
        .into(),
        axis: match args.axis {
            Axis::Features => "features",
            Axis::Samples => "samples",
        }
        .into(),
        params: model_file::Params {
            n_clusters: settings.n_clusters,
            distance_threshold: settings.distance_threshold,
            linkage: settings.linkage.to_string(),
            metric: settings.metric.to_string(),
            pooling: settings.pooling.to_string(),
            compute_full_tree: settings.compute_full_tree.to_string(),
            compute_distances: args.compute_distances,
        },
        fitted: model_file::Fitted {
            n_clusters: model.n_clusters(),
            n_leaves: model.n_leaves(),
            n_merges: model.children().len(),
            n_connected_components: model.n_connected_components(),
        },
        input: model_file::Input {
            file: args.input.display().to_string(),
            shape: header.shape.clone(),
            dtype: header.descr.clone(),
            n_samples: x.nrows(),
            n_features: x.ncols(),
        },
        connectivity: info,
        outputs,
        warnings: model.warnings().iter().map(ToString::to_string).collect(),
    };
    let mut json = serde_json::to_string_pretty(&model_file)?;
    json.push('\n');
    staging.write("model.json", json.as_bytes())?;
    let written = staging.written().join(", ");
    let out = staging.commit(FIT_OUTPUTS)?;
    println!(
        "{}: {} {} → {} clusters ({} linkage, {} merges); wrote {written} to {} in {:.3} s",
        args.input.display(),
        match args.axis {
            Axis::Features => x.ncols(),
            Axis::Samples => x.nrows(),
        },
        match args.axis {
            Axis::Features => "features",
            Axis::Samples => "samples",
        },
        model.n_clusters(),
        settings.linkage,
        model.children().len(),
        display_dir(&out),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn display_dir(path: &Path) -> String {
    path.display().to_string()
}
