#include "benchstore/device_sampler.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "benchstore/error.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "monitor/proc_sampler.hpp"
#include "monitor/sample_trigger.hpp"

namespace benchstore {

struct DeviceSampler::Impl {
    MetricsRecorder& recorder;
    std::string benchmark_id;
    monitor::ProcSampler proc;
    std::shared_ptr<GpuReader> gpu;

    std::shared_ptr<monitor::SampleTrigger> trigger;

    mutable std::mutex mutex;  // guards error and rethrown
    std::mutex join_mutex;     // serialises join(): only one caller may join the thread
    bool rethrown = false;
    std::exception_ptr error;
    std::atomic<std::size_t> recorded{0};
    std::thread thread;

    Impl(MetricsRecorder& r, std::string id, const SamplerOptions& options, std::shared_ptr<monitor::SampleTrigger> t)
        : recorder(r), benchmark_id(std::move(id)), proc(options.pid), trigger(std::move(t))
    {
        switch (options.gpu_source) {
        case GpuSource::nvml: gpu = open_nvml_gpu_reader(0); break;
        case GpuSource::none: break;
        case GpuSource::custom:
            if (!options.gpu_reader) throw InvalidArgument("sampler: GpuSource::custom needs a gpu_reader");
            gpu = options.gpu_reader;
            break;
        }
    }

    void run() noexcept
    {
        while (trigger->wait_for_next()) {
            if (std::exception_ptr failure = sample_guarded()) {
                keep(failure);
                trigger->sampler_finished();
                return;
            }
        }
        // Stopped. A benchmark shorter than one interval still gets its one row, measured over its
        // whole (short) life: a device table with no row at all reads as "not measured".
        if (recorded.load(std::memory_order_relaxed) == 0) {
            if (std::exception_ptr failure = sample_guarded()) keep(failure);
        }
        trigger->sampler_finished();
    }

    void keep(std::exception_ptr failure)
    {
        std::lock_guard lock(mutex);
        error = std::move(failure);
    }

    // One sample; the error it raised, if any, as the Error stop() will rethrow.
    std::exception_ptr sample_guarded() noexcept
    {
        try {
            sample_once();
        } catch (const Error&) {
            return std::current_exception();
        } catch (const std::exception& e) {
            return std::make_exception_ptr(Error("device sampler for benchmark " + benchmark_id + ": " + e.what()));
        } catch (...) {
            return std::make_exception_ptr(Error("device sampler for benchmark " + benchmark_id + " failed"));
        }
        return {};
    }

    void sample_once()
    {
        const monitor::ProcessSample p = proc.sample();
        std::optional<GpuReading> g;
        if (gpu) g = gpu->read();
        recorder.collect_device_measurements(benchmark_id, p.cpu_util, p.mem_megabytes,
                                             g ? g->util : std::nullopt, g ? g->mem_megabytes : std::nullopt);
        recorded.fetch_add(1, std::memory_order_relaxed);
    }

    void join() noexcept
    {
        trigger->stop();
        std::lock_guard join_lock(join_mutex);  // stop() may race in from several threads
        if (thread.joinable()) thread.join();
    }
};

DeviceSampler::DeviceSampler(MetricsRecorder& recorder, std::string benchmark_id, SamplerOptions options)
    : DeviceSampler(recorder, std::move(benchmark_id), options,
                    std::make_shared<monitor::IntervalTrigger>(std::max(options.interval, std::chrono::milliseconds(1))))
{
}

DeviceSampler::DeviceSampler(MetricsRecorder& recorder, std::string benchmark_id, const SamplerOptions& options,
                             std::shared_ptr<monitor::SampleTrigger> trigger)
{
    if (options.interval.count() <= 0) throw InvalidArgument("sampler interval must be positive");
    m_impl = std::make_unique<Impl>(recorder, std::move(benchmark_id), options, std::move(trigger));
    m_impl->thread = std::thread([impl = m_impl.get()] { impl->run(); });
}

DeviceSampler::~DeviceSampler()
{
    if (m_impl) m_impl->join();
}

void DeviceSampler::stop()
{
    m_impl->join();
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->error && !m_impl->rethrown) {
        m_impl->rethrown = true;
        std::rethrow_exception(m_impl->error);
    }
}

std::size_t DeviceSampler::samples_recorded() const { return m_impl->recorded.load(std::memory_order_relaxed); }

std::exception_ptr DeviceSampler::error() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->error;
}

bool DeviceSampler::has_gpu() const { return m_impl->gpu != nullptr; }

} // namespace benchstore
