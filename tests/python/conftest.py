"""Shared fixtures for the Python package's tests: paths to the build, a store in a temporary folder,
helpers that run the real executables and read the real SQLite file back."""
import os
import pathlib
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

BINARY_DIR = pathlib.Path(os.environ.get("BENCHSTORE_BINARY_DIR", pathlib.Path(__file__).resolve().parents[2] / "build"))
SOURCE_DIR = pathlib.Path(os.environ.get("BENCHSTORE_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
RUNNER = BINARY_DIR / "apps" / "benchstore-run"
EXPORT = BINARY_DIR / "tools" / "benchstore-export"
SYNC = BINARY_DIR / "tools" / "benchstore-sync"
PACKAGE_PARENT = BINARY_DIR / "python"
TIMESTAMP_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$"


def python_env(**extra):
    """The environment for a child Python process: the package from the build tree."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PACKAGE_PARENT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("BENCHSTORE_DB", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def rows(db, sql, *params):
    """Rows of a query on the store, read with Python's own sqlite3 (read-only)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def count(db, table):
    if not pathlib.Path(db).exists():
        return 0
    return rows(db, f"SELECT count(*) FROM {table}")[0][0]


def run_script(path, cwd, **env):
    """Runs a Python file with the interpreter of these tests; returns the CompletedProcess."""
    return subprocess.run([sys.executable, str(path)], cwd=cwd, env=python_env(**env), capture_output=True,
                          text=True, timeout=300)


def run_runner(benches, db, *args, env=None):
    """Runs the real benchstore-run on a benches folder; returns the CompletedProcess."""
    cmd = [str(RUNNER), "--db", str(db), "--benches", str(benches), *args, "--",
           "acme/widgets", "main", "abc123", "Fix things"]
    return subprocess.run(cmd, env=env if env is not None else python_env(), capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def store(tmp_path):
    return tmp_path / "benchmarks.db"


@pytest.fixture
def recorder(store):
    import benchstore
    with benchstore.MetricsRecorder(str(store), None, "acme/widgets", "main", "abc123", "Fix things") as r:
        yield r


def write_module(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(text)
    return path


def interrupt_once_started(cmd, marker, cwd=None):
    """Starts cmd, waits for a module to create marker, sends SIGINT (Ctrl-C); returns (status, stdout, stderr)."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=python_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the module never started"
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err
