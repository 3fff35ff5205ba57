#include "support/sync_fixture.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fcntl.h>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <libpq-fe.h>

#include "benchstore/postgres_migrations.hpp"
#include "benchstore/timestamp.hpp"
#include "core/uuid.hpp"
#include "store/sqlite_store.hpp"
#include "support/child_process.hpp"
#include "support/postgres_server.hpp"

namespace benchstore::test {
namespace {

std::string number(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// A flat JSON object {"name": number, ...} as sorted "name=value" pairs with values re-read as
// doubles, so SQLite's text and PostgreSQL's jsonb output compare equal when the numbers are.
std::string canonical_json_numbers(const std::string& json)
{
    std::map<std::string, std::string> pairs;
    std::size_t i = 0;
    auto skip = [&] { while (i < json.size() && (json[i] == ' ' || json[i] == '{' || json[i] == ',')) ++i; };
    for (skip(); i < json.size() && json[i] == '"'; skip()) {
        std::string key;
        for (++i; i < json.size() && json[i] != '"'; ++i) {
            if (json[i] == '\\') ++i;
            key += json[i];
        }
        i = json.find(':', i) + 1;
        while (json[i] == ' ') ++i;
        const char* start = json.c_str() + i;
        char* end = nullptr;
        const double v = std::strtod(start, &end);
        i += static_cast<std::size_t>(end - start);
        pairs[key] = number(v);
    }
    std::string out;
    for (const auto& [k, v] : pairs) out += k + "=" + v + ";";
    return out;
}

std::string opt_number(const SQLite::Column& c) { return c.isNull() ? "NULL" : number(c.getDouble()); }
std::string opt_text(const SQLite::Column& c) { return c.isNull() ? "NULL" : c.getString(); }

std::string pg_number(PGresult* r, int row, int col)
{
    return PQgetisnull(r, row, col) ? "NULL" : number(std::strtod(PQgetvalue(r, row, col), nullptr));
}
std::string pg_text(PGresult* r, int row, int col)
{
    return PQgetisnull(r, row, col) ? "NULL" : PQgetvalue(r, row, col);
}

using Rows = std::map<std::string, std::vector<std::string>>;  // table -> canonical rows

void read_store(const std::filesystem::path& path, const std::set<std::string>& excluded, Rows& rows)
{
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    // A row's identity on the server: its id in the store that first wrote it (merged rows keep it
    // in origin_id, schema 5).
    const bool merged = db.execAndGet("SELECT count(*) FROM pragma_table_info('benchmarks') WHERE name = 'origin_id'").getInt() > 0;
    auto id = [&](const std::string& alias) {
        return merged ? "coalesce(" + alias + "origin_id, " + alias + "id)" : alias + "id";
    };
    SQLite::Statement b(db, "SELECT benchmark_id, " + id("") + ", repository, branch, commit_id, commit_message, "
                            "(SELECT group_concat(key || '=' || value, ',') FROM (SELECT key, value FROM "
                            "json_each(metadata) ORDER BY key)), created_at, host, run_id, module, status, "
                            "status_reason, finished_at, (SELECT group_concat(key || '=' || value, ',') FROM (SELECT "
                            "key, value FROM json_each(host_info) ORDER BY key)) FROM benchmarks");
    while (b.executeStep()) {
        if (excluded.count(b.getColumn(0).getString())) continue;
        std::string line;
        for (int c = 0; c < 15; ++c) line += opt_text(b.getColumn(c)) + "|";
        rows["benchmarks"].push_back(line);
    }
    SQLite::Statement d(db, "SELECT b.benchmark_id, " + id("d.") + ", d.cpu_util, d.mem_megabytes, d.gpu_util, "
                            "d.gpu_mem_megabytes, d.time FROM device_measurements d JOIN benchmarks b "
                            "ON b.id = d.benchmark_ref");
    while (d.executeStep()) {
        if (excluded.count(d.getColumn(0).getString())) continue;
        std::string line = d.getColumn(0).getString() + "|" + d.getColumn(1).getString() + "|";
        for (int c = 2; c <= 5; ++c) line += opt_number(d.getColumn(c)) + "|";
        line += d.getColumn(6).getString();
        rows["device_measurements"].push_back(line);
    }
    SQLite::Statement m(db, "SELECT b.benchmark_id, " + id("m.") + ", m.measurements, m.time FROM model_measurements m "
                            "JOIN benchmarks b ON b.id = m.benchmark_ref");
    while (m.executeStep()) {
        if (excluded.count(m.getColumn(0).getString())) continue;
        rows["model_measurements"].push_back(m.getColumn(0).getString() + "|" + m.getColumn(1).getString() + "|" +
                                             canonical_json_numbers(m.getColumn(2).getString()) + "|" +
                                             m.getColumn(3).getString());
    }
}

void read_server(const std::string& conninfo, ServerRows which, Rows& rows)
{
    const std::string where = which == ServerRows::all ? "" : " WHERE local_id IS NOT NULL";
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error(std::string("oracle cannot connect: ") + PQerrorMessage(conn.get()));
    auto query = [&](const char* sql) {
        std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), sql), &PQclear);
        if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
            throw std::runtime_error(std::string("oracle query failed: ") + PQresultErrorMessage(r.get()));
        return r;
    };
    const char* ts = "'YYYY-MM-DD\"T\"HH24:MI:SS.US'";
    auto b = query((std::string("SELECT benchmark_id, local_id, repository, branch, commit_id, commit_message, "
                                "(SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM "
                                "jsonb_each_text(metadata)), to_char(created_at, ") + ts +
                    "), host, run_id, module, status, status_reason, to_char(finished_at, " + ts + "), "
                    "(SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM jsonb_each_text(host_info)) "
                    "FROM benchmarks" + where)
                       .c_str());
    for (int i = 0; i < PQntuples(b.get()); ++i) {
        std::string line;
        for (int c = 0; c < 15; ++c) line += pg_text(b.get(), i, c) + "|";
        rows["benchmarks"].push_back(line);
    }
    auto d = query((std::string("SELECT benchmark_id, local_id, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, "
                                "to_char(time, ") + ts + ") FROM device_measurements" + where)
                       .c_str());
    for (int i = 0; i < PQntuples(d.get()); ++i) {
        std::string line = pg_text(d.get(), i, 0) + "|" + pg_text(d.get(), i, 1) + "|";
        for (int c = 2; c <= 5; ++c) line += pg_number(d.get(), i, c) + "|";
        line += pg_text(d.get(), i, 6);
        rows["device_measurements"].push_back(line);
    }
    auto m = query((std::string("SELECT benchmark_id, local_id, measurements::text, to_char(time, ") + ts +
                    ") FROM model_measurements" + where)
                       .c_str());
    for (int i = 0; i < PQntuples(m.get()); ++i)
        rows["model_measurements"].push_back(pg_text(m.get(), i, 0) + "|" + pg_text(m.get(), i, 1) + "|" +
                                             canonical_json_numbers(pg_text(m.get(), i, 2)) + "|" +
                                             pg_text(m.get(), i, 3));
}

