//! [`prefetch_line`]: a hint to start loading a cache line, which never
//! faults.
//!
//! The search for the best valid candidate is the serial part of the
//! two-thread Ward loop, and stalls on a chain of misses (the queue's next
//! items' union-find entries and runs). Loading those ahead with plain
//! loads (whose values were thrown away) gained 6–13 % on 2026-12-03, but
//! a plain load holds the processor's miss buffers and its reorder window
//! until the line arrives: those loads became the first thread's largest
//! serial cost. A prefetch instruction retires at once. Measured on the
//! CLI's fit stage, alternated A/B runs, trees identical (2026-12-06,
//! bench/issue-13.md): 2 mm median ratios 0.971 / 0.937 over 15 pairs in
//! each order and 0.969 / 0.971 over 20 more, 256×256 0.969 / 0.987 over
//! 30. Rust offers it only as an `unsafe` intrinsic.
#![allow(unsafe_code)]

/// Asks the processor to start loading the cache line holding `value` into
/// every cache level, without waiting for it (and without taking a miss
/// buffer past the instruction's retirement, as a load would).
#[inline(always)]
pub(super) fn prefetch_line<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: `prefetch` only needs SSE, which every x86-64 processor
        // has; it reads nothing the program can see and never faults.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(value).cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
