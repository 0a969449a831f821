//! The `agglo` command. All logic lives in the `agglo_cli` library.

fn main() -> std::process::ExitCode {
    agglo_cli::main()
}
