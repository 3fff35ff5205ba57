#include "sync/brin_summary.hpp"

namespace benchstore::sync_ {
namespace {

// One round trip: the table's size in blocks, and each of its BRIN indexes summarised from the
// range holding block $2 to the end (brin_summarize_range: one range per call, so only the
// appended ranges are read; a range summarised already costs a revmap lookup). $2 < 0 (a run's
// first call): brin_summarize_new_values, one pass over the revmap, which also picks up ranges an
// earlier run left. A range summarised while rows still fill it stays covered: each insert into
// a summarised range widens its summary.
constexpr const char* summarize_sql =
    "WITH size AS (SELECT pg_relation_size($1::regclass) / current_setting('block_size')::bigint AS blocks), "
    "brin AS (SELECT i.indexrelid::regclass AS idx, coalesce((SELECT option_value::bigint FROM "
    "pg_options_to_table(c.reloptions) WHERE option_name = 'pages_per_range'), 128) AS per "
    "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
    "WHERE i.indrelid = $1::regclass AND a.amname = 'brin' AND c.relkind = 'i') "
    "SELECT (SELECT blocks FROM size) AS blocks, (SELECT coalesce(sum(CASE WHEN $2::bigint < 0 THEN "
    "brin_summarize_new_values(brin.idx) ELSE (SELECT coalesce(sum(brin_summarize_range(brin.idx, b)), 0) "
    "FROM generate_series($2::bigint / brin.per * brin.per, size.blocks - 1, brin.per) b) END), 0) "
    "FROM brin, size) AS summarised";

// A table partitioned by time (benchstore-central, lib/src/central/partitions.hpp) has no storage of
// its own: its partitions hold the rows and the BRIN indexes that answer. The rows of a batch land
// in one or two weekly partitions (or the default one); brin_summarize_new_values on each leaf's
// BRIN index reads only that index's revmap (a page or two per week) and summarises just the
// ranges that are new, so asking every leaf costs little and needs no bookkeeping per partition.
constexpr const char* summarize_partitions_sql =
    "SELECT coalesce(sum(brin_summarize_new_values(i.indexrelid::regclass)), 0) AS summarised "
    "FROM pg_partition_tree($1::regclass) t JOIN pg_index i ON i.indrelid = t.relid "
    "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
    "WHERE t.isleaf AND a.amname = 'brin' AND c.relkind = 'i'";

} // namespace

void BrinSummary::after_commit(PgConnection& conn)
{
    if (!m_enabled) return;
    try {
        PgTransaction tx(conn);
        // Summaries can always be taken again: this commit need not wait for its WAL to reach
        // the disk (a crash can at most lose them, never the rows), which saves a flush per batch.
        conn.exec("SET LOCAL lock_timeout = '100ms'");
        conn.exec("SET LOCAL synchronous_commit = off");
        if (!m_partitioned)
            m_partitioned = conn.exec("SELECT relkind = 'p' AS partitioned FROM pg_class WHERE oid = $1::regclass",
                                      {m_table})
                                .text(0, "partitioned") == "t";
        if (*m_partitioned) {
            conn.exec(summarize_partitions_sql, {m_table});
            tx.commit();
            return;
        }
        auto r = conn.exec(summarize_sql, {m_table, std::to_string(m_from_block)});
        tx.commit();
        m_from_block = r.integer(0, "blocks");
    } catch (const PgStatementError& e) {
        // 55P03: the index is locked (a VACUUM, another sync summarising): the next call covers
        // these ranges too. Anything else (42501: not the index's owner) ends it for this run;
        // autosummarize (schema migration 4) still covers the rows a little later.
        if (e.sqlstate() != "55P03") m_enabled = false;
    }
}

} // namespace benchstore::sync_
