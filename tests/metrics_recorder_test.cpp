#define BOOST_TEST_MODULE metrics_recorder
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <thread>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "benchstore/error.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"


using namespace benchstore;
using benchstore::test::ChildOptions;
using benchstore::test::Redirect;
using benchstore::test::TempDir;
using benchstore::test::spawn_child;
using benchstore::test::wait_child;

namespace {

SQLite::Database open_raw(const std::filesystem::path& p)
{
    return SQLite::Database(p.string(), SQLite::OPEN_READONLY);
}

int count(SQLite::Database& db, const std::string& sql)
{
    return db.execAndGet(sql).getInt();
}

MetricsRecorder make_recorder(const std::filesystem::path& db, const std::string& message = "Fix things")
{
    return create_global_metrics_recorder("acme/widgets", "main", "abc123", message, db);
}

// A child process whose stdout we read line by line.
struct Child {
    pid_t pid = -1;
    FILE* out = nullptr;

    explicit Child(const std::vector<std::string>& argv)
    {
        int fds[2];
        BOOST_REQUIRE(pipe(fds) == 0);
        ChildOptions options;
        options.out = Redirect::fd(fds[1]);
        options.before_exec = [read_end = fds[0]] { close(read_end); };
        pid = spawn_child(argv, options);
        BOOST_REQUIRE(pid > 0);
        close(fds[1]);
        out = fdopen(fds[0], "r");
    }
    ~Child()
    {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
        if (out) fclose(out);
    }
    bool read_line(std::string& line)
    {
        char buf[256];
        if (!fgets(buf, sizeof buf, out)) return false;
        line = buf;
        if (!line.empty() && line.back() == '\n') line.pop_back();
        return true;
    }
    int kill_and_wait()
    {
        kill(pid, SIGKILL);
        const int status = wait_child(pid);
        pid = -1;
        return status;
    }
};

// Promised rows of one record_until_killed child: its benchmark id and the n of each returned call.
struct Promised {
    std::string benchmark_id;
    std::set<long> device, model;
};

void read_promises(Child& child, Promised& p, std::size_t until_rows)
{
    std::string line;
    while (p.device.size() + p.model.size() < until_rows && child.read_line(line)) {
        std::istringstream in(line);
        std::string kind, value;
        in >> kind >> value;
        if (kind == "benchmark") p.benchmark_id = value;
        else if (kind == "device") p.device.insert(std::stol(value));
        else if (kind == "model") p.model.insert(std::stol(value));
    }
}

void check_promises_kept(SQLite::Database& db, const Promised& p)
{
    SQLite::Statement dev(db, "SELECT CAST(d.cpu_util AS INTEGER) FROM device_measurements d "
                              "JOIN benchmarks b ON b.id = d.benchmark_ref WHERE b.benchmark_id = ?");
    dev.bind(1, p.benchmark_id);
    std::set<long> stored_device;
    while (dev.executeStep()) stored_device.insert(dev.getColumn(0).getInt64());
    SQLite::Statement mod(db, "SELECT CAST(json_extract(m.measurements, '$.n') AS INTEGER) FROM model_measurements m "
                              "JOIN benchmarks b ON b.id = m.benchmark_ref WHERE b.benchmark_id = ?");
    mod.bind(1, p.benchmark_id);
    std::set<long> stored_model;
    while (mod.executeStep()) stored_model.insert(mod.getColumn(0).getInt64());
    for (long n : p.device) BOOST_REQUIRE_MESSAGE(stored_device.count(n), "device row " << n << " was lost");
    for (long n : p.model) BOOST_REQUIRE_MESSAGE(stored_model.count(n), "model row " << n << " was lost");
    // At most the one call in flight at the kill may have landed without being promised.
    BOOST_TEST(stored_device.size() + stored_model.size() <= p.device.size() + p.model.size() + 1);
}

const std::string helper = std::string(BENCHSTORE_BINARY_DIR) + "/tests/record_until_killed";

} // namespace

BOOST_AUTO_TEST_SUITE(metrics_recorder)

