"""agglo.ReNA against nilearn 0.14.1's ReNA, installed beside it.

nilearn picks the edges of a round that would merge below n_clusters with
an unstable ``np.argsort``, so among ties its labels depend on the CPU.
Every case is fitted by nilearn twice, with its default sort and with the
stable one (``kind="stable"``): agglo must always give the stable sort's
labels, and therefore nilearn's own wherever the two sorts agree.
"""

from __future__ import annotations

import contextlib
import warnings

import nibabel
import numpy as np
import pytest
from nilearn.datasets import (
    load_mni152_brain_mask,
    load_mni152_gm_template,
    load_mni152_template,
    load_mni152_wm_template,
)
from nilearn.regions import Parcellations
from nilearn.regions import ReNA as NilearnReNA
from scipy import sparse
from scipy.ndimage import gaussian_filter
from sklearn.base import clone

import agglo
from agglo import _native


@contextlib.contextmanager
def stable_argsort():
    original = np.argsort

    def stable(a, *args, **kwargs):
        kwargs.setdefault("kind", "stable")
        return original(a, *args, **kwargs)

    np.argsort = stable
    try:
        yield
    finally:
        np.argsort = original


def image(mask: np.ndarray) -> nibabel.Nifti1Image:
    return nibabel.Nifti1Image(mask.astype(np.int8), np.eye(4))


