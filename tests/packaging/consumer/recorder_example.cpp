// The recorder example of docs/store.md as a program outside benchstore's tree (tests/packaging): records one
// benchmark into DB and exports it into DIR, then checks that an error thrown inside the shared library
// is caught by its type here (its type_info is exported).
//   recorder_example DB DIR
#include <iostream>

#include <benchstore/error.hpp>
#include <benchstore/metrics_recorder.hpp>
#include <benchstore/version.hpp>

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::cerr << "usage: recorder_example DB DIR\n";
        return 2;
    }
    auto recorder = benchstore::create_global_metrics_recorder(
        "huggingface/transformers", "main", "abc123", "Optimize attention", argv[1]);
    const std::string id = recorder.initialise_benchmark({{"model_name", "google/gemma-2b"}, {"batch_size", "1"}});
    recorder.collect_device_measurements(id, /*cpu_util*/ 45.2, /*mem_megabytes*/ 8192, /*gpu_util*/ 78.5, /*gpu_mem_megabytes*/ 16384);
    recorder.collect_device_measurements(id, 45.2, 8192);               // no GPU: NULL, not 0
    recorder.collect_model_measurements(id, {{"model_load_time", 2.34}, {"time_to_first_token_secs", 0.045}});
    recorder.set_status(id, benchstore::BenchmarkStatus::completed);
    const auto files = recorder.export_to_csv(argv[2]);

    try {
        recorder.collect_model_measurements("no-such-benchmark", {{"t", 1.0}});
        std::cerr << "no error for an unknown benchmark id\n";
        return 1;
    } catch (const benchstore::InvalidArgument& e) {
        std::cout << "caught benchstore::InvalidArgument\n";
    }
    recorder.close();

    std::cout << "benchstore " << benchstore::version() << " (headers " << BENCHSTORE_VERSION_STRING << ")\n"
              << "recorded benchmark " << id << "\n"
              << "exported " << files.size() << " files\n";
    return 0;
}
