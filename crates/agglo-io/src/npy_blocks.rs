//! Reading large `.npy` arrays of samples without holding them twice:
//! transposed on the way in (the features' points for a fit), or a block
//! of samples at a time (to pool them afterwards).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::Result;
use ndarray::{Array2, ArrayD, IxDyn, ShapeBuilder};

use crate::invalid;
use crate::npy::{
    cannot_read, open_npy, read_numeric_file, Decoded, Decoder, NpyHeader, NumericArray, OpenNpy,
    READ_BLOCK,
};

/// Samples decoded at once while transposing: at least a cache line of
/// `f64` per feature, so that every line of the output is written whole.
const MIN_TRANSPOSE_ROWS: usize = 16;

/// Reads an `.npy` array of shape `(n, d1, d2, …)` as the `(n, d1·d2·…)`
/// matrix of its samples, stored column-major: each feature's values
/// contiguous, the layout in which a feature agglomeration reads its
/// points. A C-ordered file is transposed on the way in, a block of samples
/// at a time, so only the result is held in full; other files (Fortran
/// order, 1-D, dtypes the fast decoder does not take) are read whole and
/// then rearranged.
///
/// # Errors
/// As [`read_numeric_file`].
///
/// # Panics
/// Never: the array is allocated for the header's shape, checked first.
pub fn read_columns(path: &Path, name: &str) -> Result<(NumericArray, NpyHeader)> {
    let OpenNpy {
        mut file,
        header,
        available,
    } = open_npy(path, name)?;
    let decoder = Decoder::of(&header);
    let (Some(decoder), false, [n, rest @ ..]) =
        (decoder, header.fortran_order, header.shape.as_slice())
    else {
        return read_whole(path, name);
    };
    if rest.is_empty() {
        return read_whole(path, name);
    }
    let (n, m) = (*n, available / decoder.width / (*n).max(1));
    let row_bytes = m * decoder.width;
    if n == 0 || m == 0 {
        return read_whole(path, name);
    }
    let rows_per_block = (READ_BLOCK / row_bytes).max(MIN_TRANSPOSE_ROWS).min(n);
    let mut block = decoder.allocate(rows_per_block * m);
    let mut columns = decoder.allocate(n * m);
    let mut bytes = vec![0u8; rows_per_block * row_bytes];
    let mut first = 0;
    while first < n {
        let rows = (n - first).min(rows_per_block);
        let bytes = &mut bytes[..rows * row_bytes];
        file.read_exact(bytes).map_err(|e| cannot_read(path, e))?;
        if !block.fill(&decoder, bytes, 0) {
            // An invalid boolean: the whole-file reader words the error.
            return read_whole(path, name);
        }
        match (&block, &mut columns) {
            (Decoded::F64(b), Decoded::F64(c)) => transpose_rows(b, rows, m, c, n, first),
            (Decoded::F32(b), Decoded::F32(c)) => transpose_rows(b, rows, m, c, n, first),
            _ => unreachable!("one decoder allocates both"),
        }
        first += rows;
    }
    let shape = (n, m).f();
    let array = match columns {
        Decoded::F64(v) => NumericArray::F64(
            Array2::from_shape_vec(shape, v)
                .expect("sized for the shape")
                .into_dyn(),
        ),
        Decoded::F32(v) => NumericArray::F32(
            Array2::from_shape_vec(shape, v)
                .expect("sized for the shape")
                .into_dyn(),
        ),
    };
    Ok((array, header))
}

/// The whole file in its own layout, then as a column-major matrix.
fn read_whole(path: &Path, name: &str) -> Result<(NumericArray, NpyHeader)> {
    let (array, header) = read_numeric_file(path, name)?;
    if array.shape().len() < 2 {
        return Ok((array, header));
    }
    let n = array.shape()[0];
    let m = array.shape()[1..].iter().product();
    Ok((array.into_matrix(n, m).into_column_major(), header))
}