def nilearn_fits(X, mask, **params):
    """nilearn's model with the stable sort, and whether its default agrees."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with stable_argsort():
            stable = NilearnReNA(image(mask), **params).fit(X)
        default = NilearnReNA(image(mask), **params).fit(X)
    return stable, bool(np.array_equal(stable.labels_, default.labels_)), default


def smooth(rng, mask, n_samples, sigma, dtype=np.float64):
    return np.array(
        [
            gaussian_filter(rng.standard_normal(mask.shape), sigma)[mask]
            for _ in range(n_samples)
        ]
    ).astype(dtype)


def brain_mask(step: int) -> np.ndarray:
    mask = np.asarray(load_mni152_brain_mask(resolution=2).dataobj).astype(bool)
    return mask[::step, ::step, ::step]


def assert_same(ours, theirs, X) -> None:
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_array_equal(ours.sizes_, theirs.sizes_)
    assert ours.n_clusters_ == theirs.n_clusters_
    reduced = theirs.transform(X)
    ours_reduced = ours.transform(X)
    assert ours_reduced.dtype == reduced.dtype
    np.testing.assert_array_equal(ours_reduced, reduced)
    np.testing.assert_array_equal(
        ours.inverse_transform(reduced), theirs.inverse_transform(reduced)
    )


@pytest.mark.parametrize("step", [3, 4])
@pytest.mark.parametrize("n_clusters", [2, 50, 400])
@pytest.mark.parametrize("n_iter", [1, 3, 10])
def test_mni152_masks_with_smooth_noise(rng, step, n_clusters, n_iter):
    mask = brain_mask(step)
    X = smooth(rng, mask, 12, 1.2)
    stable, agrees, default = nilearn_fits(
        X, mask, n_clusters=n_clusters, n_iter=n_iter
    )
    ours = agglo.ReNA(image(mask), n_clusters=n_clusters, n_iter=n_iter).fit(X)
    assert_same(ours, stable, X)
    if agrees:
        np.testing.assert_array_equal(ours.labels_, default.labels_)


def test_real_images_in_the_brain_mask():
    """The MNI152 T1, grey- and white-matter templates as three samples:
    real anatomy, with plateaus and ties."""
    mask = brain_mask(2)
    images = [
        load_mni152_template(2),
        load_mni152_gm_template(2),
        load_mni152_wm_template(2),
    ]
    X = np.array(
        [np.asarray(i.dataobj, dtype=np.float64)[::2, ::2, ::2][mask] for i in images]
    )
    for n_clusters in (10, 300, 2000):
        stable, agrees, default = nilearn_fits(X, mask, n_clusters=n_clusters)
        ours = agglo.ReNA(image(mask), n_clusters=n_clusters).fit(X)
        assert_same(ours, stable, X)
        if agrees:
            np.testing.assert_array_equal(ours.labels_, default.labels_)


@pytest.mark.parametrize("scaling", [False, True])
def test_float32_and_scaling(rng, scaling):
    mask = brain_mask(4)
    X = smooth(rng, mask, 9, 1.0, np.float32)
    stable, _, _ = nilearn_fits(X, mask, n_clusters=80, scaling=scaling, threshold=1e-3)
    ours = agglo.ReNA(image(mask), n_clusters=80, scaling=scaling, threshold=1e-3).fit(
        X
    )
    assert_same(ours, stable, X)
    one = X[:1]  # a single sample is summed in NumPy's pairwise order
    np.testing.assert_array_equal(ours.transform(one), stable.transform(one))


def test_integer_data_with_identical_signals(rng):
    mask = np.ones((9, 8, 7), dtype=bool)
    X = rng.integers(0, 3, size=(3, mask.sum()))
    stable, _, _ = nilearn_fits(X, mask, n_clusters=25)
    ours = agglo.ReNA(image(mask), n_clusters=25).fit(X)
    assert_same(ours, stable, X)


def test_masks_given_as_arrays_paths_and_graphs(rng, tmp_path):
    mask = brain_mask(4)
    X = smooth(rng, mask, 6, 1.0)
    expected = agglo.ReNA(image(mask), n_clusters=30).fit(X).labels_
    nibabel.save(image(mask), tmp_path / "mask.nii.gz")
    for given in (mask, str(tmp_path / "mask.nii.gz"), tmp_path / "mask.nii.gz"):
        np.testing.assert_array_equal(
            agglo.ReNA(given, n_clusters=30).fit(X).labels_, expected
        )
    from sklearn.feature_extraction.image import grid_to_graph

    graph = grid_to_graph(*mask.shape, mask=mask)
    by_graph = agglo.ReNA(connectivity=sparse.csr_matrix(graph), n_clusters=30).fit(X)
    np.testing.assert_array_equal(by_graph.labels_, expected)


def test_an_isolated_voxel_is_attributed_to_itself(rng):
    """nilearn shifts every node after a voxel without an in-mask
    neighbour; agglo keeps it as its own cluster and clusters the rest as
    nilearn does on the mask without it."""
    mask = brain_mask(4)
    X = smooth(rng, mask, 8, 1.0)
    assert (
        not mask[0, 0, 0]
        and not mask[1, 0, 0]
        and not mask[0, 1, 0]
        and not mask[0, 0, 1]
    )
    with_voxel = mask.copy()
    with_voxel[0, 0, 0] = True
    wider = np.hstack([np.full((X.shape[0], 1), 0.5), X])
    stable, _, _ = nilearn_fits(X, mask, n_clusters=40)
    ours = agglo.ReNA(image(with_voxel), n_clusters=41).fit(wider)
    assert ours.labels_[0] == 0 and ours.sizes_[0] == 1
    np.testing.assert_array_equal(ours.labels_[1:] - 1, stable.labels_)


def test_parameters_are_checked_as_nilearn_checks_them(rng):
    mask = np.ones((4, 4, 1), dtype=bool)
    X = rng.standard_normal((3, 16))
    with pytest.raises(
        ValueError, match="n_clusters should be an integer greater than 0"
    ):
        agglo.ReNA(mask, n_clusters=0).fit(X)
    with pytest.raises(ValueError, match="n_iter should be an integer greater than 0"):
        agglo.ReNA(mask, n_iter=0).fit(X)
    with pytest.raises(
        ValueError, match="the mask has 16 voxels but X has 15 features"
    ):
        agglo.ReNA(mask).fit(X[:, :15])
    with pytest.raises(TypeError, match="needs mask_img"):
        agglo.ReNA().fit(X)
    with pytest.raises(TypeError, match="Niimg-like"):
        agglo.ReNA(mask_img=3.5).fit(X)
    with pytest.warns(UserWarning, match="Taking n_clusters = 16 instead"):
        fitted = agglo.ReNA(mask, n_clusters=40).fit(X)
    assert fitted.n_clusters_ <= 16
    with pytest.raises(ValueError, match="features"):
        fitted.transform(X[:, :10])


def test_clone_keeps_nilearns_parameters():
    model = agglo.ReNA(np.ones((2, 2, 1), bool), n_clusters=3, scaling=True, n_iter=4)
    params = clone(model).get_params()
    nilearn_params = NilearnReNA().get_params()
    assert set(nilearn_params) <= set(params)
    assert params["n_clusters"] == 3 and params["scaling"] and params["n_iter"] == 4


def parcellation_data(rng):
    mask = np.zeros((14, 13, 12), dtype=bool)
    mask[2:-2, 2:-2, 2:-2] = True
    series = np.stack(
        [gaussian_filter(rng.standard_normal(mask.shape), 1.5) for _ in range(30)], -1
    )
    series[~mask] = 0
    affine = np.diag([3.0, 3.0, 3.0, 1.0])
    return nibabel.Nifti1Image(series, affine), nibabel.Nifti1Image(
        mask.astype(np.int8), affine
    )


@pytest.mark.parametrize("method", ["rena", "ward"])
def test_patch_nilearn_runs_parcellations_on_agglo(rng, method, monkeypatch):
    imgs, mask = parcellation_data(rng)

    def parcellate():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = Parcellations(
                method, n_parcels=20, mask=mask, random_state=0, n_iter=10
            )
            with stable_argsort():
                model.fit(imgs)
        return np.asarray(model.labels_img_.dataobj)

    expected = parcellate()
    calls = []
    for name in ("rena_fit", "fit"):
        original = getattr(_native, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(_native, name, counted)
    agglo.patch_nilearn()
    try:
        assert agglo.is_nilearn_patched()
        import nilearn.regions.parcellations as parcellations

        assert parcellations.ReNA is agglo.ReNA
        ours = parcellate()
    finally:
        agglo.unpatch_nilearn()
    assert not agglo.is_nilearn_patched() and not agglo.is_patched()
    assert NilearnReNA is not agglo.ReNA
    assert calls == ["rena_fit" if method == "rena" else "fit"]
    np.testing.assert_array_equal(ours, expected)
