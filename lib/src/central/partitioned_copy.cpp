#include "central/partitioned_copy.hpp"

#include "benchstore/error.hpp"
#include "central/partitions.hpp"

namespace benchstore::central {
namespace {

// The twin's name for one of table's indexes until the swap: the name plus "_cv", cut to fit
// PostgreSQL's 63 bytes.
std::string twin_index_name(const std::string& index)
{
    const std::string suffix = "_cv";
    return index.substr(0, 63 - suffix.size()) + suffix;
}

struct IndexInfo {
    std::string name;
    bool primary = false;
    bool unique = false;
    bool plain_columns = false;  // no expressions, predicate or INCLUDE columns
    bool has_time = false;
    std::string constraint_type;  // "p", "u" or "" (an index without a constraint)
    std::string columns;          // quoted, ", "-joined
    std::string definition;       // pg_get_indexdef
};

std::vector<IndexInfo> indexes_of(PgConnection& conn, const std::string& table)
{
    auto r = conn.exec(
        "SELECT c.relname AS name, i.indisprimary AS is_primary, i.indisunique AS is_unique, "
        "i.indexprs IS NULL AND i.indpred IS NULL AND i.indnkeyatts = i.indnatts AS plain_columns, "
        "EXISTS (SELECT 1 FROM unnest(i.indkey::int2[]) k(n) JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = k.n WHERE a.attname = 'time') AS has_time, "
        "coalesce(con.contype::text, '') AS constraint_type, "
        "(SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.o) FROM unnest(i.indkey::int2[]) "
        "WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n) AS columns, "
        "pg_get_indexdef(i.indexrelid) AS definition "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid "
        "WHERE i.indrelid = to_regclass($1) ORDER BY c.relname",
        {table});
    std::vector<IndexInfo> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, "name"), r.text(i, "is_primary") == "t", r.text(i, "is_unique") == "t",
                       r.text(i, "plain_columns") == "t", r.text(i, "has_time") == "t", r.text(i, "constraint_type"),
                       r.is_null(i, "columns") ? "" : r.text(i, "columns"), r.text(i, "definition")});
    return out;
}

void copy_index(PgConnection& conn, const IndexInfo& index, const std::string& twin)
{
    const std::string name = ident(twin_index_name(index.name));
    if (index.unique) {
        const std::string columns = index.columns + (index.has_time ? "" : ", \"time\"");
        if (index.constraint_type == "p" || index.constraint_type == "u")
            conn.exec("ALTER TABLE " + ident(twin) + " ADD CONSTRAINT " + name +
                      (index.constraint_type == "p" ? " PRIMARY KEY (" : " UNIQUE (") + columns + ")");
        else
            conn.exec("CREATE UNIQUE INDEX " + name + " ON " + ident(twin) + " (" + columns + ")");
        return;
    }
    // "CREATE INDEX name ON public.table USING method (...) [WITH (...)] [TABLESPACE ...] [WHERE ...]"
    const auto using_at = index.definition.find(" USING ");
    if (using_at == std::string::npos) throw ServerError("cannot read the definition of index " + index.name);
    conn.exec("CREATE INDEX " + name + " ON " + ident(twin) + index.definition.substr(using_at));
}

// benchstore's own triggers that the swap puts on the twin: the per-minute rollup of device rows
// (schema/postgres/006_device_minutes.sql). Not on the twin before the swap: the rows copied into it
// were counted when they went into the table.
const char* const carried_triggers = "{benchstore_device_minutes}";

// CREATE TRIGGER statements for table's carried triggers, naming the table (so they apply to
// whichever table has that name when they run).
std::vector<std::string> carried_trigger_definitions(PgConnection& conn, const std::string& table)
{
    auto r = conn.exec("SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger WHERE tgrelid = to_regclass($1) "
                       "AND tgname = ANY ($2::text[]) ORDER BY tgname",
                       {table, carried_triggers});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, "definition"));
    return out;
}

} // namespace

