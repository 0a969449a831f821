//! The error type of the library.

use crate::choices::Metric;

/// Everything that can go wrong when building connectivity, fitting a model
/// or applying a fitted model. Messages name the offending value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AggloError {
    /// `n_clusters` was zero.
    #[error("n_clusters must be at least 1, got 0")]
    ZeroClusters,
    /// More clusters were asked for than there are points to cluster.
    #[error("cannot provide more clusters than points: n_clusters is {n_clusters}, but there are {n_points} points")]
    TooManyClusters {
        /// The requested number of clusters.
        n_clusters: usize,
        /// The number of points (features for feature agglomeration).
        n_points: usize,
    },
    /// `distance_threshold` was negative, NaN or infinite.
    #[error("distance_threshold must be a finite number >= 0, got {0}")]
    InvalidThreshold(f64),
    /// `distance_threshold` was combined with `compute_full_tree = false`.
    #[error("compute_full_tree must be true or auto when distance_threshold is set")]
    ThresholdNeedsFullTree,
    /// A metric that scikit-learn computes only without connectivity.
    #[error("metric '{0}' works only without connectivity: with a connectivity graph scikit-learn takes euclidean, l2, l1, manhattan, cityblock, cosine or precomputed")]
    MetricNeedsNoConnectivity(Metric),
    /// A metric that scikit-learn refuses for this linkage, with its reason.
    #[error("metric '{metric}' cannot be used with {linkage} linkage: {why}")]
    MetricNotForLinkage {
        /// The metric.
        metric: Metric,
        /// The linkage.
        linkage: crate::choices::Linkage,
        /// Why, as scikit-learn or scipy says it.
        why: &'static str,
    },
    /// The points' covariance cannot be inverted for the mahalanobis metric.
    #[error("mahalanobis: {0}")]
    Mahalanobis(String),
    /// Ward linkage with a metric other than euclidean.
    #[error("{0} was provided as metric; ward can only work with euclidean distances ('euclidean' and 'l2')")]
    WardMetric(Metric),
    /// Too few points (or dimensions) to cluster.
    #[error("{what}: found {got}, but a minimum of {min} is required")]
    TooFew {
        /// What was counted, e.g. "number of features".
        what: &'static str,
        /// The count found.
        got: usize,
        /// The minimum required.
        min: usize,
    },
    /// The input holds NaN or an infinity.
    #[error("input contains a non-finite value ({value}) at row {row}, column {column}")]
    NonFinite {
        /// Row of the first bad value.
        row: usize,
        /// Column of the first bad value.
        column: usize,
        /// The bad value itself.
        value: f64,
    },
    /// The connectivity graph does not have one node per point.
    #[error("wrong shape for connectivity matrix: ({rows}, {cols}) when there are {n_points} points to cluster")]
    ConnectivityShape {
        /// Rows of the connectivity matrix.
        rows: usize,
        /// Columns of the connectivity matrix.
        cols: usize,
        /// Number of points being clustered.
        n_points: usize,
    },
    /// An edge or triplet names a node outside the graph.
    #[error("connectivity entry ({row}, {col}) is out of range for a graph of shape ({n_rows}, {n_cols})")]
    EdgeOutOfRange {
        /// Row (source node) of the entry.
        row: usize,
        /// Column (target node) of the entry.
        col: usize,
        /// Rows of the graph.
        n_rows: usize,
        /// Columns of the graph.
        n_cols: usize,
    },
    /// A connectivity matrix that is not square.
    #[error("connectivity matrix must be square, got shape ({rows}, {cols})")]
    ConnectivityNotSquare {
        /// Rows of the matrix.
        rows: usize,
        /// Columns of the matrix.
        cols: usize,
    },
    /// A connectivity value that is NaN or infinite.
    #[error("connectivity value at ({row}, {col}) is not finite: {value}")]
    ConnectivityNotFinite {
        /// Row of the entry.
        row: usize,
        /// Column of the entry.
        col: usize,
        /// The value.
        value: f64,
    },
    /// Compressed-row arrays that do not describe a sparse matrix.
    #[error("invalid compressed sparse rows: {0}")]
    InvalidCsr(String),
    /// Triplet arrays of different lengths.
    #[error("sparse triplets differ in length: {rows} rows, {cols} columns, {values} values")]
    TripletLengths {
        /// Number of row indices.
        rows: usize,
        /// Number of column indices.
        cols: usize,
        /// Number of values.
        values: usize,
    },
    /// A grid with a bad shape.
    #[error("invalid grid shape {shape:?}: {reason}")]
    InvalidGrid {
        /// The grid shape given.
        shape: Vec<usize>,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A mask whose shape differs from the grid's.
    #[error("mask shape {mask:?} does not match grid shape {grid:?}")]
    MaskShape {
        /// Shape of the mask.
        mask: Vec<usize>,
        /// Shape of the grid.
        grid: Vec<usize>,
    },
    /// Data of the wrong width given to a fitted model.
    #[error("X has {got} features, but the model is expecting {expected} features as input")]
    FeatureMismatch {
        /// Width of the data given.
        got: usize,
        /// Width the model was fitted on.
        expected: usize,
    },
    /// Reduced data of the wrong width given to `inverse_transform`.
    #[error("reduced data has {got} columns, but the model has {expected} clusters")]
    ClusterMismatch {
        /// Width of the data given.
        got: usize,
        /// Number of clusters of the model.
        expected: usize,
    },
    /// An output array of the wrong shape given to `inverse_transform_into`.
    #[error("the output has shape ({}, {}), but the restored data has shape ({}, {})", got.0, got.1, expected.0, expected.1)]
    OutputShape {
        /// Shape of the array given.
        got: (usize, usize),
        /// Rows of the reduced data, and features of the model.
        expected: (usize, usize),
    },
    /// A name that is not one of the accepted values (linkage, metric, ...).
    #[error("unknown {what} '{value}' (expected one of: {expected})")]
    UnknownName {
        /// What kind of name it was, e.g. "linkage".
        what: &'static str,
        /// The name given.
        value: String,
        /// The accepted names.
        expected: &'static str,
    },
    /// `metric = precomputed` with a distance matrix that is not square.
    #[error("Distance matrix should be square, got matrix of shape ({rows}, {cols})")]
    PrecomputedNotSquare {
        /// Rows of the matrix.
        rows: usize,
        /// Columns of the matrix.
        cols: usize,
    },
    /// Cosine distance with an all-zero point.
    #[error(
        "Cosine affinity cannot be used when X contains zero vectors (point {point} is all zeros)"
    )]
    CosineZeroVector {
        /// The first all-zero point.
        point: usize,
    },
    /// Merge-tree parts that do not describe a tree ([`crate::Tree::from_parts`]).
    #[error("invalid tree: {0}")]
    InvalidTree(String),
    /// Neither or both of `n_clusters` and `distance_threshold` were set.
    #[error("Exactly one of n_clusters and distance_threshold has to be set, and the other needs to be None.")]
    AmbiguousStop,
    /// Saved labels that do not number clusters `0..k` without gaps.
    #[error("invalid labels: {0}")]
    InvalidLabels(String),
    /// A distance that overflows `f64` (data too large in magnitude).
    #[error("{0}: the data overflow f64; rescale it")]
    NonFiniteDistance(String),
    /// A problem whose memory cannot even be addressed.
    #[error("{0} needs more memory than can be allocated")]
    TooLarge(String),
    /// A configuration this version does not implement yet.
    #[error("{0} is not supported yet")]
    NotSupported(String),
    /// A number of neighbours outside `1..n_points` for a k-nearest-neighbours
    /// graph (each point's own position does not count as a neighbour).
    #[error("n_neighbors must be between 1 and n_points - 1 = {max}, got {n_neighbors} for {n_points} points", max = n_points.saturating_sub(1))]
    InvalidNeighbors {
        /// The number of neighbours asked for.
        n_neighbors: usize,
        /// The number of points.
        n_points: usize,
    },
    /// The fit was cancelled through [`MergeProgress::cancel`](crate::MergeProgress::cancel).
    #[error("the fit was cancelled")]
    Cancelled,
    /// An image with a number of dimensions other than 1, 2 or 3.
    #[error("an image must have 1, 2 or 3 dimensions, got shape {shape:?}")]
    ImageDimensions {
        /// The shape of the image given.
        shape: Vec<usize>,
    },
    /// `on_disconnected = raise` and a graph in several pieces.
    #[error("the connectivity graph has {n_components} connected components (sizes {sizes}); on_disconnected is 'raise'")]
    Disconnected {
        /// The number of components.
        n_components: usize,
        /// Their sizes, in order of their smallest point (the first 20).
        sizes: String,
    },
    /// `on_disconnected = separate` with fewer clusters than components.
    #[error("n_clusters is {n_clusters}, but the connectivity graph has {n_components} connected components and on_disconnected is 'separate': ask for at least {n_components}")]
    FewerClustersThanComponents {
        /// The number of clusters asked for.
        n_clusters: usize,
        /// The number of components.
        n_components: usize,
    },
    /// A parameter outside the values it may take.
    #[error("{name} must be {rule}, got {value}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// What it must be.
        rule: &'static str,
        /// The value given.
        value: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = AggloError> = std::result::Result<T, E>;
