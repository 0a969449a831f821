"""scikit-learn's own test files for hierarchical clustering, run unmodified
from the installed package with ``agglo.patch_sklearn()`` in force (the
``agglo_patched`` plugin in ``plugins/`` patches before they are imported).

Every test passes, none is skipped. Three of them exercise only
scikit-learn's private helpers and so check nothing of agglo's:
``test_int_float_dict`` (``IntFloatDict``), ``test_mst_linkage_core_memory_mapped``
(``mst_linkage_core``) and ``test_affinity_passed_to_fix_connectivity``
(``_fix_connectivity``). Others apply scikit-learn's own ``_hc_cut`` to trees
that agglo built through the patched ``_TREE_BUILDERS``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import sklearn

import agglo

PLUGINS = Path(__file__).parent / "plugins"


def test_scikit_learn_hierarchical_tests_pass_with_agglo_patched_in(tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PLUGINS), env.get("PYTHONPATH")) if p
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "agglo_patched",
            "-p",
            "no:cacheprovider",
            "-q",
            "--pyargs",
            "sklearn.cluster.tests.test_hierarchical",
            "sklearn.cluster.tests.test_feature_agglomeration",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-5000:]
    assert f"agglo {agglo.__version__} patched into scikit-learn: True" in out
    passed = re.search(r"(\d+) passed", out)
    assert passed is not None and int(passed.group(1)) >= 70, out[-2000:]
    assert " failed" not in out and " skipped" not in out, out[-2000:]
    assert sklearn.__version__.startswith("1.9")
