#include "sync/copy_binary.hpp"

#include <chrono>
#include <cstring>

#include "benchstore/error.hpp"
#include "benchstore/timestamp.hpp"

namespace benchstore::sync_ {
namespace {

constexpr char header[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";  // signature, flags, extension length
constexpr char trailer[] = "\377\377";
// Days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch.
constexpr std::int64_t pg_epoch_days = 10957;

int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Howard Hinnant's days_from_civil.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// 1..12 -> days in that month of year y.
int days_in_month(int y, int m)
{
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& value)
{
    value = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
        value = value * 10 + (s[i] - '0');
    }
    return true;
}

} // namespace

std::string_view copy_binary_header() { return {header, 19}; }
std::string_view copy_binary_trailer() { return {trailer, 2}; }

void CopyRowWriter::put_u16(std::uint16_t v)
{
    const char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
    m_out.append(b, 2);
}

void CopyRowWriter::put_u32(std::uint32_t v)
{
    const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                       static_cast<char>(v)};
    m_out.append(b, 4);
}

void CopyRowWriter::put_u64(std::uint64_t v)
{
    put_u32(static_cast<std::uint32_t>(v >> 32));
    put_u32(static_cast<std::uint32_t>(v));
}

void CopyRowWriter::begin_row(int fields) { put_u16(static_cast<std::uint16_t>(fields)); }
void CopyRowWriter::add_null() { put_u32(0xFFFFFFFFu); }

void CopyRowWriter::add_int8(std::int64_t value)
{
    put_u32(8);
    put_u64(static_cast<std::uint64_t>(value));
}

void CopyRowWriter::add_float8(double value)
{
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    put_u32(8);
    put_u64(bits);
}

void CopyRowWriter::add_uuid(const unsigned char (&bytes)[16])
{
    put_u32(16);
    m_out.append(reinterpret_cast<const char*>(bytes), 16);
}

void append_row_with_text_uuid(std::string_view row, std::string& out)
{
    // The field count (2 bytes), the uuid's length (4) and its 16 bytes; the other fields follow.
    constexpr std::size_t uuid_end = 2 + 4 + 16;
    static const char hex[] = "0123456789abcdef";
    out.append(row.substr(0, 2));
    CopyRowWriter(out).add_text(std::string_view("------------------------------------", 36));
    char* text = out.data() + out.size() - 36;
    std::size_t at = 0;
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) ++at;  // the dashes stay
        const auto byte = static_cast<unsigned char>(row[6 + i]);
        text[at++] = hex[byte >> 4];
        text[at++] = hex[byte & 15];
    }
    out.append(row.substr(uuid_end));
}

void CopyRowWriter::add_timestamp(std::int64_t pg_micros)
{
    put_u32(8);
    put_u64(static_cast<std::uint64_t>(pg_micros));
}

void CopyRowWriter::add_text(std::string_view text)
{
    put_u32(static_cast<std::uint32_t>(text.size()));
    m_out.append(text);
}

void CopyRowWriter::add_jsonb(std::string_view json)
{
    put_u32(static_cast<std::uint32_t>(json.size() + 1));
    m_out.push_back('\1');
    m_out.append(json);
}

bool parse_uuid(std::string_view text, unsigned char (&bytes)[16])
{
    if (text.size() != 36) return false;
    int n = 0;
    for (std::size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-') return false;
            ++i;
            continue;
        }
        const int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
        if (hi < 0 || lo < 0) return false;
        bytes[n++] = static_cast<unsigned char>(hi * 16 + lo);
        i += 2;
    }
    return n == 16;
}

std::optional<std::int64_t> parse_pg_timestamp(std::string_view s)
{
    int year, month, day, hour, minute, second;
    if (s.size() >= 19 && digits(s, 0, 4, year) && s[4] == '-' && digits(s, 5, 2, month) && s[7] == '-' &&
        digits(s, 8, 2, day) && (s[10] == 'T' || s[10] == ' ') && digits(s, 11, 2, hour) && s[13] == ':' &&
        digits(s, 14, 2, minute) && s[16] == ':' && digits(s, 17, 2, second) && month >= 1 && month <= 12 &&
        day >= 1 && day <= days_in_month(year, month) && hour < 24 && minute < 60 && second < 61) {
        std::size_t pos = 19;
        std::int64_t micros = 0;
        bool ok = true;
        if (pos < s.size() && s[pos] == '.') {
            ++pos;
            int n = 0;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && n < 6) {
                micros = micros * 10 + (s[pos++] - '0');
                ++n;
            }
            if (n == 0) ok = false;
            for (; n < 6; ++n) micros *= 10;
        }
        if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) ++pos;
        if (ok && pos == s.size()) {
            const std::int64_t days = days_from_civil(year, month, day) - pg_epoch_days;
            return ((days * 24 + hour) * 60 + minute) * 60'000'000LL + second * 1'000'000LL + micros;
        }
    }
    try {
        const auto t = parse_timestamp(std::string(s));
        return t.time_since_epoch().count() - pg_epoch_days * 86'400'000'000LL;
    } catch (const Error&) {
        return std::nullopt;
    }
}

void Fingerprint::add(std::string_view bytes)
{
    for (unsigned char c : bytes) {
        m_hash ^= c;
        m_hash *= 1099511628211ULL;
    }
    m_hash ^= 0xFF;  // separator, so ("ab","c") and ("a","bc") differ
    m_hash *= 1099511628211ULL;
}

void Fingerprint::add_double(double v)
{
    char b[sizeof v];
    std::memcpy(b, &v, sizeof v);
    add({b, sizeof b});
}

} // namespace benchstore::sync_
