#include "central/central_shape.hpp"

#include <set>

#include "sync/pg_schema.hpp"

namespace benchstore::central {
namespace {

std::set<std::string> columns_of(pg::PgConnection& conn, const char* table)
{
    const auto r = conn.exec("SELECT a.attname AS name FROM pg_attribute a WHERE a.attrelid = to_regclass($1) "
                             "AND a.attnum > 0 AND NOT a.attisdropped",
                             {std::string(table)});
    std::set<std::string> names;
    for (int i = 0; i < r.rows(); ++i) names.insert(r.text(i, "name"));
    return names;
}

} // namespace

std::string iso_time(const std::string& column)
{
    return "to_char(" + column + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US')";
}

CentralShape read_central_shape(pg::PgConnection& conn)
{
    CentralShape s;
    s.schema_version = sync_::server_schema_version(conn);
    if (s.schema_version > sync_::latest_server_schema_version())
        throw ServerError("server " + conn.server() + " has benchstore schema version " +
                          std::to_string(s.schema_version) + ", newer than this program knows (" +
                          std::to_string(sync_::latest_server_schema_version()) +
                          "); upgrade benchstore to read it");
    const auto have = columns_of(conn, "benchmarks");
    if (have.empty() || columns_of(conn, "device_measurements").empty() || columns_of(conn, "model_measurements").empty())
        throw ServerError("server " + conn.server() + " has no benchmarks, device_measurements and "
                          "model_measurements tables: nothing has been synced there");
    const auto type = conn.exec("SELECT format_type(a.atttypid, NULL) AS type FROM pg_attribute a WHERE a.attrelid = "
                                "to_regclass('device_measurements') AND a.attname = 'benchmark_id'");
    const std::string id_type = type.rows() == 1 ? type.text(0, "type") : "uuid";
    s.id_type = id_type == "uuid" ? "uuid" : (id_type == "integer" || id_type == "bigint") ? "bigint" : "text";

    // column, or its default where the table lacks it or the row holds NULL
    const auto text = [&](const char* column, const char* fallback) {
        const std::string literal = std::string("'") + fallback + "'";
        return have.count(column) ? "coalesce(b." + std::string(column) + "::text, " + literal + ")" : literal;
    };
    s.benchmark_id = "b.benchmark_id::text";
    s.repository = text("repository", "");
    s.branch = text("branch", "");
    s.commit_id = text("commit_id", "");
    s.commit_message = text("commit_message", "");
    s.metadata = have.count("metadata") ? "coalesce(b.metadata::jsonb, '{}'::jsonb)" : "'{}'::jsonb";
    s.created_at = have.count("created_at") ? iso_time("b.created_at") : "''";
    s.host = text("host", "");
    s.run_id = text("run_id", "");
    s.module = text("module", "");
    // The original tool recorded a benchmark once it had run: completed.
    s.status = text("status", "completed");
    s.status_reason = text("status_reason", "");
    s.finished_at = have.count("finished_at") ? "coalesce(" + iso_time("b.finished_at") + ", '')" : "''";
    s.host_info = text("host_info", "");
    // sync sends every benchmark with the local id it has in its store file
    s.from_original_tool = have.count("local_id") ? "(b.local_id IS NULL)" : "true";
    return s;
}

} // namespace benchstore::central
