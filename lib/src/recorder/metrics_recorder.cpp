#include "benchstore/metrics_recorder.hpp"

#include <unistd.h>

#include <cmath>
#include <mutex>
#include <set>
#include <unordered_map>


#include "benchstore/error.hpp"
#include "core/json.hpp"
#include "core/utf8.hpp"
#include "core/uuid.hpp"
#include "core/host_fingerprint.hpp"
#include "store/benchmark_writer.hpp"
#include "store/measurement_writer.hpp"
#include "store/sqlite_store.hpp"
#include "store/transaction.hpp"

namespace benchstore {
namespace {

constexpr std::size_t commit_message_max_chars = 70;

std::string this_host()
{
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "unknown";
    return name;
}

void require_finite(double value, const std::string& what)
{
    if (!std::isfinite(value))
        throw InvalidArgument(what + " is not a finite number (" + (std::isnan(value) ? "NaN" : "infinite") + ")");
}

// Text must reach PostgreSQL intact at sync: well-formed UTF-8, no NUL byte.
void require_text(const std::string& text, const std::string& what)
{
    if (text.find('\0') != std::string::npos) throw InvalidArgument(what + " contains a NUL byte");
    if (!is_valid_utf8(text)) throw InvalidArgument(what + " is not valid UTF-8");
}

const char* status_text(BenchmarkStatus status)
{
    switch (status) {
    case BenchmarkStatus::running: return "running";
    case BenchmarkStatus::completed: return "completed";
    case BenchmarkStatus::failed: return "failed";
    }
    return "running";
}

// The open connection and the store's writers (their statements prepared once); destroyed by close().
struct Connection {
    SQLite::Database db;
    store::TransactionStatements transaction;
    store::BenchmarkWriter benchmarks;
    store::MeasurementWriter measurements;

    explicit Connection(const std::filesystem::path& path)
        : db(store::open_store(path, store::OpenMode::read_write)), transaction(db), benchmarks(db), measurements(db)
    {
    }
};

} // namespace

struct MetricsRecorder::Impl {
    RecorderOptions options;
    mutable std::mutex mutex;
    std::unique_ptr<Connection> c;
    std::unordered_map<std::string, std::int64_t> refs;  // benchmark_id -> benchmarks.id
    std::vector<std::string> created;
    std::string host_info;  // JSON, for benchmarks.host_info

    explicit Impl(RecorderOptions opts) : options(std::move(opts)), c(std::make_unique<Connection>(options.db_path))
    {
        options.commit_message = truncate_utf8(options.commit_message, commit_message_max_chars);
        if (options.host.empty()) options.host = this_host();
        host_info = options.host_info.empty() ? host_fingerprint() : json_object_of_strings(options.host_info);
    }

    void check_open() const
    {
        if (!c) throw Error("metrics recorder for " + options.db_path.string() + " is closed");
    }

    // Runs fn in one BEGIN IMMEDIATE transaction on the cached statements.
    template <typename Fn>
    void write(Fn&& fn)
    {
        try {
            store::Transaction tx(c->transaction);
            fn();
            tx.commit();
        } catch (const Error&) {
            throw;
        } catch (const SQLite::Exception& e) {
            throw StoreError(options.db_path.string() + ": write failed: " + e.what());
        }
    }

    std::int64_t ref_of(const std::string& benchmark_id)
    {
        if (auto it = refs.find(benchmark_id); it != refs.end()) return it->second;
        // Another recorder (the runner's parent, another process) may have created it.
        const std::optional<std::int64_t> ref = c->benchmarks.find(benchmark_id);
        if (!ref) throw InvalidArgument("unknown benchmark id '" + benchmark_id + "' in " + options.db_path.string());
        refs.emplace(benchmark_id, *ref);
        return *ref;
    }

