//! `agglo fit`: cluster the features or samples of an array or image.

use std::time::Instant;

use agglo::{
    Agglomeration, AgglomerativeClustering, Connectivity, Element, FeatureAgglomeration,
    FittedFeatureAgglomeration, Params, Pooling,
};
use anyhow::Result;
use ndarray::{Array1, Array2, ArrayD, IxDyn};
use ndarray_npy::WritableElement;

use crate::bad_input;
use crate::cli::{Axis, FitArgs};
use crate::figure;
use crate::fitted::Fitted;
use crate::guard::{check_file_path, refuse_replacing_input, StagedFile};
use crate::input::{read_data, read_data_columns, read_mask};
use crate::model_file::{self, ModelFile};
use crate::nifti_input::read_nifti_columns;
use crate::output::{write_npy_file, Staging, FIT_OUTPUTS};
use crate::plan::{into_2d, plan, Plan};
use crate::pooled::{pool_input, RestoredImage};
use crate::progress::Progress;
use crate::settings::{refuse_too_many_clusters, Settings, NEEDS_GRAPH};
use agglo_io::nifti_io::{is_nifti, write_nifti_i32};
use agglo_io::nifti_write::VolumeWriter;
use agglo_io::npy::NumericArray;

/// Runs `agglo fit`.
///
/// # Errors
/// Bad flags or files (exit 2), or an output folder that cannot be written.
pub fn run(args: &FitArgs) -> Result<()> {
    let start = Instant::now();
    let settings = Settings::from_args(args)?;
    let svg_figure = args.figure.as_deref().map(figure::is_svg).transpose()?;
    if let Some(path) = &args.figure {
        check_file_path(path)?;
    }
    if let Some(path) = args.underlay.as_ref().filter(|p| !p.is_file()) {
        return Err(bad_input(format!(
            "--underlay {}: no such file",
            path.display()
        )));
    }
    refuse_replacing_input(&args.input, &args.out, FIT_OUTPUTS)?;
    let identity = crate::identity::of(&args.input)?;
    refuse_too_many_clusters(args, &settings)?;
    let staging = Staging::new(&args.out, FIT_OUTPUTS)?;
    let nifti = is_nifti(&args.input);
    if nifti && args.axis == Axis::Samples {
        return Err(bad_input(format!(
            "{}: a NIfTI image is clustered along its voxels (--axis features)",
            args.input.display()
        )));
    }
    let progress = Progress::start(args.quiet || args.json).with_timings(args.timings);
    let mask = args.mask.as_deref().map(read_mask).transpose()?;
    progress.stage(&format!("reading {}", args.input.display()));
    let loaded = match args.axis {
        // Read once: the voxels inside the mask, copied for the pooling.
        Axis::Features if nifti => {
            let mask = mask.as_ref().zip(args.mask.as_deref());
            let shown = args.out.display().to_string();
            read_nifti_columns(&args.input, mask, (staging.dir(), &shown))?
        }
        // The features' points are the columns: read so, the fit works on
        // the data where it lies instead of on a transposed copy beside it.
        Axis::Features => {
            read_data_columns(&args.input, args.read.key.as_deref(), args.read.reading())?
        }
        Axis::Samples => read_data(&args.input, args.read.key.as_deref(), args.read.reading())?,
    };
    progress.stage("building the graph");
    let (mut plan, x) = plan(args, loaded, mask)?;
    // float64 data laid out as the points is the fit's working storage.
    let in_place = match (&x, args.axis) {
        (NumericArray::F64(a), Axis::Features) => a.t().is_standard_layout(),
        (NumericArray::F64(a), Axis::Samples) => a.is_standard_layout(),
        (NumericArray::F32(_), _) => false,
    };
    check_memory(args, &settings, &plan, in_place)?;
    // Handed to the estimator, not copied.
    let mut params = settings.params.clone();
    params.connectivity = plan.connectivity.take();
    let n_points = match args.axis {
        Axis::Features => plan.dim.1,
        Axis::Samples => plan.dim.0,
    };
    // More clusters than points: the fit itself says so.
    progress.track_merges("fitting", params.n_merges(n_points).unwrap_or(0));
    // The data fitted is the file as it was when agglo first looked.
    crate::identity::check_unchanged(&args.input, &identity)?;
    let run = Run {
        args,
        settings: &settings,
        plan: &plan,
        svg_figure,
        progress: &progress,
        identity: &identity,
    };
    let result = match x {
        NumericArray::F64(x) => run.fit_and_stage(into_2d(x), params, staging),
        NumericArray::F32(x) => run.fit_and_stage(into_2d(x), params, staging),
    };
    progress.finish();
    let (summary, value) = result?;
    let seconds = start.elapsed().as_secs_f64();
    crate::summary::report(
        args.json,
        args.quiet,
        &format!("{summary} in {seconds:.3} s"),
        value,
        seconds,
        &progress.laps(),
    )
}

