#define BOOST_TEST_MODULE sync_adopt
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "benchstore/sync.hpp"
#include "core/uuid.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"
#include "sync/pg_schema.hpp"

using namespace benchstore;
using namespace benchstore::test;

namespace {

// tests/data/hf_init_db.sql with benchmark_id of id_type; gpu_name: "" for the newest shape, or
// the older shape's plain column definition.
std::string hf_schema(const std::string& id_type, const std::string& gpu_name = "")
{
    std::ifstream in(std::filesystem::path(BENCHSTORE_SOURCE_DIR) / "tests" / "data" / "hf_init_db.sql");
    std::string sql((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST_REQUIRE(!sql.empty());
    for (auto at = sql.find("VARCHAR(36)"); at != std::string::npos; at = sql.find("VARCHAR(36)", at + id_type.size()))
        sql.replace(at, 11, id_type);
    sql.insert(sql.find("  created_at"), gpu_name);
    return sql;
}

// Rows as Hugging Face's MetricsRecorder inserts them: its three INSERT statements, str(uuid4())
// ids, time and created_at left to the server's defaults. Returns the commit ids.
std::vector<std::string> insert_hf_rows(const std::string& database, int benchmarks, bool plain_gpu_name)
{
    std::string sql;
    std::vector<std::string> commits;
    for (int b = 0; b < benchmarks; ++b) {
        const std::string id = make_uuid_v4();
        commits.push_back("hf0c0ffee" + std::to_string(b));
        sql += "INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata" +
               std::string(plain_gpu_name ? ", gpu_name" : "") + ") VALUES ('" + id +
               "', 'huggingface/transformers', 'main', '" + commits.back() + "', 'old commit " + std::to_string(b) +
               "', '{\"gpu_name\": \"NVIDIA A100\", \"model_id\": \"meta-llama/Llama-2-7b-hf\"}'" +
               (plain_gpu_name ? ", 'NVIDIA A100'" : "") + ");\n";
        for (int d = 0; d < 20; ++d)
            sql += "INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes, gpu_util, "
                   "gpu_mem_megabytes) VALUES ('" + id + "', " + std::to_string(10 + d) + ".5, 2048.25, " +
                   (d % 4 == 0 ? "NULL, NULL" : std::to_string(d) + ", 1000") + ");\n";
        sql += "INSERT INTO model_measurements (benchmark_id, measurements) VALUES ('" + id +
               "', '{\"model_load_time\": 1.25, \"time_to_first_token_secs\": 0.0625}');\n";
    }
    shared_postgres().query(database, sql);
    return commits;
}

// Every row Hugging Face's tool wrote, all of their columns, one line each.
std::string old_rows(const std::string& database)
{
    return shared_postgres().query(
        database,
        "SELECT (SELECT string_agg(concat_ws('|', benchmark_id, repository, branch, commit_id, commit_message, "
        "metadata::text, created_at), E'\\n' ORDER BY created_at, benchmark_id) FROM benchmarks WHERE repository = "
        "'huggingface/transformers') || E'\\n' || (SELECT string_agg(concat_ws('|', measurement_id, benchmark_id, "
        "cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time), E'\\n' ORDER BY measurement_id) FROM "
        "device_measurements WHERE benchmark_id IN (SELECT benchmark_id FROM benchmarks WHERE repository = "
        "'huggingface/transformers')) || E'\\n' || (SELECT string_agg(concat_ws('|', "
        "measurement_id, benchmark_id, measurements::text, time), E'\\n' ORDER BY measurement_id) FROM "
        "model_measurements WHERE benchmark_id IN (SELECT benchmark_id FROM benchmarks WHERE repository = "
        "'huggingface/transformers'))");
}

// The database's tables, columns, constraints, indexes and triggers, for "nothing changed".
std::string schema_of(const std::string& database)
{
    return shared_postgres().query(
        database,
        "SELECT concat((SELECT string_agg(concat_ws(':', table_name, column_name, data_type, is_nullable, "
        "column_default, is_generated), ',' ORDER BY table_name, column_name) FROM information_schema.columns WHERE "
        "table_schema = 'public'), '/', (SELECT string_agg(indexdef, ',' ORDER BY indexname) FROM pg_indexes WHERE "
        "schemaname = 'public'), '/', (SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint), '/', "
        "(SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger))");
}

// A fresh database holding their newest schema and rows of two benchmarks their tool wrote.
struct HfDatabase {
    std::string name;
    std::string conninfo;
    std::string old_rows;  // old_rows() right after their tool wrote them
};

HfDatabase hf_database()
{
    auto& pg = shared_postgres();
    HfDatabase db{pg.create_database(), "", ""};
    db.conninfo = pg.conninfo(db.name);
    pg.query(db.name, hf_schema("VARCHAR(36)"));
    insert_hf_rows(db.name, 2, false);
    db.old_rows = old_rows(db.name);
    return db;
}

std::vector<std::string> cli(const std::filesystem::path& db, const std::string& conninfo)
{
    return {"--db", db.string(), "--dsn", conninfo};
}

// Runs one of the dashboard's queries (notes/hf-postgres-compat.md, Grafana variables filled in)
// and returns what Grafana would show, one row per line.
std::string dashboard(const std::string& database, const std::string& query)
{
    return shared_postgres().query(database, "SELECT string_agg(q::text, E'\\n') FROM (" + query + ") q");
}

std::size_t lines_of(const std::string& text) { return text.empty() ? 0 : line_count(text) + 1; }

void adopt_and_check(const std::string& id_type, bool plain_gpu_name)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    const auto conninfo = pg.conninfo(name);
    pg.query(name, hf_schema(id_type, plain_gpu_name ? "  gpu_name VARCHAR(255),\n" : ""));
    const auto old_commits = insert_hf_rows(name, 3, plain_gpu_name);
    const auto before = old_rows(name);
    const auto schema_before = schema_of(name);

    TempDir dir;
    const auto store = dir / "b.db";
    add_rows(store, StoreShape{}, 7);

    // --dry-run says what it would do and does nothing.
    auto dry = run_sync({"--db", store.string(), "--dsn", conninfo, "--dry-run"});
    BOOST_TEST_REQUIRE(dry.status == 0, dry.err);
    BOOST_TEST(contains(dry.out, "(existing database would be adopted)"), dry.out);
    BOOST_TEST(contains(dry.out, "adopt: add column benchmarks.local_id bigint"), dry.out);
    BOOST_TEST(contains(dry.out, "adopt: add column benchmarks.received_at timestamptz (NULL in existing rows, now() "
                                 "for new ones)"), dry.out);
    BOOST_TEST(contains(dry.out, "adopt: add unique index device_measurements_benchstore_key"), dry.out);
    BOOST_TEST(contains(dry.out, "adopt: create table sync_state"), dry.out);
    BOOST_TEST(contains(dry.out, "adopt: then apply benchstore schema migrations 2 to"), dry.out);
    BOOST_TEST(schema_of(name) == schema_before);

    auto first = run_sync(cli(store, conninfo));
    BOOST_TEST_REQUIRE(first.status == 0, first.err);
    BOOST_TEST(contains(first.out, "(existing database adopted)"), first.out);
    BOOST_TEST(old_rows(name) == before);
    BOOST_TEST(compare_with_server({store}, conninfo, {}, ServerRows::from_benchstore) == "");
    BOOST_TEST(pg.query(name, "SELECT count(*) FILTER (WHERE received_at IS NULL) || '/' || count(*) FILTER (WHERE "
                              "local_id IS NULL) FROM benchmarks") == "3/3");
    BOOST_TEST(server_count(conninfo, "benchmarks") == 3 + 5);
    BOOST_TEST(server_count(conninfo, "device_measurements") == 60 + 500);
    BOOST_TEST(server_count(conninfo, "model_measurements") == 3 + 10);
    BOOST_TEST(pg.query(name, "SELECT max(version) FROM benchstore_schema_version") ==
               std::to_string(sync_::latest_server_schema_version()));
    // The later migrations ran too: the dashboard's time indexes.
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%_time_brin'") == "2");

    // A second sync adds nothing; new rows later go in once.
    const auto again = sync(sync_options(store, conninfo));
    BOOST_TEST(again.adoption.empty());
    for (const auto& t : again.tables) BOOST_TEST(t.sent + t.skipped == 0);
    add_rows(store, StoreShape{2, 10, 1}, 8);
    BOOST_TEST_REQUIRE(run_sync(cli(store, conninfo)).status == 0);
    BOOST_TEST(compare_with_server({store}, conninfo, {}, ServerRows::from_benchstore) == "");
    BOOST_TEST(old_rows(name) == before);

    // The dashboard's queries see old and new rows together.
    BOOST_TEST(dashboard(name, "SELECT DISTINCT branch FROM benchmarks") == "(main)");
    BOOST_TEST(dashboard(name, "SELECT DISTINCT gpu_name FROM benchmarks") == "(\"NVIDIA A100\")");
    const auto commits = dashboard(name, "SELECT commit_id as commit_id, commit_message, gpu_name, created_at AS date "
                                         "FROM benchmarks WHERE branch = 'main' ORDER BY benchmark_id DESC LIMIT 100");
    BOOST_TEST(lines_of(commits) == 3u + 7u);
    const auto bars = dashboard(name, "SELECT CAST(m.measurements->'model_load_time' AS double precision) AS "
                                      "model_load_time, left(b.commit_id, 7), m.time FROM benchmarks as b JOIN "
                                      "model_measurements AS m ON b.benchmark_id = m.benchmark_id WHERE b.branch = "
                                      "'main' AND gpu_name = 'NVIDIA A100' ORDER BY b.benchmark_id DESC LIMIT 100");
    BOOST_TEST(lines_of(bars) == 3u + 12u);
    BOOST_TEST(contains(bars, "(1.25,hf0c0ff,"), bars);
    BOOST_TEST(contains(bars, ",c0ffee"), bars);
    const auto series = dashboard(name, "SELECT d.cpu_util, d.time FROM benchmarks AS b JOIN device_measurements AS d "
                                        "ON b.benchmark_id = d.benchmark_id WHERE branch = 'main'");
    BOOST_TEST(lines_of(series) == 60u + 520u);
    BOOST_TEST(lines_of(dashboard(name, "SELECT created_at - INTERVAL '5 secs' FROM benchmarks WHERE branch = 'main' "
                                        "ORDER BY benchmark_id ASC LIMIT 1")) == 1u);
    BOOST_TEST(lines_of(dashboard(name, "SELECT time + INTERVAL '5 secs' FROM benchmarks AS b JOIN device_measurements "
                                        "AS d ON b.benchmark_id = d.benchmark_id WHERE branch = 'main' ORDER BY "
                                        "b.benchmark_id DESC, d.measurement_id DESC LIMIT 1")) == 1u);
    (void)old_commits;

    // Their own recorder keeps working beside benchstore: its INSERTs still fit the adopted tables.
    insert_hf_rows(name, 1, plain_gpu_name);
    BOOST_TEST(server_count(conninfo, "device_measurements") == 80 + 520);
    BOOST_TEST_REQUIRE(run_sync(cli(store, conninfo)).status == 0);
    BOOST_TEST(compare_with_server({store}, conninfo, {}, ServerRows::from_benchstore) == "");
}

} // namespace

BOOST_AUTO_TEST_SUITE(sync_adopt)

BOOST_AUTO_TEST_CASE(adopts_hugging_face_database_with_text_ids_keeping_every_old_row)
{
    adopt_and_check("VARCHAR(36)", false);
}

BOOST_AUTO_TEST_CASE(adopts_older_shape_with_uuid_ids_and_a_plain_gpu_name_column)
{
    adopt_and_check("uuid", true);
}

// Schema version 2's BRIN indexes on time serve the dashboard's time-range panels, in a database
// benchstore created and in an adopted one alike. A new database's measurement tables are
// partitioned (central/partitioned_copy.hpp): the index is the partitioned table's ("ON ONLY"), and
// every partition has its own, with autosummarize (migration 4) like the parent's: the default
// partition (created with the tables) and the weekly ones (attached later) alike.
BOOST_AUTO_TEST_CASE(fresh_and_adopted_databases_both_get_the_dashboard_time_indexes)
{
    auto& pg = shared_postgres();
    TempDir dir;
    add_rows(dir / "b.db", StoreShape{1, 5, 1}, 30);
    const auto fresh = pg.create_database();
    const auto adopted = pg.create_database();
    pg.query(adopted, hf_schema("VARCHAR(36)"));
    const std::string indexes = "SELECT string_agg(indexdef, '; ' ORDER BY indexname) FROM pg_indexes "
                                "WHERE indexname LIKE '%time_brin'";
    for (const auto& name : {fresh, adopted}) {
        BOOST_TEST_REQUIRE(run_sync(cli(dir / "b.db", pg.conninfo(name))).status == 0);
        const std::string only = name == fresh ? "ONLY " : "";
        BOOST_TEST(pg.query(name, indexes) ==
                   "CREATE INDEX device_measurements_time_brin ON " + only +
                       "public.device_measurements USING brin (\"time\") WITH (autosummarize='on'); "
                       "CREATE INDEX model_measurements_time_brin ON " + only +
                       "public.model_measurements USING brin (\"time\") WITH (autosummarize='on')");
    }
    const std::string partitions = "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent IN "
                                   "('device_measurements'::regclass, 'model_measurements'::regclass)";
    BOOST_TEST(std::stoi(pg.query(fresh, "SELECT count(*) " + partitions)) >= 4);  // this week, next week, defaults
    BOOST_TEST(pg.query(fresh, "SELECT count(*) " + partitions + " AND NOT EXISTS (SELECT 1 FROM pg_index x JOIN "
                               "pg_class ix ON ix.oid = x.indexrelid JOIN pg_am am ON am.oid = ix.relam "
                               "WHERE x.indrelid = c.oid AND am.amname = 'brin' "
                               "AND 'autosummarize=on' = ANY (ix.reloptions))") == "0");
}

// Several machines meeting a Hugging Face database at once: one adopts it, the others wait for
// that and then send; every store's rows arrive exactly once.
BOOST_AUTO_TEST_CASE(syncs_meeting_the_database_at_once_adopt_it_once)
{
    auto& pg = shared_postgres();
    const auto [name, conninfo, before] = hf_database();
    TempDir dir;
    std::vector<std::filesystem::path> stores;
    std::vector<int> pids;
    for (int i = 0; i < 4; ++i) {
        stores.push_back(dir / std::to_string(i));
        stores.back() += ".db";
        add_rows(stores.back(), StoreShape{3, 50, 1}, 20 + static_cast<unsigned>(i));
    }
    for (const auto& store : stores) pids.push_back(spawn_sync(cli(store, conninfo)));
    for (const int pid : pids) BOOST_TEST(wait_for(pid) == 0);
    BOOST_TEST(compare_with_server(stores, conninfo, {}, ServerRows::from_benchstore) == "");
    BOOST_TEST(old_rows(name) == before);
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM benchstore_schema_version") ==
               std::to_string(sync_::latest_server_schema_version()));
}

