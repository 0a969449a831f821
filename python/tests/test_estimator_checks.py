"""scikit-learn's own estimator checks on both classes."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from agglo import AgglomerativeClustering, FeatureAgglomeration


@parametrize_with_checks([AgglomerativeClustering(), FeatureAgglomeration()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
