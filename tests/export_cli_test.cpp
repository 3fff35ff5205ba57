#define BOOST_TEST_MODULE export_cli
#include <boost/test/unit_test.hpp>

#include <fstream>

#include <SQLiteCpp/Database.h>

#include "benchstore/export.hpp"
#include "store/sqlite_store.hpp"
#include "support/export_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::CommandResult;
using benchstore::test::TempDir;
using benchstore::test::read_file;
using benchstore::test::shell_quote;

namespace {

const std::string tool = std::string(BENCHSTORE_BINARY_DIR) + "/tools/benchstore-export";

CommandResult export_tool(const TempDir& dir, const std::string& args)
{
    return test::run_command(shell_quote(tool) + " " + args, dir.path());
}

std::string q(const std::filesystem::path& p) { return shell_quote(p.string()); }

// An error is exactly one line on stderr, prefixed with the program name.
void check_one_line_error(const CommandResult& r, int exit_code, const std::string& fragment)
{
    BOOST_TEST(r.exit_code == exit_code);
    BOOST_TEST(r.err.rfind("benchstore-export: error: ", 0) == 0u, r.err);
    BOOST_TEST(r.err.find(fragment) != std::string::npos, r.err << " lacks " << fragment);
    if (exit_code == 1) BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
    BOOST_TEST(r.out.empty());
}

std::vector<std::filesystem::path> csv_files(const std::filesystem::path& dir)
{
    std::vector<std::filesystem::path> files;
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) return files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

BOOST_AUTO_TEST_SUITE(export_tool_cli)

BOOST_AUTO_TEST_CASE(writes_four_files_and_prints_paths_and_row_counts)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    const auto r = export_tool(dir, "--db " + q(dir / "b.db") + " --out " + q(dir / "results/nested"));
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.err.empty());
    const auto files = csv_files(dir / "results/nested");
    BOOST_REQUIRE_EQUAL(files.size(), 4u);
    const std::string stamp = files[0].filename().string().substr(std::string("benchmark_summary_").size(), 15);
    for (const auto& [name, rows] : {std::pair{"benchmarks_", "5 rows"}, {"device_measurements_", "9 rows"},
                                     {"model_measurements_", "5 rows"}, {"benchmark_summary_", "6 rows"}}) {
        const std::string line = (dir / "results/nested" / (name + stamp + ".csv")).string() + " (" + rows + ")\n";
        BOOST_TEST(r.out.find(line) != std::string::npos, r.out << " lacks " << line);
    }
    // The same bytes as the library call, golden files included.
    const char* golden[] = {"benchmark_summary.csv", "benchmarks.csv", "device_measurements.csv", "model_measurements.csv"};
    for (std::size_t i = 0; i < 4; ++i)
        BOOST_TEST(read_file(files[i]) ==
                   read_file(std::filesystem::path(BENCHSTORE_SOURCE_DIR) / "tests/golden/export" / golden[i]));
}

BOOST_AUTO_TEST_CASE(selection_options_reach_the_export)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    auto r = export_tool(dir, "--db " + q(dir / "b.db") + " --out " + q(dir / "a") + " --benchmark " +
                                  test::golden_benchmark_ids[0] + " --benchmark " + test::golden_benchmark_ids[4]);
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("benchmarks_") != std::string::npos);
    BOOST_TEST(r.out.find(" (2 rows)\n") != std::string::npos, r.out);
    r = export_tool(dir, "--db " + q(dir / "b.db") + " --out " + q(dir / "b") +
                             " --repository acme/widgets --branch main --commit c0ffee1 --status completed "
                             "--since 2025-07-29 --until 2025-07-29T20:09 --run-id run-1");
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find(" (1 row)\n") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(empty_selection_says_so_and_writes_headers)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    const auto r = export_tool(dir, "--db " + q(dir / "b.db") + " --out " + q(dir / "o") + " --branch nothing");
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("no benchmarks matched the selection") != std::string::npos, r.out);
    BOOST_TEST(csv_files(dir / "o").size() == 4u);
}

