#include "monitor/sample_trigger.hpp"

#include "benchstore/device_sampler.hpp"

namespace benchstore::monitor {

std::chrono::steady_clock::time_point next_deadline(std::chrono::steady_clock::time_point due,
                                                    std::chrono::steady_clock::time_point now,
                                                    std::chrono::milliseconds interval)
{
    const auto next = due + interval;
    return next <= now ? now + interval : next;
}

IntervalTrigger::IntervalTrigger(std::chrono::milliseconds interval)
    : m_interval(interval), m_due(std::chrono::steady_clock::now() + interval)
{
}

bool IntervalTrigger::wait_for_next()
{
    std::unique_lock lock(m_mutex);
    // The deadline moves on only once the previous sample has been taken (this call follows it).
    if (!m_first) m_due = next_deadline(m_due, std::chrono::steady_clock::now(), m_interval);
    m_first = false;
    return !m_wake.wait_until(lock, m_due, [this] { return m_stopping; });
}

void IntervalTrigger::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
}

std::unique_ptr<DeviceSampler> SamplerAccess::start(MetricsRecorder& recorder, std::string benchmark_id,
                                                    const SamplerOptions& options, std::shared_ptr<SampleTrigger> trigger)
{
    return std::unique_ptr<DeviceSampler>(new DeviceSampler(recorder, std::move(benchmark_id), options, std::move(trigger)));
}

} // namespace benchstore::monitor
