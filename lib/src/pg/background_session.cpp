#include "pg/background_session.hpp"

namespace benchstore::pg {

BackgroundSession::BackgroundSession(PgConnection::Settings settings)
    : m_thread([this, settings = std::move(settings)]() mutable { run(std::move(settings)); })
{
}

BackgroundSession::~BackgroundSession()
{
    {
        std::lock_guard lock(m_mutex);
        m_closing = true;
        m_waiting.reset();
    }
    m_changed.notify_all();
    m_thread.join();
}

void BackgroundSession::post(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_failed || m_closing) return;
        m_waiting = std::move(job);
    }
    m_changed.notify_all();
}

bool BackgroundSession::drain()
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_failed || (!m_running && !m_waiting); });
    return !m_failed;
}

bool BackgroundSession::failed() const
{
    std::lock_guard lock(m_mutex);
    return m_failed;
}

void BackgroundSession::run(PgConnection::Settings settings)
{
    std::optional<PgConnection> conn;
    try {
        conn.emplace(settings.conninfo, settings.statement_timeout, settings.on_timeout);
    } catch (...) {
        std::lock_guard lock(m_mutex);
        m_failed = true;
        m_waiting.reset();
        m_changed.notify_all();
        return;
    }
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_closing || m_waiting.has_value(); });
            if (m_closing) return;
            job = std::move(*m_waiting);
            m_waiting.reset();
            m_running = true;
        }
        bool ok = true;
        try {
            job(*conn);
        } catch (...) {
            ok = false;
        }
        {
            std::lock_guard lock(m_mutex);
            m_running = false;
            if (!ok) {
                m_failed = true;
                m_waiting.reset();
            }
        }
        m_changed.notify_all();
        if (!ok) return;
    }
}

} // namespace benchstore::pg
