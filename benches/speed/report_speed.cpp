// benchstore-speed-report: speed and memory of benchstore-report against benchstore-export of the
// same store, then the page of a large store: its size and how long a browser takes to draw it.
// Prints figures; it is a benchmark, not a test.
//
// It builds a store of --benchmarks benchmarks and --rows device rows (GPU values included, a few
// model rows per benchmark) through the recorder's batch API, then alternates --repeat runs of
//   benchstore-export --db STORE --out DIR       (the four CSV files, fsynced, renamed)
//   benchstore-report --db STORE --out PAGE      (one HTML page, fsynced, renamed)
// each as a child process (wall time; peak RSS from GNU time). Medians, the ratio and the peak RSS
// are printed. Then, for --page-rows device rows: one report (time, peak RSS, page size) and
// --draw-repeat loads of the page in headless Chromium, reading back the page's own data-draw-ms
// (navigation start until every chart has rendered) and the browser's wall time.
#include <cstdio>
#include <iostream>
#include <regex>

#include <cxxopts.hpp>

#include "speed_process.hpp"

namespace {

using namespace benchstore::speed;

const fs::path tools = fs::path(BENCHSTORE_BINARY_DIR) / "tools";

void print_runs(const char* label, const std::vector<double>& runs, double peak)
{
    std::printf("  %-40s median %7.3f s  peak RSS %6.1f MiB  runs:", label, median(runs), peak);
    for (double s : runs) std::printf(" %.3f", s);
    std::printf("\n");
}

void against_export(const fs::path& work, const fs::path& db, long rows, int repeat, double build_s)
{
    std::vector<double> export_s, report_s;
    double export_peak = 0, report_peak = 0;
    std::uintmax_t page_bytes = 0;
    for (int r = 0; r < repeat; ++r) {
        const Run exp = run_child({(tools / "benchstore-export").string(), "--db", db.string(), "--out",
                                   (work / "export-out").string()}, work / "export.log");
        fs::remove_all(work / "export-out");
        const fs::path page = work / "report.html";
        const Run rep = run_child({(tools / "benchstore-report").string(), "--db", db.string(), "--out",
                                   page.string()}, work / "report.log");
        page_bytes = fs::file_size(page);
        fs::remove(page);
        export_s.push_back(exp.seconds);
        report_s.push_back(rep.seconds);
        export_peak = std::max(export_peak, exp.peak_mib);
        report_peak = std::max(report_peak, rep.peak_mib);
    }
    std::printf("against export: %ld device rows, store %.1f MiB (built in %.1f s)\n", rows,
                static_cast<double>(fs::file_size(db)) / 1048576.0, build_s);
    print_runs("benchstore-export (four files, fsynced)", export_s, export_peak);
    print_runs("benchstore-report (one page, fsynced)", report_s, report_peak);
    std::printf("  ratio report / export: %.2f (target <= 2); report peak RSS %.1f MiB (target < 64); page %.2f MB\n",
                median(report_s) / median(export_s), report_peak, static_cast<double>(page_bytes) / 1e6);
    std::fflush(stdout);
}

void large_page(const fs::path& work, const fs::path& db, long rows, int draw_repeat, double build_s)
{
    const fs::path page = work / "report.html";
    const Run rep = run_child({(tools / "benchstore-report").string(), "--db", db.string(), "--out", page.string()},
                              work / "report.log");
    std::printf("large page: %ld device rows, store %.1f MiB (built in %.1f s)\n", rows,
                static_cast<double>(fs::file_size(db)) / 1048576.0, build_s);
    std::printf("  benchstore-report: %.3f s, peak RSS %.1f MiB, page %.2f MB (target < 5 MB)\n", rep.seconds,
                rep.peak_mib, static_cast<double>(fs::file_size(page)) / 1e6);
    std::vector<double> draw_ms, wall_s;
    const std::regex drawn(R"re(data-charts="(\d+)" data-charts-drawn="(\d+)" data-draw-ms="(\d+)")re");
    for (int r = 0; r < draw_repeat; ++r) {
        const fs::path profile = work / ("chromium-profile-" + std::to_string(r));
        const Run browse = run_child({"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                      "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + profile.string(),
                                      "--window-size=1280,1000", "--dump-dom", "file://" + fs::absolute(page).string()},
                                     work / "dom.html");
        std::ifstream in(work / "dom.html");
        const std::string dom((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::smatch m;
        if (!std::regex_search(dom, m, drawn) || m[1] != m[2])
            throw std::runtime_error("the browser did not draw every chart of the page");
        draw_ms.push_back(std::stod(m[3]));
        wall_s.push_back(browse.seconds);
        std::printf("  chromium load %d: %s of %s charts drawn %s ms after navigation start; browser ran %.2f s\n",
                    r + 1, m[2].str().c_str(), m[1].str().c_str(), m[3].str().c_str(), browse.seconds);
        fs::remove_all(profile);
    }
    if (!draw_ms.empty())
        std::printf("  draw time median %.0f ms (target < 2000 ms); browser process median %.2f s (start and exit included)\n",
                    median(draw_ms), median(wall_s));
    fs::remove(page);
    std::fflush(stdout);
}

int run(const cxxopts::ParseResult& args)
{
    const WorkFolder folder(args["dir"].as<std::string>());
    const fs::path& work = folder.path();
    const int benchmarks = args["benchmarks"].as<int>();
    const fs::path db = work / "bench.db";
    for (const bool large : {false, true}) {
        const long rows = args[large ? "page-rows" : "rows"].as<long>();
        if (rows <= 0) continue;
        remove_store(db);
        const auto start = Clock::now();
        build_store(db, benchmarks, rows, "report");
        const double build_s = std::chrono::duration<double>(Clock::now() - start).count();
        if (large) large_page(work, db, rows, args["draw-repeat"].as<int>(), build_s);
        else against_export(work, db, rows, args["repeat"].as<int>(), build_s);
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-report", "Time benchstore-report against benchstore-export; page size "
                                                     "and browser draw time of a large store's page.");
    cli.add_options()
        ("dir", "work folder (created; files deleted after)",
         cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-report"))
        ("benchmarks", "benchmarks in each store", cxxopts::value<int>()->default_value("100"))
        ("rows", "device rows for the run against export", cxxopts::value<long>()->default_value("1000000"))
        ("repeat", "repetitions against export", cxxopts::value<int>()->default_value("5"))
        ("page-rows", "device rows for the large page; 0 = skip", cxxopts::value<long>()->default_value("10000000"))
        ("draw-repeat", "browser loads of the large page", cxxopts::value<int>()->default_value("3"));
    return benchstore::speed::speed_main(cli, argc, argv, run);
}
