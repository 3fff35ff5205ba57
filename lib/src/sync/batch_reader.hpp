#pragma once
// One table's rows read from the store for sending, a batch at a time: each row's COPY bytes (encoded
// as its table's RowEncoder does) or the reason it is rejected, and its fingerprint. Internal to sync.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "sync/sync_tables.hpp"

namespace benchstore::sync_ {

// A device row's values as sent, what its minute in the per-minute rollup needs (device_minutes.hpp).
struct SentDeviceValues {
    std::int64_t time = 0;          // PostgreSQL binary timestamp: microseconds since 2000-01-01
    double values[4] = {};          // store::device_value_columns, in that order
    std::uint8_t present = 0;       // bit i: values[i] is not NULL
};

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
    SentDeviceValues device;  // device rows only
};

struct Batch {
    std::string data;  // COPY row bytes, no header or trailer
    std::vector<BatchRow> rows;
    std::vector<std::string> benchmark_ids;  // rows come grouped by benchmark: few distinct ids
    const std::string& benchmark_id(const BatchRow& row) const { return benchmark_ids[row.benchmark]; }
};

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
