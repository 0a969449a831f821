"""``patch_sklearn()``: agglo's estimators wherever scikit-learn's are used.

scikit-learn's classes and tree functions are replaced in
``sklearn.cluster``, ``sklearn.cluster._agglomerative`` (including its table
of tree builders) and in every module already imported that holds a
reference to them (``from sklearn.cluster import AgglomerativeClustering``
at the top of nilearn's ``parcellations`` or spopt's ``ward``, say), so
that code imported before or after the call runs on agglo unchanged.
``unpatch_sklearn()`` puts every original back.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

import sklearn.cluster
import sklearn.cluster._agglomerative as _agglomerative
import sklearn.cluster._feature_agglomeration

from agglo._estimators import AgglomerativeClustering, FeatureAgglomeration
from agglo._trees import linkage_tree, ward_tree

_NAMES = (
    "AgglomerativeClustering",
    "FeatureAgglomeration",
    "ward_tree",
    "linkage_tree",
)
_ORIGINALS: dict[str, Any] = {name: getattr(_agglomerative, name) for name in _NAMES}
_ORIGINAL_BUILDERS = dict(_agglomerative._TREE_BUILDERS)
_REPLACEMENTS: dict[str, Any] = {
    "AgglomerativeClustering": AgglomerativeClustering,
    "FeatureAgglomeration": FeatureAgglomeration,
    "ward_tree": ward_tree,
    "linkage_tree": linkage_tree,
}
# What each patched module attribute held before: (module, name) -> object.
_patched: dict[tuple[str, str], Any] = {}


def replace_everywhere(
    replacements: dict[int, tuple[Any, Any]], patched: dict[tuple[str, str], Any]
) -> None:
    """In every imported module but agglo's, replaces each attribute that is
    one of the originals (``id(original) -> (original, replacement)``),
    recording what it held in ``patched``."""
    for module_name, module in list(sys.modules.items()):
        if module is None or module_name == "agglo" or module_name.startswith("agglo."):
            continue
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for attr, value in list(namespace.items()):
            pair = replacements.get(id(value))
            if pair is not None and value is pair[0]:
                patched[(module_name, attr)] = value
                setattr(module, attr, pair[1])


def restore_everywhere(patched: dict[tuple[str, str], Any]) -> None:
    """Puts back every attribute :func:`replace_everywhere` replaced."""
    for (module_name, attr), value in patched.items():
        module = sys.modules.get(module_name)
        if module is not None:
            setattr(module, attr, value)
    patched.clear()


def _builder(linkage: str) -> Any:
    @functools.wraps(_ORIGINAL_BUILDERS[linkage])
    def build(*args: Any, **kwargs: Any) -> Any:
        kwargs["linkage"] = linkage
        return linkage_tree(*args, **kwargs)

    return build


def is_patched() -> bool:
    """Whether :func:`patch_sklearn` is in force."""
    return sklearn.cluster.AgglomerativeClustering is AgglomerativeClustering


def patch_sklearn() -> None:
    """Make scikit-learn's agglomerative clustering run on agglo.

    Replaces ``AgglomerativeClustering``, ``FeatureAgglomeration``,
    ``ward_tree`` and ``linkage_tree`` in scikit-learn and in every module
    already imported that refers to them. Calling it twice does nothing more.

    >>> import agglo, sklearn.cluster
    >>> agglo.patch_sklearn()
    >>> sklearn.cluster.FeatureAgglomeration is agglo.FeatureAgglomeration
    True
    >>> agglo.unpatch_sklearn()
    >>> sklearn.cluster.FeatureAgglomeration is agglo.FeatureAgglomeration
    False
    """
    if is_patched():
        return
    replace_everywhere(
        {id(_ORIGINALS[n]): (_ORIGINALS[n], _REPLACEMENTS[n]) for n in _NAMES}, _patched
    )
    _agglomerative._TREE_BUILDERS.update(
        ward=ward_tree,
        complete=_builder("complete"),
        average=_builder("average"),
        single=_builder("single"),
    )


def unpatch_sklearn() -> None:
    """Undo :func:`patch_sklearn`: every replaced name gets its original."""
    restore_everywhere(_patched)
    _agglomerative._TREE_BUILDERS.clear()
    _agglomerative._TREE_BUILDERS.update(_ORIGINAL_BUILDERS)
