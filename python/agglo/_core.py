"""What the estimators and the tree functions share: scikit-learn's checks,
the hand-over of arrays and graphs to the native layer, and its results."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from scipy import sparse

from agglo import _native

#: The metrics the native layer computes as scikit-learn does with a
#: connectivity graph (scikit-learn's paired distances).
PAIRED_METRICS = frozenset(
    {"euclidean", "l2", "l1", "manhattan", "cityblock", "cosine", "precomputed"}
)

#: The metrics the native layer computes as scikit-learn does without one
#: (scipy's ``pdist`` and scikit-learn's ``DistanceMetric``); any other (a
#: callable, or a name scikit-learn refuses) runs in scikit-learn.
NATIVE_METRICS = PAIRED_METRICS | frozenset(
    {
        "braycurtis",
        "canberra",
        "chebyshev",
        "correlation",
        "dice",
        "hamming",
        "haversine",
        "jaccard",
        "mahalanobis",
        "matching",
        "minkowski",
        "rogerstanimoto",
        "russellrao",
        "seuclidean",
        "sokalsneath",
        "sqeuclidean",
        "yule",
    }
)

#: Combinations scikit-learn refuses, left to it so that its errors are the
#: same: scipy's ``pdist`` has no haversine, scikit-learn's single linkage
#: cannot pass mahalanobis' ``VI`` or seuclidean's ``V``.
_REFUSED = frozenset(
    {
        ("haversine", "complete"),
        ("haversine", "average"),
        ("mahalanobis", "single"),
        ("seuclidean", "single"),
    }
)


def runs_natively(metric: Any, linkage: str, connectivity: Any) -> bool:
    """Whether the native layer fits ``metric`` with ``linkage`` exactly as
    scikit-learn would (with or without a ``connectivity`` graph)."""
    if not isinstance(metric, str) or (metric, linkage) in _REFUSED:
        return False
    if connectivity is not None:
        return metric in PAIRED_METRICS
    return metric in NATIVE_METRICS


DISCONNECTED = (
    "the number of connected components of the connectivity matrix is {} > 1. "
    "Completing it to avoid stopping the tree early."
)


def native_array(x: Any) -> np.ndarray | None:
    """``x`` as the native layer reads it, in place where possible: float64,
    float32 and integer matrices as they are (booleans as uint8, foreign byte
    orders made native); ``None`` for anything else (float16, ...)."""
    x = np.asarray(x)
    if x.ndim != 2:
        return None
    if x.dtype == np.bool_:
        return x.view(np.uint8)
    if x.dtype.kind not in "fiu" or x.dtype == np.float16 or x.dtype.itemsize > 8:
        return None
    if not x.dtype.isnative:
        x = x.astype(x.dtype.newbyteorder("="))
    return x


def csr_parts(
    connectivity: Any,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The compressed rows of a (checked) connectivity matrix, dense or any
    sparse format, without a copy when it already is CSR."""
    c = (
        connectivity
        if sparse.issparse(connectivity)
        else sparse.csr_array(connectivity)
    )
    if c.format != "csr":
        c = c.tocsr()
    data = np.asarray(c.data, dtype=np.float64)
    return c.indptr, c.indices, data


def full_tree(
    compute_full_tree: Any,
    has_connectivity: bool,
    n_clusters: int | None,
    distance_threshold: float | None,
    n_points: int,
) -> bool:
    """scikit-learn's rule for building the whole tree."""
    if not has_connectivity or distance_threshold is not None:
        return True
    if isinstance(compute_full_tree, str) and compute_full_tree == "auto":
        assert n_clusters is not None
        return bool(n_clusters < max(100, 0.02 * n_points))
    return bool(compute_full_tree)


def check_cluster_count(n_clusters: int, n_points: int, full: bool, ward: bool) -> None:
    """scikit-learn's errors for more clusters than points (raised before the
    tree is built, where scikit-learn raises after)."""
    if n_clusters <= n_points:
        return
    if full:
        raise ValueError(
            "Cannot extract more clusters than samples: "
            f"{n_clusters} clusters were given for a tree with {n_points} leaves."
        )
    what = "samples" if ward else "points"
    raise ValueError(
        f"Cannot provide more clusters than {what}. {n_clusters} n_clusters "
        f"was asked, and there are {n_points} {what}."
    )


def check_connectivity_shape(connectivity: Any, points: np.ndarray) -> None:
    """scikit-learn's message for a graph that does not fit the points."""
    n = points.shape[0]
    if connectivity.shape[0] != n or connectivity.shape[1] != n:
        raise ValueError(
            f"Wrong shape for connectivity matrix: {connectivity.shape} "
            f"when X is {points.shape}"
        )


def native_fit(
    points: np.ndarray,
    *,
    linkage: str,
    metric: str,
    connectivity: Any,
    n_clusters: int | None,
    distance_threshold: float | None,
    compute_full_tree: Any,
    compute_distances: bool,
    on_disconnected: str = "complete",
    stacklevel: int = 3,
) -> _native.FitResult:
    """Fits the tree over the rows of ``points`` in the native layer and
    warns, as scikit-learn does, when the graph had to be completed.

    ``points`` comes from :func:`native_array`; ``connectivity`` is None or
    a checked matrix of the right shape."""
    if isinstance(compute_full_tree, str):
        full = compute_full_tree
    else:
        full = "true" if compute_full_tree else "false"
    graph = None if connectivity is None else csr_parts(connectivity)
    result = _native.fit(
        points,
        transpose=False,
        n_clusters=None if n_clusters is None else int(n_clusters),
        distance_threshold=(
            None if distance_threshold is None else float(distance_threshold)
        ),
        linkage=linkage,
        metric=metric,
        compute_full_tree=full,
        compute_distances=bool(compute_distances),
        connectivity=graph,
        on_disconnected=on_disconnected,
    )
    if result["disconnected_components"] is not None:
        warnings.warn(
            DISCONNECTED.format(result["disconnected_components"]),
            UserWarning,
            stacklevel=stacklevel,
        )
    return result
