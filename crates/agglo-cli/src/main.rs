//! The `agglo` command. All logic lives in the `agglo_cli` library.

/// The system's allocator, with large blocks in huge pages where Linux
/// gives them on request (a fit reads its data at random).
#[global_allocator]
static ALLOCATOR: agglo_alloc::HugePages = agglo_alloc::HugePages;

fn main() -> std::process::ExitCode {
    agglo_cli::main()
}
