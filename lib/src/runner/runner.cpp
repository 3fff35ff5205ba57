#include "benchstore/runner.hpp"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "benchstore/error.hpp"
#include "benchstore/export.hpp"
#include "benchstore/logger.hpp"
#include "benchstore/metrics_recorder.hpp"
#include "core/uuid.hpp"
#include "runner/module_process.hpp"
#include "runner/run_registry.hpp"
#include "store/run_rows.hpp"
#include "store/store_check.hpp"

namespace benchstore {
namespace {

std::atomic<int> g_stop_signal{0};

extern "C" void on_stop_signal(int sig) { g_stop_signal.store(sig); }

// The signal dispositions for the run, restored to the previous ones after:
//  - SIGINT, SIGTERM, SIGHUP, SIGQUIT: set g_stop_signal, so the current module's group is killed,
//    marked "interrupted by signal N", and the rest skipped (never a module left running unwatched);
//  - SIGCHLD: SIG_DFL, since an inherited SIG_IGN (a Python parent that ignores it, say) makes the
//    kernel reap the children itself and waitpid fail with ECHILD;
//  - SIGPIPE: ignored, so a log line written to a closed pipe (`benchstore-run ... | head`) fails
//    quietly (the Logger ignores failed writes) instead of killing the runner mid-run.
class RunSignals {
public:
    RunSignals()
    {
        g_stop_signal.store(0);
        struct sigaction sa {};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        for (std::size_t i = 0; i < std::size(stop_signals); ++i) sigaction(stop_signals[i], &sa, &m_old_stop[i]);
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(SIGCHLD, &dfl, &m_old_chld);
        struct sigaction ign {};
        ign.sa_handler = SIG_IGN;
        sigemptyset(&ign.sa_mask);
        sigaction(SIGPIPE, &ign, &m_old_pipe);
    }
    ~RunSignals()
    {
        for (std::size_t i = 0; i < std::size(stop_signals); ++i) sigaction(stop_signals[i], &m_old_stop[i], nullptr);
        sigaction(SIGCHLD, &m_old_chld, nullptr);
        sigaction(SIGPIPE, &m_old_pipe, nullptr);
    }
    RunSignals(const RunSignals&) = delete;
    RunSignals& operator=(const RunSignals&) = delete;

private:
    static constexpr int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction m_old_stop[std::size(stop_signals)] {};
    struct sigaction m_old_chld {};
    struct sigaction m_old_pipe {};
};

std::string module_name(const std::filesystem::path& path) { return path.stem().string(); }

bool is_module_file(const std::filesystem::path& path)
{
    const auto ext = path.extension();
    return ext == ".so" || (ext == ".py" && !path.filename().string().starts_with("__"));
}

std::string list_text(const std::vector<std::string>& names)
{
    std::string out = "[";
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out + "]";
}

std::vector<std::filesystem::path> select_modules(const RunnerOptions& options)
{
    auto found = discover_modules(options.benches_dir);
    std::vector<std::string> names;
    for (const auto& p : found) names.push_back(module_name(p));
    if (found.empty())
        throw InvalidArgument("no benchmark modules (*.so, *.py) in " + options.benches_dir.string());
    if (options.only.empty()) return found;
    std::set<std::string> wanted;
    for (const auto& name : options.only) {
        if (std::find(names.begin(), names.end(), name) == names.end())
            throw InvalidArgument("no module named '" + name + "' in " + options.benches_dir.string() +
                                  " (found: " + list_text(names) + ")");
        wanted.insert(name);
    }
    std::vector<std::filesystem::path> selected;
    for (const auto& p : found)
        if (wanted.count(module_name(p))) selected.push_back(p);
    return selected;
}

RecorderOptions recorder_options(const RunnerOptions& options, const std::string& run_id, const std::string& module)
{
    RecorderOptions r;
    r.db_path = options.db_path;
    r.repository = options.repository;
    r.branch = options.branch;
    r.commit_id = options.commit_id;
    r.commit_message = options.commit_msg;
    r.run_id = run_id;
    r.module = module;
    return r;
}

// Settles the statuses the module left `running`, and makes sure a failure is in the file. With
// --repeat, the module's benchmarks of earlier repetitions (the first `earlier` of the run) are
// left alone.
std::size_t settle_module(const RunnerOptions& options, const std::string& run_id, const std::string& name,
                          const runner::ModuleOutcome& outcome, std::size_t earlier)
{
    const bool ok = outcome.kind == runner::OutcomeKind::returned;
    auto benchmarks = store::module_benchmarks(options.db_path, run_id, name);
    benchmarks.erase(benchmarks.begin(), benchmarks.begin() + static_cast<std::ptrdiff_t>(std::min(earlier, benchmarks.size())));
    bool any_running = false;
    for (const auto& b : benchmarks) any_running |= b.status == "running";
    if (!any_running && (ok || !benchmarks.empty())) return benchmarks.size();

    MetricsRecorder recorder(recorder_options(options, run_id, name));
    for (const auto& b : benchmarks) {
        if (b.status != "running") continue;
        if (ok) recorder.set_status(b.benchmark_id, BenchmarkStatus::completed);
        else recorder.set_status(b.benchmark_id, BenchmarkStatus::failed, outcome.reason);
    }
    if (!ok && benchmarks.empty()) {
        const std::string id = recorder.initialise_benchmark({{"module", name}});
        recorder.set_status(id, BenchmarkStatus::failed, outcome.reason);
        return 1;
    }
    return benchmarks.size();
}

// Benchmarks that a runner killed outright (kill -9, power loss) left `running` on this host: nobody
// else will ever settle them.
void settle_dead_runs(const RunnerOptions& options, const std::string& host, Logger& logger)
{
    const auto orphans = runner::orphaned_benchmarks(options.db_path, host);
    if (orphans.empty()) return;
    MetricsRecorder recorder(recorder_options(options, {}, {}));
    std::set<std::string> runs;
    for (const auto& o : orphans) {
        recorder.set_status(o.benchmark_id, BenchmarkStatus::failed, "runner died");
        runs.insert(o.run_id);
    }
    logger.warning("marked " + std::to_string(orphans.size()) + " benchmark(s) failed (runner died) of " +
                   std::to_string(runs.size()) + " earlier run(s) whose runner is gone: " +
                   list_text(std::vector<std::string>(runs.begin(), runs.end())));
}

std::string seconds_text(double s)
{
    std::ostringstream out;
    out.precision(s < 10 ? 2 : 1);
    out << std::fixed << s;
    return out.str();
}

// The seed's --csv: this run's benchmarks as the four CSV files. A failure is logged and kept in the
// summary (the rows stay safe in the store); it makes the run's exit status non-zero.
void export_run_csv(const RunnerOptions& options, RunSummary& summary, Logger& logger)
{
    ExportOptions eo;
    eo.db_path = options.db_path;
    eo.output_dir = *options.csv_output_dir;
    eo.selection.run_id = summary.run_id;
    try {
        const ExportResult result = export_csv(eo);
        summary.csv_files = result.paths();
        logger.info("Exported " + std::to_string(result.benchmark_rows) + " benchmark(s) to CSV in " +
                    eo.output_dir.string());
    } catch (const Error& e) {
        summary.csv_error = e.what();
        logger.error(std::string("CSV export failed: ") + e.what());
    }
}

} // namespace

std::size_t RunSummary::modules_failed() const
{
    return static_cast<std::size_t>(std::count_if(modules.begin(), modules.end(), [](const ModuleResult& m) { return !m.succeeded; }));
}

std::vector<std::filesystem::path> discover_modules(const std::filesystem::path& dir)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw InvalidArgument("benches folder " + dir.string() + " does not exist (build the modules, or pass --benches DIR)");
    std::vector<std::filesystem::path> out;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (!is_module_file(it->path())) continue;
        if (!it->is_regular_file(ec)) continue;
        out.push_back(it->path());
    }
    if (ec) throw Error("cannot read benches folder " + dir.string() + ": " + ec.message());
    std::sort(out.begin(), out.end());
    return out;
}

