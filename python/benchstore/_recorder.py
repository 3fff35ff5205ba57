"""benchstore.MetricsRecorder: the seed's MetricsRecorder, signatures and keyword names unchanged,
recording into benchstore's SQLite store through the C++ recorder (benchstore._core.Recorder).

What differs from the original (see the README's table):
  - connection names the store file (None: the default store, $BENCHSTORE_DB or benchmarks.db);
    every row is committed to it before the call returns, whatever collect_csv_data says.
  - collect_csv_data=False makes export_to_csv write nothing (as the original, which then has no
    rows in memory); the rows are in the store either way.
  - metadata values must be str (the seed's dict[str, str]); other values are refused with
    benchstore.ArgumentTypeError rather than serialised by json.dumps.
"""
import datetime
import logging
import os
import sys
from types import TracebackType
from typing import Any, Iterable, List, Optional, Type, Union

from benchstore import _core

STORE_ENV_VAR = "BENCHSTORE_DB"
_Path = Union[str, "os.PathLike[str]"]


def default_store_path() -> str:
    """The store used when none is named: $BENCHSTORE_DB if set and not empty, else benchmarks.db."""
    return os.environ.get(STORE_ENV_VAR) or "benchmarks.db"


class MetricsRecorder(_core.Recorder):
    """Records benchmarks, device measurements and model measurements into a SQLite store.

    Thread-safe: a sampler thread and the benchmark's own thread may record at once. Each call
    releases the GIL while it waits on the disk. Use it as a context manager to close it."""

    def __init__(self, connection: Optional[_Path], logger: Optional[logging.Logger], repository: str, branch: str,
                 commit_id: str, commit_msg: str, collect_csv_data: bool = True, *, run_id: Optional[str] = None,
                 module: Optional[str] = None) -> None:
        path: _Path
        if connection is None:
            path = default_store_path()
        elif isinstance(connection, (str, os.PathLike)):
            path = connection
            if not os.fspath(path):
                raise _core.InvalidArgument("connection must name the store file (or be None for the default store)")
        else:
            raise _core.ArgumentTypeError(
                "connection must be the store file's path or None, not " + type(connection).__name__ +
                " (benchstore records into SQLite; benchstore-sync sends the rows to PostgreSQL)")
        super().__init__(path, repository, branch, commit_id, commit_msg, run_id, module)
        self.logger = logger if logger is not None else logging.getLogger("benchstore")
        self.collect_csv_data = bool(collect_csv_data)

    def collect_device_measurements_batch(self, benchmark_id: str, samples: Any,
                                          times: Optional[Iterable[Any]] = None) -> None:
        """Records many samples in one transaction, all or none: samples is an (n, 2) or (n, 4) NumPy
        array (cpu_util, mem_megabytes[, gpu_util, gpu_mem_megabytes]; NaN in a GPU column = NULL) or a
        sequence of such tuples (None = NULL). times gives each sample's time (datetime objects, naive
        ones taken as UTC, or a NumPy datetime64 array in UTC); without it every row gets the call's time."""
        times_us = None if times is None else _epoch_microseconds(times)
        super().collect_device_measurements_batch(benchmark_id, samples, times_us)

    def export_to_csv(self, output_dir: _Path = "benchmark_results") -> List[str]:
        """Writes the seed's four CSV files for this recorder's benchmarks into output_dir (created if
        missing) and returns their paths; with collect_csv_data=False writes nothing and returns []."""
        if not self.collect_csv_data:
            self.logger.warning("CSV data collection is disabled - no CSV files will be generated")
            return []
        paths = self._export_to_csv(output_dir)
        self.logger.info(f"CSV files exported to {os.fspath(output_dir)}")
        return paths

    def __enter__(self) -> "MetricsRecorder":
        return self

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.close()


_EPOCH = datetime.datetime(1970, 1, 1)
_MICROSECOND = datetime.timedelta(microseconds=1)


def _epoch_microseconds(times: Iterable[Any]) -> Any:
    """datetimes (naive = UTC) or a datetime64 array -> microseconds since 1970 UTC (an int64 array for
    an array, else a list of ints: NumPy is optional)."""
    np = sys.modules.get("numpy")  # an array can only come from NumPy already imported
    if np is not None and isinstance(times, np.ndarray):
        if not np.issubdtype(times.dtype, np.datetime64):
            raise _core.ArgumentTypeError(f"times must hold datetime64 values, not {times.dtype}")
        if np.isnat(times).any():
            raise _core.InvalidArgument("times must not hold NaT")
        return times.astype("datetime64[us]").astype(np.int64)
    out: List[int] = []
    for i, t in enumerate(times):
        if not isinstance(t, datetime.datetime):
            raise _core.ArgumentTypeError(f"time {i} must be a datetime.datetime, not {type(t).__name__}")
        if t.tzinfo is not None:
            t = t.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        out.append((t - _EPOCH) // _MICROSECOND)
    return out


def create_global_metrics_recorder(repository: str, branch: str, commit_id: str, commit_msg: str,
                                   generate_csv: bool = False, *, db_path: Optional[_Path] = None) -> MetricsRecorder:
    """The seed's factory: a MetricsRecorder on db_path (None: the default store), with CSV export
    enabled when generate_csv is true."""
    logger = logging.getLogger("benchstore")
    return MetricsRecorder(db_path, logger, repository, branch, commit_id, commit_msg, generate_csv)
