"""python3 -m benchstore REPOSITORY BRANCH COMMIT_ID COMMIT_MSG [--csv] [--csv-output-dir DIR] ...

The seed's benchmarks_entrypoint.py command line, with benchstore-run's options: runs every benchmark
module (*.so and *.py) in the benches folder, each in its own child process, recording into the store.
Exit status as benchstore-run: 0 all succeeded, 1 anything failed or an error, 2 bad usage.
"""
import argparse
import os
import sys

import benchstore
from benchstore import _core

PROG = "python3 -m benchstore"
MAX_TIMEOUT = 31536000.0  # a year, as benchstore-run


def _timeout(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}")
    if not (value == 0 or 0.001 <= value <= MAX_TIMEOUT):
        raise argparse.ArgumentTypeError("must be 0 (no limit) or from 0.001 to 31536000 seconds")
    return value


def parse(argv):
    p = argparse.ArgumentParser(prog=PROG, description="Run the benchmark modules and record their results.")
    p.add_argument("repository")
    p.add_argument("branch")
    p.add_argument("commit_id")
    p.add_argument("commit_msg")
    p.add_argument("--db", default=benchstore.default_store_path(),
                   help="SQLite file to record into (default: $BENCHSTORE_DB, else benchmarks.db)")
    p.add_argument("--benches", default=_core.default_benches_dir, help="folder of benchmark modules")
    p.add_argument("--only", action="append", default=[], metavar="NAME",
                   help="run only these modules (repeat or comma-separate names)")
    p.add_argument("--timeout", type=_timeout, default=3600.0, help="seconds a module may run (0 = no limit)")
    p.add_argument("--csv", action="store_true", help="also export this run's results as CSV files")
    p.add_argument("--csv-output-dir", default=None, help="folder for the CSV files (default benchmark_results)")
    p.add_argument("--python", default=os.environ.get("BENCHSTORE_PYTHON") or sys.executable,
                   help="Python interpreter for *.py modules (default: $BENCHSTORE_PYTHON, else this one)")
    args = p.parse_args(argv)
    if not args.repository:
        p.error("REPOSITORY must not be empty")
    if args.csv_output_dir is not None and not args.csv:
        p.error("--csv-output-dir needs --csv")
    args.only = [name for item in args.only for name in item.split(",") if name]
    return args


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    # The package's own folder goes in front of the modules' PYTHONPATH, so they import this very
    # package even when it is not installed.
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(benchstore.__file__)))
    csv_dir = (args.csv_output_dir or "benchmark_results") if args.csv else None
    sys.stdout.flush()
    try:
        ok = _core.run_benchmarks(args.repository, args.branch, args.commit_id, args.commit_msg, args.db,
                                  args.benches, args.only, args.timeout, csv_dir, args.python, [package_parent])
    except benchstore.Error as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
