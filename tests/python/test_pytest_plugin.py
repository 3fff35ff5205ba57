"""benchstore.pytest_plugin in real pytest sessions with Debian's pytest-benchmark: what it records, where the
run's identity comes from, Ctrl-C, sampling, and two sessions that benchstore-compare judges."""
import json
import os
import subprocess
import sys

import pytest

from conftest import BINARY_DIR, count, python_env, rows

pytest.importorskip("pytest_benchmark")
COMPARE = BINARY_DIR / "tools" / "benchstore-compare"
IDENTITY = ["--benchstore-repository", "acme/widgets", "--benchstore-branch", "main"]

BENCHMARKS = """
import os
import pytest

def work(n):
    return sum(i * i for i in range(n))

def test_sum(benchmark):
    benchmark.extra_info["n"] = 2000
    benchmark.extra_info["kind"] = "squares"
    benchmark.pedantic(work, args=(int(os.environ.get("WORK_N", "2000")),), rounds=7, iterations=3)

@pytest.mark.parametrize("size", [10, 20])
def test_param(benchmark, size):
    benchmark.group = "sized"
    benchmark.pedantic(work, args=(size,), rounds=4)

def test_plain():
    assert True
"""


def run_pytest(folder, *args, env=None):
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "benchstore.pytest_plugin", *args]
    return subprocess.run(cmd, cwd=folder, env=env or python_env(), capture_output=True, text=True, timeout=300)


def write_tests(folder, text=BENCHMARKS, name="test_bench.py"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def test_records_each_benchmark_its_rounds_and_the_run(tmp_path):
    write_tests(tmp_path / "t")
    db = tmp_path / "s.db"
    result = run_pytest(tmp_path / "t", "--benchstore-db", str(db), *IDENTITY, "--benchstore-commit", "abc123",
                        "--benchstore-message", "Fix things")
    assert result.returncode == 0, result.stdout + result.stderr
    got = rows(db, "SELECT repository, branch, commit_id, commit_message, status, metadata FROM benchmarks "
                   "ORDER BY benchmark_id")
    assert [r[:5] for r in got] == [("acme/widgets", "main", "abc123", "Fix things", "completed")] * 3
    metadata = [json.loads(r[5]) for r in got]
    assert metadata[0] == {"test": "test_bench.py::test_sum", "name": "test_sum", "group": "", "params": "",
                           "extra_info.n": "2000", "extra_info.kind": "squares"}
    assert metadata[1]["test"] == "test_bench.py::test_param[10]" and metadata[1]["group"] == "sized"
    assert json.loads(metadata[1]["params"]) == {"size": 10}
    per_benchmark = rows(db, "SELECT b.metadata, count(*) FROM model_measurements m JOIN benchmarks b "
                             "ON b.id = m.benchmark_ref GROUP BY b.id ORDER BY b.benchmark_id")
    assert [n for _, n in per_benchmark] == [7, 4, 4]
    values = [json.loads(m)["seconds"] for (m,) in rows(db, "SELECT measurements FROM model_measurements")]
    assert all(v > 0 for v in values)
    assert len(set(r[0] for r in rows(db, "SELECT run_id FROM benchmarks"))) == 1


def test_off_unless_asked(tmp_path):
    write_tests(tmp_path)
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(tmp_path.glob("*.db")) == []


def test_run_identity_from_git_else_a_clear_error(tmp_path):
    repo = tmp_path / "widgets"
    write_tests(repo)
    env = python_env(GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@b", GIT_COMMITTER_NAME="a", GIT_COMMITTER_EMAIL="a@b")
    for cmd in (["init", "-q", "-b", "trunk"], ["add", "."], ["commit", "-q", "-m", "Add the benchmarks"]):
        subprocess.run(["git", *cmd], cwd=repo, env=env, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    result = run_pytest(repo, "--benchstore-db", str(tmp_path / "git.db"), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(rows(tmp_path / "git.db", "SELECT repository, branch, commit_id, commit_message FROM benchmarks")) == {
        ("widgets", "trunk", head, "Add the benchmarks")}

    plain = tmp_path / "not-git"
    write_tests(plain)
    result = run_pytest(plain, "--benchstore-db", str(tmp_path / "x.db"), *IDENTITY,
                        env=python_env(GIT_CEILING_DIRECTORIES=str(tmp_path)))
    assert result.returncode == 4  # pytest's usage error
    assert "no --benchstore-commit given and git cannot tell it here" in result.stderr
    assert count(tmp_path / "x.db", "benchmarks") == 0


def test_ctrl_c_keeps_what_finished(tmp_path):
    # The second test interrupts the session itself, as Ctrl-C does, once the first has finished.
    write_tests(tmp_path, BENCHMARKS.split("@pytest.mark")[0] + """
def test_zz_interrupted(benchmark):
    import signal
    os.kill(os.getpid(), signal.SIGINT)
""")
    db = tmp_path / "s.db"
    result = run_pytest(tmp_path, "--benchstore-db", str(db), *IDENTITY, "--benchstore-commit", "c1",
                        "--benchstore-message", "m")
    assert result.returncode == 2 and "KeyboardInterrupt" in result.stdout, result.stdout + result.stderr
    assert [json.loads(m)["test"] for (m,) in rows(db, "SELECT metadata FROM benchmarks")] == ["test_bench.py::test_sum"]
    assert count(db, "model_measurements") == 7


def test_device_samples_of_the_session(tmp_path):
    write_tests(tmp_path)
    db = tmp_path / "s.db"
    result = run_pytest(tmp_path, "--benchstore-db", str(db), *IDENTITY, "--benchstore-commit", "c1",
                        "--benchstore-message", "m", "--benchstore-sample")
    assert result.returncode == 0, result.stdout + result.stderr
    [(session_id, status)] = rows(db, "SELECT id, status FROM benchmarks WHERE metadata = ?",
                                  '{"pytest_session":"device samples"}')
    assert status == "completed"
    assert rows(db, "SELECT count(*) > 0 FROM device_measurements WHERE benchmark_ref = ?", session_id) == [(1,)]


def test_a_planted_slowdown_is_a_regression_for_compare(tmp_path):
    write_tests(tmp_path)
    db = tmp_path / "s.db"
    for commit, n in (("base", "2000"), ("slow", "20000")):
        result = run_pytest(tmp_path, "-k", "test_sum", "--benchstore-db", str(db), *IDENTITY, "--benchstore-commit",
                            commit, "--benchstore-message", commit, env=python_env(WORK_N=n))
        assert result.returncode == 0, result.stdout + result.stderr
    verdict = subprocess.run([str(COMPARE), "--db", str(db), "commit:base", "commit:slow"], capture_output=True,
                             text=True, timeout=120)
    assert verdict.returncode == 4, verdict.stdout + verdict.stderr
    assert "regression" in verdict.stdout
