//! The library refuses bad input with typed errors that name the values.

use agglo::{
    grid_to_graph, AggloError, AgglomerativeClustering, ComputeFullTree, Connectivity,
    FeatureAgglomeration, FittedFeatureAgglomeration, Linkage, Metric, Pooling,
};
use ndarray::{array, Array2};

fn grid_model(k: usize) -> FeatureAgglomeration {
    FeatureAgglomeration::new()
        .n_clusters(k)
        .connectivity(grid_to_graph(&[2, 3], None).unwrap())
}

fn x() -> Array2<f64> {
    array![
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        [1.0, 1.0, 0.0, 2.0, 2.0, 7.0]
    ]
}

#[test]
fn parameters_are_checked() {
    let err = grid_model(0).fit(x().view()).unwrap_err();
    assert_eq!(err, AggloError::ZeroClusters);
    let err = grid_model(7).fit(x().view()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot provide more clusters than points: n_clusters is 7, but there are 6 points"
    );
    let err = grid_model(2)
        .distance_threshold(-0.5)
        .fit(x().view())
        .unwrap_err();
    assert_eq!(err, AggloError::InvalidThreshold(-0.5));
    let err = grid_model(2)
        .distance_threshold(1.0)
        .compute_full_tree(ComputeFullTree::False)
        .fit(x().view())
        .unwrap_err();
    assert_eq!(err, AggloError::ThresholdNeedsFullTree);
    let err = grid_model(2)
        .metric(Metric::Cosine)
        .fit(x().view())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cosine was provided as metric; ward can only work with euclidean distances ('euclidean' and 'l2')"
    );
    // l2 is euclidean under another name
    assert!(grid_model(2)
        .metric(Metric::L2)
        .linkage(Linkage::Ward)
        .fit(x().view())
        .is_ok());
}

#[test]
fn data_is_checked() {
    let mut bad = x();
    bad[[1, 4]] = f64::INFINITY;
    let err = grid_model(2).fit(bad.view()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "input contains a non-finite value (inf) at row 1, column 4"
    );
    let err = FeatureAgglomeration::new()
        .fit(Array2::<f64>::zeros((3, 1)).view())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "number of features: found 1, but a minimum of 2 is required"
    );
    let err = AgglomerativeClustering::new()
        .fit(Array2::<f32>::zeros((1, 3)).view())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "number of samples: found 1, but a minimum of 2 is required"
    );
    let err = FeatureAgglomeration::new()
        .connectivity(Connectivity::from_edges(5, &[(0, 1)]).unwrap())
        .fit(x().view())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "wrong shape for connectivity matrix: (5, 5) when there are 6 points to cluster"
    );
}

#[test]
fn fitted_models_check_widths() {
    let model = grid_model(3).fit(x().view()).unwrap();
    let err = model.transform(array![[1.0, 2.0, 3.0]].view()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "X has 3 features, but the model is expecting 6 features as input"
    );
    let err = model
        .inverse_transform(array![[1.0, 2.0]].view())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "reduced data has 2 columns, but the model has 3 clusters"
    );
    let mut restored = Array2::zeros((2, 5));
    let err = model
        .inverse_transform_into(
            array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]].view(),
            restored.view_mut(),
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the output has shape (2, 5), but the restored data has shape (2, 6)"
    );
    let err = model
        .transform(array![[1.0, 2.0, 3.0, 4.0, f64::NAN, 6.0]].view())
        .unwrap_err();
    assert!(matches!(
        err,
        AggloError::NonFinite {
            row: 0,
            column: 4,
            ..
        }
    ));
    // The first non-finite value in row-major order is named, whatever
    // the pooling, infinities of either sign included.
    for pooling in [Pooling::Mean, Pooling::Max, Pooling::Min, Pooling::Median] {
        let model = grid_model(3).pooling(pooling).fit(x().view()).unwrap();
        let mut bad = Array2::from_elem((3, 6), 1.0);
        bad[[1, 5]] = f64::NEG_INFINITY;
        bad[[2, 0]] = f64::INFINITY;
        assert!(
            matches!(
                model.transform(bad.view()),
                Err(AggloError::NonFinite {
                    row: 1,
                    column: 5,
                    ..
                })
            ),
            "{pooling:?}"
        );
    }
    // Finite data whose sums overflow pools to infinity, as NumPy's
    // bincount does, without an error.
    let huge = Array2::from_elem((1, 6), f64::MAX);
    let pooled = model.transform(huge.view()).unwrap();
    assert!(pooled.iter().any(|v| v.is_infinite()), "{pooled}");
}

