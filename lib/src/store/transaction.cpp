#include "store/transaction.hpp"

namespace benchstore::store {

void exec_once(SQLite::Statement& st)
{
    try {
        st.exec();
    } catch (...) {
        st.tryReset();
        throw;
    }
    st.reset();
}

TransactionStatements::TransactionStatements(SQLite::Database& db)
    : begin_immediate(db, "BEGIN IMMEDIATE"), commit(db, "COMMIT"), rollback(db, "ROLLBACK")
{
}

Transaction::Transaction(SQLite::Database& db, TransactionKind kind) : m_db(&db)
{
    db.exec(kind == TransactionKind::write ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::Transaction(TransactionStatements& statements) : m_statements(&statements)
{
    exec_once(statements.begin_immediate);
}

Transaction::~Transaction()
{
    if (m_done) return;
    try {
        if (m_statements) exec_once(m_statements->rollback);
        else m_db->exec("ROLLBACK");
    } catch (...) {
        // Nothing to do: SQLite rolls back by itself when the statement that failed already ended it.
    }
}

void Transaction::commit()
{
    if (m_statements) exec_once(m_statements->commit);
    else m_db->exec("COMMIT");
    m_done = true;
}

} // namespace benchstore::store
