//! Warnings a fit can raise. The library never prints: it hands these to
//! the caller.

use std::fmt;

/// Something the caller should hear about, though the fit succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FitWarning {
    /// The connectivity graph had several connected components, so edges
    /// were added between them (scikit-learn warns the same way).
    DisconnectedGraph {
        /// The number of components before completion.
        n_components: usize,
    },
}

impl fmt::Display for FitWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FitWarning::DisconnectedGraph { n_components } => write!(
                f,
                "the number of connected components of the connectivity matrix is {n_components} > 1. \
                 Completing it to avoid stopping the tree early."
            ),
        }
    }
}
