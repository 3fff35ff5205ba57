#pragma once
// When the device sampler takes its next sample. Internal to the library.
//
// The sampler thread asks its trigger, between samples, whether to sample again. In use the trigger
// is an IntervalTrigger, the clock; tests hand the sampler a trigger they fire themselves
// (tests/support/manual_sample_trigger.hpp, through SamplerAccess below), so what a test checks
// follows from the samples it asked for, not from how busy the machine was.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace benchstore {
class DeviceSampler;
class MetricsRecorder;
struct SamplerOptions;
} // namespace benchstore

namespace benchstore::monitor {

class SampleTrigger {
public:
    virtual ~SampleTrigger() = default;
    // Sampler thread: blocks until the next sample is due. False once stop() was called: no more samples.
    virtual bool wait_for_next() = 0;
    // Any thread: wait_for_next() returns false from now on, also to a call already waiting.
    virtual void stop() = 0;
    // Sampler thread, once, when it takes no more samples (stopped, or a recording error ended it).
    virtual void sampler_finished() noexcept {}
};

// The deadline after `due` once a sample that was due then has been taken at `now`: one interval on,
// so a slow write does not make the series drift; but never in the past, so a sampler that fell
// behind (a slow disk) skips the samples it missed instead of taking them in a burst.
std::chrono::steady_clock::time_point next_deadline(std::chrono::steady_clock::time_point due,
                                                    std::chrono::steady_clock::time_point now,
                                                    std::chrono::milliseconds interval);

// The clock: a sample every interval, the first one interval after construction.
class IntervalTrigger final : public SampleTrigger {
public:
    explicit IntervalTrigger(std::chrono::milliseconds interval);
    bool wait_for_next() override;
    void stop() override;

private:
    std::chrono::milliseconds m_interval;
    std::chrono::steady_clock::time_point m_due;
    bool m_first = true;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
};

// The test seam: a DeviceSampler driven by the given trigger instead of its interval (the options'
// interval is still checked). Not exported from libbenchstore.so; tests link benchstore_internal.
struct SamplerAccess {
    static std::unique_ptr<DeviceSampler> start(MetricsRecorder& recorder, std::string benchmark_id,
                                                const SamplerOptions& options, std::shared_ptr<SampleTrigger> trigger);
};

} // namespace benchstore::monitor
