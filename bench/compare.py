#!/usr/bin/env python3
"""agglo against scikit-learn (and nilearn's ReNA) on large Ward problems.

Builds each scenario once (cached in --workdir), then, in the same run,
times scikit-learn's ``FeatureAgglomeration.fit`` (fit only, in a child
process) and the whole ``agglo fit`` process (read, fit, write every
output), checks that the labels are identical, and prints the time ratio
and the peak resident memory of each child (GNU ``/usr/bin/time``'s ``%M``).

    /work/venv/bin/python bench/compare.py run --scenarios grid256,brain2
    /work/venv/bin/python bench/compare.py run --scenarios brain2 --whole-job
    /work/venv/bin/python bench/compare.py run --scenarios brain1 --repeats 1
    /work/venv/bin/python bench/compare.py curve --out bench/curve.json
    /work/venv/bin/python bench/compare.py plot bench/curve.json bench/time_vs_size.png

Scenarios (100 samples of smooth Gaussian noise, float64, seed 0):

- ``gridN``: an NxN pixel grid, Ward, N²/16 clusters (grid256: 4096);
- ``brain2``: the MNI152 2 mm brain mask shipped with nilearn (235,375
  voxels), Ward, 1000 clusters; nilearn's ReNA on the same data as a
  reference point;
- ``brain1``: the MNI152 1 mm mask (1,882,989 voxels), 1000 clusters;
  scikit-learn is run on it only with ``--sklearn-large``.

Timings are medians over ``--repeats`` runs of each tool, the tools
interleaved so that background load hits both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
N_SAMPLES = 100
SIGMA = 2.0  # smoothing of the noise, in voxels


# --------------------------------------------------------------- scenarios
def brain_mask(resolution: int) -> np.ndarray:
    from nilearn.datasets import load_mni152_brain_mask

    return np.asarray(load_mni152_brain_mask(resolution=resolution).get_fdata() > 0)


def smooth_noise(mask: np.ndarray, n_samples: int, seed: int = 0) -> np.ndarray:
    """``n_samples`` rows of Gaussian noise smoothed over the grid, inside the mask."""
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(seed)
    inside = np.flatnonzero(mask.ravel())
    x = np.empty((n_samples, inside.size), dtype=np.float64)
    for s in range(n_samples):
        volume = gaussian_filter(rng.standard_normal(mask.shape), SIGMA)
        x[s] = volume.ravel()[inside]
    return x


def scenario(name: str, workdir: Path, linkage: str = "ward") -> dict:
    """Writes (once) X.npy and mask.npy for ``name``; returns its description."""
    d = workdir / name
    if name.startswith("grid"):
        side = int(name[4:])
        shape = (side, side)
        mask = np.ones(shape, dtype=bool)
        k = side * side // 16
    elif name in ("brain2", "brain1"):
        mask = brain_mask(int(name[-1]))
        shape = mask.shape
        k = 1000
    else:
        raise SystemExit(f"unknown scenario {name!r}")
    if not (d / "X.npy").exists():
        d.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        x = smooth_noise(mask, N_SAMPLES)
        np.save(d / "mask.npy", mask)
        np.save(d / "X.npy.tmp.npy", x)
        os.replace(d / "X.npy.tmp.npy", d / "X.npy")
        print(
            f"  built {name}: X {x.shape} in {time.perf_counter() - t:.1f} s",
            flush=True,
        )
    n_features = int(mask.sum())
    return {
        "name": name,
        "dir": str(d),
        "shape": list(shape),
        "n_features": n_features,
        "n_samples": N_SAMPLES,
        "n_clusters": k,
        "x_bytes": N_SAMPLES * n_features * 8,
        "masked": not bool(mask.all()),
        "linkage": linkage,
    }


# ------------------------------------------------------ children (timed)
def sklearn_problem(args: argparse.Namespace):
    """X and an unfitted scikit-learn model, as a user's script makes them."""
    from sklearn.cluster import FeatureAgglomeration
    from sklearn.feature_extraction.image import grid_to_graph

    x = np.load(args.x)
    mask = np.load(args.mask)
    graph = grid_to_graph(*mask.shape, mask=mask)
    model = FeatureAgglomeration(
        n_clusters=args.k, connectivity=graph, linkage=args.linkage
    )
    return x, model