/// A fit's error, naming the input it was fitted on.
fn fitting(args: &FitArgs, err: agglo::AggloError) -> anyhow::Error {
    anyhow::Error::new(err).context(format!("fitting {}", args.input.display()))
}

/// Refuses a fit whose estimated memory exceeds what is available.
fn check_memory(args: &FitArgs, settings: &Settings, plan: &Plan, in_place: bool) -> Result<()> {
    let (n_samples, n_features) = plan.dim;
    let (n_points, dim) = match args.axis {
        Axis::Features => (n_features, n_samples),
        Axis::Samples => (n_samples, n_features),
    };
    let entries = plan.connectivity.as_ref().map(Connectivity::n_entries);
    let estimate = if in_place {
        agglo::memory::fit_owned_memory_estimate
    } else {
        agglo::memory::fit_memory_estimate
    };
    let fit = estimate(n_points, dim, entries, settings.params.linkage);
    // transform's output, in f64 (an n_clusters above n_points is refused
    // by the fit itself); inverse_transform's is written as it is made
    let k = settings.params.n_clusters.unwrap_or(n_points).min(n_points) as u64;
    let outputs = match args.axis {
        Axis::Features => (n_samples as u64).saturating_mul(k).saturating_mul(8),
        Axis::Samples => 0,
    };
    Ok(agglo_io::MemoryLimit::available().check(
        fit.saturating_add(outputs),
        &format!(
            "{} linkage over {n_points} points of dimension {dim}{}",
            settings.params.linkage,
            if entries.is_some() {
                " with connectivity"
            } else {
                " without connectivity"
            }
        ),
    )?)
}

/// What a fit needs besides its data.
struct Run<'a> {
    args: &'a FitArgs,
    settings: &'a Settings,
    plan: &'a Plan,
    svg_figure: Option<bool>,
    progress: &'a Progress,
    /// The input as it was read for the fit; the pooling reads it again.
    identity: &'a crate::identity::Identity,
}

impl Run<'_> {
    /// Fits `x`, then writes every output into `staging` and commits it.
    fn fit_and_stage<A: Element + WritableElement>(
        &self,
        x: Array2<A>,
        params: Params,
        staging: Staging,
    ) -> Result<(String, serde_json::Value)> {
        fit_and_stage(self, x, params, staging)
    }
}

