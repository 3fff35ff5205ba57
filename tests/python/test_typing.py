"""The package is typed (py.typed, _core.pyi): mypy --strict (Debian's python3-mypy) accepts a script that uses
the whole public API, which also runs, and rejects one that passes wrong types, naming each call."""
import re
import subprocess
import sys

import pytest

from conftest import PACKAGE_PARENT, python_env

EXAMPLES = __import__("pathlib").Path(__file__).parent / "typing_examples"
pytest.importorskip("mypy")


def mypy(script, tmp_path):
    # MYPYPATH finds the build tree's package as a user would have it installed; no cache left behind.
    env = python_env(MYPYPATH=PACKAGE_PARENT)
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null",
                           str(script)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600)


def test_a_script_using_the_whole_api_type_checks_and_runs(tmp_path):
    result = mypy(EXAMPLES / "whole_api.py", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
    run = subprocess.run([sys.executable, str(EXAMPLES / "whole_api.py"), str(tmp_path)], env=python_env(),
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


def test_wrong_types_are_rejected(tmp_path):
    result = mypy(EXAMPLES / "wrong_types.py", tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = sorted({int(m) for m in re.findall(r"wrong_types\.py:(\d+): error", result.stdout)})
    assert lines == [5, 6, 7, 8, 9, 10], result.stdout
