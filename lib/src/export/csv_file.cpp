#include "export/csv_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>  // renameat2

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include "benchstore/error.hpp"

namespace benchstore::csv {
namespace {

constexpr std::size_t buffer_limit = std::size_t{1} << 20;

[[noreturn]] void fail(const std::filesystem::path& path, const char* what, int err)
{
    throw OutputError(path.string() + ": " + what + ": " + std::strerror(err));
}

bool needs_quotes(std::string_view value)
{
    return value.find_first_of(",\"\r\n") != std::string_view::npos;
}

} // namespace

CsvFile::CsvFile(std::filesystem::path final_path) : m_final(std::move(final_path))
{
    std::string pattern = (m_final.parent_path() / ("." + m_final.filename().string() + ".tmp-XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    m_fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (m_fd < 0) fail(m_final.parent_path(), "cannot create a file in the output folder", errno);
    m_temp = name.data();
    ::fchmod(m_fd, 0644);  // mkstemp makes 0600; the results are meant to be handed over
    m_buffer.reserve(buffer_limit + 4096);
}

CsvFile::~CsvFile()
{
    if (m_fd >= 0) ::close(m_fd);
    if (!m_published && !m_temp.empty()) ::unlink(m_temp.c_str());
}

void CsvFile::separator()
{
    if (m_row_started) m_buffer.push_back(',');
    m_row_started = true;
}

void CsvFile::text(std::string_view value)
{
    separator();
    if (!needs_quotes(value)) {
        m_buffer.append(value);
        return;
    }
    m_buffer.push_back('"');
    for (char c : value) {
        if (c == '"') m_buffer.push_back('"');
        m_buffer.push_back(c);
    }
    m_buffer.push_back('"');
}

void CsvFile::plain(std::string_view value)
{
    separator();
    m_buffer.append(value);
}

void CsvFile::number(double value)
{
    separator();
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    m_buffer.append(buf, result.ptr);
}

void CsvFile::integer(std::int64_t value)
{
    separator();
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    m_buffer.append(buf, result.ptr);
}

void CsvFile::empty() { separator(); }

void CsvFile::end_header()
{
    m_buffer.push_back('\n');
    m_row_started = false;
    if (m_buffer.size() >= buffer_limit) flush();
}

void CsvFile::end_row()
{
    end_header();
    ++m_rows;
}

void CsvFile::flush()
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

void CsvFile::sync()
{
    flush();
    if (::fsync(m_fd) != 0) fail(m_final, "cannot write", errno);
    if (::close(m_fd) != 0) {
        m_fd = -1;
        fail(m_final, "cannot write", errno);
    }
    m_fd = -1;
}

void CsvFile::publish()
{
    // Never replace a file: two exports in the same second into one folder must not overwrite each
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

void CsvFile::unpublish()
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

} // namespace benchstore::csv
