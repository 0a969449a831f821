//! Property tests (proptest) on random small inputs *with ties*: integer
//! data in a narrow range (duplicate points, equal distances) over random
//! graphs that often have several components.
//!
//! - Ward and single linkage with connectivity against naive `O(n³)`
//!   references that break ties exactly as scikit-learn does (Ward: the
//!   smallest `(Δ, larger id, smaller id)`; single: scipy's Kruskal, the
//!   smallest `(weight, CSR position)`): same children, same distance bits.
//! - Complete and average linkage with connectivity (ties fall by the
//!   layout of CPython's `heapq` array, impractical to emulate naively),
//!   and every linkage without connectivity (scipy's nearest-neighbour
//!   chain and spanning tree): replayed merge by merge, each merge joins
//!   two live clusters at the linkage's distance for them, and no pair of
//!   live clusters is closer.
//! - Labels: exactly scikit-learn's `_hc_cut` (heap positions) or forest
//!   ranks of the tree, `n_clusters` groups, each connected in the
//!   completed graph; with a distance threshold at one of the tree's own
//!   (tied) distances, the number of clusters counts the merges at or above
//!   it.
//! - `transform ∘ inverse_transform`: restored data is constant on each
//!   cluster, and `transform(inverse_transform(R)) == R` for every pooling.
//! - One and two rayon threads give the same bits.
//!
//! Case counts are kept small for `cargo test`; set `PROPTEST_CASES` for a
//! longer run.

use std::collections::HashMap;

use agglo::connectivity::complete_components;
use agglo::element::Precision;
use agglo::{
    Agglomeration, AgglomerativeClustering, ComputeFullTree, Connectivity, FeatureAgglomeration,
    Linkage, Metric, Pooling,
};
use ndarray::Array2;
use proptest::prelude::*;

// ---------------------------------------------------------------- inputs

/// Points with small integer coordinates (ties everywhere) and a random
/// graph: `edges` may contain self-loops and leave several components.
#[derive(Debug, Clone)]
struct Case {
    points: Array2<f64>,
    edges: Vec<(usize, usize)>,
}

/// `n` points in `1..=max_dim` dimensions with coordinates in `values`,
/// and up to `n` random edges.
fn cases(
    n: std::ops::RangeInclusive<usize>,
    max_dim: usize,
    values: std::ops::RangeInclusive<i32>,
) -> impl Strategy<Value = Case> {
    (n, 1..=max_dim).prop_flat_map(move |(n, dim)| {
        (
            proptest::collection::vec(values.clone(), n * dim),
            proptest::collection::vec((0..n, 0..n), 0..=n),
        )
            .prop_map(move |(v, edges)| Case {
                points: Array2::from_shape_fn((n, dim), |(i, j)| f64::from(v[i * dim + j])),
                edges,
            })
    })
}

/// A symmetric matrix of small non-negative integers with a zero
/// diagonal, to be used as precomputed distances.
fn precomputed(case: &Case) -> Array2<f64> {
    let n = case.points.nrows();
    let x = &case.points;
    Array2::from_shape_fn((n, n), |(i, j)| {
        if i == j {
            0.0
        } else {
            (x[[i.min(j), 0]] + x[[i.max(j), 0]]).abs()
        }
    })
}

fn graph(case: &Case) -> Connectivity {
    Connectivity::from_edges(case.points.nrows(), &case.edges).unwrap()
}

// ------------------------------------------------------------ distances

