#include "core/uuid.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "benchstore/error.hpp"

namespace benchstore {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

void fill_random(std::uint8_t* out, std::size_t n)
{
    while (n > 0) {
        const ssize_t got = getrandom(out, n, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw Error(std::string("cannot read random bytes from the OS: ") + std::strerror(errno));
        }
        out += got;
        n -= static_cast<std::size_t>(got);
    }
}

std::string to_text(const Bytes& b)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
        s.push_back(hex[b[i] >> 4]);
        s.push_back(hex[b[i] & 0xf]);
    }
    return s;
}

} // namespace

std::string make_uuid_v7()
{
    // Monotonic within the process (RFC 9562 §6.2, method 1): rand_a is a 12-bit counter seeded at
    // random each new millisecond; when it overflows, the timestamp is moved forward by one.
    static std::mutex mutex;
    static std::uint64_t last_ms = 0;
    static std::uint16_t counter = 0;

    Bytes b;
    fill_random(b.data(), b.size());
    std::uint64_t ms;
    std::uint16_t seq;
    {
        std::lock_guard lock(mutex);
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        ms = static_cast<std::uint64_t>(now);
        if (ms > last_ms) {
            last_ms = ms;
            counter = static_cast<std::uint16_t>(((b[6] << 8) | b[7]) & 0x7ff);  // top bit clear: room to count
        } else {
            ms = last_ms;
            if (++counter > 0xfff) {
                ms = ++last_ms;
                counter = 0;
            }
        }
        seq = counter;
    }
    for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
    b[6] = static_cast<std::uint8_t>(0x70 | ((seq >> 8) & 0x0f));
    b[7] = static_cast<std::uint8_t>(seq & 0xff);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    return to_text(b);
}

std::string make_uuid_v4()
{
    Bytes b;
    fill_random(b.data(), b.size());
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    return to_text(b);
}

bool is_uuid(const std::string& text)
{
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

} // namespace benchstore