RunSummary run_benchmarks(const RunnerOptions& given, Logger& logger)
{
    if (given.repository.empty()) throw InvalidArgument("repository must not be empty");
    if (given.repeat < 1) throw InvalidArgument("repeat must be at least 1");
    const auto modules = select_modules(given);
    RunnerOptions options = given;
    options.db_path = std::filesystem::absolute(given.db_path);  // a module may change directory

    const RunSignals signals;  // before the first log line (SIGPIPE) and the first fork (SIGCHLD)
    RunSummary summary;
    summary.run_id = make_uuid_v7();
    summary.db_path = options.db_path;
    // Opening once here creates and migrates the store before any child races to do it, and fails
    // the run early on a bad file.
    std::string host;
    {
        MetricsRecorder probe(recorder_options(options, summary.run_id, {}));
        host = probe.options().host;
    }
    // A damaged file would take this run's rows and then fail export and sync: refuse it now.
    store::check_store_pages(options.db_path);
    settle_dead_runs(options, host, logger);
    runner::record_run(options.db_path, summary.run_id, host);

    std::vector<std::string> names;
    for (const auto& p : modules) names.push_back(module_name(p));
    logger.info("Running benchmarks in: " + options.benches_dir.string());
    logger.info("Discovered " + std::to_string(modules.size()) + " benchmark(s): " + list_text(names));
    logger.info("Recording into " + summary.db_path.string() + " (run " + summary.run_id + ")");

    // Repetitions go round the modules (A B A B, not A A B B), so a drift of the machine over the run
    // spreads over every module alike.
    std::map<std::string, std::size_t> recorded;  // benchmarks per module so far in this run
    for (std::size_t repetition = 1; repetition <= options.repeat && !summary.interrupted; ++repetition) {
        for (const auto& path : modules) {
            const std::string name = module_name(path);
            ModuleResult result;
            result.name = name;
            result.path = path;
            result.repetition = repetition;
            if (g_stop_signal.load() != 0) break;
            logger.info("Running module: " + name + " (" + path.string() + ")" +
                        (options.repeat > 1 ? " (repetition " + std::to_string(repetition) + " of " +
                                                  std::to_string(options.repeat) + ")"
                                            : std::string()));
            runner::ModuleJob job;
            job.path = path;
            job.recorder_options = recorder_options(options, summary.run_id, name);
            job.timeout = options.timeout;
            job.python = options.python;
            job.python_path = options.python_path;
            const runner::ModuleOutcome outcome = runner::run_module_process(job, logger, g_stop_signal);
            result.succeeded = outcome.kind == runner::OutcomeKind::returned;
            result.failure_reason = outcome.reason;
            result.seconds = outcome.seconds;
            try {
                result.benchmarks = settle_module(options, summary.run_id, name, outcome, recorded[name]);
                recorded[name] += result.benchmarks;
            } catch (const Error& e) {
                result.succeeded = false;
                if (result.failure_reason.empty()) result.failure_reason = e.what();
                logger.error("cannot record the outcome of " + name + ": " + e.what());
            }
            if (result.succeeded) {
                logger.info("Finished module: " + name + " (" + std::to_string(result.benchmarks) +
                            " benchmark(s) completed, " + seconds_text(result.seconds) + " s)");
                if (result.benchmarks == 0) logger.warning(name + " recorded no benchmark");
            } else {
                logger.error("error running benchmarks for " + name + ": " + result.failure_reason);
            }
            summary.modules.push_back(std::move(result));
            if (outcome.kind == runner::OutcomeKind::interrupted) {
                summary.interrupted = true;
                break;
            }
        }
        if (g_stop_signal.load() != 0) summary.interrupted = true;
    }
    if (g_stop_signal.load() != 0) summary.interrupted = true;
    if (summary.interrupted) logger.warning("run interrupted: remaining modules skipped");

    if (options.csv_output_dir) export_run_csv(options, summary, logger);
    const auto counts = store::count_run(options.db_path, summary.run_id);
    summary.benchmarks_completed = counts.completed;
    summary.benchmarks_failed = counts.failed;
    summary.benchmarks_running = counts.running;
    summary.device_measurements = counts.device_measurements;
    summary.model_measurements = counts.model_measurements;
    const std::size_t failed = summary.modules_failed();
    logger.info("Benchmark run completed. Successful: " + std::to_string(summary.modules.size() - failed) +
                ", Failed: " + std::to_string(failed));
    return summary;
}

