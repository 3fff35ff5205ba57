// A real Google Benchmark program for import_test. BENCHSTORE_TEST_SLOWDOWN (default 1) multiplies the
// work of every iteration: the planted slowdown. The time is set by hand (UseManualTime) to the
// nominal work, so real_time does not depend on how busy the test machine is; cpu_time is measured.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

namespace {

double slowdown()
{
    const char* s = std::getenv("BENCHSTORE_TEST_SLOWDOWN");
    return s ? std::stod(s) : 1.0;
}

void BM_work(benchmark::State& state)
{
    const double factor = slowdown();
    const long steps = static_cast<long>(static_cast<double>(state.range(0)) * 50000 * factor);
    for (auto _ : state) {
        double x = 0;
        for (long i = 0; i < steps; ++i) benchmark::DoNotOptimize(x += static_cast<double>(i) * 0.5);
        state.SetIterationTime(0.0005 * static_cast<double>(state.range(0)) * factor);
    }
    state.SetItemsProcessed(state.iterations() * steps);
    state.counters["steps"] = static_cast<double>(steps);
}
BENCHMARK(BM_work)->Arg(1)->Arg(2)->UseManualTime()->Iterations(10)->Repetitions(8);

void BM_broken(benchmark::State& state)
{
    for (auto _ : state) {
    }
    state.SkipWithError("the fixture could not be opened");
}
BENCHMARK(BM_broken);

} // namespace

BENCHMARK_MAIN();
