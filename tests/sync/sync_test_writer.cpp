// A benchmark process for the sync fault tests: records device and model measurements into a
// store through the public recorder API, committing row by row, until it has written N device rows
// or is killed. Usage: sync_test_writer DB ROWS [PAUSE_MICROSECONDS]
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "benchstore/metrics_recorder.hpp"

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::cerr << "usage: sync_test_writer DB ROWS [PAUSE_MICROSECONDS]\n";
        return 2;
    }
    const long rows = std::atol(argv[2]);
    const long pause = argc > 3 ? std::atol(argv[3]) : 0;
    try {
        auto rec = benchstore::create_global_metrics_recorder("acme/widgets", "main", "feedbeef", "writer", argv[1]);
        std::string id;
        for (long i = 0; i < rows; ++i) {
            if (i % 100 == 0) {
                if (!id.empty()) {
                    rec.collect_model_measurements(id, {{"model_load_time", i / 7.0}});
                    rec.set_status(id, benchstore::BenchmarkStatus::completed);
                }
                id = rec.initialise_benchmark({{"gpu_name", "NVIDIA A100"}, {"writer", "yes"}});
            }
            rec.collect_device_measurements(id, i * 0.5, 1000 + i, std::nullopt, i % 2 ? std::optional<double>(i * 0.25) : std::nullopt);
            if (pause > 0) std::this_thread::sleep_for(std::chrono::microseconds(pause));
        }
        rec.set_status(id, benchstore::BenchmarkStatus::completed);
    } catch (const std::exception& e) {
        std::cerr << "sync_test_writer: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