std::vector<std::string> conversion_obstacles(PgConnection& conn, const std::string& table)
{
    std::vector<std::string> out;
    auto time = conn.exec("SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute "
                          "WHERE attrelid = to_regclass($1) "
                          "AND attname = 'time' AND NOT attisdropped",
                          {table});
    if (time.rows() == 0 || time.text(0, "type") != "timestamp without time zone")
        out.push_back(table + " has no \"time\" column of type timestamp without time zone");
    auto seq = conn.exec("SELECT s.cache_size AS cache_size FROM pg_sequences s "
                         "WHERE format('%I.%I', s.schemaname, s.sequencename)::regclass = "
                         "pg_get_serial_sequence($1, 'measurement_id')::regclass",
                         {table});
    if (seq.rows() == 0)
        out.push_back(table + ".measurement_id is not filled from a sequence of its own (serial)");
    else if (seq.integer(0, "cache_size") != 1)
        out.push_back("the sequence of " + table + ".measurement_id caches " + seq.text(0, "cache_size") +
                      " values per session; the conversion needs CACHE 1 (ALTER SEQUENCE ... CACHE 1)");
    auto views = conn.exec("SELECT DISTINCT v.oid::regclass::text AS view "
                           "FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
                           "JOIN pg_class v ON v.oid = r.ev_class WHERE d.refobjid = to_regclass($1) "
                           "AND v.oid <> d.refobjid ORDER BY 1",
                           {table});
    for (int i = 0; i < views.rows(); ++i)
        out.push_back("view " + views.text(i, "view") + " refers to " + table + " (drop it, convert, create it again)");
    auto references = conn.exec("SELECT conname AS name, conrelid::regclass::text AS referring_table "
                                "FROM pg_constraint WHERE contype = 'f' "
                                "AND confrelid = to_regclass($1) ORDER BY 1",
                                {table});
    for (int i = 0; i < references.rows(); ++i)
        out.push_back("foreign key " + references.text(i, "name") + " of " + references.text(i, "referring_table") +
                      " refers to " + table);
    auto triggers = conn.exec("SELECT tgname AS name FROM pg_trigger "
                              "WHERE tgrelid = to_regclass($1) AND NOT tgisinternal "
                              "AND tgname NOT LIKE 'benchstore_convert_%' AND tgname <> ALL ($2::text[]) ORDER BY 1",
                              {table, carried_triggers});
    for (int i = 0; i < triggers.rows(); ++i)
        out.push_back(table + " has trigger " + triggers.text(i, "name") +
                      ", which the conversion would not carry over");
    for (const auto& index : indexes_of(conn, table))
        if (index.unique && !index.plain_columns)
            out.push_back("unique index " + index.name + " of " + table +
                          " has expressions, a predicate or INCLUDE columns; the conversion cannot add \"time\" to it");
    return out;
}

void create_partitioned_twin(PgConnection& conn, const std::string& table, const std::string& twin)
{
    conn.exec("CREATE TABLE " + ident(twin) + " (LIKE " + ident(table) +
              " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) "
              "PARTITION BY RANGE (\"time\")");
    conn.exec("CREATE TABLE " + ident(table + "_default") + " PARTITION OF " + ident(twin) + " DEFAULT");
    for (const auto& index : indexes_of(conn, table)) copy_index(conn, index, twin);
    auto foreign = conn.exec("SELECT conname AS name, pg_get_constraintdef(oid) AS definition "
                             "FROM pg_constraint WHERE contype = 'f' "
                             "AND conrelid = to_regclass($1) ORDER BY conname",
                             {table});
    for (int i = 0; i < foreign.rows(); ++i)
        conn.exec("ALTER TABLE " + ident(twin) + " ADD CONSTRAINT " + ident(foreign.text(i, "name")) + " " +
                  foreign.text(i, "definition"));
}

void swap_in_twin(PgConnection& conn, const std::string& table, const std::string& twin)
{
    const auto owner_of = [&](const std::string& name) {
        return conn.exec("SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = to_regclass($1)", {name})
            .text(0, "owner");
    };
    const std::string owner = owner_of(table);
    if (owner != owner_of(twin)) conn.exec("ALTER TABLE " + ident(twin) + " OWNER TO " + ident(owner));
    // Grants: the dashboards' read-only role must still read the table.
    auto grants = conn.exec("SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) "
                            "END AS grantee, a.privilege_type AS privilege, a.is_grantable AS grantable "
                            "FROM pg_class c, aclexplode(c.relacl) a "
                            "WHERE c.oid = to_regclass($1) AND a.grantee <> c.relowner",
                            {table});
    for (int i = 0; i < grants.rows(); ++i)
        conn.exec("GRANT " + grants.text(i, "privilege") + " ON " + ident(twin) + " TO " +
                  grants.text(i, "grantee") +
                  (grants.text(i, "grantable") == "t" ? " WITH GRANT OPTION" : ""));
    // A serial column's sequence belongs to the table: dropping the table would drop it too.
    auto sequences = conn.exec("SELECT pg_get_serial_sequence($1, attname) AS sequence, "
                               "quote_ident(attname) AS column FROM pg_attribute "
                               "WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped "
                               "AND pg_get_serial_sequence($1, attname) IS NOT NULL",
                               {table});
    for (int i = 0; i < sequences.rows(); ++i)
        conn.exec("ALTER SEQUENCE " + sequences.text(i, "sequence") + " OWNED BY " + ident(twin) + "." +
                  sequences.text(i, "column"));
    const auto indexes = indexes_of(conn, table);
    const auto triggers = carried_trigger_definitions(conn, table);
    conn.exec("DROP TABLE " + ident(table));
    conn.exec("ALTER TABLE " + ident(twin) + " RENAME TO " + ident(table));
    for (const auto& index : indexes)
        conn.exec("ALTER INDEX " + ident(twin_index_name(index.name)) + " RENAME TO " + ident(index.name));
    for (const auto& trigger : triggers) conn.exec(trigger);
}

void partition_new_tables(PgConnection& conn)
{
    for (const auto& table : measurement_tables()) {
        const std::string twin = table + "_converting";
        create_partitioned_twin(conn, table, twin);
        swap_in_twin(conn, table, twin);
    }
}

} // namespace benchstore::central
