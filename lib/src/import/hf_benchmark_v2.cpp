// Hugging Face transformers' benchmark_v2 result files (BenchmarkRunner.save_results): one JSON object
// keyed by config hash, each entry {"metadata": {...}, "measurements": {...}, "config": {...}}. The
// version followed is transformers' benchmark_v2/framework at data_classes.py 3de8fbf1 and
// benchmark_runner.py 93d634e8; docs/import.md has the mapping.
#include <chrono>
#include <cmath>

#include "benchstore/error.hpp"
#include "benchstore/timestamp.hpp"
#include "import/formats.hpp"
#include "import/json_fields.hpp"

namespace benchstore::import {
namespace {

// Seconds since the Unix epoch (time.time()) as the store's time text.
std::string epoch_time(const std::filesystem::path& file, const std::string& where, double seconds)
{
    if (!(seconds >= 0 && seconds < 253402300800.0))
        throw InvalidArgument(file.string() + ": " + where + ": " + std::to_string(seconds) +
                              " is not a time in seconds since 1970");
    return format_timestamp(Timestamp(std::chrono::microseconds(std::llround(seconds * 1e6))));
}

// The per-iteration lists that become model rows, and the names they get.
const std::pair<const char*, const char*> iteration_metrics[] = {
    {"e2e_latency", "e2e_latency_s"},
    {"time_to_first_token", "time_to_first_token_s"},
    {"inter_token_latency", "inter_token_latency_s"},
};

class Reader final : public StreamHandler {
public:
    explicit Reader(ImportContext& context) : m_context(context) {}

    bool streams(const Path& path) override { return path.empty(); }

    void member(const Path& path, Json&& entry, const std::vector<const Json*>&) override
    {
        const auto& file = m_context.file();
        const std::string where = path_text(path);
        const Fields e(file, entry, where);
        const Fields meta(file, e.object("metadata"), where + ".metadata");
        const Fields measurements(file, e.object("measurements"), where + ".measurements");
        const Json& config = e.object("config");

        const std::string created = utc_time(file, where + ".metadata.timestamp", meta.text("timestamp"));
        if (m_context.file_time.empty() || created < m_context.file_time) m_context.file_time = created;
        if (auto branch = meta.optional_text("branch_name")) m_context.branch = branch;
        m_context.commit_id = meta.optional_text("commit_id");
        if (auto message = meta.optional_text("commit_message")) m_context.commit_message = message;
        m_context.host_info.clear();
        if (const Json* hw = meta.optional_object("hardware_info"))
            for (const auto& [key, value] : hw->items())
                if (!value.is_null()) m_context.host_info.emplace_back(key, scalar_text(value));

        Strings metadata{{"model_id", meta.text("model_id")}, {"config_hash", path.back().key}};
        for (const auto& [key, value] : config.items())
            if (!value.is_null()) metadata.emplace_back(key, scalar_text(value));
        const std::int64_t ref = m_context.create_benchmark(metadata, created);

        // Every list has one value per measured iteration; a failed config has empty ones.
        std::vector<std::pair<const char*, const Json*>> lists;
        std::size_t iterations = 0;
        for (const auto& [field, name] : iteration_metrics) {
            const Json* list = measurements.optional_array(field);
            if (list == nullptr) continue;
            if (!lists.empty() && list->size() != iterations)
                throw InvalidArgument(file.string() + ": " + measurements.where(field) + ": " +
                                      std::to_string(list->size()) + " values, but " + lists.front().first + " has " +
                                      std::to_string(iterations));
            iterations = list->size();
            lists.emplace_back(name, list);
        }
        const Json* gpu = measurements.optional_array("gpu_metrics");
        for (std::size_t i = 0; i < iterations; ++i) {
            Numbers row;
            for (const auto& [name, list] : lists) {
                const Json& v = (*list)[i];
                if (v.is_null()) continue;  // inter_token_latency of a one-token generation
                const std::string at = measurements.where(name) + "[" + std::to_string(i) + "]";
                if (!v.is_number()) wrong_field(file, at, "a number", &v);
                row.emplace_back(name, v.get<double>());
            }
            std::string time = created;
            if (gpu != nullptr && i < gpu->size() && !(*gpu)[i].is_null())
                time = gpu_rows(ref, (*gpu)[i], measurements.where("gpu_metrics") + "[" + std::to_string(i) + "]");
            if (!row.empty())
                m_context.add_model_row(ref, row, time, [&] {
                    return measurements.where("e2e_latency") + "[" + std::to_string(i) + "]";
                });
        }
        const bool success = meta.flag("success", true);
        m_context.finish_benchmark(ref, success ? "" : "benchmark_v2 reported success: false", created);
    }

private:
    // One device row per GPU sample, at its own time; returns the time the monitoring started (the
    // iteration's own time).
    std::string gpu_rows(std::int64_t ref, const Json& metrics, const std::string& where)
    {
        const auto& file = m_context.file();
        const Fields g(file, metrics, where);
        const auto start = g.optional_number("timestamp_0");
        const Json* util = g.optional_array("utilization");
        const Json* memory = g.optional_array("memory_used");
        const Json* times = g.optional_array("timestamps");
        if (!start || util == nullptr || times == nullptr) return m_context.default_time();
        for (std::size_t j = 0; j < times->size(); ++j) {
            const std::string at = std::string("[").append(std::to_string(j)).append("]");
            auto number = [&](const Json* list, const std::string& field) -> std::optional<double> {
                if (list == nullptr || j >= list->size()) return std::nullopt;
                const Json& v = (*list)[j];
                if (!v.is_number()) wrong_field(file, g.where(field) + at, "a number", &v);
                return v.get<double>();
            };
            store::DeviceRow row;
            row.gpu_util = number(util, "utilization");
            // memory_used is in GiB (benchmark_v2's hardware_metrics.py); the store keeps MiB.
            if (const auto gib = number(memory, "memory_used")) row.gpu_mem_megabytes = *gib * 1024.0;
            const double offset = *number(times, "timestamps");
            m_context.add_device_row(ref, row, epoch_time(file, g.where("timestamps") + at, *start + offset));
        }
        return epoch_time(file, g.where("timestamp_0"), *start);
    }

    ImportContext& m_context;
};

} // namespace

void read_hf_benchmark_v2(ImportContext& context)
{
    context.module = "hf-benchmark-v2";
    Reader reader(context);
    const Json root = read_json_stream(context.file(), reader);
    if (!root.is_object()) wrong_field(context.file(), "the document", "an object keyed by config hash", &root);
}

} // namespace benchstore::import