def child_sklearn(args: argparse.Namespace) -> None:
    """Runs in a child process: scikit-learn's fit alone is timed."""
    x, model = sklearn_problem(args)
    t = time.perf_counter()
    model.fit(x)
    elapsed = time.perf_counter() - t
    np.save(args.labels, model.labels_.astype(np.int64))
    print(json.dumps({"fit_seconds": elapsed}))


def child_sklearn_job(args: argparse.Namespace) -> None:
    """Runs in a child process: the script a user would write for agglo's
    outputs (load, fit, transform, inverse_transform, three saves); the
    whole process is timed by the parent, imports included, as agglo's is."""
    x, model = sklearn_problem(args)
    model.fit(x)
    reduced = model.transform(x)
    restored = model.inverse_transform(reduced)
    out = Path(args.labels)
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "labels.npy", model.labels_.astype(np.int64))
    np.save(out / "reduced.npy", reduced)
    np.save(out / "restored.npy", restored)


def child_rena(args: argparse.Namespace) -> None:
    """Runs in a child process: nilearn's ReNA fit alone is timed."""
    import nibabel
    from nilearn.regions import ReNA

    x = np.load(args.x)
    mask = np.load(args.mask)
    mask_img = nibabel.Nifti1Image(mask.astype(np.uint8), np.eye(4))
    model = ReNA(mask_img=mask_img, n_clusters=args.k, scaling=False, n_iter=10)
    t = time.perf_counter()
    model.fit(x)
    elapsed = time.perf_counter() - t
    print(json.dumps({"fit_seconds": elapsed, "n_clusters": int(model.n_clusters_)}))


def run_measured(cmd: list[str]) -> tuple[float, int, str]:
    """Runs ``cmd``; returns wall seconds, peak resident memory (bytes) and stdout.

    The peak is measured by ``/usr/bin/time`` (GNU time's ``%M``, the
    child's ``ru_maxrss``): a child forked straight from this Python process
    would report at least the Python process's own size, which it had
    before ``exec``.
    """
    import tempfile

    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile(mode="r") as peak,
    ):
        t = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", peak.name, *cmd], stdout=out, stderr=err
        )
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(
                f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read().decode()}"
            )
        kib = int(peak.read().split()[-1])
        return wall, kib * 1024, out.read().decode()


# ----------------------------------------------------------------- runners
def agglo_cmd(agglo: str, sc: dict, out: Path) -> list[str]:
    cmd = [
        agglo,
        "fit",
        str(Path(sc["dir"]) / "X.npy"),
        "--grid",
        ",".join(map(str, sc["shape"])),
    ]
    if sc["masked"]:
        cmd += ["--mask", str(Path(sc["dir"]) / "mask.npy")]
    return [
        *cmd,
        "--n-clusters",
        str(sc["n_clusters"]),
        "--linkage",
        sc["linkage"],
        "--out",
        str(out),
    ]


def warm(path: Path) -> None:
    """Reads a file through, so that it is in the page cache (scikit-learn's
    X is loaded before its fit is timed; agglo's reading is timed, from
    memory rather than from disk, whatever ran just before)."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def measure_agglo(agglo: str, sc: dict) -> dict:
    out = Path(sc["dir"]) / f"agglo_out_{sc['linkage']}"
    warm(Path(sc["dir"]) / "X.npy")
    wall, rss, _ = run_measured(agglo_cmd(agglo, sc, out))
    return {"seconds": wall, "peak_rss": rss, "labels": str(out / "labels.npy")}


def measure_sklearn(sc: dict) -> dict:
    labels = Path(sc["dir"]) / f"sklearn_labels_{sc['linkage']}.npy"
    wall, rss, out = run_measured(child_cmd("_sklearn", sc, labels))
    return {
        "seconds": json.loads(out)["fit_seconds"],
        "process_seconds": wall,
        "peak_rss": rss,
        "labels": str(labels),
    }


def child_cmd(child: str, sc: dict, out: Path | str) -> list[str]:
    """The command line of this script's ``child`` subcommand for ``sc``."""
    d = Path(sc["dir"])
    return [
        sys.executable,
        __file__,
        child,
        str(d / "X.npy"),
        str(d / "mask.npy"),
        str(sc["n_clusters"]),
        str(out),
        "--linkage",
        sc["linkage"],
    ]


