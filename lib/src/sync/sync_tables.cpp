#include "sync/sync_tables.hpp"

#include <array>
#include <memory>

#include "store/measurements_json.hpp"
#include "store/origins.hpp"
#include "store/query.hpp"
#include "store/transaction.hpp"
#include "sync/copy_binary.hpp"

namespace benchstore::sync_ {
namespace {

// Encoding helpers: a failure sets the row's reject reason instead of throwing, so one bad row
// never stops a batch.
bool put_uuid(CopyRowWriter& w, const std::string& text, BatchRow& r)
{
    unsigned char bytes[16];
    if (!parse_uuid(text, bytes)) {
        r.reject = "benchmark id '" + text + "' is not a UUID";
        return false;
    }
    w.add_uuid(bytes);
    return true;
}

bool put_time(CopyRowWriter& w, const store::Query& q, store::Column c, BatchRow& r, bool nullable)
{
    if (q.is_null(c)) {
        if (!nullable) {
            r.reject = "time is NULL";
            return false;
        }
        w.add_null();
        return true;
    }
    const std::string text(q.text(c));
    const auto t = parse_pg_timestamp(text);
    if (!t) {
        r.reject = "time '" + text + "' is not an ISO 8601 timestamp";
        return false;
    }
    w.add_timestamp(*t);
    return true;
}

void put_text(CopyRowWriter& w, const store::Query& q, store::Column c)
{
    if (q.is_null(c)) w.add_null();
    else w.add_text(q.text(c));
}

// SQLite keeps whatever a hand edit wrote: text in a REAL column ("abc") would read as 0. A row
// holding one is rejected instead of sent as a number nobody measured.
bool is_number_or_null(const store::Query& q, store::Column c)
{
    const int type = q.type(c);
    return type == SQLITE_NULL || type == SQLITE_INTEGER || type == SQLITE_FLOAT;
}

std::string quoted_excerpt(const store::Query& q, store::Column c)
{
    if (q.type(c) == SQLITE_BLOB) return "a blob";
    std::string text = "'";  // appended: GCC 12 warns (wrongly) on "literal" + std::string&&
    text.append(q.text(c).substr(0, 40)).append("'");
    return text;
}

// Runs encode_fields into a scratch position and drops the bytes again if the row was rejected.
template <typename Fn>
void encode_row(std::string& out, BatchRow& r, int fields, Fn&& encode_fields)
{
    const std::size_t start = out.size();
    CopyRowWriter w(out);
    w.begin_row(fields);
    if (!encode_fields(w)) {
        out.resize(start);
        return;
    }
    r.offset = start;
    r.length = out.size() - start;
}

class BenchmarkEncoder final : public RowEncoder {
public:
    explicit BenchmarkEncoder(const store::Query& q)
        : m_texts{q.column("repository"), q.column("branch"), q.column("commit_id"), q.column("commit_message")},
          m_metadata(q.column("metadata")), m_created_at(q.column("created_at")),
          m_run_texts{q.column("host"), q.column("run_id"), q.column("module"), q.column("status"),
                      q.column("status_reason")},
          m_finished_at(q.column("finished_at")), m_status_seq(q.column("status_seq")), m_host_info(q.column("host_info"))
    {
    }

    void encode(const store::Query& q, const std::string& benchmark_id, std::string& out, BatchRow& r) const override
    {
        Fingerprint fp;
        fp.add(benchmark_id);
        fp.add(q.text(m_created_at));
        r.fingerprint = fp.value();
        encode_row(out, r, 16, [&](CopyRowWriter& w) {
            if (!put_uuid(w, benchmark_id, r)) return false;
            w.add_int8(r.id);
            for (const store::Column c : m_texts) put_text(w, q, c);
            w.add_jsonb(q.text(m_metadata));
            if (!put_time(w, q, m_created_at, r, false)) return false;
            for (const store::Column c : m_run_texts) put_text(w, q, c);
            if (!put_time(w, q, m_finished_at, r, true)) return false;
            w.add_int8(q.is_null(m_status_seq) ? 0 : q.integer(m_status_seq));
            if (q.is_null(m_host_info)) w.add_null();
            else w.add_jsonb(q.text(m_host_info));
            return true;
        });
    }

private:
    std::array<store::Column, 4> m_texts;
    store::Column m_metadata, m_created_at;
    std::array<store::Column, 5> m_run_texts;
    store::Column m_finished_at, m_status_seq, m_host_info;
};

class StatusChangeEncoder final : public RowEncoder {
public:
    explicit StatusChangeEncoder(const store::Query& q)
        : m_status(q.column("status")), m_reason(q.column("status_reason")), m_time(q.column("time"))
    {
    }

