#!/usr/bin/env python3
"""agglo's ReNA against nilearn's, side by side in one run, and ReNA
against Ward (agglo and scikit-learn) in time and reconstruction error.

    /work/venv/bin/python bench/rena_compare.py run --out bench/rena.json
    /work/venv/bin/python bench/rena_compare.py plot bench/rena.json bench/rena.png

``run`` measures, on the scenarios of ``compare.py`` (100 samples of
smooth noise in the MNI152 masks):

- in process: nilearn's ``ReNA.fit`` and ``agglo.ReNA.fit`` on the same
  array already in memory (medians, the two interleaved), and whether the
  labels agree (with nilearn's default sort and with the stable one);
- whole jobs: the script a nilearn user would write (``np.load``, ``fit``,
  ``transform``, ``inverse_transform``, three ``np.save``) against
  ``agglo fit --method rena`` writing the same three arrays, with each
  child's peak resident memory;
- the 1 mm mask: ``agglo fit --method rena`` alone, its time and peak
  against the size of X;
- ReNA against Ward at several k on the 2 mm mask: fit time and relative
  reconstruction error ``|X - restored|² / |X|²``; scikit-learn's Ward at
  one k (its labels are agglo's).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import ROOT, machine, run_measured, scenario, warm

KS = (100, 500, 1000, 5000)


@contextlib.contextmanager
def stable_argsort():
    original = np.argsort

    def stable(a, *args, **kwargs):
        kwargs.setdefault("kind", "stable")
        return original(a, *args, **kwargs)

    np.argsort = stable
    try:
        yield
    finally:
        np.argsort = original


def mask_image(mask):
    import nibabel

    return nibabel.Nifti1Image(mask.astype(np.uint8), np.eye(4))


def nilearn_fit(x, mask, k):
    from nilearn.regions import ReNA

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = time.perf_counter()
        model = ReNA(mask_image(mask), n_clusters=k).fit(x)
        return time.perf_counter() - t, model


def agglo_fit(x, mask, k):
    import agglo

    t = time.perf_counter()
    model = agglo.ReNA(mask_image(mask), n_clusters=k).fit(x)
    return time.perf_counter() - t, model


def in_process(sc: dict, repeats: int) -> dict:
    d = Path(sc["dir"])
    x, mask = np.load(d / "X.npy"), np.load(d / "mask.npy")
    k = sc["n_clusters"]
    ours, theirs = [], []
    for _ in range(repeats):
        t, a = agglo_fit(x, mask, k)
        ours.append(t)
        t, n = nilearn_fit(x, mask, k)
        theirs.append(t)
    with stable_argsort():
        _, stable = nilearn_fit(x, mask, k)
    return {
        "agglo_seconds": ours,
        "nilearn_seconds": theirs,
        "ratio": statistics.median(theirs) / statistics.median(ours),
        "same_labels_as_default_sort": bool(np.array_equal(a.labels_, n.labels_)),
        "same_labels_as_stable_sort": bool(np.array_equal(a.labels_, stable.labels_)),
        "n_clusters": int(a.n_clusters_),
    }


NILEARN_JOB = """
import sys, warnings, numpy as np, nibabel
from nilearn.regions import ReNA
x_path, mask_path, k, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
x = np.load(x_path); mask = np.load(mask_path)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    img = nibabel.Nifti1Image(mask.astype(np.uint8), np.eye(4))
    model = ReNA(img, n_clusters=k).fit(x)
