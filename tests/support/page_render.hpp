#pragma once
// The report tests' one check that a page renders: loaded in headless Chromium with the network off,
// no script error, and every chart drawn (the page's own marker, then a screenshot with
// chart-coloured pixels inside every chart's canvas). Shared by the store's and the server's report
// tests. Uses Boost.Test assertions.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "support/png_image.hpp"
#include "support/temp_dir.hpp"

namespace benchstore::test {

// A chart's plotting area as the page reports it (data-rect on each canvas), in CSS pixels.
struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
};

std::vector<Rect> chart_rects(const std::string& dom);

// Pixels of a colour no axis, grid or text is drawn in: the chart lines and markers. Counted inside
// the plotting area the page reports (data-rect), so the legend's coloured keys do not count.
int coloured_pixels(const PngImage& image, const Rect& r);

// Checks page as above and returns its DOM after the scripts ran.
std::string check_rendered(const TempDir& dir, const std::filesystem::path& page, std::size_t expected_charts);

} // namespace benchstore::test
