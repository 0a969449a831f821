//! PNG and SVG outputs, determinism, and error cases.

mod common;

use agglo_plot::{AgglomerationFigure, Figure, Panel, PlotError, SubplotParams};
use common::{decode_png, Digits};
use ndarray::{array, Array2};

#[test]
fn png_round_trip_is_400_by_350_rgba() {
    let png = Digits::load().figure().render_png().unwrap();
    let (w, h, rgba) = decode_png(&png);
    assert_eq!((w, h), (400, 350));
    assert_eq!(rgba.len(), 400 * 350 * 4);
    // Opaque everywhere, white in the top left corner.
    assert!(rgba.chunks(4).all(|p| p[3] == 255));
    assert_eq!(&rgba[..4], &[255, 255, 255, 255]);
}

#[test]
fn output_is_deterministic() {
    let digits = Digits::load();
    let figure = digits.figure();
    assert_eq!(figure.render_png().unwrap(), figure.render_png().unwrap());
    assert_eq!(figure.render_svg().unwrap(), figure.render_svg().unwrap());
    let (_, _, rgba) = figure.render_rgba().unwrap();
    let (_, _, decoded) = decode_png(&figure.render_png().unwrap());
    assert_eq!(rgba, decoded);
}

#[test]
fn svg_is_well_formed_and_font_free() {
    let svg = Digits::load().figure().render_svg().unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert_eq!(root.attribute("viewBox"), Some("0 0 400 350"));
    assert_eq!(root.attribute("width"), Some("288pt"));
    assert_eq!(root.attribute("height"), Some("252pt"));
    // No text that would need a font on the viewer's machine.
    assert!(doc.descendants().all(|n| n.tag_name().name() != "text"));
    assert!(!svg.contains("font-family"));
    // 9 panels, 64 cell rectangles each, plus the background.
    let axes: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("id").is_some_and(|id| id.starts_with("axes_")))
        .collect();
    assert_eq!(axes.len(), 9);
    let rects = doc.descendants().filter(|n| n.has_tag_name("rect")).count();
    assert_eq!(rects, 1 + 9 * 64);
    // Crisp image cells.
    assert!(
        doc.descendants()
            .filter(|n| n.attribute("shape-rendering") == Some("crispEdges"))
            .count()
            == 9
    );
    // Three titles drawn as outlines, labelled for accessibility.
    let titles: Vec<_> = doc
        .descendants()
        .filter_map(|n| n.attribute("aria-label"))
        .collect();
    assert_eq!(titles, ["Original data", "Agglomerated data", "Labels"]);
    for n in doc
        .descendants()
        .filter(|n| n.attribute("aria-label").is_some())
    {
        let d = n.attribute("d").unwrap();
        assert!(
            d.starts_with('M') && d.ends_with('Z') && d.len() > 200,
            "glyph outline path"
        );
    }
}

#[test]
fn svg_cell_colours_match_png() {
    let digits = Digits::load();
    let svg = digits.figure().render_svg().unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let (_, _, rgba) = digits.figure().render_rgba().unwrap();
    // Every pixel under a cell rectangle has the rectangle's colour in the PNG
    // (2 px in from its sides: the axes frame is drawn over the outer cells).
    let mut checked = 0;
    for n in doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.parent().is_some_and(|p| p.has_tag_name("g")))
    {
        let f = |a: &str| {
            n.attribute(a)
                .unwrap()
                .parse::<usize>()
                .expect("whole pixels")
        };
        let (x0, y0, w, h) = (f("x"), f("y"), f("width"), f("height"));
        assert!(
            w >= 10 && h >= 10,
            "an 8 x 8 image cell is 10 or 11 px wide"
        );
        for y in y0 + 2..y0 + h - 2 {
            for x in x0 + 2..x0 + w - 2 {
                let i = (y * 400 + x) * 4;
                let hex = format!("#{:02x}{:02x}{:02x}", rgba[i], rgba[i + 1], rgba[i + 2]);
                assert_eq!(n.attribute("fill"), Some(hex.as_str()), "pixel ({x}, {y})");
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 9 * 64);
}

fn sample(rows: usize, cols: usize) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(r, c)| (r * cols + c) as f64)
}

