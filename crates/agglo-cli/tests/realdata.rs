//! Real data through the binary: NIfTI series and masks made by nibabel,
//! CSV and .npz tables, saved models applied to new data, figures; compared
//! with scikit-learn's answers in `tests/fixtures/realdata`.

use std::fs;
use std::path::Path;
use std::process::Output;

use ndarray::{Array2, ArrayD};
use ndarray_npy::WriteNpyExt;
use nifti::{IntoNdArray, NiftiObject, ReaderOptions};

mod common;
use common::{agglo, read_f64, read_i64, refused, stderr, write_digits};

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/realdata")
        .join(name)
        .display()
        .to_string()
}

fn ok(out: &Output) {
    assert!(out.status.success(), "{}", stderr(out));
}

fn nifti(path: impl AsRef<Path>) -> (nifti::NiftiHeader, ArrayD<f64>) {
    let object = ReaderOptions::new().read_file(path.as_ref()).unwrap();
    let header = object.header().clone();
    (header, object.into_volume().into_ndarray::<f64>().unwrap())
}

#[test]
fn nifti_series_with_mask_gives_scikit_learns_parcellation() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&agglo(
        d,
        &[
            "fit",
            &data("series.nii.gz"),
            "--mask",
            &data("mask.nii.gz"),
            "--n-clusters",
            "6",
            "--out",
            "parcels",
        ],
    ));
    let labels = read_i64(d.join("parcels/labels.npy"));
    assert_eq!(labels, read_i64(data("fit_labels.npy")));
    assert_eq!(
        read_i64(d.join("parcels/children.npy")),
        read_i64(data("fit_children.npy"))
    );

    // The parcellation image: the mask's grid and affine, label + 1 inside.
    let (header, image) = nifti(d.join("parcels/labels.nii.gz"));
    let (mask_header, mask) = nifti(data("mask.nii.gz"));
    assert_eq!(image.shape(), mask.shape());
    assert_eq!(
        (header.srow_x, header.srow_y, header.srow_z),
        (mask_header.srow_x, mask_header.srow_y, mask_header.srow_z)
    );
    assert_eq!(header.sform_code, mask_header.sform_code);
    // Voxels in row-major (x, y, z) order, as data[mask] in nibabel.
    let mut inside = 0;
    for (index, &m) in mask.as_standard_layout().iter().enumerate() {
        let value = image
            .as_standard_layout()
            .iter()
            .nth(index)
            .copied()
            .unwrap();
        if m == 0.0 {
            assert_eq!(value, 0.0);
        } else {
            assert_eq!(value, (labels[inside] + 1) as f64);
            inside += 1;
        }
    }
    assert_eq!(inside, labels.len());

    // The series is read once: the fit's pooling (from the copy made as it
    // was read) equals `transform` of the same file, read whole.
    ok(&agglo(
        d,
        &[
            "transform",
            &data("series.nii.gz"),
            "--model",
            "parcels",
            "--out",
            "fit_ts.npy",
        ],
    ));
    assert_eq!(
        read_f64(d.join("parcels/reduced.npy")),
        read_f64(d.join("fit_ts.npy"))
    );
    // restored.nii.gz is restored.npy on the grid, 0 outside the mask,
    // with the series' geometry and timing.
    let (restored_header, restored_image) = nifti(d.join("parcels/restored.nii.gz"));
    let (series_header, series) = nifti(data("series.nii.gz"));
    assert_eq!(restored_image.shape(), series.shape());
    assert_eq!(restored_header.datatype, 64);
    assert_eq!(
        (
            restored_header.srow_x,
            restored_header.srow_y,
            restored_header.srow_z
        ),
        (
            series_header.srow_x,
            series_header.srow_y,
            series_header.srow_z
        )
    );
    assert_eq!(
        (restored_header.pixdim, restored_header.xyzt_units),
        (series_header.pixdim, series_header.xyzt_units)
    );
    let restored = read_f64(d.join("parcels/restored.npy"));
    let mask_values = mask
        .as_standard_layout()
        .iter()
        .copied()
        .collect::<Vec<_>>();
    let [nx, ny, nz, nt] = series.shape() else {
        panic!("a 4-D series")
    };
    for t in 0..*nt {
        let mut j = 0;
        for (index, &m) in mask_values.iter().enumerate() {
            let (x, y, z) = (index / (ny * nz), (index / nz) % ny, index % nz);
            assert!(x < *nx);
            let value = restored_image[[x, y, z, t]];
            if m == 0.0 {
                assert_eq!(value, 0.0);
            } else {
                assert_eq!(value, restored[[t, j]], "volume {t}, voxel {index}");
                j += 1;
            }
        }
    }

    // New data through the saved model.
    ok(&agglo(
        d,
        &[
            "transform",
            &data("new_series.nii.gz"),
            "--model",
            "parcels",
            "--out",
            "ts.npy",
        ],
    ));
    assert_eq!(
        read_f64(d.join("ts.npy")),
        read_f64(data("new_reduced.npy"))
    );
    ok(&agglo(
        d,
        &[
            "inverse-transform",
            "ts.npy",
            "--model",
            "parcels",
            "--out",
            "restored.npy",
        ],
    ));
    assert_eq!(
        read_f64(d.join("restored.npy")),
        read_f64(data("new_restored.npy"))
    );
    ok(&agglo(
        d,
        &[
            "inverse-transform",
            "ts.npy",
            "--model",
            "parcels",
            "--out",
            "restored.nii.gz",
        ],
    ));
    let (_, series) = nifti(d.join("restored.nii.gz"));
    assert_eq!(series.shape(), &[7, 6, 5, 4]);
    ok(&agglo(
        d,
        &[
            "transform",
            &data("new_series.nii.gz"),
            "--model",
            "parcels",
            "--out",
            "ts.csv",
        ],
    ));
    let csv = fs::read_to_string(d.join("ts.csv")).unwrap();
    let first: Vec<f64> = csv
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    let want = read_f64(data("new_reduced.npy"));
    assert_eq!(
        first,
        want.as_standard_layout()
            .iter()
            .take(6)
            .copied()
            .collect::<Vec<_>>()
    );
}

