#define BOOST_TEST_MODULE cli
// The executables' shared edge (apps/cli): every one answers --version with the project's version and
// reports bad usage the same way. Black-box: runs the real binaries.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "benchstore/metrics_recorder.hpp"
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

// An unset variable in a script (--repository "$REPO") must not widen the selection to everything:
// every selection option refuses an empty value as bad usage, naming the option.
BOOST_AUTO_TEST_CASE(an_empty_selection_value_is_bad_usage)
{
    TempDir dir;
    const auto db = dir / "b.db";
    for (const char* commit : {"c1", "c2"}) {
        auto rec = benchstore::create_global_metrics_recorder("acme/w", "main", commit, "msg", db);
        rec.collect_model_measurements(rec.initialise_benchmark({}), {{"t", 1.0}});
    }
    const std::string at = " --db " + shell_quote(db.string()) + " ";
    const std::vector<std::string> all{"benchmark", "run-id", "repository", "branch", "commit", "since", "until", "status"};
    const std::vector<std::pair<Executable, std::vector<std::string>>> tools{
        {executables[1], all}, {executables[4], all}, {executables[3], {"repository", "since", "until", "status"}}};
    for (const auto& [exe, options] : tools) {
        for (const auto& option : options) {
            BOOST_TEST_CONTEXT(exe.name << " --" << option)
            {
                std::string args = at + "--" + option + " ''";
                if (exe.name == "benchstore-export") args += " --out " + shell_quote((dir / "out").string());
                if (exe.name == "benchstore-report") args += " --out " + shell_quote((dir / "r.html").string());
                if (exe.name == "benchstore-compare") args += " commit:c1 commit:c2";
                const auto r = benchstore::test::run_command(shell_quote(exe.path) + args, dir.path());
                BOOST_TEST(r.exit_code == 2, r.out << r.err);
                BOOST_TEST(r.err.rfind(exe.name + ": error: --" + option + " ", 0) == 0u, r.err);
                BOOST_TEST(r.err.find("empty") != std::string::npos, r.err);
                BOOST_TEST(!std::filesystem::exists(dir / "out"));
                BOOST_TEST(!std::filesystem::exists(dir / "r.html"));
            }
        }
    }
}

// A malformed option value is bad usage: exit 2, and the error names the option as it was typed
// (not a library field such as max_points_per_series, nor cxxopts' "Argument '-1' failed to parse")
// and the value. Nothing is read or written first.
BOOST_AUTO_TEST_CASE(a_malformed_option_value_is_bad_usage_naming_the_option)
{
    struct Case {
        const Executable& exe;
        std::string args;    // the malformed part
        std::string option;  // as typed
        std::string value;   // as typed
    };
    const auto& run = executables[0];
    const auto& sync = executables[2];
    const auto& compare = executables[3];
    const auto& report = executables[4];
    const std::vector<Case> cases{
        {compare, "--threshold nan", "--threshold", "nan"},
        {compare, "--threshold inf", "--threshold", "inf"},
        {compare, "--threshold -5", "--threshold", "-5"},
        {compare, "--threshold m=-5", "--threshold", "m=-5"},
        {compare, "--threshold m=nan", "--threshold", "m=nan"},
        {compare, "--threshold m=inf", "--threshold", "m=inf"},
        {compare, "--last -1", "--last", "-1"},
        {compare, "--last 2.5", "--last", "2.5"},
        {compare, "--alpha nan", "--alpha", "nan"},
        {report, "--max-points 0", "--max-points", "0"},
        {report, "--max-points 3", "--max-points", "3"},
        {report, "--max-points -1", "--max-points", "-1"},
        {report, "--max-points many", "--max-points", "many"},
        {report, "--max-device-charts -1", "--max-device-charts", "-1"},
        {sync, "--batch-rows many", "--batch-rows", "many"},
        {sync, "--batch-rows 0", "--batch-rows", "0"},
        {sync, "--statement-timeout 1.5", "--statement-timeout", "1.5"},
        {sync, "--watch soon", "--watch", "soon"},
        {sync, "--watch nan", "--watch", "nan"},
        {run, "--timeout soon", "--timeout", "soon"},
        {run, "--timeout nan", "--timeout", "nan"},
        {run, "--repeat x", "--repeat", "x"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.exe.name << " " << c.args)
        {
            TempDir dir;
            std::string args = " " + c.args;
            if (c.exe.name == "benchstore-compare") args += " --db x.db commit:a commit:b";
            if (c.exe.name == "benchstore-report") args += " --db x.db --out r.html";
            if (c.exe.name == "benchstore-sync") args += " --db x.db --dsn host=nowhere.invalid";
            if (c.exe.name == "benchstore-run") args += " acme/w main c1 msg --db x.db";
            const auto r = benchstore::test::run_command(shell_quote(c.exe.path) + args, dir.path());
            BOOST_TEST(r.exit_code == 2, r.out << r.err);
            BOOST_TEST(r.err.rfind(c.exe.name + ": error: " + c.option + " ", 0) == 0u, r.err);
            BOOST_TEST(r.err.find("'" + c.value + "'") != std::string::npos, r.err);
            BOOST_TEST(r.err.find("\nusage: " + c.exe.name + " ") != std::string::npos, r.err);
            BOOST_TEST(!std::filesystem::exists(dir / "x.db"));
            BOOST_TEST(!std::filesystem::exists(dir / "r.html"));
        }
    }
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