// Their narrower columns stay: a benchmark the adopted table refuses (a branch longer than
// VARCHAR(255)) is a rejected row, and their foreign keys keep its measurements from going in as
// orphans; every other row arrives exactly once and the old rows stay as they were.
BOOST_AUTO_TEST_CASE(benchmark_refused_by_their_column_limits_is_rejected_without_orphans)
{
    auto& pg = shared_postgres();
    const auto [name, conninfo, before] = hf_database();
    TempDir dir;
    const auto store = dir / "b.db";
    add_rows(store, StoreShape{2, 10, 1}, 11);
    StoreShape long_branch{1, 10, 1};
    long_branch.branch = std::string(300, 'b');
    const auto refused = add_rows(store, long_branch, 12);
    add_rows(store, StoreShape{2, 10, 1}, 13);

    const auto r = run_sync(cli(store, conninfo));
    BOOST_TEST(r.status == 1, r.err);
    BOOST_TEST(contains(r.out, "rejected benchmarks row"), r.out);
    BOOST_TEST(contains(r.out, refused.front()), r.out);
    BOOST_TEST(compare_with_server({store}, conninfo, refused, ServerRows::from_benchstore) == "");
    BOOST_TEST(old_rows(name) == before);
    BOOST_TEST(pg.query(name, "SELECT count(*) FROM device_measurements d WHERE NOT EXISTS (SELECT 1 FROM benchmarks b "
                              "WHERE b.benchmark_id = d.benchmark_id)") == "0");
    // A later sync sends nothing again, and the rows of the refused benchmark stay out.
    run_sync(cli(store, conninfo));
    BOOST_TEST(compare_with_server({store}, conninfo, refused, ServerRows::from_benchstore) == "");
}