#[test]
fn scaled_integer_images_and_single_volumes_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&agglo(
        d,
        &[
            "fit",
            &data("scaled_int16.nii.gz"),
            "--mask",
            &data("mask.nii.gz"),
            "--n-clusters",
            "6",
            "--out",
            "a",
            "-q",
        ],
    ));
    assert_eq!(
        read_i64(d.join("a/labels.npy")),
        read_i64(data("scaled_labels.npy"))
    );
    let out = agglo(
        d,
        &[
            "fit",
            &data("volume3d.nii.gz"),
            "--mask",
            &data("mask3d.nii.gz"),
            "--n-clusters",
            "5",
            "--out",
            "b",
            "--figure",
            "slices.png",
        ],
    );
    ok(&out);
    assert_eq!(
        read_i64(d.join("b/labels.npy")),
        read_i64(data("volume3d_labels.npy"))
    );
    let png = fs::read(d.join("slices.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    // A single volume is restored as a 3-D image.
    let (_, restored) = nifti(d.join("b/restored.nii.gz"));
    let (_, mask) = nifti(data("mask3d.nii.gz"));
    assert_eq!(restored.shape(), mask.shape());
}

#[test]
fn csv_and_npz_tables_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let want = read_i64(data("table_labels.npy"));
    for (input, extra, out) in [
        (data("table.csv"), None, "c1"),
        (data("table_noheader.csv"), None, "c2"),
        (data("table.npz"), Some("X"), "c3"),
    ] {
        let mut args = vec![
            "fit",
            &input,
            "--grid",
            "3,3",
            "--n-clusters",
            "4",
            "--out",
            out,
        ];
        if let Some(key) = extra {
            args.extend(["--key", key]);
        }
        ok(&agglo(d, &args));
        assert_eq!(read_i64(d.join(out).join("labels.npy")), want, "{input}");
    }
    let table = data("table.npz");
    let out = agglo(
        d,
        &[
            "fit",
            &table,
            "--grid",
            "3,3",
            "--n-clusters",
            "4",
            "--out",
            "c4",
        ],
    );
    refused(&out, "holds 2 arrays (X, other); choose one with --key");
    let out = agglo(
        d,
        &[
            "fit",
            &table,
            "--key",
            "Y",
            "--grid",
            "3,3",
            "--n-clusters",
            "4",
            "--out",
            "c4",
        ],
    );
    assert!(
        stderr(&out).contains("no array named 'Y'"),
        "{}",
        stderr(&out)
    );
    fs::write(d.join("ragged.csv"), "1,2,3\n4,5\n").unwrap();
    let out = agglo(
        d,
        &["fit", "ragged.csv", "--n-clusters", "2", "--out", "c5"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ragged.csv"), "{}", stderr(&out));
    fs::write(d.join("words.csv"), "a,b\n1,x\n").unwrap();
    let out = agglo(d, &["fit", "words.csv", "--n-clusters", "2", "--out", "c5"]);
    assert!(
        stderr(&out).contains("line 2, column 2: 'x' is not a number"),
        "{}",
        stderr(&out)
    );
    assert!(!d.join("c4").exists() && !d.join("c5").exists());
}

#[test]
fn saved_models_refuse_data_that_does_not_fit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_digits(d);
    ok(&agglo(
        d,
        &[
            "fit",
            "digits.npy",
            "--grid",
            "8,8",
            "--n-clusters",
            "10",
            "--out",
            "m",
            "--figure",
            "fig.png",
        ],
    ));
    let png = fs::read(d.join("fig.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    ok(&agglo(
        d,
        &[
            "fit",
            &data("table.csv"),
            "--axis",
            "samples",
            "--n-clusters",
            "3",
            "--out",
            "s",
        ],
    ));
    let narrow = Array2::<f64>::zeros((3, 5));
    narrow
        .write_npy(fs::File::create(d.join("narrow.npy")).unwrap())
        .unwrap();
    let wide_reduced = Array2::<f64>::zeros((3, 11));
    wide_reduced
        .write_npy(fs::File::create(d.join("wide.npy")).unwrap())
        .unwrap();
    for (args, expected) in [
        (
            vec!["transform", "narrow.npy", "--model", "m", "--out", "r.npy"],
            "the input has 5 features, but the grid [8, 8] has 64 points",
        ),
        (
            vec![
                "inverse-transform",
                "wide.npy",
                "--model",
                "m",
                "--out",
                "r.npy",
            ],
            "reduced data has 11 columns, but the model has 10 clusters",
        ),
        (
            vec![
                "transform",
                "digits.npy",
                "--model",
                "nowhere",
                "--out",
                "r.npy",
            ],
            "not a model folder written by agglo fit",
        ),
        (
            vec!["transform", "digits.npy", "--model", "m", "--out", "r.txt"],
            "write .npy or .csv",
        ),
        (
            vec![
                "inverse-transform",
                "wide.npy",
                "--model",
                "m",
                "--out",
                "r.nii.gz",
            ],
            "reduced data has 11 columns",
        ),
        (
            vec![
                "fit",
                "digits.npy",
                "--grid",
                "8,8",
                "--n-clusters",
                "3",
                "--out",
                "m",
                "--figure",
                "fig.gif",
            ],
            "not '.gif'",
        ),
    ] {
        let out = agglo(d, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(
            !d.join("r.npy").exists() && !d.join("r.txt").exists() && !d.join("fig.gif").exists()
        );
    }
    // The model folder from the failed fit is intact: still 10 clusters.
    let model: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("m/model.json")).unwrap()).unwrap();
    assert_eq!(model["fitted"]["n_clusters"], 10);
    // A model folder edited by hand is refused, not misread.
    fs::create_dir(d.join("edited")).unwrap();
    fs::copy(d.join("m/model.json"), d.join("edited/model.json")).unwrap();
    ndarray::Array1::from(vec![0i64, 1, 1, 2])
        .write_npy(fs::File::create(d.join("edited/labels.npy")).unwrap())
        .unwrap();
    let out = agglo(
        d,
        &[
            "transform",
            "digits.npy",
            "--model",
            "edited",
            "--out",
            "r.npy",
        ],
    );
    refused(
        &out,
        "labels.npy has 4 labels, but the grid and mask hold 64 points",
    );
    // A model that clusters samples has nothing to pool.
    let out = agglo(
        d,
        &["transform", "digits.npy", "--model", "s", "--out", "r.npy"],
    );
    assert!(
        stderr(&out).contains("this model clusters samples"),
        "{}",
        stderr(&out)
    );
}

