"""Generate the reference data for agglo-plot's tests.

Run with a Python that has scikit-learn 1.9.1 and matplotlib 3.11:

    python crates/agglo-plot/tests/data/generate.py

It writes, next to this script:

- originals.npy  (4, 8, 8) float64: digits.images[0:4]
- restored.npy   (4, 8, 8) float64: the same images after
                 FeatureAgglomeration(connectivity=grid_to_graph(8, 8), n_clusters=32)
                 transform + inverse_transform
- labels.npy     (8, 8) int64: agglo.labels_ reshaped to the image shape
- reference.png  400x350 RGBA: matplotlib's Agg rendering of the scikit-learn
                 "Feature agglomeration" example figure from that data (dpi 100)
- general_*.npy, general_reference.png: a second, general figure (3 x 2.5 in,
                 2 x 2 grid, default subplot parameters, a wide random image,
                 a 5 x 5 image with vmax=2, a tall label map with 40 labels,
                 a kerned title) for testing layouts other than the example's
- reference.json colormap lookup tables (the float tables as IEEE-754 bit
                 patterns and the uint8 tables matplotlib uses when rasterising),
                 the axes boxes and title extents in pixels (y down), and the
                 pixel colour at the centre of every data cell of every panel
                 as [row, col, x, y, r, g, b, a].
"""

import json
import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn import cluster, datasets  # noqa: E402
from sklearn.feature_extraction.image import grid_to_graph  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def f64_bits(values):
    return [int(np.float64(v).view(np.uint64)) for v in values]


def main():
    digits = datasets.load_digits()
    images = digits.images
    X = np.reshape(images, (len(images), -1))
    connectivity = grid_to_graph(*images[0].shape)

    agglo = cluster.FeatureAgglomeration(connectivity=connectivity, n_clusters=32)
    agglo.fit(X)
    X_reduced = agglo.transform(X)
    X_restored = agglo.inverse_transform(X_reduced)
    images_restored = np.reshape(X_restored, images.shape)
    labels = np.reshape(agglo.labels_, images[0].shape).astype(np.int64)

    np.save(os.path.join(HERE, "originals.npy"), images[:4].astype(np.float64))
    np.save(os.path.join(HERE, "restored.npy"), images_restored[:4].astype(np.float64))
    np.save(os.path.join(HERE, "labels.npy"), labels)

    # The example's figure, exactly as in scikit-learn's gallery.
    fig = plt.figure(1, figsize=(4, 3.5))
    plt.clf()
    plt.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.91)
    panels = []
    for i in range(4):
        ax = plt.subplot(3, 4, i + 1)
        plt.imshow(images[i], cmap=plt.cm.gray, vmax=16, interpolation="nearest")
        plt.xticks(())
        plt.yticks(())
        if i == 1:
            plt.title("Original data")
        panels.append(("original", i, ax, images[i]))
        ax = plt.subplot(3, 4, 4 + i + 1)
        plt.imshow(images_restored[i], cmap=plt.cm.gray, vmax=16, interpolation="nearest")
        if i == 1:
            plt.title("Agglomerated data")
        plt.xticks(())
        plt.yticks(())
        panels.append(("restored", i, ax, images_restored[i]))
    ax = plt.subplot(3, 4, 10)
    plt.imshow(labels, interpolation="nearest", cmap=plt.cm.nipy_spectral)
    plt.xticks(())
    plt.yticks(())
    plt.title("Labels")
    panels.append(("labels", 0, ax, labels))

    fig.canvas.draw()
    png_path = os.path.join(HERE, "reference.png")
    fig.savefig(png_path, dpi=100)
    rgba = np.asarray(plt.imread(png_path))
    rgba = (rgba * 255).round().astype(np.uint8)
    height = rgba.shape[0]

    renderer = fig.canvas.get_renderer()
    panel_records = []
    for kind, index, ax, data in panels:
        # Axes box in pixels, y measured downwards from the top of the figure.
        x0, y0, x1, y1 = ax.bbox.extents
        box = [x0, height - y1, x1, height - y0]
        rows, cols = data.shape
        samples = []
        for r in range(rows):
            for c in range(cols):
                # Centre of data cell (r, c) in top-down pixel coordinates.
                px = x0 + (c + 0.5) / cols * (x1 - x0)
                py = (height - y1) + (r + 0.5) / rows * (y1 - y0)
                ix, iy = int(np.floor(px)), int(np.floor(py))
                samples.append([r, c, ix, iy] + [int(v) for v in rgba[iy, ix]])
        record = {"kind": kind, "index": index, "box": box, "samples": samples}
        title = ax.title
        if title.get_text():
            ext = title.get_window_extent(renderer)
            record["title"] = {
                "text": title.get_text(),
                "extent": [ext.x0, height - ext.y1, ext.x1, height - ext.y0],
            }
        panel_records.append(record)

    gray = plt.get_cmap("gray")
    spectral = plt.get_cmap("nipy_spectral")
    for cmap in (gray, spectral):
        cmap._ensure_inited()
    luts = {}
    for name, cmap in (("gray", gray), ("nipy_spectral", spectral)):
        lut = cmap._lut[: cmap.N]
        luts[name] = {
            "n": cmap.N,
            "float_bits": [f64_bits(lut[:, k]) for k in range(4)],
            "bytes": (cmap._lut[: cmap.N] * 255).astype(np.uint8).tolist(),
        }

    reference = {
        "matplotlib": matplotlib.__version__,
        "figure": {"width": int(rgba.shape[1]), "height": int(height)},
        "colormaps": luts,
        "panels": panel_records,
    }
    text = json.dumps(reference, indent=1)
    # Keep lists of numbers on one line.
    text = re.sub(r"\[[-0-9.,\s]*\]", lambda m: re.sub(r"\s+", "", m.group(0)), text)
    with open(os.path.join(HERE, "reference.json"), "w") as fh:
        fh.write(text + "\n")

    plt.close("all")
    general_figure()


def general_figure():
    rng = np.random.default_rng(0)
    wide = rng.normal(size=(6, 10))
    square = rng.uniform(0, 3, size=(5, 5))
    labels = rng.integers(0, 40, size=(10, 6)).astype(np.int64)
    np.save(os.path.join(HERE, "general_wide.npy"), wide)
    np.save(os.path.join(HERE, "general_square.npy"), square)
    np.save(os.path.join(HERE, "general_labels.npy"), labels)
    fig = plt.figure(figsize=(3, 2.5), dpi=100)
    plt.subplot(2, 2, 1)
    plt.imshow(wide, cmap=plt.cm.gray, interpolation="nearest")
    plt.xticks(())
    plt.yticks(())
    plt.title("Wide")
    plt.subplot(2, 2, 2)
    plt.imshow(square, cmap=plt.cm.gray, vmax=2.0, interpolation="nearest")
    plt.xticks(())
    plt.yticks(())
    plt.subplot(2, 2, 4)
    plt.imshow(labels, cmap=plt.cm.nipy_spectral, interpolation="nearest")
    plt.xticks(())
    plt.yticks(())
    plt.title("Tall AV")
    fig.savefig(os.path.join(HERE, "general_reference.png"), dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    main()
