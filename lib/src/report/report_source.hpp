#pragma once
// What the report page is drawn from, as a small interface so the data source can be swapped (the
// SQLite store or the central database: results/results_source.hpp extends it with compare's read).
// Everything
// streams through visitors in the order the page needs it, so a source never has to hold the
// device rows in memory. Text views passed to a visitor are valid only during that call.
#include <cstdint>
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "benchstore/selection.hpp"

namespace benchstore::report {

// The header's summary of the selection.
struct Overview {
    std::vector<std::string> repositories;  // distinct, sorted
    std::vector<std::string> branches;
    std::vector<std::string> hosts;
    std::uint64_t commits = 0;              // distinct commit ids
    std::string first_created;              // created_at of the oldest / newest benchmark; empty if none
    std::string last_created;
    std::uint64_t benchmarks = 0;
    std::uint64_t completed = 0;
    std::uint64_t failed = 0;
    std::uint64_t running = 0;
    std::uint64_t device_rows = 0;
    std::uint64_t model_rows = 0;
    // Benchmarks the original Hugging Face tool wrote into an adopted central database (no host, run
    // or status): shown with the documented defaults, counted here so the page says so.
    std::uint64_t from_original_tool = 0;
};

// One row of the benchmark table, oldest first.
struct BenchmarkInfo {
    std::string_view benchmark_id;
    std::string_view repository;
    std::string_view branch;
    std::string_view commit_id;
    std::string_view commit_message;
    std::string_view host;
    std::string_view module;
    std::string_view metadata;  // "key=value, key=value" in stored order
    std::string_view created_at;
    std::string_view status;    // running, completed, failed
    std::string_view status_reason;
    std::uint64_t device_rows = 0;
    std::uint64_t model_rows = 0;
    // Benchmarks the original Hugging Face tool wrote into an adopted central database (no host, run
    // or status): shown with the documented defaults, counted here so the page says so.
    std::uint64_t from_original_tool = 0;
};

// One model measurement value. Points come ordered by metric name, then host name, then identity
// (module, then metadata), then time, so each trend chart and each of its lines (one per host and
// identity) arrives in one piece.
struct TrendPoint {
    std::string_view metric;
    std::string_view host;      // "" when unknown (rows the original tool wrote)
    std::string_view module;
    std::string_view metadata;  // as in BenchmarkInfo
    std::string_view commit_id;
    std::string_view time;
    double value = 0;
};

// One device sample. A value is absent where the store holds NULL (GPU values without a GPU).
struct DeviceSample {
    std::optional<double> cpu_util;
    std::optional<double> mem_megabytes;
    std::optional<double> gpu_util;
    std::optional<double> gpu_mem_megabytes;
    std::string_view time;
    // The sample's place in its series (0 = the first), set by a source that leaves samples out (see
    // for_each_device_series); unset: the samples come one after another, none left out.
    std::optional<std::uint64_t> position;
};

// The device series of one benchmark: begin, then its samples in recording order, then end.
class DeviceVisitor {
public:
    virtual ~DeviceVisitor() = default;
    virtual void begin(const BenchmarkInfo& benchmark) = 0;  // device_rows is the number of samples to come
    virtual void sample(const DeviceSample& sample) = 0;
    virtual void end() = 0;
};

// A source of report data. Methods may be called in any order, each once or more; a source reads
// one consistent snapshot for its whole life. Throws StoreError when reading fails.
class ReportSource {
public:
    virtual ~ReportSource() = default;
    virtual Overview overview() = 0;
    virtual void for_each_benchmark(const std::function<void(const BenchmarkInfo&)>& visit) = 0;
    virtual void for_each_trend_point(const std::function<void(const TrendPoint&)>& visit) = 0;
    // The newest max_series benchmarks that have device rows, oldest of them first. A source may
    // leave out samples the page's reduction to max_points per line (series_reduction.hpp) would drop
    // anyway, and then gives each sample its position; the first sample is always delivered.
    virtual void for_each_device_series(DeviceVisitor& visitor, std::uint32_t max_series,
                                        std::uint32_t max_points) = 0;
};

} // namespace benchstore::report
