#pragma once
// The four tables sync replays, each described once: which store rows it reads (store/replay_rows.hpp,
// by local id range; encoded by sync/row_encoders.hpp, a batch at a time by sync/batch_reader.hpp), the
// session staging table they are copied into (binary COPY), and the PostgreSQL statements that apply
// them to the real table idempotently and check them against rows the server already holds. Internal.
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "store/replay_rows.hpp"

namespace benchstore::sync_ {

// Which rows of a store one sync pass sends, under which source id: the rows the store wrote itself,
// or those it merged from one other store (schema version 5: origins, origin, origin_id). A merged row
// goes under its origin's source id with its id there as its local id, so it is the same row on the
// server whichever store sends it.
struct StoreView {
    std::string source_id;
    store::RowView rows;  // rows.origin: origins.id; empty = the store's own rows
};

struct TableSpec {
    std::string name;          // the store table, also the key in sync_state
    store::ReplayTable table = store::ReplayTable::benchmarks;  // its rows read from the store
    store::RowView rows;       // which of them: the view's
    std::string stage_ddl;     // CREATE TEMP TABLE ... ON COMMIT DELETE ROWS
    std::string copy_sql;      // COPY stage FROM STDIN (FORMAT binary)
    std::string insert_sql;    // $1 = source id; plain INSERT ... SELECT (fails on a duplicate key); empty: none
    std::string apply_sql;     // $1 = source id; idempotent (ON CONFLICT DO NOTHING); affected = rows applied
    std::string conflict_sql;  // first staged row that differs from the server's row; empty: none
    std::string present_sql;   // count of staged rows the server holds, identical (an older copy's check)
    // true: SyncTableResult::sent counts the rows delivered (the apply statement's count means
    // something else, as for status changes); false: sent = rows inserted, skipped = the rest.
    bool counts_staged_as_sent = false;
    // Measurement tables only (empty otherwise): the server table the rows go into, and a COPY
    // straight into it taking the staging table's column order. A batch whose keys the server
    // provably lacks goes this way: the server writes each row once instead of twice.
    std::string target = {};
    std::string direct_copy_sql = {};
    // Device rows: sync adds the rows it inserts to their minutes itself (sync/device_minutes.hpp),
    // and insert_sql and apply_sql return the rows they inserted in the column "inserted".
    bool adds_minutes = false;
};

// In the order they must be sent (benchmarks before the rows that refer to them), for the view.
std::vector<TableSpec> table_specs(const StoreView& view);

// The store's own rows under own_source_id, then one view per store it merged. Throws SQLite::Exception.
std::vector<StoreView> store_views(SQLite::Database& db, const std::string& own_source_id);

} // namespace benchstore::sync_
