"""agglo against scikit-learn 1.9.1 installed beside it: every linkage,
metric, stopping rule, connectivity kind, dtype and layout, on random,
tie-heavy and real data."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.cluster as sk
from conftest import assert_same_fit
from scipy import sparse
from sklearn.datasets import load_digits, load_sample_image
from sklearn.feature_extraction.image import grid_to_graph, img_to_graph
from sklearn.neighbors import kneighbors_graph

import agglo

LINKAGE_METRICS = [("ward", "euclidean"), ("ward", "l2")] + [
    (linkage, metric)
    for linkage in ("complete", "average", "single")
    for metric in ("euclidean", "l2", "l1", "manhattan", "cityblock", "cosine")
]


def fit_both(cls: str, X, **params):
    """Fits agglo's and scikit-learn's estimator, recording their warnings."""
    out = []
    for module in (agglo, sk):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = getattr(module, cls)(**params).fit(X)
        out.append((model, [str(w.message) for w in caught]))
    (ours, our_warnings), (theirs, their_warnings) = out
    assert our_warnings == their_warnings
    return ours, theirs


def tie_heavy(rng, n, d):
    return rng.integers(0, 3, size=(n, d)).astype(np.float64)


@pytest.mark.parametrize(("linkage", "metric"), LINKAGE_METRICS)
@pytest.mark.parametrize("structured", [False, True])
@pytest.mark.parametrize("data", ["random", "ties"])
def test_samples_every_linkage_and_metric(rng, linkage, metric, structured, data):
    n = 60
    X = rng.normal(size=(n, 5)) if data == "random" else tie_heavy(rng, n, 5) + 1
    connectivity = kneighbors_graph(X, 6, include_self=False) if structured else None
    for n_clusters in (1, 2, 7, n):
        ours, theirs = fit_both(
            "AgglomerativeClustering",
            X,
            n_clusters=n_clusters,
            linkage=linkage,
            metric=metric,
            connectivity=connectivity,
            compute_distances=True,
        )
        assert_same_fit(ours, theirs)


@pytest.mark.parametrize(("linkage", "metric"), LINKAGE_METRICS)
def test_distance_threshold(rng, linkage, metric):
    X = rng.normal(size=(50, 4)) + 2
    theirs = sk.AgglomerativeClustering(
        n_clusters=None, distance_threshold=0.0, linkage=linkage, metric=metric
    ).fit(X)
    for t in np.quantile(theirs.distances_, [0.0, 0.3, 0.9, 1.0]):
        for connectivity in (None, grid_to_graph(50, 1)):
            ours, theirs = fit_both(
                "AgglomerativeClustering",
                X,
                n_clusters=None,
                distance_threshold=t,
                linkage=linkage,
                metric=metric,
                connectivity=connectivity,
            )
            assert_same_fit(ours, theirs)


@pytest.mark.parametrize("linkage", ["ward", "complete", "average", "single"])
@pytest.mark.parametrize("compute_full_tree", ["auto", True, False])
def test_grids_masks_and_early_stop(rng, linkage, compute_full_tree):
    mask = np.ones((12, 14), dtype=bool)
    mask[3:6, 4:9] = False  # a hole
    mask[:, 7] = False  # and a cut into two components
    connectivity = grid_to_graph(12, 14, mask=mask)
    X = rng.integers(0, 4, size=(20, int(mask.sum()))).astype(np.float64)
    fits = same_feature_fits(
        X,
        (2, 10, 40, 140),
        linkage=linkage,
        connectivity=connectivity,
        compute_full_tree=compute_full_tree,
    )
    for ours, theirs in fits:
        np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))


def same_feature_fits(X, cluster_counts, **params):
    """Both FeatureAgglomerations at each count, checked the same fit."""
    fits = []
    for n_clusters in cluster_counts:
        ours, theirs = fit_both(
            "FeatureAgglomeration", X, n_clusters=n_clusters, **params
        )
        assert_same_fit(ours, theirs)
        fits.append((ours, theirs))
    return fits


@pytest.mark.parametrize("linkage", ["complete", "average", "single"])
def test_continuous_features_read_in_place(rng, linkage):
    # Continuous data: complete and average linkage run on their fast queue
    # (no two candidates tie). C-order samples with 300 rows: the features'
    # rows are gathered in runs of 436, so 900 features take several runs;
    # the cut mask makes scikit-learn complete the graph first.
    mask = np.ones((30, 30), dtype=bool)
    mask[:, 11] = False
    for m in (np.ones((30, 30), dtype=bool), mask):
        connectivity = grid_to_graph(30, 30, mask=m)
        X = rng.normal(size=(300, int(m.sum())))
        same_feature_fits(
            X,
            (5, 60),
            linkage=linkage,
            connectivity=connectivity,
            compute_distances=True,
        )


@pytest.mark.parametrize(
    "dtype", [np.float64, np.float32, np.int64, np.int32, np.uint8, np.int16, bool]
)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("linkage", ["ward", "complete", "average", "single"])
def test_dtypes_and_layouts(rng, dtype, order, linkage):
    X = np.asarray(rng.integers(0, 5, size=(30, 64)), dtype=dtype, order=order)
    connectivity = grid_to_graph(8, 8)
    ours, theirs = fit_both(
        "FeatureAgglomeration",
        X,
        n_clusters=9,
        linkage=linkage,
        connectivity=connectivity,
        compute_distances=True,
    )
    assert_same_fit(ours, theirs)
    reduced = ours.transform(X)
    expected = theirs.transform(X)
    assert reduced.dtype == expected.dtype
    np.testing.assert_array_equal(reduced, expected)
    np.testing.assert_array_equal(
        ours.inverse_transform(reduced), theirs.inverse_transform(expected)
    )


def test_views_read_only_memmaps_and_foreign_byte_order(rng, tmp_path):
    X = rng.normal(size=(40, 64))
    expected = sk.FeatureAgglomeration(n_clusters=5, connectivity=grid_to_graph(8, 8))
    expected.fit(X)
    path = tmp_path / "x.npy"
    np.save(path, X)
    frozen = X.copy()
    frozen.setflags(write=False)
    for variant in (
        np.load(path, mmap_mode="r"),
        frozen,
        X.astype(">f8"),
        np.asfortranarray(X),
        np.hstack([X, X])[:, ::2][:, :64] * 0 + X,
    ):
        model = agglo.FeatureAgglomeration(
            n_clusters=5, connectivity=grid_to_graph(8, 8)
        )
        np.testing.assert_array_equal(model.fit(variant).labels_, expected.labels_)
        np.testing.assert_array_equal(model.transform(variant), expected.transform(X))


@pytest.mark.parametrize(
    "kind", ["csr", "csc", "coo", "lil", "dok", "bsr", "dense", "callable", "int8"]
)
def test_connectivity_kinds(rng, kind):
    X = tie_heavy(rng, 49, 3)
    graph = grid_to_graph(7, 7)
    connectivity = {
        "dense": graph.toarray(),
        "callable": lambda points: grid_to_graph(7, 7),
        "int8": graph.astype(np.int8),
    }.get(kind)
    if connectivity is None:
        connectivity = graph.asformat(kind)
    for linkage in ("ward", "average"):
        ours, theirs = fit_both(
            "AgglomerativeClustering",
            X,
            n_clusters=6,
            linkage=linkage,
            connectivity=connectivity,
        )
        assert_same_fit(ours, theirs)


def test_disconnected_graph_is_completed_with_the_same_warning(rng):
    X = rng.normal(size=(30, 2))
    rows = np.arange(29)
    keep = rows % 10 != 9  # three chains of ten
    graph = sparse.coo_array(
        (np.ones(keep.sum()), (rows[keep], rows[keep] + 1)), shape=(30, 30)
    )
    for linkage, metric in LINKAGE_METRICS:
        ours, theirs = fit_both(
            "AgglomerativeClustering",
            X,
            n_clusters=4,
            linkage=linkage,
            metric=metric,
            connectivity=graph,
        )
        assert_same_fit(ours, theirs)
        assert ours.n_connected_components_ == 3


def test_precomputed(rng):
    X = rng.normal(size=(25, 3))
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    for linkage in ("complete", "average", "single"):
        for connectivity in (None, kneighbors_graph(X, 4)):
            ours, theirs = fit_both(
                "AgglomerativeClustering",
                D,
                n_clusters=3,
                linkage=linkage,
                metric="precomputed",
                connectivity=connectivity,
            )
            assert_same_fit(ours, theirs)


@pytest.mark.parametrize("pooling", [np.mean, np.median, np.max, np.min, np.amax])
def test_native_pooling_functions(rng, pooling):
    X = tie_heavy(rng, 15, 64) * 0.5
    ours, theirs = fit_both(
        "FeatureAgglomeration",
        X,
        n_clusters=11,
        connectivity=grid_to_graph(8, 8),
        pooling_func=pooling,
    )
    np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))


def test_any_other_pooling_callable_and_metric_run_as_in_scikit_learn(rng):
    X = rng.normal(size=(10, 16))
    ours, theirs = fit_both(
        "FeatureAgglomeration",
        X,
        n_clusters=3,
        pooling_func=lambda a, axis: np.percentile(a, 25, axis=axis),
    )
    np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))
    for metric in ("chebyshev", lambda a: np.abs(a[:, None] - a[None]).max(-1)):
        ours, theirs = fit_both(
            "AgglomerativeClustering", X, n_clusters=3, linkage="average", metric=metric
        )
        assert_same_fit(ours, theirs)


def test_digits_example():
    X = load_digits().data
    ours, theirs = fit_both(
        "FeatureAgglomeration",
        X,
        n_clusters=32,
        connectivity=grid_to_graph(8, 8),
        compute_distances=True,
    )
    assert_same_fit(ours, theirs)
    assert list(ours.labels_[:8]) == [9, 9, 31, 1, 27, 17, 0, 8]
    np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))


def test_sample_image_segmentation():
    # scikit-learn's "segmenting the picture of coins" pattern, on the
    # shipped sample image: pixels clustered under their grid.
    image = load_sample_image("china.jpg")[::8, ::8].mean(axis=2)
    X = image.reshape(-1, 1)
    connectivity = grid_to_graph(*image.shape)
    for linkage in ("ward", "average"):
        ours, theirs = fit_both(
            "AgglomerativeClustering",
            X,
            n_clusters=20,
            linkage=linkage,
            connectivity=connectivity,
        )
        assert_same_fit(ours, theirs)
    weighted = img_to_graph(image)
    ours, theirs = fit_both(
        "AgglomerativeClustering", X, n_clusters=8, connectivity=weighted
    )
    assert_same_fit(ours, theirs)


def test_mni152_mask():
    nilearn_datasets = pytest.importorskip("nilearn.datasets")
    mask = nilearn_datasets.load_mni152_brain_mask(resolution=4).get_fdata() > 0
    rng = np.random.default_rng(7)
    X = rng.normal(size=(10, int(mask.sum())))
    connectivity = grid_to_graph(*mask.shape, mask=mask)
    ours, theirs = fit_both(
        "FeatureAgglomeration",
        X,
        n_clusters=100,
        connectivity=connectivity,
        compute_distances=True,
    )
    assert_same_fit(ours, theirs)
    np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))


def test_tree_functions(rng):
    X = tie_heavy(rng, 40, 3)
    connectivity = grid_to_graph(40, 1)
    for kwargs in (
        {},
        {"connectivity": connectivity},
        {"connectivity": connectivity, "n_clusters": 5},
    ):
        for return_distance in (False, True):
            ours = agglo.ward_tree(X, return_distance=return_distance, **kwargs)
            theirs = sk.ward_tree(X, return_distance=return_distance, **kwargs)
            assert_same_tree(ours, theirs)
            for linkage in ("complete", "average", "single"):
                ours = agglo.linkage_tree(
                    X, linkage=linkage, return_distance=return_distance, **kwargs
                )
                theirs = sk.linkage_tree(
                    X, linkage=linkage, return_distance=return_distance, **kwargs
                )
                assert_same_tree(ours, theirs)


def assert_same_tree(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        if b is None or np.isscalar(b):
            assert a == b
        elif b.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=0)
        else:
            np.testing.assert_array_equal(a, b)


def test_graph_builders_are_scikit_learns():
    mask = np.zeros((4, 5), dtype=bool)
    mask[1:, 2:] = True
    a, b = agglo.grid_to_graph(4, 5, mask=mask), grid_to_graph(4, 5, mask=mask)
    assert a.format == b.format and a.dtype == b.dtype
    np.testing.assert_array_equal(a.toarray(), b.toarray())
