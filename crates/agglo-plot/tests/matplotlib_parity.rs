//! The digits figure against matplotlib 3.11's own rendering of the same data
//! (`tests/data/reference.png`, `reference.json`, made by `generate.py`).

mod common;

use agglo_plot::layout::{grid_cells, image_axes_box, SubplotParams};
use agglo_plot::Colormap;
use common::{decode_png, reference_json, reference_png, Digits};
use serde_json::Value;

const W: usize = 400;
const H: usize = 350;

fn rendered() -> Vec<u8> {
    let png = Digits::load().figure().render_png().expect("renders");
    let (w, h, rgba) = decode_png(&png);
    assert_eq!((w, h), (W as u32, H as u32));
    rgba
}

fn px(rgba: &[u8], x: usize, y: usize) -> [u8; 4] {
    let i = (y * W + x) * 4;
    [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn title_regions(reference: &Value) -> Vec<[usize; 4]> {
    reference["panels"]
        .as_array()
        .expect("panels")
        .iter()
        .filter_map(|p| p.get("title"))
        .map(|t| {
            let e = f64s(&t["extent"]);
            // The text's extent, widened by 3 px for antialiasing.
            [
                (e[0] - 3.0) as usize,
                (e[1] - 3.0) as usize,
                (e[2] + 3.0) as usize,
                (e[3] + 3.0) as usize,
            ]
        })
        .collect()
}

#[test]
fn lookup_tables_match_matplotlib_bit_for_bit() {
    let reference = reference_json();
    for cmap in [Colormap::Gray, Colormap::NipySpectral] {
        let table = &reference["colormaps"][cmap.name()];
        assert_eq!(table["n"].as_u64(), Some(256));
        for channel in 0..4 {
            let bits = table["float_bits"][channel].as_array().expect("bits");
            for (i, b) in bits.iter().enumerate() {
                let expected = f64::from_bits(b.as_u64().expect("u64"));
                let got = cmap.lut()[i][channel];
                assert_eq!(
                    got.to_bits(),
                    expected.to_bits(),
                    "{} entry {i} channel {channel}",
                    cmap.name()
                );
            }
        }
        for (i, entry) in table["bytes"].as_array().expect("bytes").iter().enumerate() {
            let expected: Vec<u8> = entry
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u8)
                .collect();
            assert_eq!(
                cmap.lut_bytes()[i].to_vec(),
                expected,
                "{} byte entry {i}",
                cmap.name()
            );
        }
    }
}

#[test]
fn lookup_table_spot_values() {
    // From (cmap._lut * 255).astype(np.uint8) in matplotlib 3.11.
    let spectral = Colormap::NipySpectral.lut_bytes();
    assert_eq!(spectral[0], [0, 0, 0, 255]);
    assert_eq!(spectral[255], [204, 204, 204, 255]);
    let gray = Colormap::Gray.lut_bytes();
    assert_eq!(gray[33], [32, 32, 32, 255]);
    assert_eq!(gray[34], [34, 34, 34, 255]);
    assert_eq!(gray[255], [255, 255, 255, 255]);
    let reference = reference_json();
    for i in [1usize, 13, 64, 100, 128, 200, 231, 254] {
        let e = &reference["colormaps"]["nipy_spectral"]["bytes"][i];
        let e: Vec<u8> = e
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u8)
            .collect();
        assert_eq!(spectral[i].to_vec(), e, "nipy_spectral[{i}]");
    }
    assert_eq!(agglo_plot::colormap::nipy_spectral(0.5), [0, 188, 0, 255]);
    assert_eq!(
        agglo_plot::colormap::nipy_spectral(1.0),
        [204, 204, 204, 255]
    );
    assert_eq!(agglo_plot::colormap::gray(f64::NAN), [0, 0, 0, 0]);
}

