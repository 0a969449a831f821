//! What `agglo fit --figure` draws from a fit: the 2-D figure or the brain
//! figure, and the `--underlay` it may take.

use agglo::Agglomeration;
use anyhow::Result;
use ndarray::Array2;

use crate::bad_input;
use crate::cli::FitArgs;
use crate::figure;
use crate::plan::Plan;
use crate::settings::Settings;

/// What `--figure` draws.
pub(crate) struct Shown<'a> {
    pub(crate) originals: &'a Array2<f64>,
    pub(crate) restored: &'a Array2<f64>,
    pub(crate) labels: &'a [usize],
    pub(crate) means: &'a [f64],
    pub(crate) title: String,
}

/// "1000 parcels, ward linkage", or "… ReNA".
pub(crate) fn title(settings: &Settings, model: &Agglomeration) -> String {
    let how = match &settings.rena {
        Some(_) => "ReNA".to_string(),
        None => format!("{} linkage", settings.params.linkage),
    };
    format!("{} parcels, {how}", model.n_clusters())
}

/// The figure of `--figure`, from the first samples and their restored
/// values.
pub(crate) fn draw(args: &FitArgs, plan: &Plan, shown: &Shown<'_>, svg: bool) -> Result<Vec<u8>> {
    let inside = plan.layout.inside();
    match plan.layout.grid.as_deref() {
        Some(&[h, w]) => figure::grid_2d(
            (h, w),
            shown.originals.view(),
            shown.restored.view(),
            shown.labels,
            inside.as_deref(),
            svg,
        ),
        Some(&[x, y, z]) => {
            let reference = plan
                .nifti
                .as_ref()
                .or(plan.mask.as_ref().and_then(|m| m.nifti.as_ref()));
            let underlay = if let Some(path) = &args.underlay {
                read_underlay(path, [x, y, z], reference)?
            } else {
                // The mean of the data, where it was read.
                let mut grid = vec![f64::NAN; x * y * z];
                match &inside {
                    Some(idx) => {
                        for (&v, &m) in idx.iter().zip(shown.means) {
                            grid[v] = m;
                        }
                    }
                    None => grid.copy_from_slice(shown.means),
                }
                grid
            };
            let view = crate::brain_figure::BrainView {
                grid: [x, y, z],
                labels: shown.labels,
                inside: inside.as_deref(),
                affine: reference.map(agglo_io::affine::affine),
                underlay: Some(underlay),
                title: shown.title.clone(),
            };
            crate::brain_figure::brain(&view, svg)
        }
        _ => Err(bad_input(
            "--figure needs the features on a 2-D or 3-D grid (--grid, --mask or an image input)",
        )),
    }
}

/// `--underlay`: an image on the grid of the data, lined up with it.
fn read_underlay(
    path: &std::path::Path,
    grid: [usize; 3],
    reference: Option<&agglo_io::nifti_io::NiftiHeader>,
) -> Result<Vec<f64>> {
    let name = path.display().to_string();
    let image = agglo_io::nifti_io::read_nifti(path, agglo_io::MemoryLimit::available())?;
    if image.spatial_shape() != grid || image.data.len() != grid.iter().product::<usize>() {
        return Err(bad_input(format!(
            "--underlay {name}: a volume of shape {:?}, not the grid {grid:?} of the data",
            image.data.shape()
        )));
    }
    if let Some(reference) = reference {
        crate::apply::check_aligned(&name, &image.header, "the data", reference)?;
    }
    Ok(image.data.as_standard_layout().iter().copied().collect())
}
