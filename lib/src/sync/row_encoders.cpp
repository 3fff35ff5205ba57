#include "sync/row_encoders.hpp"

#include <array>

#include "store/device_columns.hpp"
#include "store/measurements_json.hpp"
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

bool put_time(CopyRowWriter& w, const store::Query& q, store::Column c, BatchRow& r, bool nullable,
              std::int64_t* sent = nullptr)
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
    if (sent != nullptr) *sent = *t;
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
    static constexpr const auto& names = store::device_value_columns;

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
                if (q.is_null(c)) {
                    w.add_null();
                } else {
                    r.device.values[i] = q.real(c);
                    r.device.present |= static_cast<std::uint8_t>(1U << i);
                    w.add_float8(r.device.values[i]);
                }
            }
            return put_time(w, q, m_time, r, false, &r.device.time);
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

} // namespace

std::unique_ptr<RowEncoder> make_row_encoder(store::ReplayTable table, const store::Query& rows)
{
    switch (table) {
    case store::ReplayTable::benchmarks: return std::make_unique<BenchmarkEncoder>(rows);
    case store::ReplayTable::benchmark_status_changes: return std::make_unique<StatusChangeEncoder>(rows);
    case store::ReplayTable::device_measurements: return std::make_unique<DeviceEncoder>(rows);
    case store::ReplayTable::model_measurements: return std::make_unique<ModelEncoder>(rows);
    }
    return nullptr;
}

} // namespace benchstore::sync_
