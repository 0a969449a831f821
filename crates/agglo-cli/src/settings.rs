//! The settings of `agglo fit`, validated from its flags before any data
//! is read: the library's `Params` (scikit-learn's rules and messages) or
//! ReNA's parameters, and the checks that need only a file's header.

use agglo::{AggloError, Params, Pooling, Rena};
use anyhow::Result;

use crate::bad_input;
use crate::cli::{Axis, FitArgs, Method};

/// The estimator settings, validated from the flags by the library's own
/// checks (scikit-learn's rules and messages).
pub(crate) struct Settings {
    /// Everything but the connectivity, which is built from the input.
    pub(crate) params: Params,
    pub(crate) pooling: Pooling,
    /// `--method rena`: nilearn's ReNA instead of the agglomeration.
    pub(crate) rena: Option<Rena>,
}

impl Settings {
    pub(crate) fn from_args(args: &FitArgs) -> Result<Self> {
        let rena = match args.method {
            Method::Rena => Some(rena_from_args(args)?),
            Method::Agglomerative => {
                for (given, flag) in [
                    (args.n_iter.is_some(), "--n-iter"),
                    (args.threshold.is_some(), "--threshold"),
                    (args.scaling, "--scaling"),
                ] {
                    if given {
                        return Err(bad_input(format!("{flag} applies to --method rena only")));
                    }
                }
                None
            }
        };
        let mut params = Params::default();
        params.n_clusters = args.n_clusters;
        params.distance_threshold = args.distance_threshold;
        params.linkage = args.linkage.as_deref().unwrap_or("ward").parse()?;
        params.metric = args.metric.as_deref().unwrap_or("euclidean").parse()?;
        params.compute_full_tree = args
            .compute_full_tree
            .as_deref()
            .unwrap_or("auto")
            .parse()?;
        params.compute_distances = args.compute_distances;
        params.on_disconnected = args
            .on_disconnected
            .as_deref()
            .unwrap_or("complete")
            .parse()?;
        params.check().map_err(|e| {
            let flags = match e {
                AggloError::AmbiguousStop => "--n-clusters, --distance-threshold",
                AggloError::ZeroClusters => "--n-clusters",
                AggloError::InvalidThreshold(_) => "--distance-threshold",
                AggloError::ThresholdNeedsFullTree => "--compute-full-tree",
                _ => "--linkage, --metric",
            };
            anyhow::Error::new(e).context(flags)
        })?;
        Ok(Settings {
            params,
            pooling: args.pooling.as_deref().unwrap_or("mean").parse()?,
            rena,
        })
    }
}

pub(crate) const NEEDS_GRAPH: &str =
    "--method rena needs a graph of the features: --grid, --mask, \
     --connectivity or --knn (or a NIfTI input, whose voxels make the grid)";

/// ReNA's parameters, refusing the flags that do not apply to it.
fn rena_from_args(args: &FitArgs) -> Result<Rena> {
    let graphs = [
        args.grid.is_some(),
        args.mask.is_some(),
        args.connectivity.is_some(),
        args.knn.is_some(),
    ];
    let grid_of_its_own = agglo_io::nifti_io::is_nifti(&args.input)
        || agglo_io::images::is_image(&args.input)
        || args.input.is_dir();
    if !graphs.contains(&true) && !grid_of_its_own {
        return Err(bad_input(NEEDS_GRAPH));
    }
    let refused = [
        (args.distance_threshold.is_some(), "--distance-threshold"),
        (args.compute_distances, "--compute-distances"),
        (args.linkage.is_some(), "--linkage"),
        (args.metric.is_some(), "--metric"),
        (args.pooling.is_some(), "--pooling"),
        (args.compute_full_tree.is_some(), "--compute-full-tree"),
        (args.on_disconnected.is_some(), "--on-disconnected"),
        (args.axis == Axis::Samples, "--axis samples"),
    ];
    if let Some((_, flag)) = refused.iter().find(|(given, _)| *given) {
        return Err(bad_input(format!(
            "{flag} does not apply to --method rena (ReNA clusters the features \
             into --n-clusters by nearest neighbours, without a tree)"
        )));
    }
    let Some(n_clusters) = args.n_clusters else {
        return Err(bad_input("--method rena needs --n-clusters"));
    };
    let mut rena = Rena::new().n_clusters(n_clusters).scaling(args.scaling);
    if let Some(n_iter) = args.n_iter {
        rena = rena.n_iter(n_iter);
    }
    if let Some(threshold) = args.threshold {
        rena = rena.threshold(threshold);
    }
    rena.check().map_err(|e| {
        let flag = match e {
            AggloError::ZeroClusters => "--n-clusters",
            AggloError::InvalidParameter { name: "n_iter", .. } => "--n-iter",
            _ => "--threshold",
        };
        anyhow::Error::new(e).context(flag)
    })?;
    Ok(rena)
}

/// Refuses more clusters than points before the data is read, where the
/// number of points is known from the `.npy` header (and the mask).
pub(crate) fn refuse_too_many_clusters(args: &FitArgs, settings: &Settings) -> Result<()> {
    let k = match &settings.rena {
        Some(rena) => rena.get_n_clusters(),
        None => match settings.params.n_clusters {
            Some(k) => k,
            None => return Ok(()),
        },
    };
    let name = args.input.display().to_string();
    let inside = |mask: &std::path::Path| {
        crate::input::read_mask(mask)
            .ok()
            .map(|m| m.inside.iter().filter(|&&v| v).count())
    };
    if args.read.key.is_none() && agglo_io::nifti_io::is_nifti(&args.input) {
        // The voxels of the mask, or of the image from its header.
        let n_points = match &args.mask {
            Some(mask) => inside(mask),
            None => agglo_io::nifti_stream::VolumeReader::open(
                &args.input,
                agglo_io::MemoryLimit::none(),
            )
            .ok()
            .map(|v| v.volume_len()),
        };
        return too_many(k, n_points, &name);
    }
    if args.read.key.is_some() || !crate::input::is_npy(&args.input) {
        return Ok(());
    }
    let Ok(header) = agglo_io::npy::read_header(&args.input, &name) else {
        return Ok(()); // the reader words what is wrong with the file
    };
    let n_points = match (args.axis, &args.mask) {
        (Axis::Samples, _) => header.shape.first().copied(),
        (Axis::Features, Some(mask)) => inside(mask),
        (Axis::Features, None) => {
            (header.shape.len() >= 2).then(|| header.shape[1..].iter().product())
        }
    };
    too_many(k, n_points, &name)
}

/// Refuses `k` clusters of `n_points` (when known).
fn too_many(k: usize, n_points: Option<usize>, name: &str) -> Result<()> {
    match n_points {
        // Fewer than 2 points: the reader and the fit word that better.
        Some(n) if n >= 2 && k > n => Err(anyhow::Error::new(AggloError::TooManyClusters {
            n_clusters: k,
            n_points: n,
        })
        .context(format!("--n-clusters {k} for {name}"))),
        _ => Ok(()),
    }
}
