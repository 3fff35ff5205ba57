#define BOOST_TEST_MODULE store_copy
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "benchstore/error.hpp"
#include "benchstore/export.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "benchstore/store.hpp"
#include "store/store_info.hpp"
#include "support/export_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::TempDir;
using benchstore::test::shell_quote;

namespace {

const std::string tool = std::string(BENCHSTORE_BINARY_DIR) + "/tools/benchstore-export";

// Records device and model rows until stopped, counting the calls that returned.
class Writer {
public:
    explicit Writer(const std::filesystem::path& db)
        : m_recorder(create_global_metrics_recorder("acme/widgets", "main", "abc", "copy test", db))
    {
        m_id = m_recorder.initialise_benchmark({{"test", "copy"}});
        m_thread = std::thread([this] {
            for (long n = 1; !m_stop; ++n) {
                if (n % 5 == 0) m_recorder.collect_model_measurements(m_id, {{"n", static_cast<double>(n)}});
                else m_recorder.collect_device_measurements(m_id, static_cast<double>(n), 1.0);
                ++m_rows;
            }
        });
    }
    ~Writer() { stop(); }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
    }
    long rows() const { return m_rows; }

private:
    MetricsRecorder m_recorder;
    std::string m_id;
    std::atomic<bool> m_stop{false};
    std::atomic<long> m_rows{0};
    std::thread m_thread;
};

void wait_for_rows(const Writer& w, long n)
{
    while (w.rows() < n) std::this_thread::yield();
}

} // namespace

BOOST_AUTO_TEST_SUITE(store_copy)

BOOST_AUTO_TEST_CASE(copy_of_a_store_being_written_is_whole_and_exports)
{
    TempDir dir;
    const auto store = dir / "live.db";
    Writer writer(store);
    wait_for_rows(writer, 2000);  // past the WAL's 1000-page checkpoints: the -wal file holds rows cp would miss
    const auto r = test::run_command(shell_quote(tool) + " --db " + shell_quote(store.string()) + " --copy-to " +
                                         shell_quote((dir / "usb/copy.db").string()), dir.path());
    BOOST_TEST(r.exit_code == 1);  // the stick's folder must exist
    std::filesystem::create_directory(dir / "usb");
    const long before = writer.rows();
    const auto ok = test::run_command(shell_quote(tool) + " --db " + shell_quote(store.string()) + " --copy-to " +
                                          shell_quote((dir / "usb/copy.db").string()), dir.path());
    const long after = writer.rows();
    BOOST_TEST_REQUIRE(ok.exit_code == 0, ok.err);
    BOOST_TEST(ok.out.find((dir / "usb/copy.db").string() + " (1 benchmark, ") == 0u, ok.out);
    writer.stop();

    const auto copy = dir / "usb/copy.db";
    BOOST_TEST(!std::filesystem::exists(dir / "usb/copy.db-wal"));  // one file to carry
    {
        SQLite::Database db(copy.string(), SQLite::OPEN_READONLY);
        BOOST_TEST(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
        const long rows = db.execAndGet("SELECT (SELECT count(*) FROM device_measurements) + "
                                        "(SELECT count(*) FROM model_measurements)").getInt64();
        BOOST_TEST(rows >= before);  // every row whose call had returned when the copy began
        BOOST_TEST(rows <= after);
    }
    BOOST_TEST(store::read_source_id(copy) == store::read_source_id(store));
    ExportOptions eo;
    eo.db_path = copy;
    eo.output_dir = dir / "csv";
    const ExportResult e = export_csv(eo);
    BOOST_TEST(e.benchmark_rows == 1u);
    BOOST_TEST(e.device_measurement_rows > 0u);

    // Never over an existing file, never onto the store itself.
    const auto again = test::run_command(shell_quote(tool) + " --db " + shell_quote(store.string()) + " --copy-to " +
                                             shell_quote(copy.string()), dir.path());
    BOOST_TEST(again.exit_code == 1);
    BOOST_TEST(again.err.find("already exists; not replaced") != std::string::npos, again.err);
    BOOST_CHECK_THROW(copy_store(store, store), InvalidArgument);
    const auto usage = test::run_command(shell_quote(tool) + " --db " + shell_quote(store.string()) + " --copy-to x.db --run-id r",
                                         dir.path());
    BOOST_TEST(usage.exit_code == 2);
}

BOOST_AUTO_TEST_SUITE_END()
