//! `agglo fit --figure` for a 3-D grid: the parcels over an anatomical
//! underlay in three orthogonal slices through the mask's centre, in the
//! conventions of neuroimaging (nilearn's `plot_roi`, `display_mode="ortho"`):
//! sagittal (anterior to the right), coronal and axial (the subject's left
//! on the left, neurological convention), up at the top, each slice placed
//! by its world coordinate in millimetres from the image's affine.

use agglo_io::affine::Affine;
use agglo_plot::{Align, Colormap, Figure, Panel, SubplotParams};
use anyhow::Result;
use ndarray::Array2;

use crate::figure::{dpi_for, label_colormap, render};

/// What the brain figure shows.
pub struct BrainView<'a> {
    /// The grid `(x, y, z)`.
    pub grid: [usize; 3],
    /// The label of every point clustered.
    pub labels: &'a [usize],
    /// Row-major grid indices of the points clustered (all without a mask).
    pub inside: Option<&'a [usize]>,
    /// The voxel-to-world affine, when the grid came from NIfTI images.
    pub affine: Option<Affine>,
    /// The underlay on the whole grid, row-major; NaN where unknown.
    pub underlay: Option<Vec<f64>>,
    /// The figure's title.
    pub title: String,
}

/// Which voxel axis runs along each world axis, and whether the world
/// coordinate grows with the index: from the affine's largest entry in each
/// column (nibabel's `io_orientation` for near-diagonal affines), the voxel
/// axes themselves without one or when the affine is degenerate.
fn orientation(affine: Option<&Affine>) -> ([usize; 3], [bool; 3]) {
    let identity = ([0, 1, 2], [true; 3]);
    let Some(a) = affine else {
        return identity;
    };
    let mut voxel_of = [usize::MAX; 3];
    let mut grows = [true; 3];
    for v in 0..3 {
        let w = (0..3)
            .max_by(|&p, &q| a[p][v].abs().total_cmp(&a[q][v].abs()))
            .expect("three axes");
        if a[w][v] == 0.0 || voxel_of[w] != usize::MAX {
            return identity;
        }
        voxel_of[w] = v;
        grows[v] = a[w][v] > 0.0;
    }
    (voxel_of, grows)
}

/// Draws the figure.
///
/// # Errors
/// A rendering failure.
pub fn brain(view: &BrainView<'_>, svg: bool) -> Result<Vec<u8>> {
    let [nx, ny, nz] = view.grid;
    let size = nx * ny * nz;
    let mut labels = vec![f64::NAN; size];
    let all: Vec<usize>;
    let inside = if let Some(inside) = view.inside {
        inside
    } else {
        all = (0..size).collect();
        &all
    };
    for (&voxel, &label) in inside.iter().zip(view.labels) {
        labels[voxel] = label as f64;
    }
    // The cut: the centre of mass of the points clustered.
    let mut centre = [0.0f64; 3];
    for &f in inside {
        let ijk = [f / (ny * nz), (f / nz) % ny, f % nz];
        for (c, v) in centre.iter_mut().zip(ijk) {
            *c += v as f64;
        }
    }
    let count = inside.len().max(1) as f64;
    let cut: Vec<usize> = centre
        .iter()
        .zip(view.grid)
        .map(|(&c, n)| ((c / count).round() as usize).min(n - 1))
        .collect();
    let (voxel_of, grows) = orientation(view.affine.as_ref());
    let index = |ijk: [usize; 3]| (ijk[0] * ny + ijk[1]) * nz + ijk[2];
    let world = |axis: usize| -> String {
        match &view.affine {
            Some(a) => {
                let mm: f64 = (0..3).map(|v| a[axis][v] * cut[v] as f64).sum::<f64>() + a[axis][3];
                format!("{} = {mm:.0} mm", ["x", "y", "z"][axis])
            }
            None => format!("{} = {}", ["i", "j", "k"][axis], cut[voxel_of[axis]]),
        }
    };
    let n_labels = view.labels.iter().max().map_or(0, |&m| m + 1);
    let colormap = label_colormap(n_labels);
    // (the world axis cut, the one drawn across, the one drawn up)
    let views = [(0, 1, 2), (1, 0, 2), (2, 0, 1)];
    let sides: Vec<usize> = views
        .iter()
        .map(|&(_, h, u)| view.grid[voxel_of[h]].max(view.grid[voxel_of[u]]))
        .collect();
    let params = SubplotParams {
        left: 0.01,
        right: 0.99,
        bottom: 0.02,
        top: 0.8,
        wspace: 0.05,
        hspace: 0.0,
    };
    let cells = agglo_plot::layout::grid_cells(1, 3, &params)?;
    let mut figure = Figure::new(7.5, 3.2, dpi_for(*sides.iter().max().unwrap_or(&1), 3))
        .grid(1, 3)
        .subplots_adjust(params)
        .text(0.5, 0.92, view.title.clone(), 11.0, Align::Center);
    for (col, &(c, h, u)) in views.iter().enumerate() {
        let (vh, vu, vc) = (voxel_of[h], voxel_of[u], voxel_of[c]);
        let (cols, rows) = (view.grid[vh], view.grid[vu]);
        let slice = |values: &[f64]| {
            Array2::from_shape_fn((rows, cols), |(r, k)| {
                let mut ijk = [0; 3];
                ijk[vc] = cut[vc];
                // Up grows upwards, across grows to the right.
                ijk[vu] = if grows[vu] { rows - 1 - r } else { r };
                ijk[vh] = if grows[vh] { k } else { cols - 1 - k };
                values[index(ijk)]
            })
        };
        let parcels = slice(&labels);
        let panel = match &view.underlay {
            Some(underlay) => Panel::new(0, col, slice(underlay).view())
                .colormap(Colormap::Gray)
                .overlay(parcels.view(), colormap, 0.7),
            None => Panel::new(0, col, parcels.view())
                .colormap(colormap)
                .vmin(0.0)
                .vmax(n_labels.saturating_sub(1) as f64),
        };
        // The slices' titles on one line, over their cells.
        let cell = cells[col];
        figure = figure
            .panel(panel.name(format!("slice {}", world(c))))
            .text(
                f64::midpoint(cell.x0, cell.x1),
                params.top + 0.02,
                world(c),
                10.0,
                Align::Center,
            );
    }
    render(&figure, svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_follows_the_affine() {
        // MNI152: x flipped (the first voxel is on the right).
        let mni = [
            [-2.0, 0.0, 0.0, 90.0],
            [0.0, 2.0, 0.0, -126.0],
            [0.0, 0.0, 2.0, -72.0],
            [0.0, 0.0, 0.0, 1.0],
        ];
        assert_eq!(orientation(Some(&mni)), ([0, 1, 2], [false, true, true]));
        // Axes swapped: voxel axis 0 runs along y.
        let swapped = [
            [0.0, 1.0, 0.0, 0.0],
            [3.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, -1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ];
        assert_eq!(
            orientation(Some(&swapped)),
            ([1, 0, 2], [true, true, false])
        );
        // Degenerate: the identity.
        let flat = [[0.0; 4]; 4];
        assert_eq!(orientation(Some(&flat)), ([0, 1, 2], [true; 3]));
    }
}