// Shapes benchstore cannot write into: refused with one line naming the table and column, by
// --dry-run and by a real sync alike, before anything changes.
BOOST_AUTO_TEST_CASE(refuses_unadoptable_shapes_naming_table_and_column_and_changes_nothing)
{
    struct Case {
        std::string from, to, message;
    };
    const std::vector<Case> cases{
        // The published init_db.sql as written: integer ids.
        {"VARCHAR(36)", "int", "benchmarks.benchmark_id is integer; benchstore needs uuid or text"},
        {"VARCHAR(36)", "VARCHAR(20)", "benchmarks.benchmark_id is character varying(20)"},
        {"  gpu_mem_megabytes double precision,\n", "", "column device_measurements.gpu_mem_megabytes is missing"},
        {"  repository VARCHAR(255),\n", "", "column benchmarks.repository is missing"},
        {"  metadata jsonb,\n", "  metadata json,\n", "benchmarks.metadata is json; benchstore needs jsonb"},
        {"  measurements jsonb,\n", "  measurements jsonb,\n  runner text NOT NULL,\n",
         "model_measurements.runner is NOT NULL without a default"},
        {"model_measurements", "other_measurements", "table model_measurements is missing"},
    };
    auto& pg = shared_postgres();
    TempDir dir;
    const auto store = dir / "b.db";
    add_rows(store, StoreShape{2, 10, 1}, 9);
    for (const auto& c : cases) {
        std::string schema = hf_schema("VARCHAR(36)");
        for (auto at = schema.find(c.from); at != std::string::npos; at = schema.find(c.from, at + c.to.size()))
            schema.replace(at, c.from.size(), c.to);
        const auto name = pg.create_database();
        const auto conninfo = pg.conninfo(name);
        pg.query(name, schema);
        const auto before = schema_of(name);
        for (const bool dry : {true, false}) {
            auto args = cli(store, conninfo);
            if (dry) args.push_back("--dry-run");
            const auto r = run_sync(args);
            BOOST_TEST(r.status == 1, c.message << ": exit " << r.status);
            BOOST_TEST(line_count(r.err) == 1u, r.err);
            BOOST_TEST(contains(r.err, "cannot adopt the existing database"), r.err);
            BOOST_TEST(contains(r.err, c.message), r.err);
            BOOST_TEST(contains(r.err, "nothing was changed"), r.err);
            BOOST_TEST(schema_of(name) == before, c.message);
        }
    }
}

