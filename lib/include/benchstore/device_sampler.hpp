#pragma once
// Device sampling: a background thread that records one device measurement row for one benchmark
// every interval (default 100 ms), with the meanings of Hugging Face's benches/llama.py:
//
//   cpu_util          the measured process's CPU time over the interval, in percent of one core
//                     (user + system, from /proc/<pid>/stat; above 100 when it uses several cores,
//                     as psutil.Process.cpu_percent())
//   mem_megabytes     the measured process's resident set size in MiB (/proc/<pid>/statm)
//   gpu_util          GPU 0's whole-device utilisation in percent, as NVML reports it
//   gpu_mem_megabytes GPU 0's used memory in MiB (whole device, all processes)
//
// GPU values come from NVML, loaded at run time with dlopen("libnvidia-ml.so.1"). Without NVML or
// without a GPU they are empty and stored as NULL — never 0, never an error.
//
// The GPU source is an interface (GpuReader) so a caller or a test can supply another one.
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

#include "benchstore/api.hpp"

namespace benchstore {

class MetricsRecorder;
namespace monitor {
class SampleTrigger;
struct SamplerAccess;
} // namespace monitor

// One reading of a GPU. Either value may be empty when the device could not report it.
struct GpuReading {
    std::optional<double> util;           // percent
    std::optional<double> mem_megabytes;  // used MiB
};

// A source of GPU readings. read() is called from the sampler thread only, never concurrently with
// itself; it must not throw (return std::nullopt when nothing can be read).
class BENCHSTORE_API GpuReader {
public:
    virtual ~GpuReader() = default;
    virtual std::optional<GpuReading> read() noexcept = 0;
    // The device's name ("NVIDIA H100 80GB HBM3"), empty if unknown.
    virtual std::string name() const { return {}; }
};

// Opens GPU device_index through NVML (libnvidia-ml.so.1, loaded at run time). Returns nullptr when
// the library is missing, fails to initialise or has no such device. Never throws.
BENCHSTORE_API std::unique_ptr<GpuReader> open_nvml_gpu_reader(unsigned device_index = 0);

// Which GPU the sampler reads.
enum class GpuSource {
    nvml,    // GPU 0 through NVML when available, else NULL values
    none,    // never read a GPU: GPU values are NULL
    custom   // SamplerOptions::gpu_reader (it must be set)
};

struct SamplerOptions {
    // Time between samples. Default 100 ms; must be positive.
    std::chrono::milliseconds interval{100};
    // Process whose CPU and memory are measured. 0 (default) = the calling process.
    pid_t pid = 0;
    GpuSource gpu_source = GpuSource::nvml;
    // Used when gpu_source is custom. Shared so a test can keep a handle on it.
    std::shared_ptr<GpuReader> gpu_reader;
};

// DeviceSampler records rows through a MetricsRecorder for one benchmark, on its own thread, from
// construction until stop() or destruction. The first row comes one interval after construction:
// CPU percent needs an interval to measure over. A sampler stopped before its first interval records
// one row at stop(), measured since construction, so even a very short benchmark has a device row.
//
// Ownership: the recorder is borrowed and must outlive the sampler.
// Errors: the sampler thread never throws. If recording fails (closed recorder, unknown benchmark,
// store error) sampling stops and the error is kept; stop() rethrows it. The destructor stops the
// thread and swallows any error.
// Thread safety: stop(), samples_recorded() and error() may be called from any thread.
class BENCHSTORE_API DeviceSampler {
public:
    // Starts sampling. Throws InvalidArgument for a non-positive interval, custom GPU source without
    // a reader, or a pid whose /proc entry cannot be read.
    DeviceSampler(MetricsRecorder& recorder, std::string benchmark_id, SamplerOptions options = {});
    ~DeviceSampler();
    DeviceSampler(const DeviceSampler&) = delete;
    DeviceSampler& operator=(const DeviceSampler&) = delete;

    // Stops sampling and joins the thread. Rethrows the error that stopped the thread, if any (once).
    // Safe to call twice.
    void stop();

    // Rows recorded so far.
    std::size_t samples_recorded() const;

    // The error that stopped sampling early, if any (kept after stop() has rethrown it).
    std::exception_ptr error() const;

    // True when GPU values are being read (a GPU reader is present), false when they are NULL.
    bool has_gpu() const;

private:
    // Tests drive a sampler with their own trigger instead of the clock (lib/src/monitor/sample_trigger.hpp).
    // Hidden: not part of the library's ABI.
    friend struct monitor::SamplerAccess;
    __attribute__((visibility("hidden"))) DeviceSampler(MetricsRecorder& recorder, std::string benchmark_id,
                                                        const SamplerOptions& options,
                                                        std::shared_ptr<monitor::SampleTrigger> trigger);

    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace benchstore
