# Verbatim from the seed (shared/seed/000_be5df6d48a5fa92f.txt, "Usage Examples"): the test
# changes only its import line before running it.
# Example 6: Database-only mode (disable CSV)
recorder = create_global_metrics_recorder(
    repository="huggingface/transformers",
    branch="main",
    commit_id="abc123",
    commit_msg="Test commit",
    generate_csv=False  # No CSV files will be created
)

benchmark_id = recorder.initialise_benchmark({"model": "bert-base"})
# Data only goes to database
recorder.collect_device_measurements(benchmark_id, 40.0, 6144, 60.0, 12288)
recorder.close()
