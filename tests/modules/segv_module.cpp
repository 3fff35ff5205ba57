// Test module: dies of a segmentation fault before creating any benchmark.
#include <benchstore/benchmark_module.hpp>

BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    ctx.logger.info("segv_module about to crash");
    volatile int* volatile p = nullptr;
    *p = 1;
}
