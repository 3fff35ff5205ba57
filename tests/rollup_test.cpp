#define BOOST_TEST_MODULE rollup
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>

#include <SQLiteCpp/Database.h>

#include "benchstore/postgres_migrations.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

// The per-minute rollup of device rows (schema/postgres/006_device_minutes.sql). Every sync test
// checks it against the raw rows (compare_with_server includes rollup_difference): after kill -9
// and a resumed sync, rows arriving by two paths, held rows released, adoption with Hugging Face's
// own INSERTs, a conversion to partitions (central_test). These are the cases of its own.

using namespace benchstore;
using namespace benchstore::test;

namespace {

std::vector<std::string> sync_args(const std::filesystem::path& db, const std::string& conninfo, int batch)
{
    return {"--db", db.string(), "--dsn", conninfo, "--batch-rows", std::to_string(batch)};
}

// A database as the benchstore before the rollup left it: migrations 1 to 5, tables unpartitioned.
std::string database_before_the_rollup() { return database_with_migrations(5); }

// Sync adds the device rows it inserts to their minutes itself, and the rollup trigger skips them:
// they carry a local_id (schema/postgres/008_device_minutes_by_store_id.sql). Rows without one (Hugging
// Face's recorder in an adopted database) go by the trigger. Each row is counted once: the oracle
// (rollup_difference) sees a row counted twice as a minute that differs from its rows.
void each_row_is_summarised_once_by_sync_or_by_the_trigger(const std::string& name, bool adopted)
{
    auto& pg = shared_postgres();
    const auto conninfo = pg.conninfo(name);
    TempDir dir;
    const auto store = dir / "a.db";
    add_rows(store, StoreShape{2, 700, 1}, 45);
    BOOST_TEST_REQUIRE(run_sync(sync_args(store, conninfo, 300)).status == 0);  // creates or adopts the database
    BOOST_TEST(rollup_difference(conninfo) == "");
    // While the trigger's function refuses every row it is given, sync still sends: its rows never
    // reach the trigger, whether they go by COPY straight into the table or, under a new source
    // id that the server holds most of them from, through the staging table.
    const auto add_row = pg.query(name, "SELECT pg_get_functiondef('benchstore_device_minutes_add_row'::regproc)");
    BOOST_TEST_REQUIRE(!add_row.empty());
    pg.query(name, "CREATE OR REPLACE FUNCTION benchstore_device_minutes_add_row() RETURNS trigger LANGUAGE plpgsql "
                   "AS $f$ BEGIN RAISE EXCEPTION 'the rollup trigger got a row of sync'; END $f$");
    add_rows(store, StoreShape{1, 900, 1}, 46);
    auto direct = run_sync(sync_args(store, conninfo, 250));
    BOOST_TEST_REQUIRE(direct.status == 0, direct.err);
    add_rows(store, StoreShape{1, 500, 1}, 47);
    auto args = sync_args(store, conninfo, 400);
    args.push_back("--new-source-id");
    auto staged = run_sync(args);
    BOOST_TEST_REQUIRE(staged.status == 0, staged.err);
    BOOST_TEST(rollup_difference(conninfo) == "");
    BOOST_TEST(compare_with_server({store}, conninfo) == "");
    // 30 rows of another writer, into minutes sync's rows already fill and into new ones.
    auto insert = [&](bool with_local_id) {
        return std::string("INSERT INTO device_measurements (benchmark_id, ") + (with_local_id ? "local_id, " : "") +
               "cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time) SELECT (SELECT benchmark_id FROM "
               "benchmarks ORDER BY benchmark_id LIMIT 1), " + (with_local_id ? "1000000 + i, " : "") +
               "i, NULLIF(i % 3, 0) * 100.0, NULL, i * 0.5, (SELECT min(time) FROM device_measurements WHERE "
               "local_id IS NOT NULL) + i * interval '7 s' FROM generate_series(1, 30) i";
    };
    const auto samples = [&] { return std::stoll(pg.query(name, "SELECT sum(samples) FROM device_measurements_minutes")); };
    if (adopted) {
        // Hugging Face's recorder fills no local_id: its rows reach the trigger.
        std::string refusal;
        try {
            pg.query(name, insert(false));
        } catch (const std::runtime_error& e) {
            refusal = e.what();
        }
        BOOST_TEST(contains(refusal, "the rollup trigger got a row of sync"), refusal);
        BOOST_TEST(pg.query(name, "SELECT count(*) FROM device_measurements WHERE local_id IS NULL") == "0");
        pg.query(name, add_row);
        const auto before = samples();
        pg.query(name, insert(false));
        BOOST_TEST(samples() == before + 30);
        BOOST_TEST(rollup_difference(conninfo) == "");
    }
    // A row with a local_id is its writer's to summarise, as sync does: one written by hand is not,
    // until benchstore_device_minutes_rebuild recomputes its minutes from the rows.
    pg.query(name, add_row);
    const auto before = samples();
    pg.query(name, insert(true));
    BOOST_TEST(samples() == before);
    BOOST_TEST(rollup_difference(conninfo) != "");
    const auto minutes = pg.query(name, "SELECT count(DISTINCT date_trunc('minute', time)) FROM device_measurements "
                                        "WHERE local_id > 1000000");
    BOOST_TEST(pg.query(name, "SELECT benchstore_device_minutes_rebuild(min(time), max(time)) >= " + minutes +
                                  " FROM device_measurements WHERE local_id > 1000000") == "t");
    BOOST_TEST(samples() == before + 30);
    BOOST_TEST(rollup_difference(conninfo) == "");
    BOOST_TEST(pg.query(name, "SELECT sum(samples) = (SELECT count(*) FROM device_measurements WHERE benchmark_id IS "
                              "NOT NULL) FROM device_measurements_minutes") == "t");
}

// Hugging Face's own schema (tests/data/hf_init_db.sql: text benchmark ids), before its adoption.
std::string hugging_face_database()
{
    auto& pg = shared_postgres();
    std::ifstream in(std::filesystem::path(BENCHSTORE_SOURCE_DIR) / "tests" / "data" / "hf_init_db.sql");
    const std::string sql((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST_REQUIRE(!sql.empty());
    const auto name = pg.create_database();
    pg.query(name, sql);
    return name;
}

} // namespace

BOOST_AUTO_TEST_SUITE(rollup)

BOOST_AUTO_TEST_CASE(sync_and_other_writers_each_summarise_a_row_once_in_benchstores_schema)
{
    each_row_is_summarised_once_by_sync_or_by_the_trigger(shared_postgres().create_database(), false);
}

BOOST_AUTO_TEST_CASE(sync_and_other_writers_each_summarise_a_row_once_in_an_adopted_hugging_face_database)
{
    each_row_is_summarised_once_by_sync_or_by_the_trigger(hugging_face_database(), true);
}

// Minutes whose rows arrive in many batches and several syncs, and a GPU-less benchmark (every GPU
// value NULL: the count 0 and the sum NULL, as avg() sees them), in a new, partitioned database.
BOOST_AUTO_TEST_CASE(minutes_split_across_batches_and_syncs_add_up_to_their_rows)
{
    auto& pg = shared_postgres();
    TempDir dir;
    const auto store = dir / "a.db";
    add_rows(store, StoreShape{3, 900, 1}, 41);  // 90 s each: every benchmark spans two or three minutes
    {
        SQLite::Database s(store.string(), SQLite::OPEN_READWRITE);
        s.exec("UPDATE device_measurements SET gpu_util = NULL, gpu_mem_megabytes = NULL WHERE benchmark_ref = 2");
    }
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    BOOST_TEST_REQUIRE(run_sync(sync_args(store, conninfo, 37)).status == 0);
    add_rows(store, StoreShape{2, 700, 1}, 42);
    BOOST_TEST_REQUIRE(run_sync(sync_args(store, conninfo, 53)).status == 0);
    BOOST_TEST(compare_with_server({store}, conninfo) == "");
    BOOST_TEST(rollup_difference(conninfo) == "");
    // Several batches really went into one minute: minutes with more rows than a batch holds.
    BOOST_TEST(std::stoi(pg.query(name, "SELECT count(*) FROM device_measurements_minutes WHERE samples > 53")) >= 5);
    const auto id = pg.query(name, "SELECT benchmark_id FROM device_measurements GROUP BY 1 HAVING count(gpu_util) = 0");
    BOOST_TEST_REQUIRE(!id.empty());
    BOOST_TEST(pg.query(name, "SELECT string_agg(DISTINCT gpu_util_count || '/' || coalesce(gpu_util_sum::text, 'NULL') "
                              "|| '/' || coalesce(gpu_util_max::text, 'NULL'), ',') FROM device_measurements_minutes "
                              "WHERE benchmark_id = '" + id + "'") == "0/NULL/NULL");
    // The panel's average from the rollup is avg() over the raw rows, minute by minute.
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM (SELECT benchmark_id, date_trunc('minute', time) AS minute, "
                              "avg(cpu_util) AS cpu, avg(gpu_util) AS gpu FROM device_measurements GROUP BY 1, 2) r "
                              "JOIN device_measurements_minutes m USING (benchmark_id, minute) "
                              "WHERE abs(r.cpu - m.cpu_util_sum / m.cpu_util_count) > 1e-9 * r.cpu "
                              "OR (r.gpu IS NULL) <> (m.gpu_util_count = 0) "
                              "OR abs(r.gpu - m.gpu_util_sum / nullif(m.gpu_util_count, 0)) > 1e-9 * r.gpu") == "0");
    // The trigger is the partitioned parent's row trigger, cloned to each partition (tgparentid).
    BOOST_TEST(pg.query(name, "SELECT string_agg(tgrelid::regclass::text, ',') FROM pg_trigger "
                              "WHERE tgname = 'benchstore_device_minutes' AND tgparentid = 0") == "device_measurements");
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM pg_inherits i WHERE i.inhparent = 'device_measurements'::regclass "
                              "AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = i.inhrelid "
                              "AND t.tgname = 'benchstore_device_minutes')") == "0");
    BOOST_TEST(pg.query(name, "SELECT relkind FROM pg_class WHERE oid = 'device_measurements'::regclass") == "p");
}

