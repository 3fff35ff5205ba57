#pragma once
// PostgreSQL's binary COPY format (https://www.postgresql.org/docs/15/sql-copy.html, "Binary
// Format"): a header, then per row a 16-bit field count and per field a 32-bit length (-1 = NULL)
// and the value in the type's binary send format, then a trailer. Binary keeps doubles and
// timestamps exact and spares the server from parsing text. Internal to the library.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace benchstore::sync_ {

// The bytes before the first row and after the last.
std::string_view copy_binary_header();
std::string_view copy_binary_trailer();

// Appends rows to a buffer the caller owns.
class CopyRowWriter {
public:
    explicit CopyRowWriter(std::string& out) : m_out(out) {}
    void begin_row(int fields);
    void add_null();
    void add_int8(std::int64_t value);
    void add_float8(double value);
    void add_uuid(const unsigned char (&bytes)[16]);
    void add_timestamp(std::int64_t pg_micros);  // microseconds since 2000-01-01 00:00:00
    void add_text(std::string_view text);        // bytes as they are; the server checks UTF-8
    void add_jsonb(std::string_view json);       // version byte 1, then the JSON text
private:
    void put_u16(std::uint16_t v);
    void put_u32(std::uint32_t v);
    void put_u64(std::uint64_t v);
    std::string& m_out;
};

// Appends a row whose first field is a uuid with that field as its text (36 characters, lower
// case, as uuid::text writes it): a row for a table whose benchmark_id is text or varchar.
void append_row_with_text_uuid(std::string_view row, std::string& out);

// "0190a1b2-...": 36 characters, hex and dashes, either case. nullopt when it is not a UUID.
bool parse_uuid(std::string_view text, unsigned char (&bytes)[16]);

// A store timestamp ("2025-07-29T20:08:07.875408"; fewer fraction digits, a space for the T and a
// trailing Z are accepted too) as PostgreSQL's binary timestamp. nullopt when it is not one.
std::optional<std::int64_t> parse_pg_timestamp(std::string_view text);

// FNV-1a, 64 bits: fingerprints of rows (not a security hash).
class Fingerprint {
public:
    void add(std::string_view bytes);
    void add_double(double v);
    std::int64_t value() const { return static_cast<std::int64_t>(m_hash); }
private:
    std::uint64_t m_hash = 1469598103934665603ULL;
};

} // namespace benchstore::sync_
