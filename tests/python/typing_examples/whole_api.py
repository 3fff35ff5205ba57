"""A user script using the whole public API of benchstore, fully typed: mypy --strict must accept it
(tests/python/test_typing.py), and it runs."""
import datetime
import logging
import pathlib
from typing import List

import benchstore


def main(folder: pathlib.Path) -> List[str]:
    version: str = benchstore.__version__
    store: str = benchstore.default_store_path()
    logger: logging.Logger = benchstore.runner_logger("example")
    assert benchstore.STORE_ENV_VAR == "BENCHSTORE_DB"
    with benchstore.MetricsRecorder(folder / "a.db", logger, "org/repo", "main", "abc", "msg",
                                    collect_csv_data=True, run_id=None, module=None) as rec:
        bid: str = rec.initialise_benchmark({"model": "gpt2"})
        rec.collect_device_measurements(bid, 1, 2.5)
        rec.collect_device_measurements(bid, 1.0, 2, None, 3)
        rec.collect_device_measurements_batch(bid, [(1, 2), (3.0, 4.0, None, 5)])
        rec.collect_device_measurements_batch(bid, [(1, 2)], times=[datetime.datetime(2025, 1, 1)])
        rec.collect_model_measurements(bid, {"t": 1.5, "n": 3})
        rec.set_status(bid, "completed")
        with benchstore.DeviceSampler(rec, bid, interval=0.05, pid=None, gpu=False) as sampler:
            n: int = sampler.samples_recorded
            gpu: bool = sampler.has_gpu or sampler.failed
        ids: List[str] = rec.benchmark_ids()
        paths: List[str] = rec.export_to_csv(folder / "csv")
        print(version, store, n, gpu, ids, rec.db_path, rec.repository, rec.branch, rec.commit_id, rec.commit_msg)
    g = benchstore.create_global_metrics_recorder("org/repo", "main", "abc", "msg", True, db_path=str(folder / "b.db"))
    g.close()
    try:
        g.initialise_benchmark({})
    except benchstore.ArgumentTypeError as e:
        print(e)
    except (benchstore.InvalidArgument, benchstore.NewerSchemaError, benchstore.StoreError,
            benchstore.OutputError, benchstore.Error) as e:
        print(e)
    return paths


if __name__ == "__main__":
    import sys
    main(pathlib.Path(sys.argv[1]))
