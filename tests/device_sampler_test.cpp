#define BOOST_TEST_MODULE device_sampler
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "benchstore/device_sampler.hpp"
#include "benchstore/error.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "benchstore/timestamp.hpp"
#include "monitor/sample_trigger.hpp"
#include "support/manual_sample_trigger.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::ManualSampleTrigger;
using benchstore::test::TempDir;
using benchstore::test::manual_sampler;
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

// When a fire() began and returned: its sample was taken in between.
struct FireWindow {
    std::chrono::steady_clock::time_point before, after;
};

FireWindow fire(ManualSampleTrigger& trigger)
{
    FireWindow w;
    w.before = std::chrono::steady_clock::now();
    BOOST_TEST_REQUIRE(trigger.fire());
    w.after = std::chrono::steady_clock::now();
    return w;
}

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// A row's cpu_util is CPU time over the wall time between its sample and the previous one. Both
// samples lie in their fire() windows, so the CPU seconds the row stands for lie between these two.
struct CpuBounds {
    double low, high;
};
CpuBounds cpu_seconds_of(double cpu_util, const FireWindow& previous, const FireWindow& current)
{
    return {cpu_util / 100.0 * seconds(current.before - previous.after),
            cpu_util / 100.0 * seconds(current.after - previous.before)};
}

// The kernel counts CPU time in clock ticks (1/100 s): a difference of two readings is off by < 2.
constexpr double tick_slack = 0.02;

// A child process that waits, blocked in read(), until told to spin for some CPU time; it says when
// it is done and blocks again until killed. Its CPU time is known without /proc (wait4's rusage).
struct SpinningChild {
    pid_t pid = -1;
    int go = -1;    // write a byte: spin
    int done = -1;  // a byte arrives: the spin is over

    explicit SpinningChild(std::chrono::milliseconds cpu)
    {
        int to_child[2], from_child[2];
        BOOST_REQUIRE(pipe(to_child) == 0 && pipe(from_child) == 0);
        pid = fork();
        BOOST_REQUIRE(pid >= 0);
        if (pid == 0) {
            char c;
            if (read(to_child[0], &c, 1) != 1) _exit(1);
            spin_cpu(cpu, std::chrono::milliseconds(60000));
            if (write(from_child[1], "x", 1) != 1) _exit(1);
            (void)read(to_child[0], &c, 1);  // blocks: nothing more is written
            _exit(0);
        }
        close(to_child[0]);
        close(from_child[1]);
        go = to_child[1];
        done = from_child[0];
    }
    void spin_and_wait()
    {
        BOOST_REQUIRE(write(go, "x", 1) == 1);
        char c;
        BOOST_REQUIRE(read(done, &c, 1) == 1);
    }
    // Returns once the child is asleep (blocked in read()), so it uses no CPU from then on.
    void wait_until_blocked() const
    {
        for (;;) {
            std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            const auto close = text.rfind(')');
            BOOST_REQUIRE(close != std::string::npos && close + 2 < text.size());
            if (text[close + 2] == 'S') return;
            std::this_thread::yield();
        }
    }
    // Kills it and returns the CPU seconds it used in all.
    double kill_and_cpu_seconds()
    {
        kill(pid, SIGKILL);
        rusage usage{};
        wait4(pid, nullptr, 0, &usage);
        close(go);
        close(done);
        return seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
    }
};

// The sampler's own clock, counting the samples taken so a test can wait for them.
class CountingIntervalTrigger final : public monitor::SampleTrigger {
public:
    explicit CountingIntervalTrigger(std::chrono::milliseconds interval) : m_clock(interval) {}
    bool wait_for_next() override
    {
        {
            std::lock_guard lock(m_mutex);
            ++m_waits;  // every call after the first follows a recorded sample
        }
        m_changed.notify_all();
        return m_clock.wait_for_next();
    }
    void stop() override { m_clock.stop(); }
    void sampler_finished() noexcept override
    {
        {
            std::lock_guard lock(m_mutex);
            m_finished = true;
        }
        m_changed.notify_all();
    }
    void wait_for_samples(std::size_t n)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_waits > n || m_finished; });
    }

private:
    monitor::IntervalTrigger m_clock;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::size_t m_waits = 0;
    bool m_finished = false;
};

} // namespace

BOOST_AUTO_TEST_SUITE(device_sampling)

// The tests below drive the sampler with a trigger they fire themselves: each fire() returns once
// its row is recorded, so nothing here waits on the clock or assumes a quiet machine.

