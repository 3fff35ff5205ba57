// Test module: forks, and the forked copy returns from run_benchmark too; the module process waits for
// it and then throws. Only the module process's outcome may count ("threw: ..."), not the copy's return.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include <benchstore/benchmark_module.hpp>

BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    ctx.metrics_recorder.initialise_benchmark({{"test", "fork"}});
    const pid_t child = fork();
    if (child == 0) return;  // the copy returns into the runner's child code
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    throw std::runtime_error("boom from fork_module");
}
