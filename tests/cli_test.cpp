#define BOOST_TEST_MODULE cli
// The executables' shared edge (apps/cli): every one answers --version with the project's version and
// reports bad usage the same way. Black-box: runs the real binaries.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "benchstore/version.hpp"
#include "support/export_fixture.hpp"
#include "support/temp_dir.hpp"

using benchstore::test::CommandResult;
using benchstore::test::TempDir;
using benchstore::test::shell_quote;

namespace {

struct Executable {
    std::string name;
    std::string path;
    std::string needs = "--db x.db";  // what it needs to do anything (version_needs_no_other_argument...)
};

const std::vector<Executable> executables{
    {"benchstore-run", std::string(BENCHSTORE_BINARY_DIR) + "/apps/benchstore-run"},
    {"benchstore-export", std::string(BENCHSTORE_BINARY_DIR) + "/tools/benchstore-export"},
    {"benchstore-sync", std::string(BENCHSTORE_BINARY_DIR) + "/tools/benchstore-sync"},
    {"benchstore-compare", std::string(BENCHSTORE_BINARY_DIR) + "/tools/benchstore-compare"},
    {"benchstore-report", std::string(BENCHSTORE_BINARY_DIR) + "/tools/benchstore-report"},
    {"benchstore-central", std::string(BENCHSTORE_BINARY_DIR) + "/tools/benchstore-central", "retention"},
};

// Runs each executable with args in a fresh folder and hands check its name, the result and the folder.
template <typename Check>
void for_each_executable(const std::string& args, Check check)
{
    for (const auto& exe : executables) {
        BOOST_TEST_CONTEXT(exe.name)
        {
            TempDir dir;
            std::string line = args;  // "{needs}" stands for what the executable needs (Executable::needs)
            if (const auto at = line.find("{needs}"); at != std::string::npos) line.replace(at, 7, exe.needs);
            check(exe.name, benchstore::test::run_command(shell_quote(exe.path) + " " + line, dir.path()), dir);
        }
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(every_executable_answers_version_with_the_project_version)
{
    for_each_executable("--version", [](const std::string& name, const CommandResult& r, const TempDir&) {
        BOOST_TEST(r.exit_code == 0);
        BOOST_TEST(r.out == name + " " + BENCHSTORE_VERSION_STRING + "\n");
        BOOST_TEST(r.err.empty());
    });
}

BOOST_AUTO_TEST_CASE(version_needs_no_other_argument_and_touches_nothing)
{
    // benchstore-run needs four arguments, benchstore-sync needs --db, benchstore-central a command:
    // --version answers anyway, and nothing is created in the working folder.
    for_each_executable("{needs} --version", [](const std::string& name, const CommandResult& r, const TempDir& dir) {
        BOOST_TEST(r.exit_code == 0);
        BOOST_TEST(r.out == name + " " + BENCHSTORE_VERSION_STRING + "\n");
        BOOST_TEST(!std::filesystem::exists(dir / "x.db"));
    });
}

BOOST_AUTO_TEST_CASE(library_reports_the_version_of_the_headers)
{
    BOOST_TEST(std::string(benchstore::version()) == BENCHSTORE_VERSION_STRING);
    BOOST_TEST(BENCHSTORE_VERSION_STRING == std::to_string(BENCHSTORE_VERSION_MAJOR) + "." +
                                                std::to_string(BENCHSTORE_VERSION_MINOR) + "." +
                                                std::to_string(BENCHSTORE_VERSION_PATCH));
}

BOOST_AUTO_TEST_CASE(unknown_option_is_bad_usage_everywhere)
{
    for_each_executable("--no-such-option", [](const std::string& name, const CommandResult& r, const TempDir&) {
        BOOST_TEST(r.exit_code == 2);
        BOOST_TEST(r.err.rfind(name + ": error: ", 0) == 0u, r.err);
        BOOST_TEST(r.err.find("no-such-option") != std::string::npos, r.err);
        BOOST_TEST(r.err.find("\nusage: " + name + " ") != std::string::npos, r.err);
        BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 2, r.err);
        BOOST_TEST(r.out.empty());
    });
}

BOOST_AUTO_TEST_CASE(help_lists_version_and_exits_0)
{
    for_each_executable("--help", [](const std::string&, const CommandResult& r, const TempDir&) {
        BOOST_TEST(r.exit_code == 0);
        BOOST_TEST(r.out.find("--version") != std::string::npos, r.out);
        BOOST_TEST(r.err.empty());
    });
}

BOOST_AUTO_TEST_SUITE_END()
