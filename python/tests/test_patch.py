"""``agglo.patch_sklearn()``: nilearn, spopt and any code importing
scikit-learn run on agglo unchanged, with identical results."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.cluster
import sklearn.cluster._agglomerative as agglomerative

import agglo


@pytest.fixture
def patched():
    agglo.patch_sklearn()
    try:
        yield
    finally:
        agglo.unpatch_sklearn()


def test_patch_and_unpatch_restore_every_name():
    originals = {
        name: getattr(agglomerative, name)
        for name in (
            "AgglomerativeClustering",
            "FeatureAgglomeration",
            "ward_tree",
            "linkage_tree",
        )
    }
    builders = dict(agglomerative._TREE_BUILDERS)
    agglo.patch_sklearn()
    agglo.patch_sklearn()  # twice is once
    try:
        assert agglo.is_patched()
        assert sklearn.cluster.AgglomerativeClustering is agglo.AgglomerativeClustering
        assert agglomerative.FeatureAgglomeration is agglo.FeatureAgglomeration
        assert sklearn.cluster.ward_tree is agglo.ward_tree
        assert agglomerative._TREE_BUILDERS["ward"] is agglo.ward_tree
        assert agglomerative._TREE_BUILDERS["average"] is not builders["average"]
    finally:
        agglo.unpatch_sklearn()
    assert not agglo.is_patched()
    for name, value in originals.items():
        assert getattr(agglomerative, name) is value
        assert getattr(sklearn.cluster, name) is value
    assert agglomerative._TREE_BUILDERS == builders


def nilearn_parcellation(mask_img, imgs, n_parcels):
    from nilearn.regions import Parcellations

    parcellation = Parcellations(
        method="ward",
        n_parcels=n_parcels,
        mask=mask_img,
        standardize=False,
        smoothing_fwhm=None,
        verbose=0,
    )
    parcellation.fit(imgs)
    return np.asarray(parcellation.labels_img_.get_fdata())


def test_nilearn_ward_parcellation_on_the_mni152_2mm_mask_is_identical():
    nib = pytest.importorskip("nibabel")
    pytest.importorskip("nilearn")
    from nilearn.datasets import load_mni152_brain_mask

    mask_img = load_mni152_brain_mask(resolution=2)
    mask = mask_img.get_fdata() > 0
    rng = np.random.default_rng(11)
    data = np.zeros((*mask.shape, 8), dtype=np.float32)
    data[mask] = rng.normal(size=(int(mask.sum()), 8))
    imgs = nib.Nifti1Image(data, mask_img.affine)
    import nilearn.regions.parcellations as parcellations

    assert (
        parcellations.AgglomerativeClustering is sklearn.cluster.AgglomerativeClustering
    )
    expected = nilearn_parcellation(mask_img, imgs, 200)
    agglo.patch_sklearn()
    try:
        # nilearn imported scikit-learn's class at its top; the patch reached it.
        assert parcellations.AgglomerativeClustering is agglo.AgglomerativeClustering
        ours = nilearn_parcellation(mask_img, imgs, 200)
    finally:
        agglo.unpatch_sklearn()
    assert parcellations.AgglomerativeClustering is not agglo.AgglomerativeClustering
    np.testing.assert_array_equal(ours, expected)
    assert len(np.unique(ours)) == 201


def test_spopt_ward_spatial_is_identical():
    libpysal = pytest.importorskip("libpysal")
    pd = pytest.importorskip("pandas")
    ward = pytest.importorskip("spopt.region.ward")

    rng = np.random.default_rng(5)
    w = libpysal.weights.lat2W(20, 20)
    gdf = pd.DataFrame({"a": rng.integers(0, 4, 400), "b": rng.normal(size=400)})

    def solve():
        model = ward.WardSpatial(gdf, w, ["a", "b"], n_clusters=12)
        model.solve()
        return model.labels_

    expected = solve()
    agglo.patch_sklearn()
    try:
        assert ward.AgglomerativeClustering is agglo.AgglomerativeClustering
        ours = solve()
    finally:
        agglo.unpatch_sklearn()
    np.testing.assert_array_equal(ours, expected)


def test_code_imported_after_the_patch_gets_agglo(patched):
    from sklearn.cluster import FeatureAgglomeration, linkage_tree

    assert FeatureAgglomeration is agglo.FeatureAgglomeration
    assert linkage_tree is agglo.linkage_tree
