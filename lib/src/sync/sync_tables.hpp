#pragma once
// The four tables sync replays, each described once: how its rows are read from the store (in
// local id order, by id range), encoded for binary COPY into a session staging table, applied to
// the real table idempotently, and checked against rows the server already holds. Internal.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "store/query.hpp"

namespace benchstore::sync_ {

// One store row read for sending. Rows the client itself cannot encode (a malformed timestamp or
// benchmark id) carry a reject reason and no COPY bytes.
struct BatchRow {
    std::int64_t id = 0;
    std::uint32_t benchmark = 0;  // index into Batch::benchmark_ids
    std::int64_t fingerprint = 0;
    std::size_t offset = 0;  // of its COPY bytes in Batch::data
    std::size_t length = 0;
    std::string reject;  // not sent, for this reason (a held row's too)
    bool held = false;   // not sent because its benchmark is not on the server: sent once it is
};

struct Batch {
    std::string data;  // COPY row bytes, no header or trailer
    std::vector<BatchRow> rows;
    std::vector<std::string> benchmark_ids;  // rows come grouped by benchmark: few distinct ids
    const std::string& benchmark_id(const BatchRow& row) const { return benchmark_ids[row.benchmark]; }
};

// Which rows of a store one sync pass sends, under which source id: the rows the store wrote itself,
// or those it merged from one other store (schema version 5: origins, origin, origin_id). A merged row
// goes under its origin's source id with its id there as its local id, so it is the same row on the
// server whichever store sends it.
struct StoreView {
    std::string source_id;
    std::optional<std::int64_t> origin;  // origins.id; empty = the store's own rows
    bool has_origins = false;            // the store has the origin columns
};

// Encodes the rows of one batch's query: resolves the columns it reads by name once, then each row.
class RowEncoder {
public:
    virtual ~RowEncoder() = default;
    // Sets r's fingerprint, and appends the row's COPY bytes to out or sets r.reject.
    virtual void encode(const store::Query& row, const std::string& benchmark_id, std::string& out,
                        BatchRow& r) const = 0;
};

struct TableSpec {
    std::string name;          // the store table, also the key in sync_state
    std::string id_column;     // the rows' local id as the server knows it: id, or origin_id for merged rows
    std::string view_filter;   // the view's rows ("origin IS NULL", "origin = 3"); empty = every row
    std::string select_sql;    // three parameters: id after, id up to, limit
    std::string stage_ddl;     // CREATE TEMP TABLE ... ON COMMIT DELETE ROWS
    std::string copy_sql;      // COPY stage FROM STDIN (FORMAT binary)
    std::string insert_sql;    // $1 = source id; plain INSERT ... SELECT (fails on a duplicate key); empty: none
    std::string apply_sql;     // $1 = source id; idempotent (ON CONFLICT DO NOTHING); affected = rows applied
    std::string conflict_sql;  // first staged row that differs from the server's row; empty: none
    std::string present_sql;   // count of staged rows the server holds, identical (an older copy's check)
    // true: SyncTableResult::sent counts the rows delivered (the apply statement's count means
    // something else, as for status changes); false: sent = rows inserted, skipped = the rest.
    bool counts_staged_as_sent = false;
    std::unique_ptr<RowEncoder> (*encoder)(const store::Query& select) = nullptr;  // for a query of select_sql
    // Measurement tables only (empty otherwise): the server table the rows go into, and a COPY
    // straight into it taking the staging table's column order. A batch whose keys the server
    // provably lacks goes this way: the server writes each row once instead of twice.
    std::string target = {};
    std::string direct_copy_sql = {};
};

// In the order they must be sent (benchmarks before the rows that refer to them), for the view.
std::vector<TableSpec> table_specs(const StoreView& view);

// The store's own rows under own_source_id, then one view per store it merged. Throws SQLite::Exception.
std::vector<StoreView> store_views(SQLite::Database& db, const std::string& own_source_id);

// Reads up to limit rows with after < id <= up_to, in id order, in one read transaction.
Batch read_batch(SQLite::Database& db, const TableSpec& spec, std::int64_t after, std::int64_t up_to,
                 std::int64_t limit);

// The fingerprint of the row with this id, nullopt when the file has no such row.
std::optional<std::int64_t> read_fingerprint(SQLite::Database& db, const TableSpec& spec, std::int64_t id);

// Highest id of the view's rows in the table now (0 when none): read for every view in one snapshot,
// what "committed when the sync started" means.
std::int64_t max_id(SQLite::Database& db, const TableSpec& spec);

// Rows with after < id <= up_to.
std::int64_t count_rows(SQLite::Database& db, const TableSpec& spec, std::int64_t after, std::int64_t up_to);

} // namespace benchstore::sync_
