//! Data sets embedded in the library.
//!
//! The handwritten digits are scikit-learn's copy of the UCI "Optical
//! Recognition of Handwritten Digits" test set (E. Alpaydin, C. Kaynak,
//! 1998; DOI 10.24432/C50P49; CC BY 4.0), redistributed in scikit-learn
//! (BSD-3-Clause). See `data/README.md` in this crate.

use std::io::Read;

use flate2::read::GzDecoder;
use ndarray::{Array1, Array2, Array3};

/// The gzip-compressed CSV, byte for byte scikit-learn 1.9.1's
/// `sklearn/datasets/data/digits.csv.gz`.
const DIGITS_CSV_GZ: &[u8] = include_bytes!("../data/digits.csv.gz");

/// The digits data set, as `sklearn.datasets.load_digits()` returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct Digits {
    /// 1797 × 64 pixel values 0..16, one image per row in row-major order.
    pub data: Array2<f64>,
    /// The same as 1797 images of 8 × 8.
    pub images: Array3<f64>,
    /// The digit each image shows, 0..9.
    pub target: Array1<usize>,
}

/// Loads the 1797 handwritten 8 × 8 digits embedded in the library.
///
/// ```
/// let digits = agglo::datasets::load_digits();
/// assert_eq!(digits.data.dim(), (1797, 64));
/// assert_eq!(digits.images[[0, 0, 2]], 5.0);
/// assert_eq!(digits.target.as_slice().unwrap()[..4], [0, 1, 2, 3]);
/// ```
///
/// # Panics
/// Never: the embedded file is fixed at build time and checked by this
/// module's tests.
pub fn load_digits() -> Digits {
    // The embedded file is fixed at build time and checked by this module's
    // tests, so a failure here is a corrupted build, not a user error.
    parse_digits(DIGITS_CSV_GZ).expect("the embedded digits data is valid")
}

fn parse_digits(gz: &[u8]) -> Result<Digits, String> {
    let mut text = String::new();
    GzDecoder::new(gz)
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot decompress: {e}"))?;
    let mut pixels = Vec::with_capacity(1797 * 64);
    let mut target = Vec::with_capacity(1797);
    for (n, line) in text.lines().enumerate() {
        let values: Vec<f64> = line
            .split(',')
            .map(|v| v.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("line {}: {e}", n + 1))?;
        if values.len() != 65 {
            return Err(format!(
                "line {}: {} values, expected 65",
                n + 1,
                values.len()
            ));
        }
        pixels.extend_from_slice(&values[..64]);
        target.push(values[64] as usize);
    }
    let n = target.len();
    let data = Array2::from_shape_vec((n, 64), pixels).map_err(|e| e.to_string())?;
    let images = data
        .clone()
        .into_shape_with_order((n, 8, 8))
        .map_err(|e| e.to_string())?;
    Ok(Digits {
        data,
        images,
        target: Array1::from(target),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_digits_are_complete() {
        let digits = parse_digits(DIGITS_CSV_GZ).unwrap();
        assert_eq!(digits.data.dim(), (1797, 64));
        assert!(digits
            .data
            .iter()
            .all(|&v| (0.0..=16.0).contains(&v) && v.fract() == 0.0));
        assert!(digits.target.iter().all(|&t| t <= 9));
        // scikit-learn: digits.data.sum() == 561718.0, target counts of 0 is 178
        assert_eq!(digits.data.sum(), 561_718.0);
        assert_eq!(digits.target.iter().filter(|&&t| t == 0).count(), 178);
    }

    #[test]
    fn corrupt_data_is_an_error() {
        assert!(parse_digits(b"not gzip").is_err());
    }
}
