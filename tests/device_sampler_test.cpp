#define BOOST_TEST_MODULE device_sampler
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "benchstore/device_sampler.hpp"
#include "benchstore/error.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "benchstore/timestamp.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::TempDir;
using namespace std::chrono_literals;

namespace {

struct Row {
    double cpu_util = 0;
    double mem_megabytes = 0;
    std::optional<double> gpu_util;
    std::optional<double> gpu_mem_megabytes;
    Timestamp time;
};

std::optional<double> optional_column(const SQLite::Column& c)
{
    if (c.isNull()) return std::nullopt;
    return c.getDouble();
}

std::vector<Row> rows_of(const std::filesystem::path& db_path, const std::string& benchmark_id)
{
    SQLite::Database db(db_path.string(), SQLite::OPEN_READONLY);
    SQLite::Statement st(db, "SELECT d.cpu_util, d.mem_megabytes, d.gpu_util, d.gpu_mem_megabytes, d.time "
                             "FROM device_measurements d JOIN benchmarks b ON b.id = d.benchmark_ref "
                             "WHERE b.benchmark_id = ? ORDER BY d.id");
    st.bind(1, benchmark_id);
    std::vector<Row> rows;
    while (st.executeStep())
        rows.push_back({st.getColumn(0).getDouble(), st.getColumn(1).getDouble(), optional_column(st.getColumn(2)),
                        optional_column(st.getColumn(3)), parse_timestamp(st.getColumn(4).getString())});
    return rows;
}

// The one fake allowed here: a GPU, behind the interface the NVML reader implements.
class FakeGpu : public GpuReader {
public:
    explicit FakeGpu(std::optional<GpuReading> reading) : m_reading(reading) {}
    std::optional<GpuReading> read() noexcept override
    {
        ++reads;
        return m_reading;
    }
    std::string name() const override { return "Fake GPU"; }
    std::atomic<int> reads{0};

private:
    std::optional<GpuReading> m_reading;
};

struct Fixture {
    TempDir dir{"sampler"};
    MetricsRecorder recorder{create_global_metrics_recorder("acme/widgets", "main", "abc123", "msg", dir / "b.db")};
    std::string id = recorder.initialise_benchmark({{"test", "sampler"}});

    std::vector<Row> rows() const { return rows_of(dir / "b.db", id); }
};

SamplerOptions every(std::chrono::milliseconds interval, GpuSource gpu = GpuSource::none)
{
    SamplerOptions o;
    o.interval = interval;
    o.gpu_source = gpu;
    return o;
}

void spin_for(std::chrono::milliseconds d)
{
    const auto until = std::chrono::steady_clock::now() + d;
    volatile double x = 1;
    while (std::chrono::steady_clock::now() < until) x = x * 1.0000001 + 1e-9;
}

// Spins until this thread has used `cpu` of CPU time (or `limit` has passed), however busy the machine.
void spin_cpu(std::chrono::milliseconds cpu, std::chrono::milliseconds limit)
{
    const auto until = std::chrono::steady_clock::now() + limit;
    volatile double x = 1;
    for (;;) {
        for (int i = 0; i < 10000; ++i) x = x * 1.0000001 + 1e-9;
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        if (t.tv_sec + t.tv_nsec / 1e9 >= std::chrono::duration<double>(cpu).count()) return;
        if (std::chrono::steady_clock::now() >= until) return;
    }
}

double seconds_of(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

// CPU time this process has used, measured independently of /proc.
double process_cpu_seconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// CPU seconds a series of rows accounts for: each row's percent over the gap since the previous one
// (the first row's gap is one interval).
double cpu_seconds_in(const std::vector<Row>& rows, std::chrono::milliseconds interval)
{
    double total = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const double gap = i == 0 ? std::chrono::duration<double>(interval).count()
                                  : std::chrono::duration<double>(rows[i].time - rows[i - 1].time).count();
        total += rows[i].cpu_util / 100.0 * gap;
    }
    return total;
}

} // namespace

BOOST_AUTO_TEST_SUITE(device_sampling)

BOOST_FIXTURE_TEST_CASE(busy_thread_shows_in_cpu_util_and_rss_is_positive, Fixture)
{
    const double cpu_before = process_cpu_seconds();
    DeviceSampler sampler(recorder, id, every(50ms));
    std::thread busy([] { spin_cpu(400ms, 4000ms); });
    busy.join();
    sampler.stop();
    const double cpu_used = process_cpu_seconds() - cpu_before;
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() >= 6u);
    BOOST_TEST(sampler.samples_recorded() == r.size());
    for (const auto& row : r) {
        BOOST_TEST(row.cpu_util >= 0.0);
        BOOST_TEST(row.mem_megabytes > 1.0);
    }
    // The series accounts for the CPU time the process really used (however busy the machine is),
    // less the part after the last sample (up to one interval).
    const double sampled = cpu_seconds_in(r, 50ms);
    BOOST_TEST(cpu_used > 0.2);
    BOOST_TEST(sampled > 0.6 * cpu_used - 0.05);
    BOOST_TEST(sampled < 1.15 * cpu_used + 0.03);
}

