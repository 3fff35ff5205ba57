// benchstore.import_file: benchstore-import's library call (benchstore/import.hpp) for Python. Returns
// what was imported as a dict; raises benchstore.InvalidArgument for a file refused (nothing of it stored).
#include <pybind11/stl.h>

#include "benchstore/import.hpp"
#include "bindings.hpp"

namespace benchstore::python {
namespace {

std::optional<std::string> optional_text(py::handle value, const std::string& what)
{
    if (value.is_none()) return std::nullopt;
    return to_string(value, what);
}

} // namespace

void register_import(py::module_& m)
{
    m.def(
        "import_file",
        [](py::object db, py::object file, py::object format, py::object repository, py::object branch,
           py::object commit, py::object message) {
            ImportOptions o;
            o.db_path = to_string(py::str(db), "db");
            o.format = parse_import_format(to_string(format, "format"));
            o.repository = optional_text(repository, "repository");
            o.branch = optional_text(branch, "branch");
            o.commit_id = optional_text(commit, "commit");
            o.commit_message = optional_text(message, "message");
            const std::filesystem::path path = to_string(py::str(file), "file");
            ImportResult r;
            {
                py::gil_scoped_release release;
                r = benchstore::import_file(o, path);
            }
            py::dict d;
            d["file"] = r.file.string();
            d["format"] = format_name(r.format);
            d["already_imported"] = r.already_imported;
            d["run_id"] = r.run_id;
            d["benchmarks"] = r.benchmarks;
            d["failed"] = r.failed;
            d["model_rows"] = r.model_rows;
            d["device_rows"] = r.device_rows;
            d["warnings"] = r.warnings;
            return d;
        },
        py::arg("db"), py::arg("file"), py::arg("format") = "detect", py::arg("repository") = py::none(),
        py::arg("branch") = py::none(), py::arg("commit") = py::none(), py::arg("message") = py::none(),
        "Imports a Google Benchmark, pytest-benchmark or Hugging Face benchmark_v2 JSON file, or merges another "
        "store, into the store db, as benchstore-import does: whole or not at all, and only once. format: detect, "
        "store, google-benchmark, pytest-benchmark or hf-benchmark-v2. Returns a dict of what was added.");
}

} // namespace benchstore::python
