#!/usr/bin/env python3
"""agglo's Python package against scikit-learn, in one process, like for like.

The same X (already in memory, float64, C order as ``np.load`` gives it) is
fitted by ``agglo.FeatureAgglomeration`` and by scikit-learn's, the labels
are checked identical every time, and the medians are printed with their
ratio. nilearn's ``Parcellations(method="ward")`` is timed end to end with
and without ``agglo.patch_sklearn()``, labels image checked identical.

    /work/venv/bin/python bench/python_compare.py --scenarios grid256,brain2
    /work/venv/bin/python bench/python_compare.py --scenarios brain1 --no-sklearn
    /work/venv/bin/python bench/python_compare.py --nilearn

Scenarios are bench/compare.py's (100 samples of smooth noise, seed 0):
grid256 (4,096 clusters), brain2 and brain1 (1,000 clusters); on grid256
also complete, average and single linkage with connectivity.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sklearn.cluster as sk
from compare import brain_mask, smooth_noise
from sklearn.feature_extraction.image import grid_to_graph

import agglo


def problem(name: str) -> tuple[np.ndarray, object, int]:
    if name.startswith("grid"):
        side = int(name[4:])
        mask = np.ones((side, side), dtype=bool)
        k = side * side // 16
    else:
        mask = brain_mask(int(name[-1]))
        k = 1000
    x = smooth_noise(mask, 100)
    return x, grid_to_graph(*mask.shape, mask=mask), k


def timed(make, x):
    model = make()
    start = time.perf_counter()
    model.fit(x)
    return time.perf_counter() - start, model


def run_fits(names, repeats, with_sklearn):
    """Each scikit-learn fit runs between agglo's (one for every three),
    so that both tools meet the same moments of a host whose speed moves
    by up to 1.5x within minutes."""
    print(f"agglo {agglo.__version__}, {agglo.num_threads()} threads")
    print("| scenario | linkage | agglo fit | scikit-learn fit | ratio |")
    print("|---|---|---:|---:|---:|")
    for name in names:
        x, graph, k = problem(name)
        linkages = ["ward"] + (
            ["complete", "average", "single"] if name == "grid256" else []
        )
        for linkage in linkages:
            params = {"n_clusters": k, "connectivity": graph, "linkage": linkage}
            ours_times, theirs_times = [], []
            for r in range(repeats):
                t, ours = timed(lambda p=params: agglo.FeatureAgglomeration(**p), x)
                ours_times.append(t)
                if with_sklearn and (r % 3 == 1 or repeats == 1):
                    t, theirs = timed(lambda p=params: sk.FeatureAgglomeration(**p), x)
                    theirs_times.append(t)
                    assert np.array_equal(ours.labels_, theirs.labels_), (name, linkage)
            ours_t = statistics.median(ours_times)
            if not with_sklearn:
                print(f"| {name} | {linkage} | {ours_t:.3f} s | | |")
                continue
            theirs_t = statistics.median(theirs_times)
            print(
                f"| {name} | {linkage} | {ours_t:.3f} s | {theirs_t:.2f} s "
                f"| {theirs_t / ours_t:.1f}x |",
                flush=True,
            )


def run_nilearn(repeats):
    import nibabel as nib
    from nilearn.datasets import load_mni152_brain_mask
    from nilearn.regions import Parcellations

    mask_img = load_mni152_brain_mask(resolution=2)
    mask = mask_img.get_fdata() > 0
    data = np.zeros((*mask.shape, 100), dtype=np.float32)
    data[mask] = smooth_noise(mask, 100).T
    imgs = nib.Nifti1Image(data, mask_img.affine)

    def fit():
        p = Parcellations(method="ward", n_parcels=1000, mask=mask_img, verbose=0)
        start = time.perf_counter()
        p.fit(imgs)
        return time.perf_counter() - start, p.labels_img_.get_fdata()

    plain = [fit() for _ in range(max(1, repeats // 3))]
    agglo.patch_sklearn()
    try:
        patched = [fit() for _ in range(repeats)]
    finally:
        agglo.unpatch_sklearn()
    assert np.array_equal(plain[0][1], patched[0][1])
    a = statistics.median(t for t, _ in patched)
    b = statistics.median(t for t, _ in plain)
    print(
        "| nilearn Parcellations(ward), 2 mm, 100 volumes | patched | plain | ratio |"
    )
    print(f"| end to end | {a:.2f} s | {b:.2f} s | {b / a:.1f}x |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="grid256,brain2")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-sklearn", action="store_true")
    parser.add_argument("--nilearn", action="store_true")
    args = parser.parse_args()
    if args.nilearn:
        run_nilearn(args.repeats)
    else:
        run_fits(args.scenarios.split(","), args.repeats, not args.no_sklearn)


if __name__ == "__main__":
    main()
