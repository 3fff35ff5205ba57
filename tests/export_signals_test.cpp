#define BOOST_TEST_MODULE export_signals
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>
#include <vector>

#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore::test;
namespace fs = std::filesystem;

namespace {

const std::string exporter = std::string(BENCHSTORE_BINARY_DIR) + "/tools/benchstore-export";

// Hidden temporaries (".NAME.tmp-…") and final files in dir, as "temps/finals".
struct Files {
    int temps = 0, finals = 0;
    bool operator==(const Files&) const = default;
};
std::ostream& operator<<(std::ostream& out, const Files& f) { return out << f.temps << "/" << f.finals; }

Files files(int temps, int finals) { return {temps, finals}; }

// With owner, only the temporaries of that export (its pid is in their names).
Files count_files(const fs::path& dir, pid_t owner = 0)
{
    Files f;
    std::error_code ec;
    const std::string mark = ".tmp-" + std::to_string(owner) + "-";
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name[0] != '.') ++f.finals;
        else if (owner == 0 || name.find(mark) != std::string::npos) ++f.temps;
    }
    return f;
}

pid_t start_export(const fs::path& db, const fs::path& out)
{
    ChildOptions quiet;
    quiet.out = Redirect::discard();
    return spawn_child({exporter, "--db", db.string(), "--out", out.string()}, quiet);
}

// Starts an export and stops it (SIGSTOP) while its four temporaries exist and none is published:
// whatever arrives next arrives mid-export, however loaded the machine. Returns the stopped pid.
pid_t export_stopped_midway(const fs::path& db, const fs::path& out)
{
    std::set<fs::path> before;  // what the folder held before: a missed attempt leaves nothing beside it
    for (const auto& e : fs::directory_iterator(out)) before.insert(e.path());
    for (int attempt = 0; attempt < 20; ++attempt) {
        const pid_t pid = start_export(db, out);
        for (;;) {
            // All four of its own temporaries there: created, and none renamed into place yet.
            if (count_files(out, pid).temps == 4) {
                kill(pid, SIGSTOP);
                if (count_files(out, pid).temps == 4) return pid;
                break;
            }
            int status = 0;
            if (waitpid(pid, &status, WNOHANG) == pid) break;  // finished before we caught it
            std::this_thread::yield();
        }
        // Missed (on a loaded machine it may have published some files, or all): remove what it wrote.
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        std::vector<fs::path> written;
        for (const auto& e : fs::directory_iterator(out))
            if (!before.count(e.path())) written.push_back(e.path());
        for (const auto& p : written) fs::remove(p);
    }
    BOOST_FAIL("could not catch an export midway");
    return -1;
}

struct BigStore {
    TempDir dir{"exsig"};
    fs::path db = dir / "b.db";
    BigStore() { add_rows(db, StoreShape{20, 20000, 2}, 3); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(export_signals, BigStore)

BOOST_AUTO_TEST_CASE(a_signal_removes_the_exports_temporary_files)
{
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
        BOOST_TEST_CONTEXT("signal " << sig)
        {
            const fs::path out = dir / ("out" + std::to_string(sig));
            fs::create_directory(out);
            const pid_t pid = export_stopped_midway(db, out);
            kill(pid, sig);
            kill(pid, SIGCONT);
            BOOST_TEST(wait_child(pid) == 128 + sig);  // the signal's conventional status
            BOOST_TEST(count_files(out) == files(0, 0));
        }
    }
}

BOOST_AUTO_TEST_CASE(the_next_export_removes_a_killed_exports_leftovers_but_not_a_live_ones)
{
    const fs::path out = dir / "out";
    fs::create_directory(out);
    const pid_t killed = export_stopped_midway(db, out);
    kill(killed, SIGKILL);
    BOOST_TEST(wait_child(killed) == 128 + SIGKILL);
    BOOST_TEST(count_files(out) == files(4, 0));  // kill -9 leaves them
    {
        const pid_t next = start_export(db, out);  // the next export into the folder removes them
        BOOST_TEST(wait_child(next) == 0);
        BOOST_TEST(count_files(out) == files(0, 4));
    }

    // Another export, stopped with its own four (it removed the killed one's first).
    const pid_t live = export_stopped_midway(db, out);
    BOOST_TEST(count_files(out) == files(4, 4));
    BOOST_TEST(count_files(out, live).temps == 4);
    const pid_t next = start_export(db, out);
    BOOST_TEST(wait_child(next) == 0);
    // The live one's four stay, beside the next export's files.
    BOOST_TEST(count_files(out, live) == files(4, 8));
    // Resumed, it publishes its files, or (when the next export took this second's names meanwhile)
    // refuses to replace them; either way it leaves no temporary.
    kill(live, SIGCONT);
    const int status = wait_child(live);
    BOOST_TEST((status == 0 || status == 1));
    BOOST_TEST(count_files(out).temps == 0);
}

BOOST_AUTO_TEST_SUITE_END()