BOOST_FIXTURE_TEST_CASE(busy_thread_shows_in_cpu_util_and_rss_is_positive, Fixture)
{
    auto trigger = std::make_shared<ManualSampleTrigger>();
    auto sampler = manual_sampler(recorder, id, every(50ms), trigger);
    const double cpu_at_start = process_cpu_seconds();
    const FireWindow first = fire(*trigger);
    const double cpu_after_first = process_cpu_seconds();
    std::thread busy([] { spin_cpu(400ms, 60000ms); });
    busy.join();
    const double cpu_before_second = process_cpu_seconds();
    const FireWindow second = fire(*trigger);
    const double cpu_at_end = process_cpu_seconds();
    sampler->stop();
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() == 2u);
    BOOST_TEST(sampler->samples_recorded() == 2u);
    for (const auto& row : r) {
        BOOST_TEST(row.cpu_util >= 0.0);
        BOOST_TEST(row.mem_megabytes > 1.0);
    }
    // The second row stands for the CPU time the process used between the two samples, however busy
    // the machine was: at least what it used between the fires, at most what it used around them.
    const CpuBounds sampled = cpu_seconds_of(r[1].cpu_util, first, second);
    BOOST_TEST(cpu_before_second - cpu_after_first >= 0.4);
    BOOST_TEST(sampled.high >= cpu_before_second - cpu_after_first - tick_slack);
    BOOST_TEST(sampled.low <= cpu_at_end - cpu_at_start + tick_slack);
}

BOOST_FIXTURE_TEST_CASE(idle_process_shows_no_cpu_util, Fixture)
{
    SpinningChild child(0ms);
    child.spin_and_wait();
    child.wait_until_blocked();  // blocked in read(): it uses no CPU while sampled
    SamplerOptions options = every(100ms);
    options.pid = child.pid;
    auto trigger = std::make_shared<ManualSampleTrigger>();
    auto sampler = manual_sampler(recorder, id, options, trigger);
    for (int i = 0; i < 3; ++i) BOOST_TEST_REQUIRE(trigger->fire());
    sampler->stop();
    child.kill_and_cpu_seconds();
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() == 3u);
    for (const auto& row : r) {
        BOOST_TEST(row.cpu_util == 0.0);
        BOOST_TEST(row.mem_megabytes > 0.0);
    }
}

BOOST_FIXTURE_TEST_CASE(rss_follows_what_the_process_allocates, Fixture)
{
    auto trigger = std::make_shared<ManualSampleTrigger>();
    auto sampler = manual_sampler(recorder, id, every(50ms), trigger);
    BOOST_TEST_REQUIRE(trigger->fire());
    std::vector<char> block(256u << 20);
    std::memset(block.data(), 1, block.size());  // touch every page so it is resident
    BOOST_TEST_REQUIRE(trigger->fire());
    sampler->stop();
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() == 2u);
    BOOST_TEST(r[1].mem_megabytes - r[0].mem_megabytes > 200.0);
    BOOST_TEST(block[12345] == 1);
}

BOOST_AUTO_TEST_CASE(deadlines_advance_by_whole_intervals_and_skip_when_behind)
{
    using std::chrono::steady_clock;
    const steady_clock::time_point t0{};
    // On time, or late by less than an interval: one interval after the last deadline, so the
    // series does not drift by the time each write takes.
    BOOST_CHECK(monitor::next_deadline(t0, t0 + 3ms, 100ms) == t0 + 100ms);
    BOOST_CHECK(monitor::next_deadline(t0, t0 + 99ms, 100ms) == t0 + 100ms);
    // Fell behind (a slow disk): one interval from now, the missed samples skipped, never a burst.
    BOOST_CHECK(monitor::next_deadline(t0, t0 + 100ms, 100ms) == t0 + 200ms);
    BOOST_CHECK(monitor::next_deadline(t0, t0 + 350ms, 100ms) == t0 + 450ms);
}

BOOST_FIXTURE_TEST_CASE(rows_are_spaced_by_the_interval, Fixture)
{
    // The real clock, the default interval: rows never come faster than the interval (the deadline
    // rule above). The test waits for ten rows, a condition, not for a span of time.
    const auto start = now_utc();
    auto ticks = std::make_shared<CountingIntervalTrigger>(SamplerOptions{}.interval);  // default: 100 ms
    auto sampler = monitor::SamplerAccess::start(recorder, id, SamplerOptions{}, ticks);
    ticks->wait_for_samples(10);
    sampler->stop();
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() >= 10u);
    BOOST_CHECK(r.front().time >= start);
    const double first_after_ms = std::chrono::duration<double, std::milli>(r.front().time - start).count();
    BOOST_TEST(first_after_ms >= 95.0);
    std::vector<double> gaps;
    for (std::size_t i = 1; i < r.size(); ++i)
        gaps.push_back(std::chrono::duration<double, std::milli>(r[i].time - r[i - 1].time).count());
    std::sort(gaps.begin(), gaps.end());
    BOOST_TEST(gaps[gaps.size() / 2] >= 95.0);
}

