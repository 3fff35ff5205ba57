#include "sync/device_minutes.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "pg/array_literal.hpp"
#include "store/device_columns.hpp"

namespace benchstore::sync_ {
namespace {

constexpr std::int64_t micros_per_minute = 60'000'000;
constexpr std::size_t columns = store::device_value_columns.size();

// Floor, not truncation: a time before 2000-01-01 is negative and belongs to the minute below it,
// as date_trunc('minute', time) has it.
std::int64_t minute_of(std::int64_t pg_micros)
{
    std::int64_t q = pg_micros / micros_per_minute;
    if (pg_micros % micros_per_minute < 0) --q;
    return q;
}

struct Column {
    std::int64_t count = 0;
    double sum = 0, min = 0, max = 0;
};

struct Minute {
    std::int64_t samples = 0;
    std::array<Column, columns> values;
};

// The statement's arrays, one element per minute.
struct Arrays {
    pg::ArrayLiteral ids, minutes, samples;
    std::array<std::array<pg::ArrayLiteral, 4>, columns> values;  // count, sum, min, max per column
};

} // namespace

void add_device_minutes(PgConnection& conn, const Batch& batch, std::size_t begin, std::size_t end)
{
    // Key order (benchmark id text, minute), as the server merges them: rows come grouped by
    // benchmark and in time order, so the last minute touched is almost always the next one's.
    std::map<std::pair<std::string_view, std::int64_t>, Minute> minutes;
    Minute* last = nullptr;
    std::pair<std::uint32_t, std::int64_t> last_key{UINT32_MAX, 0};
    for (std::size_t i = begin; i < end; ++i) {
        const auto& row = batch.rows[i];
        if (!row.reject.empty() || row.length == 0) continue;
        const std::pair<std::uint32_t, std::int64_t> key{row.benchmark, minute_of(row.device.time)};
        if (last == nullptr || key != last_key) {
            last = &minutes[{batch.benchmark_ids[row.benchmark], key.second}];
            last_key = key;
        }
        ++last->samples;
        for (std::size_t c = 0; c < columns; ++c) {
            if ((row.device.present & (1U << c)) == 0) continue;
            const double v = row.device.values[c];
            auto& column = last->values[c];
            if (column.count++ == 0) {
                column.sum = column.min = column.max = v;
                continue;
            }
            column.sum += v;
            if (v < column.min) column.min = v;
            if (v > column.max) column.max = v;
        }
    }
    if (minutes.empty()) return;
    Arrays a;
    for (const auto& [key, minute] : minutes) {
        a.ids.add_bare(key.first);
        a.minutes.add_integer(key.second);
        a.samples.add_integer(minute.samples);
        for (std::size_t c = 0; c < columns; ++c) {
            const auto& column = minute.values[c];
            a.values[c][0].add_integer(column.count);
            const bool any = column.count > 0;
            a.values[c][1].add_double(any ? std::optional<double>(column.sum) : std::nullopt);
            a.values[c][2].add_double(any ? std::optional<double>(column.min) : std::nullopt);
            a.values[c][3].add_double(any ? std::optional<double>(column.max) : std::nullopt);
        }
    }
    std::vector<std::optional<std::string>> params{a.ids.text(), a.minutes.text(), a.samples.text()};
    std::string sql = "SELECT benchstore_device_minutes_put($1::text[], $2::bigint[], $3::integer[]";
    for (std::size_t c = 0; c < columns; ++c)
        for (std::size_t k = 0; k < 4; ++k) {
            params.push_back(a.values[c][k].text());
            sql += ", $" + std::to_string(params.size()) + (k == 0 ? "::integer[]" : "::double precision[]");
        }
    conn.exec(sql + ")", params);
}

std::string device_minutes_from_inserted(const std::string& insert_returning)
{
    std::string aggregates, arguments;
    for (const char* c : store::device_value_columns) {
        const std::string col = c;
        aggregates += ", count(" + col + ")::integer AS " + col + "_count, sum(" + col + ") AS " + col + "_sum, min(" +
                      col + ") AS " + col + "_min, max(" + col + ") AS " + col + "_max";
        for (const char* part : {"_count", "_sum", "_min", "_max"})
            arguments += ", array_agg(" + col + part + " ORDER BY id, minute)";
    }
    return "WITH inserted AS (" + insert_returning + "), minutes AS (SELECT benchmark_id::text AS id, "
           "(extract(epoch FROM date_trunc('minute', \"time\") - timestamp '2000-01-01') / 60)::bigint AS minute, "
           "count(*)::integer AS samples" + aggregates + " FROM inserted WHERE benchmark_id IS NOT NULL GROUP BY 1, 2) "
           "SELECT (SELECT count(*) FROM inserted) AS inserted, benchstore_device_minutes_put(array_agg(id ORDER BY id, "
           "minute), array_agg(minute ORDER BY id, minute), array_agg(samples ORDER BY id, minute)" + arguments +
           ") FROM minutes";
}

} // namespace benchstore::sync_
