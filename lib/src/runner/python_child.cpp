#include "runner/python_child.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace benchstore::runner {
namespace {

// Imports the module child; an interpreter that cannot import the package (another installation, the
// package not installed) is reported on the pipe as a load failure naming the interpreter, not left to
// read as an exit status. argv[1:3] are "--report-fd N".
constexpr const char* bootstrap = R"(import os, sys
try:
    from benchstore import _module_child
except BaseException as e:
    os.write(int(sys.argv[2]), ("Lcannot import the benchstore package with " + sys.executable + ": " +
                                type(e).__name__ + ": " + str(e)).encode("utf-8", "replace")[:4000])
    os._exit(4)
_module_child.main(sys.argv[1:])
)";

} // namespace

std::string exec_python_module(const ModuleJob& job, int report_fd) noexcept
{
    try {
        fcntl(report_fd, F_SETFD, 0);  // the pipe was opened close-on-exec
        std::string path_var;
        for (const auto& p : job.python_path) path_var += (path_var.empty() ? "" : ":") + p.string();
        if (const char* old = std::getenv("PYTHONPATH"); old && *old) path_var += (path_var.empty() ? "" : ":") + std::string(old);
        if (!path_var.empty()) setenv("PYTHONPATH", path_var.c_str(), 1);
        setenv("PYTHONUNBUFFERED", "1", 1);

        const RecorderOptions& o = job.recorder_options;
        // faulthandler: a crash in an extension also prints the Python stack to stderr (the process
        // still dies of the signal, which is what the runner records).
        std::vector<std::string> args = {job.python.string(), "-X", "faulthandler", "-c", bootstrap,
                                         "--report-fd", std::to_string(report_fd), "--db", o.db_path.string(),
                                         "--run-id", o.run_id, "--module", o.module, "--path", job.path.string(),
                                         "--", o.repository, o.branch, o.commit_id, o.commit_message};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        return "cannot run the Python interpreter " + job.python.string() + ": " + std::strerror(errno);
    } catch (...) {
        return "cannot run the Python interpreter " + job.python.string();
    }
}

} // namespace benchstore::runner
