// benchstore-speed-sampler: what device sampling costs the benchmark it measures.
//
//   benchstore-speed-sampler [--dir DIR] [--reps N]
//
// (a) the sampler's own cost per row: CPU time and wall time of one sample (read /proc, read the GPU,
//     one durable recorder call), with samples every 10 ms (llama.py's rate) while the main thread sleeps;
// (b) the slowdown of a CPU workload (std::sort of 2,000,000 integers) with the sampler running at the
//     default 100 ms against without: N alternating pairs in the same run, the median of the pairs' ratios.
// The store is a fresh file in DIR (default: the current folder's file system, via a temporary folder).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include <cxxopts.hpp>

#include "benchstore/device_sampler.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "speed_process.hpp"
#include "speed_support.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using benchstore::speed::median;

double process_cpu_seconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double sort_seconds(const std::vector<std::uint64_t>& input)
{
    std::vector<std::uint64_t> work = input;
    const auto start = Clock::now();
    std::sort(work.begin(), work.end());
    return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv)
{
    cxxopts::Options cli("benchstore-speed-sampler", "What device sampling costs the benchmark it measures.");
    cli.add_options()("dir", "folder for the temporary store", cxxopts::value<std::string>()->default_value("."))(
        "reps", "repetitions of the workload comparison", cxxopts::value<std::string>()->default_value("21"));
    return benchstore::speed::speed_main(cli, argc, argv, [&](const cxxopts::ParseResult& args) {
        const int reps = std::max(1, std::stoi(args["reps"].as<std::string>()));  // (cxxopts' int parser trips a GCC 12 warning)
        const auto dir_path = std::filesystem::absolute(args["dir"].as<std::string>()) / ".benchstore-speed-sampler";
        std::filesystem::remove_all(dir_path);
        const benchstore::speed::WorkFolder work(dir_path);
        const auto& dir = work.path();

        auto recorder = benchstore::create_global_metrics_recorder("bench/sampler", "main", "0", "sampler cost", dir / "b.db");

        // (a) cost per row at 10 ms.
        const std::string id = recorder.initialise_benchmark({{"bench", "sampler cost"}});
        benchstore::SamplerOptions fast;
        fast.interval = 10ms;
        const double cpu_before = process_cpu_seconds();
        const auto wall_start = Clock::now();
        std::size_t rows = 0;
        bool gpu = false;
        {
            benchstore::DeviceSampler sampler(recorder, id, fast);
            gpu = sampler.has_gpu();
            std::this_thread::sleep_for(3s);
            sampler.stop();
            rows = sampler.samples_recorded();
        }
        const double cpu_per_row = (process_cpu_seconds() - cpu_before) / static_cast<double>(rows);
        const double wall = std::chrono::duration<double>(Clock::now() - wall_start).count();
        std::cout << "(a) sampler at 10 ms for " << wall << " s: " << rows << " rows (" << rows / wall
                  << " rows/s), CPU per row " << cpu_per_row * 1e6 << " us (GPU " << (gpu ? "read through NVML" : "absent: NULL")
                  << ")\n";

        // (b) workload slowdown at the default 100 ms.
        std::mt19937_64 rng(3);
        std::vector<std::uint64_t> input(2'000'000);
        for (auto& x : input) x = rng();
        sort_seconds(input);  // warm-up
        std::vector<double> without, with, ratios;
        for (int i = 0; i < reps; ++i) {
            without.push_back(sort_seconds(input));
            const std::string bid = recorder.initialise_benchmark({{"bench", "sort with sampler"}});
            benchstore::DeviceSampler sampler(recorder, bid);
            with.push_back(sort_seconds(input));
            sampler.stop();
            ratios.push_back(with.back() / without.back());  // neighbours share the machine's load
        }
        std::cout << "(b) std::sort of 2,000,000 integers, " << reps << " alternating pairs: median without sampler "
                  << median(without) * 1e3 << " ms, with sampler (100 ms) " << median(with) * 1e3
                  << " ms, median ratio with/without " << median(ratios) << "\n";
        recorder.close();
        return 0;
    });
}
