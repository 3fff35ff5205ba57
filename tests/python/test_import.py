"""benchstore._core.import_file: benchstore-import's library call from Python."""
import json
import sqlite3

import pytest

import benchstore
from benchstore import _core


def google_benchmark_file(path, real_time=1.5):
    path.write_text(json.dumps({
        "context": {"date": "2026-01-02T03:04:05+01:00", "host_name": "bench-7", "num_cpus": 8},
        "benchmarks": [{"name": "BM_a", "run_name": "BM_a", "run_type": "iteration", "threads": 1,
                        "iterations": 100, "real_time": real_time, "cpu_time": 1.25, "time_unit": "ns"}],
    }))
    return path


def test_imports_once_and_says_what_it_added(tmp_path):
    db = tmp_path / "b.db"
    f = google_benchmark_file(tmp_path / "gb.json")
    r = _core.import_file(db, f, repository="acme/w", branch="main", commit="abc")
    assert r["format"] == "google-benchmark"
    assert (r["benchmarks"], r["model_rows"], r["already_imported"]) == (1, 1, False)
    again = benchstore.import_file(db, f, repository="acme/w", branch="main", commit="abc")  # the public name
    assert again["already_imported"] and again["run_id"] == r["run_id"]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT host, created_at FROM benchmarks").fetchall() == [("bench-7", "2026-01-02T02:04:05.000000")]


def test_bad_input_raises_and_stores_nothing(tmp_path):
    db = tmp_path / "b.db"
    f = tmp_path / "bad.json"
    f.write_text('{"context": {}, "benchmarks": [{"name": "BM_a", "iterations": 1, "real_time": "x", "cpu_time": 1}]}')
    with pytest.raises(_core.InvalidArgument, match="benchmarks\\[0\\].real_time: expected a number"):
        _core.import_file(db, f, repository="r", branch="b", commit="c")
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM imports").fetchone() == (0,)
    with pytest.raises(_core.InvalidArgument, match="unknown format"):
        _core.import_file(db, f, format="csv")