#[test]
fn saved_labels_are_checked() {
    let model = FittedFeatureAgglomeration::from_labels(vec![1, 0, 1, 2], Pooling::Mean).unwrap();
    assert_eq!(model.n_clusters(), 3);
    let reduced = model
        .transform(array![[1.0, 2.0, 3.0, 4.0]].view())
        .unwrap();
    assert_eq!(reduced, array![[2.0, 2.0, 4.0]]);
    let err = FittedFeatureAgglomeration::from_labels(vec![0, 2, 2], Pooling::Mean).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid labels: label 1 is unused while labels go up to 2"
    );
    let err =
        FittedFeatureAgglomeration::from_labels(vec![0, usize::MAX], Pooling::Mean).unwrap_err();
    assert!(
        err.to_string().contains("larger than the number of points"),
        "{err}"
    );
}

#[test]
fn overflowing_merge_costs_are_refused() {
    let x = array![[1e300, -1e300, 1e300, -1e300, 1e300, -1e300]];
    let err = grid_model(2).fit(x.view()).unwrap_err();
    assert!(matches!(err, AggloError::NonFiniteDistance(_)), "{err}");
    assert!(err.to_string().contains("overflow"), "{err}");
}

#[test]
fn metrics_are_refused_where_scikit_learn_refuses_them() {
    let points = array![[0.1, 0.2], [0.3, 0.5], [1.0, -1.0], [0.4, 0.0]];
    let fit = |metric: Metric, linkage: Linkage, graph: bool| {
        let mut model = AgglomerativeClustering::new()
            .n_clusters(2)
            .linkage(linkage)
            .metric(metric);
        if graph {
            model = model.connectivity(grid_to_graph(&[4], None).unwrap());
        }
        model.fit(points.view())
    };
    // With a graph, only scikit-learn's paired distances.
    let err = fit(Metric::Braycurtis, Linkage::Average, true).unwrap_err();
    assert_eq!(
        err,
        AggloError::MetricNeedsNoConnectivity(Metric::Braycurtis)
    );
    assert!(err.to_string().contains("works only without connectivity"));
    // scipy's pdist has no haversine; scikit-learn's is 2-D only.
    let err = fit(Metric::Haversine, Linkage::Complete, false).unwrap_err();
    assert!(err.to_string().contains("does not know it"), "{err}");
    assert!(fit(Metric::Haversine, Linkage::Single, false).is_ok());
    let wide = array![[0.1, 0.2, 0.3], [0.3, 0.5, 0.1], [1.0, -1.0, 0.0]];
    let err = AgglomerativeClustering::new()
        .n_clusters(2)
        .linkage(Linkage::Single)
        .metric(Metric::Haversine)
        .fit(wide.view())
        .unwrap_err();
    assert!(
        err.to_string().contains("only valid in 2 dimensions"),
        "{err}"
    );
    // Single linkage cannot be given mahalanobis' VI or seuclidean's V.
    for metric in [Metric::Mahalanobis, Metric::Seuclidean] {
        let err = fit(metric, Linkage::Single, false).unwrap_err();
        assert!(
            matches!(err, AggloError::MetricNotForLinkage { .. }),
            "{err}"
        );
    }
    // Mahalanobis needs more points than dimensions.
    let err = AgglomerativeClustering::new()
        .n_clusters(2)
        .linkage(Linkage::Complete)
        .metric(Metric::Mahalanobis)
        .fit(wide.view())
        .unwrap_err();
    assert!(err.to_string().contains("at least 4 observations"), "{err}");
    // Ward stays euclidean.
    let err = fit(Metric::Sqeuclidean, Linkage::Ward, false).unwrap_err();
    assert_eq!(err, AggloError::WardMetric(Metric::Sqeuclidean));
}