    void encode(const store::Query& q, const std::string& benchmark_id, std::string& out, BatchRow& r) const override
    {
        Fingerprint fp;
        fp.add(benchmark_id);
        fp.add(q.text(m_status));
        fp.add(q.text(m_time));
        r.fingerprint = fp.value();
        encode_row(out, r, 5, [&](CopyRowWriter& w) {
            if (!put_uuid(w, benchmark_id, r)) return false;
            w.add_int8(r.id);
            put_text(w, q, m_status);
            put_text(w, q, m_reason);
            return put_time(w, q, m_time, r, false);
        });
    }

private:
    store::Column m_status, m_reason, m_time;
};

class DeviceEncoder final : public RowEncoder {
public:
    static constexpr std::array<const char*, 4> names{"cpu_util", "mem_megabytes", "gpu_util", "gpu_mem_megabytes"};

    explicit DeviceEncoder(const store::Query& q) : m_time(q.column("time"))
    {
        for (std::size_t i = 0; i < names.size(); ++i) m_values[i] = q.column(names[i]);
    }

    void encode(const store::Query& q, const std::string& benchmark_id, std::string& out, BatchRow& r) const override
    {
        // The fingerprint reads every value as the store gives it (text as 0), as it always has: the
        // server keeps fingerprints from earlier syncs.
        Fingerprint fp;
        fp.add(benchmark_id);
        for (const store::Column c : m_values) {
            if (q.is_null(c)) fp.add("");
            else fp.add_double(q.real(c));
        }
        fp.add(q.text(m_time));
        r.fingerprint = fp.value();
        encode_row(out, r, 7, [&](CopyRowWriter& w) {
            if (!put_uuid(w, benchmark_id, r)) return false;
            w.add_int8(r.id);
            for (std::size_t i = 0; i < names.size(); ++i) {
                const store::Column c = m_values[i];
                if (!is_number_or_null(q, c)) {
                    r.reject = std::string(names[i]) + " is " + quoted_excerpt(q, c) + ", not a number";
                    return false;
                }
                if (q.is_null(c)) w.add_null();
                else w.add_float8(q.real(c));
            }
            return put_time(w, q, m_time, r, false);
        });
    }

private:
    std::array<store::Column, 4> m_values;
    store::Column m_time;
};

class ModelEncoder final : public RowEncoder {
public:
    explicit ModelEncoder(const store::Query& q) : m_measurements(q.column("measurements")), m_time(q.column("time")) {}

