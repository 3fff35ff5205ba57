#pragma once
// Internal to the library (lib/src): not installed, not exported.
// UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits from the OS. Ids made in one
// process are strictly increasing (the 12-bit rand_a field counts within a millisecond), so ordering
// by id is ordering by creation time. Thread-safe.
#include <string>


namespace benchstore {

// Returns a new UUID v7 in canonical lower-case form, e.g. "01938f5e-7c2a-7b3d-9f10-3a5c7e9b1d2f".
// Throws Error if the OS random source fails.
std::string make_uuid_v7();

// Returns a new random UUID v4 (used for a store file's source id). Throws Error on RNG failure.
std::string make_uuid_v4();

// True when text is a UUID in canonical 8-4-4-4-12 hexadecimal form (either case).
bool is_uuid(const std::string& text);

} // namespace benchstore
