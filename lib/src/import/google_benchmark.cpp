// Google Benchmark's JSON output (--benchmark_out=FILE --benchmark_out_format=json), as version 1.7
// writes it: {"context": {...}, "benchmarks": [{...}, ...]}. docs/import.md has the mapping.
#include <map>
#include <set>

#include "benchstore/error.hpp"
#include "import/formats.hpp"
#include "import/json_fields.hpp"

namespace benchstore::import {
namespace {

// Fields of a benchmark entry that describe it rather than measure it; every other number is a
// measurement (bytes_per_second, items_per_second and the user counters).
const std::set<std::string> descriptive_fields{
    "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions", "repetition_index",
    "threads", "iterations", "real_time", "cpu_time", "time_unit", "aggregate_name", "aggregate_unit",
    "error_occurred", "error_message", "label"};

std::string caches_text(const std::filesystem::path& file, const Json& caches)
{
    std::string out;
    std::size_t i = 0;
    for (const auto& cache : caches) {
        const Fields c(file, cache, std::string("context.caches[").append(std::to_string(i++)).append("]"));
        if (!out.empty()) out += ", ";
        // Appended piece by piece: GCC 12 warns (wrongly) on "literal" + std::string&&.
        out.append("L").append(std::to_string(static_cast<long long>(c.number("level")))).append(" ");
        out.append(c.text("type")).append(" ").append(std::to_string(static_cast<long long>(c.number("size")) / 1024));
        out.append(" KiB");
        if (const auto sharing = c.optional_number("num_sharing"))
            out.append(" (shared by ").append(std::to_string(static_cast<long long>(*sharing))).append(")");
    }
    return out;
}

class Reader final : public StreamHandler {
public:
    explicit Reader(ImportContext& context) : m_context(context) {}

    bool streams(const Path& path) override { return path.size() == 1 && path[0].key == "benchmarks"; }

    void member(const Path& path, Json&& value, const std::vector<const Json*>& open) override
    {
        if (!m_context_read) read_context(*open.front());
        const std::string where = path_text(path);
        const Fields f(m_context.file(), value, where);
        const std::string name = f.find("run_name") ? f.text("run_name") : f.text("name");
        const std::string run_type = f.optional_text("run_type").value_or("iteration");
        const auto threads = f.optional_number("threads");
        const std::string key = name + '\x1f' + (threads ? scalar_text(Json(*threads)) : "");
        auto it = m_instances.find(key);
        if (it == m_instances.end()) {
            Strings metadata{{"name", name}};
            if (threads) metadata.emplace_back("threads", std::to_string(static_cast<long long>(*threads)));
            it = m_instances.emplace(key, Instance{m_context.create_benchmark(metadata), false, {}}).first;
            m_order.push_back(key);
        }
        Instance& instance = it->second;
        if (f.flag("error_occurred", false)) {
            instance.error = f.optional_text("error_message").value_or("error_occurred");
            if (instance.error.empty()) instance.error = "error_occurred";
            return;
        }
        if (run_type == "aggregate") {
            // Aggregates (mean, median, stddev, cv, user ones) summarise the repetitions stored as
            // samples; compare computes its own. Only an instance without repetitions (the program ran
            // with --benchmark_report_aggregates_only) keeps them, one row each.
            if (instance.has_samples) {
                ++m_aggregates_skipped;
                return;
            }
            const std::string suffix = "_" + f.text("aggregate_name");
            m_context.add_model_row(instance.ref, measurements(f, suffix), m_context.default_time(), [&] { return where; });
            return;
        }
        if (run_type != "iteration")
            throw InvalidArgument(m_context.file().string() + ": " + where + ".run_type: '" + run_type +
                                  "' is neither iteration nor aggregate");
        instance.has_samples = true;
        m_context.add_model_row(instance.ref, measurements(f, ""), m_context.default_time(), [&] { return where; });
    }

    void finish(const Json& root)
    {
        if (!m_context_read) read_context(root);
        for (const auto& key : m_order) {
            const Instance& instance = m_instances.at(key);
            m_context.finish_benchmark(instance.ref, instance.error, m_context.default_time());
        }
        if (m_aggregates_skipped > 0)
            m_context.details.emplace_back("aggregates_skipped", std::to_string(m_aggregates_skipped));
    }

private:
    struct Instance {
        std::int64_t ref = 0;
        bool has_samples = false;
        std::string error;
    };

    Numbers measurements(const Fields& f, const std::string& suffix) const
    {
        const std::string unit = f.optional_text("time_unit").value_or("ns");
        Numbers out;
        out.emplace_back("real_time_" + unit + suffix, f.number("real_time"));
        out.emplace_back("cpu_time_" + unit + suffix, f.number("cpu_time"));
        out.emplace_back("iterations" + suffix, f.number("iterations"));
        for (const auto& [key, value] : f.value().items()) {
            if (descriptive_fields.count(key) || value.is_string() || value.is_boolean() || value.is_null()) continue;
            out.emplace_back(key + suffix, f.number(key));
        }
        return out;
    }

    // The context comes first in every file Google Benchmark writes; a file without one still imports.
    void read_context(const Json& root)
    {
        m_context_read = true;
        const Fields top(m_context.file(), root, "");
        const Json* context = top.optional_object("context");
        if (context == nullptr) return;
        const Fields c(m_context.file(), *context, "context");
        if (const auto host = c.optional_text("host_name")) m_context.host = *host;
        if (const auto date = c.optional_text("date")) m_context.file_time = utc_time(m_context.file(), "context.date", *date);
        auto& info = m_context.host_info;
        if (const Json* v = c.find("num_cpus")) info.emplace_back("logical_cores", scalar_text(*v));
        if (const Json* v = c.find("mhz_per_cpu")) info.emplace_back("cpu_mhz", scalar_text(*v));
        if (const Json* v = c.find("cpu_scaling_enabled")) info.emplace_back("cpu_scaling_enabled", scalar_text(*v));
        if (const Json* caches = c.optional_array("caches")) info.emplace_back("caches", caches_text(m_context.file(), *caches));
        if (const auto build = c.optional_text("library_build_type")) {
            info.emplace_back("library_build_type", *build);
            if (*build == "debug")
                m_context.warn("the Google Benchmark library that ran these benchmarks was built as debug; "
                               "timings may be affected (Google Benchmark's own warning)");
        }
        if (const auto exe = c.optional_text("executable")) m_context.details.emplace_back("executable", *exe);
        if (const Json* load = c.optional_array("load_avg")) m_context.details.emplace_back("load_avg", load->dump());
        if (const Json* v = c.find("json_schema_version")) m_context.details.emplace_back("json_schema_version", scalar_text(*v));
    }

    ImportContext& m_context;
    bool m_context_read = false;
    std::map<std::string, Instance> m_instances;  // run name + threads -> benchmark
    std::vector<std::string> m_order;
    std::size_t m_aggregates_skipped = 0;
};

} // namespace

void read_google_benchmark(ImportContext& context)
{
    context.module = "google-benchmark";
    Reader reader(context);
    const Json root = read_json_stream(context.file(), reader);
    const Fields top(context.file(), root, "");
    top.array("benchmarks");  // present, and an array (its elements were streamed)
    reader.finish(root);
}

} // namespace benchstore::import