/// `path` written again with its affine moved by `shift` mm along x (and
/// flipped in x with `flip`), its voxels unchanged.
fn moved_copy(path: &str, to: &Path, shift: f32, flip: bool) {
    let object = ReaderOptions::new().read_file(path).unwrap();
    let mut header = object.header().clone();
    let volume = object.into_volume().into_ndarray::<f64>().unwrap();
    header.sform_code = header.sform_code.max(1);
    header.srow_x[3] += shift;
    if flip {
        header.srow_x[0] = -header.srow_x[0];
    }
    nifti::writer::WriterOptions::new(to)
        .reference_header(&header)
        .write_nifti(&volume)
        .unwrap();
}

#[test]
fn images_that_do_not_line_up_are_refused_with_both_affines() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (name, shift, flip) in [
        ("shifted.nii.gz", 10.0, false),
        ("flipped.nii.gz", 0.0, true),
    ] {
        moved_copy(&data("mask.nii.gz"), &d.join(name), shift, flip);
        let run = agglo(
            d,
            &[
                "fit",
                &data("series.nii.gz"),
                "--mask",
                name,
                "--n-clusters",
                "6",
                "--out",
                "p",
            ],
        );
        refused(&run, "do not line up: their voxel-to-world affines differ");
        assert!(stderr(&run).contains(name) && stderr(&run).contains("resample"));
        assert!(!d.join("p").exists());
    }
    // A model fitted on the series refuses new images from elsewhere.
    ok(&agglo(
        d,
        &[
            "fit",
            &data("series.nii.gz"),
            "--mask",
            &data("mask.nii.gz"),
            "--n-clusters",
            "6",
            "--out",
            "m",
            "-q",
        ],
    ));
    moved_copy(
        &data("new_series.nii.gz"),
        &d.join("moved_series.nii.gz"),
        4.0,
        false,
    );
    refused(
        &agglo(
            d,
            &[
                "transform",
                "moved_series.nii.gz",
                "--model",
                "m",
                "--out",
                "r.npy",
            ],
        ),
        "do not line up",
    );
    assert!(!d.join("r.npy").exists());
    ok(&agglo(
        d,
        &[
            "transform",
            &data("new_series.nii.gz"),
            "--model",
            "m",
            "--out",
            "r.npy",
        ],
    ));
    let series = data("new_series.nii.gz");
    let args = ["transform", &series, "--model", "m", "--out", "r.nii.gz"];
    refused(
        &agglo(d, &args),
        "a NIfTI series is what inverse-transform writes",
    );
}

