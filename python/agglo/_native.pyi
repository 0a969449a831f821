"""The native module: a thin layer over the agglo Rust library."""

from typing import TypedDict

import numpy as np
import numpy.typing as npt

__version__: str

class FitResult(TypedDict):
    labels: npt.NDArray[np.intp]
    children: npt.NDArray[np.intp]
    distances: npt.NDArray[np.float64] | None
    n_clusters: int
    n_leaves: int
    n_connected_components: int
    disconnected_components: int | None

def fit(
    x: npt.NDArray[np.generic],
    *,
    transpose: bool,
    n_clusters: int | None,
    distance_threshold: float | None,
    linkage: str,
    metric: str,
    compute_full_tree: str,
    compute_distances: bool,
    connectivity: tuple[
        npt.NDArray[np.integer], npt.NDArray[np.integer], npt.NDArray[np.float64]
    ]
    | None,
    on_disconnected: str = ...,
) -> FitResult:
    """Fits the tree over the rows of ``x`` (its columns with ``transpose``)."""

def pool(
    x: npt.NDArray[np.generic], labels: npt.NDArray[np.intp], pooling: str
) -> npt.NDArray[np.float64]:
    """Pools every row of ``x`` onto the clusters of ``labels``."""

def restore(
    reduced: npt.NDArray[np.float64], labels: npt.NDArray[np.intp]
) -> npt.NDArray[np.float64]:
    """Maps reduced data back to the features: ``reduced[:, labels]``."""

def num_threads() -> int:
    """The number of threads of the parallel kernels."""

def cut(
    children: npt.NDArray[np.intp], n_leaves: int, n_clusters: list[int]
) -> npt.NDArray[np.intp]:
    """Labels of the full tree cut at each ``n_clusters``, one row per k."""

def linkage_matrix(
    children: npt.NDArray[np.intp], distances: npt.NDArray[np.float64], n_leaves: int
) -> npt.NDArray[np.float64]:
    """scipy's linkage matrix ``Z`` of a full tree."""

class RenaResult(TypedDict):
    labels: npt.NDArray[np.intp]
    sizes: npt.NDArray[np.intp]
    n_rounds: int

def rena_fit(
    x: npt.NDArray[np.generic],
    *,
    n_clusters: int,
    n_iter: int,
    threshold: float,
    mask: npt.NDArray[np.uint8] | None = None,
    connectivity: tuple[
        npt.NDArray[np.integer], npt.NDArray[np.integer], npt.NDArray[np.float64]
    ]
    | None = None,
) -> RenaResult: ...
def rena_means(
    x: npt.NDArray[np.generic], labels: npt.NDArray[np.intp]
) -> npt.NDArray[np.float64]: ...
