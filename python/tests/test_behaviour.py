"""How the estimators behave as scikit-learn estimators: errors and their
messages, pickling, clone, pipelines, pandas, the GIL, Ctrl-C, threads."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import sklearn.cluster as sk
from sklearn.base import clone
from sklearn.feature_extraction.image import grid_to_graph
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

import agglo


def messages(func):
    """The exception type and message of ``func``'s failure."""
    with pytest.raises(Exception) as caught:
        func()
    return type(caught.value), str(caught.value)


@pytest.mark.parametrize(
    ("params", "X"),
    [
        ({"n_clusters": None}, np.ones((4, 2))),
        ({"n_clusters": 3, "distance_threshold": 1.0}, np.ones((4, 2))),
        (
            {"n_clusters": None, "distance_threshold": 1.0, "compute_full_tree": False},
            np.ones((4, 2)),
        ),
        ({"linkage": "ward", "metric": "cosine"}, np.ones((4, 2))),
        (
            {"linkage": "average", "metric": "cosine"},
            np.array([[0.0, 0.0], [1.0, 1.0], [2, 1]]),
        ),
        ({"linkage": "complete", "metric": "precomputed"}, np.ones((5, 3))),
        ({"n_clusters": 0}, np.ones((4, 2))),
        ({"linkage": "median"}, np.ones((4, 2))),
        ({"n_clusters": 9}, np.ones((4, 2))),
        ({"n_clusters": 2, "connectivity": np.ones((3, 3))}, np.ones((4, 2))),
        ({}, np.array([[1.0, np.nan], [0.0, 1.0]])),
        ({}, np.ones((1, 2))),
    ],
)
def test_errors_are_scikit_learns(params, X):
    ours = messages(lambda: agglo.AgglomerativeClustering(**params).fit(X))
    theirs = messages(lambda: sk.AgglomerativeClustering(**params).fit(X))
    assert ours[0] is theirs[0]
    assert ours[1].startswith(theirs[1].split(" (")[0]), (ours, theirs)


def test_feature_width_error_is_scikit_learns(rng):
    X = rng.normal(size=(5, 6))
    ours = agglo.FeatureAgglomeration(n_clusters=2).fit(X)
    theirs = sk.FeatureAgglomeration(n_clusters=2).fit(X)
    assert messages(lambda: ours.transform(X[:, :4])) == messages(
        lambda: theirs.transform(X[:, :4])
    )


def test_pickle_clone_and_repr(rng):
    X = rng.normal(size=(20, 16))
    model = agglo.FeatureAgglomeration(n_clusters=4, connectivity=grid_to_graph(4, 4))
    model.fit(X)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.transform(X), model.transform(X))
    fresh = clone(model)
    assert type(fresh) is agglo.FeatureAgglomeration
    assert not hasattr(fresh, "labels_")
    assert repr(fresh).startswith("FeatureAgglomeration(")


def test_pipeline_and_grid_search(rng):
    X = rng.normal(size=(60, 16))
    y = (X[:, :4].sum(axis=1) > 0).astype(int)
    pipe = Pipeline(
        [("reduce", agglo.FeatureAgglomeration()), ("clf", LogisticRegression())]
    )
    search = GridSearchCV(pipe, {"reduce__n_clusters": [2, 4, 8]}, cv=3).fit(X, y)
    pipe_sk = Pipeline(
        [("reduce", sk.FeatureAgglomeration()), ("clf", LogisticRegression())]
    )
    search_sk = GridSearchCV(pipe_sk, {"reduce__n_clusters": [2, 4, 8]}, cv=3).fit(X, y)
    assert search.best_params_ == search_sk.best_params_
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"], search_sk.cv_results_["mean_test_score"]
    )


def test_pandas_feature_names_and_set_output(rng):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(rng.normal(size=(10, 4)), columns=["a", "b", "c", "d"])
    model = agglo.FeatureAgglomeration(n_clusters=2).set_output(transform="pandas")
    out = model.fit_transform(X)
    assert list(model.feature_names_in_) == ["a", "b", "c", "d"]
    assert list(out.columns) == ["featureagglomeration0", "featureagglomeration1"]
    theirs = sk.FeatureAgglomeration(n_clusters=2).set_output(transform="pandas")
    pd.testing.assert_frame_equal(out, theirs.fit_transform(X))


def long_fit_data(seconds_hint: int = 1):
    side = 160 * seconds_hint
    rng = np.random.default_rng(0)
    return rng.normal(size=(50, side * side)), grid_to_graph(side, side)


def test_gil_is_released_during_fit():
    X, graph = long_fit_data()
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.005)

    thread = threading.Thread(target=ticker)
    model = agglo.FeatureAgglomeration(n_clusters=10, connectivity=graph)
    thread.start()
    start = time.perf_counter()
    model.fit(X)
    elapsed = time.perf_counter() - start
    stop.set()
    thread.join()
    during = [t for t in ticks if start <= t <= start + elapsed]
    # A thread that held the GIL for the whole fit would let none through.
    assert len(during) >= max(3, int(elapsed / 0.005 / 4)), (len(during), elapsed)


CTRL_C_SCRIPT = """
import sys, time
import numpy as np
from sklearn.feature_extraction.image import grid_to_graph
import agglo
side = 700
X = np.random.default_rng(0).normal(size=(20, side * side))
graph = grid_to_graph(side, side)
print("fitting", flush=True)
start = time.perf_counter()
try:
    agglo.FeatureAgglomeration(n_clusters=10, connectivity=graph).fit(X)
    print("finished", flush=True)
except KeyboardInterrupt:
    print(f"interrupted {time.perf_counter() - start:.3f}", flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_a_long_fit():
    proc = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_SCRIPT], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "fitting"
    time.sleep(1.0)
    sent = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    waited = time.perf_counter() - sent
    assert out.startswith("interrupted"), out
    assert waited < 5.0, waited


THREADS_SCRIPT = """
import sys
import numpy as np
from sklearn.feature_extraction.image import grid_to_graph
import agglo
rng = np.random.default_rng(3)
X = rng.integers(0, 3, size=(30, 4096)).astype(float)
out = []
for linkage in ("ward", "complete", "average", "single"):
    m = agglo.FeatureAgglomeration(n_clusters=50, linkage=linkage,
        connectivity=grid_to_graph(64, 64), compute_distances=True).fit(X)
    out += [m.labels_.tobytes(), m.children_.tobytes(), m.distances_.tobytes(),
            m.transform(X).tobytes()]
sys.stdout.write(str(agglo.num_threads()) + " " + str(hash(b"".join(out))))
"""


def test_same_bits_whatever_the_thread_count():
    runs = {}
    for threads in ("1", "2", "3"):
        env = dict(os.environ, RAYON_NUM_THREADS=threads, PYTHONHASHSEED="0")
        out = subprocess.run(
            [sys.executable, "-c", THREADS_SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        count, digest = out.split()
        assert count == threads
        runs[threads] = digest
    assert len(set(runs.values())) == 1, runs
