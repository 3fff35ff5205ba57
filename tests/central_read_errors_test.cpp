#define BOOST_TEST_MODULE central_read_errors
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "benchstore/compare.hpp"
#include "core/uuid.hpp"
#include "report/series_reduction.hpp"
#include "results/results_source.hpp"
#include "support/central_read_fixture.hpp"
#include "support/export_fixture.hpp"
#include "support/postgres_server.hpp"
#include "support/silent_forwarder.hpp"
#include "support/sync_fixture.hpp"

// compare and report over the central PostgreSQL (--dsn) when the database is not benchstore's
// own: rows the original tool wrote, read with their defaults; a newer schema refused without ever
// showing a password; a server that goes silent ends within the deadline.

using namespace benchstore;
using namespace benchstore::test;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(central_read_errors)

BOOST_AUTO_TEST_CASE(rows_of_the_original_tool_are_read_with_their_defaults)
{
    TempDir dir("central-read");
    const auto database = shared_postgres().create_database();
    const std::string conninfo = shared_postgres().conninfo(database);
    std::ifstream in(fs::path(BENCHSTORE_SOURCE_DIR) / "tests" / "data" / "hf_init_db.sql");
    const std::string schema((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    shared_postgres().query(database, schema);
    std::string rows;
    for (int b = 0; b < 6; ++b) {
        const std::string id = make_uuid_v4();
        rows += "INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata) VALUES ('" +
                id + "', 'huggingface/transformers', 'main', 'hf0c0ffee" + std::to_string(b % 2) + "', 'old', "
                "'{\"gpu_name\": \"NVIDIA A100\", \"model_id\": \"llama\"}');\n";
        for (int d = 0; d < 5; ++d)
            rows += "INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes) "
                    "VALUES ('" + id + "', " + std::to_string(10 + d) + ", 2048, NULL, NULL);\n";
        rows += "INSERT INTO model_measurements (benchmark_id, measurements) VALUES ('" + id +
                "', '{\"model_load_time\": " + std::to_string(1.25 + b * 0.01) + ", \"note\": \"text\"}');\n";
    }
    shared_postgres().query(database, rows);

    const auto check = [&](const char* when, std::uint64_t benchmarks) {
        BOOST_TEST_CONTEXT(when)
        {
            const auto source = results::open_central_results(conninfo, std::chrono::seconds(30), {});
            const auto o = source->overview();
            BOOST_TEST(o.benchmarks == benchmarks);
            BOOST_TEST(o.from_original_tool == 6u);
            BOOST_TEST(o.completed == benchmarks);  // the original tool's rows count as completed
            BOOST_TEST(o.device_rows >= 30u);
            std::size_t unknown = 0;
            source->for_each_benchmark([&](const report::BenchmarkInfo& b) {
                if (b.host.empty()) {
                    ++unknown;
                    BOOST_TEST(b.status == "completed");
                    BOOST_TEST(b.device_rows == 5u);
                }
            });
            BOOST_TEST(unknown == 6u);
            auto o2 = options("commit:hf0c0ffee0", "commit:hf0c0ffee1");
            o2.conninfo = conninfo;
            const auto r = compare(o2);
            BOOST_TEST(r.base.benchmarks == 3u);
            BOOST_TEST(r.head.benchmarks == 3u);
            BOOST_TEST(r.base.runs.empty());
            const auto& row = r.rows.at(0);
            BOOST_TEST(row.metric == "model_load_time");
            BOOST_TEST(row.base_count == 3u);
            std::string warnings;
            for (const auto& w : r.warnings) warnings += w + "\n";
            BOOST_TEST(warnings.find("6 benchmarks have no host") != std::string::npos, warnings);
            BOOST_TEST(warnings.find("6 measurement values are not numbers") != std::string::npos, warnings);
        }
    };
    check("their tables as their tool made them", 6);
    const auto db = dir / "b.db";
    record_host(db, {"bench-a"}, 3);
    sync_into(db, conninfo);  // adopts the database
    check("after benchstore-sync adopted them", 6 + 6);

    const auto page = dir / "hf.html";
    const auto r = run_tool(dir, "benchstore-report", "--dsn " + test::shell_quote(conninfo) + " --out " +
                                                          test::shell_quote(page.string()) + " --repository huggingface/transformers");
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const std::string html = test::read_file(page);
    BOOST_TEST(html.find("6 written by the original tool") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_newer_schema_is_refused_and_a_password_never_shown)
{
    const Fleet fleet({HostRows{"bench-a"}});
    const auto at = fleet.conninfo.find("dbname=") + 7;
    const auto database = fleet.conninfo.substr(at, fleet.conninfo.find(' ', at) - at);
    shared_postgres().query(database, "INSERT INTO benchstore_schema_version (version) VALUES (999)");
    const auto r = run_tool(fleet.dir, "benchstore-compare",
                            "--dsn " + test::shell_quote(fleet.conninfo) + " commit:BASE0001 commit:HEAD0002");
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.err.find("schema version 999, newer than this program knows") != std::string::npos, r.err);
    BOOST_TEST(test::line_count(r.err) == 1u);

    const std::string secret = "hunter2-Secret";
    const auto down = run_tool(fleet.dir, "benchstore-report",
                               "--dsn 'host=127.0.0.1 port=1 user=x password=" + secret + " connect_timeout=2' --out " +
                                   test::shell_quote((fleet.dir / "x.html").string()));
    BOOST_TEST(down.exit_code == 3);  // unreachable: try later, as sync
    BOOST_TEST(down.err.find(secret) == std::string::npos, down.err);
    BOOST_TEST(!fs::exists(fleet.dir / "x.html"));

    const auto both = run_tool(fleet.dir, "benchstore-compare", "--db x.db --dsn '' commit:a commit:b");
    BOOST_TEST(both.exit_code == 2);
    BOOST_TEST(both.err.find("--db and --dsn name two sources") != std::string::npos, both.err);
}

// Every statement has sync's client-side deadline: a server that stops answering mid-read (a proxy
// gone silent) ends the run with "timed out", exit 3, within the statement timeout + 5 s (+ room for
// a loaded machine), for compare and report alike.
BOOST_AUTO_TEST_CASE(a_server_that_goes_silent_ends_in_exit_3_within_the_deadline)
{
    const Fleet fleet({HostRows{"bench-a"}});
    const auto at = fleet.conninfo.find("port=") + 5;
    for (const std::string tool : {"benchstore-compare", "benchstore-report"}) {
        test::SilentForwarder proxy(shared_postgres().port());
        proxy.go_silent_after(6'000);  // past connecting and the first statements
        const std::string via = fleet.conninfo.substr(0, at) + std::to_string(proxy.port()) +
                                fleet.conninfo.substr(fleet.conninfo.find(' ', at));
        const auto start = std::chrono::steady_clock::now();
        const auto r = run_tool(fleet.dir, tool,
                                "--dsn " + test::shell_quote(via) + " --statement-timeout 2 " +
                                    (tool == "benchstore-compare" ? std::string("commit:BASE0001 commit:HEAD0002")
                                                                  : "--out " + test::shell_quote((fleet.dir / "s.html").string())));
        const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        BOOST_TEST(proxy.silenced(), tool);
        BOOST_TEST(r.exit_code == 3, tool << ": " << r.err);
        BOOST_TEST(r.err.find("timed out") != std::string::npos, r.err);
        BOOST_TEST(took < 2 + sync_reply_margin.count() + 8.0, tool << " took " << took << " s");
        BOOST_TEST(r.err.find(shared_postgres().password()) == std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
