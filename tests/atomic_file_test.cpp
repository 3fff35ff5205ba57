#define BOOST_TEST_MODULE atomic_file
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "benchstore/error.hpp"
#include "core/atomic_file.hpp"
#include "support/export_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::TempDir;
using benchstore::test::read_file;

namespace {

std::size_t files_in(const std::filesystem::path& dir)
{
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(atomic_file)

BOOST_AUTO_TEST_CASE(appears_complete_under_its_name_only_when_published)
{
    TempDir dir;
    AtomicFile f(dir / "page.html", 0640);
    f.write("<html>");
    f.write("</html>\n");
    BOOST_TEST(!std::filesystem::exists(dir / "page.html"));
    BOOST_TEST(f.temp_path().parent_path() == dir.path());
    BOOST_TEST(f.temp_path().filename().string().rfind(".page.html.tmp-", 0) == 0u);
    f.sync();
    f.publish();
    BOOST_TEST(read_file(dir / "page.html") == "<html></html>\n");
    struct stat st{};
    BOOST_REQUIRE(::stat((dir / "page.html").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0640u);
    BOOST_TEST(files_in(dir.path()) == 1u);
    sync_directory(dir.path());
}

BOOST_AUTO_TEST_CASE(destroyed_unpublished_leaves_nothing)
{
    TempDir dir;
    {
        AtomicFile f(dir / "x.csv");
        f.write("half");
        BOOST_TEST(files_in(dir.path()) == 1u);
    }
    BOOST_TEST(files_in(dir.path()) == 0u);
}

BOOST_AUTO_TEST_CASE(never_replaces_an_existing_file)
{
    TempDir dir;
    AtomicFile first(dir / "r.txt");
    first.write("first");
    first.sync();
    first.publish();
    {
        AtomicFile second(dir / "r.txt");
        second.write("second");
        second.sync();
        BOOST_CHECK_THROW(second.publish(), OutputError);
    }
    BOOST_TEST(read_file(dir / "r.txt") == "first");
    BOOST_TEST(files_in(dir.path()) == 1u);
    first.unpublish();
    BOOST_TEST(files_in(dir.path()) == 0u);
}

BOOST_AUTO_TEST_CASE(missing_folder_is_an_output_error)
{
    TempDir dir;
    BOOST_CHECK_THROW(AtomicFile(dir / "no/such/x.csv"), OutputError);
    BOOST_CHECK_THROW(sync_directory(dir / "none"), OutputError);
}

BOOST_AUTO_TEST_SUITE_END()