BOOST_FIXTURE_TEST_CASE(gpu_values_are_null_without_nvml, Fixture)
{
    if (open_nvml_gpu_reader()) {
        BOOST_TEST_MESSAGE("NVML and a GPU are present here: nothing to check for the no-GPU case");
        return;
    }
    auto trigger = std::make_shared<ManualSampleTrigger>();
    auto sampler = manual_sampler(recorder, id, every(40ms, GpuSource::nvml), trigger);
    BOOST_TEST(!sampler->has_gpu());
    for (int i = 0; i < 2; ++i) BOOST_TEST_REQUIRE(trigger->fire());
    sampler->stop();
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() == 2u);
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
    auto trigger = std::make_shared<ManualSampleTrigger>();
    auto sampler = manual_sampler(recorder, id, options, trigger);
    BOOST_TEST(sampler->has_gpu());
    for (int i = 0; i < 3; ++i) BOOST_TEST_REQUIRE(trigger->fire());
    sampler->stop();
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() == 3u);
    BOOST_TEST(gpu->reads.load() == 3);
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
        auto trigger = std::make_shared<ManualSampleTrigger>();
        auto sampler = manual_sampler(recorder, bench, options, trigger);
        BOOST_TEST_REQUIRE(trigger->fire());
        sampler->stop();
        const auto r = rows_of(dir / "b.db", bench);
        BOOST_TEST_REQUIRE(r.size() == 1u);
        BOOST_CHECK(r[0].gpu_util == (reading ? reading->util : std::nullopt));
        BOOST_TEST(!r[0].gpu_mem_megabytes.has_value());
    }
}

BOOST_FIXTURE_TEST_CASE(samples_another_process_by_pid, Fixture)
{
    SpinningChild child(300ms);
    SamplerOptions options = every(50ms);
    options.pid = child.pid;
    auto trigger = std::make_shared<ManualSampleTrigger>();
    auto sampler = manual_sampler(recorder, id, options, trigger);
    const FireWindow first = fire(*trigger);
    const double own_before = process_cpu_seconds();
    child.spin_and_wait();  // this process waits in read(); the child spins 300 ms of CPU
    const double own_used = process_cpu_seconds() - own_before;
    const FireWindow second = fire(*trigger);
    sampler->stop();
    const double child_used = child.kill_and_cpu_seconds();
    const auto r = rows();
    BOOST_TEST_REQUIRE(r.size() == 2u);
    // The second row follows the child's CPU time (its spin lies between the samples; all it ever
    // used bounds it from above), not this waiting process's.
    const CpuBounds sampled = cpu_seconds_of(r[1].cpu_util, first, second);
    BOOST_TEST(sampled.high >= 0.3 - tick_slack);
    BOOST_TEST(sampled.low <= child_used + tick_slack);
    BOOST_TEST(own_used < 0.1);
}

BOOST_FIXTURE_TEST_CASE(recording_error_is_kept_and_rethrown_by_stop, Fixture)
{
    auto trigger = std::make_shared<ManualSampleTrigger>();
    auto sampler = manual_sampler(recorder, "01890000-0000-7000-8000-000000000000", every(20ms), trigger);
    BOOST_TEST(!trigger->fire());  // the first sample fails: the sampler takes no more
    BOOST_TEST(static_cast<bool>(sampler->error()));
    BOOST_CHECK_THROW(sampler->stop(), InvalidArgument);
    BOOST_CHECK_NO_THROW(sampler->stop());  // reported once
    BOOST_TEST(sampler->samples_recorded() == 0u);
}

BOOST_FIXTURE_TEST_CASE(closing_the_recorder_stops_sampling_with_an_error, Fixture)
{
    auto trigger = std::make_shared<ManualSampleTrigger>();
    auto sampler = manual_sampler(recorder, id, every(20ms), trigger);
    for (int i = 0; i < 2; ++i) BOOST_TEST_REQUIRE(trigger->fire());
    recorder.close();
    BOOST_TEST(!trigger->fire());  // the thread has stopped
    BOOST_TEST(!trigger->fire());
    BOOST_TEST(sampler->samples_recorded() == 2u);
    BOOST_CHECK_THROW(sampler->stop(), Error);
    BOOST_TEST(rows().size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(destructor_stops_without_throwing, Fixture)
{
    auto failing_trigger = std::make_shared<ManualSampleTrigger>();
    auto trigger = std::make_shared<ManualSampleTrigger>();
    {
        auto failing = manual_sampler(recorder, "01890000-0000-7000-8000-000000000000", every(20ms), failing_trigger);
        auto sampler = manual_sampler(recorder, id, every(20ms), trigger);
        BOOST_TEST(!failing_trigger->fire());
        for (int i = 0; i < 2; ++i) BOOST_TEST_REQUIRE(trigger->fire());
    }  // neither destructor throws, though one sampler holds an error
    BOOST_TEST(!trigger->fire());  // the thread is gone
    BOOST_TEST(rows().size() == 2u);  // and recorded nothing more
}

BOOST_FIXTURE_TEST_CASE(stop_from_several_threads_at_once_returns_in_each, Fixture)
{
    for (int round = 0; round < 20; ++round) {
        auto trigger = std::make_shared<ManualSampleTrigger>();
        auto sampler = manual_sampler(recorder, id, every(5ms), trigger);
        BOOST_TEST_REQUIRE(trigger->fire());
        std::vector<std::thread> stoppers;
        for (int t = 0; t < 4; ++t) stoppers.emplace_back([&] { sampler->stop(); });
        for (auto& th : stoppers) th.join();  // a double join would hang or abort here
    }
    BOOST_TEST(rows().size() == 20u);
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
