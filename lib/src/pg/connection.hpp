#pragma once
// A thin RAII layer over libpq, in the spirit of SQLiteCpp over sqlite3: owning handles, a
// connection that is either open or not constructed, a transaction guard that rolls back unless
// committed, and every libpq failure translated into benchstore's error hierarchy with the
// connection's password scrubbed from the message. Internal to the library.
// Every wait for the server has a client-side deadline (libpq's non-blocking API and poll() on its
// socket): connecting, connect_timeout; each statement, COPY piece and COPY end, the statement
// timeout + sync_reply_margin. A silent peer (a stopped backend, a proxy that stopped forwarding)
// therefore ends in ConnectionError "timed out", and the connection is dropped. Its server process
// may live on (PostgreSQL does not cancel a COPY that waits for the client) holding the file's
// lock, so a timed-out connection also asks the server, on a second short-lived connection, to end
// that process (pg_terminate_backend, best effort): the next sync need not wait for it.
// Not thread-safe: one PgConnection per thread.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "benchstore/error.hpp"
#include "pg/conninfo.hpp"

namespace benchstore::pg {

struct PgConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

// A statement the server refused (not a lost connection). sqlstate is the five-character code.
class PgStatementError : public ServerError {
public:
    PgStatementError(const std::string& message, std::string sqlstate)
        : ServerError(message), m_sqlstate(std::move(sqlstate)) {}
    const std::string& sqlstate() const { return m_sqlstate; }
    // Class 22 (data exception) or 23 (integrity violation): the rows, not the server, are at fault.
    bool is_data_error() const { return m_sqlstate.rfind("22", 0) == 0 || m_sqlstate.rfind("23", 0) == 0; }
    // Deadlock or serialization failure: the same transaction may succeed when retried.
    bool is_retryable() const { return m_sqlstate == "40001" || m_sqlstate == "40P01"; }
private:
    std::string m_sqlstate;
};

// A query result: rows of text values.
class PgResult {
public:
    explicit PgResult(PgResultPtr r) : m_result(std::move(r)) {}
    int rows() const { return PQntuples(m_result.get()); }
    // Values are read by the result column's name (the SELECT's AS name; PQfnumber), never by
    // position. An unknown name throws ServerError naming it (a programming error the first test finds).
    bool is_null(int row, const char* column) const { return PQgetisnull(m_result.get(), row, index(column)) != 0; }
    std::string text(int row, const char* column) const { return PQgetvalue(m_result.get(), row, index(column)); }
    long long integer(int row, const char* column) const;
    // No reads by position: text(0, 0) would otherwise compile, 0 being a null pointer.
    bool is_null(int, int) const = delete;
    std::string text(int, int) const = delete;
    long long integer(int, int) const = delete;
    // Rows affected by INSERT/UPDATE/COPY (PQcmdTuples).
    long long affected() const;
private:
    int index(const char* column) const;
    PgResultPtr m_result;
};

class PgConnection {
public:
    // Connects with the options described at SyncOptions::conninfo and sets statement_timeout.
    // Throws ConnectionError when the server cannot be reached (try later) and ServerError when it
    // answered and refused (wrong password, missing database, ...). Messages never hold a password.
    // on_timeout: what a timed-out reply does besides dropping the connection (see OnTimeout).
    enum class OnTimeout { end_server_process, drop_only };
    PgConnection(const std::string& conninfo, std::chrono::seconds statement_timeout,
                 OnTimeout on_timeout = OnTimeout::end_server_process);

    // "host:port/dbname" for messages.
    const std::string& server() const { return m_server; }

    // What this connection was opened with, to open another like it: a session of its own, for
    // work beside this one's (BackgroundSession).
    struct Settings {
        std::string conninfo;
        std::chrono::seconds statement_timeout;
        OnTimeout on_timeout;
    };
    Settings settings() const { return {m_conninfo, m_statement_timeout, m_on_timeout}; }

    // Runs sql (no parameters, may hold several statements); throws PgStatementError, or
    // ConnectionError when the connection is gone or the server did not reply in time (then the
    // connection is dropped, and every later call throws ConnectionError).
    PgResult exec(const std::string& sql);
    // Runs one statement with text parameters (nullopt = NULL).
    PgResult exec(const std::string& sql, const std::vector<std::optional<std::string>>& params);

    // COPY ... FROM STDIN: start, send data in any pieces, finish (throws if the server refused).
    void copy_begin(const std::string& sql);
    void copy_put(std::string_view data);
    long long copy_end();

    // Removes the password (and PGPASSWORD) from a message.
    std::string scrub(std::string message) const;

    // What a timed-out reply's message says besides "connection dropped": sync's default, "nothing
    // more recorded as sent"; a reader, which writes nothing, sets "".
    void set_timeout_note(std::string note) { m_timeout_note = std::move(note); }

    // A run-time parameter the server reported at connection start (PQparameterStatus:
    // "server_encoding", "server_version", ...); "" when unknown.
    std::string parameter(const char* name) const;

private:
    using Clock = std::chrono::steady_clock;
    [[noreturn]] void fail(const std::string& what, const PGresult* result);
    [[noreturn]] void timed_out(const std::string& what);
    PgResult check(PgResultPtr result, ExecStatusType expected, const std::string& what);
    PGconn* open_handle(const std::string& what);
    void flush(Clock::time_point deadline, const std::string& what);
    PgResultPtr await_result(Clock::time_point deadline, const std::string& what);

    std::string m_conninfo;
    OnTimeout m_on_timeout;
    std::chrono::seconds m_statement_timeout;
    std::chrono::seconds m_reply_limit;
    PgConnPtr m_conn;
    std::string m_server;
    std::vector<std::string> m_secrets;
    std::string m_timeout_note = "nothing more recorded as sent";
};

// BEGIN on construction; ROLLBACK on destruction unless commit() succeeded.
class PgTransaction {
public:
    explicit PgTransaction(PgConnection& conn);
    ~PgTransaction();
    PgTransaction(const PgTransaction&) = delete;
    PgTransaction& operator=(const PgTransaction&) = delete;
    void commit();
private:
    PgConnection& m_conn;
    bool m_done = false;
};

} // namespace benchstore::pg