// Adoption compares the kind of benchmark id, not its spelling: VARCHAR(36) in benchmarks, text in
// device_measurements and VARCHAR(64) in model_measurements are all text, which benchstore writes
// alike (the UUID's lowercase text), so such a mix is adopted and synced. uuid in one table beside
// text in another is refused: one id would need two forms.
BOOST_AUTO_TEST_CASE(benchmark_ids_of_mixed_text_types_are_adopted_but_uuid_beside_text_is_refused)
{
    auto& pg = shared_postgres();
    TempDir dir;
    const auto store = dir / "b.db";
    add_rows(store, StoreShape{2, 10, 1}, 9);
    const auto replace_first = [](std::string& text, const std::string& from, const std::string& to) {
        const auto at = text.find(from);
        BOOST_TEST_REQUIRE(at != std::string::npos, from);
        text.replace(at, from.size(), to);
    };

    std::string mixed = hf_schema("VARCHAR(36)");
    replace_first(mixed, "benchmark_id VARCHAR(36) REFERENCES", "benchmark_id text REFERENCES");         // device
    replace_first(mixed, "benchmark_id VARCHAR(36) REFERENCES", "benchmark_id VARCHAR(64) REFERENCES");  // model
    const auto adopted = pg.create_database();
    const auto conninfo = pg.conninfo(adopted);
    pg.query(adopted, mixed);
    insert_hf_rows(adopted, 2, false);
    const auto before = old_rows(adopted);
    const auto first = run_sync(cli(store, conninfo));
    BOOST_TEST_REQUIRE(first.status == 0, first.err);
    BOOST_TEST(contains(first.out, "(existing database adopted)"), first.out);
    BOOST_TEST(compare_with_server({store}, conninfo, {}, ServerRows::from_benchstore) == "");
    BOOST_TEST(old_rows(adopted) == before);
    BOOST_TEST(pg.query(adopted, "SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attrelid::regclass::text) "
                                 "FROM pg_attribute WHERE attname = 'benchmark_id' AND attrelid IN ('benchmarks'::regclass, "
                                 "'device_measurements'::regclass, 'model_measurements'::regclass)") ==
               "character varying(36),text,character varying(64)");

    std::string split = hf_schema("uuid");
    replace_first(split, "benchmark_id uuid REFERENCES benchmarks (benchmark_id)", "benchmark_id VARCHAR(36)");
    const auto refused = pg.create_database();
    pg.query(refused, split);
    const auto schema_before = schema_of(refused);
    for (const bool dry : {true, false}) {
        auto args = cli(store, pg.conninfo(refused));
        if (dry) args.push_back("--dry-run");
        const auto r = run_sync(args);
        BOOST_TEST(r.status == 1, r.err);
        BOOST_TEST(line_count(r.err) == 1u, r.err);
        BOOST_TEST(contains(r.err, "device_measurements.benchmark_id is character varying(36) but "
                                   "benchmarks.benchmark_id is uuid"), r.err);
        BOOST_TEST(contains(r.err, "nothing was changed"), r.err);
        BOOST_TEST(schema_of(refused) == schema_before);
    }
}

