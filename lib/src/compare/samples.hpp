#pragma once
// The samples of both compare sides, grouped by host, identity (module + metadata) and metric. Every
// results source (the SQLite store, the central database) fills them through one SampleCollector, so
// the grouping is the same whatever the source. Internal to compare.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "benchstore/compare.hpp"

namespace benchstore::compare_ {

enum Side : std::size_t { base_side = 0, head_side = 1 };

// The per-benchmark device figures, in the order they are listed after the model metrics.
inline constexpr std::array<const char*, 4> device_metrics{"device.peak_rss_mib", "device.cpu_util_mean",
                                                           "device.gpu_util_mean", "device.peak_gpu_mem_mib"};

// What rows call the host of benchmarks without a host name (the original tool's rows).
inline constexpr const char* unknown_host = "unknown host";

// One machine, as compare tells machines apart: its host name plus its fingerprint (host_info:
// CPU model, cores, memory, kernel, OS, GPU and driver). A reinstalled or upgraded machine under the
// same name is another host.
struct Host {
    std::string key;          // name + '\x1f' + the fingerprint as canonical JSON (keys sorted)
    std::string name;         // the host name; "" when unknown (rows the original tool wrote)
    std::string description;  // "name {fingerprint}", or the name alone without a fingerprint
};

// The Host for a benchmark row's host name and host_info text (a JSON object; empty when unknown).
Host host_of(std::string_view name, std::string_view host_info);

struct IdentitySamples {
    std::string host_key;  // Host::key of the machine these samples come from
    std::string module;
    std::string metadata;
    std::array<std::size_t, 2> benchmarks{};  // per side
    std::vector<std::string> metrics;          // model metrics first seen first, then device figures
    std::unordered_map<std::string, std::array<std::vector<double>, 2>> values;

    void add(const std::string& metric, Side side, double value);
};

struct Samples {
    std::vector<IdentitySamples> identities;  // per host and identity, first seen first (base side first)
    std::array<CompareSide, 2> sides;         // CompareSide::hosts holds the host descriptions
    std::vector<Host> hosts;                  // every host of either side, first seen first
    std::array<std::vector<std::string>, 2> host_keys;  // per side: Host::key of its hosts
    std::size_t without_host = 0;             // benchmarks with no host name (the original tool's rows)
    std::size_t skipped_values = 0;           // measurement values that are not numbers (central only)
};

// What a source tells the collector about one selected benchmark. Views need live only for the call.
struct BenchmarkFacts {
    std::string_view ref;  // the source's own key for the benchmark, used by value() and device()
    std::string_view run_id;
    std::string_view commit_id;
    std::string_view host;
    std::string_view host_info;
    std::string_view module;
    std::string_view metadata;
};

// Builds Samples from a source's rows: for each side, its benchmarks first, then their model values
// and device figures in any order; finish() once at the end.
class SampleCollector {
public:
    explicit SampleCollector(Samples& samples) : m_samples(samples) {}
    void start_side(Side side);
    void benchmark(const BenchmarkFacts& facts);
    void value(std::string_view ref, const std::string& metric, double value);
    // The four device figures of device_metrics; absent where the benchmark has no such value.
    void device(std::string_view ref, const std::array<std::optional<double>, 4>& figures);
    void finish();

private:
    IdentitySamples& of(std::string_view ref);

    Samples& m_samples;
    Side m_side = head_side;
    std::unordered_map<std::string, std::size_t> m_index;        // host + identity key -> position
    std::unordered_map<std::string, std::size_t> m_identity_of;  // benchmark ref -> identity
};

// "module {metadata}", or the metadata alone for a benchmark without a module.
std::string identity_text(const std::string& module, const std::string& metadata);

} // namespace benchstore::compare_
