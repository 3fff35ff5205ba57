#include "pg/connection.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include <poll.h>

#include "benchstore/postgres.hpp"

namespace benchstore::pg {
namespace {

using Clock = std::chrono::steady_clock;

// libpq's messages can span lines ("...failed: Connection refused\n\tIs the server running...?"):
// one line, the parts joined with "; ".
std::string one_line(const std::string& text)
{
    std::string out;
    bool line_break = false, space = false;
    for (char c : text) {
        if (c == '\n' || c == '\r') {
            line_break = !out.empty();
            continue;
        }
        if (c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (line_break) {
            while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
            out += "; ";
        } else if (space) {
            out += ' ';
        }
        line_break = space = false;
        out += c;
    }
    return out;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// The server answered and refused: retrying later will not help.
bool is_refusal(const std::string& message)
{
    const std::string m = lower(message);
    for (const char* needle : {"password authentication failed", "no password supplied", "authentication failed",
                               "does not exist", "pg_hba.conf", "permission denied", "not permitted",
                               "server does not support ssl", "certificate", "invalid ", "unsupported"}) {
        if (m.find(needle) != std::string::npos) return true;
    }
    return false;
}

// Server notices (NOTICE, WARNING such as "terminating connection due to immediate shutdown") are
// not ours to print: the error that follows says what matters, in one line.
void ignore_notice(void*, const char*) {}

// Lost connections, a server shutting down, and statement_timeout (57014): all "try again later".
bool is_connection_sqlstate(const std::string& state)
{
    return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03" || state == "57014";
}

std::string describe_sql(const std::string& sql)
{
    std::string head = sql.substr(0, sql.find_first_of("(\n"));
    if (head.size() > 60) head.resize(60);
    while (!head.empty() && head.back() == ' ') head.pop_back();
    return "'" + head + "'";
}

// What the socket became ready for; none when the deadline passed first.
enum class Ready { none, some };

// poll() on the connection's socket until it is ready for events or the deadline passes. A signal
// (SIGINT sets the stop flag) only interrupts the wait; the deadline still holds.
Ready wait_socket(PGconn* conn, short events, Clock::time_point deadline)
{
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return Ready::none;
        pollfd p{PQsocket(conn), events, 0};
        const int n = poll(&p, 1, static_cast<int>(std::min<long long>(left, INT_MAX)));
        if (n > 0) return Ready::some;
        if (n < 0 && errno != EINTR) return Ready::some;  // libpq's next call reports the error
    }
}

// The connect deadline: libpq's connect_timeout (the conninfo's, else PGCONNECT_TIMEOUT; libpq
// raises 1 to 2), or the reply limit when it is 0 or unset.
std::chrono::seconds connect_limit(const std::vector<std::pair<std::string, std::string>>& params,
                                   std::chrono::seconds reply_limit)
{
    std::string value;
    if (const char* env = std::getenv("PGCONNECT_TIMEOUT")) value = env;
    for (const auto& [k, v] : params)
        if (k == "connect_timeout") value = v;
    const long long seconds = std::strtoll(value.c_str(), nullptr, 10);
    if (seconds <= 0) return reply_limit;
    return std::chrono::seconds(std::max(seconds, 2LL));
}

} // namespace

int PgResult::index(const char* column) const
{
    // Quoted, so PQfnumber matches the name as written instead of folding it to lower case.
    const int i = PQfnumber(m_result.get(), ("\"" + std::string(column) + "\"").c_str());
    if (i < 0) throw ServerError(std::string("a server result has no column '") + column + "'");
    return i;
}

long long PgResult::integer(int row, const char* column) const
{
    return std::strtoll(PQgetvalue(m_result.get(), row, index(column)), nullptr, 10);
}

long long PgResult::affected() const
{
    const char* n = PQcmdTuples(m_result.get());
    return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

PgConnection::PgConnection(const std::string& conninfo, std::chrono::seconds statement_timeout,
                           OnTimeout on_timeout)
    : m_conninfo(conninfo), m_on_timeout(on_timeout), m_statement_timeout(statement_timeout),
      m_reply_limit(statement_timeout + sync_reply_margin)
{
    const auto params = connection_parameters(conninfo);
    std::vector<const char*> keys, values;
    for (const auto& [k, v] : params) {
        keys.push_back(k.c_str());
        values.push_back(v.c_str());
        if (k == "password" && !v.empty()) m_secrets.push_back(v);
    }
    if (const char* pw = std::getenv("PGPASSWORD"); pw && *pw) m_secrets.push_back(pw);
    keys.push_back(nullptr);
    values.push_back(nullptr);

    // PQconnectStartParams + PQconnectPoll rather than PQconnectdbParams: the wait for each step
    // of the handshake is ours to bound, whatever libpq's connect_timeout says.
    m_conn.reset(PQconnectStartParams(keys.data(), values.data(), 0));
    if (!m_conn) throw ConnectionError("cannot connect: out of memory");
    PQsetNoticeProcessor(m_conn.get(), ignore_notice, nullptr);
    auto name_server = [&] {
        const char* host = PQhost(m_conn.get());
        const char* port = PQport(m_conn.get());
        const char* db = PQdb(m_conn.get());
        std::string host_text = host && *host ? host : "local socket";
        if (!host_text.empty() && host_text.front() == '/') host_text = "socket " + host_text;
        m_server = scrub(host_text + ":" + (port && *port ? port : "5432") + "/" + (db ? db : ""));
    };
    name_server();
    const auto limit = connect_limit(params, m_reply_limit);
    const auto deadline = Clock::now() + limit;
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (PQstatus(m_conn.get()) != CONNECTION_BAD && state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED) {
        if (wait_socket(m_conn.get(), state == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline) == Ready::none) {
            name_server();
            m_conn.reset();
            throw ConnectionError("cannot connect to " + m_server + ": timed out: no answer within " +
                                  std::to_string(limit.count()) + " s (connect_timeout); try again later");
        }
        state = PQconnectPoll(m_conn.get());
    }
    name_server();
    if (PQstatus(m_conn.get()) != CONNECTION_OK) {
        const std::string message = scrub(one_line(PQerrorMessage(m_conn.get())));
        const std::string text = "cannot connect to " + m_server + ": " + message;
        if (is_refusal(message)) throw ServerError(text);
        throw ConnectionError(text + " (try again later)");
    }
    // Non-blocking from here on: every wait for the server is a poll() with a deadline, and
    // dropping a connection whose peer stopped reading never blocks on a full send buffer.
    if (PQsetnonblocking(m_conn.get(), 1) != 0) fail("the connection set-up", nullptr);
    // A stalled server cannot keep a statement running for ever, and a stalled client (stopped,
    // swapped out) cannot hold its transaction's locks for ever either.
    const std::string ms = std::to_string(statement_timeout.count() * 1000);
    exec("SET statement_timeout = " + ms + "; SET idle_in_transaction_session_timeout = " + ms);
}

std::string PgConnection::scrub(std::string message) const
{
    for (const auto& secret : m_secrets) {
        for (auto pos = message.find(secret); pos != std::string::npos; pos = message.find(secret, pos + 3))
            message.replace(pos, secret.size(), "***");
    }
    return mask_conninfo(message);
}

std::string PgConnection::parameter(const char* name) const
{
    const char* value = m_conn ? PQparameterStatus(m_conn.get(), name) : nullptr;
    return value ? value : "";
}

PGconn* PgConnection::open_handle(const std::string& what)
{
    if (!m_conn)
        throw ConnectionError("connection to " + m_server + " was dropped before " + what + " (try again later)");
    return m_conn.get();
}

void PgConnection::timed_out(const std::string& what)
{
    const int backend = PQbackendPID(m_conn.get());
    m_conn.reset();  // non-blocking: PQfinish cannot hang on a peer that stopped reading
    if (m_on_timeout == OnTimeout::end_server_process && backend > 0) {
        try {
            PgConnection side(m_conninfo, std::chrono::seconds(1), OnTimeout::drop_only);
            side.exec("SELECT pg_terminate_backend($1)", {std::to_string(backend)});
        } catch (const Error&) {
            // Best effort: the server may be as silent to a new connection; it ends the process
            // itself once the socket closes.
        }
    }
    throw ConnectionError("server " + m_server + " timed out: no reply to " + what + " within " +
                          std::to_string(m_reply_limit.count()) + " s (the statement timeout + " +
                          std::to_string(sync_reply_margin.count()) +
                          " s); connection dropped" + (m_timeout_note.empty() ? "" : ", " + m_timeout_note) +
                          " (try again later)");
}

void PgConnection::fail(const std::string& what, const PGresult* result)
{
    std::string state;
    std::string message;
    if (result != nullptr) {
        if (const char* s = PQresultErrorField(result, PG_DIAG_SQLSTATE)) state = s;
        if (const char* m = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) message = m;
    }
    if (message.empty() && m_conn) message = PQerrorMessage(m_conn.get());
    message = scrub(one_line(message));
    if (!m_conn || PQstatus(m_conn.get()) == CONNECTION_BAD || is_connection_sqlstate(state))
        throw ConnectionError((state == "57014" ? "server " + m_server + " timed out " : "connection to " + m_server +
                               " lost during ") + what + ": " + message + " (try again later)");
    throw PgStatementError("server " + m_server + " refused " + what + ": " + message, state);
}

void PgConnection::flush(Clock::time_point deadline, const std::string& what)
{
    PGconn* c = open_handle(what);
    for (int r = PQflush(c); r != 0; r = PQflush(c)) {
        if (r < 0) fail(what, nullptr);
        // The server may be sending while we send (a notice, an early error): read it, or both
        // sides could wait on full buffers.
        if (wait_socket(c, POLLOUT | POLLIN, deadline) == Ready::none) timed_out(what);
        if (PQconsumeInput(c) == 0) fail(what, nullptr);
    }
}

PgResultPtr PgConnection::await_result(Clock::time_point deadline, const std::string& what)
{
    PGconn* c = open_handle(what);
    PgResultPtr kept;
    for (;;) {
        while (PQisBusy(c)) {
            if (wait_socket(c, POLLIN, deadline) == Ready::none) timed_out(what);
            if (PQconsumeInput(c) == 0) fail(what, nullptr);
        }
        PgResultPtr r(PQgetResult(c));
        if (!r) break;
        const auto status = PQresultStatus(r.get());
        if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT) return r;  // no more until the copy ends
        // Several statements: the last result, unless one failed (keep the first error).
        if (kept && PQresultStatus(kept.get()) == PGRES_FATAL_ERROR) continue;
        kept = std::move(r);
    }
    return kept;
}

PgResult PgConnection::check(PgResultPtr result, ExecStatusType expected, const std::string& what)
{
    if (!result || PQresultStatus(result.get()) != expected) fail(what, result.get());
    return PgResult(std::move(result));
}

PgResult PgConnection::exec(const std::string& sql)
{
    return exec(sql, {});
}

PgResult PgConnection::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params)
{
    const std::string what = describe_sql(sql);
    PGconn* c = open_handle(what);
    const auto deadline = Clock::now() + m_reply_limit;
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    // PQsendQuery for no parameters: it alone accepts several statements in one string.
    const int sent = params.empty() ? PQsendQuery(c, sql.c_str())
                                    : PQsendQueryParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                                        values.data(), nullptr, nullptr, 0);
    if (sent == 0) fail(what, nullptr);
    flush(deadline, what);
    auto r = await_result(deadline, what);
    if (r && PQresultStatus(r.get()) == PGRES_TUPLES_OK) return PgResult(std::move(r));
    return check(std::move(r), PGRES_COMMAND_OK, what);
}

