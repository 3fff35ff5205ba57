#pragma once
// Running a *.py benchmark module: the runner's child process executes the Python interpreter on
// benchstore's module child (python/benchstore/_module_child.py), which opens a
// benchstore.MetricsRecorder on the store, imports the file and calls the seed's
//     run_benchmark(logger, repository, branch, commit_id, commit_msg, metrics_recorder)
// Internal to the runner.
//
// The child speaks for the module on the same report pipe and in the same words as a C++ module's
// child (module_process.cpp): one kind letter then the message — 'R' returned, 'L' failed to load
// (import error, no run_benchmark), 'S' could not open the store, 'T' raised ("ValueError: boom"; the
// traceback goes to the log). sys.exit(n) sends no report, so it reads as "exited with status n";
// a segfault in an extension or a hang past the timeout are seen by the parent as for C++ modules.
#include <string>

#include "runner/module_process.hpp"

namespace benchstore::runner {

// In the forked child: makes report_fd survive exec, puts job.python_path in front of PYTHONPATH,
// sets PYTHONUNBUFFERED (print() and log lines keep their order) and executes job.python. Returns
// only when the interpreter could not be executed, with the reason ("cannot run the Python
// interpreter python3: No such file or directory").
std::string exec_python_module(const ModuleJob& job, int report_fd) noexcept;

} // namespace benchstore::runner
