#include "central/partitions.hpp"

#include "benchstore/error.hpp"

namespace benchstore::central {
namespace {

using sync_::PgResult;
using sync_::PgTransaction;

// Every partition of $1 with its bounds read back from the server's own text of them, in this
// session's DateStyle both ways; MINVALUE/MAXVALUE read as NULL (open).
const char* const bounds_sql =
    "SELECT c.relname AS name, b = 'DEFAULT' AS is_default, "
    "substring(b FROM $r$FROM \\('([^']*)'\\)$r$)::timestamp AS lo, "
    "substring(b FROM $r$TO \\('([^']*)'\\)$r$)::timestamp AS hi, "
    "greatest(c.reltuples, 0)::bigint AS estimated_rows, pg_total_relation_size(c.oid) AS bytes "
    "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid, LATERAL pg_get_expr(c.relpartbound, c.oid) AS b "
    "WHERE i.inhparent = to_regclass($1)";

// The weeks that get a partition: from the first Monday of 1970 to next week's Monday.
const char* const window_sql =
    "SELECT timestamp '1970-01-05', date_trunc('week', now() AT TIME ZONE 'UTC') + interval '1 week'";

const char* const stamp = "'YYYY-MM-DD HH24:MI:SS'";

// Creates parent's partition for the week starting at week (text), moving the week's rows out of the
// default partition. False when a partition already covers any of that week.
bool create_week_partition(PgConnection& conn, const std::string& parent, const std::string& base,
                           const std::string& week, std::chrono::milliseconds lock_timeout)
{
    PgTransaction tx(conn);
    conn.exec("SET LOCAL lock_timeout = " + std::to_string(lock_timeout.count()));
    lock_partitions_of(conn, parent);
    const auto overlap =
        conn.exec(std::string("SELECT count(*) AS n FROM (") + bounds_sql +
                      ") p WHERE NOT p.is_default AND coalesce(p.lo < $2::timestamp + interval '1 week', true) "
                      "AND coalesce(p.hi > $2::timestamp, true)",
                  {parent, week});
    if (overlap.integer(0, "n") > 0) return false;
    const std::string suffix =
        conn.exec("SELECT to_char($1::timestamp, 'YYYYMMDD') AS suffix", {week}).text(0, "suffix");
    const std::string name = base + "_p" + suffix;
    const std::string from = "timestamp '" + week + "'";
    const std::string to = "(timestamp '" + week + "' + interval '1 week')";
    conn.exec("CREATE TABLE " + ident(name) + " (LIKE " + ident(parent) +
              " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)");
    // A constraint that implies the partition's bounds: ATTACH then skips its scan of the table.
    conn.exec("ALTER TABLE " + ident(name) + " ADD CONSTRAINT " + ident(name + "_week") + " CHECK (\"time\" >= " +
              from + " AND \"time\" < " + to + ")");
    if (const auto fallback = default_partition_of(conn, parent); !fallback.empty()) {
        // ATTACH takes this lock too, and then checks that the default partition holds no row of
        // the week: taken first, no sync can put one there between the move and that check.
        conn.exec("LOCK TABLE " + ident(fallback) + " IN ACCESS EXCLUSIVE MODE");
        const std::string columns = copied_columns(conn, parent);
        conn.exec("WITH moved AS (DELETE FROM " + ident(fallback) + " WHERE \"time\" >= " + from + " AND \"time\" < " +
                  to + " RETURNING " + columns + ") INSERT INTO " + ident(name) + " (" + columns + ") SELECT " +
                  columns + " FROM moved");
    }
    conn.exec("ALTER TABLE " + ident(parent) + " ATTACH PARTITION " + ident(name) + " FOR VALUES FROM (" + from +
              ") TO (" + to + ")");
    conn.exec("ALTER TABLE " + ident(name) + " DROP CONSTRAINT " + ident(name + "_week"));
    tx.commit();
    return true;
}

} // namespace

const std::vector<std::string>& measurement_tables()
{
    static const std::vector<std::string> tables{"device_measurements", "model_measurements"};
    return tables;
}

std::string ident(const std::string& name)
{
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

bool is_partitioned(PgConnection& conn, const std::string& table)
{
    auto r = conn.exec("SELECT c.relkind AS kind, pg_get_partkeydef(c.oid) AS partition_key FROM pg_class c "
                       "WHERE c.oid = to_regclass($1)",
                       {table});
    if (r.rows() == 0 || r.text(0, "kind") != "p") return false;
    const std::string key = r.text(0, "partition_key");
    if (key != "RANGE (\"time\")" && key != "RANGE (time)")
        throw ServerError(table + " is partitioned by " + key + ", not by RANGE (time); benchstore leaves its "
                          "partitions alone");
    return true;
}

void lock_partitions_of(PgConnection& conn, const std::string& table)
{
    conn.exec("SELECT pg_advisory_xact_lock(hashtextextended('benchstore partitions of ' || $1, 0))", {table});
}

std::vector<Partition> partitions_of(PgConnection& conn, const std::string& parent)
{
    auto r = conn.exec(std::string("SELECT name, is_default, to_char(lo, ") + stamp + ") AS lo_text, to_char(hi, " +
                           stamp + ") AS hi_text, estimated_rows, bytes FROM (" + bounds_sql +
                           ") p ORDER BY is_default, lo NULLS FIRST",
                       {parent});
    std::vector<Partition> out;
    for (int i = 0; i < r.rows(); ++i) {
        Partition p;
        p.name = r.text(i, "name");
        p.is_default = r.text(i, "is_default") == "t";
        if (!r.is_null(i, "lo_text")) p.from = r.text(i, "lo_text");
        if (!r.is_null(i, "hi_text")) p.to = r.text(i, "hi_text");
        p.estimated_rows = r.integer(i, "estimated_rows");
        p.bytes = r.integer(i, "bytes");
        out.push_back(std::move(p));
    }
    return out;
}

std::string default_partition_of(PgConnection& conn, const std::string& parent)
{
    auto r = conn.exec(std::string("SELECT name FROM (") + bounds_sql + ") p WHERE is_default", {parent});
    return r.rows() == 0 ? std::string() : r.text(0, "name");
}

PartitionWindow partition_window(PgConnection& conn)
{
    auto r = conn.exec(std::string("SELECT to_char(f, ") + stamp + ") AS first_week, to_char(l, " + stamp +
                       ") AS last_week FROM (" + window_sql + ") w(f, l)");
    return {r.text(0, "first_week"), r.text(0, "last_week")};
}

int ensure_partitions(PgConnection& conn, const std::string& parent, const std::string& base, const std::string& from,
                      const std::string& to, std::chrono::milliseconds lock_timeout)
{
    // The weeks of from and to, and every week between when they are close enough; then those in
    // the window that no partition covers yet.
    auto weeks = conn.exec(
        std::string("WITH e AS (SELECT date_trunc('week', least($1::timestamp, $2::timestamp)) AS lo, "
                    "date_trunc('week', greatest($1::timestamp, $2::timestamp)) AS hi), "
                    "w AS (SELECT lo AS week FROM e UNION SELECT hi FROM e UNION "
                    "SELECT generate_series(lo, hi, interval '1 week') FROM e WHERE hi - lo <= interval '") +
            std::to_string(max_weeks_between * 7) + " days'), "
            "win(first_week, last_week) AS (" + window_sql + ") "
            "SELECT to_char(week, " + stamp + ") AS week_text FROM w, win "
            "WHERE week BETWEEN first_week AND last_week AND NOT EXISTS (SELECT 1 FROM (" +
            std::string(bounds_sql).replace(std::string(bounds_sql).find("$1"), 2, "$3") +
            ") p WHERE NOT p.is_default AND coalesce(p.lo < week + interval '1 week', true) "
            "AND coalesce(p.hi > week, true)) ORDER BY week",
        {from, to, parent});
    int created = 0;
    for (int i = 0; i < weeks.rows(); ++i)
        if (create_week_partition(conn, parent, base, weeks.text(i, "week_text"), lock_timeout)) ++created;
    return created;
}

int ensure_upcoming_partitions(PgConnection& conn, const std::string& parent, const std::string& base,
                               std::chrono::milliseconds lock_timeout)
{
    auto r = conn.exec("SELECT (now() AT TIME ZONE 'UTC')::text AS this_week, "
                       "(now() AT TIME ZONE 'UTC' + interval '1 week')::text AS next_week");
    return ensure_partitions(conn, parent, base, r.text(0, "this_week"), r.text(0, "next_week"), lock_timeout);
}

std::int64_t settle_default_partition(PgConnection& conn, const std::string& parent, const std::string& base,
                                      std::chrono::milliseconds lock_timeout)
{
    const std::string fallback = default_partition_of(conn, parent);
    if (fallback.empty()) return 0;
    if (conn.exec("SELECT EXISTS (SELECT 1 FROM " + ident(fallback) + ") AS has_rows").text(0, "has_rows") != "t")
        return 0;
    auto weeks = conn.exec(std::string("SELECT DISTINCT to_char(date_trunc('week', d.\"time\"), ") + stamp +
                           ") AS week_text FROM " +
                           ident(fallback) + " d, (" + window_sql + ") win(first_week, last_week) " +
                           "WHERE d.\"time\" >= first_week AND d.\"time\" < last_week + interval '1 week' ORDER BY 1");
    const auto rows_left = [&] { return conn.exec("SELECT count(*) AS n FROM " + ident(fallback)).integer(0, "n"); };
    const std::int64_t before = rows_left();
    for (int i = 0; i < weeks.rows(); ++i)
        create_week_partition(conn, parent, base, weeks.text(i, "week_text"), lock_timeout);
    return before - rows_left();
}

std::string copied_columns(PgConnection& conn, const std::string& table)
{
    return conn
        .exec("SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS columns FROM pg_attribute "
              "WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped AND attgenerated = ''",
              {table})
        .text(0, "columns");
}

} // namespace benchstore::central
