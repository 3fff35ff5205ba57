#include "report/page_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "benchstore/error.hpp"
#include "export/csv_file.hpp"

namespace benchstore::report {
namespace {

constexpr std::size_t buffer_limit = std::size_t{1} << 20;

[[noreturn]] void fail(const std::filesystem::path& path, const char* what, int err)
{
    throw OutputError(path.string() + ": " + what + ": " + std::strerror(err));
}

std::filesystem::path folder_of(const std::filesystem::path& path)
{
    return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

} // namespace

PageFile::PageFile(std::filesystem::path final_path) : m_final(std::move(final_path))
{
    std::error_code ec;
    if (std::filesystem::is_directory(m_final, ec)) fail(m_final, "is a folder", EISDIR);
    std::string pattern = (folder_of(m_final) / ("." + m_final.filename().string() + ".tmp-XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    m_fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (m_fd < 0) fail(m_final, "cannot create the page", errno);
    m_temp = name.data();
    ::fchmod(m_fd, 0644);  // mkstemp makes 0600; a report is meant to be handed over
    m_buffer.reserve(buffer_limit + 4096);
}

PageFile::~PageFile()
{
    if (m_fd >= 0) ::close(m_fd);
    if (!m_temp.empty()) ::unlink(m_temp.c_str());
}

void PageFile::write(std::string_view text)
{
    m_buffer.append(text);
    m_size += text.size();
    if (m_buffer.size() >= buffer_limit) flush();
}

void PageFile::flush()
{
    const char* p = m_buffer.data();
    std::size_t left = m_buffer.size();
    while (left > 0) {
        const ssize_t n = ::write(m_fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(m_final, "cannot write", errno);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    m_buffer.clear();
}

void PageFile::commit()
{
    flush();
    if (::fsync(m_fd) != 0) fail(m_final, "cannot write", errno);
    const int rc = ::close(m_fd);
    m_fd = -1;
    if (rc != 0) fail(m_final, "cannot write", errno);
    if (std::rename(m_temp.c_str(), m_final.c_str()) != 0) fail(m_final, "cannot rename into place", errno);
    m_temp.clear();
    csv::sync_directory(folder_of(m_final));
}

} // namespace benchstore::report
