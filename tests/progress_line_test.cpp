#define BOOST_TEST_MODULE progress_line
#include <boost/test/unit_test.hpp>

// The updating progress line: its text, its throttle, silence off a terminal, and benchstore-sync
// on a real pseudo-terminal (script(1)) against one whose output is a file.
#include <cstdio>
#include <memory>
#include <string>

#include "core/progress_line.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using namespace benchstore::test;
using namespace std::chrono_literals;

namespace {

std::string contents(std::FILE* f)
{
    std::fflush(f);
    std::rewind(f);
    std::string s;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
    return s;
}

using File = std::unique_ptr<std::FILE, decltype(&std::fclose)>;

std::string shell_quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace

BOOST_AUTO_TEST_SUITE(progress_line)

BOOST_AUTO_TEST_CASE(formats_rows_rate_and_what_is_left)
{
    BOOST_TEST(group_thousands(0) == "0");
    BOOST_TEST(group_thousands(999) == "999");
    BOOST_TEST(group_thousands(1234567) == "1,234,567");
    BOOST_TEST(format_progress("sync device_measurements", 0, 1'000'000, 0) ==
               "sync device_measurements 0/1,000,000 rows (0%), 1,000,000 left");
    BOOST_TEST(format_progress("sync device_measurements", 120'000, 1'000'000, 3) ==
               "sync device_measurements 120,000/1,000,000 rows (12%), 40,000 rows/s, 880,000 left, ~22 s");
    BOOST_TEST(format_progress("t", 1'000, 10'000'000, 1) == "t 1,000/10,000,000 rows (0%), 1,000 rows/s, 9,999,000 "
                                                            "left, ~2 h 46 min");
    BOOST_TEST(format_progress("t", 5, 5, 1) == "t 5/5 rows (100%), 5 rows/s, 0 left");
    BOOST_TEST(format_progress("t", 0, 0, 0) == "t 0/0 rows, 0 left");
    BOOST_TEST(format_progress("t", 7, 5, 1) == "t 5/5 rows (100%), 5 rows/s, 0 left");  // clamped
}

BOOST_AUTO_TEST_CASE(on_a_terminal_rewrites_one_line_a_few_times_a_second)
{
    File f(std::tmpfile(), &std::fclose);
    const auto t0 = ProgressLine::Clock::time_point{} + 1h;
    {
        ProgressLine line(f.get(), ProgressLine::Terminal::yes, 250ms);
        BOOST_TEST(line.enabled());
        line.update("first line", ProgressLine::Force::no, t0);
        line.update("dropped", ProgressLine::Force::no, t0 + 100ms);
        line.update("short", ProgressLine::Force::no, t0 + 300ms);
        line.update("forced", ProgressLine::Force::yes, t0 + 310ms);
    }  // the destructor clears the line
    BOOST_TEST(contents(f.get()) == "\rfirst line\rshort     \rforced\r      \r");
}

BOOST_AUTO_TEST_CASE(off_a_terminal_writes_nothing)
{
    File f(std::tmpfile(), &std::fclose);
    {
        ProgressLine line(f.get());  // detect: a regular file is not a terminal
        BOOST_TEST(!line.enabled());
        line.update("anything", ProgressLine::Force::yes);
        line.clear();
    }
    BOOST_TEST(contents(f.get()).empty());
}

BOOST_AUTO_TEST_CASE(benchstore_sync_shows_progress_on_a_terminal_only)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{2, 300, 1}, 41);
    const auto conninfo = pg.conninfo(pg.create_database());
    const auto quiet = run_sync({"--db", (dir / "b.db").string(), "--dsn", conninfo, "--batch-rows", "100"});
    BOOST_TEST(quiet.status == 0, quiet.err);
    BOOST_TEST(!contains(quiet.out, "\r"));
    BOOST_TEST(!contains(quiet.out, "rows/s, "));

    // script(1) gives the program a pseudo-terminal and copies what it shows to our pipe.
    add_rows(dir / "b.db", StoreShape{2, 300, 1}, 42);
    const std::string command = built_program("tools/benchstore-sync").string() + " --db " +
                                (dir / "b.db").string() + " --batch-rows 100 --dsn " + shell_quote(conninfo);
    std::FILE* pipe = popen(("script -qec " + shell_quote(command) + " /dev/null").c_str(), "r");
    BOOST_REQUIRE(pipe != nullptr);
    std::string shown;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) shown.append(buf, n);
    const int status = pclose(pipe);
    BOOST_TEST(status == 0, shown);
    BOOST_TEST(contains(shown, "\rsync device_measurements 0/600 rows (0%)"), shown);
    BOOST_TEST(contains(shown, "sync device_measurements 600/600 rows (100%)"), shown);
    BOOST_TEST(!contains(shown, pg.password()));
}

BOOST_AUTO_TEST_SUITE_END()
