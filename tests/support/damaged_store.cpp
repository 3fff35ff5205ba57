#include "support/damaged_store.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "benchstore/metrics_recorder.hpp"

namespace benchstore::test {

void make_store_with_rows(const std::filesystem::path& path, int device_rows)
{
    {
        auto rec = create_global_metrics_recorder("acme/widgets", "main", "abc", "msg", path);
        const std::string id = rec.initialise_benchmark({{"gpu_name", "none"}});
        std::vector<DeviceSample> samples(static_cast<std::size_t>(device_rows), DeviceSample{12.5, 100.25, {}, {}});
        rec.collect_device_measurements(id, samples);
        rec.collect_model_measurements(id, {{"latency", 1.5}});
        rec.close();
    }
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

long long damage_a_leaf_page(const std::filesystem::path& path, const std::string& table)
{
    long long page = 0;
    int page_size = 0;
    {
        SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        page_size = db.execAndGet("PRAGMA page_size").getInt();
        SQLite::Statement st(db, "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno");
        st.bind(1, table);
        std::vector<long long> leaves;
        while (st.executeStep()) leaves.push_back(st.getColumn(0).getInt64());
        BOOST_TEST_REQUIRE(leaves.size() >= 3u);
        page = leaves[leaves.size() / 2];
    }
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((page - 1) * page_size);
    const std::string garbage(static_cast<std::size_t>(page_size), '\xa5');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    BOOST_TEST_REQUIRE(f.good());
    return page;
}

} // namespace benchstore::test
