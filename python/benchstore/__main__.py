"""python3 -m benchstore REPOSITORY BRANCH COMMIT_ID COMMIT_MSG [--csv] [--csv-output-dir DIR] ...

The seed's benchmarks_entrypoint.py command line, which is benchstore-run's: the options are parsed by
benchstore-run's own definition (compiled into the extension), so the two cannot drift apart. Runs every
benchmark module (*.so and *.py) in the benches folder, each in its own child process, recording into
the store. Here the store defaults to $BENCHSTORE_DB (else benchmarks.db) and *.py modules run with this
interpreter, importing this very package. Exit status as benchstore-run: 0 all succeeded, 1 anything
failed or an error, 2 bad usage.
"""
import os
import sys
from typing import List, Optional

import benchstore
from benchstore import _core

PROG = "python3 -m benchstore"


def main(argv: Optional[List[str]] = None) -> int:
    # The package's own folder goes in front of the modules' PYTHONPATH, so they import this very
    # package even when it is not installed.
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(benchstore.__file__)))
    sys.stdout.flush()
    sys.stderr.flush()
    args = sys.argv[1:] if argv is None else list(argv)
    return _core.run_command_line(PROG, args, db=benchstore.default_store_path(),
                                  db_help="from $" + benchstore.STORE_ENV_VAR + " when set",
                                  benches=_core.default_benches_dir, python=sys.executable,
                                  python_path=[package_parent])


if __name__ == "__main__":
    sys.exit(main())