#[test]
fn model_json_records_the_dtype_an_image_stores() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (input, expected) in [
        ("series.nii.gz", "<f4"),
        ("scaled_int16.nii.gz", "<i2+scaled"),
    ] {
        let (header, _) = nifti(data(input));
        assert_eq!(
            header.datatype,
            if expected.starts_with("<f4") { 16 } else { 4 },
            "{input}"
        );
        ok(&agglo(
            d,
            &[
                "fit",
                &data(input),
                "--mask",
                &data("mask.nii.gz"),
                "--n-clusters",
                "3",
                "--out",
                input,
                "-q",
            ],
        ));
        let model: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(d.join(input).join("model.json")).unwrap())
                .unwrap();
        assert_eq!(model["input"]["dtype"], expected, "{input}");
    }
}

#[test]
fn an_inverse_transformed_series_keeps_the_timing_of_the_series_fitted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let object = ReaderOptions::new()
        .read_file(data("series.nii.gz"))
        .unwrap();
    let mut header = object.header().clone();
    let volume = object.into_volume().into_ndarray::<f64>().unwrap();
    header.pixdim[4] = 2.5;
    header.xyzt_units = 2 | 8; // millimetres, seconds
    nifti::writer::WriterOptions::new(d.join("timed.nii.gz"))
        .reference_header(&header)
        .write_nifti(&volume)
        .unwrap();
    ok(&agglo(
        d,
        &[
            "fit",
            "timed.nii.gz",
            "--mask",
            &data("mask.nii.gz"),
            "--n-clusters",
            "4",
            "--out",
            "m",
            "-q",
        ],
    ));
    let model: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("m/model.json")).unwrap()).unwrap();
    assert_eq!(model["input"]["time"]["tr"], 2.5);
    ok(&agglo(
        d,
        &[
            "inverse-transform",
            "m/reduced.npy",
            "--model",
            "m",
            "--out",
            "back.nii.gz",
        ],
    ));
    let (back, _) = nifti(d.join("back.nii.gz"));
    assert_eq!(back.pixdim[4], 2.5);
    assert_eq!(back.xyzt_units, 10);
    assert_eq!(back.dim[4], 12, "12 volumes");
}

