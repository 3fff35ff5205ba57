"""Rows recorded from Python are exported (benchstore-export, export_to_csv) and synced to a real
PostgreSQL 15 (tools/pg-test-server.sh) like rows recorded from C++."""
import csv
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

import benchstore
from conftest import EXPORT, SOURCE_DIR, SYNC, rows

PG_SCRIPT = SOURCE_DIR / "tools" / "pg-test-server.sh"


def record(db):
    with benchstore.MetricsRecorder(str(db), None, "acme/widgets", "main", "abc123", "Python rows") as r:
        bid = r.initialise_benchmark({"model_name": "gpt2", "gpu_name": "none"})
        r.collect_device_measurements(bid, 45.25, 8192, 78.5, 16384)
        r.collect_device_measurements(bid, 12.5, 1024)  # NULL GPU values
        r.collect_model_measurements(bid, {"model_load_time": 2.34, "iterations": 100})
        r.set_status(bid, "completed")
        paths = r.export_to_csv(db.parent / "own")
    return bid, paths


def read_csv(folder, prefix):
    [path] = [p for p in pathlib.Path(folder).iterdir() if p.name.startswith(prefix + "_2")]
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_export_of_python_rows(tmp_path):
    db = tmp_path / "store.db"
    bid, own_paths = record(db)
    out = tmp_path / "cli"
    subprocess.run([str(EXPORT), "--db", str(db), "--out", str(out)], check=True, capture_output=True)
    device = read_csv(out, "device_measurements")
    assert device[0] == ["benchmark_id", "cpu_util", "mem_megabytes", "gpu_util", "gpu_mem_megabytes", "time"]
    assert [r[:5] for r in device[1:]] == [[bid, "45.25", "8192", "78.5", "16384"], [bid, "12.5", "1024", "", ""]]
    model = read_csv(out, "model_measurements")
    assert model[0] == ["benchmark_id", "time", "model_load_time", "iterations"]
    assert model[1][2:] == ["2.34", "100"]
    # export_to_csv from Python writes the same files as the command line tool.
    assert len(own_paths) == 4
    for path in own_paths:
        name = pathlib.Path(path).name.rsplit("_", 2)[0]
        assert read_csv(db.parent / "own", name) == read_csv(out, name)


@pytest.fixture(scope="module")
def postgres():
    if shutil.which("runuser") is None and os.geteuid() == 0:
        pytest.skip("runuser missing")
    folder = tempfile.mkdtemp(prefix="benchstore-pytest-pg-")
    os.chmod(folder, 0o755)
    env = dict(os.environ, FSYNC="off")
    try:
        conninfo = subprocess.run(["sh", str(PG_SCRIPT), "start", folder], check=True, capture_output=True,
                                  text=True, env=env).stdout.strip()
        yield conninfo, folder
    finally:
        subprocess.run(["sh", str(PG_SCRIPT), "stop", folder], capture_output=True)


def psql(postgres, sql):
    conninfo, folder = postgres
    port = next(part.split("=")[1] for part in conninfo.split() if part.startswith("port="))
    # Through the admin socket in the server's folder (trust), as the superuser.
    return subprocess.run(["psql", "-h", folder, "-p", port, "-U", "postgres", "-d", "postgres", "-At", "-F", "|",
                           "-c", sql], check=True, capture_output=True, text=True).stdout.strip().splitlines()


def test_sync_of_python_rows(tmp_path, postgres):
    conninfo, _ = postgres
    db = tmp_path / "store.db"
    bid, _ = record(db)
    subprocess.run([str(SYNC), "--db", str(db), "--dsn", conninfo + " dbname=postgres"], check=True,
                   capture_output=True, text=True)
    assert psql(postgres, "SELECT benchmark_id, repository, commit_message, metadata->>'model_name', status "
                        f"FROM benchmarks WHERE benchmark_id = '{bid}'") == [f"{bid}|acme/widgets|Python rows|gpt2|completed"]
    assert psql(postgres, "SELECT cpu_util, mem_megabytes, gpu_util IS NULL, gpu_mem_megabytes FROM "
                        f"device_measurements WHERE benchmark_id = '{bid}' ORDER BY local_id") == ["45.25|8192|f|16384",
                                                                                  "12.5|1024|t|"]
    assert psql(postgres, f"SELECT measurements->>'iterations' FROM model_measurements "
                          f"WHERE benchmark_id = '{bid}'") == ["100"]
    local_times = [t for (t,) in rows(db, "SELECT time FROM device_measurements ORDER BY id")]
    server_times = psql(postgres, "SELECT to_char(time, 'YYYY-MM-DD\"T\"HH24:MI:SS.US') FROM device_measurements "
                                f"WHERE benchmark_id = '{bid}' ORDER BY local_id")
    assert server_times == local_times


def test_bundled_python_module_runs_beside_cpp_and_is_exported_and_synced(tmp_path, postgres):
    """The quick start's path: build/benches holds numpy_benchmark.py beside the .so modules."""
    import conftest
    db = tmp_path / "store.db"
    env = conftest.python_env(BENCHSTORE_NUMPY_N=64, BENCHSTORE_MOCK_SECONDS=0.3)
    result = conftest.run_runner(conftest.BINARY_DIR / "benches", db, "--only", "mock_benchmark,numpy_benchmark",
                                 env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert rows(db, "SELECT module, status FROM benchmarks ORDER BY module") == [
        ("mock_benchmark", "completed"), ("numpy_benchmark", "completed")]
    [(bid, measurements)] = rows(db, "SELECT b.benchmark_id, m.measurements FROM benchmarks b JOIN model_measurements m "
                                     "ON m.benchmark_ref = b.id WHERE b.module = 'numpy_benchmark'")
    assert list(json.loads(measurements)) == ["setup_time_secs", "first_pass_time_secs", "pass_time_mean_secs",
                                              "pass_time_min_secs", "fft_time_secs", "throughput_gflops"]
    out = tmp_path / "csv"
    subprocess.run([str(EXPORT), "--db", str(db), "--out", str(out)], check=True, capture_output=True)
    assert bid in [r[0] for r in read_csv(out, "benchmarks")[1:]]
    assert "throughput_gflops" in read_csv(out, "model_measurements")[0]
    conninfo, _ = postgres
    subprocess.run([str(SYNC), "--db", str(db), "--dsn", conninfo + " dbname=postgres"], check=True,
                   capture_output=True, text=True)
    assert psql(postgres, f"SELECT status, measurements ? 'throughput_gflops' FROM benchmarks b JOIN "
                          f"model_measurements m USING (benchmark_id) WHERE benchmark_id = '{bid}'") == ["completed|t"]