#[test]
fn fewer_columns_and_other_shapes() {
    let a = sample(6, 10);
    let b = sample(6, 10);
    let labels = Array2::from_shape_fn((6, 10), |(r, c)| r + c);
    let figure = AgglomerationFigure {
        originals: vec![a.view(), b.view()],
        restored: vec![b.view(), a.view()],
        labels: labels.view(),
        vmax: None,
    };
    let (w, h, _) = decode_png(&figure.render_png().unwrap());
    assert_eq!((w, h), (400, 350));
    assert_eq!(figure.figure().unwrap().panels().len(), 5);
    let single = AgglomerationFigure {
        originals: vec![a.view()],
        restored: vec![a.view()],
        labels: labels.view(),
        vmax: None,
    };
    assert!(single
        .render_svg()
        .unwrap()
        .contains("aria-label=\"Labels\""));
}

#[test]
fn general_figure_places_wide_images_with_equal_aspect() {
    let wide = sample(2, 8);
    let figure = Figure::new(2.0, 2.0, 100.0)
        .grid(1, 1)
        .subplots_adjust(SubplotParams {
            left: 0.0,
            right: 1.0,
            bottom: 0.0,
            top: 1.0,
            wspace: 0.2,
            hspace: 0.2,
        })
        .panel(Panel::new(0, 0, wide.view()));
    let (w, h, rgba) = figure.render_rgba().unwrap();
    assert_eq!((w, h), (200, 200));
    // A 200 x 50 box centred vertically: rows 75..125 hold the image.
    let at = |x: usize, y: usize| rgba[(y * 200 + x) * 4];
    assert_eq!(at(100, 40), 255, "white above the image");
    assert_eq!(at(100, 160), 255, "white below the image");
    assert_eq!(at(5, 90), 0, "first cell is the minimum: black");
    assert_eq!(at(195, 110), 255, "last cell is the maximum: white");
}

fn digits_like() -> (Array2<f64>, Array2<usize>) {
    (
        sample(8, 8),
        Array2::from_shape_fn((8, 8), |(r, c)| r * 8 + c),
    )
}

#[test]
fn error_count_mismatch() {
    let (a, labels) = digits_like();
    let f = AgglomerationFigure {
        originals: vec![a.view(), a.view()],
        restored: vec![a.view()],
        labels: labels.view(),
        vmax: Some(16.0),
    };
    let err = f.render_png().unwrap_err();
    assert!(matches!(
        err,
        PlotError::CountMismatch {
            originals: 2,
            restored: 1
        }
    ));
    assert_eq!(
        err.to_string(),
        "originals and restored counts differ (originals = 2, restored = 1)"
    );
}

#[test]
fn error_column_count() {
    let (a, labels) = digits_like();
    let none = AgglomerationFigure {
        originals: vec![],
        restored: vec![],
        labels: labels.view(),
        vmax: None,
    };
    assert!(matches!(none.render_png(), Err(PlotError::ColumnCount(0))));
    let five = AgglomerationFigure {
        originals: vec![a.view(); 5],
        restored: vec![a.view(); 5],
        labels: labels.view(),
        vmax: None,
    };
    let err = five.render_svg().unwrap_err();
    assert!(err.to_string().contains("got 5"), "{err}");
}

