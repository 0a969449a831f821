//! `agglo cut`: the labels of a fitted tree at other numbers of clusters or
//! at a distance threshold, without refitting.

use std::path::Path;
use std::time::Instant;

use agglo::Tree;
use anyhow::{Context, Result};
use ndarray::{Array1, Array2, Ix1, Ix2};
use ndarray_npy::WriteNpyExt;

use crate::bad_input;
use crate::cli::CutArgs;
use crate::guard::write_file_atomically;
use crate::model_file::ModelFile;
use agglo_io::npy::read_numeric_file;

/// Runs `agglo cut`.
///
/// # Errors
/// Bad flags, a model folder that is not a full tree (or has no distances
/// for a threshold), an output that cannot be written.
pub fn run(args: &CutArgs) -> Result<()> {
    let start = Instant::now();
    if !args
        .out
        .to_string_lossy()
        .to_ascii_lowercase()
        .ends_with(".npy")
    {
        return Err(bad_input(format!(
            "--out {}: agglo cut writes an .npy file",
            args.out.display()
        )));
    }
    let ks = match (&args.n_clusters, args.distance_threshold) {
        (Some(ks), None) => ks.clone(),
        (None, Some(_)) => Vec::new(),
        _ => {
            return Err(bad_input(
                "--n-clusters, --distance-threshold: Exactly one of n_clusters and \
                 distance_threshold has to be set, and the other needs to be None.",
            ))
        }
    };
    let tree = read_tree(&args.model, args.distance_threshold.is_some(), "cut")?;
    let cut = |ks: &[usize]| {
        tree.cut_many(ks)
            .map_err(|e| anyhow::Error::new(e).context("--n-clusters"))
    };
    let (bytes, what, n_clusters) = if let Some(t) = args.distance_threshold {
        let k = tree.distances().iter().filter(|&&d| d >= t).count() + 1;
        let labels = cut(&[k])?.remove(0);
        let labels = Array1::from_iter(labels.iter().map(|&l| l as i64));
        (
            npy(&labels)?,
            format!("{k} clusters at distance {t}"),
            vec![k],
        )
    } else {
        let cuts = cut(&ks)?;
        let bytes = if ks.len() == 1 {
            npy(&Array1::from_iter(cuts[0].iter().map(|&l| l as i64)))?
        } else {
            let n = tree.n_leaves();
            let flat = cuts.iter().flatten().map(|&l| l as i64).collect();
            npy(&Array2::from_shape_vec((ks.len(), n), flat).expect("one label a leaf"))?
        };
        let list: Vec<String> = ks.iter().map(ToString::to_string).collect();
        (bytes, format!("{} clusters", list.join(", ")), ks.clone())
    };
    write_file_atomically(&args.out, &bytes)?;
    let seconds = start.elapsed().as_secs_f64();
    let text = format!(
        "{}: {} leaves cut into {what}; wrote {} in {seconds:.3} s",
        args.model.display(),
        tree.n_leaves(),
        args.out.display(),
    );
    let value = serde_json::json!({
        "command": "cut",
        "model": args.model.display().to_string(),
        "n_leaves": tree.n_leaves(),
        "n_clusters": n_clusters,
        "distance_threshold": args.distance_threshold,
        "outputs": [args.out.display().to_string()],
    });
    crate::summary::report(args.json, args.quiet, &text, value, seconds, &[])
}

/// `array` as the bytes of an `.npy` file.
fn npy<D: ndarray::Dimension>(array: &ndarray::Array<i64, D>) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    array.write_npy(&mut bytes).context("encoding the labels")?;
    Ok(bytes)
}

/// The full tree of the model folder `dir`: `children.npy`, checked against
/// `model.json`, with `distances.npy` when `with_distances`; `purpose`
/// (`cut`, `drawn`) words the refusal of a partial tree.
pub(crate) fn read_tree(dir: &Path, with_distances: bool, purpose: &str) -> Result<Tree> {
    // No run switches the folder while it is read.
    let _switch_out = crate::folder::read_lock(dir);
    let model = ModelFile::read(dir)?;
    let n = model.fitted.n_leaves;
    let merges = model.fitted.n_merges;
    if merges + 1 != n {
        return Err(bad_input(format!(
            "--model {}: the tree stops after {merges} of {} merges, so it cannot be \
             {purpose}; refit with --compute-full-tree true",
            dir.display(),
            n.saturating_sub(1)
        )));
    }
    let path = dir.join("children.npy");
    let name = path.display().to_string();
    let (children, _) = read_numeric_file(&path, &name)?;
    let children = children
        .to_f64()
        .into_dimensionality::<Ix2>()
        .ok()
        .filter(|c| c.dim() == (merges, 2))
        .ok_or_else(|| bad_input(format!("{name}: expected {merges} rows of 2 node ids")))?;
    let node = |v: f64| {
        (v >= 0.0 && v.fract() == 0.0)
            .then_some(v as usize)
            .ok_or_else(|| bad_input(format!("{name}: {v} is not a node id")))
    };
    let pairs = children
        .rows()
        .into_iter()
        .map(|row| Ok([node(row[0])?, node(row[1])?]))
        .collect::<Result<Vec<[usize; 2]>>>()?;
    let distances = if with_distances {
        let path = dir.join("distances.npy");
        if !path.is_file() {
            return Err(bad_input(format!(
                "--model {}: no distances.npy, which the tree must have to be {purpose} \
                 at its distances; refit with --compute-distances",
                dir.display()
            )));
        }
        let name = path.display().to_string();
        let (d, _) = read_numeric_file(&path, &name)?;
        let d = d.to_f64().into_dimensionality::<Ix1>().ok();
        match d.filter(|d| d.len() == merges) {
            Some(d) => d.to_vec(),
            None => return Err(bad_input(format!("{name}: expected {merges} distances"))),
        }
    } else {
        vec![0.0; merges]
    };
    Tree::from_parts(n, pairs, distances, model.fitted.n_connected_components)
        .map_err(|e| bad_input(format!("{name}: {e}")))
}
