#pragma once
// Export's progress line: per file, the rows written of the rows the selection holds, with the rate
// and what is left, on one line rewritten in place on a terminal (core/progress_line.hpp); nothing at
// all when standard output is not a terminal or progress was not asked for. Internal to export.
// Not thread-safe: one per export.
#include <chrono>
#include <cstdint>
#include <memory>

#include <SQLiteCpp/Database.h>

#include "core/progress_line.hpp"
#include "store/selection.hpp"

namespace benchstore::export_ {

class ExportProgressLine {
public:
    enum class File { benchmarks, device_measurements, model_measurements, summary };

    // enabled: the caller asked for progress; it shows only when standard output is a terminal.
    ExportProgressLine(SQLite::Database& db, const store::SelectionSql& selection, bool enabled);

    // Starts a file: counts its rows for the selection (only when shown). Throws SQLite::Exception.
    void begin(File file);
    // One row written. Cheap: the clock is read every 4096 rows.
    void row()
    {
        if (m_line && ++m_done % 4096 == 0) show();
    }
    // Blanks the line, so normal output follows cleanly.
    void finish();

private:
    void show(ProgressLine::Force force = ProgressLine::Force::no);

    SQLite::Database& m_db;
    const store::SelectionSql& m_sel;
    std::unique_ptr<ProgressLine> m_line;  // null when nothing is shown
    const char* m_what = "";
    std::int64_t m_done = 0;
    std::int64_t m_total = 0;
    std::chrono::steady_clock::time_point m_start;
};

} // namespace benchstore::export_
