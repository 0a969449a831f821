//! Complete, average and single linkage, and every linkage without a
//! connectivity constraint.

pub(crate) mod structured;
pub(crate) mod unstructured;
pub(crate) mod ward;
