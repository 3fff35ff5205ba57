#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>  // renameat2

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

#include "benchstore/error.hpp"

namespace benchstore {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* what, int err)
{
    throw OutputError(path.string() + ": " + what + ": " + std::strerror(err));
}

// The temporary files this process has open, for a signal handler to remove: fixed slots of plain
// characters, so that the handler reads no memory that can be freed under it.
struct TempSlot {
    std::atomic<int> state{0};  // 0 free, 1 being filled, 2 holds a live temporary's path
    char path[PATH_MAX];
};
std::array<TempSlot, 32> g_temps;

int register_temp(const std::string& path)
{
    if (path.size() >= PATH_MAX) return -1;
    for (std::size_t i = 0; i < g_temps.size(); ++i) {
        int expected = 0;
        if (!g_temps[i].state.compare_exchange_strong(expected, 1)) continue;
        std::memcpy(g_temps[i].path, path.c_str(), path.size() + 1);
        g_temps[i].state.store(2);
        return static_cast<int>(i);
    }
    return -1;  // more than 32 at once: the destructors still remove them, a signal does not
}

void unregister_temp(int slot)
{
    if (slot >= 0) g_temps[static_cast<std::size_t>(slot)].state.store(0);
}

extern "C" void remove_temps_and_die(int sig)
{
    for (auto& slot : g_temps)
        if (slot.state.load() == 2) ::unlink(slot.path);
    ::signal(sig, SIG_DFL);
    ::raise(sig);  // delivered when the handler returns: the process ends with the signal's status
}

// ".NAME.tmp-PID-XXXXXX": the writer's pid is in the name.
const std::regex temp_name(R"(^\..+\.tmp-([0-9]+)-[A-Za-z0-9]{6}$)");

bool process_exists(long pid)
{
    return pid > 0 && pid <= INT_MAX && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

} // namespace

AtomicFile::AtomicFile(std::filesystem::path final_path, unsigned mode) : m_final(std::move(final_path))
{
    std::string pattern = (m_final.parent_path() / ("." + m_final.filename().string() + ".tmp-" +
                                                    std::to_string(::getpid()) + "-XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    // The file exists from mkostemp on, but the signal handler knows it only once it is registered: the
    // cleanup signals wait until then (a Ctrl-C in between would otherwise leave this temporary behind).
    sigset_t cleanup_signals, before;
    sigemptyset(&cleanup_signals);
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&cleanup_signals, sig);
    ::pthread_sigmask(SIG_BLOCK, &cleanup_signals, &before);
    m_fd = ::mkostemp(name.data(), O_CLOEXEC);
    const int create_errno = errno;
    if (m_fd >= 0) {
        m_temp = name.data();
        m_slot = register_temp(m_temp.string());
    }
    ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
    if (m_fd < 0) fail(m_final.parent_path(), "cannot create a file in the output folder", create_errno);
    // Held until the file is closed: a later writer in the folder sees that this one is alive.
    ::flock(m_fd, LOCK_EX | LOCK_NB);
    ::fchmod(m_fd, static_cast<mode_t>(mode));
}

AtomicFile::~AtomicFile()
{
    // Removed before the handler forgets it: a signal in between finds a path that is already gone.
    if (!m_published && !m_temp.empty()) ::unlink(m_temp.c_str());
    unregister_temp(m_slot);
    if (m_fd >= 0) ::close(m_fd);
}

void AtomicFile::write(std::string_view bytes)
{
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(m_fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(m_final, "cannot write", errno);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

// The descriptor, and with it the flock, stays open until publish() has renamed the file: a cleaner
// never sees the temporary of a live writer unlocked.
void AtomicFile::sync()
{
    if (::fsync(m_fd) != 0) fail(m_final, "cannot write", errno);
}

void AtomicFile::publish()
{
    // Never replace a file: two writers in the same second into one folder must not overwrite each
    // other's results. RENAME_NOREPLACE is atomic; file systems without it get a check-then-rename.
    if (::renameat2(AT_FDCWD, m_temp.c_str(), AT_FDCWD, m_final.c_str(), RENAME_NOREPLACE) != 0) {
        const int err = errno;
        if (err == EEXIST) fail(m_final, "already exists; not replaced", err);
        if (err != EINVAL && err != ENOSYS) fail(m_final, "cannot rename into place", err);
        std::error_code ec;
        if (std::filesystem::exists(m_final, ec)) fail(m_final, "already exists; not replaced", EEXIST);
        if (::rename(m_temp.c_str(), m_final.c_str()) != 0) fail(m_final, "cannot rename into place", errno);
    }
    m_published = true;
    unregister_temp(m_slot);
    m_slot = -1;
    const int rc = ::close(m_fd);
    m_fd = -1;
    if (rc != 0) fail(m_final, "cannot write", errno);
}

void AtomicFile::unpublish()
{
    if (m_published) ::unlink(m_final.c_str());
    m_published = false;
    m_temp.clear();
}

std::size_t remove_abandoned_temporaries(const std::filesystem::path& dir)
{
    std::size_t removed = 0;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::smatch m;
        const std::string name = it->path().filename().string();
        if (!std::regex_match(name, m, temp_name)) continue;
        if (process_exists(std::stol(m[1].str()))) continue;  // alive, or its pid reused: never touched
        // The writer holds an exclusive flock while it writes; a writer on another machine sharing the
        // folder has another pid space, but its lock still shows.
        const int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) continue;
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::unlink(it->path().c_str()) == 0) ++removed;
        ::close(fd);
    }
    return removed;
}

void remove_temporaries_on_signals()
{
    struct sigaction sa {};
    sa.sa_handler = remove_temps_and_die;
    sigemptyset(&sa.sa_mask);
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sa.sa_mask, sig);
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

void sync_directory(const std::filesystem::path& dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail(dir, "cannot open output folder", errno);
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) fail(dir, "cannot sync output folder", err);
}

} // namespace benchstore
