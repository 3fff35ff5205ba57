// Test module: creates a benchmark with the sampler running and never returns (also forks a
// grandchild that hangs, which the runner must kill with the module's process group). With
// HANG_MODULE_PID_FILE set it writes the grandchild's pid and then its own there.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include <benchstore/benchmark_module.hpp>

BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    const std::string id = ctx.metrics_recorder.initialise_benchmark({{"test", "hang"}});
    benchstore::SamplerOptions options;
    options.interval = std::chrono::milliseconds(50);
    benchstore::DeviceSampler sampler(ctx.metrics_recorder, id, options);
    const pid_t child = fork();
    if (child == 0) {
        for (;;) pause();
    }
    if (const char* pid_file = std::getenv("HANG_MODULE_PID_FILE")) {
        std::ofstream(pid_file) << child << "\n" << getpid() << "\n";  // the grandchild, then the module process
    }
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
}
