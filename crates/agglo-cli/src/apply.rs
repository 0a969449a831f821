//! `agglo transform` and `agglo inverse-transform`: apply a fitted model
//! (the folder `agglo fit` wrote) to new data.

use std::path::Path;
use std::time::Instant;

use agglo::{FittedFeatureAgglomeration, FittedRena, Pooling};
use anyhow::{Context, Result};
use ndarray::{Array2, Ix1};
use ndarray_npy::WriteNpyExt;

use crate::bad_input;
use crate::cli::{ApplyArgs, Axis};
use crate::fitted::Fitted;
use crate::guard::{is_among, write_file_atomically};
use crate::input::{read_data, read_mask};
use crate::layout::Layout;
use crate::model_file::ModelFile;
use crate::output::FIT_OUTPUTS;
use agglo_io::csv_io::to_csv;
use agglo_io::nifti_io::is_nifti;
use agglo_io::nifti_stream::{stored_offsets, VolumeReader};
use agglo_io::nifti_write::VolumeWriter;
use agglo_io::npy::{read_file, read_numeric, NumericArray};
use agglo_io::MemoryLimit;

/// A fitted model read back from its folder.
struct SavedModel {
    description: ModelFile,
    model: Fitted,
    layout: Layout,
}

fn load_model(dir: &Path) -> Result<SavedModel> {
    // No run switches the folder while it is read.
    let _switch_out = crate::folder::read_lock(dir);
    let description = ModelFile::read(dir)?;
    if description.axis != "features" {
        return Err(bad_input(format!(
            "--model {}: transform applies to feature agglomeration; this model clusters {}",
            dir.display(),
            description.axis
        )));
    }
    let labels_path = dir.join("labels.npy");
    let (labels, _) = read_numeric(
        &read_file(&labels_path)?,
        &labels_path.display().to_string(),
    )?;
    let labels = labels.to_f64().into_dimensionality::<Ix1>().map_err(|_| {
        bad_input(format!(
            "{}: labels must be a 1-D array",
            labels_path.display()
        ))
    })?;
    let labels: Vec<usize> = labels
        .iter()
        .map(|&l| {
            if l >= 0.0 && l.fract() == 0.0 {
                Ok(l as usize)
            } else {
                Err(bad_input(format!(
                    "{}: {l} is not a label",
                    labels_path.display()
                )))
            }
        })
        .collect::<Result<_>>()?;
    let invalid = |e: agglo::AggloError| bad_input(format!("{}: {e}", labels_path.display()));
    let model = if description.estimator == "ReNA" {
        let scaling = description.params.rena.as_ref().is_some_and(|r| r.scaling);
        Fitted::Rena(FittedRena::from_labels(labels, scaling).map_err(invalid)?)
    } else {
        let pooling: Pooling = description.params.pooling.parse()?;
        Fitted::Agglomeration(
            FittedFeatureAgglomeration::from_labels(labels, pooling).map_err(invalid)?,
        )
    };
    let mask = match &description.connectivity.mask {
        Some(_) => Some(read_mask(&dir.join("mask.npy"))?.inside),
        None => None,
    };
    let layout = Layout {
        grid: description.connectivity.grid.clone(),
        mask,
    };
    check_consistent(dir, &layout, model.n_features())?;
    Ok(SavedModel {
        description,
        model,
        layout,
    })
}

/// Refuses a model folder whose grid, mask and labels disagree (edited or
/// mixed up by hand).
fn check_consistent(dir: &Path, layout: &Layout, n_features: usize) -> Result<()> {
    let inconsistent = |what: String| bad_input(format!("--model {}: {what}", dir.display()));
    let grid_size = layout.grid_size()?;
    if let (Some(mask), Some(grid)) = (&layout.mask, &layout.grid) {
        if mask.shape() != grid.as_slice() {
            return Err(inconsistent(format!(
                "mask.npy has shape {:?}, but the model's grid is {grid:?}",
                mask.shape()
            )));
        }
    }
    let expected = match (&layout.mask, grid_size) {
        (Some(mask), _) => Some(mask.iter().filter(|&&b| b).count()),
        (None, size) => size,
    };
    if let Some(expected) = expected.filter(|&e| e != n_features) {
        return Err(inconsistent(format!(
            "labels.npy has {n_features} labels, but the grid and mask hold {expected} points"
        )));
    }
    Ok(())
}

/// Refuses an output that would replace a file of the model folder.
fn refuse_writing_into_model(args: &ApplyArgs) -> Result<()> {
    if is_among(&args.out, &args.model, FIT_OUTPUTS) {
        return Err(bad_input(format!(
            "--out {}: would replace a file of the model --model {}; write elsewhere",
            args.out.display(),
            args.model.display()
        )));
    }
    Ok(())
}

