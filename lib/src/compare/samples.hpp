#pragma once
// The samples of both compare sides, grouped by identity (module + metadata) and metric, read
// through the store's read layer. Internal to compare.
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "benchstore/compare.hpp"

namespace benchstore::compare_ {

enum Side : std::size_t { base_side = 0, head_side = 1 };

// The per-benchmark device figures, in the order they are listed after the model metrics.
inline constexpr std::array<const char*, 4> device_metrics{"device.peak_rss_mib", "device.cpu_util_mean",
                                                           "device.gpu_util_mean", "device.peak_gpu_mem_mib"};

struct IdentitySamples {
    std::string module;
    std::string metadata;
    std::array<std::size_t, 2> benchmarks{};  // per side
    std::vector<std::string> metrics;          // model metrics first seen first, then device figures
    std::unordered_map<std::string, std::array<std::vector<double>, 2>> values;

    void add(const std::string& metric, Side side, double value);
};

struct Samples {
    std::vector<IdentitySamples> identities;  // first seen first (base side first)
    std::array<CompareSide, 2> sides;
    // The sides' host descriptions, for the host check (CompareSide::hosts holds them too).
};

// Reads the benchmarks refs[side] selects, their model rows and device figures into samples.
// Throws StoreError for a malformed measurements row or a read failure.
void load_samples(SQLite::Database& db, const std::array<std::vector<std::int64_t>, 2>& refs, Samples& samples);

// "module {metadata}", or the metadata alone for a benchmark without a module.
std::string identity_text(const std::string& module, const std::string& metadata);

} // namespace benchstore::compare_
