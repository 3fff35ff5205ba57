#pragma once
// A device sampler trigger the test fires itself (lib/src/monitor/sample_trigger.hpp): the sampler
// takes a sample when, and only when, the test says so, and fire() returns once that sample is
// recorded. Tests of what the rows hold therefore wait on conditions, never on the clock.
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>

#include "benchstore/device_sampler.hpp"
#include "monitor/sample_trigger.hpp"

namespace benchstore::test {

class ManualSampleTrigger final : public monitor::SampleTrigger {
public:
    // Lets the sampler take one sample and waits until it has been recorded. False when the sampler
    // took no more samples instead (a recording error ended it, or it was stopped).
    bool fire()
    {
        std::unique_lock lock(m_mutex);
        if (m_finished) return false;
        ++m_released;
        m_changed.notify_all();
        // The sampler is back in wait_for_next() once the released sample is recorded.
        m_changed.wait(lock, [this] { return m_waits > m_released || m_finished; });
        return m_waits > m_released;
    }

    bool wait_for_next() override
    {
        std::unique_lock lock(m_mutex);
        ++m_waits;
        m_changed.notify_all();
        m_changed.wait(lock, [this] { return m_taken < m_released || m_stopping; });
        if (m_stopping) return false;
        ++m_taken;
        return true;
    }

    void stop() override
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_changed.notify_all();
    }

    void sampler_finished() noexcept override
    {
        std::lock_guard lock(m_mutex);
        m_finished = true;
        m_changed.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::size_t m_released = 0;  // samples fire() has allowed
    std::size_t m_taken = 0;     // samples the sampler has started
    std::size_t m_waits = 0;     // times the sampler asked for its next sample
    bool m_stopping = false;
    bool m_finished = false;
};

// A sampler that samples only when `trigger` fires.
inline std::unique_ptr<DeviceSampler> manual_sampler(MetricsRecorder& recorder, const std::string& benchmark_id,
                                                     const SamplerOptions& options,
                                                     const std::shared_ptr<ManualSampleTrigger>& trigger)
{
    return monitor::SamplerAccess::start(recorder, benchmark_id, options, trigger);
}

} // namespace benchstore::test