/// A point-to-point distance; exact for small integer data in euclidean
/// and manhattan (every partial sum is an exact integer).
fn distance(metric: Metric, x: &Array2<f64>, a: usize, b: usize) -> f64 {
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
fn completed(case: &Case, x: &Array2<f64>, metric: Metric) -> Connectivity {
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
fn naive_ward(
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
fn joined(graph: &Connectivity, a: &[usize], b: &[usize]) -> bool {
    a.iter()
        .any(|&p| graph.neighbors(p).iter().any(|q| b.contains(q)))
}

/// Single linkage under connectivity as scipy's Kruskal then scikit-learn's
/// labelling: each step takes, among the graph's entries (both directions,
/// rows then columns ascending, self-loops dropped) that join two live
/// clusters, the one of smallest `(weight, position)`, and merges the
/// clusters of its row and column, in that order.
fn naive_single(
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
fn naive_labels(children: &[[usize; 2]], n: usize, n_clusters: usize, full: bool) -> Vec<usize> {
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
fn heappush(heap: &mut Vec<i64>, item: i64) {
    heap.push(item);
    let end = heap.len() - 1;
    siftdown(heap, 0, end);
}

/// CPython's `heapq.heappushpop` (the popped item is not needed).
fn heappushpop(heap: &mut [i64], item: i64) {
    if !heap.is_empty() && heap[0] < item {
        heap[0] = item;
        siftup(heap, 0);
    }
}

fn siftdown(heap: &mut [i64], start: usize, mut pos: usize) {
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

fn siftup(heap: &mut [i64], mut pos: usize) {
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

/// Replays the fitted merges over the constrained graph (`None`: all pairs)
/// and checks each: two live clusters, joined by the graph, merged at the
/// linkage's distance for them, and no joined pair of live clusters closer
/// by more than `slack` (relative).
///
/// Linkage distances: complete and single are the largest and smallest
/// edge (or pair) length between the clusters; average is scikit-learn's
/// size-weighted recurrence along the graph, or the mean over all pairs
/// without one; Ward without connectivity is
/// `sqrt(2·n_a·n_b/(n_a + n_b)·‖c_a − c_b‖²)`.
fn check_greedy(
    model: &Agglomeration,
    x: &Array2<f64>,
    graph: Option<&Connectivity>,
    linkage: Linkage,
    metric: Metric,
    slack: f64,
) -> Result<(), TestCaseError> {
    let n = model.n_leaves();
    let distances = model.distances().expect("fitted with compute_distances");
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut live: Vec<usize> = (0..n).collect();
    let d = |a: usize, b: usize| distance(metric, x, a, b);
    // Average linkage under a graph: the recurrence's current value.
    let mut average: HashMap<(usize, usize), f64> = HashMap::new();
    if let Some(graph) = graph {
        for (a, b) in graph.entries().filter(|(a, b)| a < b) {
            average.insert((a, b), d(a, b));
        }
    }
    let linkage_distance =
        |members: &[Vec<usize>], average: &HashMap<(usize, usize), f64>, p: usize, q: usize| {
            let pairs: Vec<f64> = members[p]
                .iter()
                .flat_map(|&a| members[q].iter().map(move |&b| (a, b)))
                .filter(|&(a, b)| graph.is_none_or(|g| g.neighbors(a).contains(&b)))
                .map(|(a, b)| d(a, b))
                .collect();
            if pairs.is_empty() {
                return None;
            }
            Some(match (linkage, graph) {
                (Linkage::Complete, _) => pairs.iter().copied().fold(f64::MIN, f64::max),
                (Linkage::Single, _) => pairs.iter().copied().fold(f64::MAX, f64::min),
                (Linkage::Average, Some(_)) => average[&(p.min(q), p.max(q))],
                (Linkage::Average, None) => pairs.iter().sum::<f64>() / pairs.len() as f64,
                (Linkage::Ward, _) => {
                    let centroid = |m: &[usize]| -> Vec<f64> {
                        (0..x.ncols())
                            .map(|j| m.iter().map(|&i| x[[i, j]]).sum::<f64>() / m.len() as f64)
                            .collect()
                    };
                    let (ca, cb) = (centroid(&members[p]), centroid(&members[q]));
                    let gap: f64 = ca.iter().zip(&cb).map(|(a, b)| (a - b) * (a - b)).sum();
                    let (na, nb) = (members[p].len() as f64, members[q].len() as f64);
                    (2.0 * na * nb / (na + nb) * gap).sqrt()
                }
                (other, _) => unreachable!("no reference for {other}"),
            })
        };
    for (k, (&[a, b], &got)) in model.children().iter().zip(distances).enumerate() {
        prop_assert!(
            live.contains(&a) && live.contains(&b) && a != b,
            "merge {k}: {a}, {b} not live"
        );
        let want = linkage_distance(&members, &average, a, b);
        prop_assert!(want.is_some(), "merge {k}: {a} and {b} are not joined");
        let want = want.unwrap();
        let tolerance = slack * want.abs().max(1.0);
        prop_assert!(
            (got - want).abs() <= tolerance,
            "merge {k} ({a}, {b}): distance {got}, expected {want}"
        );
        for (pos, &p) in live.iter().enumerate() {
            for &q in &live[..pos] {
                if let Some(closer) = linkage_distance(&members, &average, p, q) {
                    prop_assert!(
                        closer >= got - tolerance,
                        "merge {k} ({a}, {b}) at {got}, but ({p}, {q}) are at {closer}"
                    );
                }
            }
        }
        let new = n + k;
        if linkage == Linkage::Average && graph.is_some() {
            let (n_a, n_b) = (members[a].len(), members[b].len());
            for &c in live.iter().filter(|&&c| c != a && c != b) {
                let get = |p: usize| average.get(&(p.min(c), p.max(c))).copied();
                let merged = match (get(a), get(b)) {
                    (Some(da), Some(db)) => {
                        Some((n_a as f64 * da + n_b as f64 * db) / (n_a + n_b) as f64)
                    }
                    (one, other) => one.or(other),
                };
                if let Some(v) = merged {
                    average.insert((c, new), v);
                }
            }
        }
        let union = [members[a].clone(), members[b].clone()].concat();
        members.push(union);
        live.retain(|&c| c != a && c != b);
        live.push(new);
    }
    Ok(())
}

/// The labels are `n_clusters` groups, each connected in `graph` when
/// there is one.
fn check_groups(
    labels: &[usize],
    n_clusters: usize,
    graph: Option<&Connectivity>,
) -> Result<(), TestCaseError> {
    let mut groups = vec![Vec::new(); n_clusters];
    for (point, &label) in labels.iter().enumerate() {
        prop_assert!(label < n_clusters, "label {label} of {n_clusters}");
        groups[label].push(point);
    }
    for (label, group) in groups.iter().enumerate() {
        prop_assert!(!group.is_empty(), "label {label} unused");
        if let Some(graph) = graph {
            let mut reached = vec![group[0]];
            let mut next = 0;
            while next < reached.len() {
                let p = reached[next];
                next += 1;
                for &q in graph.neighbors(p) {
                    if group.contains(&q) && !reached.contains(&q) {
                        reached.push(q);
                    }
                }
            }
            prop_assert_eq!(
                reached.len(),
                group.len(),
                "cluster {} is not connected",
                label
            );
        }
    }
    Ok(())
}

/// How a case is fitted.
#[derive(Debug, Clone, Copy)]
struct Settings {
    linkage: Linkage,
    metric: Metric,
    n_clusters: usize,
    full_tree: bool,
}

fn fit(x: &Array2<f64>, graph: Option<&Connectivity>, s: Settings) -> Agglomeration {
    let mut model = AgglomerativeClustering::new()
        .linkage(s.linkage)
        .metric(s.metric)
        .n_clusters(s.n_clusters)
        .compute_distances(true)
        .compute_full_tree(if s.full_tree {
            ComputeFullTree::True
        } else {
            ComputeFullTree::False
        });
    if let Some(graph) = graph {
        model = model.connectivity(graph.clone());
    }
    model.fit(x.view()).unwrap()
}

/// Fits with a distance threshold equal to one of the tree's own merge
/// distances (`pick` chooses which), so that ties at the threshold occur,
/// and checks the number of clusters (merges at or above the threshold
/// count, plus one) and the labels (scikit-learn's cut of the full tree).
fn check_threshold(
    x: &Array2<f64>,
    graph: &Connectivity,
    linkage: Linkage,
    metric: Metric,
    children: &[[usize; 2]],
    distances: &[f64],
    pick: usize,
) -> Result<(), TestCaseError> {
    let n = x.nrows();
    let threshold = distances
        .get(pick % distances.len().max(1))
        .copied()
        .unwrap_or(0.0);
    let model = AgglomerativeClustering::new()
        .linkage(linkage)
        .metric(metric)
        .distance_threshold(threshold)
        .connectivity(graph.clone())
        .fit(x.view())
        .unwrap();
    let k = distances.iter().filter(|&&d| d >= threshold).count() + 1;
    prop_assert_eq!(model.n_clusters(), k);
    prop_assert_eq!(model.labels(), &naive_labels(children, n, k, true)[..]);
    Ok(())
}

/// The data a metric is given: the points, or a distance matrix.
fn input(case: &Case, metric: Metric) -> Array2<f64> {
    match metric {
        Metric::Precomputed => precomputed(case),
        // Cosine needs no zero vector: shift the coordinates to 1..
        Metric::Cosine => case.points.mapv(|v| v.abs() + 1.0),
        _ => case.points.clone(),
    }
}

fn settings(
    linkages: &'static [Linkage],
    metrics: &'static [Metric],
) -> impl Strategy<Value = (Linkage, Metric, usize, bool)> {
    (
        proptest::sample::select(linkages),
        proptest::sample::select(metrics),
        1usize..=14,
        any::<bool>(),
    )
}

const CONNECTIVITY_METRICS: &[Metric] = &[
    Metric::Euclidean,
    Metric::Manhattan,
    Metric::Cosine,
    Metric::Precomputed,
];

// ----------------------------------------------------------------- tests

/// `cases` cases, unless `PROPTEST_CASES` asks for another number.
fn config(cases: u32) -> ProptestConfig {
    if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(cases)
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Ward with connectivity: the naive tree, bit for bit, and its labels.
    #[test]
    fn ward_with_connectivity_is_the_naive_tree(
        case in cases(2..=14, 3, 0..=3),
        k in 1usize..=14,
        full_tree in any::<bool>(),
        pick in any::<usize>(),
    ) {
        let x = &case.points;
        let n = x.nrows();
        let k = k.min(n);
        let s = Settings { linkage: Linkage::Ward, metric: Metric::Euclidean, n_clusters: k, full_tree };
        let model = fit(x, Some(&graph(&case)), s);
        let graph = completed(&case, x, Metric::Euclidean);
        let n_merges = if full_tree { n - 1 } else { n - k };
        let (children, distances) = naive_ward(x, &graph, n_merges);
        prop_assert_eq!(model.children(), &children[..]);
        let bits = |d: &[f64]| d.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(model.distances().unwrap()), bits(&distances));
        prop_assert_eq!(model.labels(), &naive_labels(&children, n, k, full_tree)[..]);
        check_groups(model.labels(), k, Some(&graph))?;
        let (children, distances) = naive_ward(x, &graph, n - 1);
        check_threshold(x, &graph, Linkage::Ward, Metric::Euclidean, &children, &distances, pick)?;
    }

    /// Single linkage with connectivity: scipy's Kruskal, bit for bit.
    #[test]
    fn single_with_connectivity_is_kruskal(
        case in cases(2..=14, 3, -2..=2),
        (metric, k, full_tree) in (
            proptest::sample::select(&[Metric::Euclidean, Metric::Manhattan, Metric::Precomputed][..]),
            1usize..=14,
            any::<bool>(),
        ),
        pick in any::<usize>(),
    ) {
        let x = input(&case, metric);
        let n = x.nrows();
        let k = k.min(n);
        let s = Settings { linkage: Linkage::Single, metric, n_clusters: k, full_tree };
        let model = fit(&x, Some(&graph(&case)), s);
        let graph = completed(&case, &x, metric);
        let (children, distances) = naive_single(&x, &graph, metric);
        prop_assert_eq!(model.children(), &children[..]);
        let bits = |d: &[f64]| d.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(model.distances().unwrap()), bits(&distances));
        prop_assert_eq!(model.labels(), &naive_labels(&children, n, k, full_tree)[..]);
        check_groups(model.labels(), k, Some(&graph))?;
        check_threshold(&x, &graph, Linkage::Single, metric, &children, &distances, pick)?;
    }

    /// Complete and average linkage with connectivity, every metric: each
    /// merge is a closest joined pair at its linkage distance.
    #[test]
    fn complete_and_average_with_connectivity_merge_a_closest_pair(
        case in cases(2..=14, 3, 0..=3),
        (linkage, metric, k, full_tree) in settings(&[Linkage::Complete, Linkage::Average], CONNECTIVITY_METRICS),
    ) {
        let x = input(&case, metric);
        let n = x.nrows();
        let k = k.min(n);
        let s = Settings { linkage, metric, n_clusters: k, full_tree };
        let model = fit(&x, Some(&graph(&case)), s);
        let graph = completed(&case, &x, metric);
        prop_assert_eq!(model.children().len(), if full_tree { n - 1 } else { n - k });
        // Exact for integer data, except cosine's rounding.
        let slack = if metric == Metric::Cosine { 1e-12 } else { 0.0 };
        check_greedy(&model, &x, Some(&graph), linkage, metric, slack)?;
        prop_assert_eq!(model.labels(), &naive_labels(model.children(), n, k, full_tree)[..]);
        check_groups(model.labels(), k, Some(&graph))?;
    }

    /// Every linkage without connectivity: each merge is a closest pair at
    /// its linkage distance, and the labels cut that tree.
    #[test]
    fn unstructured_linkages_merge_a_closest_pair(
        case in cases(2..=14, 3, 0..=3),
        (linkage, metric, k, _) in settings(
            &[Linkage::Ward, Linkage::Complete, Linkage::Average, Linkage::Single],
            CONNECTIVITY_METRICS,
        ),
    ) {
        let metric = if linkage == Linkage::Ward { Metric::Euclidean } else { metric };
        let x = input(&case, metric);
        let n = x.nrows();
        let k = k.min(n);
        let s = Settings { linkage, metric, n_clusters: k, full_tree: true };
        let model = fit(&x, None, s);
        prop_assert_eq!(model.children().len(), n - 1);
        // Lance-Williams updates and pairwise sums round differently from
        // the from-scratch definitions.
        let slack = if linkage == Linkage::Single || linkage == Linkage::Complete {
            if metric == Metric::Cosine { 1e-12 } else { 0.0 }
        } else {
            1e-9
        };
        check_greedy(&model, &x, None, linkage, metric, slack)?;
        prop_assert_eq!(model.labels(), &naive_labels(model.children(), n, k, true)[..]);
        check_groups(model.labels(), k, None)?;
    }

    /// `inverse_transform(transform(X))` is constant on every cluster, and
    /// `transform(inverse_transform(R)) == R` for every pooling (exactly
    /// for integer-valued `R`; within rounding for the mean of others).
    #[test]
    fn transform_and_inverse_transform_agree(
        case in cases(2..=14, 6, -3..=3),
        pooling in proptest::sample::select(&[Pooling::Mean, Pooling::Median, Pooling::Max][..]),
        k in 1usize..=14,
        reduced_values in proptest::collection::vec(-1e6f64..1e6, 1..=40),
        integer in any::<bool>(),
    ) {
        // Features are the columns: cluster the transposed points.
        let x = case.points.t().to_owned();
        let n_features = x.ncols();
        if n_features < 2 {
            return Ok(());
        }
        let k = k.min(n_features);
        let model = FeatureAgglomeration::new()
            .n_clusters(k)
            .pooling(pooling)
            .connectivity(graph(&case))
            .fit(x.view())
            .unwrap();
        let labels = model.labels();
        let reduced = model.transform(x.view()).unwrap();
        let restored = model.inverse_transform(reduced.view()).unwrap();
        for (row, back) in reduced.rows().into_iter().zip(restored.rows()) {
            for (f, &l) in labels.iter().enumerate() {
                prop_assert_eq!(back[f].to_bits(), row[l].to_bits());
            }
        }
        let r = Array2::from_shape_fn((3, k), |(i, j)| {
            let v = reduced_values[(i * k + j) % reduced_values.len()];
            if integer { v.round() } else { v }
        });
        let again = model.transform(model.inverse_transform(r.view()).unwrap().view()).unwrap();
        for (&got, &want) in again.iter().zip(r.iter()) {
            if integer || pooling != Pooling::Mean {
                prop_assert_eq!(got.to_bits(), want.to_bits(), "{} pooling", pooling);
            } else {
                prop_assert!((got - want).abs() <= 1e-15 * n_features as f64 * want.abs(), "{got} vs {want}");
            }
        }
    }
}

/// Everything a fit produces, floats as bits.
fn fingerprint(case: &Case, linkage: Linkage, pooling: Pooling, structured: bool) -> Vec<u64> {
    let x = &case.points;
    let mut model = FeatureAgglomeration::new()
        .n_clusters(3.min(x.ncols()))
        .linkage(linkage)
        .pooling(pooling)
        .compute_distances(true);
    if structured {
        model = model.connectivity(Connectivity::from_edges(x.ncols(), &case.edges).unwrap());
    }
    let model = model.fit(x.view()).unwrap();
    let reduced = model.transform(x.view()).unwrap();
    let restored = model.inverse_transform(reduced.view()).unwrap();
    let tree = model.model();
    let mut out: Vec<u64> = model.labels().iter().map(|&l| l as u64).collect();
    out.extend(tree.children().iter().flatten().map(|&c| c as u64));
    out.extend(tree.distances().unwrap().iter().map(|d| d.to_bits()));
    out.extend(reduced.iter().chain(restored.iter()).map(|v| v.to_bits()));
    out
}

/// Feature agglomeration data wide and tall enough that the parallel
/// conversion, initial Ward costs and pooling split into several tasks:
/// `n_samples × n_features` with a random graph over the features.
fn wide_cases(n_features: std::ops::Range<usize>) -> impl Strategy<Value = Case> {
    // Filled from a seed: proptest value trees for 10⁵ numbers are slow.
    (n_features, 20usize..80, any::<u64>()).prop_map(|(f, s, seed)| {
        let mut state = seed;
        let mut next = move |below: usize| {
            // SplitMix64.
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % below as u64) as usize
        };
        let points = Array2::from_shape_fn((s, f), |_| next(4) as f64);
        let edges = (0..f + next(f)).map(|_| (next(f), next(f))).collect();
        Case { points, edges }
    })
}

proptest! {
    #![proptest_config(config(4))]

    /// One and two rayon threads give the same bits, for every linkage and
    /// pooling, with and without connectivity.
    #[test]
    fn one_and_two_threads_give_the_same_bits(
        case in wide_cases(300..5000),
        linkage in proptest::sample::select(&[Linkage::Ward, Linkage::Complete, Linkage::Average, Linkage::Single][..]),
        pooling in proptest::sample::select(&[Pooling::Mean, Pooling::Median, Pooling::Max][..]),
    ) {
        let run = |threads: usize, structured: bool| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| fingerprint(&case, linkage, pooling, structured))
        };
        prop_assert!(run(1, true) == run(2, true), "{} with connectivity", linkage);
        // Without connectivity the tree is quadratic: keep it to 300 features.
        let narrow = Case {
            points: case.points.slice(ndarray::s![.., ..300]).to_owned(),
            edges: Vec::new(),
        };
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| fingerprint(&narrow, linkage, pooling, false))
        };
        prop_assert!(run(1) == run(2), "{} without connectivity", linkage);
    }
}
