"""A fitted FeatureAgglomeration applied to a Dask array chunk by chunk on a
``dask.distributed`` cluster: the same pooled data as in memory."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.image import grid_to_graph

import agglo

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with distributed.Client(
        processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None
    ) as c:
        yield c


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 256))
    model = agglo.FeatureAgglomeration(
        n_clusters=20, connectivity=grid_to_graph(16, 16)
    )
    return model.fit(X[:100]), X


def test_map_blocks(client, fitted):
    model, X = fitted
    cohort = da.from_array(X, chunks=(64, -1))
    reduced = cohort.map_blocks(
        model.transform, chunks=(64, model.n_clusters_), dtype=np.float64
    )
    np.testing.assert_array_equal(reduced.compute(), model.transform(X))
    restored = reduced.map_blocks(
        model.inverse_transform, chunks=(64, X.shape[1]), dtype=np.float64
    )
    np.testing.assert_array_equal(
        restored.compute(), model.inverse_transform(model.transform(X))
    )


def test_parallel_post_fit(client, fitted):
    wrappers = pytest.importorskip("dask_ml.wrappers")
    model, X = fitted
    wrapped = wrappers.ParallelPostFit(estimator=model)
    out = wrapped.transform(da.from_array(X, chunks=(50, -1)))
    np.testing.assert_array_equal(out.compute(), model.transform(X))
