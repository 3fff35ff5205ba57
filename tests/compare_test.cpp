#define BOOST_TEST_MODULE compare
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "benchstore/compare.hpp"
#include "benchstore/error.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "support/compare_fixture.hpp"
#include "support/export_fixture.hpp"
#include "support/runner_cli.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using namespace benchstore::test::compare_fixture;
using benchstore::test::TempDir;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(black_box)

// The issue's "done when": benchstore-run --repeat 10 on two commits, the second 10% slower, then
// benchstore-compare branch:main commit:HEAD prints the table and exits 4.
BOOST_AUTO_TEST_CASE(finds_a_planted_10_percent_slowdown_with_10_repetitions)
{
    TempDir dir;
    const fs::path benches = dir / "benches";
    fs::create_directories(benches);
    fs::copy_file(test::runner::modules_dir / "timed_module.so", benches / "timed_module.so");
    const auto run = [&](const std::string& commit, const char* slowdown) {
        const auto r = test::runner::run_runner(dir, {"acme/w", "main", commit, "msg", "--db", (dir / "b.db").string(),
                                                      "--benches", benches.string(), "--repeat", "10"},
                                                {{"BENCHSTORE_TEST_SLOWDOWN", slowdown}});
        BOOST_REQUIRE_EQUAL(r.status, 0);
    };
    run("aaaa1111", "1.0");
    run("bbbb2222", "1.1");

    const auto r = run_compare(dir, "--db " + test::shell_quote((dir / "b.db").string()) + " branch:main commit:HEAD");
    BOOST_TEST_MESSAGE(r.out << r.err);
    BOOST_TEST(r.exit_code == 4);
    BOOST_TEST(r.out.find("timed_module {\"test\":\"timed\"}") != std::string::npos);
    BOOST_TEST(r.out.find("REGRESSION") != std::string::npos);

    const auto result = compare(options(dir / "b.db", "branch:main", "commit:HEAD"));
    BOOST_TEST(result.base.commits == std::vector<std::string>{"aaaa1111"});
    BOOST_TEST(result.head.commits == std::vector<std::string>{"bbbb2222"});
    const auto& latency = row(result, "latency_secs");
    BOOST_TEST(latency.base_count == 10u);
    BOOST_TEST(latency.head_count == 10u);
    BOOST_TEST(latency.verdict == Verdict::regression);
    BOOST_TEST(*latency.change_percent > 5.0);
    const auto& throughput = row(result, "throughput_items_per_sec");
    BOOST_TEST(throughput.higher_is_better);
    BOOST_TEST(throughput.verdict == Verdict::regression);  // lower throughput is worse
}

BOOST_AUTO_TEST_CASE(every_output_format_parses)
{
    TempDir dir;
    const auto db = dir / "b.db";
    std::mt19937_64 rng(7);
    std::normal_distribution<double> noise(100.0, 1.0);
    std::vector<double> a, b;
    for (int i = 0; i < 12; ++i) a.push_back(noise(rng));
    for (int i = 0; i < 12; ++i) b.push_back(noise(rng) * 1.2);
    record(db, {"c1"}, {{"model", "x, \"quoted\""}}, samples("latency_ms", a));
    record(db, {"c2"}, {{"model", "x, \"quoted\""}}, samples("latency_ms", b));
    record(db, {"c1"}, {{"model", "gone"}}, samples("latency_ms", {1.0}));

    const std::string base = "--db " + test::shell_quote(db.string()) + " commit:c1 commit:c2 --format ";
    const auto csv = run_compare(dir, base + "csv");
    BOOST_TEST(csv.exit_code == 4);
    std::ofstream(dir / "out.csv") << csv.out;
    const auto json = run_compare(dir, base + "json");
    BOOST_TEST(json.exit_code == 4);
    std::ofstream(dir / "out.json") << json.out;
    const auto md = run_compare(dir, base + "markdown");
    BOOST_TEST(md.exit_code == 4);
    BOOST_TEST(md.out.find("| benchmark | metric |") != std::string::npos);
    BOOST_TEST(md.out.find("only in base: mod {\"model\":\"gone\"}") != std::string::npos);
    const auto table = run_compare(dir, base + "table");
    BOOST_TEST(table.out.find("\x1b[") == std::string::npos);  // not a terminal: no colour

    const std::string check = R"(
import json, sys
import pandas as pd
d = pd.read_csv(sys.argv[1], keep_default_na=False)
assert list(d.columns)[:4] == ["identity", "module", "metadata", "metric"], list(d.columns)
r = d[d.verdict == "regression"].iloc[0]
assert r.metadata == '{"model":"x, \\"quoted\\""}', r.metadata
assert int(r.base_count) == 12 and int(r.head_count) == 12
assert float(r.p_value) < 0.05 and float(r.p_value_adjusted) >= float(r.p_value)
assert (d.verdict == "only_base").sum() == 1
j = json.load(open(sys.argv[2]))
assert j["regressions"] == 1 and j["comparisons"] == 1, j
assert j["only_base"] == ['mod {"model":"gone"}'], j["only_base"]
assert j["rows"][0]["verdict"] == "regression"
assert abs(j["rows"][0]["p_value"] - float(r.p_value)) == 0
)";
    std::ofstream(dir / "check.py") << check;
    const auto py = test::run_command("cd " + test::shell_quote(dir.path().string()) +
                                          " && /usr/bin/python3 check.py out.csv out.json", dir.path());
    BOOST_TEST(py.exit_code == 0, py.err);
}

