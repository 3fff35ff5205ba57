#define BOOST_TEST_MODULE read_only_store
#include <boost/test/unit_test.hpp>

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/export_fixture.hpp"
#include "support/postgres_server.hpp"
#include "support/sync_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore::test;
namespace fs = std::filesystem;

namespace {

const std::string bin = BENCHSTORE_BINARY_DIR;

std::string slurp(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A store in a folder the reader can read but not write: as root, the reader is the `nobody` user
// (root may write anywhere); otherwise the folder and file lose their write bits. Output goes to a
// folder everyone may write.
struct ReadOnlyStore {
    TempDir dir{"ro"};
    fs::path folder = dir / "store";
    fs::path store = folder / "b.db";
    fs::path out = dir / "out";
    std::string as_reader = getuid() == 0 ? "runuser -u nobody -- " : "";

    ReadOnlyStore()
    {
        fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                        fs::perms::others_read | fs::perms::others_exec);
        fs::create_directory(folder);
        fs::create_directory(out);
        fs::permissions(out, fs::perms::all);
        add_rows(store, StoreShape{3, 50, 2}, 7);
    }
    void lock()
    {
        if (getuid() != 0) {
            fs::permissions(store, fs::perms::owner_write, fs::perm_options::remove);
            fs::permissions(folder, fs::perms::owner_write, fs::perm_options::remove);
        }
    }
    ~ReadOnlyStore()
    {
        std::error_code ec;
        fs::permissions(folder, fs::perms::owner_all, fs::perm_options::add, ec);
    }
    CommandResult run(const std::string& args) const
    {
        return run_command(as_reader + bin + args, dir.path());
    }
    bool nothing_beside_the_store() const
    {
        return !fs::exists(store.string() + "-wal") && !fs::exists(store.string() + "-shm");
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(read_only_store)

BOOST_AUTO_TEST_CASE(export_reads_a_store_the_user_cannot_write_and_leaves_nothing_beside_it)
{
    ReadOnlyStore s;
    s.lock();
    const std::string before = slurp(s.store);
    const auto r = s.run("/tools/benchstore-export --db " + shell_quote(s.store.string()) + " --out " +
                         shell_quote(s.out.string()));
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("(3 rows)") != std::string::npos, r.out);
    BOOST_TEST(s.nothing_beside_the_store());
    BOOST_TEST(slurp(s.store) == before);
}

BOOST_AUTO_TEST_CASE(export_of_a_writable_store_leaves_no_wal_or_shm_files)
{
    ReadOnlyStore s;  // not locked: the reader here is the store's owner
    const auto r = run_command(bin + "/tools/benchstore-export --db " + shell_quote(s.store.string()) + " --out " +
                                   shell_quote(s.out.string()),
                               s.dir.path());
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(s.nothing_beside_the_store());
}

BOOST_AUTO_TEST_CASE(export_reads_a_store_on_a_read_only_mount)
{
    ReadOnlyStore s;
    const fs::path mount_point = s.dir / "mnt";
    fs::create_directory(mount_point);
    if (getuid() != 0 || ::mount(s.folder.c_str(), mount_point.c_str(), nullptr, MS_BIND, nullptr) != 0) {
        BOOST_TEST_MESSAGE("no bind mount here (needs root and CAP_SYS_ADMIN): covered by the unprivileged reader");
        return;
    }
    const bool read_only = ::mount(nullptr, mount_point.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) == 0;
    const auto r = run_command(bin + "/tools/benchstore-export --db " + shell_quote((mount_point / "b.db").string()) +
                                   " --out " + shell_quote(s.out.string()),
                               s.dir.path());
    ::umount(mount_point.c_str());
    BOOST_TEST_REQUIRE(read_only);
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(s.nothing_beside_the_store());
}

BOOST_AUTO_TEST_CASE(a_write_ahead_log_that_needs_recovery_is_explained)
{
    ReadOnlyStore s;
    // A writer killed outright leaves its last rows in b.db-wal; carried out without the -shm file,
    // they can only be recovered by a process that may write there.
    const auto w = run_command("timeout -s KILL 1 " + bin + "/tests/record_until_killed " + shell_quote(s.store.string()) +
                                   " > /dev/null",
                               s.dir.path());
    BOOST_TEST_REQUIRE(fs::file_size(s.store.string() + "-wal") > 0u);
    fs::remove(s.store.string() + "-shm");
    s.lock();
    const auto r = s.run("/tools/benchstore-export --db " + shell_quote(s.store.string()) + " --out " +
                         shell_quote(s.out.string()));
    if (getuid() != 0 && r.exit_code == 0) return;  // (a file system that ignores the owner's write bits)
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.err.find("its write-ahead log (" + s.store.string() + "-wal) holds changes not yet in the file") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

BOOST_AUTO_TEST_CASE(sync_sends_a_store_the_user_cannot_write)
{
    auto& pg = shared_postgres();
    ReadOnlyStore s;
    s.lock();
    const auto conninfo = pg.conninfo(pg.create_database());
    const auto r = s.run("/tools/benchstore-sync --db " + shell_quote(s.store.string()) + " --dsn " + shell_quote(conninfo));
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(s.nothing_beside_the_store());
    BOOST_TEST(compare_with_server({s.store}, conninfo) == "");
}

BOOST_AUTO_TEST_SUITE_END()
