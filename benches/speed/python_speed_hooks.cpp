// The C++ side of benches/speed/python_speed.py: the C++ recorder's own loops (those of
// recorder_speed.cpp) behind a C interface, loaded with ctypes. A plain shared library rather than a hook
// in the extension, so the shipped extension holds none of it and one build serves the package of any
// interpreter (a wheel in a pyenv venv as much as the build tree's). ctypes releases the GIL during a call.
// Not installed; no error crosses the C boundary: a failure prints one line and returns a negative time.
#include <chrono>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "benchstore/metrics_recorder.hpp"
#include "benchstore/timestamp.hpp"

namespace {

struct SpeedRecorder {
    benchstore::MetricsRecorder recorder;
    std::string benchmark_id;
};

template <typename Fn>
double timed(Fn&& fn) noexcept
{
    try {
        const auto start = std::chrono::steady_clock::now();
        fn();
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } catch (const std::exception& e) {
        std::cerr << "python_speed_hooks: " << e.what() << std::endl;
        return -1;
    }
}

} // namespace

extern "C" {

// A recorder on db_path with one benchmark; null (and a line on stderr) when it cannot be opened.
__attribute__((visibility("default"))) void* speed_open(const char* db_path) noexcept
{
    try {
        benchstore::RecorderOptions o;
        o.db_path = db_path;
        o.repository = "acme/widgets";
        o.branch = "main";
        o.commit_id = "abc123";
        o.commit_message = "speed";
        auto r = std::make_unique<SpeedRecorder>(SpeedRecorder{benchstore::MetricsRecorder(std::move(o)), {}});
        r->benchmark_id = r->recorder.initialise_benchmark({{"bench", "C++"}});
        return r.release();
    } catch (const std::exception& e) {
        std::cerr << "python_speed_hooks: " << e.what() << std::endl;
        return nullptr;
    }
}

__attribute__((visibility("default"))) void speed_close(void* handle) noexcept
{
    delete static_cast<SpeedRecorder*>(handle);
}

// Seconds for rows durable one-row calls (values 12.5 + i, 2048), as recorder_speed.cpp's loop.
__attribute__((visibility("default"))) double speed_durable_loop(void* handle, int first, int rows) noexcept
{
    auto& r = *static_cast<SpeedRecorder*>(handle);
    return timed([&] {
        for (int i = first; i < first + rows; ++i) r.recorder.collect_device_measurements(r.benchmark_id, 12.5 + i, 2048.0);
    });
}

// Seconds for rows rows through the batch call, batch_size rows per call.
__attribute__((visibility("default"))) double speed_batch_loop(void* handle, int first, int rows, int batch_size) noexcept
{
    auto& r = *static_cast<SpeedRecorder*>(handle);
    return timed([&] {
        for (int i = first; i < first + rows; i += batch_size) {
            std::vector<benchstore::DeviceSample> batch(static_cast<std::size_t>(batch_size));
            for (int k = 0; k < batch_size; ++k)
                batch[static_cast<std::size_t>(k)] = {12.5 + i + k, 2048.0, std::nullopt, std::nullopt, benchstore::now_utc()};
            r.recorder.collect_device_measurements(r.benchmark_id, std::span<const benchstore::DeviceSample>(batch));
        }
    });
}

} // extern "C"