BOOST_AUTO_TEST_CASE(different_hosts_are_refused_unless_allowed)
{
    TempDir dir;
    const auto db = dir / "b.db";
    record(db, {"c1", "machine-a"}, {{"m", "1"}}, samples("t", {1, 2, 3}));
    record(db, {"c2", "machine-b"}, {{"m", "1"}}, samples("t", {1, 2, 3}));
    BOOST_CHECK_THROW(compare(options(db, "commit:c1", "commit:c2")), HostMismatchError);
    auto o = options(db, "commit:c1", "commit:c2");
    o.hosts = HostPolicy::warn;
    const auto r = compare(o);
    BOOST_TEST(r.hosts_differ);
    BOOST_REQUIRE(!r.warnings.empty());
    BOOST_TEST(r.warnings.front().find("different hosts") != std::string::npos);

    const std::string args = "--db " + test::shell_quote(db.string()) + " commit:c1 commit:c2";
    const auto refused = run_compare(dir, args);
    BOOST_TEST(refused.exit_code == 1);
    BOOST_TEST(refused.err.find("benchstore-compare: error: base and head ran on different hosts") == 0u, refused.err);
    const auto allowed = run_compare(dir, args + " --allow-host-mismatch");
    BOOST_TEST(allowed.exit_code == 0);
    BOOST_TEST(allowed.out.find("WARNING: base and head ran on different hosts") != std::string::npos, allowed.out);
}

