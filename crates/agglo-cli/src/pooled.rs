//! The pooled data of `agglo fit`: `transform` of the fitted data into
//! `reduced.npy` and `inverse_transform` of that into `restored.npy`.
//!
//! The fit used the data up (it worked in place, see
//! `FeatureAgglomeration::fit_owned`), so the data is read again: a NIfTI
//! series from the copy made as it was first read (see `nifti_input`), an
//! `.npy` file a block of samples at a time, anything else whole. Every
//! sample is pooled on its own, so blocks give exactly the values of one
//! pass over the whole array, and `restored.npy` (and, for a NIfTI series,
//! `restored.nii.gz`), as large as the input, is written as the blocks go
//! instead of being held.

use agglo::Element;

use crate::fitted::Fitted;
use anyhow::Result;
use ndarray::{s, Array2, ArrayView2, Axis as NdAxis};

use crate::bad_input;
use crate::cli::{Axis, FitArgs};
use crate::input::{is_npy, read_data};
use crate::nifti_input::ScratchRows;
use crate::output::NpyRows;
use crate::plan::Plan;
use agglo_io::nifti_write::VolumeWriter;
use agglo_io::npy::NumericArray;
use agglo_io::npy_blocks::RowBlocks;

/// Bytes of input pooled per block: small enough that the memory of one
/// block is reused for the next instead of new memory being handed out
/// (and faulted in) for each, which costs more than the pooling.
const BLOCK_BYTES: usize = 1 << 22;

/// What the pooling gives besides `restored.npy`.
pub struct Pooled {
    /// `transform` of the data: one row per sample, one column per cluster.
    pub reduced: Array2<f64>,
    /// The first samples (up to the number asked for) and their restored
    /// values, for the figure.
    pub first: (Array2<f64>, Array2<f64>),
    /// The mean of every feature over the samples (the brain figure's
    /// underlay); empty when no sample was kept for a figure.
    pub means: Vec<f64>,
}

/// `restored.nii.gz` being written: a volume per restored sample, zero
/// outside the mask.
pub struct RestoredImage {
    writer: VolumeWriter,
    /// The image's final path, for messages.
    shown: String,
    offsets: Vec<usize>,
    volume: Vec<f64>,
}

impl RestoredImage {
    /// A writer whose volumes take the features at `offsets` (where each
    /// lies in a stored volume).
    pub fn new(writer: VolumeWriter, offsets: Vec<usize>, shown: String) -> Self {
        let volume = vec![0.0; writer.volume_len()];
        RestoredImage {
            writer,
            shown,
            offsets,
            volume,
        }
    }

    fn write_rows(&mut self, rows: ArrayView2<'_, f64>) -> Result<()> {
        for row in rows.rows() {
            for (&at, &v) in self.offsets.iter().zip(row) {
                self.volume[at] = v;
            }
            self.writer
                .write_volume(&self.volume)
                .map_err(|e| written_as(e, &self.shown))?;
        }
        Ok(())
    }

    /// Finishes the image.
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn finish(self) -> Result<()> {
        let shown = self.shown;
        self.writer.finish().map_err(|e| written_as(e, &shown))
    }
}

/// A write error of a staged file, naming the file's final path instead.
pub fn written_as(error: agglo_io::Error, shown: &str) -> anyhow::Error {
    match error {
        agglo_io::Error::Write { source, .. } => anyhow::anyhow!("cannot write {shown}: {source}"),
        other => other.into(),
    }
}

