//! Images, repeated runs, memory checks, masked pooling and timings.

use super::*;

#[test]
fn images_given_as_n_h_w_carry_their_grid() {
    let dir = tempfile::tempdir().unwrap();
    let images = load_digits().images.mapv(|v| v as f32);
    let x = dir.path().join("images.npy");
    images.write_npy(fs::File::create(&x).unwrap()).unwrap();
    let out = dir.path().join("out");
    let run = agglo(
        dir.path(),
        &["fit", "images.npy", "--n-clusters", "32", "--out", "out"],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stderr(&run).contains("using the grid [8, 8]"));
    let seed = fixtures().join("cases/seed_digits_ward_32");
    assert_eq!(
        read_i64(out.join("labels.npy")),
        read_i64(seed.join("labels.npy"))
    );
    let model: Value =
        serde_json::from_str(&fs::read_to_string(out.join("model.json")).unwrap()).unwrap();
    assert_eq!(model["input"]["dtype"], "<f4");
    assert_eq!(model["input"]["shape"], serde_json::json!([1797, 8, 8]));
    assert_eq!(model["fitted"]["n_clusters"], 32);
    assert_eq!(model["connectivity"]["grid"], serde_json::json!([8, 8]));
}

#[test]
fn same_input_gives_the_same_bytes_and_stale_outputs_go() {
    let dir = tempfile::tempdir().unwrap();
    write_digits(dir.path());
    let base = [
        "fit",
        "digits.npy",
        "--grid",
        "8,8",
        "--n-clusters",
        "20",
        "--out",
    ];
    let a = agglo(
        dir.path(),
        &[&base[..], &["a", "--compute-distances"]].concat(),
    );
    let b = agglo(
        dir.path(),
        &[&base[..], &["b", "--compute-distances"]].concat(),
    );
    assert!(a.status.success() && b.status.success());
    for file in [
        "labels.npy",
        "children.npy",
        "distances.npy",
        "reduced.npy",
        "restored.npy",
    ] {
        assert_eq!(
            fs::read(dir.path().join("a").join(file)).unwrap(),
            fs::read(dir.path().join("b").join(file)).unwrap(),
            "{file}"
        );
    }
    // A second run without distances into the same folder removes the old ones.
    let c = agglo(dir.path(), &[&base[..], &["a"]].concat());
    assert!(c.status.success());
    assert!(!dir.path().join("a/distances.npy").exists());
    assert!(dir.path().join("a/labels.npy").exists());
}

#[test]
fn a_fit_too_large_for_memory_is_refused_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    // 200 000 features without connectivity: the condensed distance matrix
    // alone would take about 149 GiB.
    let x = Array2::<f32>::zeros((1, 200_000));
    x.write_npy(fs::File::create(dir.path().join("wide.npy")).unwrap())
        .unwrap();
    let start = std::time::Instant::now();
    let run = agglo(
        dir.path(),
        &[
            "fit",
            "wide.npy",
            "--n-clusters",
            "2",
            "--linkage",
            "average",
            "--out",
            "out",
        ],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains(
            "average linkage over 200000 points of dimension 1 without connectivity needs about"
        ),
        "{err}"
    );
    assert!(err.contains("GiB of memory, but only"), "{err}");
    assert!(start.elapsed().as_secs() < 30, "refused before computing");
    assert!(!dir.path().join("out").exists());
}

