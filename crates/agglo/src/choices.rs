//! The choices a model is configured with: linkage, metric, pooling and
//! when to build the full tree.

use std::fmt;
use std::str::FromStr;

use crate::error::AggloError;

/// How the distance between two clusters is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Linkage {
    /// Minimises the increase of within-cluster variance:
    /// ```text
    /// Δ(a, b) = |a||b| / (|a| + |b|) · ‖mean(a) − mean(b)‖²,  distance = sqrt(2Δ)
    /// ```
    #[default]
    Ward,
    /// The largest distance between members of the two clusters.
    Complete,
    /// The mean distance between members of the two clusters.
    Average,
    /// The smallest distance between members of the two clusters.
    Single,
}

impl Linkage {
    /// The name scikit-learn uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Linkage::Ward => "ward",
            Linkage::Complete => "complete",
            Linkage::Average => "average",
            Linkage::Single => "single",
        }
    }
}

/// The distance between two points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Metric {
    /// Euclidean distance (also spelt `l2`).
    #[default]
    Euclidean,
    /// The alias `l2` of euclidean; kept apart so that it round-trips.
    L2,
    /// Manhattan distance (also `l1`, `cityblock`).
    Manhattan,
    /// The alias `l1` of manhattan.
    L1,
    /// The alias `cityblock` of manhattan.
    Cityblock,
    /// Cosine distance, 1 − cos(angle).
    Cosine,
    /// The input is a square matrix of distances.
    Precomputed,
    /// Bray–Curtis dissimilarity, `Σ|u − v| / Σ|u + v|` (scipy; scikit-learn's single linkage divides by `Σ|u| + |v|`).
    Braycurtis,
    /// Canberra distance, `Σ |u − v| / (|u| + |v|)` over the coordinates where the denominator is not 0.
    Canberra,
    /// Chebyshev distance, `max |u − v|`.
    Chebyshev,
    /// Correlation distance: the cosine distance of the points less their means.
    Correlation,
    /// Dice dissimilarity of the points as booleans (non-zero is true).
    Dice,
    /// Hamming distance: the fraction of coordinates that differ.
    Hamming,
    /// Great-circle distance of (latitude, longitude) in radians, on the unit sphere (single linkage only, as in scikit-learn).
    Haversine,
    /// Jaccard dissimilarity of the points as booleans.
    Jaccard,
    /// Mahalanobis distance under the inverse of the points' covariance (complete and average linkage, as in scikit-learn).
    Mahalanobis,
    /// The alias `matching` of hamming (scikit-learn's single linkage: the boolean fraction of differing coordinates).
    Matching,
    /// Minkowski distance with scikit-learn's default `p = 2`: euclidean.
    Minkowski,
    /// Rogers–Tanimoto dissimilarity of the points as booleans.
    Rogerstanimoto,
    /// Russell–Rao dissimilarity of the points as booleans.
    Russellrao,
    /// Standardised euclidean distance, each coordinate divided by its variance over the points (complete and average linkage, as in scikit-learn).
    Seuclidean,
    /// Sokal–Sneath dissimilarity of the points as booleans.
    Sokalsneath,
    /// Squared euclidean distance.
    Sqeuclidean,
    /// Yule dissimilarity of the points as booleans.
    Yule,
}

impl Metric {
    /// The name scikit-learn uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Euclidean => "euclidean",
            Metric::L2 => "l2",
            Metric::Manhattan => "manhattan",
            Metric::L1 => "l1",
            Metric::Cityblock => "cityblock",
            Metric::Cosine => "cosine",
            Metric::Precomputed => "precomputed",
            Metric::Braycurtis => "braycurtis",
            Metric::Canberra => "canberra",
            Metric::Chebyshev => "chebyshev",
            Metric::Correlation => "correlation",
            Metric::Dice => "dice",
            Metric::Hamming => "hamming",
            Metric::Haversine => "haversine",
            Metric::Jaccard => "jaccard",
            Metric::Mahalanobis => "mahalanobis",
            Metric::Matching => "matching",
            Metric::Minkowski => "minkowski",
            Metric::Rogerstanimoto => "rogerstanimoto",
            Metric::Russellrao => "russellrao",
            Metric::Seuclidean => "seuclidean",
            Metric::Sokalsneath => "sokalsneath",
            Metric::Sqeuclidean => "sqeuclidean",
            Metric::Yule => "yule",
        }
    }

    /// Whether the metric is one of scikit-learn's paired distances, the
    /// only ones it takes with a connectivity graph (and `precomputed`).
    pub fn is_paired(self) -> bool {
        matches!(
            self,
            Metric::Euclidean
                | Metric::L2
                | Metric::Manhattan
                | Metric::L1
                | Metric::Cityblock
                | Metric::Cosine
                | Metric::Precomputed
        )
    }

    /// Whether this is euclidean distance under any of its names.
    pub fn is_euclidean(self) -> bool {
        matches!(self, Metric::Euclidean | Metric::L2)
    }
}

/// How `transform` summarises the features of one cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Pooling {
    /// The mean (scikit-learn's default `np.mean`).
    #[default]
    Mean,
    /// The median (`np.median`).
    Median,
    /// The maximum (`np.max`).
    Max,
    /// The minimum (`np.min`).
    Min,
}

impl Pooling {
    /// The name of the pooling function.
    pub fn as_str(self) -> &'static str {
        match self {
            Pooling::Mean => "mean",
            Pooling::Median => "median",
            Pooling::Max => "max",
            Pooling::Min => "min",
        }
    }
}