BOOST_FIXTURE_TEST_CASE(idle_process_shows_low_cpu_util, Fixture)
{
    DeviceSampler sampler(recorder, id, every(100ms));
    std::this_thread::sleep_for(550ms);
    sampler.stop();
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() >= 3u);
    for (const auto& row : r) BOOST_TEST(row.cpu_util < 40.0);
}

BOOST_FIXTURE_TEST_CASE(rss_follows_what_the_process_allocates, Fixture)
{
    DeviceSampler sampler(recorder, id, every(50ms));
    std::this_thread::sleep_for(200ms);
    std::vector<char> block(256u << 20);
    std::memset(block.data(), 1, block.size());  // touch every page so it is resident
    std::this_thread::sleep_for(200ms);
    sampler.stop();
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() >= 4u);
    BOOST_TEST(r.back().mem_megabytes - r.front().mem_megabytes > 200.0);
    BOOST_TEST(block[12345] == 1);
}

BOOST_FIXTURE_TEST_CASE(rows_are_spaced_by_the_interval, Fixture)
{
    const auto start = now_utc();
    DeviceSampler sampler(recorder, id);  // default interval: 100 ms
    std::this_thread::sleep_for(1050ms);
    sampler.stop();
    const auto r = rows();
    BOOST_TEST(r.size() >= 8u);
    BOOST_TEST(r.size() <= 11u);
    BOOST_TEST_REQUIRE(r.size() >= 2u);
    BOOST_CHECK(r.front().time >= start);
    std::vector<double> gaps;
    for (std::size_t i = 1; i < r.size(); ++i)
        gaps.push_back(std::chrono::duration<double, std::milli>(r[i].time - r[i - 1].time).count());
    std::sort(gaps.begin(), gaps.end());
    const double median = gaps[gaps.size() / 2];
    BOOST_TEST(median > 80.0);
    BOOST_TEST(median < 130.0);
}

BOOST_FIXTURE_TEST_CASE(gpu_values_are_null_without_nvml, Fixture)
{
    if (open_nvml_gpu_reader()) {
        BOOST_TEST_MESSAGE("NVML and a GPU are present here: nothing to check for the no-GPU case");
        return;
    }
    DeviceSampler sampler(recorder, id, every(40ms, GpuSource::nvml));
    BOOST_TEST(!sampler.has_gpu());
    std::this_thread::sleep_for(200ms);
    sampler.stop();
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() >= 2u);
    for (const auto& row : r) {
        BOOST_TEST(!row.gpu_util.has_value());
        BOOST_TEST(!row.gpu_mem_megabytes.has_value());
    }
}

BOOST_FIXTURE_TEST_CASE(gpu_reader_values_reach_the_rows, Fixture)
{
    auto gpu = std::make_shared<FakeGpu>(GpuReading{37.5, 1234.25});
    SamplerOptions options = every(40ms, GpuSource::custom);
    options.gpu_reader = gpu;
    DeviceSampler sampler(recorder, id, options);
    BOOST_TEST(sampler.has_gpu());
    std::this_thread::sleep_for(200ms);
    sampler.stop();
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() >= 2u);
    BOOST_TEST(gpu->reads.load() == static_cast<int>(r.size()));
    for (const auto& row : r) {
        BOOST_TEST(row.gpu_util.value_or(-1) == 37.5);
        BOOST_TEST(row.gpu_mem_megabytes.value_or(-1) == 1234.25);
    }
}

BOOST_FIXTURE_TEST_CASE(gpu_values_the_reader_lacks_are_null, Fixture)
{
    for (const auto& reading : {std::optional<GpuReading>{}, std::optional<GpuReading>{GpuReading{55.0, std::nullopt}}}) {
        const std::string bench = recorder.initialise_benchmark({{"test", "partial gpu"}});
        SamplerOptions options = every(40ms, GpuSource::custom);
        options.gpu_reader = std::make_shared<FakeGpu>(reading);
        DeviceSampler sampler(recorder, bench, options);
        std::this_thread::sleep_for(130ms);
        sampler.stop();
        const auto r = rows_of(dir / "b.db", bench);
        BOOST_TEST_REQUIRE(!r.empty());
        for (const auto& row : r) {
            BOOST_CHECK(row.gpu_util == (reading ? reading->util : std::nullopt));
            BOOST_TEST(!row.gpu_mem_megabytes.has_value());
        }
    }
}

