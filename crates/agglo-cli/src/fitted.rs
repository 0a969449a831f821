//! The fitted models the CLI pools with: an agglomeration's or ReNA's.

use agglo::{Element, FittedFeatureAgglomeration, FittedRena};
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// A model that pools features onto clusters and maps them back.
pub enum Fitted {
    /// `FeatureAgglomeration`: scikit-learn's pooling.
    Agglomeration(FittedFeatureAgglomeration),
    /// ReNA: nilearn's means, scaled with `--scaling`.
    Rena(FittedRena),
}

impl Fitted {
    /// The number of clusters.
    pub fn n_clusters(&self) -> usize {
        match self {
            Fitted::Agglomeration(m) => m.n_clusters(),
            Fitted::Rena(m) => m.n_clusters(),
        }
    }

    /// The number of features fitted.
    pub fn n_features(&self) -> usize {
        self.labels().len()
    }

    /// The cluster of each feature.
    pub fn labels(&self) -> &[usize] {
        match self {
            Fitted::Agglomeration(m) => m.labels(),
            Fitted::Rena(m) => m.labels(),
        }
    }

    /// The pooled data of `x`.
    pub fn transform<A: Element>(&self, x: ArrayView2<'_, A>) -> agglo::Result<Array2<f64>> {
        match self {
            Fitted::Agglomeration(m) => m.transform(x),
            Fitted::Rena(m) => m.transform(x),
        }
    }

    /// Reduced data mapped back to the features.
    pub fn inverse_transform(&self, reduced: ArrayView2<'_, f64>) -> agglo::Result<Array2<f64>> {
        match self {
            Fitted::Agglomeration(m) => m.inverse_transform(reduced),
            Fitted::Rena(m) => m.inverse_transform(reduced),
        }
    }

    /// Reduced data mapped back to the features, into `restored`.
    pub fn inverse_transform_into(
        &self,
        reduced: ArrayView2<'_, f64>,
        restored: ArrayViewMut2<'_, f64>,
    ) -> agglo::Result<()> {
        match self {
            Fitted::Agglomeration(m) => m.inverse_transform_into(reduced, restored),
            Fitted::Rena(m) => m.inverse_transform_into(reduced, restored),
        }
    }
}