/// Refuses two images whose voxels are not the same points in space:
/// their affines differ beyond nilearn's tolerance (`np.allclose`).
///
/// # Errors
/// As bad input, with both affines.
pub(crate) fn check_aligned(
    name: &str,
    header: &agglo_io::nifti_io::NiftiHeader,
    other_name: &str,
    other: &agglo_io::nifti_io::NiftiHeader,
) -> Result<()> {
    use agglo_io::affine::{affine, describe, same};
    let (a, b) = (affine(header), affine(other));
    if same(&a, &b) {
        return Ok(());
    }
    Err(bad_input(format!(
        "{name} and {other_name} do not line up: their voxel-to-world affines differ \
         ({name}: {}; {other_name}: {}); resample one onto the other first \
         (nilearn.image.resample_to_img)",
        describe(&a),
        describe(&b)
    )))
}

/// Runs `agglo transform`: pools new samples onto the model's clusters.
///
/// # Errors
/// A bad model folder or input, data of the wrong width, an output that
/// cannot be written.
pub fn transform(args: &ApplyArgs) -> Result<()> {
    let start = Instant::now();
    let format = OutputFormat::of(&args.out, false)?;
    refuse_writing_into_model(args)?;
    let saved = load_model(&args.model)?;
    let on_volume = saved
        .layout
        .grid
        .as_deref()
        .and_then(|g| <[usize; 3]>::try_from(g).ok());
    let loaded = match on_volume {
        // A volume at a time, only the model's voxels kept.
        Some(grid) if is_nifti(&args.input) => {
            let inside = saved.layout.inside();
            let (rows, header) = crate::nifti_input::read_nifti_rows(
                &args.input,
                grid,
                inside.as_deref(),
                &args.model.join("labels.nii.gz"),
            )?;
            crate::input::Loaded {
                shape: rows.shape().to_vec(),
                stored_shape: Vec::new(),
                dtype: String::new(),
                array: NumericArray::F64(rows.into_dyn()),
                nifti: Some(header),
                copy: None,
            }
        }
        _ => read_data(&args.input, args.read.key.as_deref(), args.read.reading())?,
    };
    if loaded.array.shape().len() < 2 {
        return Err(bad_input(format!(
            "{}: expected samples along the first axis, got shape {:?}",
            args.input.display(),
            loaded.array.shape()
        )));
    }
    if let (Some(series), None) = (&loaded.nifti, on_volume) {
        let reference = args.model.join("labels.nii.gz");
        if reference.is_file() {
            let model = VolumeReader::open(&reference, MemoryLimit::available())?.into_header();
            check_aligned(
                &args.input.display().to_string(),
                series,
                &reference.display().to_string(),
                &model,
            )?;
        }
    }
    let x = saved.layout.to_matrix(loaded.array, Axis::Features)?;
    let reduced = match &x {
        NumericArray::F64(a) => saved
            .model
            .transform(a.view().into_dimensionality().expect("2-D")),
        NumericArray::F32(a) => saved
            .model
            .transform(a.view().into_dimensionality().expect("2-D")),
    }
    .map_err(|e| bad_input(format!("{}: {e}", args.input.display())))?;
    write_table(&args.out, format, &reduced, None)?;
    let seconds = start.elapsed().as_secs_f64();
    let text = format!(
        "{}: {} samples × {} features → {} clusters ({} pooling); wrote {} in {seconds:.3} s",
        args.input.display(),
        reduced.nrows(),
        saved.model.n_features(),
        saved.model.n_clusters(),
        saved.description.params.pooling,
        args.out.display(),
    );
    let value = applied("transform", args, &saved, reduced.nrows());
    crate::summary::report(args.json, args.quiet, &text, value, seconds, &[])
}

/// The JSON summary of `transform` or `inverse-transform`.
fn applied(
    command: &str,
    args: &ApplyArgs,
    saved: &SavedModel,
    n_samples: usize,
) -> serde_json::Value {
    serde_json::json!({
        "command": command,
        "input": args.input.display().to_string(),
        "model": args.model.display().to_string(),
        "estimator": saved.description.estimator,
        "n_samples": n_samples,
        "n_features": saved.model.n_features(),
        "n_clusters": saved.model.n_clusters(),
        "outputs": [args.out.display().to_string()],
    })
}

