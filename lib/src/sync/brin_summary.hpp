#pragma once
// Keeps a table's BRIN indexes covering the rows sync appends. A BRIN index answers only for the
// block ranges it has summarised, and PostgreSQL summarises a range only when asked (VACUUM,
// autosummarize's autovacuum work item, or a call): without this, the rows a dashboard looks at most
// (the newest) match every time range until autovacuum gets to them. Internal.
#include <cstdint>
#include <optional>
#include <string>

#include "sync/pg_connection.hpp"

namespace benchstore::sync_ {

class BrinSummary {
public:
    explicit BrinSummary(std::string table) : m_table(std::move(table)) {}

    // After a commit that appended rows: summarises the block ranges from where the last call
    // ended to the table's end (the first call: every range not yet summarised); in a table
    // partitioned by time, the new ranges of its partitions. Outside the batch's transaction, so
    // readers of the table never wait for it. It waits at most briefly for the index's lock (a
    // VACUUM holds it for minutes): the ranges left then are the next call's, or autovacuum's. A
    // server that refuses (sync's role does not own the index) ends the summarising for this run;
    // the rows are committed whatever happens here.
    void after_commit(PgConnection& conn);

private:
    std::string m_table;
    std::int64_t m_from_block = -1;  // -1: not called yet
    bool m_enabled = true;
    std::optional<bool> m_partitioned;  // known after the first call
};

} // namespace benchstore::sync_
