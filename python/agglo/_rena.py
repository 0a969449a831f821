"""``agglo.ReNA``: nilearn's recursive nearest agglomeration, on agglo.

The same signature, attributes and results as ``nilearn.regions.ReNA``
(nilearn 0.14.1), many times faster; nilearn itself is not needed, except
for surface masks, which are handed to nilearn's own ``ReNA``.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from agglo import _native
from agglo._core import csr_parts, native_array


def _is_surface(mask_img: Any) -> bool:
    return type(mask_img).__name__ in {"SurfaceImage", "SurfaceMasker"}


def _mask_array(mask_img: Any) -> np.ndarray:
    """The boolean voxels of a NIfTI image (or its path) or of an array."""
    if isinstance(mask_img, (str, os.PathLike)):
        import nibabel

        mask_img = nibabel.load(os.fspath(mask_img))
    if hasattr(mask_img, "dataobj"):
        return np.asarray(mask_img.dataobj).astype(bool)
    if isinstance(mask_img, np.ndarray):
        return mask_img.astype(bool)
    raise TypeError(
        "The mask image should be a Niimg-like object, a boolean array, "
        "a SurfaceImage object or a SurfaceMasker (or give connectivity=). "
        f"Instead a {mask_img.__class__.__name__} object was provided."
    )


class ReNA(ClusterMixin, TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Recursive Neighbor Agglomeration, as ``nilearn.regions.ReNA``.

    Recursively merges every cluster with its nearest neighbour (smallest
    squared distance between the signals) over the mask's 6-neighbour
    lattice, until at most ``n_clusters`` remain or ``n_iter`` rounds have
    run. Labels, ``transform`` and ``inverse_transform`` are nilearn's,
    number for number, with two documented differences: among tied edges
    in a final round agglo keeps nilearn's order under a stable sort
    (nilearn's own choice then depends on the CPU), and a mask voxel
    without an in-mask neighbour stays a cluster of its own instead of
    shifting the later voxels (a defect of nilearn's). ``memory``,
    ``memory_level`` and ``verbose`` are accepted for compatibility and
    not used.

    Parameters
    ----------
    mask_img : NIfTI image, path, boolean array, SurfaceImage or None
        The voxels whose signals are the columns of ``X``, in C order.
    n_clusters : int, default=2
    scaling : bool, default=False
        Multiply each cluster's mean by the square root of its size.
    n_iter : int, default=10
    threshold : float, default=1e-7
    memory, memory_level, verbose : ignored
    connectivity : sparse matrix, optional
        A graph of the features to use instead of a mask's lattice.

    >>> import numpy as np, agglo
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((5, 36))
    >>> mask = np.ones((6, 6, 1), dtype=bool)
    >>> agglo.ReNA(mask, n_clusters=4).fit(X).n_clusters_
    4
    """

    def __init__(
        self,
        mask_img: Any = None,
        n_clusters: int = 2,
        scaling: bool = False,
        n_iter: int = 10,
        threshold: float = 1e-7,
        memory: Any = None,
        memory_level: int = 1,
        verbose: int = 0,
        connectivity: Any = None,
    ) -> None:
        self.mask_img = mask_img
        self.n_clusters = n_clusters
        self.scaling = scaling
        self.n_iter = n_iter
        self.threshold = threshold
        self.memory = memory
        self.memory_level = memory_level
        self.verbose = verbose
        self.connectivity = connectivity

    def fit(self, X: Any, y: Any = None) -> ReNA:
        """Cluster the features (columns) of ``X``, n_samples x n_features."""
        del y
        if _is_surface(self.mask_img) and self.connectivity is None:
            return self._fit_with_nilearn(X)
        X = validate_data(
            self, X, reset=True, ensure_min_features=2, ensure_min_samples=2
        )
        if self.n_clusters <= 0:
            raise ValueError(
                "n_clusters should be an integer greater than 0."
                f" {self.n_clusters} was provided."
            )
        if self.n_iter <= 0:
            raise ValueError(
                "n_iter should be an integer greater than 0."
                f" {self.n_iter} was provided."
            )
        n_features = X.shape[1]
        n_clusters = self.n_clusters
        if n_clusters > n_features:
            n_clusters = n_features
            warnings.warn(
                "n_clusters should be at most the number of features. "
                f"Taking n_clusters = {n_features} instead.",
                stacklevel=2,
            )
        kwargs: dict[str, Any] = {}
        if self.connectivity is not None:
            kwargs["connectivity"] = csr_parts(self.connectivity)
            self.mask_img_ = self.mask_img
        else:
            if self.mask_img is None:
                raise TypeError(
                    "ReNA needs mask_img (a NIfTI image or a boolean array) "
                    "or connectivity; neither was given."
                )
            mask = _mask_array(self.mask_img)
            if int(mask.sum()) != n_features:
                raise ValueError(
                    f"the mask has {int(mask.sum())} voxels but X has "
                    f"{n_features} features; X's columns must be the mask's voxels"
                )
            kwargs["mask"] = mask.astype(np.uint8)
            self.mask_img_ = self.mask_img
        x = native_array(X)
        if x is None:
            x = np.asarray(X, dtype=np.float64)
        result = _native.rena_fit(
            x,
            n_clusters=int(n_clusters),
            n_iter=int(self.n_iter),
            threshold=float(self.threshold),
            **kwargs,
        )
        self.labels_ = result["labels"]
        self.sizes_ = result["sizes"]
        self.n_clusters_ = len(self.sizes_)
        self.n_iter_ = result["n_rounds"]
        return self

    def _fit_with_nilearn(self, X: Any) -> ReNA:
        from nilearn.regions.rena_clustering import ReNA as NilearnReNA

        fitted = NilearnReNA(
            self.mask_img,
            n_clusters=self.n_clusters,
            scaling=self.scaling,
            n_iter=self.n_iter,
            threshold=self.threshold,
            memory=self.memory,
            memory_level=self.memory_level,
            verbose=self.verbose,
        ).fit(X)
        for name in ("labels_", "sizes_", "n_clusters_", "mask_img_", "n_features_in_"):
            setattr(self, name, getattr(fitted, name))
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "labels_")

    def transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Each cluster's mean signal (times √size with ``scaling``)."""
        del y
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        x = native_array(X)
        if x is None or x.dtype == np.float16:
            means = np.array(
                [
                    np.mean(X[:, self.labels_ == c], axis=1)
                    for c in np.unique(self.labels_)
                ]
            ).T
        else:
            means = _native.rena_means(x, np.asarray(self.labels_, dtype=np.intp))
            if x.dtype == np.float32:
                means = means.astype(np.float32)
        if self.scaling:
            means = means * np.sqrt(self.sizes_)
        return means

    def inverse_transform(self, X_red: Any) -> np.ndarray:
        """Each feature takes its cluster's value (divided by √size with
        ``scaling``)."""
        check_is_fitted(self)
        _, inverse = np.unique(self.labels_, return_inverse=True)
        if self.scaling:
            X_red = X_red / np.sqrt(self.sizes_)
        return np.asarray(X_red)[..., inverse]
