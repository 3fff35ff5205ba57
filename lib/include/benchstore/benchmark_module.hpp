#pragma once
// The benchmark module interface: what a module in benches/ exports and what it is given.
//
// A module is a shared library (CMake MODULE) exporting one C-linkage function:
//
//     #include <benchstore/benchmark_module.hpp>
//
//     BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
//     {
//         const std::string id = ctx.metrics_recorder.initialise_benchmark({{"model_id", "my/model"}});
//         benchstore::DeviceSampler sampler(ctx.metrics_recorder, id);  // samples every 100 ms
//         ... the work, timed ...
//         sampler.stop();
//         ctx.metrics_recorder.collect_model_measurements(id, {{"total_time_secs", elapsed}});
//     }
//
// These are the seed's run_benchmark(logger, repository, branch, commit_id, commit_msg,
// metrics_recorder) arguments, gathered in one struct.
//
// benchstore-run runs each module in its own child process, so a module may crash or hang without
// harming the others. When run_benchmark returns, the benchmarks the module created that are still
// `running` are marked `completed`; when it throws, crashes or times out they are marked `failed`
// with the reason. A module may mark a benchmark itself with metrics_recorder.set_status().
//
// The context and everything it refers to belong to the runner and live until run_benchmark returns.
// Modules are built against the same benchstore headers as the runner (this is a C++ interface,
// not a stable C ABI); benchmark_module_abi_version lets the runner refuse a stale module.
#include <string>

#include "benchstore/device_sampler.hpp"
#include "benchstore/logger.hpp"
#include "benchstore/metrics_recorder.hpp"

namespace benchstore {

struct BenchmarkContext {
    Logger& logger;                     // the runner's log, "[INFO - time] message" lines
    const std::string& repository;      // the run's details, as given to benchstore-run
    const std::string& branch;
    const std::string& commit_id;
    const std::string& commit_msg;
    MetricsRecorder& metrics_recorder;  // records into the run's store, tagged with run id and module
};

// Raise when BenchmarkContext or the recorder's interface changes incompatibly.
inline constexpr int benchmark_module_abi_version = 1;

// The signature of run_benchmark.
using RunBenchmarkFunction = void(BenchmarkContext&);

// Names the runner looks up in a module.
inline constexpr const char* run_benchmark_symbol = "run_benchmark";
inline constexpr const char* abi_version_symbol = "benchstore_module_abi_version";

} // namespace benchstore

// Put in front of run_benchmark's definition: C linkage, exported, and it also exports the ABI
// version the module was built against.
#define BENCHSTORE_BENCHMARK_MODULE                                                                  \
    extern "C" __attribute__((visibility("default"))) const int benchstore_module_abi_version =      \
        ::benchstore::benchmark_module_abi_version;                                                  \
    extern "C" __attribute__((visibility("default")))
