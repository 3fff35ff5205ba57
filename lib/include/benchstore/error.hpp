#pragma once
// The one error hierarchy of benchstore. Everything the library throws derives from Error, and every
// message is one line that names the problem and its subject (a file, a benchmark id, a server —
// never a password). Executables catch Error once at the top and map the kind to an exit status.
#include <stdexcept>
#include <string>

#include "benchstore/api.hpp"

namespace benchstore {

class BENCHSTORE_API Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The caller passed something wrong: an unknown benchmark id, NaN, an empty metric name, a bad
// option value. Nothing was written.
class BENCHSTORE_API InvalidArgument : public Error {
public:
    using Error::Error;
};

// The local SQLite store could not be opened, read or written: missing or corrupt file, a file
// from a newer benchstore, a full disk.
class BENCHSTORE_API StoreError : public Error {
public:
    using Error::Error;
};

// The store file was written by a newer benchstore than this one; it is left untouched.
class BENCHSTORE_API NewerSchemaError : public StoreError {
public:
    using StoreError::StoreError;
};

// The PostgreSQL server could not be reached or dropped the connection: try again later.
class BENCHSTORE_API ConnectionError : public Error {
public:
    using Error::Error;
};

// The server answered but refused: wrong password, missing database, permission denied, a schema
// newer than this program.
class BENCHSTORE_API ServerError : public Error {
public:
    using Error::Error;
};

// Writing output files failed (export): a folder that cannot be created or written.
class BENCHSTORE_API OutputError : public Error {
public:
    using Error::Error;
};

} // namespace benchstore
