"""Every metric scikit-learn takes without connectivity, computed by agglo's
native layer (not handed back to scikit-learn) with scikit-learn's labels,
children and distances; and what scikit-learn refuses, refused the same way."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.cluster as sk
from conftest import assert_same_fit
from sklearn.neighbors import kneighbors_graph

import agglo
from agglo import _core, _estimators, _native, _trees

#: (metric, the linkages scikit-learn accepts it with).
METRICS = [
    ("braycurtis", ("complete", "average", "single")),
    ("canberra", ("complete", "average", "single")),
    ("chebyshev", ("complete", "average", "single")),
    ("correlation", ("complete", "average", "single")),
    ("dice", ("complete", "average", "single")),
    ("hamming", ("complete", "average", "single")),
    ("jaccard", ("complete", "average", "single")),
    ("mahalanobis", ("complete", "average")),
    ("matching", ("complete", "average", "single")),
    ("minkowski", ("complete", "average", "single")),
    ("rogerstanimoto", ("complete", "average", "single")),
    ("russellrao", ("complete", "average", "single")),
    ("seuclidean", ("complete", "average")),
    ("sokalsneath", ("complete", "average", "single")),
    ("sqeuclidean", ("complete", "average", "single")),
    ("yule", ("complete", "average", "single")),
]
CASES = [(m, link) for m, links in METRICS for link in links]


@pytest.fixture
def native_only(monkeypatch):
    """Fails the test if a fit is handed back to scikit-learn."""

    def refuse(*args, **kwargs):
        raise AssertionError("handed to scikit-learn")

    monkeypatch.setattr(_estimators, "_ORIGINAL_FIT", refuse)
    monkeypatch.setattr(_trees, "_ORIGINAL_LINKAGE_TREE", refuse)


def data(rng, kind, n, d):
    if kind == "random":
        return rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=(1, d))
    # Tie-heavy, non-negative, with no all-zero point (the boolean metrics
    # would divide 0 by 0 there).
    x = rng.integers(0, 3, size=(n, d)).astype(np.float64)
    x[np.arange(n), np.arange(n) % d] += 1.0
    return x


def fit(module, X, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return module.AgglomerativeClustering(**params).fit(X)


@pytest.mark.parametrize(("metric", "linkage"), CASES)
@pytest.mark.parametrize("kind", ["random", "ties"])
def test_every_metric_and_linkage_as_scikit_learn(rng, metric, linkage, kind):
    X = data(rng, kind, 45, 6)
    theirs = [
        fit(sk, X, n_clusters=k, metric=metric, linkage=linkage, compute_distances=True)
        for k in (1, 3, 12)
    ]
    for k, expected in zip((1, 3, 12), theirs, strict=True):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_estimators, "_ORIGINAL_FIT", None)  # must not be used
            ours = fit(
                agglo,
                X,
                n_clusters=k,
                metric=metric,
                linkage=linkage,
                compute_distances=True,
            )
        assert_same_fit(ours, expected)


@pytest.mark.parametrize("metric", ["canberra", "jaccard", "chebyshev", "yule"])
def test_feature_agglomeration_and_linkage_tree(rng, metric, native_only):
    X = data(rng, "ties", 12, 40)
    for linkage in ("complete", "average", "single"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = agglo.FeatureAgglomeration(
                n_clusters=5, metric=metric, linkage=linkage
            ).fit(X)
        theirs = fit_features(X, metric, linkage)
        np.testing.assert_array_equal(ours.labels_, theirs.labels_)
        np.testing.assert_array_equal(ours.transform(X), theirs.transform(X))
        got = agglo.linkage_tree(
            X.T, linkage=linkage, affinity=metric, return_distance=True
        )
        from sklearn.cluster import linkage_tree

        want = linkage_tree(X.T, linkage=linkage, affinity=metric, return_distance=True)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_allclose(got[4], want[4], rtol=1e-12, atol=0)


def fit_features(X, metric, linkage):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sk.FeatureAgglomeration(
            n_clusters=5, metric=metric, linkage=linkage
        ).fit(X)


def test_haversine_single_linkage(rng, native_only):
    X = np.column_stack([rng.uniform(-1.2, 1.2, 50), rng.uniform(-3, 3, 50)])
    ours = fit(
        agglo,
        X,
        n_clusters=6,
        metric="haversine",
        linkage="single",
        compute_distances=True,
    )
    theirs = fit(
        sk,
        X,
        n_clusters=6,
        metric="haversine",
        linkage="single",
        compute_distances=True,
    )
    assert_same_fit(ours, theirs)


@pytest.mark.parametrize(
    ("metric", "linkage", "connectivity"),
    [
        ("haversine", "complete", False),
        ("haversine", "average", False),
        ("mahalanobis", "single", False),
        ("seuclidean", "single", False),
        ("braycurtis", "average", True),
        ("yule", "single", True),
        ("nan_euclidean", "average", False),
    ],
)
def test_what_scikit_learn_refuses_is_refused_the_same_way(
    rng, metric, linkage, connectivity
):
    X = rng.normal(size=(20, 3))
    graph = kneighbors_graph(X, 4) if connectivity else None
    errors = []
    for module in (agglo, sk):
        with pytest.raises(Exception) as caught:
            fit(
                module,
                X,
                n_clusters=3,
                metric=metric,
                linkage=linkage,
                connectivity=graph,
            )
        errors.append((type(caught.value), str(caught.value)))
    assert errors[0] == errors[1]


def test_the_native_layer_refuses_unpaired_metrics_with_a_graph(rng):
    X = rng.normal(size=(10, 3))
    graph = kneighbors_graph(X, 3).tocsr()
    with pytest.raises(ValueError, match="works only without connectivity"):
        _native.fit(
            X,
            transpose=False,
            n_clusters=2,
            distance_threshold=None,
            linkage="average",
            metric="braycurtis",
            connectivity=_core.csr_parts(graph),
            compute_full_tree="auto",
            compute_distances=False,
            on_disconnected="complete",
        )