#[test]
fn too_many_clusters_for_an_image_are_refused_before_its_data_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The header is whole, the data cut short: only a reader of the data
    // would notice.
    let bytes = fs::read(data("series.nii.gz")).unwrap();
    fs::write(d.join("cut.nii.gz"), &bytes[..bytes.len() / 2]).unwrap();
    for mask in [Some(data("mask.nii.gz")), None] {
        let mut args = vec![
            "fit",
            "cut.nii.gz",
            "--n-clusters",
            "100000",
            "--out",
            "out",
        ];
        if let Some(mask) = &mask {
            args.extend(["--mask", mask.as_str()]);
        }
        let run = agglo(d, &args);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(2), "{err}");
        assert!(err.contains("--n-clusters 100000 for cut.nii.gz"), "{err}");
        assert!(!err.contains("truncated"), "refused before reading: {err}");
        assert!(!d.join("out").exists());
    }
}

#[test]
fn csv_separators_and_index_columns_are_read_or_refused_never_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let want = read_i64(data("table_labels.npy"));
    let text = fs::read_to_string(data("table.csv")).unwrap();
    let with = |sep: &str| text.replace(',', sep);
    // pandas' to_csv: an unnamed index column first.
    let pandas: String = text
        .lines()
        .enumerate()
        .map(|(i, line)| match i {
            0 => format!(",{line}\n"),
            _ => format!("{},{line}\n", i - 1),
        })
        .collect();
    // Decimal commas and ';' separators: both split every line evenly.
    let decimal: String = with(";")
        .replace('.', ",")
        .lines()
        .skip(1)
        .flat_map(|l| [l, "\n"])
        .collect();
    let decimal_header = with(";").replace('.', ",");
    fs::write(d.join("decimal_header.csv"), &decimal_header).unwrap();
    fs::write(d.join("semicolon.csv"), with(";")).unwrap();
    fs::write(d.join("pipe.txt"), with("|")).unwrap();
    fs::write(d.join("tab.tsv"), with("\t")).unwrap();
    fs::write(
        d.join("space.txt"),
        text.lines()
            .skip(1)
            .map(|l| l.replace(',', " ") + "\n")
            .collect::<String>(),
    )
    .unwrap();
    fs::write(d.join("pandas.csv"), &pandas).unwrap();
    fs::write(d.join("decimal.csv"), &decimal).unwrap();
    let fit = |input: &str, extra: &[&str], out: &str| {
        let mut args = vec![
            "fit",
            input,
            "--grid",
            "3,3",
            "--n-clusters",
            "4",
            "--out",
            out,
            "-q",
        ];
        args.extend(extra);
        agglo(d, &args)
    };
    for (input, extra) in [
        ("semicolon.csv", &[][..]),
        ("pipe.txt", &[]),
        ("tab.tsv", &[]),
        ("space.txt", &[]),
        ("semicolon.csv", &["--delimiter", ";"]),
        ("pandas.csv", &["--index-col", "0"]),
    ] {
        let out = format!("out_{}_{}", input, extra.len());
        ok(&fit(input, extra, &out));
        assert_eq!(
            read_i64(d.join(&out).join("labels.npy")),
            want,
            "{input} {extra:?}"
        );
    }
    let run = fit("pandas.csv", &[], "p");
    refused(
        &run,
        "pandas.csv: the header starts with an empty field, as pandas writes its index",
    );
    assert!(stderr(&run).contains("--index-col 0"));
    // Kept as data on request: a tenth column.
    let run = fit(
        "pandas.csv",
        &["--index-col", "none", "--grid", "2,5"],
        "p2",
    );
    assert!(
        !run.status.success(),
        "the grid flag given twice is refused by clap"
    );
    let mut args = vec![
        "fit",
        "pandas.csv",
        "--index-col",
        "none",
        "--n-clusters",
        "4",
        "--out",
        "p3",
        "-q",
    ];
    ok(&agglo(d, &args));
    assert_eq!(read_i64(d.join("p3/labels.npy")).len(), 10);
    args.clear();
    let run = fit("decimal.csv", &[], "dec");
    refused(&run, "cannot tell the separator");
    assert!(stderr(&run).contains("--delimiter ';'"), "{}", stderr(&run));
    // With the separator given (or told by a header), decimal commas are
    // not numbers, and the message says why.
    let run = fit("decimal.csv", &["--delimiter", ";"], "dec2");
    refused(&run, "'0,251' is not a number (a decimal comma?");
    let run = fit("decimal_header.csv", &[], "dec3");
    refused(&run, "is not a number (a decimal comma?");
    let run = fit(
        &data("table.npz"),
        &["--delimiter", ";", "--key", "X"],
        "npz",
    );
    refused(&run, "--delimiter and --index-col apply to CSV tables");
    let run = fit("semicolon.csv", &["--delimiter", "ab"], "bad");
    refused(&run, "is not a separator");
}

