//! `agglo dendrogram`: the tree a fit wrote, drawn as scipy draws it.

use std::time::Instant;

use agglo_plot::Dendrogram;
use anyhow::Result;

use crate::bad_input;
use crate::cli::DendrogramArgs;
use crate::cut::read_tree;
use crate::figure::is_svg;
use crate::guard::write_file_atomically;
use crate::model_file::ModelFile;

/// Leaves drawn when `--truncate` is not given and the tree is larger.
pub const DEFAULT_TRUNCATE: usize = 64;

/// Runs `agglo dendrogram`.
///
/// # Errors
/// A model folder without a full tree or its distances, an output that is
/// not `.png`/`.svg`, a failed write.
pub fn run(args: &DendrogramArgs) -> Result<()> {
    let start = Instant::now();
    // A .png or .svg name is never one of the model's files.
    let svg = is_svg(&args.out)?;
    let model = ModelFile::read(&args.model)?;
    let tree = read_tree(&args.model, true, "drawn")?;
    let n = tree.n_leaves();
    let p = args.truncate.unwrap_or(DEFAULT_TRUNCATE).min(n);
    if p < 2 {
        return Err(bad_input(format!(
            "--truncate {p}: draw at least 2 clusters"
        )));
    }
    let title = format!("{} linkage, {n} {}", model.params.linkage, model.axis);
    let drawing = Dendrogram::new(n, tree.children(), tree.distances())
        .map_err(|e| bad_input(format!("--model {}: {e}", args.model.display())))?
        .truncate(p)
        .title(title);
    let bytes = if svg {
        drawing.render_svg()?.into_bytes()
    } else {
        drawing.render_png()?
    };
    write_file_atomically(&args.out, &bytes)?;
    let seconds = start.elapsed().as_secs_f64();
    let drawn = if p < n {
        format!("the last {} merges", p - 1)
    } else {
        "every merge".to_string()
    };
    let text = format!(
        "{}: {n} leaves, {drawn} drawn; wrote {} in {seconds:.3} s",
        args.model.display(),
        args.out.display(),
    );
    let value = serde_json::json!({
        "command": "dendrogram",
        "model": args.model.display().to_string(),
        "n_leaves": n,
        "clusters_drawn": p,
        "outputs": [args.out.display().to_string()],
    });
    crate::summary::report(args.json, args.quiet, &text, value, seconds, &[])
}
