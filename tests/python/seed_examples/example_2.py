# Verbatim from the seed (shared/seed/000_be5df6d48a5fa92f.txt, "Usage Examples"): the test
# changes only its import line before running it.
# Example 2: Programmatic usage - create recorder and collect metrics
from benchmarks_entrypoint import create_global_metrics_recorder
import logging

logger = logging.getLogger(__name__)

# Create recorder (tries database first, falls back to CSV-only)
recorder = create_global_metrics_recorder(
    repository="huggingface/transformers",
    branch="main",
    commit_id="abc123",
    commit_msg="Optimize attention",
    generate_csv=True
)

# Initialize a new benchmark
metadata = {
    "model_name": "google/gemma-2b",
    "batch_size": "1",
    "sequence_length": "512"
}
benchmark_id = recorder.initialise_benchmark(metadata)
print(f"Started benchmark: {benchmark_id}")

# Collect device measurements (e.g., in a monitoring loop)
recorder.collect_device_measurements(
    benchmark_id=benchmark_id,
    cpu_util=45.2,
    mem_megabytes=8192,
    gpu_util=78.5,
    gpu_mem_megabytes=16384
)

# Collect model measurements
measurements = {
    "model_load_time": 2.34,
    "first_eager_forward_pass_time_secs": 0.123,
    "time_to_first_token_secs": 0.045,
    "time_to_next_token_mean_secs": 0.012
}
recorder.collect_model_measurements(benchmark_id, measurements)

# Export results to CSV
recorder.export_to_csv("my_benchmark_results")
recorder.close()
