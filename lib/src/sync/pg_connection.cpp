#include "sync/pg_connection.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "benchstore/sync.hpp"

namespace benchstore {

namespace {

bool is_uri_start(const std::string& lowered, std::size_t pos)
{
    return lowered.compare(pos, 13, "postgresql://") == 0 || lowered.compare(pos, 11, "postgres://") == 0;
}

// In every postgres[ql]:// URI of text (it runs to the next whitespace or quote), the password part
// of the userinfo: from the user name's ':' to the LAST '@' of the URI. libpq itself stops at the
// first '@' (or '/'), so a password holding an unencoded '@' or '/' would otherwise show its tail.
std::string mask_uri_userinfo(const std::string& text)
{
    std::string out;
    std::string lowered = text;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    std::size_t copied = 0;
    for (std::size_t pos = lowered.find("postgres"); pos != std::string::npos; pos = lowered.find("postgres", pos + 1)) {
        if (pos < copied || !is_uri_start(lowered, pos)) continue;
        const std::size_t begin = lowered.find("://", pos) + 3;
        std::size_t end = begin;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"' &&
               text[end] != '\'')
            ++end;
        const std::size_t at = text.rfind('@', end == 0 ? 0 : end - 1);
        if (at == std::string::npos || at < begin) continue;
        const std::size_t colon = text.find(':', begin);
        const std::size_t from = colon != std::string::npos && colon < at ? colon + 1 : begin;
        out.append(text, copied, from - copied);
        out += "***";
        copied = at;
    }
    out.append(text, copied, std::string::npos);
    return out;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Replaces the value after every password= / sslpassword= (any case) with "***". In a URI query
// (after '?' or '&') the value runs to the next '&', whitespace or quote. Elsewhere (key=value) it
// is a quoted value, or the raw text up to the next " key=": libpq refuses an unquoted value with
// spaces, and the part after the space must not show either. Hand-written rather than std::regex,
// whose backtracking recurses once per character of the text.
std::string mask_password_values(const std::string& text)
{
    std::string lowered = text;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string out;
    std::size_t copied = 0;
    for (std::size_t pos = lowered.find("password"); pos != std::string::npos; pos = lowered.find("password", pos + 1)) {
        if (pos < copied) continue;
        std::size_t key = pos;
        if (key >= 3 && lowered.compare(key - 3, 3, "ssl") == 0) key -= 3;
        const char before = key > 0 ? text[key - 1] : ' ';
        if (is_word_char(before)) continue;
        const bool in_query = before == '?' || before == '&';
        std::size_t v = pos + 8;
        if (!in_query)
            while (v < text.size() && is_space(text[v])) ++v;
        if (v >= text.size() || text[v] != '=') continue;
        ++v;
        if (!in_query)
            while (v < text.size() && is_space(text[v])) ++v;
        std::size_t e = v;
        if (in_query) {
            while (e < text.size() && text[e] != '&' && !is_space(text[e]) && text[e] != '"' && text[e] != '\'') ++e;
        } else {
            bool quoted = false;
            if (v < text.size() && text[v] == '\'') {
                std::size_t q = v + 1;
                while (q < text.size() && text[q] != '\'') q += text[q] == '\\' ? 2 : 1;
                if (q < text.size() && (q + 1 == text.size() || is_space(text[q + 1]))) {
                    e = q + 1;
                    quoted = true;
                }
            }
            if (!quoted) {
                // Up to the next whitespace that is followed by "word =", or the end.
                e = text.size();
                for (std::size_t w = v; w < text.size(); ++w) {
                    if (!is_space(text[w])) continue;
                    std::size_t k = w;
                    while (k < text.size() && is_space(text[k])) ++k;
                    const std::size_t word = k;
                    while (k < text.size() && is_word_char(text[k])) ++k;
                    if (k == word || std::isdigit(static_cast<unsigned char>(text[word]))) continue;
                    while (k < text.size() && is_space(text[k])) ++k;
                    if (k < text.size() && text[k] == '=') {
                        e = w;
                        break;
                    }
                }
            }
        }
        out.append(text, copied, v - copied);
        out += "***";
        copied = e;
    }
    out.append(text, copied, std::string::npos);
    return out;
}

} // namespace

std::string mask_conninfo(const std::string& text)
{
    // Password values first, so an '@' in a query password cannot pass for the userinfo's end.
    return mask_uri_userinfo(mask_password_values(text));
}

namespace pgsync {
namespace {

std::string one_line(std::string text)
{
    std::string out;
    bool space = false;
    for (char c : text) {
        if (c == '\n' || c == '\r' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space && c != ' ') out += ' ';
        space = false;
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

bool env_set(const char* name)
{
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0';
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

// A connection string libpq could not parse, described without quoting any of it.
std::string parse_failure(const std::string& libpq_message, bool is_uri)
{
    static const std::pair<const char*, const char*> hints[] = {
        {"missing \"=\" after", "a word without '=': a value with spaces must be in single quotes, as in password='a b'"},
        {"unterminated quoted string", "a quoted value is not closed"},
        {"invalid connection option", "an unknown option name"},
        {"invalid percent-encoded token", "an invalid percent-encoding: write a literal % as %25"},
        {"forbidden value %00", "%00 in a percent-encoded value"},
        {"query parameter", "a URI query parameter that is not one key=value"},
        {"IPv6", "a malformed IPv6 host address"},
        {"unexpected character", "an unexpected character after a host name"},
    };
    std::string hint = is_uri ? "a malformed URI" : "neither key=value pairs nor a URI";
    for (const auto& [needle, text] : hints)
        if (libpq_message.find(needle) != std::string::npos) {
            hint = text;
            break;
        }
    if (is_uri) hint += "; in a URI, percent-encode @ : / ? % in the user name and password";
    return "malformed connection string (" + hint + ")";
}

// libpq ends a URI's userinfo at its first '@' (or at a '/', finding none): a password holding an
// unencoded '@' or '/' becomes part of the host, port or database name, and from there part of
// messages. Refuse such a URI before connecting, and say why without quoting it.
void refuse_misparsed_uri(const std::string& uri, const std::vector<std::pair<std::string, std::string>>& parsed)
{
    const std::size_t begin = uri.find("://") + 3;
    std::size_t p = begin;
    while (p < uri.size() && uri[p] != '@' && uri[p] != '/') ++p;
    const bool libpq_userinfo = p < uri.size() && uri[p] == '@';
    const auto ats = std::count(uri.begin() + static_cast<std::ptrdiff_t>(begin), uri.end(), '@');
    for (const auto& [key, value] : parsed) {
        const bool stray_at = ats > (libpq_userinfo ? 1 : 0) && value.find('@') != std::string::npos &&
                              (key == "host" || key == "hostaddr" || key == "port" || key == "dbname");
        const bool bad_port =
            key == "port" && value.find_first_not_of("0123456789,") != std::string::npos;
        if (stray_at || bad_port)
            throw InvalidArgument(std::string("malformed connection string (") +
                                  (stray_at ? "an '@' after the URI's user name and password"
                                            : "the URI's port is not a number") +
                                  "; in a URI, percent-encode @ : / ? % in the user name and password)");
    }
}

} // namespace

std::vector<std::pair<std::string, std::string>> connection_parameters(const std::string& conninfo)
{
    std::vector<std::pair<std::string, std::string>> user;
    const bool is_uri = conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
    if (!conninfo.empty() && !is_uri && conninfo.find('=') == std::string::npos) {
        user.emplace_back("dbname", conninfo);  // a bare database name, as psql accepts it
    } else if (!conninfo.empty()) {
        char* err = nullptr;
        PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
        if (opts == nullptr) {
            // libpq's message quotes the raw text around the fault, which can be the password.
            const std::string message = err ? err : "";
            PQfreemem(err);
            if (message.empty()) throw InvalidArgument("cannot parse the connection string: out of memory");
            throw InvalidArgument(parse_failure(message, is_uri));
        }
        for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o)
            if (o->val != nullptr) user.emplace_back(o->keyword, o->val);
        PQconninfoFree(opts);
        if (is_uri) refuse_misparsed_uri(conninfo, user);
    }
    auto given = [&](const std::string& key) {
        return std::any_of(user.begin(), user.end(), [&](const auto& kv) { return kv.first == key; });
    };
    std::vector<std::pair<std::string, std::string>> params;
    if (!given("dbname") && !env_set("PGDATABASE")) params.emplace_back("dbname", "metrics");
    if (!given("connect_timeout") && !env_set("PGCONNECT_TIMEOUT")) params.emplace_back("connect_timeout", "10");
    if (!given("keepalives")) params.emplace_back("keepalives", "1");
    if (!given("keepalives_idle")) params.emplace_back("keepalives_idle", "30");
    if (!given("keepalives_interval")) params.emplace_back("keepalives_interval", "10");
    if (!given("keepalives_count")) params.emplace_back("keepalives_count", "3");
    if (!given("tcp_user_timeout")) params.emplace_back("tcp_user_timeout", "60000");
    if (!given("application_name") && !env_set("PGAPPNAME"))
        params.emplace_back("fallback_application_name", "benchstore-sync");
    params.insert(params.end(), user.begin(), user.end());
    // The store holds UTF-8; the server must check text as UTF-8 whatever the database says.
    std::erase_if(params, [](const auto& kv) { return kv.first == "client_encoding"; });
    params.emplace_back("client_encoding", "UTF8");
    return params;
}

long long PgResult::integer(int row, int col) const
{
    return std::strtoll(PQgetvalue(m_result.get(), row, col), nullptr, 10);
}

long long PgResult::affected() const
{
    const char* n = PQcmdTuples(m_result.get());
    return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

PgConnection::PgConnection(const std::string& conninfo, std::chrono::seconds statement_timeout)
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

    m_conn.reset(PQconnectdbParams(keys.data(), values.data(), 0));
    if (!m_conn) throw ConnectionError("cannot connect: out of memory");
    PQsetNoticeProcessor(m_conn.get(), ignore_notice, nullptr);
    const char* host = PQhost(m_conn.get());
    const char* port = PQport(m_conn.get());
    const char* db = PQdb(m_conn.get());
    std::string host_text = host && *host ? host : "local socket";
    if (!host_text.empty() && host_text.front() == '/') host_text = "socket " + host_text;
    m_server = scrub(host_text + ":" + (port && *port ? port : "5432") + "/" + (db ? db : ""));
    if (PQstatus(m_conn.get()) != CONNECTION_OK) {
        const std::string message = scrub(one_line(PQerrorMessage(m_conn.get())));
        const std::string text = "cannot connect to " + m_server + ": " + message;
        if (is_refusal(message)) throw ServerError(text);
        throw ConnectionError(text + " (try again later)");
    }
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

void PgConnection::fail(const std::string& what, const PGresult* result)
{
    std::string state;
    std::string message;
    if (result != nullptr) {
        if (const char* s = PQresultErrorField(result, PG_DIAG_SQLSTATE)) state = s;
        if (const char* m = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) message = m;
    }
    if (message.empty()) message = PQerrorMessage(m_conn.get());
    message = scrub(one_line(message));
    if (PQstatus(m_conn.get()) == CONNECTION_BAD || is_connection_sqlstate(state))
        throw ConnectionError((state == "57014" ? "server " + m_server + " timed out " : "connection to " + m_server +
                               " lost during ") + what + ": " + message + " (try again later)");
    throw PgStatementError("server " + m_server + " refused " + what + ": " + message, state);
}

PgResult PgConnection::check(PgResultPtr result, ExecStatusType expected, const std::string& what)
{
    if (!result || PQresultStatus(result.get()) != expected) fail(what, result.get());
    return PgResult(std::move(result));
}

namespace {
std::string describe_sql(const std::string& sql)
{
    std::string head = sql.substr(0, sql.find_first_of("(\n"));
    if (head.size() > 60) head.resize(60);
    while (!head.empty() && head.back() == ' ') head.pop_back();
    return "'" + head + "'";
}
} // namespace

PgResult PgConnection::exec(const std::string& sql)
{
    PgResultPtr r(PQexec(m_conn.get(), sql.c_str()));
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK) return PgResult(std::move(r));
    return check(std::move(r), PGRES_COMMAND_OK, describe_sql(sql));
}

PgResult PgConnection::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params)
{
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PgResultPtr r(PQexecParams(m_conn.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK) return PgResult(std::move(r));
    return check(std::move(r), PGRES_COMMAND_OK, describe_sql(sql));
}

void PgConnection::copy_begin(const std::string& sql)
{
    check(PgResultPtr(PQexec(m_conn.get(), sql.c_str())), PGRES_COPY_IN, describe_sql(sql));
}

void PgConnection::copy_put(std::string_view data)
{
    if (PQputCopyData(m_conn.get(), data.data(), static_cast<int>(data.size())) != 1) fail("COPY", nullptr);
}

long long PgConnection::copy_end()
{
    if (PQputCopyEnd(m_conn.get(), nullptr) != 1) fail("COPY", nullptr);
    PgResultPtr last;
    while (PGresult* r = PQgetResult(m_conn.get())) {
        if (last && PQresultStatus(last.get()) != PGRES_COMMAND_OK) {
            PQclear(r);
            continue;  // keep the first error, drain the rest
        }
        last.reset(r);
    }
    return check(std::move(last), PGRES_COMMAND_OK, "COPY").affected();
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

} // namespace pgsync
} // namespace benchstore
