#include "report/page_file.hpp"

#include "benchstore/error.hpp"

namespace benchstore::report {
namespace {

constexpr std::size_t buffer_limit = std::size_t{1} << 20;

std::filesystem::path checked(std::filesystem::path path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw OutputError(path.string() + ": is a folder, not a file name");
    if (std::filesystem::exists(path, ec))
        throw OutputError(path.string() + ": already exists; not replaced (remove it or choose another --out)");
    return path;
}

} // namespace

PageFile::PageFile(std::filesystem::path final_path) : m_file(checked(std::move(final_path)))
{
    m_buffer.reserve(buffer_limit + 4096);
}

void PageFile::write(std::string_view text)
{
    m_buffer.append(text);
    m_size += text.size();
    if (m_buffer.size() >= buffer_limit) flush();
}

void PageFile::flush()
{
    m_file.write(m_buffer);
    m_buffer.clear();
}

void PageFile::commit()
{
    flush();
    m_file.sync();
    m_file.publish();
    const auto folder = m_file.final_path().parent_path();
    sync_directory(folder.empty() ? std::filesystem::path(".") : folder);
}

} // namespace benchstore::report
