//! [`HugePages`]: the allocator of agglo's command and Python extension,
//! the system's own asking Linux to back large blocks with transparent
//! huge pages.
//!
//! A fit reads its points, graph, candidates and union-find at random, so
//! beyond the few megabytes the TLB covers in 4 KiB pages, nearly every
//! access also walks the page tables. Where transparent huge pages are
//! enabled only on request (`madvise`, the common default), blocks of at
//! least [`MIN_ADVISED`] bytes are requested in 2 MiB pages, which also
//! makes filling fresh memory cheaper (one fault per 2 MiB instead of per
//! 4 KiB). Measured in alternated runs (bench/issue-13.md): the whole `agglo
//! fit` on the MNI152 1 mm mask (X of 1.4 GiB) 20.2 → 15.8 s, its fit
//! stage 13.6 → 11.4 s; on the 2 mm mask 1.19 → 1.01 s. The peak memory
//! grows by at most the unused part of one huge page per large block
//! (1.2 MB on the 1 mm mask).
//!
//! Elsewhere (other systems, huge pages disabled or always on) the advice
//! is refused or changes nothing, and the allocator is the system's.

use std::alloc::{GlobalAlloc, Layout, System};

/// The size of a transparent huge page on x86-64 and most aarch64 kernels.
const HUGE_PAGE: usize = 2 << 20;

/// Blocks at least this large (which always hold one aligned huge page)
/// are advised; smaller ones are left as the system gives them.
pub const MIN_ADVISED: usize = 2 * HUGE_PAGE;

/// The system allocator, advising large blocks to use huge pages.
///
/// ```
/// use std::alloc::{GlobalAlloc, Layout};
/// let layout = Layout::from_size_align(8 << 20, 8).unwrap();
/// // SAFETY: a non-zero size; the block is freed with its layout.
/// unsafe {
///     let block = agglo_alloc::HugePages.alloc_zeroed(layout);
///     assert!(!block.is_null());
///     agglo_alloc::HugePages.dealloc(block, layout);
/// }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct HugePages;

// SAFETY: every block comes from `System` and goes back to it with the
// layout it was made with; the only addition is advice on the aligned
// interior of a block this allocator has just made and not yet handed
// out, which never changes the block's contents or its validity.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's promises for `layout` are `System`'s.
        let block = unsafe { System.alloc(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let block = unsafe { System.alloc_zeroed(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: `block` was made by `System` (above) with `layout`.
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `block` was made by `System` with `layout`; the rest is
        // the caller's promise.
        let moved = unsafe { System.realloc(block, layout, new_size) };
        if new_size > layout.size() {
            advise(moved, new_size);
        }
        moved
    }
}

/// Asks for huge pages on the whole huge pages inside `[block, block +
/// size)`, for blocks of at least [`MIN_ADVISED`] bytes; a refusal is
/// ignored (the advice is a hint).
#[inline]
fn advise(block: *mut u8, size: usize) {
    if block.is_null() || size < MIN_ADVISED {
        return;
    }
    let start = (block as usize).next_multiple_of(HUGE_PAGE);
    let end = (block as usize + size) / HUGE_PAGE * HUGE_PAGE;
    if end > start {
        hint(block.wrapping_add(start - block as usize), end - start);
    }
}

#[cfg(target_os = "linux")]
fn hint(start: *mut u8, len: usize) {
    // SAFETY: `[start, start + len)` lies inside a block just allocated
    // and owned by this allocator; `MADV_HUGEPAGE` changes how the kernel
    // backs those pages, never their contents or their mapping.
    #[allow(unsafe_code)]
    let _ = unsafe { rustix::mm::madvise(start.cast(), len, rustix::mm::Advice::LinuxHugepage) };
}

#[cfg(not(target_os = "linux"))]
fn hint(_start: *mut u8, _len: usize) {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The `VmFlags` of the mapping that holds `address`, from
    /// `/proc/self/smaps`.
    fn vm_flags(address: usize) -> Vec<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            let range = line.split_whitespace().next().unwrap_or("");
            if let Some((from, to)) = range.split_once('-') {
                if let (Ok(from), Ok(to)) = (
                    usize::from_str_radix(from, 16),
                    usize::from_str_radix(to, 16),
                ) {
                    inside = (from..to).contains(&address);
                    continue;
                }
            }
            if inside {
                if let Some(flags) = line.strip_prefix("VmFlags:") {
                    return flags.split_whitespace().map(str::to_owned).collect();
                }
            }
        }
        panic!("no mapping holds {address:#x}");
    }

    /// Whether the kernel has transparent huge pages (and so takes the
    /// advice, whatever its mode).
    fn kernel_has_thp() -> bool {
        std::path::Path::new("/sys/kernel/mm/transparent_hugepage/enabled").exists()
    }

    #[test]
    fn a_large_block_is_advised_and_keeps_its_contents_when_grown() {
        let layout = Layout::from_size_align(MIN_ADVISED * 2, 64).unwrap();
        // SAFETY: a non-zero size; every access stays in the block, which
        // is freed once, with the layout it has then.
        #[allow(unsafe_code)]
        unsafe {
            let block = HugePages.alloc_zeroed(layout);
            assert!(!block.is_null());
            assert_eq!(block as usize % 64, 0);
            let middle = block as usize + layout.size() / 2;
            if kernel_has_thp() {
                assert!(
                    vm_flags(middle).iter().any(|f| f == "hg"),
                    "no huge page advice on a {} byte block",
                    layout.size()
                );
            }
            for i in (0..layout.size()).step_by(4096) {
                assert_eq!(*block.add(i), 0);
                *block.add(i) = (i / 4096) as u8;
            }
            let grown = HugePages.realloc(block, layout, layout.size() * 2);
            assert!(!grown.is_null());
            for i in (0..layout.size()).step_by(4096) {
                assert_eq!(*grown.add(i), (i / 4096) as u8);
            }
            let grown_layout = Layout::from_size_align(layout.size() * 2, 64).unwrap();
            HugePages.dealloc(grown, grown_layout);
        }
    }
}
