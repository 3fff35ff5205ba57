#include "support/export_fixture.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "benchstore/timestamp.hpp"
#include "store/sqlite_store.hpp"

namespace benchstore::test {

const std::vector<std::string> golden_benchmark_ids = {
    "0198579a-0001-7000-8000-000000000001", "0198579a-0002-7000-8000-000000000002",
    "0198579a-0003-7000-8000-000000000003", "0198579a-0004-7000-8000-000000000004",
    "0198579a-0005-7000-8000-000000000005"};

namespace {

struct BenchmarkRow {
    const char* repository;
    const char* branch;
    const char* commit_id;
    const char* commit_message;
    const char* metadata;
    const char* created_at;
    const char* run_id;
    const char* status;
};

const BenchmarkRow benchmark_rows[] = {
    {"acme/widgets", "main", "c0ffee1", "Fix \"quoted\", commas,\nand ünïcødé ✓",
     R"({"model_name":"google/gemma-2b","note":"a, \"b\"\nc"})", "2025-07-29T20:08:07.875408", "run-1", "completed"},
    {"acme/widgets", "main", "c0ffee1", "CPU only: no GPU values", R"({"model_name":"gpt2","device":"cpu"})",
     "2025-07-29T20:09:00.000001", "run-1", "completed"},
    {"acme/widgets", "main", "c0ffee1", "failed before measuring", "{}", "2025-07-29T20:10:00.500000", "run-1",
     "failed"},
    {"acme/widgets", "main", "c0ffee1", "one sample", R"({"model_name":"日本語モデル"})",
     "2025-07-29T23:59:59.999999", "run-1", "completed"},
    {"other/repo", "dev", "deadbeef", "another day", R"({"model_name":"bert"})", "2025-07-30T00:00:00.000000",
     "run-2", "running"},
};

struct DeviceRow {
    int benchmark;  // 1-based
    double cpu, mem;
    std::optional<double> gpu, gpu_mem;
    const char* time;
};

const DeviceRow device_rows[] = {
    {1, 10.5, 1024, 50, 2048, "2025-07-29T20:08:08.000001"},
    {1, 20.25, 1030.5, 60, 2050, "2025-07-29T20:08:08.100002"},
    {1, 30, 1100, 70.125, 2100.75, "2025-07-29T20:08:08.200003"},
    {2, 99.9, 512.25, std::nullopt, std::nullopt, "2025-07-29T20:09:00.100000"},
    {2, 150.5, 600, std::nullopt, std::nullopt, "2025-07-29T20:09:00.200000"},
    {2, 0.1, 0.2, 5, std::nullopt, "2025-07-29T20:09:00.300000"},
    {4, 1.0000000000000002, 4096, 1e-7, 123456789.125, "2025-07-30T00:00:00.000001"},
    {5, 1, 2, 3, 4, "2025-07-30T00:00:01.000000"},
    {5, 1.5, 2.5, 3.5, 4.5, "2025-07-30T00:00:02.000000"},
};

struct ModelRow {
    int benchmark;
    const char* measurements;
    const char* time;
};

const ModelRow model_rows[] = {
    {1, R"({"model_load_time":2.34,"first_eager_forward_pass_time_secs":0.1})", "2025-07-29T20:08:09.000000"},
    {1, R"({"model_load_time":2.5,"time_to_first_token_secs":0.045})", "2025-07-29T20:08:10.000000"},
    {2, R"({"time_to_first_token_secs":1e-07,"weird, name \"x\"\n":3})", "2025-07-29T20:09:01.000000"},
    {4, R"({"model_load_time":0.30000000000000004})", "2025-07-30T00:00:00.500000"},
    {5, R"({"tokens_per_second":123.456,"model_load_time":1.7976931348623157e+308})", "2025-07-30T00:00:03.000000"},
};

} // namespace

void make_golden_store(const std::filesystem::path& path)
{
    auto db = store::open_store(path, store::OpenMode::read_write);
    store::with_write_transaction(db, [&] {
        SQLite::Statement b(db, "INSERT INTO benchmarks (benchmark_id, repository, branch, commit_id, commit_message, "
                                "metadata, created_at, host, run_id, status) VALUES (?,?,?,?,?,?,?,'testhost',?,?)");
        for (std::size_t i = 0; i < std::size(benchmark_rows); ++i) {
            const auto& r = benchmark_rows[i];
            b.bind(1, golden_benchmark_ids[i]);
            b.bind(2, r.repository);
            b.bind(3, r.branch);
            b.bind(4, r.commit_id);
            b.bind(5, r.commit_message);
            b.bind(6, r.metadata);
            b.bind(7, r.created_at);
            b.bind(8, r.run_id);
            b.bind(9, r.status);
            b.exec();
            b.reset();
        }
        SQLite::Statement d(db, "INSERT INTO device_measurements (benchmark_ref, cpu_util, mem_megabytes, gpu_util, "
                                "gpu_mem_megabytes, time) VALUES (?,?,?,?,?,?)");
        for (const auto& r : device_rows) {
            d.bind(1, r.benchmark);
            d.bind(2, r.cpu);
            d.bind(3, r.mem);
            if (r.gpu) d.bind(4, *r.gpu); else d.bind(4);
            if (r.gpu_mem) d.bind(5, *r.gpu_mem); else d.bind(5);
            d.bind(6, r.time);
            d.exec();
            d.reset();
        }
        SQLite::Statement m(db, "INSERT INTO model_measurements (benchmark_ref, measurements, time) VALUES (?,?,?)");
        for (const auto& r : model_rows) {
            m.bind(1, r.benchmark);
            m.bind(2, r.measurements);
            m.bind(3, r.time);
            m.exec();
            m.reset();
        }
    });
}

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

CsvRows read_csv(const std::filesystem::path& path)
{
    const std::string text = read_file(path);
    CsvRows rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;
    bool field_started = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field.push_back('"');
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field.push_back(c);
            }
        } else if (c == '"') {
            quoted = true;
            field_started = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            field_started = true;
        } else if (c == '\n') {
            row.push_back(std::move(field));
            field.clear();
            rows.push_back(std::move(row));
            row.clear();
            field_started = false;
        } else {
            field.push_back(c);
            field_started = true;
        }
    }
    if (quoted) throw std::runtime_error(path.string() + ": unterminated quoted field");
    if (field_started || !row.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string shell_quote(const std::string& text)
{
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += "'\\''";
        else out.push_back(c);
    }
    return out + "'";
}

CommandResult run_command(const std::string& command, const std::filesystem::path& scratch)
{
    const auto out = scratch / "command.stdout";
    const auto err = scratch / "command.stderr";
    const int status = std::system((command + " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string())).c_str());
    CommandResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(out);
    result.err = read_file(err);
    return result;
}

ExportOptions options_for(const TempDir& dir, const std::string& out)
{
    ExportOptions options;
    options.db_path = dir / "b.db";
    options.output_dir = dir / out;
    options.file_time = parse_timestamp("2026-01-02T03:04:05");
    return options;
}

int run_pandas_check(const std::filesystem::path& db, const ExportResult& r)
{
    std::string cmd = "/usr/bin/python3 " + shell_quote(std::string(BENCHSTORE_SOURCE_DIR) + "/tests/export_check.py") +
                      " " + shell_quote(db.string());
    for (const auto& p : r.paths()) cmd += " " + shell_quote(p.string());
    return std::system(cmd.c_str());
}

} // namespace benchstore::test
