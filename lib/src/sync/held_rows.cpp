// Rows that did not go: those held back because their benchmark is not on the server, and the
// rows listed in sync_rejects, offered again at every sync. Part of TableSync (table_sync.hpp).
#include <algorithm>
#include <cctype>
#include <set>

#include "pg/array_literal.hpp"
#include "sync/copy_binary.hpp"
#include "sync/device_minutes.hpp"
#include "sync/table_sync.hpp"

namespace benchstore::sync_ {
namespace {

constexpr const char* held_reason =
    "held back: its benchmark is not on the server (rejected); sent once the benchmark is";

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

} // namespace

// Sync sends every benchmark before any row that refers to it, so a benchmark missing from the
// server was rejected. Its rows wait instead of going in as orphans. One query per batch, over the
// batch's few distinct benchmarks.
void TableSync::hold_orphans(Batch& batch)
{
    if (m_spec.name == "benchmarks" || batch.rows.empty()) return;
    pg::ArrayLiteral ids;
    for (const auto& id : batch.benchmark_ids) {
        unsigned char bytes[16];
        if (!parse_uuid(id, bytes)) continue;  // its rows are rejected already
        ids.add_bare(id);
    }
    if (ids.empty()) return;
    // Compared in the column's own type, so its primary key index serves: uuid here, text (or
    // varchar) in a database that Hugging Face's tool created.
    auto missing = m_conn.exec("SELECT x AS benchmark_id FROM unnest($1::text[]) x WHERE NOT EXISTS (SELECT 1 FROM benchmarks b "
                               "WHERE b.benchmark_id = x::" + benchmark_id_type() + ")",
                               {ids.text()});
    if (missing.rows() == 0) return;
    std::set<std::string> absent;
    for (int i = 0; i < missing.rows(); ++i) absent.insert(lower(missing.text(i, "benchmark_id")));
    for (auto& row : batch.rows) {
        if (!row.reject.empty() || absent.count(lower(batch.benchmark_id(row))) == 0) continue;
        row.held = true;
        row.reject = held_reason;
    }
}

// A rejected row stays rejected until it changes (a hand fix in the store); a held row until its
// benchmark is on the server. Offering them costs a query per table when there are none; the held
// rows of a benchmark still missing are not even read.
void TableSync::reoffer_rejects()
{
    auto listed = m_conn.exec("SELECT local_id FROM sync_rejects r WHERE source_id = $1 AND table_name = $2 AND "
                              "(error NOT LIKE 'held back:%' OR EXISTS (SELECT 1 FROM benchmarks b "
                              "WHERE b.benchmark_id::text = lower(r.benchmark_id))) ORDER BY local_id",
                              {m_source_id, m_spec.name});
    std::vector<std::int64_t> ids;
    for (int i = 0; i < listed.rows(); ++i) ids.push_back(listed.integer(i, "local_id"));
    // Runs of ids close together, read as one range each and filtered to the listed ones.
    for (std::size_t i = 0; i < ids.size();) {
        std::size_t j = i + 1;
        while (j < ids.size() && static_cast<std::int64_t>(j - i) < m_batch_rows && ids[j] - ids[j - 1] <= m_batch_rows)
            ++j;
        Batch batch = read_batch(m_db, m_spec, ids[i] - 1, ids[j - 1], ids[j - 1] - ids[i] + 1);
        const std::set<std::int64_t> wanted(ids.begin() + static_cast<std::ptrdiff_t>(i),
                                            ids.begin() + static_cast<std::ptrdiff_t>(j));
        hold_orphans(batch);
        std::vector<std::size_t> ready;
        for (std::size_t k = 0; k < batch.rows.size(); ++k)
            if (wanted.count(batch.rows[k].id) != 0 && batch.rows[k].reject.empty()) ready.push_back(k);
        if (!ready.empty()) resend(batch, std::move(ready));
        i = j;
    }
}

// Sends these rows of the batch in one transaction and takes them off sync_rejects. When the
// server refuses the data, halves until each refused row is alone: it stays listed, with the
// server's new reason.
void TableSync::resend(const Batch& batch, std::vector<std::size_t> rows)
{
    pg::ArrayLiteral local_ids;
    for (auto k : rows) local_ids.add_integer(batch.rows[k].id);
    try {
        PgTransaction tx(m_conn);
        lock_file();
        copy_rows([&] {
            for (auto k : rows) m_conn.copy_put({batch.data.data() + batch.rows[k].offset, batch.rows[k].length});
        });
        const std::int64_t applied = apply_staged(m_spec.apply_sql);
        const auto n = static_cast<std::int64_t>(rows.size());
        if (applied < n) refuse_conflicts("(a copied store file that both copies wrote to?); it stays in sync_rejects");
        m_conn.exec("DELETE FROM sync_rejects WHERE source_id = $1 AND table_name = $2 AND local_id = ANY($3::bigint[])",
                    {m_source_id, m_spec.name, local_ids.text()});
        // A fixed row at the mark changed its fingerprint: the mark takes the new one, or the file
        // would look like another copy of itself.
        const auto& last = batch.rows[rows.back()];
        m_conn.exec("UPDATE sync_state SET fingerprint = $4 WHERE source_id = $1 AND table_name = $2 "
                    "AND high_water_mark = $3",
                    {m_source_id, m_spec.name, std::to_string(last.id), std::to_string(last.fingerprint)});
        tx.commit();
        if (m_brin) m_brin->after_commit(false);
        if (m_spec.counts_staged_as_sent) {
            m_stats->sent += n;
        } else {
            m_stats->sent += applied;
            m_stats->skipped += n - applied;
        }
        return;
    } catch (const PgStatementError& e) {
        if (!e.is_data_error()) throw;
        if (rows.size() == 1) {
            m_conn.exec("UPDATE sync_rejects SET error = $4 WHERE source_id = $1 AND table_name = $2 AND local_id = $3",
                        {m_source_id, m_spec.name, std::to_string(batch.rows[rows.front()].id), std::string(e.what())});
            return;
        }
    }
    const auto mid = rows.begin() + static_cast<std::ptrdiff_t>(rows.size() / 2);
    resend(batch, std::vector<std::size_t>(rows.begin(), mid));
    resend(batch, std::vector<std::size_t>(mid, rows.end()));
}

} // namespace benchstore::sync_