/// `columns[f·n + first + r] = rows[r·m + f]` for the `rows` samples of a
/// block (`m` values each); the features are split between threads, each
/// writing its own contiguous part of `columns`.
fn transpose_rows<T: Copy + Send + Sync>(
    block: &[T],
    rows: usize,
    m: usize,
    columns: &mut [T],
    n: usize,
    first: usize,
) {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min((rows * m) >> 16)
        .max(1);
    let per = m.div_ceil(threads);
    std::thread::scope(|scope| {
        for (t, part) in columns.chunks_mut(per * n).enumerate() {
            scope.spawn(move || {
                for (f, column) in part.chunks_mut(n).enumerate() {
                    let f = t * per + f;
                    for (r, out) in column[first..first + rows].iter_mut().enumerate() {
                        *out = block[r * m + f];
                    }
                }
            });
        }
    });
}

/// The samples of an `.npy` array, a block at a time, each block shaped
/// `(rows, d1, d2, …)` like the file; for C-ordered files with the common
/// dtypes only (see [`RowBlocks::open`]).
pub struct RowBlocks {
    file: File,
    path: PathBuf,
    decoder: Decoder,
    shape: Vec<usize>,
    row_items: usize,
    next: usize,
    /// The bytes of the last block, kept for the next.
    bytes: Vec<u8>,
    /// Values of a block given back by [`RowBlocks::recycle`].
    spare: Option<Decoded>,
}

impl RowBlocks {
    /// Opens `path` for reading by blocks of samples, if it holds a
    /// C-ordered array of at least 2 dimensions, with the `expected` shape,
    /// in a dtype the fast decoder takes; `Ok(None)` otherwise.
    ///
    /// # Errors
    /// The file cannot be read or its header is invalid.
    pub fn open(path: &Path, name: &str, expected: &[usize]) -> Result<Option<Self>> {
        let OpenNpy { file, header, .. } = open_npy(path, name)?;
        match Decoder::of(&header) {
            Some(decoder)
                if !header.fortran_order
                    && header.shape.len() >= 2
                    && header.shape == expected
                    && !header.descr.ends_with("b1") =>
            {
                Ok(Some(RowBlocks {
                    file,
                    path: path.to_path_buf(),
                    decoder,
                    row_items: header.shape[1..].iter().product(),
                    shape: header.shape,
                    next: 0,
                    bytes: Vec::new(),
                    spare: None,
                }))
            }
            _ => Ok(None),
        }
    }

    /// The next block of up to `max_rows` samples; `None` after the last.
    ///
    /// # Errors
    /// The file cannot be read (it changed since it was opened).
    pub fn next_block(&mut self, max_rows: usize) -> Result<Option<NumericArray>> {
        let rows = (self.shape[0] - self.next).min(max_rows.max(1));
        if rows == 0 {
            return Ok(None);
        }
        self.bytes
            .resize(rows * self.row_items * self.decoder.width, 0);
        self.file
            .read_exact(&mut self.bytes)
            .map_err(|e| cannot_read(&self.path, e))?;
        let n_items = rows * self.row_items;
        let mut values = match self.spare.take() {
            Some(Decoded::F64(mut v)) if v.capacity() >= n_items => {
                v.resize(n_items, 0.0);
                Decoded::F64(v)
            }
            Some(Decoded::F32(mut v)) if v.capacity() >= n_items => {
                v.resize(n_items, 0.0);
                Decoded::F32(v)
            }
            _ => self.decoder.allocate(n_items),
        };
        values.fill(&self.decoder, &self.bytes, 0);
        self.next += rows;
        let mut shape = self.shape.clone();
        shape[0] = rows;
        let failed = |e| invalid(format!("{}: {e}", self.path.display()));
        Ok(Some(match values {
            Decoded::F64(v) => {
                NumericArray::F64(ArrayD::from_shape_vec(IxDyn(&shape), v).map_err(failed)?)
            }
            Decoded::F32(v) => {
                NumericArray::F32(ArrayD::from_shape_vec(IxDyn(&shape), v).map_err(failed)?)
            }
        }))
    }
}

