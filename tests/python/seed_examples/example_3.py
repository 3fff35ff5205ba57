# Verbatim from the seed (shared/seed/000_be5df6d48a5fa92f.txt, "Usage Examples"): the test
# changes only its import line before running it.
# Example 3: CSV-only mode (no database)
from benchmarks_entrypoint import MetricsRecorder
import logging

logger = logging.getLogger(__name__)

# Create recorder with no database connection
recorder = MetricsRecorder(
    connection=None,  # CSV-only mode
    logger=logger,
    repository="huggingface/transformers",
    branch="dev",
    commit_id="xyz789",
    commit_msg="Add new model",
    collect_csv_data=True
)

# Use same API as before
benchmark_id = recorder.initialise_benchmark({"model": "gpt2"})
recorder.collect_device_measurements(benchmark_id, 30.0, 4096, 50.0, 8192)
recorder.export_to_csv()
recorder.close()
