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
#include "core/uuid.hpp"
#include "report/series_reduction.hpp"
#include "results/results_source.hpp"
#include "support/export_fixture.hpp"
#include "support/page_render.hpp"
#include "support/postgres_server.hpp"
#include "support/silent_forwarder.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

// compare and report over the central PostgreSQL (--dsn): the same answers as over the store the
// rows came from, a fleet's hosts matched with themselves, the original tool's rows read with their
// defaults, a newer schema refused, and the server's report drawn by Chromium.

using namespace benchstore;
using test::shared_postgres;
using test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string bin = BENCHSTORE_BINARY_DIR;

struct HostRows {
    std::string host;
    double base_latency = 100;  // the base commit's latency median, ms
    double head_factor = 1.0;   // head's latency = base's * factor (1.3: a planted 30% regression)
};

// One benchmark per identity (model a/b/c with a batch) and commit on host: 10 model rows of
// latency_ms and tokens_per_sec, and 20 device samples. Commits BASE0001 then HEAD0002, one run each.
void record_host(const fs::path& db, const HostRows& h, unsigned seed)
{
    std::mt19937 random(seed);
    std::normal_distribution<double> noise(0, 1);
    for (const auto& [commit, factor] : {std::pair{"BASE0001", 1.0}, std::pair{"HEAD0002", h.head_factor}}) {
        RecorderOptions o;
        o.db_path = db;
        o.repository = "acme/widgets";
        o.branch = "main";
        o.commit_id = commit;
        o.commit_message = std::string("commit ") + commit;
        o.run_id = h.host + "-" + commit;
        o.module = "mod";
        o.host = h.host;
        MetricsRecorder rec(o);
        for (const char* model : {"a", "b", "c"}) {
            // Keys not in byte order: the server's jsonb keeps none, the store keeps this one.
            const auto id = rec.initialise_benchmark({{"model", model}, {"batch", "8"}});
            for (int i = 0; i < 10; ++i) {
                const double latency = h.base_latency * factor + noise(random);
                rec.collect_model_measurements(id, {{"latency_ms", latency}, {"tokens_per_sec", 1e5 / latency}});
            }
            std::vector<DeviceSample> samples;
            for (int i = 0; i < 20; ++i)
                samples.push_back({40 + noise(random), 1000 + 10 * noise(random), 80 + noise(random),
                                   5000 + noise(random), {}});
            rec.collect_device_measurements(id, samples);
            rec.set_status(id, BenchmarkStatus::completed);
        }
    }
}

std::string new_database()
{
    const auto name = shared_postgres().create_database();
    return shared_postgres().conninfo(name);
}

void sync_into(const fs::path& db, const std::string& conninfo)
{
    const auto r = sync(test::sync_options(db, conninfo));
    BOOST_TEST_REQUIRE(r.tables.size() > 0u);
}

test::CommandResult run_tool(const TempDir& dir, const std::string& tool, const std::string& args)
{
    const auto r = test::run_command(test::shell_quote(bin + "/tools/" + tool) + " " + args, dir.path());
    BOOST_TEST_MESSAGE(tool << " " << args << " -> " << r.exit_code << "\n" << r.out << r.err);
    return r;
}

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

// Three hosts in one store (as merged files hold them) and the same rows synced to a server.
struct Fleet {
    TempDir dir{"central-read"};
    std::vector<fs::path> stores;
    std::string conninfo = new_database();

    explicit Fleet(const std::vector<HostRows>& hosts)
    {
        unsigned seed = 1;
        for (const auto& h : hosts) {
            stores.push_back(dir / (h.host + ".db"));
            record_host(stores.back(), h, seed++);
            sync_into(stores.back(), conninfo);
        }
    }
};

CompareOptions options(const std::string& base, const std::string& head)
{
    CompareOptions o;
    o.base = base;
    o.head = head;
    return o;
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
