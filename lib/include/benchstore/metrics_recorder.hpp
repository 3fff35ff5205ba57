#pragma once
// MetricsRecorder: the C++ counterpart of the seed's MetricsRecorder, writing to a local SQLite file.
//
// Every recording call commits before it returns (WAL, synchronous=FULL): a row whose call returned
// survives the process being killed. Many rows at once go through the batch overload of
// collect_device_measurements, one transaction for the whole batch.
//
// Thread safety: all member functions may be called from several threads at once (a device sampler
// thread and the benchmark's own thread, say); calls are serialised on one connection. Several
// processes may record into the same file at the same time.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "benchstore/api.hpp"
#include "benchstore/timestamp.hpp"

namespace benchstore {

// Free-form benchmark metadata, string values as in the seed, kept in the order given.
using Metadata = std::vector<std::pair<std::string, std::string>>;
// Named model measurements (timings and the like), kept in the order given.
using Measurements = std::vector<std::pair<std::string, double>>;

struct RecorderOptions {
    std::filesystem::path db_path = "benchmarks.db";  // created if missing
    std::string repository;
    std::string branch;
    std::string commit_id;
    std::string commit_message;    // cut to 70 characters on a UTF-8 boundary
    std::string run_id;            // groups one runner invocation; empty = none
    std::string module;            // benchmark module name; empty = none
    std::string host;              // empty = this machine's host name
    // The machine's fingerprint stored with each benchmark (benchmarks.host_info, as a JSON object of
    // strings): cpu_model, logical_cores, memory_mib, kernel, os, gpu_name, gpu_driver. Empty = this
    // machine's, probed once per process. Set it only to record on behalf of another machine.
    Metadata host_info;
};

// One device sample. GPU values are empty where there is no GPU: stored as NULL, never as 0.
struct DeviceSample {
    double cpu_util = 0;
    double mem_megabytes = 0;
    std::optional<double> gpu_util;
    std::optional<double> gpu_mem_megabytes;
    std::optional<Timestamp> time;  // when it was sampled; empty = when it is recorded
};

enum class BenchmarkStatus { running, completed, failed };

class BENCHSTORE_API MetricsRecorder {
public:
    // Opens (creating and migrating as needed) the store at options.db_path.
    // Throws StoreError (unreadable, corrupt or newer file) or InvalidArgument (empty repository).
    explicit MetricsRecorder(RecorderOptions options);
    ~MetricsRecorder();
    MetricsRecorder(MetricsRecorder&&) noexcept;
    MetricsRecorder& operator=(MetricsRecorder&&) noexcept;

    // Creates a benchmark (status running) and returns its UUID v7.
    // Throws InvalidArgument for an empty metadata key, StoreError if the write fails.
    std::string initialise_benchmark(const Metadata& metadata);

    // Records one device sample for benchmark_id, stamped now.
    // Throws InvalidArgument for an unknown id or a NaN/infinite value.
    void collect_device_measurements(const std::string& benchmark_id, double cpu_util,
                                     double mem_megabytes,
                                     std::optional<double> gpu_util = std::nullopt,
                                     std::optional<double> gpu_mem_megabytes = std::nullopt);

    // Records many samples in one transaction: all or none. The cheap path for many rows.
    // Throws as above; on a throw nothing of the batch is stored.
    void collect_device_measurements(const std::string& benchmark_id,
                                     std::span<const DeviceSample> samples);

    // As above, and calls before_commit once every row is written, before the commit: when it throws,
    // the batch is rolled back (nothing of it stored) and its exception propagates. The Python package
    // checks there for a Ctrl-C that arrived during the call, so an interrupted call stores nothing.
    void collect_device_measurements(const std::string& benchmark_id,
                                     std::span<const DeviceSample> samples,
                                     const std::function<void()>& before_commit);

    // Records one row of named measurements. Throws InvalidArgument for an unknown id, an empty
    // or repeated name, an empty set, or a NaN/infinite value.
    void collect_model_measurements(const std::string& benchmark_id,
                                    const Measurements& measurements);

    // Marks a benchmark completed, or failed with a reason. Throws InvalidArgument for an unknown id.
    void set_status(const std::string& benchmark_id, BenchmarkStatus status,
                    const std::string& reason = {});

    // The ids this recorder created, oldest first.
    std::vector<std::string> benchmark_ids() const;

    // Writes the four CSV files and the summary for the benchmarks this recorder created, as the
    // seed does, into output_dir (created if missing). Returns the paths written.
    // Throws OutputError or StoreError.
    std::vector<std::filesystem::path> export_to_csv(
        const std::filesystem::path& output_dir = "benchmark_results");

    const RecorderOptions& options() const;
    const std::filesystem::path& db_path() const;

    // Closes the store. Further calls throw Error. Safe to call twice; the destructor calls it.
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// The seed's factory: a recorder on db_path for one repository, branch and commit.
BENCHSTORE_API MetricsRecorder create_global_metrics_recorder(const std::string& repository,
                                               const std::string& branch,
                                               const std::string& commit_id,
                                               const std::string& commit_msg,
                                               const std::filesystem::path& db_path = "benchmarks.db");

} // namespace benchstore