reduced = model.transform(x)
restored = model.inverse_transform(reduced)
np.save(out + "/labels.npy", model.labels_)
np.save(out + "/reduced.npy", reduced)
np.save(out + "/restored.npy", restored)
"""


def cli_cmd(agglo: str, sc: dict, out: Path) -> list[str]:
    d = Path(sc["dir"])
    return [
        agglo,
        "fit",
        str(d / "X.npy"),
        "--mask",
        str(d / "mask.npy"),
        "--method",
        "rena",
        "--n-clusters",
        str(sc["n_clusters"]),
        "--out",
        str(out),
        "--quiet",
    ]


def whole_jobs(sc: dict, agglo: str, repeats: int) -> dict:
    d = Path(sc["dir"])
    ours, theirs = [], []
    with tempfile.TemporaryDirectory(dir=d) as tmp:
        for r in range(repeats):
            warm(d / "X.npy")
            out = Path(tmp) / f"agglo{r}"
            ours.append(run_measured(cli_cmd(agglo, sc, out))[:2])
            warm(d / "X.npy")
            nout = Path(tmp) / f"nilearn{r}"
            nout.mkdir()
            cmd = [
                sys.executable,
                "-c",
                NILEARN_JOB,
                str(d / "X.npy"),
                str(d / "mask.npy"),
                str(sc["n_clusters"]),
                str(nout),
            ]
            theirs.append(run_measured(cmd)[:2])
        same = {
            name: bool(np.array_equal(np.load(out / name), np.load(nout / name)))
            for name in ("labels.npy", "reduced.npy", "restored.npy")
        }
    med = lambda runs, i: statistics.median(r[i] for r in runs)  # noqa: E731
    return {
        "agglo_seconds": [r[0] for r in ours],
        "agglo_peak_rss": max(r[1] for r in ours),
        "nilearn_seconds": [r[0] for r in theirs],
        "nilearn_peak_rss": max(r[1] for r in theirs),
        "ratio": med(theirs, 0) / med(ours, 0),
        "same_outputs_as_nilearn_default_sort": same,
    }


def large(sc: dict, agglo: str) -> dict:
    with tempfile.TemporaryDirectory(dir=sc["dir"]) as tmp:
        warm(Path(sc["dir"]) / "X.npy")
        wall, rss, _ = run_measured(cli_cmd(agglo, sc, Path(tmp) / "out"))
    return {
        "seconds": wall,
        "peak_rss": rss,
        "x_bytes": sc["x_bytes"],
        "peak_over_x": rss / sc["x_bytes"],
    }


def rena_vs_ward(sc: dict) -> dict:
    from sklearn.cluster import FeatureAgglomeration
    from sklearn.feature_extraction.image import grid_to_graph

    import agglo

    d = Path(sc["dir"])
    x, mask = np.load(d / "X.npy"), np.load(d / "mask.npy")
    graph = grid_to_graph(*mask.shape, mask=mask)
    norm = float(np.sum(x * x))

    def error(model) -> float:
        restored = model.inverse_transform(model.transform(x))
        return float(np.sum((x - restored) ** 2)) / norm

    rows = []
    for k in KS:
        t_rena, rena = agglo_fit(x, mask, k)
        t = time.perf_counter()
        ward = agglo.FeatureAgglomeration(n_clusters=k, connectivity=graph).fit(x)
        t_ward = time.perf_counter() - t
        rows.append(
            {
                "k": k,
                "rena_seconds": t_rena,
                "rena_k": int(rena.n_clusters_),
                "rena_error": error(rena),
                "ward_seconds": t_ward,
                "ward_error": error(ward),
            }
        )
        print(
            f"  k={k}: ReNA {t_rena:.2f} s error {rows[-1]['rena_error']:.4f}; "
            f"Ward {t_ward:.2f} s error {rows[-1]['ward_error']:.4f}",
            flush=True,
        )
    k = sc["n_clusters"]
    t = time.perf_counter()
    theirs = FeatureAgglomeration(n_clusters=k, connectivity=graph).fit(x)
    sk = time.perf_counter() - t
    ours = agglo.FeatureAgglomeration(n_clusters=k, connectivity=graph).fit(x)
    return {
        "rows": rows,
        "sklearn_ward_k": k,
        "sklearn_ward_seconds": sk,
        "sklearn_same_labels": bool(np.array_equal(ours.labels_, theirs.labels_)),
    }


def cmd_run(args: argparse.Namespace) -> None:
    agglo = str(ROOT / "target" / "release" / "agglo")
    workdir = Path(args.workdir)
    result = {"machine": machine()}
    brain2 = scenario("brain2", workdir)
    print("in process, 2 mm", flush=True)
    result["in_process"] = in_process(brain2, args.repeats)
    print(json.dumps(result["in_process"]), flush=True)
    print("whole jobs, 2 mm", flush=True)
    result["whole_jobs"] = whole_jobs(brain2, agglo, args.repeats)
    print(json.dumps(result["whole_jobs"]), flush=True)
    print("ReNA against Ward, 2 mm", flush=True)
    result["rena_vs_ward"] = rena_vs_ward(brain2)
    if not args.skip_large:
        print("agglo alone, 1 mm", flush=True)
        result["brain1"] = large(scenario("brain1", workdir), agglo)
        print(json.dumps(result["brain1"]), flush=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")


def cmd_plot(args: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = json.loads(Path(args.json).read_text())
    rows = r["rena_vs_ward"]["rows"]
    ks = [row["k"] for row in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    left.plot(
        ks, [row["rena_error"] for row in rows], "o-", label="ReNA (agglo = nilearn)"
    )
    left.plot(
        ks,
        [row["ward_error"] for row in rows],
        "s-",
        label="Ward (agglo = scikit-learn)",
    )
    left.set(
        xscale="log",
        xlabel="clusters k",
        ylabel="|X − restored|² / |X|²",  # noqa: RUF001
        title="Reconstruction error, MNI152 2 mm",
    )
    left.legend()
    right.plot(ks, [row["rena_seconds"] for row in rows], "o-", label="agglo ReNA")
    right.plot(ks, [row["ward_seconds"] for row in rows], "s-", label="agglo Ward")
    nilearn = statistics.median(r["in_process"]["nilearn_seconds"])
    right.scatter(
        [r["in_process"]["n_clusters"]],
        [nilearn],
        marker="^",
        color="C2",
        label="nilearn ReNA",
        zorder=3,
    )
    right.scatter(
        [r["rena_vs_ward"]["sklearn_ward_k"]],
        [r["rena_vs_ward"]["sklearn_ward_seconds"]],
        marker="v",
        color="C3",
        label="scikit-learn Ward",
        zorder=3,
    )
    right.set(
        xscale="log",
        yscale="log",
        xlabel="clusters k",
        ylabel="fit seconds (in process)",
        title="Fit time, 100 samples",
    )
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.png, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--workdir", default="/tmp/agglo-bench")
    run.add_argument("--repeats", type=int, default=3)
    run.add_argument("--skip-large", action="store_true")
    run.add_argument("--out", default=str(ROOT / "bench" / "rena.json"))
    run.set_defaults(func=cmd_run)
    plot = sub.add_parser("plot")
    plot.add_argument("json")
    plot.add_argument("png")
    plot.set_defaults(func=cmd_plot)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
