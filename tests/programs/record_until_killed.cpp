// Test helper: records rows into a store as fast as it can and prints "<kind> <n>" to stdout after each
// recording call has returned, so a test that kills it with SIGKILL knows which rows it was promised.
// Usage: record_until_killed DB_PATH
#include <cstdio>
#include <exception>
#include <string>

#include "benchstore/metrics_recorder.hpp"

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: record_until_killed DB_PATH\n");
        return 2;
    }
    try {
        auto recorder = benchstore::create_global_metrics_recorder("acme/widgets", "main", "abc", "kill test", argv[1]);
        const std::string id = recorder.initialise_benchmark({{"test", "kill"}});
        std::printf("benchmark %s\n", id.c_str());
        std::fflush(stdout);
        for (long n = 1;; ++n) {
            if (n % 5 == 0) {
                recorder.collect_model_measurements(id, {{"n", static_cast<double>(n)}});
                std::printf("model %ld\n", n);
            } else {
                recorder.collect_device_measurements(id, static_cast<double>(n), 1.0);
                std::printf("device %ld\n", n);
            }
            std::fflush(stdout);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "record_until_killed: %s\n", e.what());
        return 1;
    }
}
