"""python3 -m benchstore: the seed's benchmarks_entrypoint.py command line, with benchstore-run's options."""
import re
import subprocess
import sys

from conftest import RUNNER, interrupt_once_started, python_env, rows, write_module

MODULE = """
def run_benchmark(logger, repository, branch, commit_id, commit_msg, metrics_recorder):
    bid = metrics_recorder.initialise_benchmark({"via": "main"})
    metrics_recorder.collect_model_measurements(bid, {"t": 1.5})
    logger.info(f"recorded for {repository} {commit_msg}")
"""


def run_main(*args, cwd=None, **env):
    return subprocess.run([sys.executable, "-m", "benchstore", *args], cwd=cwd, env=python_env(**env),
                          capture_output=True, text=True, timeout=300)


def test_runs_the_modules_and_writes_csv(tmp_path):
    benches = tmp_path / "benches"
    write_module(benches, "via_main", MODULE)
    result = run_main("huggingface/transformers", "main", "abc123", "Fix generation bug", "--csv",
                      "--csv-output-dir", "results", "--benches", str(benches), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "recorded for huggingface/transformers Fix generation bug" in result.stdout
    assert "Results are in " + str(tmp_path / "benchmarks.db") in result.stdout
    assert rows(tmp_path / "benchmarks.db", "SELECT module, status, commit_id FROM benchmarks") == [
        ("via_main", "completed", "abc123")]
    assert len(list((tmp_path / "results").glob("*.csv"))) == 4


def test_store_from_environment_and_failure_exit_status(tmp_path):
    benches = tmp_path / "benches"
    write_module(benches, "fails", "def run_benchmark(*args):\n    raise RuntimeError('no')\n")
    result = run_main("r", "b", "c", "m", "--benches", str(benches), cwd=tmp_path, BENCHSTORE_DB=tmp_path / "env.db")
    assert result.returncode == 1
    assert rows(tmp_path / "env.db", "SELECT status_reason FROM benchmarks") == [("threw: RuntimeError: no",)]


def test_usage_and_errors(tmp_path):
    result = run_main("only", "three", "args", cwd=tmp_path)
    assert result.returncode == 2 and "usage: python3 -m benchstore" in result.stderr
    result = run_main("r", "b", "c", "m", "--csv-output-dir", "x", cwd=tmp_path)
    assert result.returncode == 2 and "--csv-output-dir needs --csv" in result.stderr
    result = run_main("r", "b", "c", "m", "--timeout", "-1", cwd=tmp_path)
    assert result.returncode == 2 and "0 (no limit) or from 0.001" in result.stderr
    result = run_main("r", "b", "c", "m", "--benches", str(tmp_path / "missing"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("python3 -m benchstore: error: benches folder ") and "Traceback" not in result.stderr


def test_ctrl_c_interrupts_the_run(tmp_path):
    marker = tmp_path / "started"
    benches = tmp_path / "benches"
    write_module(benches, "waits", f"""
import time
def run_benchmark(logger, repository, branch, commit_id, commit_msg, metrics_recorder):
    metrics_recorder.initialise_benchmark({{"a": "b"}})
    open({str(marker)!r}, "w").close()
    time.sleep(3600)
""")
    status, _, err = interrupt_once_started([sys.executable, "-m", "benchstore", "r", "b", "c", "m", "--benches",
                                             str(benches)], marker, cwd=tmp_path)
    assert status == 1, err
    assert "Traceback" not in err
    assert rows(tmp_path / "benchmarks.db", "SELECT status, status_reason FROM benchmarks") == [
        ("failed", "interrupted by signal 2 (Interrupt)")]


def option_names(help_text):
    return sorted(set(re.findall(r"^\s+(?:-\w, )?(--[\w-]+)", help_text, re.M)))


def test_one_command_line_with_benchstore_run(tmp_path):
    """python3 -m benchstore parses with benchstore-run's own definition: the same options, limits and words."""
    ours = run_main("--help", cwd=tmp_path)
    theirs = subprocess.run([str(RUNNER), "--help"], capture_output=True, text=True, timeout=60)
    assert ours.returncode == theirs.returncode == 0
    assert option_names(ours.stdout) == option_names(theirs.stdout)
    assert "--repeat" in option_names(ours.stdout) and "--log-level" in option_names(ours.stdout)
    for bad in (["--repeat", "0"], ["--log-level", "loud"], ["--timeout", "40000000"], ["--only"]):
        ours = run_main("r", "b", "c", "m", *bad, cwd=tmp_path)
        theirs = subprocess.run([str(RUNNER), "r", "b", "c", "m", *bad], capture_output=True, text=True, timeout=60,
                                cwd=tmp_path)
        assert ours.returncode == theirs.returncode == 2, bad
        assert ours.stderr.replace("python3 -m benchstore", "benchstore-run") == theirs.stderr, bad
    assert not (tmp_path / "benchmarks.db").exists()
