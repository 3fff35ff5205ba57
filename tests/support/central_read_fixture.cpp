#include "support/central_read_fixture.hpp"

#include <random>

#include <boost/test/unit_test.hpp>

#include "benchstore/metrics_recorder.hpp"
#include "benchstore/sync.hpp"
#include "support/postgres_server.hpp"

namespace benchstore::test {
namespace {

const std::string bin = BENCHSTORE_BINARY_DIR;

} // namespace

void record_host(const std::filesystem::path& db, const HostRows& h, unsigned seed)
{
    std::mt19937 random(seed);
    std::normal_distribution<double> noise(0, 1);
    for (const auto& [commit, factor] : {std::pair{"BASE0001", 1.0}, std::pair{"HEAD0002", h.head_factor}}) {
        RecorderOptions o;
        o.db_path = db;
        o.repository = "acme/widgets";
        o.branch = "main";
        o.commit_id = commit;
        o.commit_message = std::string("commit ") + commit;
        o.run_id = h.host + "-" + commit;
        o.module = "mod";
        o.host = h.host;
        MetricsRecorder rec(o);
        for (const char* model : {"a", "b", "c"}) {
            // Keys not in byte order: the server's jsonb keeps none, the store keeps this one.
            const auto id = rec.initialise_benchmark({{"model", model}, {"batch", "8"}});
            for (int i = 0; i < 10; ++i) {
                const double latency = h.base_latency * factor + noise(random);
                rec.collect_model_measurements(id, {{"latency_ms", latency}, {"tokens_per_sec", 1e5 / latency}});
            }
            std::vector<DeviceSample> samples;
            for (int i = 0; i < 20; ++i)
                samples.push_back({40 + noise(random), 1000 + 10 * noise(random), 80 + noise(random),
                                   5000 + noise(random), {}});
            rec.collect_device_measurements(id, samples);
            rec.set_status(id, BenchmarkStatus::completed);
        }
    }
}

std::string new_database()
{
    const auto name = shared_postgres().create_database();
    return shared_postgres().conninfo(name);
}

void sync_into(const std::filesystem::path& db, const std::string& conninfo)
{
    const auto r = sync(sync_options(db, conninfo));
    BOOST_TEST_REQUIRE(r.tables.size() > 0u);
}

CommandResult run_tool(const TempDir& dir, const std::string& tool, const std::string& args)
{
    const auto r = run_command(shell_quote(bin + "/tools/" + tool) + " " + args, dir.path());
    BOOST_TEST_MESSAGE(tool << " " << args << " -> " << r.exit_code << "\n" << r.out << r.err);
    return r;
}

Fleet::Fleet(const std::vector<HostRows>& hosts)
{
    unsigned seed = 1;
    for (const auto& h : hosts) {
        stores.push_back(dir / (h.host + ".db"));
        record_host(stores.back(), h, seed++);
        sync_into(stores.back(), conninfo);
    }
}

CompareOptions options(const std::string& base, const std::string& head)
{
    CompareOptions o;
    o.base = base;
    o.head = head;
    return o;
}

} // namespace benchstore::test
