// benchstore._core.run_command_line: `python3 -m benchstore`, which is benchstore-run's own command line
// (apps/cli/run_command.hpp, compiled into the extension) with this interpreter's defaults, so the two
// cannot drift apart. The GIL is released for the whole run; the runner handles Ctrl-C itself.
#include <filesystem>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.hpp"
#include "cli/run_command.hpp"

namespace benchstore::python {

void register_runner(py::module_& m)
{
    m.def(
        "run_command_line",
        [](const std::string& program, const std::vector<std::string>& args, const std::string& db,
           const std::string& db_help, const std::string& benches, const std::string& python,
           const std::vector<std::string>& python_path) {
            cli::RunCommandDefaults defaults;
            defaults.program = program;
            defaults.db = db;
            defaults.db_help = db_help;
            defaults.benches = benches;
            defaults.python = python;
            for (const auto& p : python_path) defaults.python_path.emplace_back(p);
            std::vector<const char*> argv{program.c_str()};
            for (const auto& a : args) argv.push_back(a.c_str());
            py::gil_scoped_release release;
            return cli::run_command(defaults, static_cast<int>(argv.size()), argv.data());
        },
        py::arg("program"), py::arg("args"), py::arg("db"), py::arg("db_help"), py::arg("benches"),
        py::arg("python"), py::arg("python_path"),
        "Runs benchstore-run's command line args (without the program name) with these defaults; returns "
        "its exit status (0 all succeeded, 1 anything failed, 2 bad usage).");
}

} // namespace benchstore::python
