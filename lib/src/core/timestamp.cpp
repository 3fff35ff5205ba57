#include "benchstore/timestamp.hpp"

#include <cctype>
#include <charconv>
#include <ctime>
#include <sstream>
#include <string_view>

#include <date/date.h>

#include "benchstore/error.hpp"

namespace benchstore {
namespace {

// Writes value as exactly width zero-padded digits.
char* put_digits(char* p, long long value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        p[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return p + width;
}

struct Civil {
    long long year, month, day, hour, minute, second, micros;
};

Civil to_civil(Timestamp t)
{
    const auto day_point = date::floor<date::days>(t);
    const date::year_month_day ymd{day_point};
    if (int(ymd.year()) < 0 || int(ymd.year()) > 9999)
        throw InvalidArgument("timestamp outside the years 0000-9999 (" + std::to_string(int(ymd.year())) + ")");
    const date::hh_mm_ss<std::chrono::microseconds> hms{t - day_point};
    return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()), hms.hours().count(),
            hms.minutes().count(), hms.seconds().count(), hms.subseconds().count()};
}

// The one formatter of stored and file-name times: writes t's fields as `layout` names them, Y the
// year (4 digits), M D h m s (2 digits each), f the microseconds (6 digits), any other character as
// itself. Hand-written rather than date::format, which takes about 2 µs a call through an ostringstream:
// as much as a whole row of the recorder's batch call, which formats each sample's own time.
template <std::size_t N>
[[gnu::always_inline]] inline std::string format_civil(Timestamp t, const char (&layout)[N])
{
    const Civil c = to_civil(t);
    char buf[32];
    char* p = buf;
#pragma GCC unroll 32
    for (std::size_t i = 0; i + 1 < N; ++i) {  // the layout is a literal: the loop unrolls into straight code
        switch (layout[i]) {
        case 'Y': p = put_digits(p, c.year, 4); break;
        case 'M': p = put_digits(p, c.month, 2); break;
        case 'D': p = put_digits(p, c.day, 2); break;
        case 'h': p = put_digits(p, c.hour, 2); break;
        case 'm': p = put_digits(p, c.minute, 2); break;
        case 's': p = put_digits(p, c.second, 2); break;
        case 'f': p = put_digits(p, c.micros, 6); break;
        default: *p++ = layout[i];
        }
    }
    return std::string(buf, p);
}

} // namespace

Timestamp now_utc()
{
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::string format_timestamp(Timestamp t) { return format_civil(t, "Y-M-DTh:m:s.f"); }

std::string format_file_stamp(Timestamp t) { return format_civil(t, "YMD_hms"); }

std::string format_log_time(std::chrono::system_clock::time_point t)
{
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm local{};
    localtime_r(&secs, &local);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    char buf[32];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
    std::string out(buf, n);
    out.push_back(',');
    char ms[3];
    put_digits(ms, millis, 3);
    out.append(ms, 3);
    return out;
}

Timestamp parse_timestamp(const std::string& text)
{
    std::string s = text;
    if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.pop_back();
    if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
    static const char* const formats[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"};
    for (const char* format : formats) {
        std::istringstream in(s);
        date::sys_time<std::chrono::microseconds> t;
        in >> date::parse(format, t);
        if (!in.fail() && in.peek() == std::char_traits<char>::eof() && s.size() >= 10 && s[4] == '-' &&
            std::isdigit(static_cast<unsigned char>(s[0])))
            return t;
    }
    throw InvalidArgument("not an ISO 8601 date or time: '" + text +
                          "' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.ffffff])");
}

} // namespace benchstore