/// Runs `agglo inverse-transform`: gives every feature its cluster's value.
///
/// # Errors
/// A bad model folder or input, data with another number of columns than
/// clusters, an output that cannot be written.
pub fn inverse_transform(args: &ApplyArgs) -> Result<()> {
    let start = Instant::now();
    let format = OutputFormat::of(&args.out, true)?;
    refuse_writing_into_model(args)?;
    let saved = load_model(&args.model)?;
    let loaded = read_data(&args.input, args.read.key.as_deref(), args.read.reading())?;
    let reduced = loaded.array.to_f64();
    let reduced = reduced.into_dimensionality::<ndarray::Ix2>().map_err(|_| {
        bad_input(format!(
            "{}: expected reduced data of shape (n_samples, n_clusters), got shape {:?}",
            args.input.display(),
            loaded.array.shape()
        ))
    })?;
    if reduced.nrows() == 0 {
        return Err(bad_input(format!(
            "{}: no samples (shape {:?})",
            args.input.display(),
            reduced.shape()
        )));
    }
    if let Some(((row, column), value)) = reduced.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(bad_input(format!(
            "{}: non-finite value ({value}) at row {row}, column {column}",
            args.input.display()
        )));
    }
    let restored = saved
        .model
        .inverse_transform(reduced.view())
        .map_err(|e| bad_input(format!("{}: {e}", args.input.display())))?;
    let reference = if format == OutputFormat::Nifti {
        let path = args.model.join("labels.nii.gz");
        if !path.is_file() {
            return Err(bad_input(format!(
                "--out {}: a NIfTI output needs a model fitted on NIfTI images (no labels.nii.gz in {})",
                args.out.display(),
                args.model.display()
            )));
        }
        let mut header = VolumeReader::open(&path, MemoryLimit::available())?.into_header();
        // The series fitted keeps its repetition time and units.
        if let Some(time) = saved.description.input.time {
            header.pixdim[4] = time.tr as f32;
            header.xyzt_units = time.xyzt_units;
        }
        Some((header, &saved.layout))
    } else {
        None
    };
    write_table(&args.out, format, &restored, reference)?;
    let seconds = start.elapsed().as_secs_f64();
    let text = format!(
        "{}: {} samples × {} clusters → {} features; wrote {} in {seconds:.3} s",
        args.input.display(),
        restored.nrows(),
        saved.model.n_clusters(),
        saved.model.n_features(),
        args.out.display(),
    );
    let value = applied("inverse-transform", args, &saved, restored.nrows());
    crate::summary::report(args.json, args.quiet, &text, value, seconds, &[])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutputFormat {
    Npy,
    Csv,
    Nifti,
}

impl OutputFormat {
    fn of(path: &Path, nifti_allowed: bool) -> Result<Self> {
        if is_nifti(path) {
            if nifti_allowed {
                return Ok(OutputFormat::Nifti);
            }
            return Err(bad_input(format!(
                "--out {}: transform writes the clusters' signals as .npy or .csv; a NIfTI \
                 series is what inverse-transform writes",
                path.display()
            )));
        }
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("npy") => Ok(OutputFormat::Npy),
            Some("csv") => Ok(OutputFormat::Csv),
            other => Err(bad_input(format!(
                "--out {}: write .npy or .csv{}, not {}",
                path.display(),
                if nifti_allowed {
                    " (or .nii/.nii.gz)"
                } else {
                    ""
                },
                other.map_or("a file without extension".to_string(), |e| format!(
                    "'.{e}'"
                ))
            ))),
        }
    }
}

fn write_table(
    path: &Path,
    format: OutputFormat,
    table: &Array2<f64>,
    nifti: Option<(agglo_io::nifti_io::NiftiHeader, &Layout)>,
) -> Result<()> {
    let bytes = match format {
        OutputFormat::Csv => to_csv(table),
        OutputFormat::Npy => {
            let mut bytes = Vec::new();
            table.write_npy(&mut bytes).context("encoding the array")?;
            bytes
        }
        OutputFormat::Nifti => {
            let (header, layout) = nifti.expect("a reference for NIfTI output");
            return write_series(path, table, &header, layout);
        }
    };
    write_file_atomically(path, &bytes)
}

/// Writes samples over voxels as a 4-D image (x, y, z, t), zero outside
/// the mask, through a temporary file renamed into place.
fn write_series(
    path: &Path,
    table: &Array2<f64>,
    header: &agglo_io::nifti_io::NiftiHeader,
    layout: &Layout,
) -> Result<()> {
    let grid = layout.grid.clone().unwrap_or_default();
    let &[x, y, z] = grid.as_slice() else {
        return Err(bad_input(format!(
            "--out {}: a NIfTI output needs a model fitted on a 3-D grid, not {grid:?}",
            path.display()
        )));
    };
    let offsets = stored_offsets([x, y, z], layout.inside().as_deref());
    let shape = [x, y, z, table.nrows()];
    // A volume at a time: the series is never held whole.
    crate::guard::StagedFile::create_with(path, |tmp| {
        let named = |e: agglo_io::Error| anyhow::anyhow!("cannot write {}: {e:#}", path.display());
        let gzip = path.to_string_lossy().to_ascii_lowercase().ends_with(".gz");
        let mut writer =
            crate::cleanup::creating(|| VolumeWriter::create(tmp, &shape, header, gzip))
                .map_err(named)?;
        let mut volume = vec![0.0; writer.volume_len()];
        for row in table.rows() {
            for (&at, &v) in offsets.iter().zip(row) {
                volume[at] = v;
            }
            writer.write_volume(&volume).map_err(named)?;
        }
        writer.finish().map_err(named)
    })?
    .commit()
}
