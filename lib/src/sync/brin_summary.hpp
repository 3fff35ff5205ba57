#pragma once
// Keeps a table's BRIN indexes covering the rows sync appends. A BRIN index answers only for the
// block ranges it has summarised, and PostgreSQL summarises a range only when asked (VACUUM,
// autosummarize's autovacuum work item, or a call): without this, the rows a dashboard looks at most
// (the newest) match every time range until autovacuum gets to them. Internal.
//
// While a table's rows arrive in several batches, each commit's whole new block ranges are
// summarised on a second session (pg::BackgroundSession), while the next batch loads: the
// summarising scan (reading the new pages once more) then costs the load no time where a second
// core is free. The range still filling is left until the end, because every row that lands in a
// summarised range updates its summary. finish() waits for that session and summarises what is
// left, the filling range too, on the main connection (all of it when the table had a single
// batch, or no second session could be opened), so when sync returns every row it sent is covered.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "pg/background_session.hpp"
#include "sync/pg_connection.hpp"

namespace benchstore::sync_ {

class BrinSummary {
public:
    BrinSummary(std::string table, PgConnection& conn);
    ~BrinSummary();

    // After a commit that appended rows. more_to_come: further batches follow in this run (the
    // summarising moves to the second session); otherwise finish() does it all at once.
    void after_commit(bool more_to_come);

    // At the end of the table's run: waits for the second session and summarises every range not
    // yet summarised, the filling one too. Outside any transaction of the caller's, so readers of
    // the table never wait for it; it waits at most briefly for an index's lock (a VACUUM holds it
    // for minutes): ranges left then are the next run's, or autovacuum's. A server that refuses
    // (sync's role does not own the index) ends the summarising for this run. The rows are
    // committed whatever happens here: it throws only ConnectionError, when the main connection
    // is lost (as sync's next statement would).
    void finish();

private:
    // The state the summarising keeps between calls: where each leaf BRIN index's unsummarised
    // ranges start. Used by one session at a time (the background one until finish() drains it).
    struct Ranges {
        std::map<long long, std::int64_t> from_block;  // index oid -> first block of its filling range
        bool enabled = true;
    };
    static void summarise(PgConnection& conn, const std::string& table, Ranges& ranges, bool filling_too);

    std::string m_table;
    PgConnection& m_conn;
    Ranges m_ranges;
    std::unique_ptr<pg::BackgroundSession> m_background;
};

} // namespace benchstore::sync_
