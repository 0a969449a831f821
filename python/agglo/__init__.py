"""agglo: hierarchical feature agglomeration, exact to scikit-learn, many
times faster.

``agglo.AgglomerativeClustering`` and ``agglo.FeatureAgglomeration`` are
scikit-learn's estimators (they subclass them) with the tree built, cut and
pooled by agglo's Rust core: the same labels, children and distances.
``agglo.patch_sklearn()`` makes every package that uses scikit-learn's
agglomerative clustering (nilearn's ``Parcellations``, spopt's
``WardSpatial``, your pipelines) run on agglo unchanged. ``agglo.ReNA`` is
nilearn's ``ReNA`` (recursive nearest agglomeration) with nilearn's labels,
and ``agglo.patch_nilearn()`` puts it, and scikit-learn's patch, under
nilearn's ``Parcellations``.

>>> import numpy as np
>>> import agglo
>>> X = np.array([[1, 2], [1, 4], [1, 0], [4, 2], [4, 4], [4, 0]])
>>> agglo.AgglomerativeClustering(n_clusters=2).fit(X).labels_
array([1, 1, 1, 0, 0, 0])

The native work runs without the GIL on every core; the number of threads
is rayon's, set by the environment variable ``RAYON_NUM_THREADS`` before
the first fit (results are identical whatever it is).
"""

from agglo._estimators import AgglomerativeClustering, FeatureAgglomeration
from agglo._graphs import grid_to_graph, img_to_graph, kneighbors_graph
from agglo._native import __version__, num_threads
from agglo._nilearn_patch import is_nilearn_patched, patch_nilearn, unpatch_nilearn
from agglo._patch import is_patched, patch_sklearn, unpatch_sklearn
from agglo._rena import ReNA
from agglo._trees import linkage_tree, ward_tree

__all__ = [
    "AgglomerativeClustering",
    "FeatureAgglomeration",
    "ReNA",
    "__version__",
    "grid_to_graph",
    "img_to_graph",
    "is_nilearn_patched",
    "is_patched",
    "kneighbors_graph",
    "linkage_tree",
    "num_threads",
    "patch_nilearn",
    "patch_sklearn",
    "unpatch_nilearn",
    "unpatch_sklearn",
    "ward_tree",
]
