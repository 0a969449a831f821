//! Naive references: Ward, single linkage and scikit-learn's labelling from scratch, and CPython's heapq.

use super::*;

/// A point-to-point distance; exact for small integer data in euclidean
/// and manhattan (every partial sum is an exact integer).
pub(crate) fn distance(metric: Metric, x: &Array2<f64>, a: usize, b: usize) -> f64 {
    let (u, v) = (x.row(a), x.row(b));
    match metric {
        Metric::Precomputed => x[[a, b]],
        Metric::Manhattan | Metric::L1 | Metric::Cityblock => {
            u.iter().zip(v).map(|(p, q)| (p - q).abs()).sum()
        }
        Metric::Cosine => {
            let dot: f64 = u.iter().zip(v).map(|(p, q)| p * q).sum();
            let norm =
                |w: ndarray::ArrayView1<'_, f64>| w.iter().map(|p| p * p).sum::<f64>().sqrt();
            1.0 - dot / (norm(u) * norm(v))
        }
        _ => u
            .iter()
            .zip(v)
            .map(|(p, q)| (p - q) * (p - q))
            .sum::<f64>()
            .sqrt(),
    }
}

/// The graph scikit-learn merges along: the input completed when
/// disconnected, self-loops dropped.
pub(crate) fn completed(case: &Case, x: &Array2<f64>, metric: Metric) -> Connectivity {
    complete_components(x.view(), &graph(case), metric, Precision::F64)
        .unwrap()
        .connectivity
}

// ----------------------------------------------------- naive references

/// Ward under connectivity, ties broken as scikit-learn's heap breaks
/// them: each step merges the connected pair of live clusters with the
/// smallest `(Δ, larger id, smaller id)`, Δ evaluated from the clusters'
/// sizes and coordinate sums in scikit-learn's order of operations (which
/// the integer data makes exact):
///
/// ```text
/// w = (n_a·n_b) / (n_a + n_b);   Δ = w · Σ_j (s_a[j]/n_a − s_b[j]/n_b)²
/// ```
pub(crate) fn naive_ward(
    x: &Array2<f64>,
    graph: &Connectivity,
    n_merges: usize,
) -> (Vec<[usize; 2]>, Vec<f64>) {
    let n = x.nrows();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut sums: Vec<Vec<f64>> = x.rows().into_iter().map(|r| r.to_vec()).collect();
    let mut live: Vec<usize> = (0..n).collect();
    let (mut children, mut distances) = (Vec::new(), Vec::new());
    let delta = |sa: &[f64], na: f64, sb: &[f64], nb: f64| {
        let w = (na * nb) / (na + nb);
        let mut s = 0.0;
        for (p, q) in sa.iter().zip(sb) {
            let d = p / na - q / nb;
            s += d * d;
        }
        s * w
    };
    for _ in 0..n_merges {
        let mut best: Option<(f64, usize, usize)> = None;
        for (pos, &a) in live.iter().enumerate() {
            for &b in &live[..pos] {
                if !joined(graph, &members[a], &members[b]) {
                    continue;
                }
                let (na, nb) = (members[a].len() as f64, members[b].len() as f64);
                let candidate = (delta(&sums[a], na, &sums[b], nb), a.max(b), a.min(b));
                let better = best.is_none_or(|cur| {
                    candidate
                        .0
                        .total_cmp(&cur.0)
                        .then((candidate.1, candidate.2).cmp(&(cur.1, cur.2)))
                        == std::cmp::Ordering::Less
                });
                if better {
                    best = Some(candidate);
                }
            }
        }
        let (d, i, j) = best.expect("a completed graph always joins two clusters");
        let merged: Vec<usize> = [members[i].clone(), members[j].clone()].concat();
        let sum: Vec<f64> = sums[i].iter().zip(&sums[j]).map(|(p, q)| p + q).collect();
        members.push(merged);
        sums.push(sum);
        live.retain(|&c| c != i && c != j);
        live.push(members.len() - 1);
        children.push([j, i]);
        distances.push((2.0 * d).sqrt());
    }
    (children, distances)
}

/// Whether some edge of `graph` joins a point of `a` to a point of `b`.
pub(crate) fn joined(graph: &Connectivity, a: &[usize], b: &[usize]) -> bool {
    a.iter()
        .any(|&p| graph.neighbors(p).iter().any(|q| b.contains(q)))
}

