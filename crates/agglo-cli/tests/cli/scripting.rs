//! What scripts and shells get: completions, the manual page, `--quiet`
//! everywhere the README promises it.

use super::common::{agglo, stderr, stdout};

const SUBCOMMANDS: [&str; 6] = [
    "digits",
    "fit",
    "transform",
    "inverse-transform",
    "cut",
    "dendrogram",
];

#[test]
fn completions_and_the_manual_page_cover_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = agglo(dir.path(), &["completions", shell]);
        assert!(run.status.success(), "{shell}: {}", stderr(&run));
        let script = stdout(&run);
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completion lacks {sub}");
        }
        assert!(
            script.contains("--n-clusters"),
            "{shell}: flags are completed"
        );
    }
    assert_eq!(
        agglo(dir.path(), &["completions", "tcsh"]).status.code(),
        Some(2)
    );
    let run = agglo(dir.path(), &["man"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let page = stdout(&run).replace("\\-", "-"); // roff escapes hyphens
    assert!(
        page.starts_with(".ie") || page.contains(".TH agglo 1"),
        "{page}"
    );
    for sub in SUBCOMMANDS {
        assert!(page.contains(sub), "the manual lacks {sub}");
    }
}

#[test]
fn every_subcommand_that_prints_takes_quiet() {
    let dir = tempfile::tempdir().unwrap();
    for sub in SUBCOMMANDS {
        let help = stdout(&agglo(dir.path(), &[sub, "--help"]));
        assert!(help.contains("--quiet"), "{sub} --help lacks --quiet");
    }
    let run = agglo(dir.path(), &["digits", "--quiet", "--output", "d.png"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), "");
    assert!(dir.path().join("d.png").is_file());
}
