"""scikit-learn's tree functions ``ward_tree`` and ``linkage_tree``, with
their signatures, validation and return conventions, built by agglo."""

from __future__ import annotations

import warnings
from numbers import Integral
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.cluster import _agglomerative as _sk
from sklearn.utils._param_validation import Interval, validate_params

from agglo import _core

_ORIGINAL_WARD_TREE = _sk.ward_tree
_ORIGINAL_LINKAGE_TREE = _sk.linkage_tree

_PARTIAL_BUILD = (
    "Partial build of the tree is implemented "
    "only for structured clustering (i.e. with "
    "explicit connectivity). The algorithm "
    "will build the full tree and only "
    "retain the lower branches required "
    "for the specified number of clusters"
)


def _as_points(X: Any) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim == 1:
        X = np.reshape(X, (-1, 1))
    return X


def _tree(
    X: np.ndarray,
    native: np.ndarray,
    connectivity: Any,
    n_clusters: int | None,
    linkage: str,
    metric: str,
    return_distance: bool,
) -> tuple[Any, ...]:
    """The tree of the rows of ``X`` in scikit-learn's return convention."""
    n_samples = X.shape[0]
    if connectivity is None:
        if n_clusters is not None:
            warnings.warn(_PARTIAL_BUILD, stacklevel=3)
        result = _core.native_fit(
            native,
            linkage=linkage,
            metric=metric,
            connectivity=None,
            n_clusters=1,
            distance_threshold=None,
            compute_full_tree=True,
            compute_distances=True,
            stacklevel=4,
        )
        if return_distance:
            return result["children"], 1, n_samples, None, result["distances"]
        return result["children"], 1, n_samples, None
    _core.check_connectivity_shape(connectivity, X)
    if n_clusters is not None:
        _core.check_cluster_count(n_clusters, n_samples, False, linkage == "ward")
    result = _core.native_fit(
        native,
        linkage=linkage,
        metric=metric,
        connectivity=connectivity,
        n_clusters=1 if n_clusters is None else n_clusters,
        distance_threshold=None,
        compute_full_tree=n_clusters is None,
        compute_distances=True,
        stacklevel=4,
    )
    children = result["children"]
    # scikit-learn's parents: one per node of the (partial) tree; single
    # linkage returns every merge but parents only those of the partial tree.
    n_nodes = 2 * n_samples - (1 if n_clusters is None else n_clusters)
    parents = np.arange(n_nodes, dtype=np.intp)
    made = children[: n_nodes - n_samples]
    parents[made[:, 0]] = parents[made[:, 1]] = np.arange(n_samples, n_nodes)
    out = (children, result["n_connected_components"], result["n_leaves"], parents)
    if return_distance:
        return (*out, result["distances"])
    return out


@validate_params(
    {
        "X": ["array-like"],
        "connectivity": ["array-like", "sparse matrix", None],
        "n_clusters": [Interval(Integral, 1, None, closed="left"), None],
        "return_distance": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def ward_tree(
    X: Any,
    *,
    connectivity: Any = None,
    n_clusters: int | None = None,
    return_distance: bool = False,
) -> tuple[Any, ...]:
    """Ward clustering of the rows of ``X``, as
    :func:`sklearn.cluster.ward_tree` (same arguments and return values):
    ``(children, n_connected_components, n_leaves, parents[, distances])``.

    >>> import numpy as np
    >>> from agglo import ward_tree
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [4, 2], [4, 4], [4, 0]])
    >>> children, n_connected_components, n_leaves, parents = ward_tree(X)
    >>> children
    array([[0, 1],
           [3, 5],
           [2, 6],
           [4, 7],
           [8, 9]])
    """
    X = _as_points(X)
    native = _core.native_array(X)
    if native is None:
        return _ORIGINAL_WARD_TREE(
            X,
            connectivity=connectivity,
            n_clusters=n_clusters,
            return_distance=return_distance,
        )
    if connectivity is not None:
        connectivity = _checked(connectivity)
    return _tree(
        X, native, connectivity, n_clusters, "ward", "euclidean", return_distance
    )


def linkage_tree(
    X: Any,
    connectivity: Any = None,
    n_clusters: int | None = None,
    linkage: str = "complete",
    affinity: Any = "euclidean",
    return_distance: bool = False,
) -> tuple[Any, ...]:
    """Complete, average or single linkage of the rows of ``X``, as
    :func:`sklearn.cluster.linkage_tree` (same arguments and return values).
    """
    X = _as_points(X)
    native = _core.native_array(X)
    linkages = {"complete", "average", "single"}
    if (
        native is None
        or linkage not in linkages
        or not _core.runs_natively(affinity, linkage, connectivity)
    ):
        return _ORIGINAL_LINKAGE_TREE(
            X,
            connectivity=connectivity,
            n_clusters=n_clusters,
            linkage=linkage,
            affinity=affinity,
            return_distance=return_distance,
        )
    if connectivity is not None:
        connectivity = _checked(connectivity)
    return _tree(
        X, native, connectivity, n_clusters, linkage, affinity, return_distance
    )


def _checked(connectivity: Any) -> Any:
    """A sparse matrix as it is, anything else as an array (its shape is
    checked before it is handed over)."""
    return connectivity if sparse.issparse(connectivity) else np.asarray(connectivity)
