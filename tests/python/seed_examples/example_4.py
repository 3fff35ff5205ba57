# Verbatim from the seed (shared/seed/000_be5df6d48a5fa92f.txt, "Usage Examples"): the test
# changes only its import line before running it.
# Example 4: Creating a custom benchmark module
# Save as benchmark/benches/my_custom_benchmark.py
import time
import logging

def run_benchmark(
    logger: logging.Logger,
    repository: str,
    branch: str,
    commit_id: str,
    commit_msg: str,
    metrics_recorder  # MetricsRecorder instance
):
    """
    This function will be auto-discovered and executed by benchmarks_entrypoint.py
    """
    logger.info("Running custom benchmark")

    # Initialize benchmark
    metadata = {"test_name": "custom_test", "framework": "pytorch"}
    benchmark_id = metrics_recorder.initialise_benchmark(metadata)

    # Simulate some work and collect metrics
    start = time.time()
    # ... do benchmark work ...
    elapsed = time.time() - start

    # Record measurements
    metrics_recorder.collect_model_measurements(
        benchmark_id,
        {"total_time_secs": elapsed, "iterations": 100}
    )

    logger.info(f"Completed benchmark {benchmark_id}")
