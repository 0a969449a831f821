//! Images as input: a PNG (one sample per colour channel, or grey), a
//! multi-page TIFF, a folder of same-sized images; each gives exactly the
//! outputs of the same values given as an `(n, H, W)` `.npy` array.

use std::fs;
use std::path::Path;

use ndarray::Array3;
use ndarray_npy::WriteNpyExt;

use super::common::{agglo, read_f64, read_i64, refused, stderr};

const H: u32 = 12;
const W: u32 = 16;

fn value(x: u32, y: u32, c: u32) -> u8 {
    ((x * 7 + y * 13 + c * 50 + (x * y) % 11) % 256) as u8
}

fn fit(d: &Path, input: &str, out: &str, extra: &[&str]) {
    let mut args = vec!["fit", input, "--n-clusters", "9", "--out", out, "-q"];
    args.extend(extra);
    let run = agglo(d, &args);
    assert!(run.status.success(), "{input}: {}", stderr(&run));
}

fn same_outputs(d: &Path, a: &str, b: &str) {
    assert_eq!(
        read_i64(d.join(a).join("labels.npy")),
        read_i64(d.join(b).join("labels.npy")),
        "{a}"
    );
    for name in ["reduced.npy", "restored.npy"] {
        assert_eq!(
            read_f64(d.join(a).join(name)),
            read_f64(d.join(b).join(name)),
            "{a}: {name}"
        );
    }
}

fn npy(d: &Path, name: &str, samples: &[Vec<f64>]) {
    let data = Array3::from_shape_fn((samples.len(), H as usize, W as usize), |(s, y, x)| {
        samples[s][y * W as usize + x]
    });
    data.write_npy(fs::File::create(d.join(name)).unwrap())
        .unwrap();
}

fn plane(c: u32) -> Vec<f64> {
    (0..H)
        .flat_map(|y| (0..W).map(move |x| f64::from(value(x, y, c))))
        .collect()
}

#[test]
fn images_give_the_outputs_of_the_same_values_as_npy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A colour PNG: three samples, red, green, blue.
    image::RgbImage::from_fn(W, H, |x, y| {
        image::Rgb([value(x, y, 0), value(x, y, 1), value(x, y, 2)])
    })
    .save(d.join("photo.png"))
    .unwrap();
    npy(d, "photo.npy", &[plane(0), plane(1), plane(2)]);
    fit(d, "photo.png", "png", &[]);
    fit(d, "photo.npy", "png_npy", &[]);
    same_outputs(d, "png", "png_npy");
    let model: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("png/model.json")).unwrap()).unwrap();
    assert_eq!(model["input"]["shape"], serde_json::json!([3, H, W]));
    assert_eq!(model["input"]["dtype"], "|u1");

    // Grey: one sample, 0.299 R + 0.587 G + 0.114 B.
    let grey: Vec<f64> = plane(0)
        .iter()
        .zip(plane(1))
        .zip(plane(2))
        .map(|((r, g), b)| 0.299 * r + 0.587 * g + 0.114 * b)
        .collect();
    npy(d, "grey.npy", std::slice::from_ref(&grey));
    fit(d, "photo.png", "grey", &["--grey"]);
    fit(d, "grey.npy", "grey_npy", &[]);
    same_outputs(d, "grey", "grey_npy");

    // A three-page grey TIFF: three samples.
    {
        let file = fs::File::create(d.join("stack.tif")).unwrap();
        let mut tiff = tiff::encoder::TiffEncoder::new(file).unwrap();
        for c in 0..3 {
            let page: Vec<u8> = plane(c).iter().map(|&v| v as u8).collect();
            tiff.write_image::<tiff::encoder::colortype::Gray8>(W, H, &page)
                .unwrap();
        }
    }
    fit(d, "stack.tif", "tif", &[]);
    same_outputs(d, "tif", "png_npy");

    // A folder of grey PNGs, in the order of their names.
    fs::create_dir(d.join("frames")).unwrap();
    for (c, name) in [(2, "c.png"), (0, "a.png"), (1, "b.png")] {
        image::GrayImage::from_fn(W, H, |x, y| image::Luma([value(x, y, c)]))
            .save(d.join("frames").join(name))
            .unwrap();
    }
    fs::write(d.join("frames/notes.txt"), "not an image").unwrap();
    fit(d, "frames", "folder", &[]);
    same_outputs(d, "folder", "png_npy");
    // transform takes images too.
    let run = agglo(
        d,
        &["transform", "photo.png", "--model", "png", "--out", "t.npy"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        read_f64(d.join("t.npy")),
        read_f64(d.join("png/reduced.npy"))
    );
}

#[test]
fn images_that_do_not_fit_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("mixed")).unwrap();
    image::GrayImage::new(W, H)
        .save(d.join("mixed/a.png"))
        .unwrap();
    image::GrayImage::new(W + 1, H)
        .save(d.join("mixed/b.png"))
        .unwrap();
    let run = agglo(d, &["fit", "mixed", "--n-clusters", "3", "--out", "o"]);
    refused(&run, "mixed/b.png is 17×12 pixels, but");
    fs::create_dir(d.join("empty")).unwrap();
    refused(
        &agglo(d, &["fit", "empty", "--n-clusters", "3", "--out", "o"]),
        "must hold images",
    );
    fs::write(d.join("broken.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    refused(
        &agglo(d, &["fit", "broken.png", "--n-clusters", "3", "--out", "o"]),
        "broken.png: not a readable image",
    );
    image::GrayImage::new(W, H).save(d.join("g.png")).unwrap();
    let run = agglo(
        d,
        &["fit", "x.npy", "--grey", "--n-clusters", "3", "--out", "o"],
    );
    assert!(!run.status.success());
    refused(
        &agglo(
            d,
            &[
                "fit",
                "g.png",
                "--key",
                "X",
                "--n-clusters",
                "3",
                "--out",
                "o",
            ],
        ),
        "--key applies to .npz archives",
    );
    assert!(!d.join("o").exists());
}
