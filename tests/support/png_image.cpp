#include "support/png_image.hpp"

#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace benchstore::test {
namespace {

std::uint32_t be32(const std::uint8_t* p)
{
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

std::uint8_t paeth(int a, int b, int c)
{
    const int p = a + b - c;
    const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    if (pa <= pb && pa <= pc) return static_cast<std::uint8_t>(a);
    return static_cast<std::uint8_t>(pb <= pc ? b : c);
}

} // namespace

PngImage::PngImage(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto bad = [&](const std::string& why) { return std::runtime_error(path.string() + ": " + why); };
    static const std::uint8_t signature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (file.size() < 8 || !std::equal(signature, signature + 8, file.begin())) throw bad("not a PNG file");
    std::vector<std::uint8_t> compressed;
    for (std::size_t at = 8; at + 12 <= file.size();) {
        const std::uint32_t length = be32(&file[at]);
        const std::string type(reinterpret_cast<const char*>(&file[at + 4]), 4);
        const std::uint8_t* data = &file[at + 8];
        if (at + 12 + length > file.size()) throw bad("truncated chunk");
        if (type == "IHDR") {
            m_width = static_cast<int>(be32(data));
            m_height = static_cast<int>(be32(data + 4));
            if (data[8] != 8 || (data[9] != 2 && data[9] != 6) || data[12] != 0)
                throw bad("only 8-bit RGB/RGBA non-interlaced PNGs are read");
            m_channels = data[9] == 6 ? 4 : 3;
        } else if (type == "IDAT") {
            compressed.insert(compressed.end(), data, data + length);
        }
        at += 12 + length;
    }
    if (m_channels == 0) throw bad("no IHDR chunk");
    const std::size_t stride = static_cast<std::size_t>(m_width) * m_channels;
    std::vector<std::uint8_t> raw((stride + 1) * m_height);
    uLongf raw_size = raw.size();
    if (uncompress(raw.data(), &raw_size, compressed.data(), compressed.size()) != Z_OK || raw_size != raw.size())
        throw bad("cannot inflate the image data");

    m_pixels.assign(stride * m_height, 0);
    for (int y = 0; y < m_height; ++y) {
        const std::uint8_t filter = raw[y * (stride + 1)];
        const std::uint8_t* src = &raw[y * (stride + 1) + 1];
        std::uint8_t* row = &m_pixels[y * stride];
        const std::uint8_t* up = y > 0 ? &m_pixels[(y - 1) * stride] : nullptr;
        for (std::size_t i = 0; i < stride; ++i) {
            const int a = i >= static_cast<std::size_t>(m_channels) ? row[i - m_channels] : 0;
            const int b = up ? up[i] : 0;
            const int c = up && i >= static_cast<std::size_t>(m_channels) ? up[i - m_channels] : 0;
            int predicted = 0;
            switch (filter) {
            case 0: predicted = 0; break;
            case 1: predicted = a; break;
            case 2: predicted = b; break;
            case 3: predicted = (a + b) / 2; break;
            case 4: predicted = paeth(a, b, c); break;
            default: throw bad("unknown row filter " + std::to_string(filter));
            }
            row[i] = static_cast<std::uint8_t>(src[i] + predicted);
        }
    }
}

Rgb PngImage::at(int x, int y) const
{
    const std::uint8_t* p = &m_pixels[(static_cast<std::size_t>(y) * m_width + x) * m_channels];
    return {p[0], p[1], p[2]};
}

} // namespace benchstore::test