    void encode(const store::Query& q, const std::string& benchmark_id, std::string& out, BatchRow& r) const override
    {
        const std::string_view json = q.text(m_measurements);
        Fingerprint fp;
        fp.add(benchmark_id);
        fp.add(json);
        fp.add(q.text(m_time));
        r.fingerprint = fp.value();
        encode_row(out, r, 4, [&](CopyRowWriter& w) {
            if (!put_uuid(w, benchmark_id, r)) return false;
            // The server would take any JSON ([1,2], "x", {"a":"b"}); dashboards and export read
            // an object of names to numbers, as the recorder writes it.
            if (!store::parse_measurements(json, m_fields)) {
                r.reject = "measurements '";
                r.reject.append(json.substr(0, 60)).append("' is not a JSON object of numbers");
                return false;
            }
            w.add_int8(r.id);
            w.add_jsonb(json);
            return put_time(w, q, m_time, r, false);
        });
    }

private:
    store::Column m_measurements, m_time;
    mutable std::vector<store::MeasurementField> m_fields;  // reused from row to row
};

template <typename Encoder>
std::unique_ptr<RowEncoder> make_encoder(const store::Query& q)
{
    return std::make_unique<Encoder>(q);
}

// The view's condition on alias's rows, ANDed in front of the id range.
std::string filter_of(const TableSpec& spec, const std::string& alias)
{
    return spec.view_filter.empty() ? std::string() : alias + "." + spec.view_filter + " AND ";
}

std::string range_sql(const TableSpec& spec, const std::string& select, const std::string& from, const std::string& alias)
{
    const std::string id = alias + "." + spec.id_column;
    return "SELECT " + select + " FROM " + from + " WHERE " + filter_of(spec, alias) + id + " > ? AND " + id +
           " <= ? ORDER BY " + id + " LIMIT ?";
}

// The spec with its server-side statements and its encoder (name, view and select_sql already set).
TableSpec fill(TableSpec t, std::string stage_ddl, std::string copy_sql, std::string insert_sql, std::string apply_sql,
               std::string conflict_sql, std::string present_sql, bool counts_staged_as_sent,
               std::unique_ptr<RowEncoder> (*encoder)(const store::Query&))
{
    t.stage_ddl = std::move(stage_ddl);
    t.copy_sql = std::move(copy_sql);
    t.insert_sql = std::move(insert_sql);
    t.apply_sql = std::move(apply_sql);
    t.conflict_sql = std::move(conflict_sql);
    t.present_sql = std::move(present_sql);
    t.counts_staged_as_sent = counts_staged_as_sent;
    t.encoder = encoder;
    return t;
}

// The measurement INSERTs have no ORDER BY: a sort costs a third of the load, and a sequential scan
// of a session's temporary table (local buffers: no synchronized scans, no parallel workers)
// returns rows in COPY order, which is local id order, so measurement_id still grows with time
// within a benchmark (sync_basic's dashboard test checks it).
std::vector<TableSpec> make_specs(const StoreView& view)
{
    // The view's id and condition, for every table alike.
    TableSpec base;
    base.id_column = view.origin ? "origin_id" : "id";
    if (view.origin) base.view_filter = "origin = " + std::to_string(*view.origin);
    else if (view.has_origins) base.view_filter = "origin IS NULL";
    auto spec = [&](const char* name) {
        TableSpec t = base;
        t.name = name;
        return t;
    };
    auto id_as = [&](const char* alias) { return std::string(alias) + "." + base.id_column + " AS id"; };
    const std::string device_insert =
        "INSERT INTO device_measurements (benchmark_id, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time, "
        "local_id) SELECT benchmark_id, cpu_util, mem_megabytes, gpu_util, gpu_mem_megabytes, time, local_id "
        "FROM stage_device_measurements WHERE $1::uuid IS NOT NULL";
    const std::string model_insert =
        "INSERT INTO model_measurements (benchmark_id, measurements, time, local_id) "
        "SELECT benchmark_id, measurements, time, local_id FROM stage_model_measurements WHERE $1::uuid IS NOT NULL";
    std::vector<TableSpec> specs;
    TableSpec benchmarks = spec("benchmarks");
    benchmarks.select_sql =
        range_sql(benchmarks, id_as("b") + ", b.benchmark_id AS benchmark_id, b.repository AS repository, b.branch AS branch, "
                  "b.commit_id AS commit_id, b.commit_message AS commit_message, b.metadata AS metadata, "
                  "b.created_at AS created_at, b.host AS host, b.run_id AS run_id, b.module AS module, "
                  "b.status AS status, b.status_reason AS status_reason, b.finished_at AS finished_at, "
                  "c.seq AS status_seq, b.host_info AS host_info",
                  // The newest status change per benchmark, read in the same snapshot as the status
                  // itself. Grouped once per batch: the store has no index on benchmark_ref there.
                  "benchmarks b LEFT JOIN (SELECT benchmark_ref, max(" + base.id_column + ") AS seq FROM "
                  "benchmark_status_changes GROUP BY benchmark_ref) c ON c.benchmark_ref = b.id", "b");
    specs.push_back(fill(benchmarks,
        "CREATE TEMP TABLE IF NOT EXISTS stage_benchmarks (benchmark_id uuid, local_id bigint, repository text, "
        "branch text, commit_id text, commit_message text, metadata jsonb, created_at timestamp, host text, "
        "run_id text, module text, status text, status_reason text, finished_at timestamp, status_seq bigint, "
        "host_info jsonb) "
        "ON COMMIT DELETE ROWS",
        "COPY stage_benchmarks FROM STDIN (FORMAT binary)",
        "",
        "INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata, created_at, "
        "host, run_id, module, status, status_reason, finished_at, status_seq, host_info, source_id, local_id) "
        "SELECT benchmark_id, repository, branch, commit_id, commit_message, metadata, created_at, host, run_id, "
        "module, status, status_reason, finished_at, status_seq, host_info, $1::uuid, local_id FROM stage_benchmarks "
        "ORDER BY local_id ON CONFLICT (benchmark_id) DO NOTHING",
        "SELECT s.local_id, s.benchmark_id FROM stage_benchmarks s JOIN benchmarks b USING (benchmark_id) "
        "WHERE (s.repository, s.branch, s.commit_id, s.commit_message, s.metadata, s.created_at) IS DISTINCT FROM "
        "(b.repository, b.branch, b.commit_id, b.commit_message, b.metadata, b.created_at) ORDER BY s.local_id LIMIT 1",
        "SELECT count(*) AS present FROM stage_benchmarks s JOIN benchmarks b USING (benchmark_id) WHERE s.local_id = b.local_id "
        "AND (s.repository, s.branch, s.commit_id, s.commit_message, s.metadata, s.created_at) IS NOT DISTINCT FROM "
        "(b.repository, b.branch, b.commit_id, b.commit_message, b.metadata, b.created_at)",
        false,
        make_encoder<BenchmarkEncoder>));
    TableSpec status_changes = spec("benchmark_status_changes");
    status_changes.select_sql =
        range_sql(status_changes, id_as("c") + ", b.benchmark_id AS benchmark_id, c.status AS status, c.status_reason AS status_reason, "
                  "c.time AS time",
                  "benchmark_status_changes c JOIN benchmarks b ON b.id = c.benchmark_ref", "c");
    specs.push_back(fill(status_changes,
        "CREATE TEMP TABLE IF NOT EXISTS stage_status_changes (benchmark_id uuid, local_id bigint, status text, "
        "status_reason text, time timestamp) ON COMMIT DELETE ROWS",
        "COPY stage_status_changes FROM STDIN (FORMAT binary)",
        "",
        // Only the newest change per benchmark counts, and never one older than what the server has.
        "UPDATE benchmarks b SET status = s.status, status_reason = s.status_reason, "
        "finished_at = CASE WHEN s.status = 'running' THEN NULL ELSE s.time END, status_seq = s.local_id "
        "FROM (SELECT DISTINCT ON (benchmark_id) * FROM stage_status_changes ORDER BY benchmark_id, local_id DESC) s "
        "WHERE b.benchmark_id = s.benchmark_id AND b.status_seq < s.local_id AND $1::uuid IS NOT NULL",
        "",
        // The server keeps no status change rows: its benchmark has this one or a newer one.
        "SELECT count(*) AS present FROM stage_status_changes s JOIN benchmarks b USING (benchmark_id) "
        "WHERE b.status_seq >= s.local_id",
        true,
        make_encoder<StatusChangeEncoder>));
    TableSpec device = spec("device_measurements");
    device.select_sql =
        range_sql(device, id_as("d") + ", b.benchmark_id AS benchmark_id, d.cpu_util AS cpu_util, d.mem_megabytes AS mem_megabytes, "
                  "d.gpu_util AS gpu_util, d.gpu_mem_megabytes AS gpu_mem_megabytes, d.time AS time",
                  "device_measurements d JOIN benchmarks b ON b.id = d.benchmark_ref", "d");
    specs.push_back(fill(device,
        "CREATE TEMP TABLE IF NOT EXISTS stage_device_measurements (benchmark_id uuid, local_id bigint, "
        "cpu_util double precision, mem_megabytes double precision, gpu_util double precision, "
        "gpu_mem_megabytes double precision, time timestamp) ON COMMIT DELETE ROWS",
        "COPY stage_device_measurements FROM STDIN (FORMAT binary)",
        device_insert,
        device_insert + " ON CONFLICT DO NOTHING",
        "SELECT s.local_id, s.benchmark_id FROM stage_device_measurements s JOIN device_measurements d "
        "USING (benchmark_id, local_id) WHERE (s.cpu_util, s.mem_megabytes, s.gpu_util, s.gpu_mem_megabytes, s.time) "
        "IS DISTINCT FROM (d.cpu_util, d.mem_megabytes, d.gpu_util, d.gpu_mem_megabytes, d.time) "
        "ORDER BY s.local_id LIMIT 1",
        "SELECT count(*) AS present FROM stage_device_measurements s JOIN device_measurements d USING (benchmark_id, local_id) "
        "WHERE (s.cpu_util, s.mem_megabytes, s.gpu_util, s.gpu_mem_megabytes, s.time) IS NOT DISTINCT FROM "
        "(d.cpu_util, d.mem_megabytes, d.gpu_util, d.gpu_mem_megabytes, d.time)",
        false,
        make_encoder<DeviceEncoder>));
    specs.back().target = "device_measurements";
    specs.back().direct_copy_sql = "COPY device_measurements (benchmark_id, local_id, cpu_util, mem_megabytes, gpu_util, "
                                   "gpu_mem_megabytes, time) FROM STDIN (FORMAT binary)";
    TableSpec model = spec("model_measurements");
    model.select_sql =
        range_sql(model, id_as("m") + ", b.benchmark_id AS benchmark_id, m.measurements AS measurements, m.time AS time",
                  "model_measurements m JOIN benchmarks b ON b.id = m.benchmark_ref", "m");
    specs.push_back(fill(model,
        "CREATE TEMP TABLE IF NOT EXISTS stage_model_measurements (benchmark_id uuid, local_id bigint, "
        "measurements jsonb, time timestamp) ON COMMIT DELETE ROWS",
        "COPY stage_model_measurements FROM STDIN (FORMAT binary)",
        model_insert,
        model_insert + " ON CONFLICT DO NOTHING",
        "SELECT s.local_id, s.benchmark_id FROM stage_model_measurements s JOIN model_measurements m "
        "USING (benchmark_id, local_id) WHERE (s.measurements, s.time) IS DISTINCT FROM (m.measurements, m.time) "
        "ORDER BY s.local_id LIMIT 1",
        "SELECT count(*) AS present FROM stage_model_measurements s JOIN model_measurements m USING (benchmark_id, local_id) "
        "WHERE (s.measurements, s.time) IS NOT DISTINCT FROM (m.measurements, m.time)",
        false,
        make_encoder<ModelEncoder>));
    specs.back().target = "model_measurements";
    specs.back().direct_copy_sql =
        "COPY model_measurements (benchmark_id, local_id, measurements, time) FROM STDIN (FORMAT binary)";
    return specs;
}

} // namespace

std::vector<TableSpec> table_specs(const StoreView& view) { return make_specs(view); }

std::vector<StoreView> store_views(SQLite::Database& db, const std::string& own_source_id)
{
    StoreView own;
    own.source_id = own_source_id;
    own.has_origins = store::has_origins(db);
    std::vector<StoreView> views{own};
    if (!own.has_origins) return views;
    for (const auto& origin : store::read_origins(db)) {
        StoreView v = own;
        v.origin = origin.id;
        v.source_id = origin.source_id;
        views.push_back(std::move(v));
    }
    return views;
}

Batch read_batch(SQLite::Database& db, const TableSpec& spec, std::int64_t after, std::int64_t up_to,
                 std::int64_t limit)
{
    Batch batch;
    store::Query q(db, spec.select_sql, {std::to_string(after), std::to_string(up_to), std::to_string(limit)});
    const store::Column id = q.column("id"), benchmark = q.column("benchmark_id");
    const auto encoder = spec.encoder(q);
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

namespace {

// The view's rows of the table, as a WHERE clause (or nothing).
std::string where_view(const TableSpec& spec, const std::string& more = {})
{
    std::string where = spec.view_filter;
    if (!more.empty()) where += (where.empty() ? "" : " AND ") + more;
    return where.empty() ? std::string() : " WHERE " + where;
}

} // namespace

std::int64_t max_id(SQLite::Database& db, const TableSpec& spec)
{
    // ORDER BY ... DESC LIMIT 1, not max(): with a view's condition SQLite would scan the whole table
    // for max(); this walks the id (or the origin index) from the top to the first row of the view.
    return store::query_integer(db, "SELECT coalesce((SELECT " + spec.id_column + " FROM " + spec.name + where_view(spec) +
                                        " ORDER BY " + spec.id_column + " DESC LIMIT 1), 0) AS max_id", {});
}

std::int64_t count_rows(SQLite::Database& db, const TableSpec& spec, std::int64_t after, std::int64_t up_to)
{
    return store::query_integer(db, "SELECT count(*) AS n FROM " + spec.name +
                                        where_view(spec, spec.id_column + " > ? AND " + spec.id_column + " <= ?"),
                                {std::to_string(after), std::to_string(up_to)});
}

} // namespace benchstore::sync_