std::vector<std::string> argv_of(const std::string& program, const std::vector<std::string>& args)
{
    std::vector<std::string> all{built_program(program).string()};
    all.insert(all.end(), args.begin(), args.end());
    return all;
}

std::string read_file(const std::filesystem::path& p)
{
    std::string s;
    if (FILE* f = std::fopen(p.c_str(), "rb")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
        std::fclose(f);
    }
    return s;
}

} // namespace

std::vector<std::string> add_rows(const std::filesystem::path& path, const StoreShape& shape, unsigned seed)
{
    auto db = store::open_store(path, store::OpenMode::read_write);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> util(0.0, 100.0);
    std::vector<std::string> ids;
    auto t = now_utc() - std::chrono::hours(24) + std::chrono::microseconds(rng() % 1'000'000'000);
    store::with_write_transaction(db, [&] {
        SQLite::Statement ib(db, "INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, "
                                 "metadata, created_at, host, run_id, module, host_info) VALUES (?, 'acme/widgets', ?, ?, ?, "
                                 "?, ?, 'host-1', 'run-1', 'mock', ?)");
        SQLite::Statement id(db, "INSERT INTO device_measurements (benchmark_ref, cpu_util, mem_megabytes, gpu_util, "
                                 "gpu_mem_megabytes, time) VALUES (?, ?, ?, ?, ?, ?)");
        SQLite::Statement im(db, "INSERT INTO model_measurements (benchmark_ref, measurements, time) VALUES (?, ?, ?)");
        SQLite::Statement us(db, "UPDATE benchmarks SET status = 'completed', finished_at = ? WHERE id = ?");
        SQLite::Statement is(db, "INSERT INTO benchmark_status_changes (benchmark_ref, status, time) "
                                 "VALUES (?, 'completed', ?)");
        for (int b = 0; b < shape.benchmarks; ++b) {
            const std::string uuid = make_uuid_v7();
            ids.push_back(uuid);
            ib.bind(1, uuid);
            ib.bind(2, shape.branch);
            ib.bind(3, "c0ffee" + std::to_string(rng() % 1000000));
            ib.bind(4, "commit message \xc3\xa9 " + std::to_string(b));
            ib.bind(5, "{\"gpu_name\":\"" + shape.gpu_name + "\",\"model\":\"gpt2\"}");
            ib.bind(6, format_timestamp(t));
            // Every other benchmark without a host fingerprint, as one recorded before store version 3.
            if (b % 2 == 0) ib.bind(7, "{\"cpu_model\":\"Test CPU \\\"x\\\"\",\"logical_cores\":\"4\"}");
            else ib.bind(7);
            ib.exec();
            ib.reset();
            const auto ref = db.getLastInsertRowid();
            for (int i = 0; i < shape.device_rows; ++i) {
                t += std::chrono::microseconds(100'000 + rng() % 1000);
                id.bind(1, static_cast<int64_t>(ref));
                id.bind(2, util(rng));
                id.bind(3, 1000 + util(rng) * 10);
                if (i % 3 == 0) {
                    id.bind(4);
                    id.bind(5);
                } else {
                    id.bind(4, util(rng));
                    id.bind(5, util(rng) * 100);
                }
                id.bind(6, format_timestamp(t));
                id.exec();
                id.reset();
            }
            for (int i = 0; i < shape.model_rows; ++i) {
                t += std::chrono::microseconds(rng() % 1000);
                im.bind(1, static_cast<int64_t>(ref));
                im.bind(2, "{\"model_load_time\":" + std::to_string(util(rng) / 7) +
                               ",\"time_to_first_token_secs\":0.1,\"b\":1e-05}");
                im.bind(3, format_timestamp(t));
                im.exec();
                im.reset();
            }
            if (shape.complete) {
                us.bind(1, format_timestamp(t));
                us.bind(2, static_cast<int64_t>(ref));
                us.exec();
                us.reset();
                is.bind(1, static_cast<int64_t>(ref));
                is.bind(2, format_timestamp(t));
                is.exec();
                is.reset();
            }
        }
    });
    return ids;
}

RunResult run_sync(const std::vector<std::string>& args) { return run_program("tools/benchstore-sync", args); }

RunResult run_program(const std::string& program, const std::vector<std::string>& args)
{
    char out_name[] = "/tmp/benchstore-test-out-XXXXXX";
    char err_name[] = "/tmp/benchstore-test-err-XXXXXX";
    close(mkstemp(out_name));
    close(mkstemp(err_name));
    RunResult r;
    r.status = wait_child(
        spawn_child(argv_of(program, args), output_to(Redirect::file(out_name), Redirect::file(err_name))));
    r.out = read_file(out_name);
    r.err = read_file(err_name);
    unlink(out_name);
    unlink(err_name);
    return r;
}

int spawn_sync(const std::vector<std::string>& args, const std::filesystem::path& log)
{
    return spawn_program("tools/benchstore-sync", args, log);
}

int spawn_program(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& log)
{
    const std::filesystem::path err = log.empty() ? log : std::filesystem::path(log.string() + ".err");
    return spawn_child(argv_of(program, args),
                       output_to(Redirect::file_or_discard(log), Redirect::file_or_discard(err)));
}

std::string compare_with_server(const std::vector<std::filesystem::path>& stores, const std::string& conninfo,
                                const std::vector<std::string>& excluded_benchmarks, ServerRows server_rows)
{
    const std::set<std::string> excluded(excluded_benchmarks.begin(), excluded_benchmarks.end());
    Rows local, server;
    for (const auto& s : stores) read_store(s, excluded, local);
    read_server(conninfo, server_rows, server);
    std::ostringstream report;
    for (const char* table : {"benchmarks", "device_measurements", "model_measurements"}) {
        auto& a = local[table];
        auto& b = server[table];
        std::sort(a.begin(), a.end());
        a.erase(std::unique(a.begin(), a.end()), a.end());  // a copied file holds the same rows twice
        std::sort(b.begin(), b.end());
        if (a == b) continue;
        std::vector<std::string> missing, extra;
        std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(missing));
        std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(extra));
        report << table << ": " << a.size() << " rows in the stores, " << b.size() << " on the server, "
               << missing.size() << " missing, " << extra.size() << " extra or different";
        if (!missing.empty()) report << "; first missing: " << missing.front();
        if (!extra.empty()) report << "; first extra: " << extra.front();
        report << "\n";
    }
    report << rollup_difference(conninfo);
    return report.str();
}

