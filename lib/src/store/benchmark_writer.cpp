#include "store/benchmark_writer.hpp"

#include "benchstore/error.hpp"
#include "store/transaction.hpp"

namespace benchstore::store {
namespace {

void bind_text_or_null(SQLite::Statement& st, int index, const std::string& text)
{
    if (text.empty()) st.bind(index);
    else st.bind(index, text);
}

} // namespace

BenchmarkWriter::BenchmarkWriter(SQLite::Database& db)
    : m_db(db),
      m_insert(db, "INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, metadata, "
                   "created_at, host, run_id, module, host_info, import_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      m_update_status(db, "UPDATE benchmarks SET status = ?, status_reason = ?, finished_at = ? WHERE id = ?"),
      m_insert_status_change(db, "INSERT INTO benchmark_status_changes (benchmark_ref, status, status_reason, time) "
                                 "VALUES (?, ?, ?, ?)"),
      m_find(db, "SELECT id AS benchmark_ref, origin IS NOT NULL AS merged FROM benchmarks WHERE benchmark_id = ?")
{
}

std::int64_t BenchmarkWriter::insert(const NewBenchmark& b)
{
    m_insert.bind(1, b.benchmark_id);
    m_insert.bind(2, b.repository);
    m_insert.bind(3, b.branch);
    m_insert.bind(4, b.commit_id);
    m_insert.bind(5, b.commit_message);
    m_insert.bind(6, b.metadata);
    m_insert.bind(7, b.created_at);
    m_insert.bind(8, b.host);
    bind_text_or_null(m_insert, 9, b.run_id);
    bind_text_or_null(m_insert, 10, b.module);
    bind_text_or_null(m_insert, 11, b.host_info);
    if (b.import_ref) m_insert.bind(12, static_cast<int64_t>(*b.import_ref));
    else m_insert.bind(12);
    exec_once(m_insert);
    return m_db.getLastInsertRowid();
}

void BenchmarkWriter::set_status(std::int64_t ref, const char* status, const std::string& reason, const std::string& time)
{
    const bool running = std::string_view(status) == "running";
    m_update_status.bind(1, status);
    bind_text_or_null(m_update_status, 2, reason);
    if (running) m_update_status.bind(3);
    else m_update_status.bind(3, time);
    m_update_status.bind(4, static_cast<int64_t>(ref));
    exec_once(m_update_status);
    m_insert_status_change.bind(1, static_cast<int64_t>(ref));
    m_insert_status_change.bind(2, status);
    bind_text_or_null(m_insert_status_change, 3, reason);
    m_insert_status_change.bind(4, time);
    exec_once(m_insert_status_change);
}

std::optional<std::int64_t> BenchmarkWriter::find(const std::string& benchmark_id)
{
    m_find.bind(1, benchmark_id);
    std::optional<std::int64_t> ref;
    bool merged = false;
    if (m_find.executeStep()) {
        ref = m_find.getColumn("benchmark_ref").getInt64();
        merged = m_find.getColumn("merged").getInt() != 0;
    }
    m_find.reset();
    if (merged)
        throw InvalidArgument("benchmark '" + benchmark_id + "' in " + m_db.getFilename() +
                              " was merged from another store; record into it in the store that recorded it");
    return ref;
}

} // namespace benchstore::store
