#include "support/page_render.hpp"

#include <algorithm>
#include <regex>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "support/chromium.hpp"
#include "support/png_image.hpp"

namespace benchstore::test {

std::vector<Rect> chart_rects(const std::string& dom)
{
    std::vector<Rect> rects;
    const std::regex rect(R"re(data-rect="(-?\d+),(-?\d+),(\d+),(\d+)")re");
    for (std::sregex_iterator it(dom.begin(), dom.end(), rect), end; it != end; ++it)
        rects.push_back({std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3]), std::stoi((*it)[4])});
    return rects;
}

int coloured_pixels(const PngImage& image, const Rect& r)
{
    int n = 0;
    for (int y = std::max(r.y, 0); y < std::min(r.y + r.h, image.height()); ++y)
        for (int x = std::max(r.x, 0); x < std::min(r.x + r.w, image.width()); ++x) {
            const auto p = image.at(x, y);
            if (std::max({p.r, p.g, p.b}) - std::min({p.r, p.g, p.b}) > 60) ++n;
        }
    return n;
}

std::string check_rendered(const TempDir& dir, const std::filesystem::path& page, std::size_t expected_charts)
{
    const std::string dom = chromium_dom(page, dir.path());
    BOOST_TEST(!root_attribute(dom, "data-js-errors"), *root_attribute(dom, "data-js-errors"));
    BOOST_TEST(root_attribute(dom, "data-charts").value_or("?") == std::to_string(expected_charts));
    BOOST_TEST(root_attribute(dom, "data-charts-drawn").value_or("?") == std::to_string(expected_charts));
    const auto rects = chart_rects(dom);
    BOOST_TEST_REQUIRE(rects.size() == expected_charts);
    if (expected_charts == 0) return dom;
    const int height = std::stoi(root_attribute(dom, "data-page-height").value_or("1000"));
    const auto png = dir / "page.png";
    chromium_screenshot(page, png, height, dir.path());
    const PngImage image(png);
    BOOST_TEST(image.width() == browser_width);
    for (const auto& r : rects) {
        BOOST_TEST(r.w > 100);
        BOOST_TEST(r.h > 100);
        BOOST_TEST(coloured_pixels(image, r) >= 12, "chart at " << r.x << "," << r.y << " has nothing drawn");
    }
    return dom;
}

} // namespace benchstore::test
