// benchstore-speed-compare: speed and memory of benchstore-compare against benchstore-export of the
// same two selections. Prints figures; it is a benchmark, not a test.
//
// It builds a store of two commits with --benchmarks benchmarks each (the same identities on both
// sides, a few model rows each) and --rows device rows in all, through the recorder's batch API, then
// alternates --repeat runs of
//   benchstore-compare --db STORE commit:BASE commit:HEAD --format csv
//   benchstore-export --db STORE --commit BASE, then --commit HEAD   (the same two selections)
// each as a child under GNU time (wall time here, peak RSS from time's %M). The target:
// compare takes at most the time of the two exports, and its memory stays flat as the store grows
// (the same figures at --small-rows show it). All files are deleted at the end.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include <sys/wait.h>

#include "benchstore/metrics_recorder.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const fs::path tools = fs::path(BENCHSTORE_BINARY_DIR) / "tools";

struct Timed {
    double seconds = 0;
    double peak_mib = 0;
};

std::string quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs the command line under GNU time; throws when it fails.
Timed timed(const std::string& command, const fs::path& work)
{
    const fs::path rss = work / "rss.txt";
    const std::string line = "/usr/bin/time -f %M -o " + quote(rss.string()) + " " + command + " > /dev/null";
    const auto start = Clock::now();
    const int rc = std::system(line.c_str());
    Timed t;
    t.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    // benchstore-compare exits 4 when it finds a regression; anything else is a failure.
    if (!WIFEXITED(rc) || (WEXITSTATUS(rc) != 0 && WEXITSTATUS(rc) != 4)) throw std::runtime_error("failed: " + command);
    std::ifstream in(rss);
    double kib = 0;
    in >> kib;
    t.peak_mib = kib / 1024.0;
    return t;
}

double median(std::vector<double> xs)
{
    std::sort(xs.begin(), xs.end());
    const std::size_t n = xs.size();
    return n % 2 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

// Two commits, `benchmarks` benchmarks each with the same identities, `rows` device rows in all.
void build_store(const fs::path& db, int benchmarks, long rows)
{
    std::uint64_t state = 11;
    auto uniform = [&](double lo, double hi) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return lo + (hi - lo) * static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    const long per_benchmark = rows / (2L * benchmarks);
    auto time = benchstore::Timestamp(std::chrono::seconds(1'753'819'687));
    std::vector<benchstore::DeviceSample> samples;
    for (const char* commit : {"base0000", "head1111"}) {
        auto rec = benchstore::create_global_metrics_recorder("huggingface/transformers", "main", commit, "speed", db);
        for (int b = 0; b < benchmarks; ++b) {
            const auto id = rec.initialise_benchmark({{"model_name", "model-" + std::to_string(b)}});
            for (long done = 0; done < per_benchmark; done += 100'000) {
                samples.clear();
                for (long i = done; i < std::min(per_benchmark, done + 100'000); ++i) {
                    time += std::chrono::milliseconds(100);
                    samples.push_back({uniform(0, 400), uniform(1000, 9000), uniform(0, 100), uniform(0, 80000), time});
                }
                rec.collect_device_measurements(id, samples);
            }
            for (int m = 0; m < 10; ++m)
                rec.collect_model_measurements(id, {{"model_load_time", uniform(1, 5)},
                                                    {"time_to_first_token_secs", uniform(0, 0.1)},
                                                    {"tokens_per_second", uniform(100, 200)}});
            rec.set_status(id, benchstore::BenchmarkStatus::completed);
        }
    }
}

void measure(const fs::path& work, long rows, int benchmarks, int repeat)
{
    const fs::path db = work / ("store-" + std::to_string(rows) + ".db");
    const auto build_start = Clock::now();
    build_store(db, benchmarks, rows);
    const double build_s = std::chrono::duration<double>(Clock::now() - build_start).count();
    std::vector<double> compare_s, export_s;
    double compare_peak = 0, export_peak = 0;
    const std::string store = quote(db.string());
    for (int r = 0; r < repeat; ++r) {
        const Timed c = timed(quote((tools / "benchstore-compare").string()) + " --db " + store +
                                  " commit:base0000 commit:head1111 --format csv",
                              work);
        compare_s.push_back(c.seconds);
        compare_peak = std::max(compare_peak, c.peak_mib);
        double both = 0;
        for (const char* commit : {"base0000", "head1111"}) {
            const fs::path out = work / "export-out";
            const Timed e = timed(quote((tools / "benchstore-export").string()) + " --db " + store + " --out " +
                                      quote(out.string()) + " --commit " + commit,
                                  work);
            fs::remove_all(out);
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
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
}

int run(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-compare", "Time benchstore-compare against benchstore-export.");
    cli.add_options()
        ("dir", "work folder (created; files deleted after)",
         cxxopts::value<std::string>()->default_value("/tmp/benchstore-speed-compare"))
        ("benchmarks", "benchmarks on each side", cxxopts::value<int>()->default_value("100"))
        ("rows", "device rows in the store", cxxopts::value<long>()->default_value("10000000"))
        ("small-rows", "device rows of a first, smaller store (memory must not grow); 0 = skip",
         cxxopts::value<long>()->default_value("1000000"))
        ("repeat", "repetitions", cxxopts::value<int>()->default_value("3"))
        ("h,help", "show this help");
    const auto args = cli.parse(argc, argv);
    if (args.count("help")) {
        std::cout << cli.help();
        return 0;
    }
    const fs::path work = args["dir"].as<std::string>();
    fs::create_directories(work);
    const int benchmarks = args["benchmarks"].as<int>(), repeat = args["repeat"].as<int>();
    if (benchmarks < 1 || repeat < 1) throw std::runtime_error("--benchmarks and --repeat must be at least 1");
    if (args["small-rows"].as<long>() > 0) measure(work, args["small-rows"].as<long>(), benchmarks, repeat);
    measure(work, args["rows"].as<long>(), benchmarks, repeat);
    fs::remove_all(work);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "benchstore-speed-compare: " << e.what() << "\n";
        return 1;
    }
}