/// Single linkage under connectivity as scipy's Kruskal then scikit-learn's
/// labelling: each step takes, among the graph's entries (both directions,
/// rows then columns ascending, self-loops dropped) that join two live
/// clusters, the one of smallest `(weight, position)`, and merges the
/// clusters of its row and column, in that order.
pub(crate) fn naive_single(
    x: &Array2<f64>,
    graph: &Connectivity,
    metric: Metric,
) -> (Vec<[usize; 2]>, Vec<f64>) {
    let n = x.nrows();
    let entries: Vec<(usize, usize, f64)> = graph
        .entries()
        .filter(|(r, c)| r != c)
        .map(|(r, c)| (r, c, distance(metric, x, r, c)))
        .collect();
    let mut cluster: Vec<usize> = (0..n).collect();
    let (mut children, mut distances) = (Vec::new(), Vec::new());
    for k in n..2 * n - 1 {
        let best = entries
            .iter()
            .filter(|(r, c, _)| cluster[*r] != cluster[*c])
            .min_by(|a, b| a.2.total_cmp(&b.2));
        let Some(&(r, c, w)) = best else { break };
        let (a, b) = (cluster[r], cluster[c]);
        children.push([a, b]);
        distances.push(w);
        for id in &mut cluster {
            if *id == a || *id == b {
                *id = k;
            }
        }
    }
    (children, distances)
}

/// scikit-learn's labels for a fitted tree: `_hc_cut` (positions in a
/// CPython `heapq` array of negated node ids) for a full tree, else the
/// rank of each point's root among the roots after `n_merges` merges.
pub(crate) fn naive_labels(
    children: &[[usize; 2]],
    n: usize,
    n_clusters: usize,
    full: bool,
) -> Vec<usize> {
    let n_merges = if full { n - 1 } else { n - n_clusters };
    if !full {
        let mut root: Vec<usize> = (0..n).collect();
        for (k, &[a, b]) in children[..n_merges].iter().enumerate() {
            for r in &mut root {
                if *r == a || *r == b {
                    *r = n + k;
                }
            }
        }
        let mut roots = root.clone();
        roots.sort_unstable();
        roots.dedup();
        return root
            .iter()
            .map(|r| roots.binary_search(r).unwrap())
            .collect();
    }
    let mut heap: Vec<i64> = vec![-((children.last().map_or(0, |c| c[0].max(c[1]) + 1)) as i64)];
    for _ in 1..n_clusters {
        let [a, b] = children[(-heap[0]) as usize - n];
        heappush(&mut heap, -(a as i64));
        heappushpop(&mut heap, -(b as i64));
    }
    let mut labels = vec![usize::MAX; n];
    for (position, &node) in heap.iter().enumerate() {
        let mut stack = vec![(-node) as usize];
        while let Some(node) = stack.pop() {
            if node < n {
                labels[node] = position;
            } else {
                stack.extend(children[node - n]);
            }
        }
    }
    labels
}

/// CPython's `heapq.heappush`.
pub(crate) fn heappush(heap: &mut Vec<i64>, item: i64) {
    heap.push(item);
    let end = heap.len() - 1;
    siftdown(heap, 0, end);
}

/// CPython's `heapq.heappushpop` (the popped item is not needed).
pub(crate) fn heappushpop(heap: &mut [i64], item: i64) {
    if !heap.is_empty() && heap[0] < item {
        heap[0] = item;
        siftup(heap, 0);
    }
}

pub(crate) fn siftdown(heap: &mut [i64], start: usize, mut pos: usize) {
    let item = heap[pos];
    while pos > start {
        let parent = (pos - 1) >> 1;
        if item < heap[parent] {
            heap[pos] = heap[parent];
            pos = parent;
            continue;
        }
        break;
    }
    heap[pos] = item;
}

pub(crate) fn siftup(heap: &mut [i64], mut pos: usize) {
    let (end, start, item) = (heap.len(), pos, heap[pos]);
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        if right < end && heap[child] >= heap[right] {
            child = right;
        }
        heap[pos] = heap[child];
        pos = child;
        child = 2 * pos + 1;
    }
    heap[pos] = item;
    siftdown(heap, start, pos);
}

// ------------------------------------------------------------ invariants
