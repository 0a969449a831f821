//! Shared loading of the reference data in `tests/data` (made by `generate.py`).

#![allow(dead_code)]

use std::path::PathBuf;

use agglo_plot::AgglomerationFigure;
use ndarray::{Array2, Array3, Axis};
use ndarray_npy::read_npy;
use serde_json::Value;

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The 4 originals, 4 restored images and the label map of the digits example.
pub struct Digits {
    pub originals: Array3<f64>,
    pub restored: Array3<f64>,
    pub labels: Array2<usize>,
}

impl Digits {
    pub fn load() -> Digits {
        let dir = data_dir();
        let originals: Array3<f64> = read_npy(dir.join("originals.npy")).expect("originals.npy");
        let restored: Array3<f64> = read_npy(dir.join("restored.npy")).expect("restored.npy");
        let labels: Array2<i64> = read_npy(dir.join("labels.npy")).expect("labels.npy");
        let labels = labels.mapv(|v| usize::try_from(v).expect("labels are non-negative"));
        Digits {
            originals,
            restored,
            labels,
        }
    }

    pub fn figure(&self) -> AgglomerationFigure<'_> {
        AgglomerationFigure {
            originals: self.originals.axis_iter(Axis(0)).collect(),
            restored: self.restored.axis_iter(Axis(0)).collect(),
            labels: self.labels.view(),
            vmax: Some(16.0),
        }
    }
}

pub fn reference_json() -> Value {
    let text = std::fs::read_to_string(data_dir().join("reference.json")).expect("reference.json");
    serde_json::from_str(&text).expect("valid JSON")
}

/// Decodes a PNG into (width, height, RGBA bytes).
pub fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).expect("PNG frame");
    assert_eq!(info.color_type, png::ColorType::Rgba);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

pub fn reference_png() -> (u32, u32, Vec<u8>) {
    decode_png(&std::fs::read(data_dir().join("reference.png")).expect("reference.png"))
}
