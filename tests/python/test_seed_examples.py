"""The seed's usage examples 2, 3, 4 and 6, run with only the import line changed
(`from benchmarks_entrypoint import` -> `from benchstore import`), leave the expected rows in the store."""
import json
import pathlib
import re
import uuid

from conftest import TIMESTAMP_PATTERN, count, rows, run_runner, run_script

EXAMPLES = pathlib.Path(__file__).parent / "seed_examples"
ORIGINAL_IMPORT = "from benchmarks_entrypoint import"
CHANGED_IMPORT = "from benchstore import"


def changed_copy(name, folder, prepend_import=None):
    """The example with its import line changed; asserts nothing else differs."""
    original = (EXAMPLES / name).read_text()
    if prepend_import:
        # Example 6 continues example 2's session and has no import line of its own: it gets example
        # 2's (changed) import line in front, and nothing else.
        changed = prepend_import + "\n" + original
    else:
        changed = original.replace(ORIGINAL_IMPORT, CHANGED_IMPORT)
    diff = [(a, b) for a, b in zip(original.splitlines(), changed.splitlines()) if a != b]
    assert len(diff) <= 1 or prepend_import
    path = folder / name
    path.write_text(changed)
    return path


def benchmarks(db):
    return rows(db, "SELECT benchmark_id, repository, branch, commit_id, commit_message, metadata, status "
                    "FROM benchmarks")


def device_rows(db):
    return rows(db, "SELECT cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time FROM device_measurements")


def test_example_2_programmatic_usage(tmp_path):
    script = changed_copy("example_2.py", tmp_path)
    db = tmp_path / "store.db"
    result = run_script(script, tmp_path, BENCHSTORE_DB=db)
    assert result.returncode == 0, result.stderr
    [(bid, repo, branch, commit, message, metadata, status)] = benchmarks(db)
    assert uuid.UUID(bid).version == 7
    assert f"Started benchmark: {bid}" in result.stdout
    assert (repo, branch, commit, message) == ("huggingface/transformers", "main", "abc123", "Optimize attention")
    assert json.loads(metadata) == {"model_name": "google/gemma-2b", "batch_size": "1", "sequence_length": "512"}
    [(cpu, mem, gpu, gpu_mem, time)] = device_rows(db)
    assert (cpu, mem, gpu, gpu_mem) == (45.2, 8192.0, 78.5, 16384.0)
    assert re.match(TIMESTAMP_PATTERN, time)
    [(measurements,)] = rows(db, "SELECT measurements FROM model_measurements")
    assert json.loads(measurements) == {"model_load_time": 2.34, "first_eager_forward_pass_time_secs": 0.123,
                                        "time_to_first_token_secs": 0.045, "time_to_next_token_mean_secs": 0.012}
    # generate_csv=True: export_to_csv wrote the seed's four files.
    files = sorted(p.name.rsplit("_", 2)[0] for p in (tmp_path / "my_benchmark_results").iterdir())
    assert files == ["benchmark_summary", "benchmarks", "device_measurements", "model_measurements"]


def test_example_3_csv_only_mode_records_into_the_default_store(tmp_path):
    script = changed_copy("example_3.py", tmp_path)
    result = run_script(script, tmp_path)  # no BENCHSTORE_DB: benchmarks.db in the working folder
    assert result.returncode == 0, result.stderr
    db = tmp_path / "benchmarks.db"
    [(_, repo, branch, commit, message, metadata, _)] = benchmarks(db)
    assert (repo, branch, commit, message) == ("huggingface/transformers", "dev", "xyz789", "Add new model")
    assert json.loads(metadata) == {"model": "gpt2"}
    assert [r[:4] for r in device_rows(db)] == [(30.0, 4096.0, 50.0, 8192.0)]
    assert len(list((tmp_path / "benchmark_results").glob("*.csv"))) == 4


def test_example_6_database_only_mode_writes_no_csv(tmp_path):
    script = changed_copy("example_6.py", tmp_path,
                          prepend_import="from benchstore import create_global_metrics_recorder")
    db = tmp_path / "store.db"
    result = run_script(script, tmp_path, BENCHSTORE_DB=db)
    assert result.returncode == 0, result.stderr
    [(_, _, _, _, message, metadata, _)] = benchmarks(db)
    assert message == "Test commit" and json.loads(metadata) == {"model": "bert-base"}
    assert [r[:4] for r in device_rows(db)] == [(40.0, 6144.0, 60.0, 12288.0)]
    assert not (tmp_path / "benchmark_results").exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".csv"] == []


def test_example_4_custom_module_runs_in_the_runner(tmp_path):
    benches = tmp_path / "benches"
    benches.mkdir()
    text = (EXAMPLES / "example_4.py").read_text()
    assert ORIGINAL_IMPORT not in text  # imports only time and logging: nothing to change
    (benches / "my_custom_benchmark.py").write_text(text)
    db = tmp_path / "store.db"
    result = run_runner(benches, db)
    assert result.returncode == 0, result.stdout + result.stderr
    [(bid, repo, branch, commit, message, metadata, status)] = benchmarks(db)
    assert (repo, branch, commit, message, status) == ("acme/widgets", "main", "abc123", "Fix things", "completed")
    assert json.loads(metadata) == {"test_name": "custom_test", "framework": "pytorch"}
    [(measurements,)] = rows(db, "SELECT measurements FROM model_measurements")
    values = json.loads(measurements)
    assert list(values) == ["total_time_secs", "iterations"] and values["iterations"] == 100
    assert rows(db, "SELECT module FROM benchmarks") == [("my_custom_benchmark",)]
    # The module's logger writes the runner's format.
    assert re.search(r"^\[INFO - \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] Running custom benchmark$", result.stdout, re.M)
    assert f"] Completed benchmark {bid}" in result.stdout
    assert count(db, "device_measurements") == 0
