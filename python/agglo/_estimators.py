"""scikit-learn's ``AgglomerativeClustering`` and ``FeatureAgglomeration``,
fitted and pooled by agglo's Rust core.

The classes subclass scikit-learn's own, so constructor signatures, defaults,
parameter validation, tags, ``set_output``, ``get_feature_names_out``,
pickling and ``clone`` are scikit-learn's. Only the tree building, the cut
and the pooling are replaced; what the native layer does not compute (a
callable metric, one of scipy's other metric names, a float16 input, a
custom ``pooling_func``) runs in scikit-learn itself, with its results.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from scipy.sparse import issparse
from sklearn import cluster as _sk
from sklearn.base import _fit_context
from sklearn.utils import check_array
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted, check_memory, validate_data

from agglo import _core, _native
from agglo._cuts import TreeCuts

_ORIGINAL_FIT = _sk.AgglomerativeClustering._fit

#: Pooling functions the native layer runs, by identity.
_NATIVE_POOLING: tuple[tuple[Any, str], ...] = (
    (np.mean, "mean"),
    (np.median, "median"),
    (np.max, "max"),
    (np.amax, "max"),
    (np.min, "min"),
    (np.amin, "min"),
)


def _pooling_name(func: Any) -> str | None:
    return next((name for f, name in _NATIVE_POOLING if func is f), None)


def _fit_tree(estimator: Any, points: np.ndarray) -> Any:
    """scikit-learn's ``AgglomerativeClustering._fit(points)``, step for step,
    with the tree built and cut natively."""
    check_memory(estimator.memory)
    n_clusters = estimator.n_clusters
    threshold = estimator.distance_threshold
    if not ((n_clusters is None) ^ (threshold is None)):
        raise ValueError(
            "Exactly one of n_clusters and "
            "distance_threshold has to be set, and the other "
            "needs to be None."
        )
    if threshold is not None and not estimator.compute_full_tree:
        raise ValueError("compute_full_tree must be True if distance_threshold is set.")
    metric, linkage = estimator.metric, estimator.linkage
    if linkage == "ward" and metric not in ("euclidean", "l2"):
        raise ValueError(
            f"{metric} was provided as metric. Ward can only "
            "work with euclidean distances (i.e. 'euclidean' and 'l2')."
        )
    native = _core.native_array(points)
    on_disconnected = getattr(estimator, "on_disconnected", "complete")
    if native is None or not _core.runs_natively(
        metric, linkage, estimator.connectivity
    ):
        if on_disconnected != "complete":
            raise ValueError(
                f"on_disconnected={on_disconnected!r} is agglo's own: it needs "
                "a metric agglo computes (one of "
                f"{', '.join(sorted(_core.PAIRED_METRICS))}) and numeric data"
            )
        return _ORIGINAL_FIT(estimator, points)

    connectivity = estimator.connectivity
    if connectivity is not None:
        if callable(connectivity):
            connectivity = connectivity(points)
        connectivity = check_array(connectivity, accept_sparse=["csr", "coo", "lil"])
        _core.check_connectivity_shape(connectivity, points)
    n_points = len(points)
    full = _core.full_tree(
        estimator.compute_full_tree,
        connectivity is not None,
        n_clusters,
        threshold,
        n_points,
    )
    if n_clusters is not None:
        _core.check_cluster_count(n_clusters, n_points, full, linkage == "ward")
    return_distance = threshold is not None or estimator.compute_distances
    result = _core.native_fit(
        native,
        linkage=linkage,
        metric=metric,
        connectivity=connectivity,
        n_clusters=n_clusters,
        distance_threshold=threshold,
        compute_full_tree=estimator.compute_full_tree,
        compute_distances=return_distance,
        on_disconnected=on_disconnected,
        stacklevel=4,
    )
    estimator.children_ = result["children"]
    estimator.n_connected_components_ = result["n_connected_components"]
    estimator.n_leaves_ = result["n_leaves"]
    if return_distance:
        estimator.distances_ = result["distances"]
    estimator.n_clusters_ = (
        result["n_clusters"] if threshold is not None else n_clusters
    )
    estimator.labels_ = result["labels"]
    return estimator


class AgglomerativeClustering(TreeCuts, _sk.AgglomerativeClustering):
    """scikit-learn's :class:`sklearn.cluster.AgglomerativeClustering`, with
    its tree built by agglo: the same parameters, attributes and results
    (``labels_`` and ``children_`` identical, ``distances_`` to the last
    bits of scikit-learn's order of operations).

    >>> import numpy as np
    >>> from agglo import AgglomerativeClustering
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [4, 2], [4, 4], [4, 0]])
    >>> AgglomerativeClustering().fit(X).labels_
    array([1, 1, 1, 0, 0, 0])
    """

    _parameter_constraints: ClassVar[dict[str, Any]] = {
        **_sk.AgglomerativeClustering._parameter_constraints,
        "on_disconnected": [StrOptions({"complete", "raise", "separate"})],
    }

    def __init__(
        self,
        n_clusters: int | None = 2,
        *,
        metric: Any = "euclidean",
        memory: Any = None,
        connectivity: Any = None,
        compute_full_tree: Any = "auto",
        linkage: str = "ward",
        distance_threshold: float | None = None,
        compute_distances: bool = False,
        on_disconnected: str = "complete",
    ) -> None:
        super().__init__(
            n_clusters=n_clusters,
            metric=metric,
            memory=memory,
            connectivity=connectivity,
            compute_full_tree=compute_full_tree,
            linkage=linkage,
            distance_threshold=distance_threshold,
            compute_distances=compute_distances,
        )
        self.on_disconnected = on_disconnected

    def _fit(self, X: np.ndarray) -> AgglomerativeClustering:
        return _fit_tree(self, X)


class FeatureAgglomeration(TreeCuts, _sk.FeatureAgglomeration):
    """scikit-learn's :class:`sklearn.cluster.FeatureAgglomeration`, fitted
    and pooled by agglo: the features (columns of X) are the points.

    >>> import numpy as np
    >>> from sklearn.feature_extraction.image import grid_to_graph
    >>> from agglo import FeatureAgglomeration
    >>> X = np.arange(24.0).reshape(3, 8) % 5
    >>> agglo = FeatureAgglomeration(n_clusters=3, connectivity=grid_to_graph(8, 1))
    >>> agglo.fit(X).labels_
    array([1, 1, 2, 2, 2, 0, 0, 0])
    >>> agglo.transform(X).shape
    (3, 3)
    """

    _parameter_constraints: ClassVar[dict[str, Any]] = {
        **_sk.FeatureAgglomeration._parameter_constraints,
        "on_disconnected": [StrOptions({"complete", "raise", "separate"})],
    }

    def __init__(
        self,
        n_clusters: int | None = 2,
        *,
        metric: Any = "euclidean",
        memory: Any = None,
        connectivity: Any = None,
        compute_full_tree: Any = "auto",
        linkage: str = "ward",
        pooling_func: Any = np.mean,
        distance_threshold: float | None = None,
        compute_distances: bool = False,
        on_disconnected: str = "complete",
    ) -> None:
        super().__init__(
            n_clusters=n_clusters,
            metric=metric,
            memory=memory,
            connectivity=connectivity,
            compute_full_tree=compute_full_tree,
            linkage=linkage,
            pooling_func=pooling_func,
            distance_threshold=distance_threshold,
            compute_distances=compute_distances,
        )
        self.on_disconnected = on_disconnected

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None) -> FeatureAgglomeration:
        """Fit the hierarchical clustering on the features of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The data.

        y : Ignored
            Not used, present here for API consistency by convention.

        Returns
        -------
        self : object
            Returns the transformer.
        """
        X = validate_data(self, X, ensure_min_features=2)
        _fit_tree(self, X.T)
        self._n_features_out = self.n_clusters_
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Pool each sample onto the feature clusters.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The data to pool.

        Returns
        -------
        Y : ndarray of shape (n_samples, n_clusters)
            The pooled values for each feature cluster.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        pooling = _pooling_name(self.pooling_func)
        native = None if issparse(X) else _core.native_array(X)
        # np.mean pools in float64 whatever the input; the others keep the
        # input's dtype, which the native layer reproduces for float64 only.
        if (
            native is None
            or pooling is None
            or (pooling != "mean" and X.dtype != np.float64)
        ):
            return super().transform(X)
        return _native.pool(native, np.asarray(self.labels_, dtype=np.intp), pooling)

    def inverse_transform(self, X: Any) -> np.ndarray:
        """Give each feature the value of its cluster.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_clusters) or (n_clusters,)
            The values to be assigned to each cluster of samples.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features) or (n_features,)
            ``X`` with the value of each feature's cluster.
        """
        check_is_fitted(self)
        if (
            isinstance(X, np.ndarray)
            and X.ndim == 2
            and X.dtype == np.float64
            and X.dtype.isnative
            and X.shape[1] == self.n_clusters_
            and X.shape[0] > 0
        ):
            return _native.restore(X, np.asarray(self.labels_, dtype=np.intp))
        return super().inverse_transform(X)
