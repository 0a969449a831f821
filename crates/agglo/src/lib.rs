//! # agglo — hierarchical feature agglomeration, exact to scikit-learn
//!
//! `agglo` merges features (or samples) bottom-up into clusters, under an
//! optional connectivity constraint such as the pixel grid of an image, and
//! gives bit for bit the labels, merge tree and distances of scikit-learn's
//! `FeatureAgglomeration` and `AgglomerativeClustering`.
//!
//! ## Tutorial: scikit-learn's "Feature agglomeration" example
//!
//! Merge the 64 pixels of the handwritten digits into 32 super-pixels with
//! Ward linkage, allowing merges only between neighbouring pixels, then pool
//! each image onto the super-pixels and map it back:
//!
//! ```
//! use agglo::{datasets::load_digits, grid_to_graph, FeatureAgglomeration};
//!
//! let digits = load_digits();                    // 1797 images of 8×8
//! let graph = grid_to_graph(&[8, 8], None)?;     // 4-neighbour pixel graph
//! let model = FeatureAgglomeration::new()
//!     .n_clusters(32)
//!     .connectivity(graph)
//!     .fit(digits.data.view())?;
//!
//! // The label map and the tree are scikit-learn's, number for number.
//! assert_eq!(&model.labels()[..8], &[9, 9, 31, 1, 27, 17, 0, 8]);
//! assert_eq!(model.model().children()[0], [24, 32]);
//!
//! let reduced = model.transform(digits.data.view())?;       // 1797 × 32 means
//! let restored = model.inverse_transform(reduced.view())?;  // 1797 × 64
//! assert_eq!(restored[[0, 0]], reduced[[0, model.labels()[0]]]);
//! # Ok::<(), agglo::AggloError>(())
//! ```
//!
//! ## What is exact, and how
//!
//! - [`ward_tree`] evaluates merge costs in scikit-learn's order of floating
//!   point operations and pops candidates in its `(Δ, i, j)` order.
//! - [`Tree::cut`] numbers clusters by their position in a CPython `heapq`
//!   array, as scikit-learn's `_hc_cut` does; after an early stop
//!   [`Tree::forest_labels`] ranks the roots.
//! - A disconnected graph is completed as `_fix_connectivity` completes it,
//!   and reported as a [`FitWarning`]; the library never prints.
//!
//! Errors are values of [`AggloError`]; nothing panics on user input.
//!
//! ## Where things are
//!
//! - The estimators and their parameters: [`FeatureAgglomeration`],
//!   [`AgglomerativeClustering`], [`Params`] (scikit-learn's names and
//!   checks), the fitted [`Agglomeration`].
//! - The tree builders, one per linkage and constraint, behind one table
//!   (`linkage/mod.rs`, as scikit-learn's `_TREE_BUILDERS`): the Ward merge
//!   loop in `linkage/ward/merger.rs`, complete/average/single with
//!   connectivity in `linkage/structured/`, without in
//!   `linkage/unstructured/`.
//! - The tree, its cuts and exports: [`Tree`] (`tree.rs`, `cut.rs`).
//! - The graphs: [`grid_to_graph`] (`connectivity/grid.rs`),
//!   [`img_to_graph`], [`kneighbors_graph`], [`Connectivity`] from edges,
//!   triplets or CSR arrays, the completion of disconnected graphs.
//! - What makes results exact (`exact/`): CPython's `heapq`, NumPy's
//!   summation orders, the distance kernels.
//! - Pooling: [`FittedFeatureAgglomeration::transform`] and
//!   [`FittedFeatureAgglomeration::inverse_transform`].
//! - ReNA, nilearn's recursive nearest agglomeration with nilearn's labels:
//!   [`Rena`], [`FittedRena`] (`rena/`).
//!
//! Reading and writing files is the `agglo-io` crate's; the `agglo`
//! command is `agglo-cli`'s.
#![deny(missing_docs)]
#![deny(unsafe_code)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod choices;
pub mod connectivity;
mod cut;
#[cfg(feature = "datasets")]
pub mod datasets;
pub mod element;
mod error;
mod estimator;
mod exact;
mod layout;
mod linkage;
pub mod memory;
mod pooling;
mod progress;
mod rena;
mod tree;
mod warning;

pub use choices::{ComputeFullTree, Linkage, Metric, OnDisconnected, Pooling};
pub use connectivity::{grid_to_graph, Connectivity};
pub use connectivity::{img_to_graph, kneighbors_graph, WeightedGraph};
pub use element::Element;
pub use error::{AggloError, Result};
pub use estimator::{
    Agglomeration, AgglomerativeClustering, FeatureAgglomeration, FittedFeatureAgglomeration,
    Params, StoppingRule,
};
pub use layout::column_major;
pub use linkage::ward::ward_tree;
pub use progress::MergeProgress;
pub use rena::{FittedRena, Rena};
pub use tree::Tree;
pub use warning::FitWarning;
