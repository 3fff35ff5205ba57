#include "support/postgres_server.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libpq-fe.h>

namespace benchstore::test {
namespace {

std::filesystem::path find_bin()
{
    std::vector<std::filesystem::path> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
        if (std::filesystem::exists(entry.path() / "bin" / "postgres")) found.push_back(entry.path() / "bin");
    if (found.empty()) throw std::runtime_error("no PostgreSQL server under /usr/lib/postgresql/*/bin");
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return std::atoi(a.parent_path().filename().c_str()) < std::atoi(b.parent_path().filename().c_str());
    });
    return found.back();
}

int free_port()
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        throw std::runtime_error("cannot find a free port");
    const int port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

void shell(const std::string& command)
{
    if (std::system(command.c_str()) != 0) throw std::runtime_error("command failed: " + command);
}

} // namespace

void PostgresServer::run_as_postgres(const std::string& command) const
{
    if (geteuid() == 0) shell("runuser -u postgres -- " + command);
    else shell(command);
}

PostgresServer::PostgresServer() : m_dir("pg"), m_bin(find_bin()), m_port(free_port())
{
    if (geteuid() == 0) shell("chown postgres: '" + m_dir.path().string() + "'");
    const auto pwfile = m_dir / "pw";
    { std::ofstream(pwfile) << m_password << "\n"; }
    if (geteuid() == 0) shell("chown postgres: '" + pwfile.string() + "'");
    const auto data = m_dir / "data";
    run_as_postgres("'" + (m_bin / "initdb").string() + "' -D '" + data.string() + "' -U postgres --pwfile='" +
                    pwfile.string() + "' -A scram-sha-256 --auth-local=trust -E UTF8 --locale=C -N > '" +
                    (m_dir / "initdb.log").string() + "' 2>&1");
    std::ofstream conf(data / "postgresql.conf", std::ios::app);
    conf << "listen_addresses = '127.0.0.1'\nport = " << m_port << "\nunix_socket_directories = '"
         << m_dir.path().string() << "'\nfsync = off\nfull_page_writes = off\nsynchronous_commit = on\n"
         << "max_connections = 60\nshared_buffers = 128MB\nlog_min_messages = warning\n";
    conf.close();
    start();
}

PostgresServer::~PostgresServer()
{
    if (m_running) {
        try {
            run_as_postgres("'" + (m_bin / "pg_ctl").string() + "' -D '" + (m_dir / "data").string() +
                            "' -m immediate -w stop > /dev/null 2>&1");
        } catch (...) {
        }
    }
}

std::string PostgresServer::conninfo(const std::string& database) const
{
    return "host=127.0.0.1 port=" + std::to_string(m_port) + " user=postgres password=" + m_password +
           " dbname=" + database + " connect_timeout=5";
}

void PostgresServer::start()
{
    run_as_postgres("'" + (m_bin / "pg_ctl").string() + "' -D '" + (m_dir / "data").string() + "' -l '" +
                    (m_dir / "server.log").string() + "' -w -t 60 start > /dev/null");
    m_running = true;
}

void PostgresServer::stop()
{
    run_as_postgres("'" + (m_bin / "pg_ctl").string() + "' -D '" + (m_dir / "data").string() +
                    "' -m fast -w stop > /dev/null");
    m_running = false;
}

void PostgresServer::restart_immediate()
{
    run_as_postgres("'" + (m_bin / "pg_ctl").string() + "' -D '" + (m_dir / "data").string() + "' -l '" +
                    (m_dir / "server.log").string() + "' -m immediate -w -t 60 restart > /dev/null");
    m_running = true;
}

std::string PostgresServer::query(const std::string& database, const std::string& sql) const
{
    const std::string info = "host=" + m_dir.path().string() + " port=" + std::to_string(m_port) +
                             " user=postgres dbname=" + database;
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(info.c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error(std::string("admin connection failed: ") + PQerrorMessage(conn.get()));
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), sql.c_str()), &PQclear);
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw std::runtime_error("query failed: " + sql + ": " + PQresultErrorMessage(r.get()));
    if (status == PGRES_TUPLES_OK && PQntuples(r.get()) > 0) return PQgetvalue(r.get(), 0, 0);
    return "";
}

std::string PostgresServer::create_database()
{
    const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++m_next_database);
    query("postgres", "CREATE DATABASE " + name);
    return name;
}

PostgresServer& shared_postgres()
{
    static PostgresServer server;
    return server;
}

std::filesystem::path built_program(const std::string& relative)
{
    return std::filesystem::path(BENCHSTORE_BINARY_DIR) / relative;
}

} // namespace benchstore::test
