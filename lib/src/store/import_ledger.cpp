#include "store/import_ledger.hpp"

#include "store/transaction.hpp"

namespace benchstore::store {

ImportLedger::ImportLedger(SQLite::Database& db)
    : m_db(db),
      m_find(db, "SELECT file_name AS file_name, imported_at AS imported_at, run_id AS run_id FROM imports "
                 "WHERE content_sha256 = ?"),
      m_insert(db, "INSERT INTO imports (content_sha256, format, file_name, imported_at, run_id) VALUES (?, ?, ?, ?, ?)"),
      m_finish(db, "UPDATE imports SET file_time = ?, details = ? WHERE id = ?")
{
}

std::optional<PastImport> ImportLedger::find(const std::string& content_sha256)
{
    m_find.bind(1, content_sha256);
    std::optional<PastImport> past;
    if (m_find.executeStep())
        past = PastImport{m_find.getColumn("file_name").getString(), m_find.getColumn("imported_at").getString(),
                          m_find.getColumn("run_id").getString()};
    m_find.reset();
    return past;
}

std::int64_t ImportLedger::insert(const ImportRecord& r)
{
    m_insert.bind(1, r.content_sha256);
    m_insert.bind(2, r.format);
    m_insert.bind(3, r.file_name);
    m_insert.bind(4, r.imported_at);
    m_insert.bind(5, r.run_id);
    exec_once(m_insert);
    return m_db.getLastInsertRowid();
}

void ImportLedger::finish(std::int64_t import_ref, const std::string& file_time, const std::string& details)
{
    if (file_time.empty()) m_finish.bind(1);
    else m_finish.bind(1, file_time);
    m_finish.bind(2, details);
    m_finish.bind(3, static_cast<int64_t>(import_ref));
    exec_once(m_finish);
}

void restamp_import(SQLite::Database& db, std::int64_t import_ref, const std::string& from, const std::string& to)
{
    const std::string mine = "benchmark_ref IN (SELECT id FROM benchmarks WHERE import_ref = ?)";
    for (const std::string& sql :
         {std::string("UPDATE benchmarks SET created_at = ? WHERE created_at = ? AND import_ref = ?"),
          std::string("UPDATE benchmarks SET finished_at = ? WHERE finished_at = ? AND import_ref = ?"),
          "UPDATE benchmark_status_changes SET time = ? WHERE time = ? AND " + mine,
          "UPDATE model_measurements SET time = ? WHERE time = ? AND " + mine,
          "UPDATE device_measurements SET time = ? WHERE time = ? AND " + mine}) {
        SQLite::Statement st(db, sql);
        st.bind(1, to);
        st.bind(2, from);
        st.bind(3, static_cast<int64_t>(import_ref));
        st.exec();
    }
}

} // namespace benchstore::store
