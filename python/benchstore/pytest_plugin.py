"""pytest plugin: records every pytest-benchmark benchmark of a session into a benchstore store.

    pytest --benchstore-db benchmarks.db [--benchstore-repository R] [--benchstore-branch B]
           [--benchstore-commit C] [--benchstore-message M] [--benchstore-sample]

Registered as a pytest11 entry point by the wheel (from a build tree: -p benchstore.pytest_plugin); it does
nothing unless --benchstore-db is given. Each test that used pytest-benchmark's `benchmark` fixture
becomes one benchmark as soon as it finishes (committed then, so a session stopped with Ctrl-C keeps what
finished): metadata "test" (the full test name), "name", "group", "params" (JSON) and every extra_info
entry as "extra_info.KEY"; one model_measurements row per round, {"seconds": time of one iteration in
that round}; status completed, or failed with the reason when the test failed. The run's repository,
branch, commit and message come from the options, else from git (the work tree pytest runs in), else the
session stops with a usage error naming the option. --benchstore-sample records the session process's
device samples (every 100 ms) into one more benchmark, metadata {"pytest_session": "device samples"}.
benchstore-compare then judges the rounds of two sessions (two commits) like any other samples.
"""
import json
import os
import subprocess
import uuid
from typing import Any, Dict, List, Optional

import pytest

STORE_KEY = "_benchstore_session"
METRIC = "seconds"


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("benchstore", "benchstore: record pytest-benchmark results into a SQLite store")
    group.addoption("--benchstore-db", metavar="FILE", default=None,
                    help="record every benchmark of this session into FILE (off unless given)")
    group.addoption("--benchstore-repository", metavar="NAME", default=None,
                    help="the run's repository (default: from git's origin remote, else the work tree's folder name)")
    group.addoption("--benchstore-branch", metavar="NAME", default=None, help="the run's branch (default: git's)")
    group.addoption("--benchstore-commit", metavar="ID", default=None, help="the run's commit id (default: git's HEAD)")
    group.addoption("--benchstore-message", metavar="TEXT", default=None,
                    help="the run's commit message (default: git's HEAD subject)")
    group.addoption("--benchstore-sample", action="store_true", default=False,
                    help="also record this process's device samples (CPU, memory, GPU) every 100 ms")


def _git(args: List[str], cwd: str) -> Optional[str]:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _repository_from_git(cwd: str) -> Optional[str]:
    """owner/name from the origin remote's URL, else the work tree's folder name."""
    url = _git(["remote", "get-url", "origin"], cwd)
    if url:
        parts = url.rstrip("/").removesuffix(".git").replace(":", "/").split("/")
        if len(parts) >= 2 and parts[-2] and parts[-1]:
            return parts[-2] + "/" + parts[-1]
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    return os.path.basename(top) if top else None


def _run_identity(config: Any) -> Dict[str, str]:
    cwd = str(config.rootpath) if hasattr(config, "rootpath") else os.getcwd()
    from_git = {
        "repository": lambda: _repository_from_git(cwd),
        "branch": lambda: _git(["rev-parse", "--abbrev-ref", "HEAD"], cwd),
        "commit": lambda: _git(["rev-parse", "HEAD"], cwd),
        "message": lambda: _git(["log", "-1", "--format=%s"], cwd),
    }
    identity = {}
    for key, guess in from_git.items():
        value = config.getoption("benchstore_" + key)
        if value is None:
            value = guess()
        if value is None:
            raise pytest.UsageError(f"benchstore: no --benchstore-{key} given and git cannot tell it here ({cwd}); "
                                    f"pass --benchstore-{key}")
        identity[key] = value
    return identity


class _Recording:
    """The session's recorder, and what the hooks record through it."""

    def __init__(self, config: Any) -> None:
        import benchstore

        identity = _run_identity(config)
        try:
            self.recorder = benchstore.MetricsRecorder(config.getoption("benchstore_db"), None, identity["repository"],
                                                       identity["branch"], identity["commit"], identity["message"],
                                                       run_id=str(uuid.uuid4()))
        except benchstore.Error as e:
            raise pytest.UsageError(f"benchstore: {e}") from e
        self.sampler: Optional[Any] = None
        self.session_benchmark: Optional[str] = None
        if config.getoption("benchstore_sample"):
            self.session_benchmark = self.recorder.initialise_benchmark({"pytest_session": "device samples"})
            self.sampler = benchstore.DeviceSampler(self.recorder, self.session_benchmark)

    def record(self, fixture: Any, failure: Optional[str]) -> None:
        stats = fixture.stats
        metadata = {"test": str(stats.fullname), "name": str(stats.name), "group": str(stats.group or ""),
                    "params": json.dumps(stats.params, sort_keys=True, default=str) if stats.params else ""}
        for key, value in (stats.extra_info or {}).items():
            metadata["extra_info." + str(key)] = value if isinstance(value, str) else json.dumps(value, default=str)
        bid = self.recorder.initialise_benchmark(metadata)
        for seconds in stats.stats.data:
            self.recorder.collect_model_measurements(bid, {METRIC: seconds})
        if failure is None:
            self.recorder.set_status(bid, "completed")
        else:
            self.recorder.set_status(bid, "failed", failure)

    def close(self) -> None:
        try:
            if self.sampler is not None:
                self.sampler.stop()
                self.recorder.set_status(self.session_benchmark or "", "completed")
        finally:
            self.recorder.close()


def pytest_configure(config: Any) -> None:
    if config.getoption("benchstore_db"):
        setattr(config, STORE_KEY, _Recording(config))


def pytest_unconfigure(config: Any) -> None:
    recording = getattr(config, STORE_KEY, None)
    if recording is not None:
        setattr(config, STORE_KEY, None)
        recording.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    outcome = yield
    recording = getattr(item.config, STORE_KEY, None)
    if recording is None or call.when != "call":
        return
    fixture = getattr(item, "funcargs", {}).get("benchmark")
    # A fixture that timed nothing (disabled, skipped, raised before the first round) has no rounds.
    stats = getattr(fixture, "stats", None)
    if stats is None or not stats.stats.data:
        return
    report = outcome.get_result()
    recording.record(fixture, None if report.passed else f"test {report.outcome}")