def measure_sklearn_job(sc: dict) -> dict:
    """scikit-learn's whole job (``child_sklearn_job``), timed as agglo's is."""
    d = Path(sc["dir"])
    out = d / f"sklearn_job_{sc['linkage']}"
    warm(d / "X.npy")
    wall, rss, _ = run_measured(child_cmd("_sklearn_job", sc, out))
    return {"seconds": wall, "peak_rss": rss, "out": str(out)}


def measure_rena(sc: dict) -> dict:
    wall, rss, out = run_measured(child_cmd("_rena", sc, "-"))
    return {
        "seconds": json.loads(out)["fit_seconds"],
        "process_seconds": wall,
        "peak_rss": rss,
    }


def measure_disk_write(d: Path, n_bytes: int) -> dict:
    """The disk's floor for agglo's ``restored.npy``: ``n_bytes`` written
    the way agglo writes it (``O_DIRECT`` where the file system takes it,
    4 MiB chunks from a page-aligned buffer, then ``fsync``), timed."""
    import mmap

    chunk = 4 << 20
    buffer = mmap.mmap(-1, chunk)  # page-aligned, zero-filled
    path = d / "disk_floor.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    direct = getattr(os, "O_DIRECT", 0)
    try:
        fd = os.open(path, flags | direct)
    except OSError:
        fd, direct = os.open(path, flags), 0
    n_chunks = -(-n_bytes // chunk)
    try:
        start = time.perf_counter()
        written = 0
        while written < n_chunks:
            try:
                os.write(fd, buffer)
            except OSError:
                if not direct:
                    raise
                # The file system refuses direct writes: start again buffered.
                os.close(fd)
                fd, direct = os.open(path, flags), 0
                start, written = time.perf_counter(), 0
                continue
            written += 1
        os.fsync(fd)
        seconds = time.perf_counter() - start
    finally:
        os.close(fd)
        path.unlink(missing_ok=True)
    return {"seconds": seconds, "bytes": n_chunks * chunk, "direct": bool(direct)}


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def compare(
    sc: dict,
    agglo: str,
    repeats: int,
    with_sklearn: bool,
    with_rena: bool,
    with_job: bool = False,
) -> dict:
    runs: dict[str, list[dict]] = {
        "agglo": [],
        "sklearn": [],
        "rena": [],
        "sklearn_job": [],
        "disk_write": [],
    }
    for _ in range(repeats):
        runs["agglo"].append(measure_agglo(agglo, sc))
        if with_sklearn:
            runs["sklearn"].append(measure_sklearn(sc))
        if with_job:
            runs["sklearn_job"].append(measure_sklearn_job(sc))
            runs["disk_write"].append(
                measure_disk_write(Path(sc["dir"]), sc["x_bytes"])
            )
        if with_rena:
            runs["rena"].append(measure_rena(sc))
    result = {"scenario": sc, "repeats": repeats}
    for tool, rs in runs.items():
        if rs and tool == "disk_write":
            result[tool] = {
                "seconds": median_of(rs, "seconds"),
                "all_seconds": [r["seconds"] for r in rs],
                "bytes": rs[0]["bytes"],
                "direct": rs[0]["direct"],
            }
        elif rs:
            result[tool] = {
                "seconds": median_of(rs, "seconds"),
                "all_seconds": [r["seconds"] for r in rs],
                "peak_rss": max(r["peak_rss"] for r in rs),
            }
    if with_sklearn:
        a = np.load(runs["agglo"][-1]["labels"])
        s = np.load(runs["sklearn"][-1]["labels"])
        result["labels_identical"] = bool(a.shape == s.shape and np.array_equal(a, s))
        result["speedup_vs_sklearn"] = (
            result["sklearn"]["seconds"] / result["agglo"]["seconds"]
        )
    if with_job:
        ours = Path(runs["agglo"][-1]["labels"]).parent
        theirs = Path(runs["sklearn_job"][-1]["out"])
        result["job_outputs_identical"] = all(
            np.array_equal(np.load(ours / f), np.load(theirs / f))
            for f in ("labels.npy", "reduced.npy", "restored.npy")
        )
        result["speedup_vs_sklearn_job"] = (
            result["sklearn_job"]["seconds"] / result["agglo"]["seconds"]
        )
    if with_rena:
        result["speedup_vs_rena"] = (
            result["rena"]["seconds"] / result["agglo"]["seconds"]
        )
    return result


def gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


def report(r: dict) -> None:
    sc = r["scenario"]
    x_bytes = sc["x_bytes"]
    print(
        f"{sc['name']} ({sc['linkage']}): {sc['n_features']} features x "
        f"{sc['n_samples']} samples -> {sc['n_clusters']} clusters "
        f"(X in float64: {gib(x_bytes)})"
    )

    def line(label: str, t: dict) -> None:
        peak = t["peak_rss"]
        print(
            f"  {label:<26}{t['seconds']:8.3f} s   peak {gib(peak)} "
            f"= {peak / x_bytes:.2f}x X   runs {fmt_runs(t)}"
        )

    line("agglo fit (whole process)", r["agglo"])
    if "sklearn" in r:
        line("scikit-learn fit", r["sklearn"])
        print(
            f"  speed-up {r['speedup_vs_sklearn']:.1f}x, "
            f"labels identical: {r['labels_identical']}"
        )
    if "sklearn_job" in r:
        line("scikit-learn whole job", r["sklearn_job"])
        print(
            f"  whole job against whole job {r['speedup_vs_sklearn_job']:.1f}x, "
            f"labels, reduced and restored identical: {r['job_outputs_identical']}"
        )
    if "disk_write" in r:
        w = r["disk_write"]
        how = "O_DIRECT" if w["direct"] else "buffered"
        print(
            f"  disk floor: {gib(w['bytes'])} ({how}, fsync) in {w['seconds']:.3f} s "
            f"= {w['bytes'] / w['seconds'] / 1e6:.0f} MB/s, runs {fmt_runs(w)}: "
            "agglo's durable restored.npy takes at least this"
        )
    if "rena" in r:
        line("nilearn ReNA fit", r["rena"])
        print(f"  agglo {r['speedup_vs_rena']:.1f}x faster than ReNA")
    sys.stdout.flush()


def fmt_runs(t: dict) -> str:
    return ", ".join(f"{s:.3f}" for s in t["all_seconds"])


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import scipy
    import sklearn

    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "kernel": platform.release(),
    }
    try:
        import nilearn

        info["nilearn"] = nilearn.__version__
    except ImportError:
        pass
    try:
        info["rustc"] = subprocess.run(
            ["rustc", "--version"], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        pass
    return info


def cmd_run(args: argparse.Namespace) -> None:
    workdir = Path(args.workdir)
    results = {"machine": machine(), "results": []}
    print(json.dumps(results["machine"]))
    for name in args.scenarios.split(","):
        sc = scenario(name, workdir, args.linkage)
        large = sc["n_features"] > 1_000_000
        with_sklearn = not args.no_sklearn and (not large or args.sklearn_large)
        with_rena = (
            name.startswith("brain") and not args.no_rena and args.linkage == "ward"
        )
        r = compare(
            sc,
            args.agglo,
            args.repeats,
            with_sklearn,
            with_rena,
            with_sklearn and args.whole_job,
        )
        report(r)
        results["results"].append(r)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    bad = [
        r["scenario"]["name"]
        for r in results["results"]
        if r.get("labels_identical") is False or r.get("job_outputs_identical") is False
    ]
    if bad:
        raise SystemExit(f"labels differ from scikit-learn's in {bad}")


def cmd_curve(args: argparse.Namespace) -> None:
    """Time against problem size: square grids, then the brain masks."""
    workdir = Path(args.workdir)
    results = {"machine": machine(), "results": []}
    for name in args.scenarios.split(","):
        sc = scenario(name, workdir)
        with_sklearn = sc["n_features"] <= args.sklearn_max_features
        r = compare(sc, args.agglo, args.repeats, with_sklearn, False)
        report(r)
        results["results"].append(r)
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n")


def cmd_plot(args: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = json.loads(Path(args.results).read_text())["results"]
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    tools = [
        ("sklearn", "tab:blue", "s", "scikit-learn fit"),
        ("agglo", "tab:orange", "o", "agglo fit (whole process: read, fit, write)"),
    ]
    for tool, colour, marker, label in tools:
        grids = sorted(
            (r["scenario"]["n_features"], r[tool]["seconds"])
            for r in data
            if tool in r and r["scenario"]["name"].startswith("grid")
        )
        if grids:
            ax.plot(
                [g[0] for g in grids],
                [g[1] for g in grids],
                "-",
                marker=marker,
                color=colour,
                label=label + ", square grids",
            )
        brains = [
            (r["scenario"]["n_features"], r[tool]["seconds"], r["scenario"]["name"])
            for r in data
            if tool in r and r["scenario"]["name"].startswith("brain")
        ]
        if brains:
            ax.plot(
                [b[0] for b in brains],
                [b[1] for b in brains],
                linestyle="none",
                marker="*",
                markersize=11,
                color=colour,
                label=("scikit-learn" if tool == "sklearn" else "agglo")
                + ", MNI152 masks",
            )
            for n, t, name in brains:
                ax.annotate(
                    name, (n, t), textcoords="offset points", xytext=(6, -4), fontsize=7
                )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("features (pixels / voxels), 100 samples each")
    ax.set_ylabel("seconds (median of 3)")
    ax.set_title(
        "Ward with grid connectivity: n/16 clusters (grids), 1000 (brains)", fontsize=9
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(args.png)
    print(f"wrote {args.png}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("_sklearn", "_sklearn_job", "_rena"):
        c = sub.add_parser(name)
        c.add_argument("x")
        c.add_argument("mask")
        c.add_argument("k", type=int)
        c.add_argument("labels")
        c.add_argument("--linkage", default="ward")
    default_agglo = str(ROOT / "target" / "release" / "agglo")
    r = sub.add_parser(
        "run", help="compare agglo with scikit-learn (and ReNA) per scenario"
    )
    r.add_argument("--scenarios", default="grid256,brain2")
    r.add_argument("--repeats", type=int, default=3)
    r.add_argument("--agglo", default=default_agglo)
    r.add_argument("--workdir", default="/tmp/agglo-bench")
    r.add_argument("--out", help="write the results as JSON")
    r.add_argument(
        "--linkage", default="ward", choices=["ward", "complete", "average", "single"]
    )
    r.add_argument("--no-sklearn", action="store_true")
    r.add_argument("--no-rena", action="store_true")
    r.add_argument(
        "--whole-job",
        action="store_true",
        help="also time scikit-learn's whole job (load, fit, transform, "
        "inverse_transform, three saves) against agglo's",
    )
    r.add_argument(
        "--sklearn-large",
        action="store_true",
        help="also run scikit-learn on problems over a million features",
    )
    c = sub.add_parser("curve", help="time against problem size")
    c.add_argument(
        "--scenarios",
        default="grid64,grid128,grid192,grid256,grid384,brain2,grid512,brain1",
    )
    c.add_argument("--repeats", type=int, default=3)
    c.add_argument("--agglo", default=default_agglo)
    c.add_argument("--workdir", default="/tmp/agglo-bench")
    c.add_argument("--sklearn-max-features", type=int, default=300_000)
    c.add_argument("--out", default="bench/curve.json")
    pl = sub.add_parser("plot", help="plot a curve JSON")
    pl.add_argument("results")
    pl.add_argument("png")
    args = p.parse_args()
    if args.cmd == "_sklearn":
        child_sklearn(args)
    elif args.cmd == "_sklearn_job":
        child_sklearn_job(args)
    elif args.cmd == "_rena":
        child_rena(args)
    elif args.cmd == "run":
        cmd_run(args)
    elif args.cmd == "curve":
        cmd_curve(args)
    else:
        cmd_plot(args)


if __name__ == "__main__":
    main()
