#define BOOST_TEST_MODULE store_check
#include <boost/test/unit_test.hpp>

#include <SQLiteCpp/Database.h>

#include "benchstore/error.hpp"
#include "store/store_check.hpp"
#include "support/damaged_store.hpp"
#include "support/temp_dir.hpp"

using namespace benchstore;
using benchstore::test::TempDir;

namespace {

// Forces the bounded sample on a small file.
store::PageCheckLimits sample_only()
{
    store::PageCheckLimits l;
    l.full_check_limit = 0;
    return l;
}

std::string refusal(const std::filesystem::path& db, const store::PageCheckLimits& limits)
{
    try {
        store::check_store_pages(db, limits);
    } catch (const StoreError& e) {
        return e.what();
    }
    return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(store_check)

BOOST_AUTO_TEST_CASE(a_sound_store_passes_both_checks)
{
    TempDir dir;
    test::make_store_with_rows(dir / "b.db", 3000);
    BOOST_CHECK_NO_THROW(store::check_store_pages(dir / "b.db"));
    BOOST_CHECK_NO_THROW(store::check_store_pages(dir / "b.db", sample_only()));
    BOOST_CHECK_NO_THROW(store::check_store_pages(dir / "missing.db"));  // the runner creates it
}

BOOST_AUTO_TEST_CASE(quick_check_refuses_a_damaged_leaf_page)
{
    TempDir dir;
    test::make_store_with_rows(dir / "b.db", 3000);
    test::damage_a_leaf_page(dir / "b.db", "device_measurements");
    const std::string message = refusal(dir / "b.db", {});
    BOOST_TEST(message.find((dir / "b.db").string() + ": the store is damaged (PRAGMA quick_check: ") == 0u, message);
    BOOST_TEST(message.find(".recover") != std::string::npos);
    BOOST_TEST(message.find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_bounded_sample_reads_the_newest_pages_of_a_big_store)
{
    TempDir dir;
    test::make_store_with_rows(dir / "b.db", 3000);  // fewer rows than the two ends of the sample
    test::damage_a_leaf_page(dir / "b.db", "device_measurements");
    const std::string message = refusal(dir / "b.db", sample_only());
    BOOST_TEST(message.find((dir / "b.db").string() + ": the store is damaged (") == 0u, message);
}

BOOST_AUTO_TEST_SUITE_END()
