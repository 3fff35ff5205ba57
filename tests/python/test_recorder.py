"""benchstore.MetricsRecorder: values, NULLs and timestamps as the C++ API stores them; the batch call;
bad input raising the documented exceptions with nothing stored; the GIL released while a call waits."""
import datetime
import re
import sqlite3
import threading

import numpy as np
import pytest

import benchstore
from conftest import TIMESTAMP_PATTERN, count, rows

TABLES = ("benchmarks", "device_measurements", "model_measurements")


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def test_rows_values_nulls_and_timestamps(recorder, store):
    before = utc_now()
    bid = recorder.initialise_benchmark({"model_name": "gpt2", "batch_size": "1"})
    recorder.collect_device_measurements(bid, 45.2, 8192, 78.5, 16384)
    recorder.collect_device_measurements(bid, 12, 1024)  # no GPU: NULL, not 0
    recorder.collect_device_measurements(benchmark_id=bid, cpu_util=np.float32(1.5), mem_megabytes=np.int64(7),
                                         gpu_util=None, gpu_mem_megabytes=3)
    recorder.collect_model_measurements(bid, {"model_load_time": 2.34, "iterations": 100})
    after = utc_now()
    assert recorder.benchmark_ids() == [bid]
    got = rows(store, "SELECT cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, typeof(cpu_util), time "
                      "FROM device_measurements ORDER BY id")
    assert [r[:5] for r in got] == [(45.2, 8192.0, 78.5, 16384.0, "real"), (12.0, 1024.0, None, None, "real"),
                                    (1.5, 7.0, None, 3.0, "real")]
    for *_, time in got:
        assert re.match(TIMESTAMP_PATTERN, time)
        assert before <= datetime.datetime.fromisoformat(time) <= after
    [(measurements, created, status)] = rows(store, "SELECT m.measurements, b.created_at, b.status FROM "
                                                    "model_measurements m JOIN benchmarks b ON b.id = m.benchmark_ref")
    assert measurements == '{"model_load_time":2.34,"iterations":100}'  # in the order given
    assert re.match(TIMESTAMP_PATTERN, created) and status == "running"
    assert rows(store, "SELECT metadata FROM benchmarks") == [('{"model_name":"gpt2","batch_size":"1"}',)]


def test_batch_from_numpy_array_and_from_tuples(recorder, store):
    bid = recorder.initialise_benchmark({"batch": "yes"})
    samples = np.array([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, np.nan, np.nan]])
    recorder.collect_device_measurements_batch(bid, samples)
    recorder.collect_device_measurements_batch(bid, np.arange(6, dtype=np.int32).reshape(3, 2))
    recorder.collect_device_measurements_batch(bid, [(7, 8.5), (9.0, 10.0, None, 11.0)])
    assert rows(store, "SELECT cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes FROM device_measurements "
                       "ORDER BY id") == [(1.0, 2.0, 3.0, 4.0), (5.0, 6.0, None, None), (0.0, 1.0, None, None),
                                          (2.0, 3.0, None, None), (4.0, 5.0, None, None), (7.0, 8.5, None, None),
                                          (9.0, 10.0, None, 11.0)]


def test_batch_with_each_samples_own_time(recorder, store):
    bid = recorder.initialise_benchmark({"batch": "timed"})
    berlin = datetime.timezone(datetime.timedelta(hours=1))
    recorder.collect_device_measurements_batch(bid, [(1, 2), (3, 4)], times=[
        datetime.datetime(2025, 7, 29, 20, 8, 7, 875408),                   # naive: UTC
        datetime.datetime(2025, 7, 29, 21, 8, 7, 1, tzinfo=berlin)])        # aware: converted to UTC
    stamps = np.array(["2024-02-29T23:59:59.999999", "1999-12-31T00:00:00"], dtype="datetime64[us]")
    recorder.collect_device_measurements_batch(bid, np.array([[5.0, 6.0], [7.0, 8.0]]), times=stamps)
    assert rows(store, "SELECT cpu_util, time FROM device_measurements ORDER BY id") == [
        (1.0, "2025-07-29T20:08:07.875408"), (3.0, "2025-07-29T20:08:07.000001"),
        (5.0, "2024-02-29T23:59:59.999999"), (7.0, "1999-12-31T00:00:00.000000")]
    before = count(store, "device_measurements")
    with pytest.raises(benchstore.InvalidArgument, match="one time per sample"):
        recorder.collect_device_measurements_batch(bid, [(1, 2)], times=stamps)
    with pytest.raises(benchstore.ArgumentTypeError, match="time 0 must be a datetime.datetime, not str"):
        recorder.collect_device_measurements_batch(bid, [(1, 2)], times=["2025-01-01"])
    with pytest.raises(benchstore.InvalidArgument, match="NaT"):
        recorder.collect_device_measurements_batch(bid, [(1, 2)], times=np.array(["NaT"], dtype="datetime64[us]"))
    assert count(store, "device_measurements") == before