// A database an earlier benchstore filled: the migration summarises the rows already there, and the
// dashboard's read-only role may read the rollup as it reads the device rows.
BOOST_AUTO_TEST_CASE(the_migration_summarises_the_rows_already_there_and_grants_the_readers)
{
    auto& pg = shared_postgres();
    TempDir dir;
    const auto name = database_before_the_rollup();
    const auto conninfo = pg.conninfo(name);
    pg.query(name, "DROP ROLE IF EXISTS rollup_reader; CREATE ROLE rollup_reader; "
                   "GRANT SELECT ON device_measurements TO rollup_reader");
    // Rows an earlier sync sent (as its COPY did: no trigger then), then the migration by this sync.
    const auto old_store = dir / "old.db";
    add_rows(old_store, StoreShape{2, 800, 1}, 43);
    pg.query(name, "INSERT INTO device_measurements (benchmark_id, local_id, cpu_util, mem_megabytes, gpu_util, "
                   "gpu_mem_megabytes, time) SELECT gen_random_uuid(), i, i % 100, 1000 + i, NULLIF(i % 3, 0) * 10, "
                   "NULL, timestamp '2026-01-01' + i * interval '100 ms' FROM generate_series(1, 2000) i");
    BOOST_TEST(pg.query(name, "SELECT to_regclass('device_measurements_minutes') IS NULL") == "t");
    BOOST_TEST_REQUIRE(run_sync(sync_args(old_store, conninfo, 300)).status == 0);
    BOOST_TEST(pg.query(name, "SELECT max(version) FROM benchstore_schema_version") ==
               std::to_string(postgres_schema::migrations.size()));
    BOOST_TEST(rollup_difference(conninfo) == "");
    BOOST_TEST(pg.query(name, "SELECT sum(samples) FROM device_measurements_minutes") == "3600");
    BOOST_TEST(pg.query(name, "SELECT has_table_privilege('rollup_reader', 'device_measurements_minutes', 'SELECT')") ==
               "t");
    BOOST_TEST(pg.query(name, "SELECT has_table_privilege('rollup_reader', 'device_measurements_minutes', 'INSERT')") ==
               "f");
    pg.query(name, "REVOKE ALL ON device_measurements, device_measurements_minutes FROM rollup_reader; "
                   "DROP ROLE rollup_reader");
}

