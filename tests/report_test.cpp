#define BOOST_TEST_MODULE report
#include <boost/test/unit_test.hpp>

#include <map>
#include <regex>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "benchstore/metrics_recorder.hpp"
#include "support/chromium.hpp"
#include "support/export_fixture.hpp"
#include "support/page_render.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::CommandResult;
using benchstore::test::TempDir;
using benchstore::test::check_rendered;
using benchstore::test::Rect;
using benchstore::test::chart_rects;
using benchstore::test::read_file;
using benchstore::test::shell_quote;
namespace fs = std::filesystem;

namespace {

const std::string bin = BENCHSTORE_BINARY_DIR;
const std::string tool = bin + "/tools/benchstore-report";

std::string q(const fs::path& p) { return shell_quote(p.string()); }

CommandResult report_tool(const TempDir& dir, const std::string& args)
{
    const auto r = test::run_command(shell_quote(tool) + " " + args, dir.path());
    BOOST_TEST_MESSAGE("benchstore-report " << args << " -> " << r.exit_code << "\n" << r.out << r.err);
    return r;
}

// The quick start's store: the real runner with the bundled modules (made quick), for two commits.
void run_quick_start(const TempDir& dir, const fs::path& db)
{
    for (const auto& [commit, message] : {std::pair{"1a2b3c4d5e6f", "Baseline"}, {"7f8e9d0c1b2a", "Faster sort"}}) {
        const auto r = test::run_command(
            "BENCHSTORE_MOCK_SECONDS=1 BENCHSTORE_MATMUL_N=256 BENCHSTORE_SORT_N=3000000 " +
                shell_quote(bin + "/apps/benchstore-run") + " acme/widgets main " + commit + " " +
                shell_quote(message) + " --db " + q(db) + " --benches " + shell_quote(bin + "/benches"),
            dir.path());
        BOOST_TEST_REQUIRE(r.exit_code == 0, r.out << r.err);
    }
}

std::int64_t scalar(const fs::path& db, const std::string& sql)
{
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    return d.execAndGet(sql).getInt64();
}

} // namespace

BOOST_AUTO_TEST_SUITE(report_page)