// kill -9 while adopting and while sending, then a clean sync: the adoption happened once, the old
// rows are untouched, and benchstore's rows are there exactly once (the oracle).
// The air-gapped older copy (sync_fault_test) against an adopted database with text ids: the
// check stages the copy's last row as the batches do, in a dry run too, and finds it on the server.
BOOST_AUTO_TEST_CASE(an_older_copy_is_recognised_in_an_adopted_database_with_text_ids)
{
    const auto hf = hf_database();
    TempDir dir;
    add_rows(dir / "a.db", StoreShape{2, 50, 2}, 90);
    {
        SQLite::Database a((dir / "a.db").string(), SQLite::OPEN_READWRITE);
        a.exec("VACUUM INTO '" + (dir / "t1.db").string() + "'");
    }
    add_rows(dir / "a.db", StoreShape{1, 50, 1}, 91);
    BOOST_REQUIRE_EQUAL(run_sync(cli(dir / "a.db", hf.conninfo)).status, 0);
    for (bool dry : {true, false}) {
        auto a = cli(dir / "t1.db", hf.conninfo);
        if (dry) a.push_back("--dry-run");
        const auto older = run_sync(a);
        BOOST_TEST(older.status == 0, older.err);
        BOOST_TEST(contains(older.out, "an older copy of this store file"), older.out);
    }
    BOOST_TEST(compare_with_server({dir / "a.db"}, hf.conninfo, {}, ServerRows::from_benchstore) == "");
    BOOST_TEST(old_rows(hf.name) == hf.old_rows);
}