/// The data is read for the fit transposed and a second time, in blocks of
/// samples, for the pooling: images on the full grid with a mask, the
/// same pixels already masked, and a Fortran-ordered copy all give the same
/// files, and more samples than one block (the pooling's blocks hold
/// 4 MiB) too.
#[test]
fn masked_images_pooled_in_blocks_match_premasked_data() {
    let dir = tempfile::tempdir().unwrap();
    let digits = agglo::datasets::load_digits().data;
    // 40 copies: 71,880 samples, 37 MiB of images and 21 MiB once masked,
    // so that both are pooled in several blocks.
    let many = ndarray::concatenate(ndarray::Axis(0), &vec![digits.view(); 40]).unwrap();
    let images = many
        .clone()
        .into_shape_with_order((many.nrows(), 8, 8))
        .unwrap();
    let mask = ndarray::Array2::from_shape_fn((8, 8), |(i, j)| (1..7).contains(&i) && j > 0);
    let inside: Vec<usize> = (0..64).filter(|&f| mask[[f / 8, f % 8]]).collect();
    let premasked = many.select(ndarray::Axis(1), &inside);
    let fortran = images.t().as_standard_layout().reversed_axes().to_owned();
    assert!(!fortran.is_standard_layout());
    let save = |name: &str, write: &dyn Fn(fs::File)| {
        write(fs::File::create(dir.path().join(name)).unwrap());
    };
    save("images.npy", &|f| images.write_npy(f).unwrap());
    save("premasked.npy", &|f| premasked.write_npy(f).unwrap());
    save("fortran.npy", &|f| fortran.write_npy(f).unwrap());
    save("mask.npy", &|f| mask.write_npy(f).unwrap());
    for input in ["images.npy", "premasked.npy", "fortran.npy"] {
        let run = agglo(
            dir.path(),
            &[
                "fit",
                input,
                "--grid",
                "8,8",
                "--mask",
                "mask.npy",
                "--n-clusters",
                "12",
                "--out",
                &format!("out_{input}"),
                "-q",
            ],
        );
        assert!(run.status.success(), "{input}: {}", stderr(&run));
    }
    let out = |input: &str, file: &str| {
        fs::read(dir.path().join(format!("out_{input}")).join(file)).unwrap()
    };
    for file in ["labels.npy", "children.npy", "reduced.npy", "restored.npy"] {
        assert_eq!(
            out("images.npy", file),
            out("premasked.npy", file),
            "{file}"
        );
        assert_eq!(
            out("fortran.npy", file),
            out("premasked.npy", file),
            "{file}"
        );
    }
    // The pooled values are the mean of each cluster's pixels.
    let labels = read_i64(dir.path().join("out_premasked.npy/labels.npy"));
    let reduced = read_f64(dir.path().join("out_premasked.npy/reduced.npy"));
    let restored = read_f64(dir.path().join("out_premasked.npy/restored.npy"));
    assert_eq!(restored.shape(), premasked.shape());
    for s in [0, 1796, 1797, many.nrows() - 1] {
        for c in 0..12 {
            let members: Vec<usize> = (0..inside.len())
                .filter(|&f| labels[[f]] == c as i64)
                .collect();
            let sum: f64 = members.iter().map(|&f| premasked[[s, f]]).sum();
            assert_eq!(reduced[[s, c]], sum / members.len() as f64);
            for &f in &members {
                assert_eq!(restored[[s, f]], reduced[[s, c]]);
            }
        }
    }
}

/// `--timings` names every stage with its time on stderr, stdout unchanged.
#[test]
fn timings_name_each_stage() {
    let dir = tempfile::tempdir().unwrap();
    write_digits(dir.path());
    let run = agglo(
        dir.path(),
        &[
            "fit",
            "digits.npy",
            "--grid",
            "8,8",
            "--n-clusters",
            "32",
            "--out",
            "out",
            "--timings",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    let err = stderr(&run);
    for stage in [
        "reading digits.npy",
        "building the graph",
        "fitting",
        "pooling",
        "writing",
    ] {
        let line = err
            .lines()
            .find(|l| l.ends_with(stage))
            .unwrap_or_else(|| panic!("no '{stage}' in {err}"));
        let seconds: f64 = line.split_whitespace().next().unwrap().parse().unwrap();
        assert!((0.0..60.0).contains(&seconds), "{line}");
    }
    assert!(stdout(&run).contains("64 features → 32 clusters"));
}

#[test]
fn what_killed_runs_left_behind_is_cleared_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_digits(d);
    // A staging folder and a figure's temporary file of runs that were
    // killed (process numbers above Linux's limit: they cannot be alive),
    // and a staging folder of a live process (pid 1), which is kept.
    let dead = d.join(".out.agglo-staging-99999999");
    fs::create_dir(&dead).unwrap();
    fs::write(dead.join("labels.npy"), b"half written").unwrap();
    fs::write(d.join(".fig.png.agglo-tmp-99999999"), b"half a figure").unwrap();
    let alive = d.join(".out.agglo-staging-1");
    fs::create_dir(&alive).unwrap();
    let unrelated = d.join(".out.agglo-staging-notapid");
    fs::create_dir(&unrelated).unwrap();
    let run = agglo(
        d,
        &[
            "fit",
            "digits.npy",
            "--grid",
            "8,8",
            "--n-clusters",
            "4",
            "--out",
            "out",
            "--figure",
            "fig.png",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(d.join("out/labels.npy").exists() && d.join("fig.png").exists());
    if Path::new("/proc/self").exists() {
        assert!(!dead.exists(), "the killed run's staging folder is removed");
        assert!(!d.join(".fig.png.agglo-tmp-99999999").exists());
    }
    assert!(alive.exists(), "a live process's staging folder is kept");
    assert!(unrelated.exists(), "names that are not agglo's are kept");
}
