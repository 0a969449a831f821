//! The `agglo` command-line tool: argument parsing and the subcommands, on
//! top of the `agglo` library (the algorithms), `agglo-io` (the file
//! formats) and `agglo-plot` (the figure). Every module is private: the
//! binary's interface is its command line and its files.
//!
//! Exit codes: 0 on success, 2 for bad usage or bad input, 1 for any other
//! failure (for example an output folder that cannot be written).
#![deny(missing_docs)]
#![deny(unsafe_code)]

mod apply;
mod brain_figure;
mod cleanup;
mod cli;
mod cut;
mod dendrogram;
mod digits;
mod figure;
mod fit;
mod fit_figure;
mod fitted;
mod folder;
mod guard;
mod identity;
mod input;
mod journal;
mod layout;
mod model_file;
mod nifti_input;
mod output;
mod plan;
mod pooled;
mod progress;
mod settings;
mod summary;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// An error caused by what the user gave: a file, a value, a flag. It makes
/// the command exit with status 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Shorthand: an `anyhow` error marked as bad input.
pub fn bad_input(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(BadInput(message.into()))
}

/// Whether `err` was caused by user input (exit 2) rather than the system.
pub fn is_bad_input(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.is::<BadInput>()
            || e.is::<agglo::AggloError>()
            || e.downcast_ref::<agglo_io::Error>()
                .is_some_and(agglo_io::Error::is_bad_input)
    })
}

/// Parses the command line, runs the subcommand and turns the outcome into
/// an exit code, printing `error: …` with its causes on failure.
pub fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            return match err.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::from(if is_bad_input(&err) { 2 } else { 1 })
        }
    }
}

/// Runs one parsed command.
///
/// # Errors
/// What the command refuses or fails on, with its causes.
pub fn run(args: cli::Cli) -> anyhow::Result<()> {
    match args.command {
        cli::Command::Digits(opts) => digits::run(&opts),
        cli::Command::Fit(opts) => fit::run(&opts),
        cli::Command::Transform(opts) => apply::transform(&opts),
        cli::Command::InverseTransform(opts) => apply::inverse_transform(&opts),
        cli::Command::Cut(opts) => cut::run(&opts),
        cli::Command::Dendrogram(opts) => dendrogram::run(&opts),
        cli::Command::Completions { shell } => {
            let mut command = <cli::Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "agglo", &mut std::io::stdout());
            Ok(())
        }
        cli::Command::Man => {
            let command = <cli::Cli as clap::CommandFactory>::command();
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            std::io::stdout().write_all(&page)?;
            Ok(())
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
