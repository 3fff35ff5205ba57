// benchstore._core.run_benchmarks: the runner behind `python3 -m benchstore`, the same library call
// benchstore-run makes, with the GIL released for the whole run.
#include <cmath>
#include <iostream>

#include <pybind11/stl.h>

#include "benchstore/logger.hpp"
#include "benchstore/runner.hpp"
#include "bindings.hpp"

namespace benchstore::python {

void register_runner(py::module_& m)
{
    m.def(
        "run_benchmarks",
        [](const std::string& repository, const std::string& branch, const std::string& commit_id,
           const std::string& commit_msg, const std::string& db, const std::string& benches,
           const std::vector<std::string>& only, double timeout, std::optional<std::string> csv_output_dir,
           const std::string& python, const std::vector<std::string>& python_path) {
            RunnerOptions o;
            o.repository = repository;
            o.branch = branch;
            o.commit_id = commit_id;
            o.commit_msg = commit_msg;
            o.db_path = db;
            o.benches_dir = benches;
            o.only = only;
            o.timeout = std::chrono::milliseconds(std::llround(timeout * 1000));
            if (csv_output_dir) o.csv_output_dir = *csv_output_dir;
            o.python = python;
            for (const auto& p : python_path) o.python_path.emplace_back(p);
            py::gil_scoped_release release;
            Logger logger;
            const RunSummary summary = run_benchmarks(o, logger);
            std::cout << describe_results(summary) << std::flush;
            return summary.all_succeeded();
        },
        py::arg("repository"), py::arg("branch"), py::arg("commit_id"), py::arg("commit_msg"), py::arg("db"),
        py::arg("benches"), py::arg("only"), py::arg("timeout"), py::arg("csv_output_dir"), py::arg("python"),
        py::arg("python_path"),
        "Runs the benchmark modules as benchstore-run does; returns True when everything succeeded.");
}

} // namespace benchstore::python