// The same host name on a machine with other hardware (or a new kernel) is another host.
BOOST_AUTO_TEST_CASE(a_changed_machine_under_the_same_name_is_another_host)
{
    TempDir dir;
    const auto db = dir / "b.db";
    for (const auto& [commit, cores] : {std::pair{"c1", "8"}, std::pair{"c2", "16"}}) {
        RecorderOptions o;
        o.db_path = db;
        o.repository = "r";
        o.commit_id = commit;
        o.host = "bench-1";
        o.host_info = {{"cpu_model", "X"}, {"logical_cores", cores}};
        MetricsRecorder rec(o);
        const auto id = rec.initialise_benchmark({});
        rec.collect_model_measurements(id, {{"t", 1.0}});
    }
    try {
        compare(options(db, "commit:c1", "commit:c2"));
        BOOST_FAIL("expected HostMismatchError");
    } catch (const HostMismatchError& e) {
        BOOST_TEST(std::string(e.what()).find(R"(bench-1 {"cpu_model":"X","logical_cores":"16"})") != std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(usage_and_errors_have_their_exit_status)
{
    TempDir dir;
    const auto db = dir / "b.db";
    record(db, {"c1"}, {{"m", "1"}}, samples("t", {1}));
    const std::string at = "--db " + test::shell_quote(db.string()) + " ";
    for (const std::string bad : {"commit:c1", "commit:c1 tag:x", "commit:c1 commit:c1 --format xml",
                                  "commit:c1 commit:c1 --threshold =5", "commit:c1 commit:c1 --alpha 2"}) {
        const auto r = run_compare(dir, at + bad);
        BOOST_TEST(r.exit_code == 2, bad);
        BOOST_TEST(r.err.find("usage: benchstore-compare") != std::string::npos, bad);
    }
    const auto missing = run_compare(dir, "--db " + test::shell_quote((dir / "none.db").string()) + " commit:a commit:b");
    BOOST_TEST(missing.exit_code == 1);
    BOOST_TEST(missing.err.find("no such store file") != std::string::npos, missing.err);
    const auto unknown = run_compare(dir, at + "commit:c1 commit:zzz");
    BOOST_TEST(unknown.exit_code == 1);
    BOOST_TEST(unknown.err.find("no benchmarks for commit 'zzz'") != std::string::npos, unknown.err);
    const auto regex = run_compare(dir, at + "commit:c1 commit:c1 --higher-is-better '('");
    BOOST_TEST(regex.exit_code == 1);
    BOOST_TEST(regex.err.find("not a valid regular expression") != std::string::npos, regex.err);
}

// A mistyped branch (branch:mian) must fail a CI gate as a mistyped commit does: exit 1, not a
// warning and every identity "only in head".
BOOST_AUTO_TEST_CASE(a_branch_side_that_selects_nothing_is_an_error)
{
    TempDir dir;
    const auto db = dir / "b.db";
    record(db, {"c1"}, {{"m", "1"}}, samples("t", {1, 2, 3}));
    record(db, {"c2"}, {{"m", "1"}}, samples("t", {1, 2, 3}));
    const std::string at = "--db " + test::shell_quote(db.string()) + " ";
    const auto nope = run_compare(dir, at + "branch:nope commit:c2");
    BOOST_TEST(nope.exit_code == 1, nope.out << nope.err);
    BOOST_TEST(nope.err.find("benchstore-compare: error: no benchmarks for branch 'nope'") == 0u, nope.err);
    BOOST_TEST(nope.out.empty(), nope.out);
    const auto as_head = run_compare(dir, at + "commit:c1 branch:nope");
    BOOST_TEST(as_head.exit_code == 1, as_head.out << as_head.err);
    // main's only benchmarks are head's: nothing is left for the base side, as with commit:.
    BOOST_CHECK_THROW(compare(options(db, "branch:main", "branch:main")), InvalidArgument);
    const auto same = run_compare(dir, at + "branch:main branch:main");
    BOOST_TEST(same.exit_code == 1, same.out << same.err);
    BOOST_TEST(same.err.find("no benchmarks for branch 'main'") != std::string::npos, same.err);
    BOOST_TEST(same.err.find("besides the other side's") != std::string::npos, same.err);
    BOOST_TEST(run_compare(dir, at + "branch:main commit:c2").exit_code == 0);
}

// Store text reaches a terminal in the table and a pull request in markdown: an escape sequence in a
// metric, module, commit or host name must not colour the terminal or clear it, and a newline or
// carriage return must not break a row. Control characters are shown escaped, as in JSON text (the
// way metadata always was): \n, \r, \t, \u001b.
BOOST_AUTO_TEST_CASE(control_characters_in_store_text_are_escaped_in_table_and_markdown)
{
    TempDir dir;
    const auto db = dir / "b.db";
    const std::string red = "\x1b[31mred\x1b[0m", broken = "two\nlines\rback\ttab\x7f", c1 = "csi\xc2\x9b" "2J";
    for (const char* commit : {"c1", "c2\x1b[2J"}) {
        RecorderOptions o;
        o.db_path = db;
        o.repository = "r";
        o.commit_id = commit;
        o.host = "host\x1b]0;title\x07";
        o.module = "mod\x1b[1m";
        MetricsRecorder rec(o);
        const auto id = rec.initialise_benchmark({{"k", "v\x1b[0m"}});
        for (int i = 0; i < 3; ++i) rec.collect_model_measurements(id, {{red, 1.0 + i}, {broken, 2.0 + i}, {c1, 3.0 + i}});
    }
    const std::string at = "--db " + test::shell_quote(db.string()) + " commit:c1 commit:c2 ";
    for (const char* format : {"table", "markdown"}) {
        BOOST_TEST_CONTEXT(format)
        {
            const auto r = run_compare(dir, at + "--format " + format + " --color never");
            BOOST_TEST(r.exit_code == 0, r.err);
            const auto raw = std::find_if(r.out.begin(), r.out.end(), [](char c) {
                const auto u = static_cast<unsigned char>(c);
                return (u < 0x20 && c != '\n') || u == 0x7f;
            });
            BOOST_TEST((raw == r.out.end()), "raw control character at " << raw - r.out.begin() << " in\n" << r.out);
            BOOST_TEST(r.out.find("\xc2\x9b") == std::string::npos, "raw U+009B (CSI) in\n" << r.out);
            for (const std::string shown : {R"(\u001b[31mred\u001b[0m)", R"(two\nlines\rback\ttab\u007f)",
                                            R"(csi\u009b2J)", R"(mod\u001b[1m)", R"(c2\u001b[2J)"})
                BOOST_TEST(r.out.find(shown) != std::string::npos, shown << " not in\n" << r.out);
            if (std::string(format) == "table")  // markdown does not list the hosts
                BOOST_TEST(r.out.find(R"(hosts: host\u001b]0;title\u0007)") != std::string::npos, r.out);
        }
    }
    // Markdown: every table row is one line with the header's number of cells.
    const auto md = run_compare(dir, at + "--format markdown").out;
    std::istringstream lines(md);
    std::size_t rows = 0;
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("| ", 0) == 0 && line.find("| benchmark") != 0) {
            ++rows;
            BOOST_TEST(std::count(line.begin(), line.end(), '|') == 11, line);
        }
    BOOST_TEST(rows == 3u, md);
    // The machine-readable formats keep the names exactly (CSV quotes them; JSON escapes them itself).
    const auto json = run_compare(dir, at + "--format json").out;
    BOOST_TEST(json.find(R"(\u001b[31mred\u001b[0m)") != std::string::npos, json);
}

// User-given patterns are matched in linear time (RE2): a pattern that makes a backtracking engine
// (std::regex) run for hours on a 40-character name finishes at once. `timeout` only bounds a hang,
// it measures nothing: a run that matches in linear time ends in well under a second.
BOOST_AUTO_TEST_CASE(a_pathological_pattern_cannot_hang_compare)
{
    TempDir dir;
    const auto db = dir / "b.db";
    const std::string name(40, 'a');
    record(db, {"c1"}, {}, samples(name, {1, 2, 3}));
    record(db, {"c2"}, {}, samples(name, {1, 2, 3}));
    const std::string at = "--db " + test::shell_quote(db.string()) + " commit:c1 commit:c2 --format csv ";
    for (const std::string option : {"--higher-is-better", "--threshold"}) {
        const std::string value = option == "--threshold" ? "'(a*)*b=10'" : "'(a*)*b'";
        const auto r = test::run_command("timeout 60 " + test::shell_quote(compare_exe) + " " + at + option + " " + value,
                                         dir.path());
        BOOST_TEST(r.exit_code == 0, option << ": " << r.exit_code << " " << r.err);
    }
    // Case-insensitive, searched anywhere in the name, as before; and the default pattern still applies.
    TempDir dir2;
    const auto db2 = dir2 / "b.db";
    for (const char* commit : {"c1", "c2"})
        record(db2, {commit}, {}, {{{"Score_A", 1.0}, {"speed_GFLOPS", 1.0}, {"t", 1.0}}});
    auto o = options(db2, "commit:c1", "commit:c2");
    o.higher_is_better = "score_a$";
    o.thresholds = {{"^T$", 12.5}};
    const auto r = compare(o);
    BOOST_TEST(row(r, "Score_A").higher_is_better);
    BOOST_TEST(row(r, "speed_GFLOPS").higher_is_better);
    BOOST_TEST(!row(r, "t").higher_is_better);
    BOOST_TEST(row(r, "t").threshold_percent == 12.5);
    o.higher_is_better = "(";
    try {
        compare(o);
        BOOST_FAIL("expected InvalidArgument");
    } catch (const InvalidArgument& e) {
        BOOST_TEST(std::string(e.what()).find("--higher-is-better '(' is not a valid regular expression") == 0u, e.what());
    }
}

BOOST_AUTO_TEST_SUITE_END()