BOOST_AUTO_TEST_CASE(records_benchmark_with_run_details)
{
    TempDir dir;
    const std::string long_message = "Réparer " + std::string(61, 'x') + "日本語 and more text beyond seventy";
    std::string id;
    {
        auto rec = make_recorder(dir / "b.db", long_message);
        id = rec.initialise_benchmark({{"model_name", "google/gemma-2b"}, {"note", "quote \" comma , newline \n"}});
        BOOST_TEST(rec.benchmark_ids() == std::vector<std::string>{id});
    }
    auto db = open_raw(dir / "b.db");
    SQLite::Statement q(db, "SELECT repository, branch, commit_id, commit_message, metadata, created_at, host, status "
                            "FROM benchmarks WHERE benchmark_id = ?");
    q.bind(1, id);
    BOOST_REQUIRE(q.executeStep());
    BOOST_TEST(q.getColumn(0).getString() == "acme/widgets");
    BOOST_TEST(q.getColumn(1).getString() == "main");
    BOOST_TEST(q.getColumn(2).getString() == "abc123");
    // 70 characters: "Réparer " (8) + 61 x + "日" — cut on a character boundary, not a byte.
    BOOST_TEST(q.getColumn(3).getString() == "Réparer " + std::string(61, 'x') + "日");
    BOOST_TEST(q.getColumn(4).getString() == R"({"model_name":"google/gemma-2b","note":"quote \" comma , newline \n"})");
    const std::string created = q.getColumn(5).getString();
    BOOST_TEST(created.size() == 26u);
    BOOST_TEST(created[10] == 'T');
    BOOST_TEST(created[19] == '.');
    BOOST_TEST(!q.getColumn(6).getString().empty());
    BOOST_TEST(q.getColumn(7).getString() == "running");
}

// Each benchmark carries the machine it ran on, for benchstore-compare's host check.
BOOST_AUTO_TEST_CASE(records_the_host_fingerprint)
{
    TempDir dir;
    std::string id, other;
    {
        auto rec = make_recorder(dir / "b.db", "m");
        id = rec.initialise_benchmark({});
    }
    {
        RecorderOptions o;
        o.db_path = dir / "b.db";
        o.repository = "r";
        o.host_info = {{"cpu_model", "Other CPU"}, {"logical_cores", "64"}};
        MetricsRecorder rec(o);
        other = rec.initialise_benchmark({});
        o.host_info = {{"cpu_model", std::string("bad\0", 4)}};
        BOOST_CHECK_THROW(MetricsRecorder{o}, InvalidArgument);
    }
    auto db = open_raw(dir / "b.db");
    SQLite::Statement q(db, "SELECT json_extract(host_info, '$.logical_cores') AS cores, "
                            "json_extract(host_info, '$.memory_mib') AS mib, json_extract(host_info, '$.kernel') AS kernel "
                            "FROM benchmarks WHERE benchmark_id = ?");
    q.bind(1, id);
    BOOST_REQUIRE(q.executeStep());
    BOOST_TEST(q.getColumn("cores").getString() == std::to_string(sysconf(_SC_NPROCESSORS_ONLN)));
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    long long kib = 0;
    meminfo >> key >> kib;
    BOOST_TEST(key == "MemTotal:");
    BOOST_TEST(q.getColumn("mib").getString() == std::to_string(kib / 1024));
    struct utsname u {};
    uname(&u);
    BOOST_TEST(q.getColumn("kernel").getString() == std::string(u.sysname) + " " + u.release);
    BOOST_TEST(db.execAndGet("SELECT host_info FROM benchmarks WHERE benchmark_id = '" + other + "'").getString() ==
               R"({"cpu_model":"Other CPU","logical_cores":"64"})");
}

BOOST_AUTO_TEST_CASE(missing_gpu_values_are_null_not_zero)
{
    TempDir dir;
    auto rec = make_recorder(dir / "b.db");
    const auto id = rec.initialise_benchmark({});
    rec.collect_device_measurements(id, 45.2, 8192);
    rec.collect_device_measurements(id, 30.0, 4096, 78.5, 16384);
    auto db = open_raw(dir / "b.db");
    BOOST_TEST(count(db, "SELECT count(*) FROM device_measurements WHERE gpu_util IS NULL AND gpu_mem_megabytes IS NULL") == 1);
    BOOST_TEST(count(db, "SELECT count(*) FROM device_measurements WHERE gpu_util = 78.5 AND gpu_mem_megabytes = 16384") == 1);
    BOOST_TEST(count(db, "SELECT count(*) FROM device_measurements WHERE gpu_util = 0") == 0);
}

BOOST_AUTO_TEST_CASE(model_measurements_keep_full_precision_and_order)
{
    TempDir dir;
    auto rec = make_recorder(dir / "b.db");
    const auto id = rec.initialise_benchmark({});
    rec.collect_model_measurements(id, {{"model_load_time", 0.1 + 0.2}, {"a_first", 1e-300}, {"big", 123456789012345678.0}});
    auto db = open_raw(dir / "b.db");
    BOOST_TEST(db.execAndGet("SELECT measurements FROM model_measurements").getString() ==
               R"({"model_load_time":0.30000000000000004,"a_first":1e-300,"big":123456789012345680})");
    BOOST_TEST(db.execAndGet("SELECT json_extract(measurements, '$.model_load_time') FROM model_measurements").getDouble() == 0.1 + 0.2);
}