std::string database_with_migrations(std::size_t migrations)
{
    auto& pg = shared_postgres();
    const auto name = pg.create_database();
    std::string sql = "CREATE TABLE benchstore_schema_version (version integer PRIMARY KEY, applied_at timestamptz "
                      "NOT NULL DEFAULT now());\n";
    for (std::size_t v = 0; v < migrations; ++v)
        sql += std::string(postgres_schema::migrations.at(v)) + ";\nINSERT INTO benchstore_schema_version VALUES (" +
               std::to_string(v + 1) + ");\n";
    pg.query(name, sql);
    return name;
}

std::string rollup_difference(const std::string& conninfo, RollupMinutes minutes)
{
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error(std::string("oracle cannot connect: ") + PQerrorMessage(conn.get()));
    std::string raw = "SELECT benchmark_id::text AS id, date_trunc('minute', \"time\") AS minute, count(*) AS samples";
    std::string rollup = "SELECT benchmark_id::text AS id, minute, samples";
    std::string differs = "r.samples <> m.samples";
    for (const char* c : {"cpu_util", "mem_megabytes", "gpu_util", "gpu_mem_megabytes"}) {
        const std::string col = c;
        raw += ", count(" + col + ") AS " + col + "_count, sum(" + col + ") AS " + col + "_sum, min(" + col + ") AS " +
               col + "_min, max(" + col + ") AS " + col + "_max";
        rollup += ", " + col + "_count, " + col + "_sum, " + col + "_min, " + col + "_max";
        for (const char* exact : {"_count", "_min", "_max"})
            differs += " OR r." + col + exact + " IS DISTINCT FROM m." + col + exact;
        differs += " OR (r." + col + "_sum IS NULL) <> (m." + col + "_sum IS NULL) OR abs(r." + col + "_sum - m." +
                   col + "_sum) > 1e-9 * greatest(abs(r." + col + "_sum), 1)";
    }
    raw += " FROM device_measurements WHERE benchmark_id IS NOT NULL GROUP BY 1, 2";
    rollup += " FROM device_measurements_minutes";
    const std::string scope = minutes == RollupMinutes::all ? "" : " WHERE r.id IS NOT NULL";
    const std::string sql =
        "WITH r AS (" + raw + "), m AS (" + rollup + "), c AS (SELECT coalesce(r.id, m.id) || ' ' || "
        "coalesce(r.minute, m.minute) || ': raw ' || coalesce(row(r.*)::text, 'none') || ', rollup ' || "
        "coalesce(row(m.*)::text, 'none') AS what, m.id IS NULL AS missing, r.id IS NULL AS extra, "
        "r.id IS NOT NULL AND m.id IS NOT NULL AND (" + differs + ") AS different "
        "FROM r FULL JOIN m ON r.id = m.id AND r.minute = m.minute" + scope + ") "
        "SELECT count(*) FILTER (WHERE missing), count(*) FILTER (WHERE extra), count(*) FILTER (WHERE different), "
        "min(what) FILTER (WHERE missing OR extra OR different), count(*) FROM c";
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), sql.c_str()), &PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK)
        return std::string("per-minute rollup: ") + PQresultErrorMessage(r.get());
    const std::string missing = PQgetvalue(r.get(), 0, 0), extra = PQgetvalue(r.get(), 0, 1),
                      different = PQgetvalue(r.get(), 0, 2);
    if (missing == "0" && extra == "0" && different == "0") return "";
    return "per-minute rollup (" + std::string(PQgetvalue(r.get(), 0, 4)) + " benchmark-minutes): " + missing +
           " missing, " + extra + " with no raw rows, " + different + " different; first: " +
           PQgetvalue(r.get(), 0, 3) + "\n";
}

std::int64_t server_count(const std::string& conninfo, const std::string& table)
{
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), ("SELECT count(*) FROM " + table).c_str()),
                                                    &PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return -1;
    return std::atoll(PQgetvalue(r.get(), 0, 0));
}

SyncOptions sync_options(const std::filesystem::path& db, const std::string& conninfo)
{
    SyncOptions o;
    o.db_path = db;
    o.conninfo = conninfo;
    return o;
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::size_t line_count(const std::string& text)
{
    std::size_t n = 0;
    for (char ch : text) n += ch == '\n';
    return n;
}

} // namespace benchstore::test
