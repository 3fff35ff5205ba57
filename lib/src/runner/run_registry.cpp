#include "runner/run_registry.hpp"

#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "benchstore/error.hpp"
#include "benchstore/timestamp.hpp"
#include "store/run_rows.hpp"
#include "store/sqlite_store.hpp"

namespace benchstore::runner {
namespace {

std::string boot_id()
{
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;
}

// Field 22 of /proc/PID/stat; the command name (field 2) may hold spaces and parentheses, so count
// from the last ')'. Zero when there is no such process.
std::int64_t start_ticks(std::int64_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(in, text)) return 0;
    const auto close = text.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i)
        if (i == 22) return std::stoll(field);
    return 0;
}

} // namespace

ProcessIdentity this_process()
{
    ProcessIdentity p{boot_id(), static_cast<std::int64_t>(getpid()), 0};
    p.start_ticks = start_ticks(p.pid);
    if (p.boot_id.empty() || p.start_ticks == 0) throw Error("cannot read this process's identity from /proc");
    return p;
}

bool is_alive(const ProcessIdentity& identity)
{
    return identity.boot_id == boot_id() && identity.start_ticks != 0 && start_ticks(identity.pid) == identity.start_ticks;
}

void record_run(const std::filesystem::path& db, const std::string& run_id, const std::string& host)
{
    const ProcessIdentity me = this_process();
    try {
        auto conn = store::open_store(db, store::OpenMode::read_write);
        store::insert_run(conn, {run_id, host, me.boot_id, me.pid, me.start_ticks, format_timestamp(now_utc())});
    } catch (const SQLite::Exception& e) {
        throw StoreError(db.string() + ": cannot record the run: " + e.what());
    }
}

std::vector<OrphanedBenchmark> orphaned_benchmarks(const std::filesystem::path& db, const std::string& host)
{
    std::vector<store::RunningBenchmark> running;
    try {
        auto conn = store::open_store(db, store::OpenMode::read_only);
        running = store::running_benchmarks_of_host(conn, host);
    } catch (const SQLite::Exception& e) {
        throw StoreError(db.string() + ": cannot read the store's runs: " + e.what());
    }
    std::map<std::string, bool> alive;  // per run: /proc is read once
    std::vector<OrphanedBenchmark> out;
    for (auto& b : running) {
        auto it = alive.find(b.run_id);
        if (it == alive.end()) it = alive.emplace(b.run_id, is_alive({b.boot_id, b.pid, b.pid_start})).first;
        if (!it->second) out.push_back({std::move(b.benchmark_id), b.run_id});
    }
    return out;
}

} // namespace benchstore::runner
