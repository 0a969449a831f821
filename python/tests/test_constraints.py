"""``on_disconnected``: agglo's hard connectivity constraints, against
scikit-learn fitted on each connected component alone."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn import cluster as sk
from sklearn.base import clone
from sklearn.feature_extraction.image import grid_to_graph
from sklearn.utils._param_validation import InvalidParameterError

import agglo


def pieces() -> tuple[np.ndarray, sparse.csr_matrix]:
    """A 12 x 10 grid cut into four pieces by a cross-shaped wall."""
    mask = np.ones((12, 10), dtype=bool)
    mask[:, 4] = False
    mask[7, :] = False
    return mask, sparse.csr_matrix(grid_to_graph(12, 10, mask=mask))


def reference(X, graph, linkage):
    """scikit-learn's full tree of each component, the merges of all of them
    taken in the order of their distances, in the global numbering."""
    n = X.shape[0]
    n_components, labels = connected_components(graph, directed=False)
    sequences = []
    for c in range(n_components):
        members = np.flatnonzero(labels == c)
        if len(members) < 2:
            sequences.append((list(members), np.empty((0, 2), int), np.empty(0)))
            continue
        sub = graph[members][:, members]
        fitted = sk.AgglomerativeClustering(
            n_clusters=1,
            connectivity=sub,
            linkage=linkage,
            compute_full_tree=True,
            compute_distances=True,
        ).fit(X[members])
        sequences.append((list(members), fitted.children_, fitted.distances_))
    heads = [0] * n_components
    children, distances = [], []
    while True:
        live = [c for c in range(n_components) if heads[c] < len(sequences[c][2])]
        if not live:
            return np.array(children), np.array(distances), n_components
        c = min(live, key=lambda c: sequences[c][2][heads[c]])
        ids, tree, dist = sequences[c]
        a, b = tree[heads[c]]
        children.append([ids[a], ids[b]])
        distances.append(dist[heads[c]])
        ids.append(n + len(children) - 1)
        heads[c] += 1


@pytest.mark.parametrize("linkage", ["ward", "complete", "average", "single"])
def test_separate_is_each_component_alone(rng, linkage):
    _, graph = pieces()
    X = rng.random((graph.shape[0], 3))
    children, distances, n_components = reference(X, graph, linkage)
    assert n_components == 4
    for k in (4, 7, 20):
        ours = agglo.AgglomerativeClustering(
            n_clusters=k,
            connectivity=graph,
            linkage=linkage,
            compute_distances=True,
            on_disconnected="separate",
        ).fit(X)
        made = len(ours.children_)
        np.testing.assert_array_equal(ours.children_, children[:made])
        np.testing.assert_allclose(ours.distances_, distances[:made], rtol=1e-9)
        assert ours.n_clusters_ == k and len(np.unique(ours.labels_)) == k
        assert ours.n_connected_components_ == 4
        # No cluster crosses the wall.
        _, pieces_of = connected_components(graph, directed=False)
        for label in range(k):
            assert len(np.unique(pieces_of[ours.labels_ == label])) == 1


def test_complete_is_scikit_learns_and_raise_refuses(rng):
    _, graph = pieces()
    X = rng.random((graph.shape[0], 2))
    with pytest.warns(UserWarning, match="connected components"):
        theirs = sk.AgglomerativeClustering(n_clusters=3, connectivity=graph).fit(X)
    with pytest.warns(UserWarning, match="connected components"):
        ours = agglo.AgglomerativeClustering(
            n_clusters=3, connectivity=graph, on_disconnected="complete"
        ).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    with pytest.raises(
        ValueError, match=r"4 connected components \(sizes 28, 35, 16, 20\)"
    ):
        agglo.AgglomerativeClustering(
            n_clusters=5, connectivity=graph, on_disconnected="raise"
        ).fit(X)
    with pytest.raises(ValueError, match="ask for at least 4"):
        agglo.AgglomerativeClustering(
            n_clusters=3, connectivity=graph, on_disconnected="separate"
        ).fit(X)
    with pytest.raises(InvalidParameterError, match="on_disconnected"):
        agglo.AgglomerativeClustering(connectivity=graph, on_disconnected="merge").fit(
            X
        )
    with pytest.raises(ValueError, match="needs a metric agglo computes"):
        agglo.AgglomerativeClustering(
            n_clusters=5,
            connectivity=graph,
            linkage="average",
            metric="chebyshev",
            on_disconnected="separate",
        ).fit(X)


def test_feature_agglomeration_separates_image_pieces(rng):
    _, graph = pieces()
    X = rng.random((6, graph.shape[0]))
    model = agglo.FeatureAgglomeration(
        n_clusters=9, connectivity=graph, on_disconnected="separate"
    ).fit(X)
    assert model.transform(X).shape == (6, 9)
    params = clone(model).get_params()
    assert params["on_disconnected"] == "separate"
    # A connected graph: separate changes nothing.
    full = grid_to_graph(12, 10)
    Y = rng.random((4, 120))
    theirs = sk.FeatureAgglomeration(n_clusters=9, connectivity=full).fit(Y)
    ours = agglo.FeatureAgglomeration(
        n_clusters=9, connectivity=full, on_disconnected="separate"
    ).fit(Y)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_array_equal(ours.children_, theirs.children_)