#[test]
fn error_empty_image() {
    let (a, labels) = digits_like();
    let empty = Array2::<f64>::zeros((0, 8));
    let f = AgglomerationFigure {
        originals: vec![a.view()],
        restored: vec![empty.view()],
        labels: labels.view(),
        vmax: None,
    };
    let err = f.render_png().unwrap_err();
    assert!(matches!(
        err,
        PlotError::EmptyImage {
            rows: 0,
            cols: 8,
            ..
        }
    ));
    assert_eq!(err.to_string(), "empty image: restored 0 has shape 0x8");
    let no_labels = Array2::<usize>::zeros((8, 0));
    let f = AgglomerationFigure {
        originals: vec![a.view()],
        restored: vec![a.view()],
        labels: no_labels.view(),
        vmax: None,
    };
    assert!(f
        .render_png()
        .unwrap_err()
        .to_string()
        .contains("labels has shape 8x0"));
}

#[test]
fn error_limits() {
    let (a, labels) = digits_like();
    let f = AgglomerationFigure {
        originals: vec![a.view()],
        restored: vec![a.view()],
        labels: labels.view(),
        vmax: Some(f64::NAN),
    };
    let err = f.render_png().unwrap_err();
    assert!(
        matches!(err, PlotError::NonFiniteLimit { name: "vmax", .. }),
        "{err}"
    );
    let shifted = a.mapv(|v| v + 100.0);
    let f = AgglomerationFigure {
        originals: vec![shifted.view()],
        restored: vec![a.view()],
        labels: labels.view(),
        vmax: Some(16.0),
    };
    let err = f.render_png().unwrap_err();
    assert_eq!(
        err.to_string(),
        "vmin (100) is greater than vmax (16) for original 0"
    );
    let nan = Array2::from_elem((8, 8), f64::NAN);
    let f = AgglomerationFigure {
        originals: vec![a.view()],
        restored: vec![nan.view()],
        labels: labels.view(),
        vmax: None,
    };
    assert!(matches!(
        f.render_png(),
        Err(PlotError::NoFiniteValues { .. })
    ));
}

#[test]
fn nan_cells_are_transparent_not_errors() {
    let (mut a, labels) = digits_like();
    a[[0, 0]] = f64::NAN;
    let f = AgglomerationFigure {
        originals: vec![a.view()],
        restored: vec![a.view()],
        labels: labels.view(),
        vmax: Some(64.0),
    };
    assert!(f.render_png().is_ok());
}

#[test]
fn error_figure_and_grid() {
    let a = array![[1.0, 2.0]];
    let zero = Figure::new(0.0, 3.0, 100.0).panel(Panel::new(0, 0, a.view()));
    assert!(matches!(
        zero.render_png(),
        Err(PlotError::InvalidFigureSize { .. })
    ));
    let huge = Figure::new(1e6, 3.0, 100.0);
    assert!(matches!(
        huge.render_svg(),
        Err(PlotError::InvalidFigureSize { .. })
    ));
    let nan_dpi = Figure::new(4.0, 3.0, f64::NAN);
    assert!(nan_dpi.render_rgba().is_err());
    let outside = Figure::new(4.0, 3.0, 100.0)
        .grid(2, 2)
        .panel(Panel::new(2, 0, a.view()));
    let err = outside.render_png().unwrap_err();
    assert_eq!(
        err.to_string(),
        "panel at row 2, column 0 is outside the 2x2 grid"
    );
    let no_grid = Figure::new(4.0, 3.0, 100.0).grid(0, 2);
    assert!(matches!(
        no_grid.render_png(),
        Err(PlotError::EmptyGrid { nrows: 0, ncols: 2 })
    ));
    let bad = SubplotParams {
        left: 0.9,
        right: 0.1,
        ..SubplotParams::default()
    };
    let err = Figure::new(4.0, 3.0, 100.0)
        .subplots_adjust(bad)
        .render_png()
        .unwrap_err();
    assert!(err.to_string().contains("left cannot be >= right"), "{err}");
    let bad_font = Figure::new(4.0, 3.0, 100.0)
        .title_size(-1.0)
        .panel(Panel::new(0, 0, a.view()).title("x"));
    assert!(matches!(
        bad_font.render_png(),
        Err(PlotError::InvalidFontSize(_))
    ));
}
