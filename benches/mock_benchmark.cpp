// mock_benchmark: the seed's mock benchmark. Simulated phases of loading and running a model (busy
// arithmetic over an allocated "weights" buffer) yield the same thirteen timings as Hugging Face's
// llama benchmark, each measured with a steady clock, while the real device sampler records this
// process's CPU and memory (and GPU 0 when NVML is present) every 100 ms.
// BENCHSTORE_MOCK_SECONDS sets the approximate total (default 3).
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchstore/benchmark_module.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double total_seconds()
{
    const char* text = std::getenv("BENCHSTORE_MOCK_SECONDS");
    const double s = text ? std::atof(text) : 3.0;
    return s > 0 ? s : 3.0;
}

class MockModel {
public:
    explicit MockModel(std::size_t megabytes) : m_weights(megabytes * 1024 * 1024 / sizeof(float))
    {
        std::mt19937 rng(42);
        std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
        for (auto& w : m_weights) w = dist(rng);
    }

    // Busy work over the weights for about `seconds`; returns the measured wall time.
    double work(double seconds)
    {
        const auto start = Clock::now();
        const auto until = start + std::chrono::duration<double>(seconds);
        std::size_t i = 0;
        while (Clock::now() < until) {
            for (int k = 0; k < 4096; ++k, ++i) m_acc += std::tanh(m_weights[i % m_weights.size()] * 0.5f);
        }
        return std::chrono::duration<double>(Clock::now() - start).count();
    }

    float checksum() const { return m_acc; }

private:
    std::vector<float> m_weights;
    float m_acc = 0;
};

} // namespace

BENCHSTORE_BENCHMARK_MODULE void run_benchmark(benchstore::BenchmarkContext& ctx)
{
    const double total = total_seconds();
    // One NVML reader, shared with the sampler, also names the GPU for the dashboards' gpu_name.
    std::shared_ptr<benchstore::GpuReader> gpu = benchstore::open_nvml_gpu_reader(0);
    benchstore::Metadata metadata{{"model_id", "benchstore/mock-model"}, {"simulated", "true"}};
    if (gpu && !gpu->name().empty()) metadata.emplace_back("gpu_name", gpu->name());
    const std::string id = ctx.metrics_recorder.initialise_benchmark(metadata);
    ctx.logger.info("mock_benchmark: benchmark " + id + ", about " + std::to_string(static_cast<int>(total * 1000)) +
                    " ms of simulated work, " + (gpu ? "sampling GPU 0 (" + gpu->name() + ")" : std::string("no GPU")));
    benchstore::SamplerOptions sampling;
    sampling.gpu_source = gpu ? benchstore::GpuSource::custom : benchstore::GpuSource::none;
    sampling.gpu_reader = gpu;
    benchstore::DeviceSampler sampler(ctx.metrics_recorder, id, sampling);

    // Shares of the total, shaped like a real run: a slow first (compile) pass, faster repeats.
    const auto load_start = Clock::now();
    MockModel model(64);
    double model_load_time = std::chrono::duration<double>(Clock::now() - load_start).count();
    model_load_time += model.work(total * 0.05);

    benchstore::Measurements m;
    m.emplace_back("model_load_time", model_load_time);
    m.emplace_back("first_eager_forward_pass_time_secs", model.work(total * 0.06));
    m.emplace_back("second_eager_forward_pass_time_secs", model.work(total * 0.04));
    m.emplace_back("first_eager_generate_time_secs", model.work(total * 0.12));
    m.emplace_back("second_eager_generate_time_secs", model.work(total * 0.10));
    const double t1 = model.work(total * 0.02);
    const double t2 = model.work(total * 0.01);
    const double t3 = model.work(total * 0.01);
    double next_sum = 0;
    constexpr int next_tokens = 8;
    for (int i = 0; i < next_tokens; ++i) next_sum += model.work(total * 0.005);
    m.emplace_back("time_to_first_token_secs", t1);
    m.emplace_back("time_to_second_token_secs", t2);
    m.emplace_back("time_to_third_token_secs", t3);
    m.emplace_back("time_to_next_token_mean_secs", next_sum / next_tokens);
    m.emplace_back("first_compile_generate_time_secs", model.work(total * 0.25));
    m.emplace_back("second_compile_generate_time_secs", model.work(total * 0.09));
    m.emplace_back("third_compile_generate_time_secs", model.work(total * 0.08));
    m.emplace_back("fourth_compile_generate_time_secs", model.work(total * 0.07));

    sampler.stop();
    ctx.metrics_recorder.collect_model_measurements(id, m);
    ctx.logger.info("mock_benchmark: " + std::to_string(sampler.samples_recorded()) + " device samples, checksum " +
                    std::to_string(model.checksum()));
}