BOOST_AUTO_TEST_CASE(kill_9_during_adoption_and_sync_then_resync_is_exact)
{
    using Clock = std::chrono::steady_clock;
    auto& pg = shared_postgres();
    TempDir dir;
    const auto store = dir / "b.db";
    add_rows(store, StoreShape{8, 1500, 3}, 10);
    auto args = [&](const std::string& conninfo) {
        auto a = cli(store, conninfo);
        a.insert(a.end(), {"--batch-rows", "300"});
        return a;
    };
    const auto t0 = Clock::now();
    BOOST_TEST_REQUIRE(run_sync(args(hf_database().conninfo)).status == 0);
    const double full_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();

    std::mt19937 rng(4712);
    int kills = 0;
    for (int round = 0; round < 10 && kills < 12; ++round) {
        const auto [name, conninfo, before] = hf_database();
        // The first kill of a round lands early (often inside the adoption), the later ones spread
        // over what is left; a run that finishes first ends the round.
        for (int attempt = 0; attempt < 4; ++attempt) {
            const int pid = spawn_sync(args(conninfo));
            std::uniform_real_distribution<double> delay(0, full_ms * (attempt == 0 ? 0.1 : 0.5));
            std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long>(delay(rng) * 1000)));
            kill(pid, SIGKILL);
            const int status = wait_for(pid);
            if (status != 128 + SIGKILL) {
                BOOST_TEST_REQUIRE(status == 0);
                break;
            }
            ++kills;
        }
        BOOST_TEST_REQUIRE(run_sync(args(conninfo)).status == 0);
        BOOST_TEST(compare_with_server({store}, conninfo, {}, ServerRows::from_benchstore) == "");
        BOOST_TEST(old_rows(name) == before);
        BOOST_TEST(pg.query(name, "SELECT count(*) FROM benchstore_schema_version") ==
                   std::to_string(sync_::latest_server_schema_version()));
    }
    BOOST_TEST_MESSAGE(kills << " kills; uninterrupted sync " << full_ms << " ms");
    BOOST_TEST(kills >= 12);
}

BOOST_AUTO_TEST_SUITE_END()