std::string describe_results(const RunSummary& s)
{
    std::ostringstream out;
    out << "Results are in " << s.db_path.string() << " (run " << s.run_id << "):\n"
        << "  modules:             " << s.modules.size() - s.modules_failed() << " succeeded, " << s.modules_failed()
        << " failed\n"
        << "  benchmarks:          " << s.benchmarks_completed << " completed, " << s.benchmarks_failed << " failed";
    if (s.benchmarks_running) out << ", " << s.benchmarks_running << " running";
    out << "\n"
        << "  device measurements: " << s.device_measurements << "\n"
        << "  model measurements:  " << s.model_measurements << "\n";
    for (const auto& m : s.modules)
        if (!m.succeeded) out << "  failed: " << m.name << ": " << m.failure_reason << "\n";
    if (s.interrupted) out << "  interrupted: the remaining modules did not run\n";
    for (const auto& f : s.csv_files) out << "  csv: " << f.string() << "\n";
    if (!s.csv_error.empty()) out << "  csv export failed: " << s.csv_error << "\n";
    out << "Inspect with: sqlite3 " << s.db_path.string()
        << " \"SELECT module, status, status_reason FROM benchmarks WHERE run_id = '" << s.run_id << "'\"\n";
    return out.str();
}

} // namespace benchstore
