#include "pg/conninfo.hpp"

#include <algorithm>
#include <cstdlib>

#include <libpq-fe.h>

#include "benchstore/error.hpp"

namespace benchstore::pg {
namespace {

bool env_set(const char* name)
{
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0';
}

// A connection string libpq could not parse, described without quoting any of it.
std::string parse_failure(const std::string& libpq_message, bool is_uri)
{
    static const std::pair<const char*, const char*> hints[] = {
        {"missing \"=\" after", "a word without '=': a value with spaces must be in single quotes, as in dbname='my db'"},
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

} // namespace benchstore::pg
