"""Calls with wrong types, each of which benchstore refuses at run time; mypy --strict must name each line
(tests/python/test_typing.py checks the line numbers in the comments)."""
import benchstore

rec = benchstore.MetricsRecorder(42, None, "r", "b", "c", "m")  # line 5: connection
bid = rec.initialise_benchmark({"batch_size": 1})  # line 6: metadata value
rec.collect_device_measurements(bid, "45", 1)  # line 7: cpu_util
rec.collect_model_measurements(bid, {"t": "1.5"})  # line 8: measurement
count: str = rec.benchmark_ids()  # line 9: return type
benchstore.DeviceSampler(rec, 7)  # line 10: benchmark id