/// Reads the data of `args` again and pools it with `fitted`, writing the
/// restored data to `restored` (and the image beside it) as it goes;
/// `keep_first` samples are kept for the figure, and with them (when
/// `keep_first` is not 0) the mean of every feature.
///
/// # Errors
/// The input cannot be read again or has changed since the fit.
pub fn pool_input(
    args: &FitArgs,
    plan: &Plan,
    fitted: &Fitted,
    restored: (&mut NpyRows, Option<&mut RestoredImage>),
    keep_first: usize,
) -> Result<Pooled> {
    let (layout, shape, dim) = (&plan.layout, plan.shape.as_slice(), plan.dim);
    let (restored, image) = restored;
    let name = args.input.display().to_string();
    let k = fitted.n_clusters();
    let mut pooled = Pooling {
        fitted,
        reduced: Array2::zeros((dim.0, k)),
        done: 0,
        first: (Array2::zeros((0, dim.1)), Array2::zeros((0, dim.1))),
        keep_first: keep_first.min(dim.0),
        restored,
        image,
        // The means are the figure's underlay: summed only for a figure.
        sums: if keep_first > 0 {
            vec![0.0; dim.1]
        } else {
            Vec::new()
        },
        restored_rows: Vec::new(),
    };
    let row_bytes = shape[1..].iter().product::<usize>().max(1) * 8;
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let rows_per_block = (BLOCK_BYTES / row_bytes).max(2 * threads);
    let changed = || {
        bad_input(format!(
            "{name} changed while agglo was working on it: fit it again"
        ))
    };
    let blocks = match args.read.key {
        None if plan.copy.is_none() && is_npy(&args.input) => {
            RowBlocks::open(&args.input, &name, shape)?
        }
        _ => None,
    };
    if let Some(copy) = &plan.copy {
        let mut rows = ScratchRows::new(copy, dim.0, dim.1)?;
        while let Some(block) = rows.next_block(rows_per_block)? {
            pooled.add_block(block.view())?;
        }
    } else if let Some(mut blocks) = blocks {
        while let Some(block) = blocks.next_block(rows_per_block)? {
            let matrix = layout.to_matrix(block, Axis::Features)?;
            pooled.add(&matrix)?;
            blocks.recycle(matrix);
        }
    } else {
        let loaded = read_data(&args.input, args.read.key.as_deref(), args.read.reading())?;
        if loaded.shape != shape {
            return Err(changed());
        }
        let x = layout.to_matrix(loaded.array, Axis::Features)?;
        match &x {
            NumericArray::F64(a) => pooled.add_rows(as_2d(a), rows_per_block)?,
            NumericArray::F32(a) => pooled.add_rows(as_2d(a), rows_per_block)?,
        }
    }
    if pooled.done != dim.0 {
        return Err(changed());
    }
    let n = dim.0.max(1) as f64;
    Ok(Pooled {
        reduced: pooled.reduced,
        first: pooled.first,
        means: pooled.sums.iter().map(|s| s / n).collect(),
    })
}

fn as_2d<A>(a: &ndarray::ArrayD<A>) -> ArrayView2<'_, A> {
    a.view().into_dimensionality().expect("laid out as 2-D")
}

/// The pooling under way.
struct Pooling<'a> {
    fitted: &'a Fitted,
    reduced: Array2<f64>,
    done: usize,
    first: (Array2<f64>, Array2<f64>),
    keep_first: usize,
    restored: &'a mut NpyRows,
    image: Option<&'a mut RestoredImage>,
    /// The sums of every feature over the samples, for the means; empty
    /// when they are not asked for.
    sums: Vec<f64>,
    /// The restored values of the last block, reused for the next so that
    /// its memory is not handed out (and faulted in) again for each block.
    restored_rows: Vec<f64>,
}

impl Pooling<'_> {
    /// Pools a block of samples laid out as a matrix.
    fn add(&mut self, block: &NumericArray) -> Result<()> {
        match block {
            NumericArray::F64(a) => self.add_block(as_2d(a)),
            NumericArray::F32(a) => self.add_block(as_2d(a)),
        }
    }

    /// Pools the rows of `x`, `rows` at a time.
    fn add_rows<A: Element>(&mut self, x: ArrayView2<'_, A>, rows: usize) -> Result<()> {
        for block in x.axis_chunks_iter(NdAxis(0), rows.max(1)) {
            self.add_block(block)?;
        }
        Ok(())
    }

    fn add_block<A: Element>(&mut self, x: ArrayView2<'_, A>) -> Result<()> {
        let first = self.done;
        let last = first + x.nrows();
        if last > self.reduced.nrows() {
            anyhow::bail!("more samples than were fitted: the input changed, fit it again");
        }
        let reduced = self.fitted.transform(x)?;
        let mut values = std::mem::take(&mut self.restored_rows);
        values.resize(x.nrows() * x.ncols(), 0.0);
        let mut restored = Array2::from_shape_vec(x.dim(), values)?;
        self.fitted
            .inverse_transform_into(reduced.view(), restored.view_mut())?;
        self.restored.write_rows(restored.view())?;
        if let Some(image) = self.image.as_deref_mut() {
            image.write_rows(restored.view())?;
        }
        if first < self.keep_first {
            let take = (self.keep_first - first).min(x.nrows());
            let originals = x.slice(s![..take, ..]).mapv(agglo::Element::to_f64);
            self.first.0.append(NdAxis(0), originals.view())?;
            self.first
                .1
                .append(NdAxis(0), restored.slice(s![..take, ..]))?;
        }
        if !self.sums.is_empty() {
            for row in x.rows() {
                for (s, v) in self.sums.iter_mut().zip(row) {
                    *s += v.to_f64();
                }
            }
        }
        self.reduced.slice_mut(s![first..last, ..]).assign(&reduced);
        self.done = last;
        self.restored_rows = restored.into_raw_vec_and_offset().0;
        Ok(())
    }
}
