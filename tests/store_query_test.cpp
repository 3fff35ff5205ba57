#define BOOST_TEST_MODULE store_query
#include <boost/test/unit_test.hpp>

#include <SQLiteCpp/Database.h>

#include "benchstore/error.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "store/benchmark_rows.hpp"
#include "store/query.hpp"
#include "store/selection.hpp"
#include "store/sqlite_store.hpp"
#include "store/transaction.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::TempDir;

namespace {

std::int64_t count_benchmarks(SQLite::Database& db) { return store::query_integer(db, "SELECT count(*) FROM benchmarks", {}); }

void insert_benchmark(SQLite::Database& db, const std::string& id)
{
    db.exec("INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, created_at, host) "
            "VALUES ('" + id + "', 'r', 'b', 'c', 'm', '2025-01-01T00:00:00.000000', 'h')");
}

} // namespace

BOOST_AUTO_TEST_SUITE(query)

BOOST_AUTO_TEST_CASE(reads_columns_by_name_whatever_their_order)
{
    TempDir dir;
    auto db = store::open_store(dir / "b.db", store::OpenMode::read_write);
    store::Query q(db, "SELECT 2.5 AS x, 'text' AS t, NULL AS n, 7 AS i");
    const auto t = q.column("t"), x = q.column("x"), n = q.column("n"), i = q.column("i");
    BOOST_TEST(q.step());
    BOOST_TEST(q.text(t) == "text");
    BOOST_TEST(q.real(x) == 2.5);
    BOOST_TEST(q.integer(i) == 7);
    BOOST_TEST(q.is_null(n));
    BOOST_TEST(!q.optional_real(n).has_value());
    BOOST_TEST(*q.optional_real(x) == 2.5);
    BOOST_TEST(!q.step());
}

BOOST_AUTO_TEST_CASE(unknown_column_name_throws_naming_it)
{
    TempDir dir;
    auto db = store::open_store(dir / "b.db", store::OpenMode::read_write);
    store::Query q(db, "SELECT 1 AS one");
    BOOST_TEST(q.has_column("one"));
    BOOST_TEST(!q.has_column("two"));
    try {
        q.column("two");
        BOOST_FAIL("expected a throw");
    } catch (const StoreError& e) {
        BOOST_TEST(std::string(e.what()).find("'two'") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(binds_parameters_in_order)
{
    TempDir dir;
    auto db = store::open_store(dir / "b.db", store::OpenMode::read_write);
    store::Query q(db, "SELECT ? AS a, ? AS b", {"first", "second"});
    BOOST_TEST(q.step());
    BOOST_TEST(q.text(q.column("a")) == "first");
    BOOST_TEST(q.text(q.column("b")) == "second");
}

BOOST_AUTO_TEST_CASE(benchmark_rows_read_every_field_of_a_selection)
{
    TempDir dir;
    std::string kept;
    {
        auto rec = create_global_metrics_recorder("acme/w", "main", "abc123", "msg", dir / "b.db");
        kept = rec.initialise_benchmark({{"model", "gpt2"}});
        auto other = create_global_metrics_recorder("acme/w", "dev", "def456", "other", dir / "b.db");
        other.initialise_benchmark({});
    }
    auto db = store::open_store(dir / "b.db", store::OpenMode::read_only);
    Selection selection;
    selection.branch = "main";
    const auto sql = store::compile_selection(selection);
    store::Query q(db, std::string("SELECT ") + store::benchmark_select_list + " FROM benchmarks b WHERE " +
                           sql.condition + " ORDER BY b.id",
                   sql.params);
    const store::BenchmarkColumns columns(q);
    BOOST_TEST(q.step());
    const auto row = columns.read(q);
    BOOST_TEST(row.benchmark_id == kept);
    BOOST_TEST(row.branch == "main");
    BOOST_TEST(row.commit_id == "abc123");
    BOOST_TEST(row.metadata == R"({"model":"gpt2"})");
    BOOST_TEST(row.status == "running");
    BOOST_TEST(!row.host.empty());
    BOOST_TEST(row.benchmark_ref > 0);
    BOOST_TEST(!q.step());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(transaction)

BOOST_AUTO_TEST_CASE(rolls_back_unless_committed)
{
    TempDir dir;
    auto db = store::open_store(dir / "b.db", store::OpenMode::read_write);
    {
        store::Transaction tx(db, store::TransactionKind::write);
        insert_benchmark(db, "a");
    }
    BOOST_TEST(count_benchmarks(db) == 0);
    {
        store::Transaction tx(db, store::TransactionKind::write);
        insert_benchmark(db, "b");
        tx.commit();
    }
    BOOST_TEST(count_benchmarks(db) == 1);
}

BOOST_AUTO_TEST_CASE(write_transaction_rolls_back_when_the_body_throws)
{
    TempDir dir;
    auto db = store::open_store(dir / "b.db", store::OpenMode::read_write);
    BOOST_CHECK_THROW(store::with_write_transaction(db, [&] {
                          insert_benchmark(db, "a");
                          throw InvalidArgument("stop");
                      }),
                      InvalidArgument);
    BOOST_TEST(count_benchmarks(db) == 0);
    // The connection is usable again: no transaction was left open.
    store::with_write_transaction(db, [&] { insert_benchmark(db, "b"); });
    BOOST_TEST(count_benchmarks(db) == 1);
}

BOOST_AUTO_TEST_CASE(prepared_statements_guard_the_same_way)
{
    TempDir dir;
    auto db = store::open_store(dir / "b.db", store::OpenMode::read_write);
    store::TransactionStatements statements(db);
    {
        store::Transaction tx(statements);
        insert_benchmark(db, "a");
    }
    BOOST_TEST(count_benchmarks(db) == 0);
    for (const char* id : {"b", "c"}) {
        store::Transaction tx(statements);  // reused: each statement was reset after its run
        insert_benchmark(db, id);
        tx.commit();
    }
    BOOST_TEST(count_benchmarks(db) == 2);
}

BOOST_AUTO_TEST_CASE(read_transaction_sees_one_snapshot)
{
    TempDir dir;
    auto db = store::open_store(dir / "b.db", store::OpenMode::read_write);
    auto writer = store::open_store(dir / "b.db", store::OpenMode::read_write);
    const auto seen = store::with_read_transaction(db, [&] {
        const auto before = count_benchmarks(db);
        store::with_write_transaction(writer, [&] { insert_benchmark(writer, "a"); });
        return std::pair{before, count_benchmarks(db)};
    });
    BOOST_TEST(seen.first == 0);
    BOOST_TEST(seen.second == 0);  // the other connection's commit is not in this snapshot
    BOOST_TEST(count_benchmarks(db) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