fn fit_and_stage<A: Element + WritableElement>(
    run: &Run<'_>,
    x: Array2<A>,
    mut params: Params,
    mut staging: Staging,
) -> Result<(String, serde_json::Value)> {
    let Run {
        args,
        settings,
        plan,
        svg_figure,
        progress,
        identity,
    } = *run;
    if svg_figure.is_some() && args.axis == Axis::Samples {
        return Err(bad_input(
            "--figure draws the features of an image: use it with --axis features",
        ));
    }
    let (model, fitted) = match (&settings.rena, args.axis) {
        (Some(rena), _) => {
            let graph = params
                .connectivity
                .take()
                .ok_or_else(|| bad_input(NEEDS_GRAPH))?;
            // The graph and the data are dropped as soon as the fit is
            // done with them; the pooling reads the input again.
            let fitted = rena
                .fit_owned_with(x, graph, progress.merges())
                .map_err(|e| fitting(args, e))?;
            let model =
                FittedFeatureAgglomeration::from_labels(fitted.labels().to_vec(), Pooling::Mean)
                    .map_err(|e| fitting(args, e))?
                    .into_model();
            (model, Some(Fitted::Rena(fitted)))
        }
        (None, Axis::Features) => {
            // The fit uses the data up; the pooling reads it again.
            let fitted = FeatureAgglomeration::from_params(params)
                .pooling(settings.pooling)
                .fit_owned_with(x, progress.merges())
                .map_err(|e| fitting(args, e))?;
            (fitted.model().clone(), Some(Fitted::Agglomeration(fitted)))
        }
        (None, Axis::Samples) => (
            AgglomerativeClustering::from_params(params)
                .fit_owned_with(x, progress.merges())
                .map_err(|e| fitting(args, e))?,
            None,
        ),
    };
    for warning in model.warnings() {
        eprintln!("warning: {warning}");
    }
    progress.stage("writing");
    let labels = Array1::from_iter(model.labels().iter().map(|&l| l as i64));
    staging.write_npy("labels.npy", &labels)?;
    let children = Array2::from_shape_fn((model.children().len(), 2), |(k, c)| {
        model.children()[k][c] as i64
    });
    if settings.rena.is_none() {
        staging.write_npy("children.npy", &children)?;
    }
    if let Some(d) = model.distances() {
        staging.write_npy("distances.npy", &ndarray::ArrayView1::from(d))?;
    }
    // scipy's linkage matrix, for dendrogram and fcluster: a full tree only.
    if let Ok(z) = model.tree().to_linkage_matrix() {
        staging.write_npy("linkage.npy", &z)?;
    }
    let mut figure_bytes = None;
    if let Some(fitted) = &fitted {
        progress.stage("pooling");
        let reduced_path = staging.reserve("reduced.npy");
        let mut restored = staging.npy_rows("restored.npy", plan.dim)?;
        let mut restored_image = restored_image(plan, &mut staging)?;
        let shown = if svg_figure.is_some() { 4 } else { 0 };
        crate::identity::check_unchanged(&args.input, identity)?;
        let pooled = pool_input(
            args,
            plan,
            fitted,
            (&mut restored, restored_image.as_mut()),
            shown,
        )?;
        // Pooled from the very data fitted.
        crate::identity::check_unchanged(&args.input, identity)?;
        restored.finish()?;
        if let Some(image) = restored_image {
            image.finish()?;
        }
        progress.stage("writing");
        write_npy_file(&reduced_path, &pooled.reduced)?;
        if let Some(svg) = svg_figure {
            let (originals, restored) = &pooled.first;
            let shown = crate::fit_figure::Shown {
                originals,
                restored,
                labels: model.labels(),
                means: &pooled.means,
                title: crate::fit_figure::title(settings, &model),
            };
            figure_bytes = Some(crate::fit_figure::draw(args, plan, &shown, svg)?);
        }
    }
    if let Some(mask) = &plan.layout.mask {
        staging.write_npy("mask.npy", mask)?;
    }
    let reference = plan
        .mask
        .as_ref()
        .and_then(|m| m.nifti.as_ref())
        .or(plan.nifti.as_ref());
    let on_volume = plan.layout.grid.as_ref().is_some_and(|g| g.len() == 3);
    if let (Some(reference), Axis::Features, true) = (reference, args.axis, on_volume) {
        let image = label_image(plan, &model)?;
        let path = staging.reserve("labels.nii.gz");
        crate::cleanup::creating(|| write_nifti_i32(&path, &image, reference))
            .map_err(|e| crate::pooled::written_as(e, &staging.shown("labels.nii.gz")))?;
    }
    let mut outputs = staging.written().to_vec();
    outputs.push("model.json".into());
    let model_file = describe(args, settings, plan, &model, plan.dim, outputs);
    let mut json = serde_json::to_string_pretty(&model_file)?;
    json.push('\n');
    staging.write("model.json", json.as_bytes())?;
    let written = staging.written().join(", ");
    // The figure is written whole before anything is committed, so that a
    // figure that cannot be written leaves the outputs as they were.
    let figure = match (&args.figure, figure_bytes) {
        (Some(path), Some(bytes)) => Some(StagedFile::write(path, &bytes)?),
        _ => None,
    };
    // The outputs and the figure are put in place together, even if the
    // run is interrupted meanwhile.
    let out = crate::cleanup::uninterrupted(|| -> Result<_> {
        let out = staging.commit()?;
        if let Some(figure) = figure {
            figure.commit()?;
        }
        Ok(out)
    })?;
    let value = serde_json::json!({
        "command": "fit",
        "out": out.display().to_string(),
        "figure": args.figure.as_ref().map(|p| p.display().to_string()),
        "n_clusters": model.n_clusters(),
        "model": model_file,
    });
    let (n_points, what) = match args.axis {
        Axis::Features => (plan.dim.1, "features"),
        Axis::Samples => (plan.dim.0, "samples"),
    };
    let how = match &settings.rena {
        Some(_) => format!("ReNA, {} rounds", rena_rounds(fitted.as_ref())),
        None => format!(
            "{} linkage, {} merges",
            settings.params.linkage,
            model.children().len()
        ),
    };
    let text = format!(
        "{}: {n_points} {what} → {} clusters ({how}); wrote {written} to {}{}",
        args.input.display(),
        model.n_clusters(),
        out.display(),
        args.figure
            .as_ref()
            .map(|p| format!(" and the figure {}", p.display()))
            .unwrap_or_default()
    );
    Ok((text, value))
}

