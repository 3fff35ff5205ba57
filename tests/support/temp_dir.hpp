#pragma once
// A temporary folder for one test, removed with everything in it when the object goes away
// (ninja's ScopedTempDir). Real files on a real file system: no fakes of SQLite.
#include <filesystem>
#include <string>

namespace benchstore::test {

class TempDir {
public:
    // Creates a fresh folder under $TMPDIR (or /tmp) named benchstore-<prefix>-XXXXXX.
    explicit TempDir(const std::string& prefix = "test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

} // namespace benchstore::test
