#include "sync/pg_adopt.hpp"

#include <map>
#include <optional>
#include <stdexcept>

#include "benchstore/error.hpp"
#include "benchstore/postgres_migrations.hpp"

namespace benchstore::sync_ {
namespace {

enum class Kind { id, text, jsonb, float8, timestamp, integer, bigint, uuid, timestamptz };

struct Column {
    std::string type;  // pg_type.typname
    int typmod = -1;
    bool not_null = false;
    bool has_default = false;  // a default, an identity or a generated column
    bool generated = false;
    std::string shown;  // format_type(): "character varying(36)"
};

struct Table {
    std::string name;
    std::map<std::string, Column> columns;
};

// A column benchstore writes: required (add_type == nullptr: Hugging Face's own column, which must
// be there) or added when missing with add_type, and then given new_rows_default, which only rows
// inserted later take (a default in ADD COLUMN would fill the existing rows too).
struct Rule {
    const char* column;
    Kind kind;
    const char* add_type;
    const char* new_rows_default = nullptr;
};

const char* kind_name(Kind kind)
{
    switch (kind) {
    case Kind::id: return "uuid or text of at least 36 characters";
    case Kind::text: return "text or varchar";
    case Kind::jsonb: return "jsonb";
    case Kind::float8: return "double precision";
    case Kind::timestamp: return "timestamp without time zone";
    case Kind::integer: return "integer or bigint";
    case Kind::bigint: return "bigint";
    case Kind::uuid: return "uuid";
    case Kind::timestamptz: return "timestamp with time zone";
    }
    return "";
}

bool accepts(Kind kind, const Column& c)
{
    const bool text_like = c.type == "text" || c.type == "varchar";
    switch (kind) {
    case Kind::id: return c.type == "uuid" || c.type == "text" || (c.type == "varchar" && (c.typmod < 0 || c.typmod - 4 >= 36));
    case Kind::text: return text_like;
    case Kind::jsonb: return c.type == "jsonb";
    case Kind::float8: return c.type == "float8";
    case Kind::timestamp: return c.type == "timestamp";
    case Kind::integer: return c.type == "int4" || c.type == "int8";
    case Kind::bigint: return c.type == "int8";
    case Kind::uuid: return c.type == "uuid";
    case Kind::timestamptz: return c.type == "timestamptz";
    }
    return false;
}

const std::vector<Rule>& rules_for(const std::string& table)
{
    static const std::map<std::string, std::vector<Rule>> rules{
        {"benchmarks",
         {{"benchmark_id", Kind::id, nullptr}, {"repository", Kind::text, nullptr}, {"branch", Kind::text, nullptr},
          {"commit_id", Kind::text, nullptr}, {"commit_message", Kind::text, nullptr}, {"metadata", Kind::jsonb, nullptr},
          {"created_at", Kind::timestamp, nullptr}, {"host", Kind::text, "text"}, {"run_id", Kind::text, "text"},
          {"module", Kind::text, "text"},
          {"status", Kind::text, "text CHECK (status IN ('running', 'completed', 'failed'))"},
          {"status_reason", Kind::text, "text"}, {"finished_at", Kind::timestamp, "timestamp without time zone"},
          {"status_seq", Kind::bigint, "bigint"}, {"source_id", Kind::uuid, "uuid"}, {"local_id", Kind::bigint, "bigint"},
          {"received_at", Kind::timestamptz, "timestamptz", "now()"}}},
        {"device_measurements",
         {{"measurement_id", Kind::integer, nullptr}, {"benchmark_id", Kind::id, nullptr},
          {"cpu_util", Kind::float8, nullptr}, {"mem_megabytes", Kind::float8, nullptr},
          {"gpu_util", Kind::float8, nullptr}, {"gpu_mem_megabytes", Kind::float8, nullptr},
          {"time", Kind::timestamp, nullptr}, {"local_id", Kind::bigint, "bigint"}}},
        {"model_measurements",
         {{"measurement_id", Kind::integer, nullptr}, {"benchmark_id", Kind::id, nullptr},
          {"measurements", Kind::jsonb, nullptr}, {"time", Kind::timestamp, nullptr},
          {"local_id", Kind::bigint, "bigint"}}},
    };
    return rules.at(table);
}

[[noreturn]] void refuse(const PgConnection& conn, const std::string& what)
{
    throw ServerError("cannot adopt the existing database at " + conn.server() + ": " + what +
                      "; nothing was changed");
}

Table read_table(PgConnection& conn, const std::string& name)
{
    auto kind = conn.exec("SELECT relkind FROM pg_class WHERE oid = to_regclass($1)", {name});
    if (kind.rows() == 0) refuse(conn, "table " + name + " is missing");
    if (kind.text(0, "relkind") != "r") refuse(conn, name + " is not an ordinary table");
    auto r = conn.exec("SELECT a.attname AS name, t.typname AS type, a.atttypmod AS type_modifier, "
                       "a.attnotnull AS not_null, "
                       "a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '' AS has_default, "
                       "a.attgenerated <> '' AS generated, format_type(a.atttypid, a.atttypmod) AS declared "
                       "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                       "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
                       {name});
    Table table{name, {}};
    for (int i = 0; i < r.rows(); ++i)
        table.columns[r.text(i, "name")] =
            Column{r.text(i, "type"), static_cast<int>(r.integer(i, "type_modifier")), r.text(i, "not_null") == "t",
                   r.text(i, "has_default") == "t", r.text(i, "generated") == "t", r.text(i, "declared")};
    return table;
}

// ON CONFLICT (benchmark_id) needs a unique index on exactly that column.
bool has_unique_benchmark_id(PgConnection& conn)
{
    return conn.exec("SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                     "AND a.attnum = i.indkey[0] WHERE i.indrelid = to_regclass('benchmarks') AND i.indisunique "
                     "AND i.indnkeyatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL "
                     "AND a.attname = 'benchmark_id') AS found")
               .text(0, "found") == "t";
}

void check_columns(const PgConnection& conn, const Table& table, std::vector<AdoptionStep>& steps)
{
    const auto& rules = rules_for(table.name);
    for (const auto& rule : rules) {
        const auto it = table.columns.find(rule.column);
        const std::string qualified = table.name + "." + rule.column;
        if (it == table.columns.end()) {
            if (rule.add_type == nullptr) refuse(conn, "column " + qualified + " is missing");
            std::string sql = "ALTER TABLE " + table.name + " ADD COLUMN " + rule.column + " " + rule.add_type;
            std::string description = "add column " + qualified + " " + rule.add_type + " (NULL in existing rows";
            if (rule.new_rows_default != nullptr) {
                sql += "; ALTER TABLE " + table.name + " ALTER COLUMN " + rule.column + " SET DEFAULT " +
                       rule.new_rows_default;
                description += std::string(", ") + rule.new_rows_default + " for new ones";
            }
            steps.push_back({description + ")", sql});
            continue;
        }
        if (!accepts(rule.kind, it->second))
            refuse(conn, qualified + " is " + it->second.shown + "; benchstore needs " + kind_name(rule.kind));
    }
    for (const auto& [name, column] : table.columns) {
        bool known = name == "gpu_name";
        for (const auto& rule : rules) known = known || name == rule.column;
        if (column.not_null && !column.has_default && !known)
            refuse(conn, table.name + "." + name + " is NOT NULL without a default, and benchstore has no value for it");
    }
    if (table.name != "benchmarks") {
        const auto& id = table.columns.at("measurement_id");
        if (!id.has_default)
            refuse(conn, table.name + ".measurement_id has no default (serial or identity); benchstore does not "
                         "choose measurement ids");
    }
}

// The dashboard reads gpu_name; benchstore keeps it derived from metadata.
void plan_gpu_name(const PgConnection& conn, const Table& benchmarks, std::vector<AdoptionStep>& steps)
{
    const auto it = benchmarks.columns.find("gpu_name");
    if (it == benchmarks.columns.end()) {
        steps.push_back({"add column benchmarks.gpu_name generated from metadata ->> 'gpu_name' (filled in existing "
                         "rows from their metadata)",
                         "ALTER TABLE benchmarks ADD COLUMN gpu_name text GENERATED ALWAYS AS "
                         "(metadata ->> 'gpu_name') STORED"});
        return;
    }
    if (it->second.generated) return;
    if (!accepts(Kind::text, it->second))
        refuse(conn, "benchmarks.gpu_name is " + it->second.shown + "; benchstore needs text or varchar");
    // A plain column (older Hugging Face schemas): fill it on insert for benchstore's rows, which
    // carry the GPU in metadata; existing rows keep theirs.
    steps.push_back({"add trigger benchstore_gpu_name: new benchmarks rows without gpu_name take metadata ->> "
                     "'gpu_name'",
                     "CREATE FUNCTION benchstore_fill_gpu_name() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                     "IF NEW.gpu_name IS NULL THEN NEW.gpu_name := NEW.metadata ->> 'gpu_name'; END IF; "
                     "RETURN NEW; END $$; "
                     "CREATE TRIGGER benchstore_gpu_name BEFORE INSERT ON benchmarks FOR EACH ROW "
                     "EXECUTE FUNCTION benchstore_fill_gpu_name()"});
}

IdColumn id_column_of(const Column& c) { return c.type == "uuid" ? IdColumn::uuid : IdColumn::text; }

// sync_state and sync_rejects exactly as migration 1 creates them: its statements are split at
// ";\n" (migration files never change once released, and none of its statements holds one).
std::vector<AdoptionStep> bookkeeping_tables()
{
    const std::string sql(postgres_schema::migrations[0]);
    std::vector<AdoptionStep> steps;
    std::size_t begin = 0;
    while (begin < sql.size()) {
        std::size_t end = sql.find(";\n", begin);
        if (end == std::string::npos) end = sql.size();
        std::string statement = sql.substr(begin, end - begin);
        begin = end + 2;
        // Drop the blank and comment lines in front of the statement.
        while (statement.starts_with("\n") || statement.starts_with("--")) {
            const auto eol = statement.find('\n');
            statement.erase(0, eol == std::string::npos ? statement.size() : eol + 1);
        }
        if (!statement.starts_with("CREATE TABLE sync_")) continue;
        const std::string table = statement.substr(13, statement.find(' ', 13) - 13);
        steps.push_back({"create table " + table, statement});
    }
    if (steps.size() != 2) throw std::logic_error("migration 1 no longer holds sync_state and sync_rejects");
    return steps;
}

} // namespace

bool has_existing_tables(PgConnection& conn)
{
    return conn.exec("SELECT to_regclass('benchmarks') IS NOT NULL OR to_regclass('device_measurements') IS NOT NULL "
                     "OR to_regclass('model_measurements') IS NOT NULL AS found")
               .text(0, "found") == "t";
}

std::vector<AdoptionStep> plan_adoption(PgConnection& conn)
{
    std::vector<AdoptionStep> steps;
    std::optional<IdColumn> ids;
    std::string ids_shown;
    for (const char* name : {"benchmarks", "device_measurements", "model_measurements"}) {
        const auto table = read_table(conn, name);
        check_columns(conn, table, steps);
        const auto& id = table.columns.at("benchmark_id");
        if (!ids) {
            ids = id_column_of(id);
            ids_shown = id.shown;
        } else if (*ids != id_column_of(id)) {
            refuse(conn, table.name + ".benchmark_id is " + id.shown + " but benchmarks.benchmark_id is " + ids_shown);
        }
        if (table.name == "benchmarks") {
            if (!has_unique_benchmark_id(conn))
                refuse(conn, "benchmarks.benchmark_id has no primary key or unique index of its own");
            plan_gpu_name(conn, table, steps);
        } else {
            // The key that makes replays idempotent. It also serves the dashboard's joins on
            // benchmark_id. Existing rows have NULL local_id, which never conflicts.
            steps.push_back({"add unique index " + table.name + "_benchstore_key on " + table.name +
                                 " (benchmark_id, local_id)",
                             "CREATE UNIQUE INDEX " + table.name + "_benchstore_key ON " + table.name +
                                 " (benchmark_id, local_id)"});
        }
    }
    for (auto& step : bookkeeping_tables()) steps.push_back(std::move(step));
    if (const auto latest = postgres_schema::migrations.size(); latest >= 2)
        steps.push_back({"then apply benchstore schema migrations 2 to " + std::to_string(latest), ""});
    return steps;
}

IdColumn benchmark_id_column(PgConnection& conn)
{
    auto r = conn.exec("SELECT t.typname AS type FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                       "WHERE a.attrelid = to_regclass('benchmarks') AND a.attname = 'benchmark_id'");
    return r.rows() == 1 && r.text(0, "type") != "uuid" ? IdColumn::text : IdColumn::uuid;
}

std::string stage_ddl(const TableSpec& spec, IdColumn id_column)
{
    if (id_column == IdColumn::uuid) return spec.stage_ddl;
    std::string ddl = spec.stage_ddl;
    const std::string first = "(benchmark_id uuid, ";
    const std::string tail = ") ON COMMIT DELETE ROWS";
    const auto at = ddl.find(first);
    const auto end = ddl.rfind(tail);
    if (at == std::string::npos || end == std::string::npos)
        throw std::logic_error("unexpected staging table definition: " + ddl);
    ddl.insert(end, ", benchmark_id text GENERATED ALWAYS AS (copied_benchmark_id::text) STORED");
    ddl.replace(at, first.size(), "(copied_benchmark_id uuid, ");
    return ddl;
}

} // namespace benchstore::sync_