BOOST_AUTO_TEST_CASE(rejects_bad_input_and_stores_nothing_of_it)
{
    TempDir dir;
    auto rec = make_recorder(dir / "b.db");
    const auto id = rec.initialise_benchmark({});
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    BOOST_CHECK_THROW(rec.collect_device_measurements("00000000-0000-7000-8000-000000000000", 1, 1), InvalidArgument);
    BOOST_CHECK_THROW(rec.collect_device_measurements("not-a-uuid", 1, 1), InvalidArgument);
    BOOST_CHECK_THROW(rec.collect_device_measurements(id, nan, 1), InvalidArgument);
    BOOST_CHECK_THROW(rec.collect_device_measurements(id, 1, inf), InvalidArgument);
    BOOST_CHECK_THROW(rec.collect_device_measurements(id, 1, 1, -inf, 1), InvalidArgument);
    BOOST_CHECK_THROW(rec.collect_model_measurements(id, {{"", 1.0}}), InvalidArgument);
    BOOST_CHECK_THROW(rec.collect_model_measurements(id, {{"t", nan}}), InvalidArgument);
    BOOST_CHECK_THROW(rec.collect_model_measurements(id, {{"t", 1.0}, {"t", 2.0}}), InvalidArgument);
    BOOST_CHECK_THROW(rec.collect_model_measurements(id, {}), InvalidArgument);
    BOOST_CHECK_THROW(rec.initialise_benchmark({{"", "x"}}), InvalidArgument);
    BOOST_CHECK_THROW(rec.initialise_benchmark({{"k", "bad \xff byte"}}), InvalidArgument);
    BOOST_CHECK_THROW(rec.initialise_benchmark({{"k", std::string("nul\0byte", 8)}}), InvalidArgument);
    BOOST_CHECK_THROW(rec.collect_model_measurements(id, {{"t\xc3", 1.0}}), InvalidArgument);
    BOOST_CHECK_THROW(create_global_metrics_recorder("acme", "main", "abc", "msg \xed\xa0\x80", dir / "b.db"), InvalidArgument);
    BOOST_CHECK_THROW(rec.collect_device_measurements(id, std::vector<DeviceSample>{{1, 1, std::nullopt, std::nullopt,
                          Timestamp{} + std::chrono::hours(24 * 366 * 9000)}}), InvalidArgument);
    // A batch with one bad sample stores none of it.
    std::vector<DeviceSample> batch(100, DeviceSample{1, 1, std::nullopt, std::nullopt, std::nullopt});
    batch[57].cpu_util = nan;
    BOOST_CHECK_THROW(rec.collect_device_measurements(id, batch), InvalidArgument);
    try {
        rec.collect_model_measurements(id, {{"t", nan}});
    } catch (const InvalidArgument& e) {
        BOOST_TEST(std::string(e.what()) == "measurement 't' is not a finite number (NaN)");
    }
    auto db = open_raw(dir / "b.db");
    BOOST_TEST(count(db, "SELECT count(*) FROM device_measurements") == 0);
    BOOST_TEST(count(db, "SELECT count(*) FROM model_measurements") == 0);
    BOOST_TEST(count(db, "SELECT count(*) FROM benchmarks") == 1);
}

BOOST_AUTO_TEST_CASE(batch_keeps_each_sample_time)
{
    TempDir dir;
    auto rec = make_recorder(dir / "b.db");
    const auto id = rec.initialise_benchmark({});
    std::vector<DeviceSample> batch;
    for (int i = 0; i < 1000; ++i)
        batch.push_back({double(i), 2.0 * i, std::nullopt, 3.0, parse_timestamp("2025-07-29T20:08:07") + std::chrono::microseconds(i)});
    rec.collect_device_measurements(id, batch);
    auto db = open_raw(dir / "b.db");
    BOOST_TEST(count(db, "SELECT count(*) FROM device_measurements") == 1000);
    BOOST_TEST(db.execAndGet("SELECT time FROM device_measurements WHERE cpu_util = 999").getString() == "2025-07-29T20:08:07.000999");
    BOOST_TEST(count(db, "SELECT count(*) FROM device_measurements WHERE gpu_util IS NULL AND gpu_mem_megabytes = 3") == 1000);
}