    void insert_sample(std::int64_t ref, const DeviceSample& s, const std::string& time)
    {
        c->measurements.insert_device(ref, {s.cpu_util, s.mem_megabytes, s.gpu_util, s.gpu_mem_megabytes}, time);
    }
};

namespace {

void validate_sample(const DeviceSample& s)
{
    require_finite(s.cpu_util, "cpu_util");
    require_finite(s.mem_megabytes, "mem_megabytes");
    if (s.gpu_util) require_finite(*s.gpu_util, "gpu_util");
    if (s.gpu_mem_megabytes) require_finite(*s.gpu_mem_megabytes, "gpu_mem_megabytes");
}

} // namespace

MetricsRecorder::MetricsRecorder(RecorderOptions options)
{
    if (options.repository.empty()) throw InvalidArgument("repository must not be empty");
    require_text(options.repository, "repository");
    require_text(options.branch, "branch");
    require_text(options.commit_id, "commit id");
    require_text(options.commit_message, "commit message");
    for (const auto& [key, value] : options.host_info) {
        require_text(key, "host info key");
        require_text(value, "host info value of '" + key + "'");
    }
    m_impl = std::make_unique<Impl>(std::move(options));
}

MetricsRecorder::~MetricsRecorder() { close(); }
MetricsRecorder::MetricsRecorder(MetricsRecorder&&) noexcept = default;
MetricsRecorder& MetricsRecorder::operator=(MetricsRecorder&&) noexcept = default;

std::string MetricsRecorder::initialise_benchmark(const Metadata& metadata)
{
    std::set<std::string> keys;
    for (const auto& [key, value] : metadata) {
        if (key.empty()) throw InvalidArgument("metadata key must not be empty");
        require_text(key, "metadata key");
        require_text(value, "metadata value of '" + key + "'");
        if (!keys.insert(key).second) throw InvalidArgument("metadata key '" + key + "' given twice");
    }
    const std::string json = json_object_of_strings(metadata);
    std::lock_guard lock(m_impl->mutex);
    m_impl->check_open();
    Impl& d = *m_impl;
    const std::string id = make_uuid_v7();
    std::int64_t ref = 0;
    d.write([&] {
        ref = d.c->benchmarks.insert({id, d.options.repository, d.options.branch, d.options.commit_id,
                                      d.options.commit_message, json, format_timestamp(now_utc()), d.options.host,
                                      d.options.run_id, d.options.module, d.host_info, std::nullopt});
    });
    d.refs.emplace(id, ref);
    d.created.push_back(id);
    return id;
}

void MetricsRecorder::collect_device_measurements(const std::string& benchmark_id, double cpu_util,
                                                  double mem_megabytes, std::optional<double> gpu_util,
                                                  std::optional<double> gpu_mem_megabytes)
{
    const DeviceSample sample{cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, std::nullopt};
    collect_device_measurements(benchmark_id, std::span<const DeviceSample>(&sample, 1));
}

void MetricsRecorder::collect_device_measurements(const std::string& benchmark_id,
                                                  std::span<const DeviceSample> samples)
{
    collect_device_measurements(benchmark_id, samples, [] {});
}

void MetricsRecorder::collect_device_measurements(const std::string& benchmark_id,
                                                  std::span<const DeviceSample> samples,
                                                  const std::function<void()>& before_commit)
{
    for (const auto& s : samples) validate_sample(s);
    std::lock_guard lock(m_impl->mutex);
    m_impl->check_open();
    Impl& d = *m_impl;
    const std::int64_t ref = d.ref_of(benchmark_id);
    const std::string now = format_timestamp(now_utc());
    d.write([&] {
        for (const auto& s : samples) d.insert_sample(ref, s, s.time ? format_timestamp(*s.time) : now);
        before_commit();
    });
}

void MetricsRecorder::collect_model_measurements(const std::string& benchmark_id,
                                                 const Measurements& measurements)
{
    if (measurements.empty()) throw InvalidArgument("no model measurements given for benchmark '" + benchmark_id + "'");
    std::set<std::string> names;
    for (const auto& [name, value] : measurements) {
        if (name.empty()) throw InvalidArgument("measurement name must not be empty");
        require_text(name, "measurement name");
        if (!names.insert(name).second) throw InvalidArgument("measurement '" + name + "' given twice");
        require_finite(value, "measurement '" + name + "'");
    }
    const std::string json = json_object_of_numbers(measurements);
    std::lock_guard lock(m_impl->mutex);
    m_impl->check_open();
    Impl& d = *m_impl;
    const std::int64_t ref = d.ref_of(benchmark_id);
    d.write([&] {
        d.c->measurements.insert_model(ref, json, format_timestamp(now_utc()));
    });
}

void MetricsRecorder::set_status(const std::string& benchmark_id, BenchmarkStatus status,
                                 const std::string& reason)
{
    require_text(reason, "status reason");
    std::lock_guard lock(m_impl->mutex);
    m_impl->check_open();
    Impl& d = *m_impl;
    const std::int64_t ref = d.ref_of(benchmark_id);
    const std::string now = format_timestamp(now_utc());
    d.write([&] {
        d.c->benchmarks.set_status(ref, status_text(status), reason, now);
    });
}

std::vector<std::string> MetricsRecorder::benchmark_ids() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->created;
}

const RecorderOptions& MetricsRecorder::options() const { return m_impl->options; }
const std::filesystem::path& MetricsRecorder::db_path() const { return m_impl->options.db_path; }

void MetricsRecorder::close()
{
    if (!m_impl) return;  // moved from
    std::lock_guard lock(m_impl->mutex);
    m_impl->c.reset();
}

MetricsRecorder create_global_metrics_recorder(const std::string& repository, const std::string& branch,
                                               const std::string& commit_id, const std::string& commit_msg,
                                               const std::filesystem::path& db_path)
{
    RecorderOptions options;
    options.db_path = db_path;
    options.repository = repository;
    options.branch = branch;
    options.commit_id = commit_id;
    options.commit_message = commit_msg;
    return MetricsRecorder(std::move(options));
}

} // namespace benchstore
