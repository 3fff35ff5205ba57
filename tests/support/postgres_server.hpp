#pragma once
// A throwaway PostgreSQL server for tests: Debian's postgresql package (the newest
// /usr/lib/postgresql/*/bin), a data folder in a temporary folder, listening on 127.0.0.1 at a
// free port with password (scram-sha-256) authentication, plus a Unix socket in the temporary
// folder with trust for administration. Run as the postgres user when the tests run as root.
// Stopped (immediate) and removed on destruction. fsync is off: tests, not durability.
// Not thread-safe.
#include <filesystem>
#include <memory>
#include <string>

#include "support/temp_dir.hpp"

namespace benchstore::test {

class PostgresServer {
public:
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    int port() const { return m_port; }
    const std::string& password() const { return m_password; }

    // TCP, password authentication, as the superuser: "host=127.0.0.1 port=... user=postgres
    // password=... dbname=<database>".
    std::string conninfo(const std::string& database) const;
    // A fresh, empty database with a unique name; returns its name.
    std::string create_database();
    // Runs SQL through the admin socket (trust) and returns the first column of the first row
    // ("" when none). Throws std::runtime_error with the server's message on failure.
    std::string query(const std::string& database, const std::string& sql) const;

    void stop();               // pg_ctl stop -m fast
    void start();              // pg_ctl start, waits until it accepts connections
    void restart_immediate();  // pg_ctl restart -m immediate (a crash and recovery)
    bool running() const { return m_running; }

private:
    void run_as_postgres(const std::string& command) const;

    TempDir m_dir;
    std::filesystem::path m_bin;
    int m_port = 0;
    std::string m_password = "s3cret-Pw_4711";
    bool m_running = false;
    int m_next_database = 0;
};

// The one server of this test executable, started on first use and stopped at exit.
PostgresServer& shared_postgres();

// Path of an executable built by this project (tools/benchstore-sync, tests/...).
std::filesystem::path built_program(const std::string& relative);

} // namespace benchstore::test
