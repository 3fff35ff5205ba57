#define BOOST_TEST_MODULE central_read
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "benchstore/compare.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "benchstore/sync.hpp"
#include "core/json.hpp"
#include "report/series_reduction.hpp"
#include "results/results_source.hpp"
#include "support/central_read_fixture.hpp"
#include "support/export_fixture.hpp"
#include "support/page_render.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"

// compare and report over the central PostgreSQL (--dsn): the same answers as over the store the
// rows came from, a fleet's hosts matched with themselves, and the server's report drawn by
// Chromium. The original tool's rows, a newer schema and a silent server:
// tests/central_read_errors_test.cpp.

using namespace benchstore;
using namespace benchstore::test;
namespace fs = std::filesystem;

namespace {

// A row's identity independent of how a source writes metadata: host, module, metadata keys sorted.
std::string row_key(const MetricComparison& r)
{
    auto metadata = json::Value::parse(r.metadata);
    std::map<std::string, std::string> sorted;
    for (auto it = metadata.begin(); it != metadata.end(); ++it) sorted[it.key()] = it.value().get<std::string>();
    std::string key = r.host + "|" + r.module + "|";
    for (const auto& [k, v] : sorted) key += k + "=" + v + ";";
    return key + "|" + r.metric;
}

void require_same_comparison(const CompareResult& store, const CompareResult& server)
{
    BOOST_TEST(store.rows.size() == server.rows.size());
    BOOST_TEST(store.comparisons == server.comparisons);
    BOOST_TEST(store.regressions == server.regressions);
    BOOST_TEST(store.improvements == server.improvements);
    BOOST_TEST(store.per_host == server.per_host);
    BOOST_TEST(store.base.benchmarks == server.base.benchmarks);
    BOOST_TEST(store.head.benchmarks == server.head.benchmarks);
    std::map<std::string, const MetricComparison*> by_key;
    for (const auto& r : server.rows) by_key[row_key(r)] = &r;
    for (const auto& r : store.rows) {
        const auto it = by_key.find(row_key(r));
        BOOST_TEST_REQUIRE((it != by_key.end()), "no server row for " << row_key(r));
        const MetricComparison& s = *it->second;
        BOOST_TEST(verdict_text(r.verdict) == verdict_text(s.verdict), row_key(r));
        BOOST_TEST(r.base_count == s.base_count);
        BOOST_TEST(r.head_count == s.head_count);
        BOOST_TEST_REQUIRE(r.p_value.has_value() == s.p_value.has_value());
        if (r.p_value) BOOST_TEST(std::fabs(*r.p_value - *s.p_value) <= 1e-12, row_key(r) << " p " << *r.p_value << " " << *s.p_value);
        if (r.adjusted_p_value)
            BOOST_TEST(std::fabs(*r.adjusted_p_value - s.adjusted_p_value.value_or(-1)) <= 1e-12, row_key(r));
        BOOST_TEST_REQUIRE(r.base_median.has_value() == s.base_median.has_value());
        if (r.base_median) BOOST_TEST(std::fabs(*r.base_median - *s.base_median) <= 1e-9 * std::fabs(*r.base_median));
        if (r.head_median) BOOST_TEST(std::fabs(*r.head_median - s.head_median.value_or(0)) <= 1e-9 * std::fabs(*r.head_median));
    }
}

// "b=8, a=x" and "a=x, b=8" are one label: the server sorts metadata keys, the store keeps their order.
std::string sorted_label(std::string_view label)
{
    std::vector<std::string> parts;
    std::string text(label);
    for (std::size_t at = 0;;) {
        const auto comma = text.find(", ", at);
        parts.push_back(text.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
        if (comma == std::string::npos) break;
        at = comma + 2;
    }
    std::sort(parts.begin(), parts.end());
    std::string out;
    for (const auto& p : parts) out += p + ";";
    return out;
}

// Everything the page is drawn from, in an order-free form.
struct Figures {
    report::Overview overview;
    std::uint64_t benchmarks = 0, device_rows = 0, model_rows = 0;
    std::multiset<std::tuple<std::string, std::string, std::string, std::string, std::string, double>> points;
    // benchmark id -> the drawn points of its four lines (x: the sample's position), reduced to
    // max_points as the page reduces them; the server leaves out samples the reduction drops.
    std::map<std::string, std::vector<std::vector<std::pair<double, double>>>> series;

    Figures(results::ResultsSource& source, std::uint32_t max_points)
    {
        overview = source.overview();
        source.for_each_benchmark([&](const report::BenchmarkInfo& b) {
            ++benchmarks;
            device_rows += b.device_rows;
            model_rows += b.model_rows;
        });
        source.for_each_trend_point([&](const report::TrendPoint& p) {
            points.emplace(std::string(p.metric), std::string(p.host), std::string(p.module), sorted_label(p.metadata),
                           std::string(p.commit_id), p.value);
        });
        struct Visitor : report::DeviceVisitor {
            Figures& f;
            std::uint32_t max_points;
            std::string id;
            std::vector<report::SeriesReduction> lines;
            std::uint64_t next = 0;
            Visitor(Figures& figures, std::uint32_t most) : f(figures), max_points(most) {}
            void begin(const report::BenchmarkInfo& b) override
            {
                id = b.benchmark_id;
                lines.assign(4, report::SeriesReduction(b.device_rows, max_points));
                next = 0;
            }
            void sample(const report::DeviceSample& s) override
            {
                const std::uint64_t at = s.position.value_or(next);
                next = at + 1;
                const std::array<std::optional<double>, 4> values{s.cpu_util, s.mem_megabytes, s.gpu_util,
                                                                  s.gpu_mem_megabytes};
                for (std::size_t i = 0; i < 4; ++i) lines[i].add(static_cast<double>(at), values[i], at);
            }
            void end() override
            {
                auto& drawn = f.series[id];
                for (auto& line : lines) {
                    drawn.emplace_back();
                    for (const auto& p : line.finish()) drawn.back().emplace_back(p.x, p.y);
                }
            }
        } visitor(*this, max_points);
        source.for_each_device_series(visitor, 50, max_points);
    }
};

void require_same_figures(const Figures& store, const Figures& server)
{
    const auto& a = store.overview;
    const auto& b = server.overview;
    BOOST_TEST(a.repositories == b.repositories, boost::test_tools::per_element());
    BOOST_TEST(a.branches == b.branches, boost::test_tools::per_element());
    BOOST_TEST(a.hosts == b.hosts, boost::test_tools::per_element());
    BOOST_TEST(a.commits == b.commits);
    BOOST_TEST(a.first_created == b.first_created);
    BOOST_TEST(a.last_created == b.last_created);
    BOOST_TEST(a.benchmarks == b.benchmarks);
    BOOST_TEST(a.completed == b.completed);
    BOOST_TEST(a.failed == b.failed);
    BOOST_TEST(a.device_rows == b.device_rows);
    BOOST_TEST(a.model_rows == b.model_rows);
    BOOST_TEST(b.from_original_tool == 0u);
    BOOST_TEST(store.benchmarks == server.benchmarks);
    BOOST_TEST(store.device_rows == server.device_rows);
    BOOST_TEST(store.model_rows == server.model_rows);
    BOOST_TEST(store.points.size() == server.points.size());
    BOOST_TEST((store.points == server.points), "the trend points differ");
    BOOST_TEST(store.series.size() == server.series.size());
    BOOST_TEST((store.series == server.series), "the drawn device lines differ");
}

} // namespace

BOOST_AUTO_TEST_SUITE(central_read)

BOOST_AUTO_TEST_CASE(store_and_server_give_the_same_verdicts_p_values_and_report_figures)
{
    TempDir dir("central-read");
    const auto db = dir / "fleet.db";
    const std::string conninfo = new_database();
    unsigned seed = 7;
    for (const auto& h : {HostRows{"bench-a"}, HostRows{"bench-b", 100, 1.3}, HostRows{"bench-c", 120}})
        record_host(db, h, seed++);
    sync_into(db, conninfo);

    for (const auto& [base, head] : {std::pair{"commit:BASE0001", "commit:HEAD0002"},
                                     std::pair{"branch:main", "commit:HEAD"}, std::pair{"run:bench-a-B", "run:bench-a-H"}}) {
        auto on_store = options(base, head);
        on_store.db_path = db;
        auto on_server = options(base, head);
        on_server.conninfo = conninfo;
        const auto a = compare(on_store);
        const auto b = compare(on_server);
        BOOST_TEST_MESSAGE(base << " " << head << ": " << a.rows.size() << " rows, " << a.regressions << " regressions");
        BOOST_TEST(a.rows.size() > 0u);
        require_same_comparison(a, b);
    }

    for (const Selection& selection : {Selection{}, [] {
                                           Selection s;
                                           s.host = "bench-b";
                                           s.commit_id = "HEAD0002";
                                           return s;
                                       }()}) {
        for (const std::uint32_t max_points : {500u, 8u}) {  // 20 samples a benchmark: whole, then reduced
            const auto store = results::open_store_results(db, selection);
            const auto server = results::open_central_results(conninfo, std::chrono::seconds(30), selection);
            require_same_figures(Figures(*store, max_points), Figures(*server, max_points));
        }
    }
}

// The done-when line: a regression planted on one host of three synced stores is found there only,
// and benchstore-compare --dsn exits 4 naming the host.
BOOST_AUTO_TEST_CASE(a_regression_on_one_host_of_a_fleet_is_found_on_that_host_only)
{
    const Fleet fleet({HostRows{"bench-a"}, HostRows{"bench-b", 100, 1.3}, HostRows{"bench-c", 100}});
    const std::string dsn = "--dsn " + test::shell_quote(fleet.conninfo);
    const auto table = run_tool(fleet.dir, "benchstore-compare", dsn + " --color never commit:BASE0001 commit:HEAD0002");
    BOOST_TEST(table.exit_code == 4, table.err);
    BOOST_TEST(table.out.find("[bench-b] mod {\"batch\":\"8\",\"model\":\"a\"}") != std::string::npos, table.out);

    const auto j = run_tool(fleet.dir, "benchstore-compare", dsn + " --format json commit:BASE0001 commit:HEAD0002");
    BOOST_TEST(j.exit_code == 4);
    const auto result = json::Value::parse(j.out);
    BOOST_TEST(result["per_host"].get<bool>());
    std::set<std::string> regressed_hosts;
    std::size_t rows = 0;
    for (const auto& row : result["rows"]) {
        ++rows;
        BOOST_TEST(!row["host"].get<std::string>().empty());
        BOOST_TEST(row["identity"].get<std::string>().rfind("[" + row["host"].get<std::string>() + "] ", 0) == 0u);
        if (row["verdict"] == "regression") regressed_hosts.insert(row["host"].get<std::string>());
    }
    BOOST_TEST(rows == 3u * 3u * 6u);  // hosts x identities x (2 model metrics + 4 device figures)
    BOOST_TEST((regressed_hosts == std::set<std::string>{"bench-b"}));
    BOOST_TEST(result["disagreeing_hosts"].empty(), result["disagreeing_hosts"].dump());

    const auto narrowed = run_tool(fleet.dir, "benchstore-compare", dsn + " --host bench-a commit:BASE0001 commit:HEAD0002");
    BOOST_TEST(narrowed.exit_code == 0, narrowed.err);
    BOOST_TEST(narrowed.out.find("bench-b") == std::string::npos);
}

// A machine gone bad: its base samples are far from the other hosts', so it is named.
BOOST_AUTO_TEST_CASE(a_host_whose_base_disagrees_with_the_others_is_flagged)
{
    const Fleet fleet({HostRows{"bench-a"}, HostRows{"bench-b"}, HostRows{"bench-c", 150}});
    auto o = options("commit:BASE0001", "commit:HEAD0002");
    o.conninfo = fleet.conninfo;
    const auto r = compare(o);
    BOOST_TEST(r.regressions == 0u);
    BOOST_TEST(r.disagreeing_hosts == std::vector<std::string>{"bench-c"}, boost::test_tools::per_element());
    const bool warned = std::any_of(r.warnings.begin(), r.warnings.end(), [](const std::string& w) {
        return w.find("host bench-c: its base samples differ") != std::string::npos;
    });
    BOOST_TEST(warned);
}

BOOST_AUTO_TEST_CASE(report_from_the_server_renders_every_chart)
{
    const Fleet fleet({HostRows{"bench-a"}, HostRows{"bench-b", 100, 1.3}, HostRows{"bench-c"}});
    const auto page = fleet.dir / "fleet.html";
    const auto r = run_tool(fleet.dir, "benchstore-report",
                            "--dsn " + test::shell_quote(fleet.conninfo) + " --out " + test::shell_quote(page.string()) +
                                " --compare commit:BASE0001 commit:HEAD0002");
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    // two model metrics, one device chart per benchmark (3 hosts x 2 commits x 3 identities)
    const std::string dom = test::check_rendered(fleet.dir, page, 2 + 18);
    for (const std::string text : {"bench-a · mod · batch=8, model=a", "18 benchmarks: 18 completed, 0 failed",
                                   "127.0.0.1:", "[bench-b] mod"})
        BOOST_TEST(dom.find(text) != std::string::npos, text);
    BOOST_TEST(dom.find(shared_postgres().password()) == std::string::npos);
}

// Rows Hugging Face's own tool wrote (text ids, no host, run, module or status) are read with the
// documented defaults, before and after sync adopted their database.

BOOST_AUTO_TEST_SUITE_END()
