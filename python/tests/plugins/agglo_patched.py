"""pytest plugin: run a test session with ``agglo.patch_sklearn()`` in force.

Loaded with ``-p agglo_patched`` (this folder on ``PYTHONPATH``) before any
test module is imported, so that scikit-learn's own test files, taken
unmodified from the installed package, import agglo's estimators.
"""

import agglo

agglo.patch_sklearn()


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(
        f"agglo {agglo.__version__} patched into scikit-learn: {agglo.is_patched()}"
    )
