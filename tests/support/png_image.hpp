#pragma once
// Reading a PNG screenshot (as headless Chromium writes them: 8-bit RGB or RGBA, not interlaced)
// into pixels, so a test can check what a page really drew. zlib inflates; the five PNG row
// filters are undone here.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace benchstore::test {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
};

class PngImage {
public:
    // Throws std::runtime_error for a file that is not such a PNG.
    explicit PngImage(const std::filesystem::path& path);

    int width() const { return m_width; }
    int height() const { return m_height; }
    Rgb at(int x, int y) const;

private:
    int m_width = 0;
    int m_height = 0;
    int m_channels = 0;
    std::vector<std::uint8_t> m_pixels;  // rows of width * channels bytes
};

} // namespace benchstore::test
