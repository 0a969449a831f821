//! `model.json`: what `agglo fit` was asked, what it found, and on what
//! data, so that results can be traced and models applied again.

use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::bad_input;

/// The contents of `model.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// Always `"agglo-model"`.
    pub format: String,
    /// The version of this layout (1).
    pub format_version: u32,
    /// The agglo version that wrote it.
    pub agglo_version: String,
    /// `FeatureAgglomeration` (axis features) or `AgglomerativeClustering`.
    pub estimator: String,
    /// `features` or `samples`.
    pub axis: String,
    /// The parameters, as scikit-learn names them.
    pub params: Params,
    /// Fitted counts.
    pub fitted: Fitted,
    /// The input array.
    pub input: Input,
    /// How points were joined.
    pub connectivity: ConnectivityInfo,
    /// Files written beside this one.
    pub outputs: Vec<String>,
    /// Warnings raised while fitting.
    pub warnings: Vec<String>,
}

impl ModelFile {
    /// Reads `model.json` of the folder `dir` that `agglo fit` wrote.
    ///
    /// # Errors
    /// Not a model folder, or a `model.json` that cannot be read or parsed;
    /// as bad input naming the folder or file.
    pub fn read(dir: &Path) -> Result<Self> {
        let json_path = dir.join("model.json");
        if !json_path.is_file() {
            return Err(bad_input(format!(
                "--model {}: not a model folder written by agglo fit (no model.json)",
                dir.display()
            )));
        }
        let text = std::fs::read_to_string(&json_path)
            .map_err(|e| bad_input(format!("cannot read {}: {e}", json_path.display())))?;
        serde_json::from_str(&text).map_err(|e| {
            bad_input(format!(
                "{}: not a valid agglo model description: {e}",
                json_path.display()
            ))
        })
    }
}

/// Estimator parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// `n_clusters`, when that was the stopping rule.
    pub n_clusters: Option<usize>,
    /// `distance_threshold`, when that was the stopping rule.
    pub distance_threshold: Option<f64>,
    /// Linkage name.
    pub linkage: String,
    /// Metric name.
    pub metric: String,
    /// Pooling function (features axis).
    pub pooling: String,
    /// `auto`, `true` or `false`.
    pub compute_full_tree: String,
    /// Whether distances were asked for.
    pub compute_distances: bool,
    /// `complete`, `raise` or `separate` (models written before it existed
    /// were fitted as `complete`).
    #[serde(default = "complete")]
    pub on_disconnected: String,
    /// ReNA's parameters, for a model of `--method rena`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rena: Option<RenaParams>,
}

fn complete() -> String {
    "complete".into()
}

/// nilearn's names for ReNA's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenaParams {
    /// The largest number of rounds.
    pub n_iter: usize,
    /// The relative tolerance of the nearest-neighbour test.
    pub threshold: f64,
    /// Whether transform scales by the square root of the sizes.
    pub scaling: bool,
}

/// Counts found by the fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fitted {
    /// `n_clusters_`.
    pub n_clusters: usize,
    /// `n_leaves_`: the number of points clustered.
    pub n_leaves: usize,
    /// Rows of `children.npy`.
    pub n_merges: usize,
    /// `n_connected_components_`.
    pub n_connected_components: usize,
}

/// The input data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// The path as given.
    pub file: String,
    /// Its shape.
    pub shape: Vec<usize>,
    /// Its dtype descriptor, e.g. `<f8`.
    pub dtype: String,
    /// Samples (rows after flattening).
    pub n_samples: usize,
    /// Features used (columns after flattening and masking).
    pub n_features: usize,
    /// For a 4-D NIfTI series: its timing, given back to the series that
    /// `inverse-transform` writes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timing>,
}

/// The timing of a NIfTI series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// The repetition time, `pixdim[4]`, in the header's time unit.
    pub tr: f64,
    /// The header's `xyzt_units` code (space and time units).
    pub xyzt_units: u8,
}

/// The connectivity used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectivityInfo {
    /// `none`, `grid` or `file`.
    pub kind: String,
    /// The grid shape, for a grid.
    pub grid: Option<Vec<usize>>,
    /// The mask, if one was given.
    pub mask: Option<MaskInfo>,
    /// The connectivity file, for `file`.
    pub file: Option<String>,
}

/// A mask given with `--mask`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MaskInfo {
    /// The path as given.
    pub file: String,
    /// Its shape.
    pub shape: Vec<usize>,
    /// The number of points inside.
    pub n_inside: usize,
}