def bad_calls(bid):
    """(what, call, exception class, message part) for every kind of bad input."""
    nan, inf = float("nan"), float("inf")
    return [
        ("NaN cpu", lambda r: r.collect_device_measurements(bid, nan, 1), benchstore.InvalidArgument, "NaN"),
        ("inf gpu", lambda r: r.collect_device_measurements(bid, 1, 1, inf), benchstore.InvalidArgument, "finite"),
        ("unknown id", lambda r: r.collect_device_measurements("no-such-id", 1, 1), benchstore.InvalidArgument,
         "unknown benchmark id 'no-such-id'"),
        ("unknown id, model", lambda r: r.collect_model_measurements("x", {"t": 1}), benchstore.InvalidArgument,
         "unknown benchmark id"),
        ("str cpu", lambda r: r.collect_device_measurements(bid, "45", 1), benchstore.ArgumentTypeError,
         "cpu_util must be a number (int or float), not str"),
        ("bool mem", lambda r: r.collect_device_measurements(bid, 1, True), benchstore.ArgumentTypeError, "bool"),
        ("int id", lambda r: r.collect_device_measurements(7, 1, 1), benchstore.ArgumentTypeError,
         "benchmark_id must be a str"),
        ("int metadata value", lambda r: r.initialise_benchmark({"batch_size": 1}), benchstore.ArgumentTypeError,
         "metadata value for 'batch_size' must be a str, not int"),
        ("list metadata", lambda r: r.initialise_benchmark([("a", "b")]), benchstore.ArgumentTypeError,
         "metadata must be a dict"),
        ("empty metadata key", lambda r: r.initialise_benchmark({"": "x"}), benchstore.InvalidArgument, "empty"),
        ("NaN measurement", lambda r: r.collect_model_measurements(bid, {"ok": 1.0, "t": nan}),
         benchstore.InvalidArgument, "measurement 't' is not a finite number (NaN)"),
        ("str measurement", lambda r: r.collect_model_measurements(bid, {"t": "1.0"}), benchstore.ArgumentTypeError,
         "measurement 't' must be a number"),
        ("empty measurements", lambda r: r.collect_model_measurements(bid, {}), benchstore.InvalidArgument,
         "no model measurements given"),
        ("batch NaN cpu", lambda r: r.collect_device_measurements_batch(bid, np.array([[1.0, 2.0], [nan, 1.0]])),
         benchstore.InvalidArgument, "NaN"),
        ("batch shape", lambda r: r.collect_device_measurements_batch(bid, np.ones((2, 3))), benchstore.InvalidArgument,
         "shape (n, 2) or (n, 4)"),
        ("batch str dtype", lambda r: r.collect_device_measurements_batch(bid, np.array([["a", "b"]])),
         benchstore.ArgumentTypeError, "must hold numbers"),
        # The one-row call refuses str and bool; the array call must too, and complex (whose imaginary
        # part a cast would drop with only a NumPy warning) and object arrays.
        ("batch numeric str dtype", lambda r: r.collect_device_measurements_batch(bid, np.array([["1", "2"]])),
         benchstore.ArgumentTypeError, "samples array must hold numbers (int or float), not <U1"),
        ("batch bool dtype", lambda r: r.collect_device_measurements_batch(bid, np.array([[True, False]])),
         benchstore.ArgumentTypeError, "not bool"),
        ("batch complex dtype", lambda r: r.collect_device_measurements_batch(bid, np.array([[1 + 2j, 3 + 0j]])),
         benchstore.ArgumentTypeError, "not complex128"),
        ("batch object dtype", lambda r: r.collect_device_measurements_batch(bid, np.array([[1, "2"]], dtype=object)),
         benchstore.ArgumentTypeError, "not object"),
        ("batch bad tuple", lambda r: r.collect_device_measurements_batch(bid, [(1, 2), (1, "x")]),
         benchstore.ArgumentTypeError, "sample 1 mem_megabytes"),
        ("batch tuple size", lambda r: r.collect_device_measurements_batch(bid, [(1, 2, 3)]),
         benchstore.InvalidArgument, "2 or 4 values"),
    ]