BOOST_AUTO_TEST_CASE(batch_abandoned_before_its_commit_stores_nothing)
{
    // The Python package's Ctrl-C check: before_commit runs after every row is written, and a throw there
    // rolls the batch back; the recorder stays usable.
    TempDir dir;
    auto rec = make_recorder(dir / "b.db");
    const auto id = rec.initialise_benchmark({});
    const std::vector<DeviceSample> batch(500, DeviceSample{1, 1, std::nullopt, std::nullopt, std::nullopt});
    auto db = open_raw(dir / "b.db");
    int calls = 0;
    struct Interrupted {};
    BOOST_CHECK_THROW(rec.collect_device_measurements(id, batch, [&] {
        ++calls;
        throw Interrupted{};
    }), Interrupted);
    BOOST_TEST(calls == 1);
    BOOST_TEST(count(db, "SELECT count(*) FROM device_measurements") == 0);
    rec.collect_device_measurements(id, batch, [&] { ++calls; });
    BOOST_TEST(calls == 2);
    BOOST_TEST(count(db, "SELECT count(*) FROM device_measurements") == 500);
}

BOOST_AUTO_TEST_CASE(status_changes_are_stored_and_logged)
{
    TempDir dir;
    auto rec = make_recorder(dir / "b.db");
    const auto ok = rec.initialise_benchmark({});
    const auto bad = rec.initialise_benchmark({});
    rec.set_status(ok, BenchmarkStatus::completed);
    rec.set_status(bad, BenchmarkStatus::failed, "killed by signal 11");
    auto db = open_raw(dir / "b.db");
    SQLite::Statement q(db, "SELECT status, status_reason, finished_at IS NOT NULL FROM benchmarks ORDER BY benchmark_id");
    BOOST_REQUIRE(q.executeStep());
    BOOST_TEST(q.getColumn(0).getString() == "completed");
    BOOST_TEST(q.getColumn(1).isNull());
    BOOST_TEST(q.getColumn(2).getInt() == 1);
    BOOST_REQUIRE(q.executeStep());
    BOOST_TEST(q.getColumn(0).getString() == "failed");
    BOOST_TEST(q.getColumn(1).getString() == "killed by signal 11");
    BOOST_TEST(count(db, "SELECT count(*) FROM benchmark_status_changes") == 2);
}

BOOST_AUTO_TEST_CASE(two_threads_record_at_once)
{
    TempDir dir;
    auto rec = make_recorder(dir / "b.db");
    const auto id = rec.initialise_benchmark({});
    constexpr int device_rows = 2000, model_rows = 500;
    std::thread sampler([&] {
        for (int i = 0; i < device_rows; ++i) rec.collect_device_measurements(id, i, i);
    });
    std::vector<std::string> more_ids;
    std::thread bench([&] {
        for (int i = 0; i < model_rows; ++i) {
            rec.collect_model_measurements(id, {{"i", double(i)}});
            if (i % 100 == 0) more_ids.push_back(rec.initialise_benchmark({{"i", std::to_string(i)}}));
        }
    });
    sampler.join();
    bench.join();
    auto db = open_raw(dir / "b.db");
    BOOST_TEST(count(db, "SELECT count(*) FROM device_measurements") == device_rows);
    BOOST_TEST(count(db, "SELECT count(DISTINCT cpu_util) FROM device_measurements") == device_rows);
    BOOST_TEST(count(db, "SELECT count(*) FROM model_measurements") == model_rows);
    BOOST_TEST(count(db, "SELECT count(*) FROM benchmarks") == 1 + int(more_ids.size()));
    BOOST_TEST(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

BOOST_AUTO_TEST_CASE(closed_recorder_refuses_calls)
{
    TempDir dir;
    auto rec = make_recorder(dir / "b.db");
    const auto id = rec.initialise_benchmark({});
    rec.close();
    rec.close();
    BOOST_CHECK_THROW(rec.collect_device_measurements(id, 1, 1), Error);
}

BOOST_AUTO_TEST_CASE(rows_survive_sigkill_of_two_writing_processes)
{
    TempDir dir;
    const auto db_path = (dir / "b.db").string();
    { make_recorder(dir / "b.db"); }  // create the file first so both children open a current store
    Child a({helper, db_path});
    Child b({helper, db_path});
    Promised pa, pb;
    read_promises(a, pa, 300);
    read_promises(b, pb, 300);
    const int status_a = a.kill_and_wait();
    const int status_b = b.kill_and_wait();
    BOOST_TEST(status_a == 128 + SIGKILL);  // killed, not exited
    BOOST_TEST(status_b == 128 + SIGKILL);
    read_promises(a, pa, SIZE_MAX);  // lines already in the pipe were promised too
    read_promises(b, pb, SIZE_MAX);
    BOOST_REQUIRE(pa.device.size() + pa.model.size() >= 300);
    BOOST_REQUIRE(pb.device.size() + pb.model.size() >= 300);
    auto db = SQLite::Database(db_path, SQLite::OPEN_READWRITE);  // recovers the WAL like any later open
    BOOST_TEST(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    check_promises_kept(db, pa);
    check_promises_kept(db, pb);
}

BOOST_AUTO_TEST_SUITE_END()
