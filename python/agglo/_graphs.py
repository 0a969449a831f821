"""The connectivity graphs scikit-learn builds, as scikit-learn builds them.

These are scikit-learn's own functions, re-exported so that code written for
``sklearn.feature_extraction.image`` and ``sklearn.neighbors`` runs with
``agglo`` alone imported: their matrices (format, dtype, order of entries)
are scikit-learn's by construction, and building them costs little next to
the fit.
"""

from sklearn.feature_extraction.image import grid_to_graph, img_to_graph
from sklearn.neighbors import kneighbors_graph

__all__ = ["grid_to_graph", "img_to_graph", "kneighbors_graph"]