/// `restored.nii.gz` for a NIfTI series, with the series' geometry and
/// timing, written as the pooling goes.
fn restored_image(plan: &Plan, staging: &mut Staging) -> Result<Option<RestoredImage>> {
    let (Some(header), Some(grid)) = (&plan.nifti, &plan.layout.grid) else {
        return Ok(None);
    };
    let &[x, y, z] = grid.as_slice() else {
        return Ok(None);
    };
    let mut shape = vec![x, y, z];
    if plan.loaded_shape.len() > 3 {
        shape.push(plan.dim.0);
    }
    let path = staging.reserve("restored.nii.gz");
    let shown = staging.shown("restored.nii.gz");
    let writer = crate::cleanup::creating(|| VolumeWriter::create(&path, &shape, header, true))
        .map_err(|e| crate::pooled::written_as(e, &shown))?;
    let offsets =
        agglo_io::nifti_stream::stored_offsets([x, y, z], plan.layout.inside().as_deref());
    Ok(Some(RestoredImage::new(writer, offsets, shown)))
}

fn rena_rounds(fitted: Option<&Fitted>) -> usize {
    match fitted {
        Some(Fitted::Rena(m)) => m.n_rounds(),
        _ => 0,
    }
}

/// The parcellation image: label + 1 at the voxels clustered, 0 elsewhere,
/// on the mask's (or the image's) grid.
fn label_image(plan: &Plan, model: &Agglomeration) -> Result<ArrayD<i32>> {
    let grid = plan.layout.grid.clone().unwrap_or_default();
    let size: usize = grid.iter().product();
    let mut volume = vec![0i32; size];
    let inside = plan.layout.inside().unwrap_or_else(|| (0..size).collect());
    for (&voxel, &label) in inside.iter().zip(model.labels()) {
        volume[voxel] = i32::try_from(label + 1)
            .map_err(|_| bad_input("too many clusters for a NIfTI label image"))?;
    }
    Ok(ArrayD::from_shape_vec(IxDyn(&grid), volume).expect("grid-sized"))
}

fn describe(
    args: &FitArgs,
    settings: &Settings,
    plan: &Plan,
    model: &Agglomeration,
    dim: (usize, usize),
    outputs: Vec<String>,
) -> ModelFile {
    let (estimator, axis) = match (&settings.rena, args.axis) {
        (Some(_), _) => ("ReNA", "features"),
        (None, Axis::Features) => ("FeatureAgglomeration", "features"),
        (None, Axis::Samples) => ("AgglomerativeClustering", "samples"),
    };
    let rena = settings.rena.as_ref().map(|r| model_file::RenaParams {
        n_iter: r.get_n_iter(),
        threshold: r.get_threshold(),
        scaling: r.get_scaling(),
    });
    ModelFile {
        format: "agglo-model".into(),
        format_version: 1,
        agglo_version: env!("CARGO_PKG_VERSION").into(),
        estimator: estimator.into(),
        axis: axis.into(),
        params: model_file::Params {
            n_clusters: settings.params.n_clusters,
            distance_threshold: settings.params.distance_threshold,
            linkage: if settings.rena.is_some() {
                "rena".into()
            } else {
                settings.params.linkage.to_string()
            },
            metric: settings.params.metric.to_string(),
            pooling: settings.pooling.to_string(),
            compute_full_tree: settings.params.compute_full_tree.to_string(),
            compute_distances: settings.params.compute_distances,
            on_disconnected: settings.params.on_disconnected.to_string(),
            rena,
        },
        fitted: model_file::Fitted {
            n_clusters: model.n_clusters(),
            n_leaves: model.n_leaves(),
            n_merges: model.children().len(),
            n_connected_components: model.n_connected_components(),
        },
        input: model_file::Input {
            file: args.input.display().to_string(),
            shape: plan.loaded_shape.clone(),
            dtype: plan.dtype.clone(),
            n_samples: dim.0,
            n_features: dim.1,
            time: plan
                .nifti
                .as_ref()
                .filter(|h| h.dim[0] >= 4 && h.dim[4] > 1)
                .map(|h| model_file::Timing {
                    tr: f64::from(h.pixdim[4]),
                    xyzt_units: h.xyzt_units,
                }),
        },
        connectivity: plan.info.clone(),
        outputs,
        warnings: model.warnings().iter().map(ToString::to_string).collect(),
    }
}
