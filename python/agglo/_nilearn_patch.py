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

import sys
from typing import Any

from agglo._patch import is_patched, patch_sklearn, unpatch_sklearn
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
    for module_name, module in list(sys.modules.items()):
        if module is None or module_name == "agglo" or module_name.startswith("agglo."):
            continue
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for attr, value in list(namespace.items()):
            if value is original:
                _patched[(module_name, attr)] = value
                setattr(module, attr, ReNA)
    if not is_patched():
        patch_sklearn()
        _state["patched_sklearn"] = True


def unpatch_nilearn() -> None:
    """Undo :func:`patch_nilearn`."""
    for (module_name, attr), value in _patched.items():
        module = sys.modules.get(module_name)
        if module is not None:
            setattr(module, attr, value)
    _patched.clear()
    if _state["patched_sklearn"]:
        unpatch_sklearn()
        _state["patched_sklearn"] = False
