"""``patch_nilearn()``: nilearn's parcellations on agglo.

``nilearn.regions.ReNA`` is replaced by :class:`agglo.ReNA` wherever it is
referred to (``nilearn.regions``, ``nilearn.regions.rena_clustering``,
``nilearn.regions.parcellations`` and any other module already imported
that holds it), so that ``Parcellations(method="rena")`` runs on agglo;
scikit-learn is patched too (:func:`agglo.patch_sklearn`), which puts
``Parcellations(method="ward" | "complete" | "average")`` on agglo.
``unpatch_nilearn()`` puts everything back.
"""

from __future__ import annotations

from typing import Any

from agglo._patch import (
    is_patched,
    patch_sklearn,
    replace_everywhere,
    restore_everywhere,
    unpatch_sklearn,
)
from agglo._rena import ReNA

_patched: dict[tuple[str, str], Any] = {}
_state = {"patched_sklearn": False}


def _original() -> Any:
    from nilearn.regions import rena_clustering

    value = _patched.get(("nilearn.regions.rena_clustering", "ReNA"))
    return value if value is not None else rena_clustering.ReNA


def is_nilearn_patched() -> bool:
    """Whether :func:`patch_nilearn` is in force."""
    return bool(_patched)


def patch_nilearn() -> None:
    """Make nilearn's ReNA and parcellations run on agglo.

    >>> import agglo, nilearn.regions
    >>> agglo.patch_nilearn()
    >>> nilearn.regions.ReNA is agglo.ReNA
    True
    >>> agglo.unpatch_nilearn()
    >>> nilearn.regions.ReNA is agglo.ReNA
    False
    """
    if _patched:
        return
    import nilearn.regions.parcellations  # noqa: F401  (imports rena_clustering)

    original = _original()
    replace_everywhere({id(original): (original, ReNA)}, _patched)
    if not is_patched():
        patch_sklearn()
        _state["patched_sklearn"] = True


def unpatch_nilearn() -> None:
    """Undo :func:`patch_nilearn`."""
    restore_everywhere(_patched)
    if _state["patched_sklearn"]:
        unpatch_sklearn()
        _state["patched_sklearn"] = False