// A role that may only insert device rows (Hugging Face's recorder in an adopted database) has its
// rows summarised all the same: the trigger runs as the rollup's owner.
BOOST_AUTO_TEST_CASE(rows_of_a_role_that_may_only_insert_are_summarised)
{
    auto& pg = shared_postgres();
    const auto name = hugging_face_database();
    TempDir dir;
    add_rows(dir / "a.db", StoreShape{1, 10, 1}, 44);
    BOOST_TEST_REQUIRE(run_sync(sync_args(dir / "a.db", pg.conninfo(name), 100)).status == 0);  // adopts it
    pg.query(name, "DROP ROLE IF EXISTS rollup_writer; CREATE ROLE rollup_writer; "
                   "GRANT INSERT ON device_measurements TO rollup_writer; "
                   "GRANT USAGE ON SEQUENCE device_measurements_measurement_id_seq TO rollup_writer");
    const auto id = pg.query(name, "SELECT benchmark_id FROM benchmarks LIMIT 1");
    pg.query(name, "SET ROLE rollup_writer; INSERT INTO device_measurements (benchmark_id, cpu_util, time) "
                   "VALUES ('" + id + "', 50, timestamp '2026-01-01 10:00:30'); RESET ROLE");
    BOOST_TEST(pg.query(name, "SELECT samples || '/' || cpu_util_sum FROM device_measurements_minutes "
                              "WHERE minute = '2026-01-01 10:00'") == "1/50");
    BOOST_TEST(rollup_difference(pg.conninfo(name)) == "");
    pg.query(name, "REVOKE ALL ON device_measurements FROM rollup_writer; "
                   "REVOKE ALL ON SEQUENCE device_measurements_measurement_id_seq FROM rollup_writer; "
                   "DROP ROLE rollup_writer");
}

BOOST_AUTO_TEST_SUITE_END()
