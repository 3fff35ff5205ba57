#include "sync/batch_reader.hpp"

#include <algorithm>

#include "store/query.hpp"
#include "sync/row_encoders.hpp"

namespace benchstore::sync_ {

Batch read_batch(SQLite::Database& db, const TableSpec& spec, std::int64_t after, std::int64_t up_to,
                 std::int64_t limit)
{
    Batch batch;
    store::Query q = store::replay_rows(db, spec.table, spec.rows, after, up_to, limit);
    const store::Column id = q.column("id"), benchmark = q.column("benchmark_id");
    const auto encoder = make_row_encoder(spec.table, q);
    batch.rows.reserve(static_cast<std::size_t>(std::min<std::int64_t>(limit, 1 << 20)));
    while (q.step()) {
        BatchRow row;
        row.id = q.integer(id);
        const std::string_view text = q.text(benchmark);
        if (batch.benchmark_ids.empty() || batch.benchmark_ids.back() != text) batch.benchmark_ids.emplace_back(text);
        row.benchmark = static_cast<std::uint32_t>(batch.benchmark_ids.size() - 1);
        encoder->encode(q, batch.benchmark_ids.back(), batch.data, row);
        batch.rows.push_back(std::move(row));
    }
    return batch;
}

std::optional<std::int64_t> read_fingerprint(SQLite::Database& db, const TableSpec& spec, std::int64_t id)
{
    auto batch = read_batch(db, spec, id - 1, id, 1);
    if (batch.rows.empty() || batch.rows.front().id != id) return std::nullopt;
    return batch.rows.front().fingerprint;
}

std::int64_t max_id(SQLite::Database& db, const TableSpec& spec) { return store::replay_max_id(db, spec.table, spec.rows); }

std::int64_t count_rows(SQLite::Database& db, const TableSpec& spec, std::int64_t after, std::int64_t up_to)
{
    return store::replay_count(db, spec.table, spec.rows, after, up_to);
}

} // namespace benchstore::sync_