void PgConnection::copy_begin(const std::string& sql)
{
    const std::string what = describe_sql(sql);
    PGconn* c = open_handle(what);
    const auto deadline = Clock::now() + m_reply_limit;
    if (PQsendQuery(c, sql.c_str()) == 0) fail(what, nullptr);
    flush(deadline, what);
    check(await_result(deadline, what), PGRES_COPY_IN, what);
}

void PgConnection::copy_put(std::string_view data)
{
    PGconn* c = open_handle("COPY");
    const auto deadline = Clock::now() + m_reply_limit;
    for (;;) {
        const int r = PQputCopyData(c, data.data(), static_cast<int>(data.size()));
        if (r == 1) break;
        if (r < 0) fail("COPY", nullptr);
        if (wait_socket(c, POLLOUT | POLLIN, deadline) == Ready::none) timed_out("COPY");
        if (PQconsumeInput(c) == 0) fail("COPY", nullptr);
    }
    flush(deadline, "COPY");
}

long long PgConnection::copy_end()
{
    PGconn* c = open_handle("COPY");
    const auto deadline = Clock::now() + m_reply_limit;
    for (;;) {
        const int r = PQputCopyEnd(c, nullptr);
        if (r == 1) break;
        if (r < 0) fail("COPY", nullptr);
        if (wait_socket(c, POLLOUT | POLLIN, deadline) == Ready::none) timed_out("COPY");
        if (PQconsumeInput(c) == 0) fail("COPY", nullptr);
    }
    flush(deadline, "COPY");
    return check(await_result(deadline, "COPY"), PGRES_COMMAND_OK, "COPY").affected();
}

PgTransaction::PgTransaction(PgConnection& conn) : m_conn(conn) { m_conn.exec("BEGIN"); }

PgTransaction::~PgTransaction()
{
    if (m_done) return;
    try {
        m_conn.exec("ROLLBACK");
    } catch (...) {
        // The connection is gone or the server aborted the transaction itself: nothing to undo.
    }
}

void PgTransaction::commit()
{
    m_conn.exec("COMMIT");
    m_done = true;
}

} // namespace benchstore::pg
