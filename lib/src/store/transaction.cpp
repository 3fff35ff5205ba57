#include "store/transaction.hpp"

namespace benchstore::store {
namespace {

// Runs a cached statement once and leaves it reset for the next use, also when it throws.
void run(SQLite::Statement& st)
{
    try {
        st.exec();
    } catch (...) {
        st.tryReset();
        throw;
    }
    st.reset();
}

} // namespace

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
    run(statements.begin_immediate);
}

Transaction::~Transaction()
{
    if (m_done) return;
    try {
        if (m_statements) run(m_statements->rollback);
        else m_db->exec("ROLLBACK");
    } catch (...) {
        // Nothing to do: SQLite rolls back by itself when the statement that failed already ended it.
    }
}

void Transaction::commit()
{
    if (m_statements) run(m_statements->commit);
    else m_db->exec("COMMIT");
    m_done = true;
}

} // namespace benchstore::store
