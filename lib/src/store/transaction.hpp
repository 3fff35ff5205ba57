#pragma once
// The one transaction guard for the local store (as SQLiteCpp's Transaction): BEGIN on construction,
// ROLLBACK on destruction unless commit() ran. Every multi-statement read or write in the library
// goes through it instead of hand-written BEGIN/COMMIT/ROLLBACK blocks.
//
// Not thread-safe: one guard per connection at a time (SQLite has no nested BEGIN); the connection
// must outlive the guard. Internal to the library.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace benchstore::store {

enum class TransactionKind {
    read,   // BEGIN (deferred): one consistent snapshot for several queries (WAL readers never block)
    write   // BEGIN IMMEDIATE: takes the write lock now, so the transaction never fails half-way on a lock
};

// BEGIN IMMEDIATE / COMMIT / ROLLBACK prepared once, for a connection that writes many small
// transactions (the recorder): preparing them every time costs more than the insert they wrap.
struct TransactionStatements {
    explicit TransactionStatements(SQLite::Database& db);
    SQLite::Statement begin_immediate;
    SQLite::Statement commit;
    SQLite::Statement rollback;
};

class Transaction {
public:
    // Begins a transaction on db. Throws SQLite::Exception (busy past the busy timeout, I/O error).
    Transaction(SQLite::Database& db, TransactionKind kind);
    // Begins a write transaction with the connection's prepared statements.
    explicit Transaction(TransactionStatements& statements);
    // Rolls back unless committed; never throws.
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // Commits. Throws SQLite::Exception; the destructor then rolls back.
    void commit();

private:
    SQLite::Database* m_db = nullptr;
    TransactionStatements* m_statements = nullptr;
    bool m_done = false;
};

// Runs fn inside one write transaction, committed when fn returns, rolled back if it throws.
template <typename Fn>
void with_write_transaction(SQLite::Database& db, Fn&& fn)
{
    Transaction tx(db, TransactionKind::write);
    fn();
    tx.commit();
}

// Runs fn on one read snapshot of db.
template <typename Fn>
auto with_read_transaction(SQLite::Database& db, Fn&& fn)
{
    Transaction tx(db, TransactionKind::read);
    if constexpr (std::is_void_v<decltype(fn())>) {
        fn();
        tx.commit();
    } else {
        auto result = fn();
        tx.commit();
        return result;
    }
}

} // namespace benchstore::store