BOOST_AUTO_TEST_CASE(quick_start_store_renders_every_chart_offline)
{
    TempDir dir("report");
    const auto db = dir / "benchmarks.db";
    run_quick_start(dir, db);
    const auto r = report_tool(dir, "--db " + q(db) + " --out " + q(dir / "report.html"));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(r.err.empty());

    // No request can leave the page: no URL but those in Chart.js's own licence comments, no links,
    // no external scripts, styles, fonts or images.
    const std::string page = read_file(dir / "report.html");
    const std::string library = read_file(BENCHSTORE_CHART_JS);
    BOOST_TEST(page.find(library) != std::string::npos, "Chart.js is embedded verbatim");
    std::string own = page;
    own.erase(own.find(library), library.size());
    for (const char* outside : {"http:", "https:", "//cdn", "<link", " src=", "@import", "url("})
        BOOST_TEST(own.find(outside) == std::string::npos, outside);

    const auto metrics = scalar(db, "SELECT count(DISTINCT j.key) FROM model_measurements m, json_each(m.measurements) j");
    const auto with_devices = scalar(db, "SELECT count(DISTINCT benchmark_ref) FROM device_measurements");
    BOOST_TEST(metrics >= 13);  // the mock's 13 timings, the others' timings and throughputs
    BOOST_TEST(with_devices >= 2);
    const std::string dom = check_rendered(dir, dir / "report.html", static_cast<std::size_t>(metrics + with_devices));
    const auto benchmarks = std::to_string(scalar(db, "SELECT count(*) FROM benchmarks WHERE status = 'completed'"));
    BOOST_TEST(scalar(db, "SELECT count(*) FROM benchmarks WHERE status <> 'completed'") == 0);
    for (const std::string& text : std::vector<std::string>{"acme/widgets", "Faster sort", "mock_benchmark", "sort_benchmark", "matmul_benchmark",
                                                             "numpy_benchmark", benchmarks + " benchmarks: " + benchmarks + " completed, 0 failed"})
        BOOST_TEST(dom.find(text) != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(injected_markup_in_store_text_shows_as_text_and_runs_nothing)
{
    TempDir dir("report");
    const auto db = dir / "b.db";
    const std::string pwn = "</script><script>document.documentElement.dataset.pwned=1</script>";
    const std::string alert = "</script><script>alert(1)</script>";
    {
        auto rec = create_global_metrics_recorder("acme/<b>widgets</b>", alert, "c0ffee1", pwn, db);
        const auto id = rec.initialise_benchmark({{"model", pwn}, {"note", "\xE2\x80\xA8 & \xE2\x80\xA9 <!--"}});
        rec.collect_device_measurements(id, 50, 100);
        rec.collect_device_measurements(id, 75, 120);
        rec.collect_model_measurements(id, {{pwn, 1.5}, {"<img src=x onerror=\"document.title='pwned'\">", 2}});
        rec.set_status(id, BenchmarkStatus::failed, pwn);
        // A benchmark shorter than one sampling interval: one device sample still draws.
        rec.collect_device_measurements(rec.initialise_benchmark({{"model", "quick"}}), 30, 60);
    }
    const auto r = report_tool(dir, "--db " + q(db) + " --out " + q(dir / "report.html"));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const std::string page = read_file(dir / "report.html");
    BOOST_TEST(page.find("<script>document.documentElement.dataset") == std::string::npos);
    BOOST_TEST(page.find("<img src=x") == std::string::npos);
    BOOST_TEST(page.find("<b>widgets") == std::string::npos);

    const std::string dom = check_rendered(dir, dir / "report.html", 4);  // two metrics, two device series
    BOOST_TEST(!test::root_attribute(dom, "data-pwned"));
    BOOST_TEST(dom.find("<title>pwned") == std::string::npos);
    // Shown as text: the table cell holds the message, escaped once by the DOM serialiser.
    BOOST_TEST(dom.find("&lt;/script&gt;&lt;script&gt;document.documentElement.dataset.pwned=1&lt;/script&gt;") !=
               std::string::npos);
    BOOST_TEST(dom.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    BOOST_TEST(dom.find("acme/&lt;b&gt;widgets&lt;/b&gt;") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_selection_page_says_so)
{
    TempDir dir("report");
    const auto db = dir / "b.db";
    {
        auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", db);
        rec.collect_device_measurements(rec.initialise_benchmark({}), 1, 2);
    }
    const auto r = report_tool(dir, "--db " + q(db) + " --out " + q(dir / "empty.html") + " --repository nobody");
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("no benchmarks matched the selection") != std::string::npos, r.out);
    const std::string dom = check_rendered(dir, dir / "empty.html", 0);
    BOOST_TEST(dom.find("No benchmarks match the selection") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(device_series_are_reduced_keeping_peaks_and_gpu_lines_only_where_there_are_values)
{
    TempDir dir("report");
    const auto db = dir / "b.db";
    {
        auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", db);
        const auto gpu = rec.initialise_benchmark({{"name", "with-gpu"}});
        std::vector<DeviceSample> samples(200'000);
        for (std::size_t i = 0; i < samples.size(); ++i)
            samples[i] = {40.0 + static_cast<double>(i % 7), 1000, 90.0, 5000.0 + static_cast<double>(i % 3), {}};
        samples[150'000].cpu_util = 987.5;  // one sample's peak
        rec.collect_device_measurements(gpu, samples);
        const auto cpu_only = rec.initialise_benchmark({{"name", "cpu-only"}});
        rec.collect_device_measurements(cpu_only, 10, 20);
        rec.collect_device_measurements(cpu_only, 30, 40);
    }
    const auto r = report_tool(dir, "--db " + q(db) + " --out " + q(dir / "r.html") + " --max-points 300");
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const std::string page = read_file(dir / "r.html");
    const std::regex figure(R"re(<figure class="chart" data-kind="device">.*?name=(\S+?)<.*?<script type="application/json">(.*?)</script>)re");
    std::map<std::string, std::string> data;
    for (std::sregex_iterator it(page.begin(), page.end(), figure), end; it != end; ++it) data[(*it)[1]] = (*it)[2];
    BOOST_TEST_REQUIRE(data.size() == 2u);
    const std::string& with_gpu = data["with-gpu"];
    for (const char* name : {"CPU %", "RSS MiB", "GPU %", "GPU MiB"})
        BOOST_TEST(with_gpu.find(std::string("\"name\":\"") + name + "\"") != std::string::npos, name);
    BOOST_TEST(with_gpu.find(",987.5") != std::string::npos, "the peak is drawn");
    // At most 300 points (600 numbers) per line: 4 lines.
    BOOST_TEST(std::count(with_gpu.begin(), with_gpu.end(), ',') < 4 * 600 + 20);
    BOOST_TEST(data["cpu-only"].find("GPU") == std::string::npos);
    BOOST_TEST(data["cpu-only"].find("CPU %") != std::string::npos);
}

// The text a reader sees in an HTML fragment: tags dropped.
std::string visible_text(const std::string& html)
{
    std::string out;
    bool in_tag = false;
    for (const char c : html) {
        if (c == '<') in_tag = true;
        else if (c == '>') in_tag = false;
        else if (!in_tag) out += c;
    }
    return out;
}

// Every [open, close) fragment of dom.
std::vector<std::string> fragments(const std::string& dom, const std::string& open, const std::string& close)
{
    std::vector<std::string> out;
    for (auto at = dom.find(open); at != std::string::npos; at = dom.find(open, at + 1)) {
        const auto end = dom.find(close, at);
        if (end == std::string::npos) break;
        out.push_back(dom.substr(at, end - at));
    }
    return out;
}

// The rows of r in which a chart line or marker is drawn: from the first to the last, in pixels.
int drawn_height(const test::PngImage& image, const Rect& r)
{
    int top = -1, bottom = -1;
    for (int y = std::max(r.y, 0); y < std::min(r.y + r.h, image.height()); ++y)
        for (int x = std::max(r.x, 0); x < std::min(r.x + r.w, image.width()); ++x) {
            const auto p = image.at(x, y);
            if (std::max({p.r, p.g, p.b}) - std::min({p.r, p.g, p.b}) <= 60) continue;
            if (top < 0) top = y;
            bottom = y;
            break;
        }
    return top < 0 ? 0 : bottom - top + 1;
}

// A metric that changed by 0.003% across three commits must look flat, not like a cliff: a trend
// chart's height spans at least a tenth of the values it shows, so only changes of that order fill it.
// A 50% step still fills the chart. The page says what a chart's height means.
BOOST_AUTO_TEST_CASE(trend_charts_show_noise_flat_and_real_changes_tall)
{
    TempDir dir("report");
    const auto db = dir / "b.db";
    const std::vector<std::pair<double, double>> values{{0.75002, 1.0}, {0.75004, 1.25}, {0.75003, 1.5}};
    for (std::size_t i = 0; i < values.size(); ++i) {
        auto rec = create_global_metrics_recorder("acme/widgets", "main", "c0ffee" + std::to_string(i), "msg", db);
        rec.collect_model_measurements(rec.initialise_benchmark({}), {{"a_noise_secs", values[i].first},
                                                                     {"b_step_secs", values[i].second}});
    }
    const auto r = report_tool(dir, "--db " + q(db) + " --out " + q(dir / "r.html"));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const std::string dom = check_rendered(dir, dir / "r.html", 2);
    const auto captions = fragments(dom, "<figcaption>", "</figcaption>");
    BOOST_TEST_REQUIRE(captions.size() == 2u);
    BOOST_TEST(captions[0].find("a_noise_secs") != std::string::npos, captions[0]);
    const auto rects = chart_rects(dom);
    const test::PngImage image(dir / "page.png");
    const int noise = drawn_height(image, rects[0]), step = drawn_height(image, rects[1]);
    BOOST_TEST_MESSAGE("drawn heights: noise " << noise << " px, step " << step << " px of " << rects[0].h);
    BOOST_TEST(noise < rects[0].h / 8, "a 0.003% change drawn " << noise << " px tall of " << rects[0].h);
    BOOST_TEST(step > rects[1].h / 2, "a 50% change drawn " << step << " px tall of " << rects[1].h);
    BOOST_TEST(dom.find("spans at least 10%") != std::string::npos, "the page says what a chart's height means");
}

// A 10 KB repository name (and long branch, metric, module and metadata) must not fill the header,
// the <title> or a chart's caption: headings show the start and "…", the whole name on hover (a
// title attribute); the benchmark table keeps it whole.
BOOST_AUTO_TEST_CASE(long_names_are_shortened_in_headings_and_kept_whole_in_the_table)
{
    TempDir dir("report");
    const auto db = dir / "b.db";
    const std::string repository = "acme/" + std::string(10240, 'r'), branch(5000, 'b'), metric(5000, 'm');
    {
        RecorderOptions o;
        o.db_path = db;
        o.repository = repository;
        o.branch = branch;
        o.commit_id = "c0ffee1";
        o.module = std::string(3000, 'u');
        MetricsRecorder rec(o);
        const auto id = rec.initialise_benchmark({{"model", std::string(3000, 'd')}});
        rec.collect_model_measurements(id, {{metric, 1.0}});
        rec.collect_device_measurements(id, 50, 100);
    }
    const auto r = report_tool(dir, "--db " + q(db) + " --out " + q(dir / "r.html"));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const std::string dom = check_rendered(dir, dir / "r.html", 2);

    const auto titles = fragments(dom, "<title>", "</title>");
    BOOST_TEST_REQUIRE(titles.size() == 1u);
    BOOST_TEST(titles[0].size() < 200u, titles[0].size() << " characters of <title>");
    BOOST_TEST(titles[0].find("acme/rrr") != std::string::npos, titles[0]);
    const auto header = fragments(dom, "<header class=\"page\">", "</header>");
    BOOST_TEST_REQUIRE(header.size() == 1u);
    BOOST_TEST(visible_text(header[0]).size() < 1500u, visible_text(header[0]).size() << " characters in the header");
    BOOST_TEST(header[0].find("title=\"" + repository + "\"") != std::string::npos, "the whole name on hover");
    BOOST_TEST(header[0].find("title=\"" + branch + "\"") != std::string::npos, "the whole branch on hover");
    for (const auto& caption : fragments(dom, "<figcaption>", "</figcaption>"))
        BOOST_TEST(visible_text(caption).size() < 400u, visible_text(caption).size() << " characters in a caption");
    // The table holds the whole text.
    BOOST_TEST(dom.find(">" + repository + " · " + branch + "<") != std::string::npos);
    BOOST_TEST(dom.find(">" + std::string(3000, 'u') + "<") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(report_tool_cli)

// An error is exactly one line on stderr, prefixed with the program name; no page, no temporary.
void check_error(const TempDir& dir, const CommandResult& r, int exit_code, const std::string& fragment)
{
    BOOST_TEST(r.exit_code == exit_code);
    BOOST_TEST(r.err.rfind("benchstore-report: error: ", 0) == 0u, r.err);
    BOOST_TEST(r.err.find(fragment) != std::string::npos, r.err << " lacks " << fragment);
    if (exit_code == 1) BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
    BOOST_TEST(r.out.empty());
    for (const auto& e : fs::directory_iterator(dir.path()))
        BOOST_TEST(e.path().filename().string().find(".tmp-") == std::string::npos, e.path());
}

BOOST_AUTO_TEST_CASE(bad_input_is_a_one_line_error_and_writes_nothing)
{
    TempDir dir("report");
    const auto db = dir / "b.db";
    {
        auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", db);
        rec.initialise_benchmark({});
    }
    const std::string out = " --out " + q(dir / "r.html");
    check_error(dir, report_tool(dir, "--db " + q(dir / "missing.db") + out), 1, "missing.db");
    check_error(dir, report_tool(dir, "--db " + q(db) + out + " --status lost"), 1, "unknown status 'lost'");
    check_error(dir, report_tool(dir, "--db " + q(db) + out + " --since yesterday"), 1, "yesterday");
    check_error(dir, report_tool(dir, "--db " + q(db) + out + " --benchmark 0190a000-0000-7000-8000-000000000000"), 1,
                "unknown benchmark id");
    check_error(dir, report_tool(dir, "--db " + q(db) + " --out " + q(dir / "no/such/folder/r.html")), 1, "folder");
    check_error(dir, report_tool(dir, "--db " + q(db) + out + " --max-points 2"), 2, "--max-points must be a whole number from 4 to 4294967295, got '2'");
    check_error(dir, report_tool(dir, "--db " + q(db) + out + " --bogus"), 2, "bogus");
    check_error(dir, report_tool(dir, "--db " + q(db) + out + " stray"), 2, "stray");
    BOOST_TEST(!fs::exists(dir / "r.html"));
}

// A measurements value that is not a JSON object of finite numbers (a store edited by hand): the report
// names the row, in the same words as export (one reader of the column), instead of SQLite's
// "malformed JSON".
BOOST_AUTO_TEST_CASE(a_malformed_measurements_row_is_named)
{
    TempDir dir("report");
    const auto db = dir / "b.db";
    {
        auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", db);
        const auto id = rec.initialise_benchmark({});
        rec.collect_model_measurements(id, {{"t", 1.5}});
        rec.collect_model_measurements(id, {{"t", 2.5}});
    }
    const std::string row = "model_measurements row 2 is not a JSON object of finite numbers";
    for (const char* bad : {R"({"t": nope})", R"({"t": "fast"})"}) {
        SQLite::Database(db.string(), SQLite::OPEN_READWRITE)
            .exec("UPDATE model_measurements SET measurements = '" + std::string(bad) + "' WHERE id = 2");
        check_error(dir, report_tool(dir, "--db " + q(db) + " --out " + q(dir / "r.html")), 1, row);
        const auto exported = test::run_command(shell_quote(bin + "/tools/benchstore-export") + " --db " + q(db) +
                                                    " --out " + q(dir / "csv"),
                                                dir.path());
        BOOST_TEST(exported.exit_code == 1);
        BOOST_TEST(exported.err.find(row) != std::string::npos, exported.err);
        BOOST_TEST(!fs::exists(dir / "r.html"));
    }
}

BOOST_AUTO_TEST_CASE(never_replaces_an_existing_page)
{
    TempDir dir("report");
    const auto db = dir / "b.db";
    create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", db).initialise_benchmark({});
    BOOST_TEST_REQUIRE(report_tool(dir, "--db " + q(db) + " --out " + q(dir / "r.html")).exit_code == 0);
    const std::string first = read_file(dir / "r.html");
    BOOST_TEST(first.rfind("<!DOCTYPE html>", 0) == 0u);
    check_error(dir, report_tool(dir, "--db " + q(db) + " --out " + q(dir / "r.html")), 1, "already exists");
    BOOST_TEST(read_file(dir / "r.html") == first);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(report_compare)

BOOST_AUTO_TEST_CASE(compare_shows_the_comparison_with_regressions_marked_first)
{
    TempDir dir("report");
    const auto db = dir / "b.db";
    for (const auto& [commit, slowdown] : {std::pair{"base000", 1.0}, {"head111", 1.25}}) {
        auto rec = create_global_metrics_recorder("acme/widgets", "main", commit, "msg", db);
        for (int i = 0; i < 10; ++i) {
            const auto id = rec.initialise_benchmark({{"model", "m"}});
            rec.collect_model_measurements(id, {{"latency_secs", slowdown * (1.0 + 0.01 * i)}, {"steady", 5.0 + 0.01 * i}});
            rec.collect_device_measurements(id, 50, 100);
            rec.set_status(id, BenchmarkStatus::completed);
        }
    }
    const auto r = report_tool(dir, "--db " + q(db) + " --out " + q(dir / "r.html") +
                                        " --max-device-charts 2 --compare commit:base000 commit:head111");
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("1 regression") != std::string::npos, r.out);
    const std::string page = read_file(dir / "r.html");
    const auto section = page.find("<section id=\"compare\">");
    BOOST_TEST_REQUIRE(section != std::string::npos);
    BOOST_TEST(section < page.find("<section id=\"benchmarks\">"));
    const auto regression = page.find("▲ regression", section);
    BOOST_TEST_REQUIRE(regression != std::string::npos);
    BOOST_TEST(page.rfind("latency_secs", regression) > section);  // the regressed metric's row
    BOOST_TEST(page.find("no change", section) > regression);       // regressions come first
    BOOST_TEST(page.find("the newest 2 of the 20 benchmarks with device samples") != std::string::npos);
    // Two trend charts and two device charts, drawn without errors.
    check_rendered(dir, dir / "r.html", 4);
}

BOOST_AUTO_TEST_CASE(compare_needs_two_valid_sides)
{
    TempDir dir("report");
    const auto db = dir / "b.db";
    create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", db).initialise_benchmark({});
    const std::string out = " --out " + q(dir / "r.html");
    auto r = report_tool(dir, "--db " + q(db) + out + " --compare commit:abc");
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find("--compare needs two sides") != std::string::npos, r.err);
    // A malformed side is bad usage, as in benchstore-compare; a side that selects nothing is an error.
    r = report_tool(dir, "--db " + q(db) + out + " --compare nonsense commit:abc");
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.rfind("benchstore-report: error: --compare side 'nonsense' is not commit:SHA, run:ID or "
                           "branch:NAME", 0) == 0u, r.err);
    r = report_tool(dir, "--db " + q(db) + out + " --compare branch:nope commit:abc");
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.err.rfind("benchstore-report: error: ", 0) == 0u, r.err);
    BOOST_TEST(r.err.find("no benchmarks for branch 'nope'") != std::string::npos, r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
    BOOST_TEST(!fs::exists(dir / "r.html"));
}

BOOST_AUTO_TEST_SUITE_END()
