// Test module: records one benchmark with a model measurement and returns normally.
#include <benchstore/benchmark_module.hpp>

BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    const std::string id = ctx.metrics_recorder.initialise_benchmark({{"test", "ok"}, {"commit", ctx.commit_id}});
    ctx.metrics_recorder.collect_model_measurements(id, {{"answer", 42.0}});
    ctx.logger.debug("ok_module debug detail");
    ctx.logger.info("ok_module ran for " + ctx.repository);
}
