"""The child process benchstore-run starts for a *.py benchmark module (see lib/src/runner/python_child.hpp).

It opens a MetricsRecorder on the run's store, imports the module file and calls the seed's
run_benchmark(logger, repository, branch, commit_id, commit_msg, metrics_recorder), then reports on
the pipe the runner gave it, in the words a C++ module's child uses: 'R' returned, 'L' failed to load,
'S' could not open the store, 'T' raised. sys.exit(n) reports nothing: the runner records the exit
status. The runner starts it through a small bootstrap (python_child.cpp) that reports an interpreter unable to
import this package. Not meant to be run by hand.
"""
import argparse
import importlib.util
import os
import sys
import traceback

import benchstore

MAX_REPORT_CHARS = 4000


def _report(fd, kind, message=""):
    data = (kind + message[:MAX_REPORT_CHARS]).encode("utf-8", "replace")
    while data:
        data = data[os.write(fd, data):]


def _leave(fd, code):
    # As the C++ child's _exit: threads the module left running do not keep the process alive.
    sys.stdout.flush()
    sys.stderr.flush()
    os.close(fd)
    os._exit(code)


def _describe(exc):
    text = str(exc)
    return type(exc).__name__ + (": " + text if text else "")


class _NoEntry(Exception):
    """The file imported but defines no run_benchmark."""


def _exit_code(exc):
    # What Python itself would exit with for this SystemExit.
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))  # as the seed: siblings importable
    spec.loader.exec_module(module)
    return module


def main(argv):
    parser = argparse.ArgumentParser(prog="benchstore._module_child")
    parser.add_argument("--report-fd", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--module", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("repository")
    parser.add_argument("branch")
    parser.add_argument("commit_id")
    parser.add_argument("commit_msg")
    args = parser.parse_args(argv)
    fd = args.report_fd
    logger = benchstore.runner_logger("benchstore." + args.module)
    try:
        recorder = benchstore.MetricsRecorder(args.db, logger, args.repository, args.branch, args.commit_id,
                                              args.commit_msg, run_id=args.run_id, module=args.module)
    except Exception as e:
        _report(fd, "S", _describe(e))
        _leave(fd, 5)
    try:
        module = _load(args.path, args.module)
        run = getattr(module, "run_benchmark", None)
        if not callable(run):
            raise _NoEntry(f"{args.path}: no run_benchmark function defined")
    except Exception as e:
        logger.error("cannot load %s:\n%s", args.path, traceback.format_exc().rstrip())
        _report(fd, "L", str(e) if isinstance(e, _NoEntry) else _describe(e))
        _leave(fd, 4)
    try:
        run(logger, args.repository, args.branch, args.commit_id, args.commit_msg, recorder)
    except SystemExit as e:
        _leave(fd, _exit_code(e))  # no report: the exit status speaks, as for a C++ module calling exit()
    except BaseException as e:  # KeyboardInterrupt too: the module did not return
        logger.error("run_benchmark raised:\n%s", traceback.format_exc().rstrip())
        _report(fd, "T", _describe(e))
        _leave(fd, 3)
    recorder.close()
    _report(fd, "R")
    _leave(fd, 0)


if __name__ == "__main__":
    main(sys.argv[1:])
