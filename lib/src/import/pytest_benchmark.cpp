// pytest-benchmark's JSON output (pytest --benchmark-json=FILE), as version 3.2 writes it:
// {"machine_info": {...}, "commit_info": {...}, "benchmarks": [{..., "stats": {..., "data": [...]}}],
//  "datetime": "...", "version": "..."}. docs/import.md has the mapping.
#include <algorithm>
#include <fstream>
#include <regex>

#include "benchstore/error.hpp"
#include "import/formats.hpp"
#include "import/json_fields.hpp"

namespace benchstore::import {
namespace {

bool is_benchmark(const Path& path) { return path.size() == 2 && path[0].key == "benchmarks" && path[1].in_array; }

// The data array of a benchmark's stats (depth 4), or one of its rounds (depth 5).
bool is_round_data(const Path& path, std::size_t depth)
{
    return path.size() == depth && path[0].key == "benchmarks" && path[1].in_array && path[2].key == "stats" &&
           path[3].key == "data";
}

void read_header(ImportContext& context, const Json& root);

// Summary statistics (seconds unless named otherwise) stored when a file has no per-round data.
const char* const summary_fields[] = {"min", "max", "mean", "stddev", "median", "iqr", "q1", "q3"};

class Reader final : public StreamHandler {
public:
    explicit Reader(ImportContext& context) : m_context(context) {}

    bool streams(const Path& path) override
    {
        return (path.size() == 1 && path[0].key == "benchmarks") || is_round_data(path, 4);
    }

    void member(const Path& path, Json&& value, const std::vector<const Json*>& open) override
    {
        if (!m_header_read) {
            // What precedes the benchmarks in the file: where they belong, and the machine.
            read_header(m_context, *open.front());
            m_header_read = true;
        }
        if (is_round_data(path, 5)) {
            // open: the root, the benchmarks array, this benchmark (so far), its stats, the data array.
            if (!m_ref) m_ref = create(*open[2], path_text({path[0], path[1]}));
            if (!value.is_number()) wrong_field(m_context.file(), path_text(path), "a number", &value);
            m_row[0].second = value.get<double>();
            m_context.add_model_row(*m_ref, m_row, m_context.default_time(), [&] { return path_text(path); });
            ++m_rounds;
            return;
        }
        if (!is_benchmark(path)) return;
        const std::string where = path_text(path);
        if (!m_ref) {
            // No per-round data (--benchmark-json written without it, or a trimmed file): the summary
            // as one row, so that compare says "too few samples" instead of guessing from it.
            m_ref = create(value, where);
            const Fields stats(m_context.file(), Fields(m_context.file(), value, where).object("stats"), where + ".stats");
            Numbers summary;
            for (const char* name : summary_fields)
                if (const auto v = stats.optional_number(name)) summary.emplace_back(std::string("time_s_") + name, *v);
            if (const auto ops = stats.optional_number("ops")) summary.emplace_back("ops_per_second", *ops);
            if (const auto rounds = stats.optional_number("rounds")) summary.emplace_back("rounds", *rounds);
            m_context.add_model_row(*m_ref, summary, m_context.default_time(), [&] { return where + ".stats"; });
        }
        m_context.finish_benchmark(*m_ref, "", m_context.default_time());
        m_ref.reset();
    }

private:
    std::int64_t create(const Json& benchmark, const std::string& where)
    {
        const Fields f(m_context.file(), benchmark, where);
        Strings metadata{{"name", f.find("fullname") ? f.text("fullname") : f.text("name")}};
        if (const auto group = f.optional_text("group")) metadata.emplace_back("group", *group);
        if (const Json* params = f.optional_object("params"))
            for (const auto& [key, value] : params->items()) metadata.emplace_back("param." + key, scalar_text(value));
        if (const Json* extra = f.optional_object("extra_info"))
            for (const auto& [key, value] : extra->items()) metadata.emplace_back("extra_info." + key, scalar_text(value));
        return m_context.create_benchmark(metadata);
    }

    ImportContext& m_context;
    bool m_header_read = false;
    std::optional<std::int64_t> m_ref;  // the benchmark being read
    Numbers m_row{{"time_s", 0.0}};
    std::size_t m_rounds = 0;
};

void read_header(ImportContext& context, const Json& root)
{
    const auto& file = context.file();
    const Fields top(file, root, "");
    if (const Json* commit = top.optional_object("commit_info")) {
        const Fields c(file, *commit, "commit_info");
        // pytest-benchmark's placeholders outside a repository mean "not known".
        if (auto id = c.optional_text("id"); id && *id != "unversioned") context.commit_id = id;
        if (auto branch = c.optional_text("branch"); branch && *branch != "(unknown)") context.branch = branch;
        if (auto project = c.optional_text("project")) context.repository = project;
        if (c.flag("dirty", false)) context.details.emplace_back("dirty", "true");
    }
    if (const Json* machine = top.optional_object("machine_info")) {
        const Fields m(file, *machine, "machine_info");
        if (auto node = m.optional_text("node"); node && !node->empty()) context.host = *node;
        auto& info = context.host_info;
        if (const Json* cpu = m.optional_object("cpu")) {
            const Fields c(file, *cpu, "machine_info.cpu");
            auto brand = c.optional_text("brand_raw");
            if (!brand) brand = c.optional_text("brand");
            if (brand && !brand->empty()) info.emplace_back("cpu_model", *brand);
            if (const Json* count = c.find("count")) info.emplace_back("logical_cores", scalar_text(*count));
        }
        const auto system = m.optional_text("system"), release = m.optional_text("release");
        if (system && release) info.emplace_back("kernel", *system + " " + *release);
        for (const char* key : {"machine", "python_implementation", "python_version"})
            if (const auto v = m.optional_text(key)) info.emplace_back(key, *v);
    }
}

// The top-level "datetime" value as pytest-benchmark writes it, near the end of the file; empty when
// the last 64 KiB hold none that reads as a time. A guess: the parse has the last word.
std::string trailing_datetime(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    const std::streamoff size = in.tellg();
    const std::streamoff from = std::max<std::streamoff>(0, size - 65536);
    std::string tail(static_cast<std::size_t>(size - from), '\0');
    in.seekg(from);
    in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
    static const std::regex datetime(R"re("datetime"\s*:\s*"([0-9T:.+\- ]+)")re");
    std::string found;
    for (std::sregex_iterator it(tail.begin(), tail.end(), datetime), end; it != end; ++it) found = (*it)[1];
    if (found.empty()) return {};
    try {
        return utc_time(file, "datetime", found);
    } catch (const InvalidArgument&) {
        return {};
    }
}

} // namespace

void read_pytest_benchmark(ImportContext& context)
{
    context.module = "pytest-benchmark";
    const auto& file = context.file();
    // The time the file states is written after the benchmarks: read it from the file's end first, so
    // that one pass stamps every row; should the parse find another one there, the rows are restamped.
    const std::string guessed = trailing_datetime(file);
    context.file_time = guessed;
    Reader reader(context);
    const Json root = read_json_stream(file, reader);
    const Fields top(file, root, "");
    top.array("benchmarks");
    if (const auto version = top.optional_text("version")) context.details.emplace_back("pytest_benchmark_version", *version);
    const auto time = top.optional_text("datetime");
    const std::string stated = time ? utc_time(file, "datetime", *time) : std::string();
    if (stated != guessed) context.restamp(context.default_time(), stated);
    context.file_time = stated;
}

} // namespace benchstore::import
