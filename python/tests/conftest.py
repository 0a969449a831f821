"""Shared helpers of the Python suite: comparing agglo with scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest


def assert_same_fit(ours, theirs) -> None:
    """Identical labels, children and counts; distances within 1e-9."""
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_array_equal(ours.children_, theirs.children_)
    assert ours.labels_.dtype == theirs.labels_.dtype
    assert ours.n_clusters_ == theirs.n_clusters_
    assert ours.n_leaves_ == theirs.n_leaves_
    assert ours.n_connected_components_ == theirs.n_connected_components_
    assert hasattr(ours, "distances_") == hasattr(theirs, "distances_")
    if hasattr(theirs, "distances_"):
        np.testing.assert_allclose(
            ours.distances_, theirs.distances_, rtol=1e-9, atol=0
        )


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261201)
