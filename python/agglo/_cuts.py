"""One fit, many cuts: the labels of a fitted tree at any number of
clusters or distance threshold without refitting, and the tree as scipy's
linkage matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.utils.validation import check_is_fitted

from agglo import _native


class TreeCuts:
    """``cut`` and ``linkage_matrix_`` for a fitted agglomerative model."""

    children_: np.ndarray
    n_leaves_: int

    def _full_children(self, what: str) -> np.ndarray:
        check_is_fitted(self, "children_")
        children = np.asarray(self.children_, dtype=np.intp)
        if len(children) != self.n_leaves_ - 1:
            raise ValueError(
                f"{what} needs the full tree, but this one stops after "
                f"{len(children)} of {self.n_leaves_ - 1} merges: fit with "
                "compute_full_tree=True"
            )
        return children

    def cut(
        self,
        n_clusters: int | Sequence[int] | None = None,
        *,
        distance_threshold: float | None = None,
    ) -> np.ndarray:
        """Labels of the fitted tree cut at ``n_clusters`` or at
        ``distance_threshold``, without refitting.

        The labels are exactly the ``labels_`` scikit-learn gives when fitted
        with that parameter and ``compute_full_tree=True`` (clusters
        numbered as its ``_hc_cut`` numbers them). Many values of k are cut
        in one walk down the tree.

        Parameters
        ----------
        n_clusters : int or sequence of int, default=None
            The number of clusters; a sequence gives one row of labels per
            value, in the order given.

        distance_threshold : float, default=None
            Cut where the linkage distance reaches this value instead (needs
            ``distances_``: fit with ``compute_distances=True``).

        Returns
        -------
        labels : ndarray of shape (n_leaves,) or (len(n_clusters), n_leaves)

        Examples
        --------
        >>> import numpy as np
        >>> from agglo import AgglomerativeClustering
        >>> X = np.array([[0.0], [1.0], [5.0], [6.0], [20.0]])
        >>> model = AgglomerativeClustering(compute_full_tree=True).fit(X)
        >>> model.cut(3)
        array([2, 2, 0, 0, 1])
        >>> model.cut([1, 2]).shape
        (2, 5)
        """
        children = self._full_children("cut")
        if (n_clusters is None) == (distance_threshold is None):
            raise ValueError(
                "Exactly one of n_clusters and distance_threshold has to be "
                "set, and the other needs to be None."
            )
        if distance_threshold is not None:
            distances = getattr(self, "distances_", None)
            if distances is None:
                raise ValueError(
                    "cut(distance_threshold=...) needs the merge distances: "
                    "fit with compute_distances=True"
                )
            k = int(np.count_nonzero(np.asarray(distances) >= distance_threshold)) + 1
            return _native.cut(children, self.n_leaves_, [k])[0]
        ks = np.atleast_1d(np.asarray(n_clusters))
        if ks.ndim != 1 or not np.issubdtype(ks.dtype, np.integer):
            raise ValueError(
                f"n_clusters must be an int or a sequence of ints, got {n_clusters!r}"
            )
        if (ks < 1).any():
            raise ValueError(f"n_clusters must be at least 1, got {int(ks.min())}")
        labels = _native.cut(children, self.n_leaves_, [int(k) for k in ks])
        return labels[0] if np.ndim(np.asarray(n_clusters)) == 0 else labels

    @property
    def linkage_matrix_(self) -> np.ndarray:
        """The fitted tree as scipy's linkage matrix ``Z`` (float64, shape
        ``(n_leaves - 1, 4)``: the two children in scipy's numbering, which
        is scikit-learn's, the distance, and the size of the new cluster),
        for ``scipy.cluster.hierarchy.dendrogram``, ``fcluster`` and
        ``cophenet``. Needs the full tree and ``distances_``.

        With connectivity, Ward distances need not grow from one merge to
        the next (scikit-learn's neither): scipy draws such a dendrogram with
        crossing links, and ``fcluster(Z, t, "distance")`` is then not a cut
        of the tree at ``t``; use :meth:`cut` for that.
        """
        try:
            children = self._full_children("linkage_matrix_")
        except ValueError as error:
            raise AttributeError(str(error)) from None
        distances = getattr(self, "distances_", None)
        if distances is None:
            raise AttributeError(
                "linkage_matrix_ needs the merge distances: fit with "
                "compute_distances=True (or a distance_threshold)"
            )
        return _native.linkage_matrix(
            children, np.ascontiguousarray(distances, dtype=np.float64), self.n_leaves_
        )