#[test]
fn brain_figures_take_an_underlay_on_the_grid_of_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fit = |extra: &[&str], out: &str| {
        let series = data("series.nii.gz");
        let mask = data("mask.nii.gz");
        let mut args = vec![
            "fit",
            &series,
            "--mask",
            &mask,
            "--n-clusters",
            "6",
            "--out",
            out,
            "-q",
        ];
        args.extend(extra);
        agglo(d, &args)
    };
    ok(&fit(&["--figure", "mean.png"], "a"));
    // The mask itself as the underlay: same grid and affine.
    let mask = data("mask.nii.gz");
    ok(&fit(&["--figure", "mask.svg", "--underlay", &mask], "b"));
    let svg = fs::read_to_string(d.join("mask.svg")).unwrap();
    assert!(
        svg.contains("6 parcels, ward linkage"),
        "titled with k and the method"
    );
    assert!(svg.contains(" mm"), "slices placed in millimetres");
    assert!(fs::read(d.join("mean.png"))
        .unwrap()
        .starts_with(b"\x89PNG"));
    // An underlay on another grid, or missing, is refused, and nothing is
    // written.
    let other = data("volume3d.nii.gz");
    let run = fit(&["--figure", "x.png", "--underlay", &other], "c");
    refused(&run, "not the grid");
    assert!(!d.join("c").exists() && !d.join("x.png").exists());
    let run = fit(&["--figure", "y.png", "--underlay", "missing.nii.gz"], "e");
    refused(&run, "--underlay missing.nii.gz: no such file");
    let run = fit(&["--underlay", &mask], "f");
    assert!(!run.status.success(), "--underlay needs --figure");
}
