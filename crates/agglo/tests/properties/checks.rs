//! The properties each generated case is checked for.

use super::*;

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
pub(crate) fn check_greedy(
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
pub(crate) fn check_groups(
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
pub(crate) struct Settings {
    pub(crate) linkage: Linkage,
    pub(crate) metric: Metric,
    pub(crate) n_clusters: usize,
    pub(crate) full_tree: bool,
}

pub(crate) fn fit(x: &Array2<f64>, graph: Option<&Connectivity>, s: Settings) -> Agglomeration {
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
pub(crate) fn check_threshold(
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
pub(crate) fn input(case: &Case, metric: Metric) -> Array2<f64> {
    match metric {
        Metric::Precomputed => precomputed(case),
        // Cosine needs no zero vector: shift the coordinates to 1..
        Metric::Cosine => case.points.mapv(|v| v.abs() + 1.0),
        _ => case.points.clone(),
    }
}

pub(crate) fn settings(
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

pub(crate) const CONNECTIVITY_METRICS: &[Metric] = &[
    Metric::Euclidean,
    Metric::Manhattan,
    Metric::Cosine,
    Metric::Precomputed,
];

// ----------------------------------------------------------------- tests

/// `cases` cases, unless `PROPTEST_CASES` asks for another number.
pub(crate) fn config(cases: u32) -> ProptestConfig {
    if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(cases)
    }
}
