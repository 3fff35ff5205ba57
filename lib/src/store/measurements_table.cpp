#include "store/measurements_table.hpp"

#include <sqlite3.h>

#include <new>
#include <string>
#include <vector>

#include "benchstore/error.hpp"
#include "store/measurements_json.hpp"

namespace benchstore::store {
namespace {

// The hidden columns are the function's arguments.
enum ColumnIndex { name_column = 0, value_column = 1, json_argument = 2, row_argument = 3 };

struct Cursor : sqlite3_vtab_cursor {
    std::vector<MeasurementField> fields;
    std::size_t at = 0;
};

int connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** table, char**)
{
    const int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(name TEXT, value REAL, json HIDDEN, row_id HIDDEN)");
    if (rc != SQLITE_OK) return rc;
    *table = new (std::nothrow) sqlite3_vtab{};
    return *table ? SQLITE_OK : SQLITE_NOMEM;
}

int disconnect(sqlite3_vtab* table)
{
    delete table;
    return SQLITE_OK;
}

// Both arguments must be given (as equality constraints on the hidden columns): json as argv[0],
// row_id as argv[1].
int best_index(sqlite3_vtab*, sqlite3_index_info* info)
{
    int found = 0;
    for (int i = 0; i < info->nConstraint; ++i) {
        const auto& c = info->aConstraint[i];
        if (c.op != SQLITE_INDEX_CONSTRAINT_EQ || (c.iColumn != json_argument && c.iColumn != row_argument)) continue;
        if (!c.usable) return SQLITE_CONSTRAINT;
        info->aConstraintUsage[i].argvIndex = c.iColumn == json_argument ? 1 : 2;
        info->aConstraintUsage[i].omit = 1;
        ++found;
    }
    if (found != 2) return SQLITE_CONSTRAINT;
    info->estimatedCost = 10;
    info->estimatedRows = 10;
    return SQLITE_OK;
}

int open_cursor(sqlite3_vtab*, sqlite3_vtab_cursor** cursor)
{
    *cursor = new (std::nothrow) Cursor{};
    return *cursor ? SQLITE_OK : SQLITE_NOMEM;
}

int close_cursor(sqlite3_vtab_cursor* cursor)
{
    delete static_cast<Cursor*>(cursor);
    return SQLITE_OK;
}

int filter(sqlite3_vtab_cursor* base, int, const char*, int argc, sqlite3_value** argv)
{
    auto* cursor = static_cast<Cursor*>(base);
    cursor->at = 0;
    if (argc != 2) return SQLITE_ERROR;
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const std::string_view json(text ? text : "", text ? static_cast<std::size_t>(sqlite3_value_bytes(argv[0])) : 0);
    if (parse_measurements(json, cursor->fields)) return SQLITE_OK;
    cursor->fields.clear();
    // The file is named by whoever reports the failed step (store::Query does).
    const std::string reason = malformed_measurements_reason(sqlite3_value_int64(argv[1]));
    sqlite3_free(base->pVtab->zErrMsg);
    base->pVtab->zErrMsg = sqlite3_mprintf("%s", reason.c_str());
    return SQLITE_ERROR;
}

int next(sqlite3_vtab_cursor* cursor)
{
    ++static_cast<Cursor*>(cursor)->at;
    return SQLITE_OK;
}

int eof(sqlite3_vtab_cursor* base)
{
    const auto* cursor = static_cast<Cursor*>(base);
    return cursor->at >= cursor->fields.size();
}

int column(sqlite3_vtab_cursor* base, sqlite3_context* context, int index)
{
    const auto& field = static_cast<Cursor*>(base)->fields[static_cast<Cursor*>(base)->at];
    if (index == name_column)
        sqlite3_result_text(context, field.name.data(), static_cast<int>(field.name.size()), SQLITE_TRANSIENT);
    else if (index == value_column) sqlite3_result_double(context, field.value);
    else sqlite3_result_null(context);
    return SQLITE_OK;
}

int rowid(sqlite3_vtab_cursor* cursor, sqlite_int64* id)
{
    *id = static_cast<sqlite_int64>(static_cast<Cursor*>(cursor)->at);
    return SQLITE_OK;
}

// Eponymous only (no xCreate): the function exists on every connection it is registered on.
sqlite3_module make_module()
{
    sqlite3_module m{};
    m.xConnect = connect;
    m.xBestIndex = best_index;
    m.xDisconnect = disconnect;
    m.xOpen = open_cursor;
    m.xClose = close_cursor;
    m.xFilter = filter;
    m.xNext = next;
    m.xEof = eof;
    m.xColumn = column;
    m.xRowid = rowid;
    return m;
}

const sqlite3_module measurements_module = make_module();

} // namespace

void register_measurements_table(SQLite::Database& db)
{
    if (sqlite3_create_module_v2(db.getHandle(), "benchstore_measurements", &measurements_module, nullptr, nullptr) !=
        SQLITE_OK)
        throw StoreError(db.getFilename() + ": cannot register benchstore_measurements: " +
                         sqlite3_errmsg(db.getHandle()));
}

} // namespace benchstore::store