BOOST_AUTO_TEST_CASE(bad_usage_exits_2_with_a_hint)
{
    TempDir dir;
    auto r = export_tool(dir, "--no-such-option");
    check_one_line_error(r, 2, "no-such-option");
    BOOST_TEST(r.err.find("usage: benchstore-export") != std::string::npos);
    r = export_tool(dir, "--db " + q(dir / "b.db") + " stray");
    check_one_line_error(r, 2, "stray");
    r = export_tool(dir, "--db");
    check_one_line_error(r, 2, "db");
    r = export_tool(dir, "--help");
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.out.find("--benchmark") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_store_files_exit_1_with_one_line)
{
    TempDir dir;
    const std::string out = " --out " + q(dir / "out");
    check_one_line_error(export_tool(dir, "--db " + q(dir / "missing.db") + out), 1, "missing.db: no such store file");
    { std::ofstream(dir / "junk.db") << std::string(4096, 'j'); }
    check_one_line_error(export_tool(dir, "--db " + q(dir / "junk.db") + out), 1, "junk.db");
    { store::open_store(dir / "new.db", store::OpenMode::read_write); }
    { SQLite::Database raw((dir / "new.db").string(), SQLite::OPEN_READWRITE); raw.exec("PRAGMA user_version = 99"); }
    check_one_line_error(export_tool(dir, "--db " + q(dir / "new.db") + out), 1, "newer benchstore");
    BOOST_TEST(csv_files(dir / "out").empty());
}

BOOST_AUTO_TEST_CASE(bad_selection_and_output_exit_1_and_leave_the_store_unchanged)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    const std::string before = read_file(dir / "b.db");
    const std::string db = "--db " + q(dir / "b.db") + " --out " + q(dir / "out");
    check_one_line_error(export_tool(dir, db + " --benchmark 0198579a-0000-7000-8000-00000000dead"), 1,
                         "unknown benchmark id '0198579a-0000-7000-8000-00000000dead'");
    check_one_line_error(export_tool(dir, db + " --since 2025-02-30x"), 1, "2025-02-30x");
    check_one_line_error(export_tool(dir, db + " --until tomorrow"), 1, "tomorrow");
    check_one_line_error(export_tool(dir, db + " --status done"), 1, "unknown status 'done'");
    BOOST_TEST(csv_files(dir / "out").empty());
    { std::ofstream(dir / "plain-file") << "x"; }
    check_one_line_error(export_tool(dir, "--db " + q(dir / "b.db") + " --out " + q(dir / "plain-file/sub")), 1,
                         "plain-file/sub");
    BOOST_TEST(read_file(dir / "b.db") == before);
}

BOOST_AUTO_TEST_CASE(progress_on_one_updating_line_on_a_terminal_and_none_elsewhere)
{
    TempDir dir;
    test::make_golden_store(dir / "b.db");
    const std::string command = shell_quote(tool) + " --db " + q(dir / "b.db") + " --out ";
    // On a terminal (util-linux script(1) runs it on a pseudo-terminal): each file's line, rewritten
    // in place with '\r', blanked before the list of files.
    const auto tty = test::run_command("script -qec " + shell_quote(command + q(dir / "tty")) + " /dev/null", dir.path());
    BOOST_TEST_REQUIRE(tty.exit_code == 0, tty.err);
    for (const char* line : {"\rbenchmarks 0/5 rows (0%), 5 left", "\rdevice_measurements 0/9 rows (0%), 9 left",
                             "\rmodel_measurements 0/5 rows", "\rbenchmark_summary 0/6 rows"})
        BOOST_TEST(tty.out.find(line) != std::string::npos, line << " in " << tty.out);
    BOOST_TEST(tty.out.find("benchmarks_") != std::string::npos);
    // Not a terminal: not a byte of progress, only the list of files.
    const auto piped = export_tool(dir, "--db " + q(dir / "b.db") + " --out " + q(dir / "pipe"));
    BOOST_TEST(piped.exit_code == 0);
    BOOST_TEST(piped.out.find('\r') == std::string::npos);
    BOOST_TEST(piped.out.find(" left") == std::string::npos);
    BOOST_TEST(std::count(piped.out.begin(), piped.out.end(), '\n') == 4);
}

BOOST_AUTO_TEST_SUITE_END()
