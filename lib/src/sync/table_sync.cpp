#include "sync/table_sync.hpp"

#include <algorithm>
#include <climits>
#include <future>
#include <utility>

#include "core/utf8.hpp"
#include "pg/array_literal.hpp"
#include "sync/copy_binary.hpp"
#include "sync/device_minutes.hpp"
#include "sync/pg_adopt.hpp"

namespace benchstore::sync_ {
namespace {

// One advisory lock per store file: two syncs of the same file take turns batch by batch, syncs
// of different files never wait for each other.
constexpr const char* lock_sql = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
constexpr int max_retries = 5;

std::string table_key(const std::string& source_id, const std::string& table) { return source_id + "/" + table; }

// Reject reasons quote the row's own text, which may be the invalid UTF-8 that got it rejected:
// the server would refuse to store that in sync_rejects, and terminals garble it.
std::string printable(const std::string& text)
{
    if (is_valid_utf8(text)) return text;
    std::string out = text;
    for (char& c : out)
        if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    return out;
}

} // namespace

RemoteMark read_remote_mark(PgConnection& conn, const std::string& source_id, const std::string& table)
{
    auto r = conn.exec("SELECT high_water_mark, fingerprint FROM sync_state WHERE source_id = $1 AND table_name = $2",
                       {source_id, table});
    if (r.rows() == 0) return {};
    return {r.integer(0, "high_water_mark"), r.integer(0, "fingerprint")};
}

namespace {

// Stages the file's row with this id (in a transaction rolled back on return) and asks the server
// whether it holds it, identical.
bool row_on_server(PgConnection& conn, SQLite::Database& db, const TableSpec& spec, std::int64_t id)
{
    const auto batch = read_batch(db, spec, id - 1, id, 1);
    if (batch.rows.empty() || batch.rows.front().id != id || !batch.rows.front().reject.empty()) return false;
    const auto& row = batch.rows.front();
    // An adopted database may hold text benchmark ids: stage the row as the batches do.
    conn.exec(stage_ddl(spec, benchmark_id_column(conn)));
    PgTransaction tx(conn);
    conn.copy_begin(spec.copy_sql);
    conn.copy_put(copy_binary_header());
    conn.copy_put({batch.data.data() + row.offset, row.length});
    conn.copy_put(copy_binary_trailer());
    conn.copy_end();
    return conn.exec(spec.present_sql).integer(0, "present") == 1;
}

} // namespace

FileMatch check_same_file(PgConnection& conn, SQLite::Database& db, const TableSpec& spec,
                          const std::string& source_id, const std::string& db_name, const RemoteMark& mark)
{
    if (mark.high_water_mark == 0) return FileMatch::same;
    const auto local = read_fingerprint(db, spec, mark.high_water_mark);
    if (local && *local == mark.fingerprint) return FileMatch::same;
    // A row at the mark that was rejected and then fixed by hand: same file, changed row.
    if (local && conn.exec("SELECT 1 FROM sync_rejects WHERE source_id = $1 AND table_name = $2 AND local_id = $3",
                           {source_id, spec.name, std::to_string(mark.high_water_mark)})
                         .rows() > 0)
        return FileMatch::same;
    // An older copy (the file as it was before more rows were recorded and synced from a newer
    // copy) ends below the mark. Ids only grow, so if its last row is on the server, identical,
    // so are the rows before it: nothing of this copy is missing there.
    if (!local) {
        const std::int64_t last = max_id(db, spec);
        if (last < mark.high_water_mark && (last == 0 || row_on_server(conn, db, spec, last))) return FileMatch::older;
    }
    throw ServerError(db_name + ": the server already holds " + spec.name + " rows up to id " +
                      std::to_string(mark.high_water_mark) + " from source " + source_id + ", and this file's row " +
                      (local ? "with that id differs" : "with that id does not exist, and it has rows the server lacks") +
                      ": another copy of this store file has synced; nothing more was sent for this file. "
                      "Run benchstore-sync --new-source-id on this copy to send its rows under a new source id");
}

TableSync::TableSync(PgConnection& conn, SQLite::Database& db, const TableSpec& spec, std::string source_id,
                     std::string db_name, std::int64_t target, std::int64_t batch_rows, const std::atomic<bool>* stop,
                     ProgressLine* progress)
    : m_conn(conn), m_db(db), m_spec(spec), m_source_id(std::move(source_id)), m_db_name(std::move(db_name)),
      m_target(target), m_batch_rows(batch_rows), m_stop(stop), m_progress(progress)
{
    if (!m_spec.target.empty()) m_brin.emplace(m_spec.target, m_conn);
}

const std::string& TableSync::benchmark_id_type()
{
    // Compared in the column's own type, so its primary key index serves: uuid here, text (or
    // varchar) in a database that Hugging Face's tool created.
    if (m_benchmark_id_type.empty())
        m_benchmark_id_type = m_conn.exec("SELECT CASE WHEN atttypid = 'uuid'::regtype THEN 'uuid' ELSE 'text' END AS type "
                                          "FROM pg_attribute WHERE attrelid = 'benchmarks'::regclass "
                                          "AND attname = 'benchmark_id'")
                                  .text(0, "type");
    return m_benchmark_id_type;
}

// Ids, not rows: the backlog is the ids between the mark and the target (dense in a store that
// only appends), which costs nothing to know, unlike a count over millions of rows.
void TableSync::show_progress(ProgressLine::Force force)
{
    if (m_progress == nullptr || !m_progress->enabled()) return;
    if (m_first_mark < 0) {
        m_first_mark = m_mark;
        m_started = std::chrono::steady_clock::now();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    m_progress->update(format_progress("sync " + m_spec.name, std::min(m_mark, m_target) - m_first_mark,
                                       std::max<std::int64_t>(m_target - m_first_mark, 0), seconds),
                       force);
}

bool TableSync::run(SyncTableResult& stats, std::vector<SyncReject>& rejects, std::vector<SyncHeld>& held)
{
    const bool finished = send_all(stats, rejects, held);
    // Also when stopped early: what was committed is covered before sync returns. (An exception
    // leaves it to the next run, or autovacuum: ~BrinSummary only waits for the second session.)
    if (m_brin) m_brin->finish();
    return finished;
}

bool TableSync::send_all(SyncTableResult& stats, std::vector<SyncReject>& rejects, std::vector<SyncHeld>& held)
{
    m_stats = &stats;
    m_rejects = &rejects;
    m_held = &held;
    // The copy check first: a copy that went its own way must not send its rejected rows either.
    if (check_same_file(m_conn, m_db, m_spec, m_source_id, m_db_name,
                        read_remote_mark(m_conn, m_source_id, m_spec.name)) == FileMatch::older) {
        stats.older_copy = true;
        return true;
    }
    reoffer_rejects();
    Batch batch;
    bool have_batch = false;  // read ahead, starting right after the mark this run just committed
    for (;;) {
        if (!have_batch) {
            const RemoteMark mark = read_remote_mark(m_conn, m_source_id, m_spec.name);
            m_mark = mark.high_water_mark;
            // Before anything else, even when the mark is at or past this run's target: a copy of
            // this file that sent more rows under the same source id leaves a mark this file's own
            // rows do not match, and "nothing to send" would silently drop the copy's rows.
            if (check_same_file(m_conn, m_db, m_spec, m_source_id, m_db_name, mark) == FileMatch::older) {
                stats.older_copy = true;
                return true;
            }
            show_progress(m_first_mark < 0 || m_mark >= m_target ? ProgressLine::Force::yes : ProgressLine::Force::no);
            if (m_mark >= m_target) return true;
            if (m_stop && m_stop->load()) return false;
            batch = read_batch(m_db, m_spec, m_mark, m_target, m_batch_rows);
        }
        have_batch = false;
        if (batch.rows.empty()) {
            // Ids up to the target that no longer exist locally (never happens with AUTOINCREMENT
            // tables unless rows were deleted): there is nothing to send below the target.
            return true;
        }
        // Read the next batch from SQLite while the server loads this one (two cores: the
        // client's reading and encoding overlap the server's work instead of adding to it).
        const std::int64_t start = m_mark;
        const std::int64_t last = batch.rows.back().id;
        std::future<Batch> next;
        if (last < m_target)
            next = std::async(std::launch::async, [this, last] { return read_batch(m_db, m_spec, last, m_target, m_batch_rows); });
        hold_orphans(batch);
        Outcome outcome;
        try {
            outcome = send_range_retrying(batch, 0, batch.rows.size(), start);
        } catch (const PgStatementError& e) {
            if (!e.is_data_error()) throw;
            outcome = bisect(batch, 0, batch.rows.size(), start);
        }
        if (next.valid()) {
            Batch ahead = next.get();
            if (outcome == Outcome::sent && m_mark == last && !(m_stop && m_stop->load())) {
                batch = std::move(ahead);
                have_batch = true;
                show_progress(ProgressLine::Force::no);
            }
        }
    }
}

void TableSync::copy_rows(const std::function<void()>& put)
{
    m_conn.copy_begin(m_spec.copy_sql);
    m_conn.copy_put(copy_binary_header());
    put();
    m_conn.copy_put(copy_binary_trailer());
    m_conn.copy_end();
}

void TableSync::refuse_conflicts(const std::string& consequence)
{
    if (m_spec.conflict_sql.empty()) return;
    auto diff = m_conn.exec(m_spec.conflict_sql);
    if (diff.rows() > 0)
        throw ServerError(m_db_name + ": " + m_spec.name + " row " + diff.text(0, "local_id") + " of benchmark " +
                          diff.text(0, "benchmark_id") + " is already on the server with different values " + consequence);
}

void TableSync::lock_file() { m_conn.exec(lock_sql, {table_key(m_source_id, std::string())}); }

TableSync::Outcome TableSync::bisect(Batch& batch, std::size_t begin, std::size_t end, std::int64_t expected_start)
{
    try {
        return send_range_retrying(batch, begin, end, expected_start);
    } catch (const PgStatementError& e) {
        if (!e.is_data_error()) throw;
        if (end - begin == 1) {
            batch.rows[begin].reject = e.what();
            return send_range_retrying(batch, begin, end, expected_start);
        }
    }
    const std::size_t mid = begin + (end - begin) / 2;
    if (bisect(batch, begin, mid, expected_start) == Outcome::moved) return Outcome::moved;
    return bisect(batch, mid, end, batch.rows[mid - 1].id);
}

TableSync::Outcome TableSync::send_range_retrying(const Batch& batch, std::size_t begin, std::size_t end,
                                                  std::int64_t expected_start)
{
    bool direct = true;
    for (int attempt = 1;; ++attempt) {
        try {
            return send_range(batch, begin, end, expected_start, direct);
        } catch (const PgStatementError& e) {
            // A key that arrived by another path (a merged copy of this store, syncing at the same
            // time) after keys_are_new looked: the transaction is gone; the staging path, which
            // skips rows the server holds identical and refuses different ones, goes again.
            if (direct && e.sqlstate() == "23505") {
                direct = false;
                --attempt;
                continue;
            }
            if (!e.is_retryable() || attempt >= max_retries) throw;
        }
    }
}

// The plain INSERT first: ON CONFLICT's speculative insertion costs about 40% more per row, and the
// high-water mark (checked under the lock above) means this file never sent these rows. They can
// still be there if a copy of the file sent them, or after --new-source-id: then the primary key
// refuses the batch (23505), and the same rows go again through ON CONFLICT DO NOTHING.
std::int64_t TableSync::insert_staged()
{
    if (m_spec.insert_sql.empty()) return apply_staged(m_spec.apply_sql);
    m_conn.exec("SAVEPOINT plain_insert");
    try {
        return apply_staged(m_spec.insert_sql);
    } catch (const PgStatementError& e) {
        if (e.sqlstate() != "23505") throw;
    }
    m_conn.exec("ROLLBACK TO SAVEPOINT plain_insert");
    return apply_staged(m_spec.apply_sql);
}

std::int64_t TableSync::apply_staged(const std::string& sql)
{
    auto result = m_conn.exec(sql, {m_source_id});
    return m_spec.adds_minutes ? result.integer(0, "inserted") : result.affected();
}

void TableSync::put_rows(const Batch& batch, std::size_t begin, std::size_t end)
{
    // Consecutive encoded rows are contiguous in batch.data: send them as one piece.
    std::size_t span_start = 0, span_length = 0;
    for (std::size_t i = begin; i < end; ++i) {
        const auto& row = batch.rows[i];
        if (!row.reject.empty() || row.length == 0) continue;
        if (span_length != 0 && span_start + span_length == row.offset) {
            span_length += row.length;
            continue;
        }
        if (span_length != 0) m_conn.copy_put({batch.data.data() + span_start, span_length});
        span_start = row.offset;
        span_length = row.length;
    }
    if (span_length != 0) m_conn.copy_put({batch.data.data() + span_start, span_length});
}

// The batch's rows all come after what this file sent (the mark, checked under the lock), so the
// server can hold one of their keys only if it arrived by another path: a merged store holding
// this store's rows, or this file synced before --new-source-id. Local ids only grow, so one
// index probe per benchmark settles it: no server row of that benchmark at or above the batch's
// lowest local id for it.
bool TableSync::keys_are_new(const Batch& batch, std::size_t begin, std::size_t end)
{
    std::vector<std::int64_t> lowest(batch.benchmark_ids.size(), INT64_MAX);
    for (std::size_t i = begin; i < end; ++i) {
        const auto& row = batch.rows[i];
        if (row.reject.empty()) lowest[row.benchmark] = std::min(lowest[row.benchmark], row.id);
    }
    pg::ArrayLiteral ids, lows;
    for (std::size_t b = 0; b < lowest.size(); ++b) {
        if (lowest[b] == INT64_MAX) continue;
        ids.add_bare(batch.benchmark_ids[b]);
        lows.add_integer(lowest[b]);
    }
    if (ids.empty()) return true;
    const std::string key = benchmark_id_type() == "uuid" ? "k.id" : "k.id::text";
    return m_conn
               .exec("SELECT NOT EXISTS (SELECT 1 FROM unnest($1::uuid[], $2::bigint[]) k(id, low) WHERE EXISTS "
                     "(SELECT 1 FROM " + m_spec.target + " t WHERE t.benchmark_id = " + key +
                         " AND t.local_id >= k.low)) AS fresh",
                     {ids.text(), lows.text()})
               .text(0, "fresh") == "t";
}

void TableSync::copy_direct(const Batch& batch, std::size_t begin, std::size_t end)
{
    m_conn.copy_begin(m_spec.direct_copy_sql);
    m_conn.copy_put(copy_binary_header());
    if (benchmark_id_type() == "uuid") {
        put_rows(batch, begin, end);
    } else {
        std::string rows;
        rows.reserve(batch.data.size() + (end - begin) * 20);
        for (std::size_t i = begin; i < end; ++i) {
            const auto& row = batch.rows[i];
            if (row.reject.empty() && row.length != 0)
                append_row_with_text_uuid({batch.data.data() + row.offset, row.length}, rows);
        }
        m_conn.copy_put(rows);
    }
    m_conn.copy_put(copy_binary_trailer());
    m_conn.copy_end();
}

TableSync::Outcome TableSync::send_range(const Batch& batch, std::size_t begin, std::size_t end,
                                         std::int64_t expected_start, bool direct)
{
    PgTransaction tx(m_conn);
    lock_file();
    auto state = m_conn.exec("SELECT high_water_mark FROM sync_state WHERE source_id = $1 AND table_name = $2 "
                             "FOR UPDATE",
                             {m_source_id, m_spec.name});
    if (state.rows() != 1 || state.integer(0, "high_water_mark") != expected_start) return Outcome::moved;  // another sync was faster

    std::int64_t to_send = 0;
    for (std::size_t i = begin; i < end; ++i)
        if (batch.rows[i].reject.empty()) ++to_send;
    std::int64_t applied = 0;
    if (to_send > 0 && direct && !m_spec.direct_copy_sql.empty() && keys_are_new(batch, begin, end)) {
        copy_direct(batch, begin, end);
        if (m_spec.adds_minutes) add_device_minutes(m_conn, batch, begin, end);
        applied = to_send;
    } else if (to_send > 0) {
        copy_rows([&] { put_rows(batch, begin, end); });
        applied = insert_staged();
        if (applied < to_send) refuse_conflicts("(a copied store file that both copies wrote to?); nothing was sent for this batch");
    }
    std::vector<SyncReject> new_rejects, new_held;
    for (std::size_t i = begin; i < end; ++i) {
        const auto& row = batch.rows[i];
        if (row.reject.empty()) continue;
        SyncReject reject{m_spec.name, row.id, printable(batch.benchmark_id(row)), printable(row.reject)};
        m_conn.exec("INSERT INTO sync_rejects (source_id, table_name, local_id, benchmark_id, error) "
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                    {m_source_id, m_spec.name, std::to_string(row.id), reject.benchmark_id, reject.error});
        if (row.held) new_held.push_back(std::move(reject));
        else new_rejects.push_back(std::move(reject));
    }
    const auto& last = batch.rows[end - 1];
    m_conn.exec("UPDATE sync_state SET high_water_mark = $3, fingerprint = $4, updated_at = now() "
                "WHERE source_id = $1 AND table_name = $2",
                {m_source_id, m_spec.name, std::to_string(last.id), std::to_string(last.fingerprint)});
    tx.commit();
    if (m_brin && applied > 0) m_brin->after_commit(last.id < m_target);

    m_mark = last.id;
    if (m_spec.counts_staged_as_sent) {
        // Status changes update the benchmark row instead of adding rows: the UPDATE's count is
        // the benchmarks whose status moved, not the changes delivered (several changes of one
        // benchmark collapse into its newest, and the benchmarks row may carry it already).
        m_stats->sent += to_send;
    } else {
        m_stats->sent += applied;
        m_stats->skipped += to_send - applied;
    }
    m_stats->rejected += static_cast<std::int64_t>(new_rejects.size());
    for (auto& r : new_rejects) m_rejects->push_back(std::move(r));
    m_stats->held += static_cast<std::int64_t>(new_held.size());
    for (const auto& h : new_held) {
        if (m_held->empty() || m_held->back().table != h.table || m_held->back().benchmark_id != h.benchmark_id)
            m_held->push_back(SyncHeld{h.table, h.benchmark_id, 0});
        ++m_held->back().rows;
    }
    return Outcome::sent;
}

} // namespace benchstore::sync_
