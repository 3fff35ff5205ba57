#include "sync/brin_summary.hpp"

#include "pg/array_literal.hpp"

namespace benchstore::sync_ {
namespace {

// The table's BRIN indexes where the rows are: its own, or (a table partitioned by time,
// benchstore-central: lib/src/central/partitions.hpp) each leaf partition's. With each, the
// table's size in blocks and the index's pages_per_range.
constexpr const char* brin_indexes_sql =
    "WITH leaves AS (SELECT relid FROM pg_partition_tree($1::regclass) WHERE isleaf "
    "UNION ALL SELECT $1::regclass WHERE (SELECT relkind FROM pg_class WHERE oid = $1::regclass) <> 'p') "
    "SELECT i.indexrelid::bigint AS idx, pg_relation_size(l.relid) / current_setting('block_size')::bigint AS blocks, "
    "coalesce((SELECT option_value::bigint FROM pg_options_to_table(c.reloptions) "
    "WHERE option_name = 'pages_per_range'), 128) AS per "
    "FROM leaves l JOIN pg_index i ON i.indrelid = l.relid JOIN pg_class c ON c.oid = i.indexrelid "
    "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'brin' AND c.relkind = 'i'";

// One call per range: brin_summarize_range reads just that range's pages (a range summarised
// already costs a revmap lookup). A block of -1 asks for brin_summarize_new_values instead: one
// pass over the index's revmap that summarises every range not yet summarised, the one still
// filling too (an index this run meets for the first time: ranges an earlier run or another
// writer left; and at the end of the run).
constexpr const char* summarise_sql =
    "SELECT coalesce(sum(CASE WHEN u.block < 0 THEN brin_summarize_new_values(u.idx::oid::regclass) "
    "ELSE brin_summarize_range(u.idx::oid::regclass, u.block) END), 0) AS summarised "
    "FROM unnest($1::bigint[], $2::bigint[]) AS u(idx, block)";

} // namespace

BrinSummary::BrinSummary(std::string table, PgConnection& conn) : m_table(std::move(table)), m_conn(conn) {}

BrinSummary::~BrinSummary() = default;

void BrinSummary::after_commit(bool more_to_come)
{
    // The last batch's ranges: finish() summarises them with the rest, on this connection.
    if (!m_ranges.enabled || !more_to_come) return;
    if (!m_background) m_background = std::make_unique<pg::BackgroundSession>(m_conn.settings());
    // Ranges is used by the session's thread until finish() drains it; the job ends the session
    // when the connection fails (its exception), and finish() does the rest here.
    m_background->post([this](PgConnection& conn) { summarise(conn, m_table, m_ranges, false); });
}

void BrinSummary::finish()
{
    if (m_background) {
        m_background->drain();
        m_background.reset();
    }
    if (m_ranges.enabled) summarise(m_conn, m_table, m_ranges, true);
}

void BrinSummary::summarise(PgConnection& conn, const std::string& table, Ranges& ranges, bool filling_too)
{
    try {
        PgTransaction tx(conn);
        // Summaries can always be taken again: this commit need not wait for its WAL to reach
        // the disk (a crash can at most lose them, never the rows), which saves a flush per call.
        conn.exec("SET LOCAL lock_timeout = '100ms'");
        conn.exec("SET LOCAL synchronous_commit = off");
        const auto indexes = conn.exec(brin_indexes_sql, {table});
        pg::ArrayLiteral idx, block;
        std::map<long long, std::int64_t> next = ranges.from_block;
        for (int r = 0; r < indexes.rows(); ++r) {
            const long long oid = indexes.integer(r, "idx");
            const std::int64_t blocks = indexes.integer(r, "blocks"), per = indexes.integer(r, "per");
            const std::int64_t filling = blocks / per * per;  // first block of the range still filling
            const auto known = ranges.from_block.find(oid);
            if (known == ranges.from_block.end() || filling_too) {
                idx.add_integer(oid);
                block.add_integer(-1);
            } else {
                for (std::int64_t b = known->second; b < filling; b += per) {
                    idx.add_integer(oid);
                    block.add_integer(b);
                }
            }
            next[oid] = std::max(filling, known == ranges.from_block.end() ? std::int64_t{0} : known->second);
        }
        if (!idx.empty()) conn.exec(summarise_sql, {idx.text(), block.text()});
        tx.commit();
        ranges.from_block = std::move(next);
    } catch (const PgStatementError& e) {
        // 55P03: an index is locked (a VACUUM, another sync summarising): the next call covers
        // these ranges too. Anything else (42501: not the index's owner) ends it for this run;
        // autosummarize (schema migration 4) still covers the rows a little later.
        if (e.sqlstate() != "55P03") ranges.enabled = false;
    }
}

} // namespace benchstore::sync_
