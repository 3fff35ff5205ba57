// benchstore-speed-compare: speed and memory of benchstore-compare against benchstore-export of the
// same two selections. Prints figures; it is a benchmark, not a test.
//
// It builds a store of two commits with --benchmarks benchmarks each (the same identities on both
// sides, a few model rows each) and --rows device rows in all, through the recorder's batch API, then
// alternates --repeat runs of
//   benchstore-compare --db STORE commit:BASE commit:HEAD --format csv
//   benchstore-export --db STORE --commit BASE, then --commit HEAD   (the same two selections)
// each as a child through speed_process.hpp's run_child (wall time here, peak RSS from GNU time's
// %M). The target: compare takes at most the time of the two exports, and its memory stays
// flat as the store grows (the same figures at --small-rows show it). All files are deleted at the end.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "speed_process.hpp"

namespace {

using namespace benchstore::speed;

const fs::path tools = fs::path(BENCHSTORE_BINARY_DIR) / "tools";

void measure(const fs::path& work, long rows, int benchmarks, int repeat)
{
    const fs::path db = work / ("store-" + std::to_string(rows) + ".db");
    const auto build_start = Clock::now();
    // Two commits with the same identities; 10 model rows a benchmark, enough for compare's tests.
    build_store(db, benchmarks, rows, "compare", {"base0000", "head1111"}, 10);
    const double build_s = std::chrono::duration<double>(Clock::now() - build_start).count();
    std::vector<double> compare_s, export_s;
    double compare_peak = 0, export_peak = 0;
    const fs::path out = work / "export-out";
    for (int r = 0; r < repeat; ++r) {
        // benchstore-compare exits 4 when it finds a regression; that is not a failure here.
        const Run c = run_child({(tools / "benchstore-compare").string(), "--db", db.string(), "commit:base0000",
                                 "commit:head1111", "--format", "csv"},
                                work / "compare.csv", {0, 4});
        fs::remove(work / "compare.csv");
        compare_s.push_back(c.seconds);
        compare_peak = std::max(compare_peak, c.peak_mib);
        double both = 0;
        for (const char* commit : {"base0000", "head1111"}) {
            const Run e = run_child({(tools / "benchstore-export").string(), "--db", db.string(), "--out",
                                     out.string(), "--commit", commit},
                                    work / "export.log");
            fs::remove_all(out);
            fs::remove(work / "export.log");
            both += e.seconds;
            export_peak = std::max(export_peak, e.peak_mib);
        }
        export_s.push_back(both);
    }
    std::printf("%ld device rows, %d benchmarks a side, store %.1f MiB (built in %.1f s)\n", rows, benchmarks,
                static_cast<double>(fs::file_size(db)) / 1048576.0, build_s);
    std::printf("  benchstore-compare commit:base commit:head   median %7.3f s  peak RSS %6.1f MiB  runs:",
                median(compare_s), compare_peak);
    for (double s : compare_s) std::printf(" %.3f", s);
    std::printf("\n  benchstore-export, the same two selections  median %7.3f s  peak RSS %6.1f MiB  runs:",
                median(export_s), export_peak);
    for (double s : export_s) std::printf(" %.3f", s);
    std::printf("\n  ratio compare / export: %.3f (target <= 1)\n", median(compare_s) / median(export_s));
    std::fflush(stdout);
    remove_store(db);
}

int run(const cxxopts::ParseResult& args)
{
    const int benchmarks = args["benchmarks"].as<int>(), repeat = args["repeat"].as<int>();
    if (benchmarks < 1 || repeat < 1) throw std::invalid_argument("--benchmarks and --repeat must be at least 1");
    const WorkFolder folder(args["dir"].as<std::string>());
    if (args["small-rows"].as<long>() > 0) measure(folder.path(), args["small-rows"].as<long>(), benchmarks, repeat);
    measure(folder.path(), args["rows"].as<long>(), benchmarks, repeat);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-compare", "Time benchstore-compare against benchstore-export.");
    cli.add_options()
        ("dir", "work folder (created; files deleted after)",
         cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-compare"))
        ("benchmarks", "benchmarks on each side", cxxopts::value<int>()->default_value("100"))
        ("rows", "device rows in the store", cxxopts::value<long>()->default_value("10000000"))
        ("small-rows", "device rows of a first, smaller store (memory must not grow); 0 = skip",
         cxxopts::value<long>()->default_value("1000000"))
        ("repeat", "repetitions", cxxopts::value<int>()->default_value("3"));
    return benchstore::speed::speed_main(cli, argc, argv, run);
}
