"""benchstore for Python: the seed's MetricsRecorder API (Hugging Face's benchmarks_entrypoint.py) on
benchstore's C++ library. Rows go into one local SQLite file, committed before each call returns;
benchstore-sync sends them to PostgreSQL and benchstore-export (or export_to_csv) writes the CSV files.

    import benchstore
    recorder = benchstore.create_global_metrics_recorder("org/repo", "main", "abc123", "message")
    benchmark_id = recorder.initialise_benchmark({"model_name": "gpt2"})
    with benchstore.DeviceSampler(recorder, benchmark_id):
        ...  # the work, sampled every 100 ms
    recorder.collect_model_measurements(benchmark_id, {"total_time_secs": 1.5})
    recorder.close()

Errors are benchstore.Error; bad input is also a ValueError (benchstore.InvalidArgument), a value of
the wrong type also a TypeError (benchstore.ArgumentTypeError). Nothing is stored by a call that raised.
benchstore.__version__ is the C++ library's version. NumPy is optional (the batch call also takes a list
of tuples); the package is typed (py.typed, _core.pyi).
"""
from benchstore._core import (  # noqa: F401  (re-exported)
    ArgumentTypeError,
    DeviceSampler,
    Error,
    InvalidArgument,
    NewerSchemaError,
    OutputError,
    StoreError,
    __version__,
)
from benchstore._logging import runner_logger  # noqa: F401
from benchstore._recorder import (  # noqa: F401
    STORE_ENV_VAR,
    MetricsRecorder,
    create_global_metrics_recorder,
    default_store_path,
)

__all__ = [
    "__version__",
    "ArgumentTypeError",
    "DeviceSampler",
    "Error",
    "InvalidArgument",
    "MetricsRecorder",
    "NewerSchemaError",
    "OutputError",
    "STORE_ENV_VAR",
    "StoreError",
    "create_global_metrics_recorder",
    "default_store_path",
    "runner_logger",
]
