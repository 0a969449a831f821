"""One fit, many cuts: ``cut`` against scikit-learn refitted at every k of a
sweep (and at thresholds), ``linkage_matrix_`` against what scipy builds
from scikit-learn's ``children_`` and ``distances_``."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster import hierarchy
from sklearn import cluster as sk
from sklearn.feature_extraction.image import grid_to_graph

import agglo

LINKAGES = ["ward", "complete", "average", "single"]


def tie_heavy(rng: np.random.Generator, side: int) -> np.ndarray:
    """Integer-valued smooth data over a side-by-side grid, many ties."""
    x = rng.integers(0, 4, size=(side * side, 3)).astype(float)
    return x + np.arange(side * side)[:, None] % side // 3


@pytest.mark.parametrize("linkage", LINKAGES)
@pytest.mark.parametrize("structured", [True, False])
def test_cut_is_a_refit_at_every_k(rng, linkage, structured):
    side = 7
    x = tie_heavy(rng, side)
    graph = grid_to_graph(side, side) if structured else None
    params = dict(linkage=linkage, connectivity=graph, compute_full_tree=True)
    model = agglo.AgglomerativeClustering(n_clusters=2, **params).fit(x)
    ks = list(range(1, side * side + 1))
    cuts = model.cut(ks)
    assert cuts.shape == (len(ks), side * side)
    for k, labels in zip(ks, cuts, strict=True):
        refit = sk.AgglomerativeClustering(n_clusters=k, **params).fit(x)
        np.testing.assert_array_equal(labels, refit.labels_, err_msg=f"k={k}")
        np.testing.assert_array_equal(model.cut(k), refit.labels_)
    # Shuffled and repeated k come back in the order given.
    order = [5, 1, 5, 49, 2]
    np.testing.assert_array_equal(model.cut(order), cuts[np.array(order) - 1])


@pytest.mark.parametrize("linkage", LINKAGES)
def test_cut_at_a_threshold_is_a_refit(rng, linkage):
    side = 6
    x = tie_heavy(rng, side)
    graph = grid_to_graph(side, side)
    model = agglo.FeatureAgglomeration(
        n_clusters=2,
        linkage=linkage,
        connectivity=graph,
        compute_full_tree=True,
        compute_distances=True,
    ).fit(x.T)
    quantiles = np.quantile(model.distances_, [0.0, 0.1, 0.5, 0.9, 1.0]).tolist()
    for t in [*quantiles, 1e9]:
        refit = sk.FeatureAgglomeration(
            n_clusters=None, distance_threshold=t, linkage=linkage, connectivity=graph
        ).fit(x.T)
        np.testing.assert_array_equal(model.cut(distance_threshold=t), refit.labels_)


def test_cut_refuses_what_it_cannot_do(rng):
    x = tie_heavy(rng, 6)
    graph = grid_to_graph(6, 6)
    partial = agglo.AgglomerativeClustering(
        n_clusters=30, connectivity=graph, compute_full_tree=False
    ).fit(x)
    with pytest.raises(
        ValueError, match=r"needs the full tree.*compute_full_tree=True"
    ):
        partial.cut(3)
    with pytest.raises(AttributeError, match="full tree"):
        partial.linkage_matrix_  # noqa: B018
    full = agglo.AgglomerativeClustering(
        connectivity=graph, compute_full_tree=True
    ).fit(x)
    with pytest.raises(ValueError, match="Exactly one of n_clusters"):
        full.cut()
    with pytest.raises(ValueError, match="Exactly one of n_clusters"):
        full.cut(2, distance_threshold=1.0)
    with pytest.raises(ValueError, match="compute_distances=True"):
        full.cut(distance_threshold=1.0)
    with pytest.raises(ValueError, match="at least 1"):
        full.cut([2, 0])
    with pytest.raises(ValueError, match="more clusters than points"):
        full.cut(37)
    with pytest.raises(AttributeError, match="compute_distances=True"):
        full.linkage_matrix_  # noqa: B018
    assert not hasattr(agglo.AgglomerativeClustering(), "linkage_matrix_")


def scipy_linkage_from_sklearn(model) -> np.ndarray:
    """scikit-learn's documented recipe (plot_agglomerative_dendrogram)."""
    counts = np.zeros(model.children_.shape[0])
    n = len(model.labels_)
    for i, merge in enumerate(model.children_):
        counts[i] = sum(1 if child < n else counts[child - n] for child in merge)
    return np.column_stack([model.children_, model.distances_, counts]).astype(float)


@pytest.mark.parametrize("linkage", LINKAGES)
@pytest.mark.parametrize("structured", [True, False])
def test_linkage_matrix_is_scipys(rng, linkage, structured):
    side = 8
    x = rng.normal(size=(side * side, 4))
    graph = grid_to_graph(side, side) if structured else None
    params = dict(
        linkage=linkage,
        connectivity=graph,
        compute_full_tree=True,
        compute_distances=True,
    )
    ours = agglo.AgglomerativeClustering(**params).fit(x)
    theirs = sk.AgglomerativeClustering(**params).fit(x)
    z = ours.linkage_matrix_
    reference = scipy_linkage_from_sklearn(theirs)
    np.testing.assert_array_equal(z[:, [0, 1, 3]], reference[:, [0, 1, 3]])
    np.testing.assert_allclose(z[:, 2], reference[:, 2], rtol=1e-9, atol=0)
    assert z.dtype == np.float64 and z.shape == (side * side - 1, 4)
    assert hierarchy.is_valid_linkage(z)
    # scipy's tools read it: a dendrogram over every leaf, and for a
    # monotone tree fcluster's maxclust cut has the clusters of our cut.
    tree = hierarchy.dendrogram(z, no_plot=True)
    assert sorted(tree["leaves"]) == list(range(side * side))
    if hierarchy.is_monotonic(z):
        for k in (2, 5, 17):
            flat = hierarchy.fcluster(z, k, criterion="maxclust")
            ours_k = ours.cut(k)
            pairs = {(a, b) for a, b in zip(flat, ours_k, strict=True)}
            assert len(pairs) == len(set(flat)) == len(set(ours_k)), k


def test_cutting_many_k_on_a_large_tree_is_one_walk(rng):
    """100 cuts of a 90,000-leaf tree: every one a valid partition."""
    side = 300
    x = rng.normal(size=(2, side * side))
    model = agglo.FeatureAgglomeration(
        n_clusters=2, connectivity=grid_to_graph(side, side), compute_full_tree=True
    ).fit(x)
    ks = np.unique(np.geomspace(1, 5000, 100).astype(int))
    cuts = model.cut(ks)
    for k, labels in zip(ks, cuts, strict=True):
        assert labels.max() + 1 == k
        assert len(np.unique(labels)) == k
    np.testing.assert_array_equal(cuts[-1], model.cut(int(ks[-1])))
