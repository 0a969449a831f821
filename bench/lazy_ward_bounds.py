#!/usr/bin/env python3
"""How many Ward costs a lazy merge loop would still have to compute.

A feasibility study for issue 13, not a benchmark of agglo. Ward with
connectivity computes, at every merge, the exact cost of the new cluster
against each of its neighbours. A lazy loop would queue a cheap *lower
bound* instead and compute the exact cost only when that bound reaches the
top of the queue while both clusters are still live: the merge order is
unchanged (every queued key is at most its exact cost), and every bound
that never surfaces is a cost saved.

The bounds tried, for a new cluster ``k``, the union of ``i`` and ``j``,
and a neighbour ``r`` (``w = n_k n_r / (n_k + n_r)``):

- ``r`` adjacent to both children: the Lance-Williams update of Ward's
  cost from ``Δ(i, r)``, ``Δ(j, r)`` and ``Δ(i, j)`` (exact in real
  arithmetic, not in scikit-learn's summation order, so it too would only
  stand in for the exact cost until it surfaces, less a margin for the
  rounding that this simulation leaves out);
- ``r`` adjacent to one child, ``i`` say: the triangle inequality,
  ``|c_k - c_r| >= |c_i - c_r| - (n_j / n_k) |c_i - c_j|``, squared and
  weighted by ``w``.

This simulation is **optimistic**: it takes the current distance between
any two live neighbours as known for free, which a real loop would have to
store or recompute. The share it reports is therefore a lower bound on
the exact costs a lazy loop would still need.

    /work/venv/bin/python bench/lazy_ward_bounds.py
    /work/venv/bin/python bench/lazy_ward_bounds.py --grid 64 --cube 24 --samples 100
"""

from __future__ import annotations

import argparse
import heapq

import numpy as np
from scipy.ndimage import gaussian_filter
from sklearn.cluster import ward_tree
from sklearn.feature_extraction.image import grid_to_graph


def smooth_noise(shape: tuple[int, ...], samples: int, seed: int = 0) -> np.ndarray:
    """``samples`` images of Gaussian noise smoothed with sigma 2, one row per pixel."""
    rng = np.random.default_rng(seed)
    images = [gaussian_filter(rng.standard_normal(shape), 2.0) for _ in range(samples)]
    return np.stack([im.ravel() for im in images], axis=1)


def simulate(
    x: np.ndarray, shape: tuple[int, ...], n_clusters: int
) -> dict[str, float]:
    """Ward with the grid's connectivity, eager and lazy; counts of exact costs."""
    graph = grid_to_graph(*shape).tocsr()
    n = x.shape[0]
    size = np.ones(2 * n, dtype=np.int64)
    centroid = np.zeros((2 * n, x.shape[1]))
    centroid[:n] = x
    adjacency: dict[int, set[int]] = {}
    for i in range(n):
        adjacency[i] = set(graph.indices[graph.indptr[i] : graph.indptr[i + 1]]) - {i}
    live = np.zeros(2 * n, dtype=bool)
    live[:n] = True

    def cost(a: int, b: int) -> float:
        w = size[a] * size[b] / (size[a] + size[b])
        d = centroid[a] - centroid[b]
        return float(w * (d @ d))

    # (key, a, b, exact): the initial costs are exact in both loops.
    queue = [(cost(a, b), a, b, True) for a in range(n) for b in adjacency[a] if a < b]
    heapq.heapify(queue)
    lazy = both_adjacent = candidates = 0
    children: list[tuple[int, int]] = []
    node = n
    while node < 2 * n - n_clusters:
        key, a, b, exact = heapq.heappop(queue)
        if not (live[a] and live[b]):
            continue
        if not exact:
            lazy += 1
            heapq.heappush(queue, (cost(a, b), a, b, True))
            continue
        i, j, k = a, b, node
        node += 1
        children.append((i, j))
        size[k] = size[i] + size[j]
        centroid[k] = (size[i] * centroid[i] + size[j] * centroid[j]) / size[k]
        live[i] = live[j] = False
        live[k] = True
        adj_i, adj_j = adjacency.pop(i), adjacency.pop(j)
        neighbours = (adj_i | adj_j) - {i, j}
        d_ij = np.sqrt(key * (size[i] + size[j]) / (size[i] * size[j]))
        for r in neighbours:
            adjacency[r] -= {i, j}
            adjacency[r].add(k)
            candidates += 1
            w = size[k] * size[r] / (size[k] + size[r])
            in_i, in_j = r in adj_i, r in adj_j
            if in_i and in_j:
                both_adjacent += 1
                bound = (
                    (size[i] + size[r]) * cost(i, r)
                    + (size[j] + size[r]) * cost(j, r)
                    - size[r] * key
                ) / (size[k] + size[r])
            else:
                near, far = (i, j) if in_i else (j, i)
                d_near = np.linalg.norm(centroid[near] - centroid[r])
                shift = size[far] / size[k] * d_ij
                bound = w * max(0.0, d_near - shift) ** 2
            heapq.heappush(queue, (bound, min(k, r), max(k, r), False))
        adjacency[k] = neighbours
    # The lazy loop must merge as Ward does: the same tree as scikit-learn's.
    expected = ward_tree(x, connectivity=graph, n_clusters=n_clusters)[0]
    if [sorted(c) for c in children] != [sorted(c) for c in expected.tolist()]:
        raise SystemExit("the lazy loop's tree differs from scikit-learn's")
    return {
        "merges": node - n,
        "candidates": candidates,
        "lazy exact": lazy,
        "lazy share": lazy / candidates,
        "both adjacent": both_adjacent / candidates,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grid", type=int, default=64, help="side of the square grid")
    parser.add_argument("--cube", type=int, default=24, help="side of the cubic grid")
    parser.add_argument("--samples", type=int, default=100)
    args = parser.parse_args()
    for shape in [(args.grid, args.grid), (args.cube,) * 3]:
        x = smooth_noise(shape, args.samples)
        n = x.shape[0]
        r = simulate(x, shape, max(1, n // 16))
        print(
            f"{' x '.join(map(str, shape))}: {r['merges']} merges, "
            f"{r['candidates']} candidate costs computed by the eager loop; "
            f"the lazy loop still computes {r['lazy exact']} "
            f"({100 * r['lazy share']:.1f} %); neighbours adjacent to both "
            f"children: {100 * r['both adjacent']:.1f} %"
        )


if __name__ == "__main__":
    main()