#[test]
fn axes_boxes_match_matplotlib() {
    let reference = reference_json();
    let cells = grid_cells(3, 4, &SubplotParams::FEATURE_AGGLOMERATION).unwrap();
    for panel in reference["panels"].as_array().unwrap() {
        let index = panel["index"].as_u64().unwrap() as usize;
        let (row, col) = match panel["kind"].as_str().unwrap() {
            "original" => (0, index),
            "restored" => (1, index),
            _ => (2, 1),
        };
        let b = image_axes_box(cells[row * 4 + col], 8, 8, 400.0, 350.0).to_pixels(400.0, 350.0);
        let expected = f64s(&panel["box"]); // x0, top, x1, bottom (y down)
        let got = [b.x0, 350.0 - b.y1, b.x1, 350.0 - b.y0];
        for (g, e) in got.iter().zip(&expected) {
            assert!((g - e).abs() < 1e-9, "{panel}: {got:?} vs {expected:?}");
        }
    }
}

#[test]
fn sampled_cell_colours_match_matplotlib() {
    let rgba = rendered();
    let reference = reference_json();
    let mut checked = 0;
    for panel in reference["panels"].as_array().unwrap() {
        for s in panel["samples"].as_array().unwrap() {
            // [row, col, x, y, r, g, b, a]
            let v: Vec<u64> = s
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            let (x, y) = (v[2] as usize, v[3] as usize);
            let expected: Vec<u8> = v[4..].iter().map(|&c| c as u8).collect();
            assert_eq!(
                px(&rgba, x, y).to_vec(),
                expected,
                "{} {} cell ({}, {}) at pixel ({x}, {y})",
                panel["kind"],
                panel["index"],
                v[0],
                v[1]
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 9 * 64);
    // A few spelled out, so a regenerated reference cannot hide a change:
    // original 0, cell (0, 0) is 0 -> black; labels panel cell (0, 0).
    assert_eq!(px(&rgba, 9, 40), [0, 0, 0, 255]);
}

#[test]
fn every_pixel_outside_the_titles_matches_matplotlib() {
    let rgba = rendered();
    let (w, h, reference) = reference_png();
    assert_eq!((w as usize, h as usize), (W, H));
    let titles = title_regions(&reference_json());
    let in_title = |x: usize, y: usize| {
        titles
            .iter()
            .any(|t| x >= t[0] && x < t[2] && y >= t[1] && y < t[3])
    };
    let mut differing = Vec::new();
    for y in 0..H {
        for x in 0..W {
            if !in_title(x, y) && px(&rgba, x, y) != px(&reference, x, y) {
                differing.push((x, y, px(&rgba, x, y), px(&reference, x, y)));
            }
        }
    }
    assert!(
        differing.is_empty(),
        "{} pixels differ, first: {:?}",
        differing.len(),
        &differing[..differing.len().min(10)]
    );
}

#[test]
fn titles_are_nearly_identical_to_matplotlib() {
    // Glyphs are hinted, flattened and rasterised the way matplotlib's
    // FreeType does; what remains are rounding differences of a few levels
    // on some edge pixels (311 pixels, at most 4 of 255, when written).
    let rgba = rendered();
    let (_, _, reference) = reference_png();
    let (mut differing, mut total) = (0usize, 0usize);
    for t in title_regions(&reference_json()) {
        let (mut diff, mut ink_got, mut ink_ref) = (0u64, 0u64, 0u64);
        for y in t[1]..t[3] {
            for x in t[0]..t[2] {
                let (a, b) = (px(&rgba, x, y), px(&reference, x, y));
                let d = a
                    .iter()
                    .zip(&b)
                    .map(|(p, q)| p.abs_diff(*q))
                    .max()
                    .unwrap_or(0);
                assert!(d <= 8, "pixel ({x}, {y}): {a:?} vs matplotlib {b:?}");
                differing += usize::from(d > 0);
                total += 1;
                diff += u64::from(d);
                ink_got += u64::from(255 - a[0]);
                ink_ref += u64::from(255 - b[0]);
            }
        }
        let ink_ratio = ink_got as f64 / ink_ref as f64;
        assert!(
            (0.99..1.01).contains(&ink_ratio),
            "title region {t:?}: ink ratio {ink_ratio}"
        );
        assert!(
            diff as f64 / ((t[2] - t[0]) * (t[3] - t[1])) as f64 <= 0.2,
            "title region {t:?}: {diff}"
        );
    }
    assert!(
        differing * 100 <= total * 5,
        "{differing} of {total} title pixels differ"
    );
}
