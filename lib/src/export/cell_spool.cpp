#include "export/cell_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "benchstore/error.hpp"

namespace benchstore::export_ {
namespace {

// The fixed part of a record, followed by `length` bytes of cells.
struct RecordHead {
    std::int64_t row_id;
    std::uint64_t count;
    std::uint64_t length;
};

std::FILE* open_scratch(const std::filesystem::path& dir)
{
    const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) {
        if (std::FILE* file = ::fdopen(fd, "w+b")) return file;
        ::close(fd);
    }
    return std::tmpfile();  // a filesystem without O_TMPFILE
}

} // namespace

std::unique_ptr<CellSpool> CellSpool::create(const std::filesystem::path& dir)
{
    std::FILE* file = open_scratch(dir);
    if (!file) return nullptr;
    return std::unique_ptr<CellSpool>(new CellSpool(file, dir));
}

CellSpool::~CellSpool() { std::fclose(m_file); }

void CellSpool::fail(const char* what) const
{
    throw OutputError(m_dir.string() + ": cannot " + what + " the export's scratch file: " + std::strerror(errno));
}

void CellSpool::append(std::int64_t row_id, std::size_t count, std::string_view cells)
{
    const RecordHead head{row_id, count, cells.size()};
    if (std::fwrite(&head, sizeof head, 1, m_file) != 1 ||
        (!cells.empty() && std::fwrite(cells.data(), cells.size(), 1, m_file) != 1))
        fail("write");
}

void CellSpool::rewind()
{
    if (std::fflush(m_file) != 0) fail("write");
    if (std::fseek(m_file, 0, SEEK_SET) != 0) fail("read");
}

bool CellSpool::next(std::int64_t& row_id, std::size_t& count, std::string& cells)
{
    RecordHead head{};
    if (std::fread(&head, sizeof head, 1, m_file) != 1) {
        if (std::ferror(m_file)) fail("read");
        return false;
    }
    cells.resize(head.length);
    if (head.length && std::fread(cells.data(), head.length, 1, m_file) != 1) fail("read");
    row_id = head.row_id;
    count = head.count;
    return true;
}

} // namespace benchstore::export_
