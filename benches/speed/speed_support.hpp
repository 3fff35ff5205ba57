#pragma once
// Small helpers the speed benchmarks share: their main, running a command for its output, the
// median, and a throwaway PostgreSQL.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <cxxopts.hpp>

namespace benchstore::speed {

// Runs command through the shell and returns its standard output without trailing newlines.
// Throws std::runtime_error when it cannot start or exits non-zero.
inline std::string capture(const std::string& command)
{
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run " + command);
    char buf[4096];
    while (fgets(buf, sizeof buf, p)) out += buf;
    if (pclose(p) != 0) throw std::runtime_error("command failed: " + command);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

// The median of v (the mean of the middle two for an even count); v must not be empty.
inline double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// The whole of a speed program's main: adds -h/--help to cli, parses argv (help: printed, exit 0),
// and runs body with the options. What escapes becomes one line "NAME: error: WHAT" on stderr and
// exit status 2 for a bad option (cxxopts, std::invalid_argument), 1 for anything else.
inline int speed_main(cxxopts::Options& cli, int argc, char** argv,
                      const std::function<int(const cxxopts::ParseResult&)>& body)
{
    try {
        cli.add_options()("h,help", "show this help");
        std::optional<cxxopts::ParseResult> args;
        try {
            args = cli.parse(argc, argv);
        } catch (const cxxopts::exceptions::exception& e) {
            throw std::invalid_argument(e.what());
        }
        if (args->count("help")) {
            std::cout << cli.help();
            return 0;
        }
        return body(*args);
    } catch (const std::invalid_argument& e) {
        std::cerr << cli.program() << ": error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << cli.program() << ": error: " << e.what() << "\n";
        return 1;
    }
}

// A throwaway PostgreSQL (tools/pg-test-server.sh, fsync on) in dir/pg, dir made afresh (and open to
// the postgres user, who runs the server): stopped and dir deleted when this goes away.
class ThrowawayServer {
public:
    explicit ThrowawayServer(std::filesystem::path dir) : m_dir(std::move(dir))
    {
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
        std::filesystem::permissions(m_dir, std::filesystem::perms::all);
        try {
            m_conninfo = capture("'" + script().string() + "' start '" + (m_dir / "pg").string() + "'");
        } catch (...) {
            stop();
            throw;
        }
    }
    ~ThrowawayServer() { stop(); }
    ThrowawayServer(const ThrowawayServer&) = delete;
    ThrowawayServer& operator=(const ThrowawayServer&) = delete;

    // "host=127.0.0.1 port=... user=postgres passfile=..."; add " dbname=NAME".
    const std::string& conninfo() const { return m_conninfo; }

private:
    static std::filesystem::path script() { return std::filesystem::path(BENCHSTORE_SOURCE_DIR) / "tools" / "pg-test-server.sh"; }
    void stop() noexcept
    {
        const std::string command = "'" + script().string() + "' stop '" + (m_dir / "pg").string() + "' >/dev/null 2>&1";
        if (std::system(command.c_str()) != 0) std::cerr << "warning: could not stop the server in " << m_dir << "\n";
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }

    std::filesystem::path m_dir;
    std::string m_conninfo;
};

} // namespace benchstore::speed