/// Whether to build the whole tree or stop early once `n_clusters` remain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ComputeFullTree {
    /// scikit-learn's rule: the full tree when a distance threshold is set or
    /// when `n_clusters < max(100, 0.02 · n_points)`; always without
    /// connectivity.
    #[default]
    Auto,
    /// Always build the whole tree, then cut it.
    True,
    /// Stop after `n_points − n_clusters` merges (only with connectivity).
    False,
}

impl ComputeFullTree {
    /// The name as scikit-learn spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ComputeFullTree::Auto => "auto",
            ComputeFullTree::True => "true",
            ComputeFullTree::False => "false",
        }
    }
}

/// What a fit with connectivity does when the graph has several connected
/// components (scikit-learn has only the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum OnDisconnected {
    /// scikit-learn's behaviour: warn and add edges between the components
    /// (`_fix_connectivity`), so that merges can cross them.
    #[default]
    Complete,
    /// Refuse the graph, naming the number of components and their sizes.
    Raise,
    /// A hard constraint: never merge across components. Each component is
    /// clustered as it would be alone, the merges of all of them taken in
    /// the order of their costs; `n_clusters` must be at least the number
    /// of components, and the tree is a forest (one root a component).
    Separate,
}

impl OnDisconnected {
    /// The name of the parameter's value.
    pub fn as_str(self) -> &'static str {
        match self {
            OnDisconnected::Complete => "complete",
            OnDisconnected::Raise => "raise",
            OnDisconnected::Separate => "separate",
        }
    }
}

macro_rules! names {
    ($ty:ident, $what:literal, $expected:literal, { $($name:literal => $value:expr),+ $(,)? }) => {
        impl $ty {
            /// Every name [`FromStr`] accepts, as scikit-learn spells them.
            pub const NAMES: &'static [&'static str] = &[$($name),+];
        }
        impl FromStr for $ty {
            type Err = AggloError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok($value),)+
                    _ => Err(AggloError::UnknownName {
                        what: $what,
                        value: s.to_string(),
                        expected: $expected,
                    }),
                }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

names!(Linkage, "linkage", "ward, complete, average, single", {
    "ward" => Linkage::Ward,
    "complete" => Linkage::Complete,
    "average" => Linkage::Average,
    "single" => Linkage::Single,
});
names!(Metric, "metric", "braycurtis, canberra, chebyshev, cityblock, correlation, cosine, dice, euclidean, hamming, haversine, jaccard, l1, l2, mahalanobis, manhattan, matching, minkowski, precomputed, rogerstanimoto, russellrao, seuclidean, sokalsneath, sqeuclidean, yule", {
    "braycurtis" => Metric::Braycurtis,
    "canberra" => Metric::Canberra,
    "chebyshev" => Metric::Chebyshev,
    "cityblock" => Metric::Cityblock,
    "correlation" => Metric::Correlation,
    "cosine" => Metric::Cosine,
    "dice" => Metric::Dice,
    "euclidean" => Metric::Euclidean,
    "hamming" => Metric::Hamming,
    "haversine" => Metric::Haversine,
    "jaccard" => Metric::Jaccard,
    "l1" => Metric::L1,
    "l2" => Metric::L2,
    "mahalanobis" => Metric::Mahalanobis,
    "manhattan" => Metric::Manhattan,
    "matching" => Metric::Matching,
    "minkowski" => Metric::Minkowski,
    "precomputed" => Metric::Precomputed,
    "rogerstanimoto" => Metric::Rogerstanimoto,
    "russellrao" => Metric::Russellrao,
    "seuclidean" => Metric::Seuclidean,
    "sokalsneath" => Metric::Sokalsneath,
    "sqeuclidean" => Metric::Sqeuclidean,
    "yule" => Metric::Yule,
});
names!(Pooling, "pooling", "mean, median, max, min", {
    "mean" => Pooling::Mean,
    "median" => Pooling::Median,
    "max" => Pooling::Max,
    "min" => Pooling::Min,
});
names!(OnDisconnected, "on_disconnected", "complete, raise, separate", {
    "complete" => OnDisconnected::Complete,
    "raise" => OnDisconnected::Raise,
    "separate" => OnDisconnected::Separate,
});
names!(ComputeFullTree, "compute_full_tree", "auto, true, false", {
    "auto" => ComputeFullTree::Auto,
    "true" => ComputeFullTree::True,
    "false" => ComputeFullTree::False,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for l in [
            Linkage::Ward,
            Linkage::Complete,
            Linkage::Average,
            Linkage::Single,
        ] {
            assert_eq!(l.to_string().parse::<Linkage>().unwrap(), l);
        }
        for &m in Metric::NAMES {
            assert_eq!(m.parse::<Metric>().unwrap().as_str(), m);
        }
        assert_eq!(Metric::NAMES.len(), 24);
        for p in ["mean", "median", "max", "min"] {
            assert_eq!(p.parse::<Pooling>().unwrap().as_str(), p);
        }
        for c in ["auto", "true", "false"] {
            assert_eq!(c.parse::<ComputeFullTree>().unwrap().as_str(), c);
        }
    }

    #[test]
    fn unknown_name_is_quoted() {
        let err = "wardd".parse::<Linkage>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown linkage 'wardd' (expected one of: ward, complete, average, single)"
        );
    }
}