BOOST_FIXTURE_TEST_CASE(samples_another_process_by_pid, Fixture)
{
    const pid_t child = fork();
    if (child == 0) {
        spin_for(2000ms);
        _exit(0);
    }
    SamplerOptions options = every(50ms);
    options.pid = child;
    const double own_before = process_cpu_seconds();
    {
        DeviceSampler sampler(recorder, id, options);
        std::this_thread::sleep_for(400ms);  // this process sleeps; the child spins
        sampler.stop();
    }
    const double own_used = process_cpu_seconds() - own_before;
    kill(child, SIGKILL);
    rusage usage{};
    wait4(child, nullptr, 0, &usage);
    const double child_used = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() >= 4u);
    // The series follows the child's CPU time, not this (mostly sleeping) process's.
    const double sampled = cpu_seconds_in(r, 50ms);
    BOOST_TEST(child_used > 0.05);
    BOOST_TEST(sampled > 0.5 * child_used - 0.06);
    BOOST_TEST(sampled < 1.1 * child_used + 0.03);
    BOOST_TEST(sampled > 2 * own_used);
}

BOOST_FIXTURE_TEST_CASE(recording_error_is_kept_and_rethrown_by_stop, Fixture)
{
    DeviceSampler sampler(recorder, "01890000-0000-7000-8000-000000000000", every(20ms));
    std::this_thread::sleep_for(100ms);
    BOOST_TEST(static_cast<bool>(sampler.error()));
    BOOST_CHECK_THROW(sampler.stop(), InvalidArgument);
    BOOST_CHECK_NO_THROW(sampler.stop());  // reported once
    BOOST_TEST(sampler.samples_recorded() == 0u);
}

BOOST_FIXTURE_TEST_CASE(closing_the_recorder_stops_sampling_with_an_error, Fixture)
{
    DeviceSampler sampler(recorder, id, every(20ms));
    std::this_thread::sleep_for(100ms);
    recorder.close();
    std::this_thread::sleep_for(60ms);
    const auto recorded = sampler.samples_recorded();
    std::this_thread::sleep_for(60ms);
    BOOST_TEST(sampler.samples_recorded() == recorded);  // the thread has stopped
    BOOST_CHECK_THROW(sampler.stop(), Error);
    BOOST_TEST(rows().size() == recorded);
}

BOOST_FIXTURE_TEST_CASE(destructor_stops_without_throwing, Fixture)
{
    std::size_t recorded = 0;
    {
        DeviceSampler failing(recorder, "01890000-0000-7000-8000-000000000000", every(20ms));
        DeviceSampler sampler(recorder, id, every(20ms));
        // A condition, not a clock: on a loaded machine 100 ms may pass before the thread's first turn.
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (sampler.samples_recorded() < 2 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(5ms);
        recorded = sampler.samples_recorded();
    }  // neither destructor throws, though one sampler holds an error
    std::this_thread::sleep_for(60ms);
    BOOST_TEST(recorded >= 2u);
    BOOST_TEST(rows().size() <= recorded + 1);  // nothing is recorded after destruction
}

BOOST_FIXTURE_TEST_CASE(stop_from_several_threads_at_once_returns_in_each, Fixture)
{
    for (int round = 0; round < 20; ++round) {
        DeviceSampler sampler(recorder, id, every(5ms));
        std::this_thread::sleep_for(10ms);
        std::vector<std::thread> stoppers;
        for (int t = 0; t < 4; ++t) stoppers.emplace_back([&] { sampler.stop(); });
        for (auto& th : stoppers) th.join();  // a double join would hang or abort here
    }
    BOOST_TEST(!rows().empty());
}

BOOST_FIXTURE_TEST_CASE(a_benchmark_shorter_than_one_interval_still_gets_a_row, Fixture)
{
    {
        DeviceSampler sampler(recorder, id, every(std::chrono::hours(1)));
        sampler.stop();
        BOOST_TEST(sampler.samples_recorded() == 1u);
        BOOST_CHECK_NO_THROW(sampler.stop());  // no second row, no error
    }
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() == 1u);
    BOOST_TEST(r[0].mem_megabytes > 0);
    {
        DeviceSampler destroyed(recorder, id, every(std::chrono::hours(1)));
    }  // the destructor stops it the same way
    BOOST_TEST(rows().size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(refuses_bad_options, Fixture)
{
    BOOST_CHECK_THROW(DeviceSampler(recorder, id, every(0ms)), InvalidArgument);
    BOOST_CHECK_THROW(DeviceSampler(recorder, id, every(100ms, GpuSource::custom)), InvalidArgument);
    const pid_t gone = fork();
    if (gone == 0) _exit(0);
    waitpid(gone, nullptr, 0);
    SamplerOptions options;
    options.pid = gone;
    BOOST_CHECK_THROW(DeviceSampler(recorder, id, options), InvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()
