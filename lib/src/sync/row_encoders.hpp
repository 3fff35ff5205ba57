#pragma once
// How each replayed table's store rows become binary COPY rows for its staging table, with the
// fingerprint the server keeps to tell the same row sent again. Internal to sync.
#include <memory>
#include <string>

#include "store/query.hpp"
#include "store/replay_rows.hpp"
#include "sync/batch_reader.hpp"

namespace benchstore::sync_ {

// Encodes the rows of one batch's query: resolves the columns it reads by name once, then each row.
class RowEncoder {
public:
    virtual ~RowEncoder() = default;
    // Sets r's fingerprint, and appends the row's COPY bytes to out or sets r.reject.
    virtual void encode(const store::Query& row, const std::string& benchmark_id, std::string& out,
                        BatchRow& r) const = 0;
};

// The encoder of table's rows, for a query of store::replay_rows(table, ...).
std::unique_ptr<RowEncoder> make_row_encoder(store::ReplayTable table, const store::Query& rows);

} // namespace benchstore::sync_
