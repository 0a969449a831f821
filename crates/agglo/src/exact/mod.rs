//! The exactness helpers: what makes agglo's floating-point results and
//! tie-breaks scikit-learn's, bit for bit. A leaf module: it imports nothing
//! else of the crate, and both `connectivity/` and `linkage/` use it.
//!
//! - [`heapq`]: CPython's `heapq`, sift for sift (cluster label numbers,
//!   complete/average tie-breaks).
//! - [`summation`]: NumPy's summation orders (einsum, pairwise sums) and
//!   scikit-learn's `normalize`.
//! - [`kernels`]: sums of per-coordinate terms in coordinate order, several
//!   rows at a time (Ward's merge costs, scipy's `pdist`).

pub(crate) mod heapq;
pub(crate) mod kernels;
pub(crate) mod summation;
