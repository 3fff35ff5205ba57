#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>  // renameat2

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "benchstore/error.hpp"

namespace benchstore {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const char* what, int err)
{
    throw OutputError(path.string() + ": " + what + ": " + std::strerror(err));
}

} // namespace

AtomicFile::AtomicFile(std::filesystem::path final_path, unsigned mode) : m_final(std::move(final_path))
{
    std::string pattern = (m_final.parent_path() / ("." + m_final.filename().string() + ".tmp-XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    m_fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (m_fd < 0) fail(m_final.parent_path(), "cannot create a file in the output folder", errno);
    m_temp = name.data();
    ::fchmod(m_fd, static_cast<mode_t>(mode));
}

AtomicFile::~AtomicFile()
{
    if (m_fd >= 0) ::close(m_fd);
    if (!m_published && !m_temp.empty()) ::unlink(m_temp.c_str());
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

void AtomicFile::sync()
{
    if (::fsync(m_fd) != 0) fail(m_final, "cannot write", errno);
    const int rc = ::close(m_fd);
    m_fd = -1;
    if (rc != 0) fail(m_final, "cannot write", errno);
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
}

void AtomicFile::unpublish()
{
    if (m_published) ::unlink(m_final.c_str());
    m_published = false;
    m_temp.clear();
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
