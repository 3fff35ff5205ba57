#pragma once
// A second PostgreSQL session on a thread of its own, for work that must follow a connection's
// commits but need not hold them up: sync's summarising of the BRIN ranges it appended runs
// there while the next batch loads on the main connection (two server processes on two cores,
// instead of one process doing both in turn). Internal to the library.
//
// The session connects on its thread (the handshake overlaps the caller's work), with the main
// connection's settings (PgConnection::settings). At most one job waits: a job posted while another
// waits replaces it, because every job this is for covers what the one before it would have
// (summarise up to the table's current end). A job's failure is the job's to handle; one that
// escapes ends the session (failed() says so, later jobs are dropped). The destructor waits for
// the running job, drops a waiting one and closes the session; it never throws.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "pg/connection.hpp"

namespace benchstore::pg {

class BackgroundSession {
public:
    using Job = std::function<void(PgConnection&)>;

    explicit BackgroundSession(PgConnection::Settings settings);
    ~BackgroundSession();
    BackgroundSession(const BackgroundSession&) = delete;
    BackgroundSession& operator=(const BackgroundSession&) = delete;

    // Queues the job, replacing one that has not started yet.
    void post(Job job);
    // Waits until no job runs or waits. Returns false when the session failed (could not connect,
    // or a job threw): jobs not run then are the caller's to do another way.
    bool drain();
    bool failed() const;

private:
    void run(PgConnection::Settings settings);

    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::optional<Job> m_waiting;
    bool m_running = false;
    bool m_failed = false;
    bool m_closing = false;
    std::thread m_thread;
};

} // namespace benchstore::pg
