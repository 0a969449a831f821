"""A NIfTI series through `agglo fit`, against the same data as `.npy`.

Builds a 4-D float32 series of smooth noise in the MNI152 2 mm brain mask
(nilearn's template, 100 volumes by default), saves it with nibabel as
`.nii.gz` and, masked, as a float64 `.npy`, then times `agglo fit` on each
(median of `--repeat` runs, peak resident memory from GNU time) and checks
that both give the same labels and pooled data.

    python bench/nifti_io.py --agglo target/release/agglo [--old OLD_BINARY]

`--old` times a second binary on the `.nii.gz` input too (an earlier build),
in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path

import nibabel as nib
import numpy as np
from nilearn import datasets
from scipy import ndimage


def make_inputs(folder: Path, n_volumes: int) -> dict[str, Path]:
    """The series as `.nii.gz`, its mask, and the masked data as `.npy`."""
    folder.mkdir(parents=True, exist_ok=True)
    series = folder / f"series{n_volumes}.nii.gz"
    mask_path = folder / "mask.nii.gz"
    npy = folder / f"series{n_volumes}.npy"
    if not (series.exists() and mask_path.exists() and npy.exists()):
        mask_img = datasets.load_mni152_brain_mask(resolution=2)
        mask = mask_img.get_fdata() > 0
        rng = np.random.default_rng(0)
        data = np.zeros((*mask.shape, n_volumes), dtype=np.float32)
        for t in range(n_volumes):
            noise = rng.standard_normal(mask.shape)
            data[..., t] = ndimage.gaussian_filter(noise, 2.0) * mask
        header = mask_img.header.copy()
        header.set_data_dtype(np.float32)
        header.set_xyzt_units("mm", "sec")
        image = nib.Nifti1Image(data, mask_img.affine, header)
        image.header["pixdim"][4] = 2.0
        nib.save(image, series)
        nib.save(nib.Nifti1Image(mask.astype(np.uint8), mask_img.affine), mask_path)
        np.save(npy, np.ascontiguousarray(data[mask].T.astype(np.float64)))
    return {"series": series, "mask": mask_path, "npy": npy}


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (KiB) of one run."""
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, kib = out.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kib)


def run(args: argparse.Namespace) -> dict[str, object]:
    inputs = make_inputs(Path(args.data), args.volumes)
    mask = nib.load(inputs["mask"]).get_fdata() > 0
    grid = ",".join(str(d) for d in mask.shape)
    np.save(Path(args.data) / "mask.npy", mask)
    results: dict[str, object] = {
        "n_volumes": args.volumes,
        "n_voxels": int(mask.sum()),
    }
    with tempfile.TemporaryDirectory() as work:
        cwd = Path(work)
        jobs = {
            "nii.gz": [
                args.agglo,
                "fit",
                str(inputs["series"]),
                "--mask",
                str(inputs["mask"]),
            ],
            "npy": [
                args.agglo,
                "fit",
                str(inputs["npy"]),
                "--grid",
                grid,
                "--mask",
                str(Path(args.data) / "mask.npy"),
            ],
        }
        if args.old:
            jobs["nii.gz, old binary"] = [args.old, *jobs["nii.gz"][1:]]
        common = ["--n-clusters", str(args.k), "--quiet"]
        for name in jobs:
            # One warm-up run reads the inputs into the page cache.
            subprocess.run([*jobs[name], *common, "--out", "warm"], cwd=cwd, check=True)
        runs: dict[str, list[tuple[float, int]]] = {name: [] for name in jobs}
        for _ in range(args.repeat):
            for name, job in jobs.items():
                out = f"out_{len(runs[name])}_{name.replace(' ', '_').replace(',', '')}"
                runs[name].append(timed([*job, *common, "--out", out], cwd))
        for name, measured in runs.items():
            results[name] = {
                "seconds": statistics.median(s for s, _ in measured),
                "runs": [s for s, _ in measured],
                "peak_mib": max(k for _, k in measured) / 1024,
            }
        a, b = cwd / "out_0_nii.gz", cwd / "out_0_npy"
        for name in ["labels.npy", "reduced.npy", "restored.npy"]:
            same = np.array_equal(np.load(a / name), np.load(b / name))
            results[f"same {name}"] = bool(same)
        restored = nib.load(a / "restored.nii.gz").get_fdata()
        results["restored.nii.gz = restored.npy"] = bool(
            np.array_equal(restored[mask].T, np.load(a / "restored.npy"))
        )
    results["X MiB"] = args.volumes * int(mask.sum()) * 8 / 2**20
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agglo", default="target/release/agglo")
    parser.add_argument(
        "--old", help="an earlier agglo binary to time on the .nii.gz too"
    )
    parser.add_argument("--data", default="/tmp/agglo-bench/nifti")
    parser.add_argument("--volumes", type=int, default=100)
    parser.add_argument("-k", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args()
    results = run(args)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")


if __name__ == "__main__":
    main()
