"""benchstore-run with *.py modules: each runs in its own child process of the interpreter the package
was built for, with crash isolation and reasons parallel to C++ modules."""
import os
import sys

import pytest

from conftest import RUNNER, count, interrupt_once_started, python_env, rows, run_runner, write_module

RECORD = """
import time
def run_benchmark(logger, repository, branch, commit_id, commit_msg, metrics_recorder):
    bid = metrics_recorder.initialise_benchmark({"module": "%s"})
    metrics_recorder.collect_device_measurements(bid, 1.0, 2.0)
%s
"""


def statuses(db):
    return {m: (s, r) for m, s, r in rows(db, "SELECT module, status, status_reason FROM benchmarks")}


def one_module(tmp_path, name, tail, *args):
    benches = tmp_path / "benches"
    write_module(benches, name, RECORD % (name, tail))
    db = tmp_path / "store.db"
    return run_runner(benches, db, *args), db


@pytest.mark.parametrize("name, tail, reason", [
    ("raises", "    raise ValueError('boom')", "threw: ValueError: boom"),
    ("exits", "    import sys; sys.exit(3)", "exited with status 3 before run_benchmark returned"),
    ("segfaults", "    import ctypes; ctypes.string_at(0)", "killed by signal 11 (Segmentation fault)"),
])
def test_failing_module_is_recorded_with_its_reason(tmp_path, name, tail, reason):
    result, db = one_module(tmp_path, name, tail)
    assert result.returncode == 1
    assert statuses(db) == {name: ("failed", reason)}
    assert count(db, "device_measurements") == 1  # what it recorded before failing stays
    assert f"[ERROR - " in result.stdout and f"error running benchmarks for {name}: {reason}" in result.stdout


def test_traceback_of_a_raising_module_is_in_the_log(tmp_path):
    result, _ = one_module(tmp_path, "raises", "    raise ValueError('boom')")
    assert "Traceback (most recent call last)" in result.stdout
    assert "raises.py" in result.stdout and "ValueError: boom" in result.stdout


def test_hang_past_timeout_is_killed(tmp_path):
    result, db = one_module(tmp_path, "hangs", "    time.sleep(3600)", "--timeout", "0.5")
    assert result.returncode == 1
    assert statuses(db) == {"hangs": ("failed", "timed out after 0.5 s")}


def test_load_failures(tmp_path):
    benches = tmp_path / "benches"
    write_module(benches, "bad_import", "import no_such_module_anywhere\n")
    write_module(benches, "no_entry", "x = 1\n")
    write_module(benches, "__init__", "raise SystemExit('never imported')\n")
    db = tmp_path / "store.db"
    result = run_runner(benches, db)
    assert result.returncode == 1
    got = statuses(db)
    assert set(got) == {"bad_import", "no_entry"}
    assert got["bad_import"] == ("failed", "failed to load: ModuleNotFoundError: No module named "
                                           "'no_such_module_anywhere'")
    assert got["no_entry"] == ("failed", f"failed to load: {benches / 'no_entry.py'}: no run_benchmark function defined")


def test_two_threads_record_at_once(tmp_path):
    tail = """
    import threading
    def work(k):
        for i in range(50):
            metrics_recorder.collect_device_measurements(bid, float(k), float(i))
    threads = [threading.Thread(target=work, args=(k,)) for k in (1, 2)]
    for t in threads: t.start()
    for t in threads: t.join()
"""
    result, db = one_module(tmp_path, "threads", tail)
    assert result.returncode == 0, result.stdout + result.stderr
    assert statuses(db) == {"threads": ("completed", None)}
    assert rows(db, "SELECT cpu_util, count(*) FROM device_measurements GROUP BY cpu_util") == [(1.0, 51), (2.0, 50)]


def test_interpreter_is_the_built_one_not_the_first_on_path(tmp_path):
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake = fake_bin / "python3"
    fake.write_text("#!/bin/sh\nexit 99\n")
    fake.chmod(0o755)
    env = python_env(PATH=f"{fake_bin}:{os.environ['PATH']}")
    env.pop("BENCHSTORE_PYTHON", None)
    benches = tmp_path / "benches"
    write_module(benches, "ok", RECORD % ("ok", ""))
    result = run_runner(benches, tmp_path / "a.db", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    # Chosen explicitly: --python wins over BENCHSTORE_PYTHON, which wins over the default.
    env["BENCHSTORE_PYTHON"] = str(fake)
    result = run_runner(benches, tmp_path / "b.db", env=env)
    assert statuses(tmp_path / "b.db") == {"ok": ("failed", "exited with status 99 before run_benchmark returned")}
    result = run_runner(benches, tmp_path / "c.db", "--python", "/no/such/python3", env=env)
    assert statuses(tmp_path / "c.db") == {"ok": ("failed", "failed to load: cannot run the Python interpreter "
                                                            "/no/such/python3: No such file or directory")}


def test_interpreter_without_the_package_is_a_load_failure(tmp_path):
    isolated = tmp_path / "isolated-python"  # -I: ignores PYTHONPATH, so the package cannot be found
    isolated.write_text(f"#!/bin/sh\nexec {sys.executable} -I \"$@\"\n")
    isolated.chmod(0o755)
    result, db = one_module(tmp_path, "ok", "", "--python", str(isolated))
    assert result.returncode == 1
    [(status, reason)] = statuses(db).values()
    assert status == "failed"
    assert reason.startswith(f"failed to load: cannot import the benchstore package with {sys.executable}: "
                             "ModuleNotFoundError: No module named 'benchstore'")


def test_ctrl_c_interrupts_a_python_module(tmp_path):
    marker = tmp_path / "started"
    benches = tmp_path / "benches"
    write_module(benches, "a_waits", RECORD % ("a_waits", f"    open({str(marker)!r}, 'w').close()\n    time.sleep(3600)"))
    write_module(benches, "b_never", RECORD % ("b_never", ""))
    db = tmp_path / "store.db"
    cmd = [str(RUNNER), "--db", str(db), "--benches", str(benches), "--", "acme/widgets", "main", "abc", "msg"]
    status, out, _ = interrupt_once_started(cmd, marker)
    assert status == 1
    assert statuses(db) == {"a_waits": ("failed", "interrupted by signal 2 (Interrupt)")}
    assert "remaining modules skipped" in out


def test_mixed_with_cpp_modules_and_csv(tmp_path):
    benches = tmp_path / "benches"
    write_module(benches, "py_module", RECORD % ("py_module", "    metrics_recorder.collect_model_measurements(bid, {'t': 1})"))
    import conftest
    os.symlink(conftest.BINARY_DIR / "tests" / "modules" / "ok_module.so", benches / "ok_module.so")
    db = tmp_path / "store.db"
    result = run_runner(benches, db, "--csv", "--csv-output-dir", str(tmp_path / "csv"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Discovered 2 benchmark(s): [ok_module, py_module]" in result.stdout
    assert {m: s for m, (s, _) in statuses(db).items()} == {"ok_module": "completed", "py_module": "completed"}
    assert len(list((tmp_path / "csv").glob("*.csv"))) == 4