@pytest.mark.parametrize("index", range(len(bad_calls(""))), ids=[c[0] for c in bad_calls("")])
def test_bad_input_raises_documented_exception_and_stores_nothing(recorder, store, index):
    bid = recorder.initialise_benchmark({"a": "b"})
    before = [count(store, t) for t in TABLES]
    _, call, exc_class, message = bad_calls(bid)[index]
    with pytest.raises(exc_class) as info:
        call(recorder)
    assert message in str(info.value)
    assert isinstance(info.value, benchstore.Error) and isinstance(info.value, ValueError)
    if exc_class is benchstore.ArgumentTypeError:
        assert isinstance(info.value, TypeError)
    assert [count(store, t) for t in TABLES] == before


def test_connection_must_be_a_path_or_none(tmp_path):
    with pytest.raises(benchstore.ArgumentTypeError, match="connection must be the store file's path or None"):
        benchstore.MetricsRecorder(object(), None, "r", "b", "c", "m")
    with pytest.raises(benchstore.InvalidArgument, match="connection must name the store file"):
        benchstore.MetricsRecorder("", None, "r", "b", "c", "m")
    with pytest.raises(benchstore.ArgumentTypeError, match="repository must be a str, not NoneType"):
        benchstore.MetricsRecorder(str(tmp_path / "a.db"), None, None, "b", "c", "m")
    with pytest.raises(benchstore.StoreError, match="cannot open store"):
        benchstore.MetricsRecorder(str(tmp_path / "missing" / "a.db"), None, "r", "b", "c", "m")


def test_default_store_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCHSTORE_DB", str(tmp_path / "env.db"))
    with benchstore.create_global_metrics_recorder("r", "b", "c", "m") as r:
        assert r.db_path == str(tmp_path / "env.db")
        r.initialise_benchmark({"k": "v"})
    assert count(tmp_path / "env.db", "benchmarks") == 1
    with benchstore.create_global_metrics_recorder("r", "b", "c", "m", db_path=tmp_path / "named.db") as r:
        assert r.db_path == str(tmp_path / "named.db")


def test_closed_recorder_raises_and_newer_store_is_refused(tmp_path):
    r = benchstore.MetricsRecorder(str(tmp_path / "a.db"), None, "r", "b", "c", "m")
    with r:
        bid = r.initialise_benchmark({"k": "v"})
    with pytest.raises(benchstore.Error):
        r.collect_device_measurements(bid, 1, 1)
    con = sqlite3.connect(tmp_path / "a.db")
    con.execute("PRAGMA user_version = 999")
    con.close()
    with pytest.raises(benchstore.NewerSchemaError, match="newer benchstore"):
        benchstore.MetricsRecorder(str(tmp_path / "a.db"), None, "r", "b", "c", "m")


def test_export_disabled_without_collect_csv_data(tmp_path, caplog):
    r = benchstore.MetricsRecorder(str(tmp_path / "a.db"), None, "r", "b", "c", "m", collect_csv_data=False)
    r.initialise_benchmark({"k": "v"})
    assert r.export_to_csv(tmp_path / "out") == []
    assert not (tmp_path / "out").exists()
    assert "CSV data collection is disabled" in caplog.text
    r.close()


def test_calls_release_the_gil_while_waiting_on_the_store(recorder, store):
    bid = recorder.initialise_benchmark({"k": "v"})
    blocker = sqlite3.connect(store, timeout=30, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # the store's write lock: the recorder's call must wait for it
    started, outcome = threading.Event(), []

    def record():
        started.set()
        try:
            recorder.collect_device_measurements(bid, 1, 2)
            outcome.append("ok")
        except Exception as e:  # a call that kept the GIL would time out on the lock
            outcome.append(e)

    worker = threading.Thread(target=record)
    worker.start()
    started.wait()
    worker.join(timeout=0.5)  # this thread runs Python again only if the waiting call let go of the GIL
    assert worker.is_alive()  # still waiting on the lock this thread holds
    blocker.execute("COMMIT")
    worker.join()
    assert outcome == ["ok"]
    assert count(store, "device_measurements") == 1
