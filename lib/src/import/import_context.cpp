#include "import/import_context.hpp"

#include <charconv>
#include <cmath>
#include <set>

#include "benchstore/error.hpp"
#include "core/json.hpp"
#include "benchstore/timestamp.hpp"
#include "core/utf8.hpp"
#include "core/uuid.hpp"

namespace benchstore::import {
namespace {

constexpr std::size_t commit_message_max_chars = 70;

} // namespace

ImportContext::ImportContext(SQLite::Database& db, const ImportOptions& options, const std::filesystem::path& file,
                             std::int64_t import_ref, std::string run_id, ImportResult& result)
    : m_db(db), m_options(options), m_file(file), m_import_ref(import_ref), m_run_id(std::move(run_id)), m_result(result),
      m_benchmarks(db), m_measurements(db), m_now(format_timestamp(now_utc()))
{
}

std::string ImportContext::required(const std::optional<std::string>& option, const std::optional<std::string>& from_file,
                                    const char* what, const char* flag) const
{
    const auto& value = option ? option : from_file;
    if (!value || value->empty())
        throw InvalidArgument(m_file.string() + ": no " + what + ": the file does not give one; give " + flag);
    return *value;
}

std::int64_t ImportContext::create_benchmark(const Strings& metadata, const std::string& created_at)
{
    store::NewBenchmark b;
    b.benchmark_id = make_uuid_v7();
    b.repository = required(m_options.repository, repository, "repository", "--repository");
    b.branch = required(m_options.branch, branch, "branch", "--branch");
    b.commit_id = required(m_options.commit_id, commit_id, "commit", "--commit");
    b.commit_message = truncate_utf8(m_options.commit_message.value_or(commit_message.value_or("")), commit_message_max_chars);
    b.metadata = json_object_of_strings(metadata);
    b.created_at = created_at.empty() ? default_time() : created_at;
    b.host = host;
    b.run_id = m_run_id;
    b.module = module;
    b.host_info = json_object_of_strings(host_info);
    b.import_ref = m_import_ref;
    for (const std::string* text : {&b.repository, &b.branch, &b.commit_id, &b.commit_message, &b.metadata, &b.host,
                                    &b.host_info})
        if (!is_valid_utf8(*text) || text->find('\0') != std::string::npos)
            throw InvalidArgument(m_file.string() + ": text that is not valid UTF-8 in '" + *text + "'");
    const auto ref = m_benchmarks.insert(b);
    ++m_result.benchmarks;
    return ref;
}

void ImportContext::add_model_row(std::int64_t ref, const Numbers& measurements, const std::string& time,
                                  const std::function<std::string()>& where)
{
    if (measurements.empty()) throw InvalidArgument(m_file.string() + ": " + where() + ": no measurements in it");
    // Few names per row: a linear check beats building a set.
    for (std::size_t i = 0; i < measurements.size(); ++i) {
        const auto& [name, value] = measurements[i];
        if (name.empty()) throw InvalidArgument(m_file.string() + ": " + where() + ": a measurement with an empty name");
        if (!std::isfinite(value))
            throw InvalidArgument(m_file.string() + ": " + where() + "." + name + ": not a finite number");
        for (std::size_t j = 0; j < i; ++j)
            if (measurements[j].first == name)
                throw InvalidArgument(m_file.string() + ": " + where() + ": measurement '" + name + "' given twice");
    }
    m_json.clear();
    m_json.push_back('{');
    for (const auto& [name, value] : measurements) {
        if (m_json.size() > 1) m_json.push_back(',');
        json::append_string(m_json, name);
        m_json.push_back(':');
        // Shortest round-trip text, as json::shortest_number writes it, straight into the row's text.
        char buf[32];
        m_json.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
    }
    m_json.push_back('}');
    m_measurements.queue_model(ref, m_json, time);
    ++m_result.model_rows;
}

void ImportContext::flush() { m_measurements.flush_models(); }

void ImportContext::restamp(const std::string& from, const std::string& to)
{
    flush();
    store::restamp_import(m_db, m_import_ref, from, to.empty() ? m_now : to);
}

void ImportContext::add_device_row(std::int64_t ref, const store::DeviceRow& row, const std::string& time)
{
    m_measurements.insert_device(ref, row, time);
    ++m_result.device_rows;
}

void ImportContext::finish_benchmark(std::int64_t ref, const std::string& failure_reason, const std::string& time)
{
    if (!failure_reason.empty() && !is_valid_utf8(failure_reason))
        throw InvalidArgument(m_file.string() + ": a failure message that is not valid UTF-8");
    m_benchmarks.set_status(ref, failure_reason.empty() ? "completed" : "failed", failure_reason, time);
    if (!failure_reason.empty()) ++m_result.failed;
}

} // namespace benchstore::import