impl RowBlocks {
    /// Gives back a block's array once used, so that its memory holds the
    /// next block instead of new memory being handed out for each.
    pub fn recycle(&mut self, block: NumericArray) {
        self.spare = match block {
            NumericArray::F64(a) if a.is_standard_layout() => {
                Some(Decoded::F64(a.into_raw_vec_and_offset().0))
            }
            NumericArray::F32(a) if a.is_standard_layout() => {
                Some(Decoded::F32(a.into_raw_vec_and_offset().0))
            }
            _ => None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, ShapeBuilder};
    use ndarray_npy::WriteNpyExt;

    fn save<A: ndarray_npy::WritableElement, D: ndarray::Dimension>(
        dir: &Path,
        name: &str,
        a: &ndarray::Array<A, D>,
    ) -> PathBuf {
        let path = dir.join(name);
        a.write_npy(File::create(&path).unwrap()).unwrap();
        path
    }

    #[test]
    fn columns_hold_the_samples_matrix() {
        let dir = tempfile::tempdir().unwrap();
        // Shapes around the block sizes: a single row, blocks of 16 samples
        // with a short last one, a wide row longer than a read block.
        for (n, h, w) in [(1, 2, 3), (37, 5, 7), (20, 700, 800)] {
            let x =
                Array3::from_shape_fn((n, h, w), |(s, i, j)| (s * 1_000_000 + i * w + j) as f64);
            let path = save(dir.path(), "x.npy", &x);
            let (got, header) = read_columns(&path, "x.npy").unwrap();
            assert_eq!(header.shape, vec![n, h, w]);
            let NumericArray::F64(got) = got else {
                panic!("float64 stays float64")
            };
            let expected = x.into_shape_with_order((n, h * w)).unwrap().into_dyn();
            assert_eq!(got, expected);
            assert!(got.t().is_standard_layout() || n == 1);
        }
    }

    #[test]
    fn columns_of_other_layouts_and_types() {
        let dir = tempfile::tempdir().unwrap();
        let x = Array2::from_shape_fn((40, 9), |(s, f)| (s * 9 + f) as i16 - 100);
        let path = save(dir.path(), "i.npy", &x);
        let (got, _) = read_columns(&path, "i.npy").unwrap();
        assert_eq!(got, NumericArray::F64(x.mapv(f64::from).into_dyn()));
        let fortran =
            Array2::from_shape_vec((40, 9).f(), (0..360).map(|v| v as f32).collect()).unwrap();
        let path = save(dir.path(), "f.npy", &fortran);
        let (got, _) = read_columns(&path, "f.npy").unwrap();
        assert_eq!(got, NumericArray::F32(fortran.clone().into_dyn()));
        // A truncated file is refused as when read whole.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 4]).unwrap();
        let err = read_columns(&path, "f.npy").unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
    }

    #[test]
    fn row_blocks_cover_the_samples_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let x = Array3::from_shape_fn((10, 3, 4), |(s, i, j)| (s * 12 + i * 4 + j) as f32);
        let path = save(dir.path(), "x.npy", &x);
        assert!(RowBlocks::open(&path, "x.npy", &[10, 12])
            .unwrap()
            .is_none());
        let mut blocks = RowBlocks::open(&path, "x.npy", &[10, 3, 4])
            .unwrap()
            .unwrap();
        let mut seen = Vec::new();
        while let Some(NumericArray::F32(block)) = blocks.next_block(4).unwrap() {
            assert!(block.shape()[0] <= 4);
            seen.extend(block.iter().copied());
        }
        assert_eq!(seen, x.iter().copied().collect::<Vec<_>>());
    }
}
