//! `agglo dendrogram`: the figure of a full tree, and what it refuses.

use std::fs;

use super::common::{agglo, refused, snapshot, stderr, write_digits};
use super::png_size;

#[test]
fn a_full_tree_is_drawn_as_png_and_svg_and_partial_trees_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_digits(d);
    let fit = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "fit",
            "digits.npy",
            "--grid",
            "8,8",
            "--n-clusters",
            "8",
            "--out",
            out,
            "-q",
        ];
        args.extend_from_slice(extra);
        let run = agglo(d, &args);
        assert!(run.status.success(), "{}", stderr(&run));
    };
    fit(
        "full",
        &["--compute-full-tree", "true", "--compute-distances"],
    );
    fit(
        "partial",
        &["--compute-full-tree", "false", "--compute-distances"],
    );
    fit("nodist", &["--compute-full-tree", "true"]);

    let run = agglo(d, &["dendrogram", "full", "--out", "tree.png"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(png_size(&fs::read(d.join("tree.png")).unwrap()), (800, 450));
    let run = agglo(
        d,
        &[
            "dendrogram",
            "full",
            "--out",
            "tree.svg",
            "--truncate",
            "10",
            "-q",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let svg = fs::read_to_string(d.join("tree.svg")).unwrap();
    assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    // 9 merges drawn, three segments each, in one path of rectangles.
    let links = svg.lines().find(|l| l.contains("#1f77b4")).unwrap();
    assert_eq!(links.matches('M').count(), 27, "{links}");
    // The same figure every time.
    let again = agglo(d, &["dendrogram", "full", "--out", "again.png", "-q"]);
    assert!(again.status.success());
    assert_eq!(
        fs::read(d.join("tree.png")).unwrap(),
        fs::read(d.join("again.png")).unwrap()
    );

    let before = snapshot(&d.join("full"));
    refused(
        &agglo(d, &["dendrogram", "partial", "--out", "p.png"]),
        "cannot be drawn; refit with --compute-full-tree true",
    );
    refused(
        &agglo(d, &["dendrogram", "nodist", "--out", "p.png"]),
        "refit with --compute-distances",
    );
    refused(
        &agglo(d, &["dendrogram", "full", "--out", "p.jpg"]),
        "a figure is written as .png or .svg",
    );
    refused(
        &agglo(
            d,
            &["dendrogram", "full", "--out", "p.png", "--truncate", "1"],
        ),
        "--truncate 1",
    );
    refused(
        &agglo(d, &["dendrogram", "full", "--out", "full/labels.npy"]),
        "a figure is written as .png or .svg, not '.npy'",
    );
    assert_eq!(snapshot(&d.join("full")), before, "the model is untouched");
    assert!(!d.join("p.png").exists() && !d.join("p.jpg").exists());
}
