#include "store/benchmark_rows.hpp"

namespace benchstore::store {

BenchmarkColumns::BenchmarkColumns(const Query& q)
    : m_ref(q.column("benchmark_ref")),
      m_id(q.column("benchmark_id")),
      m_repository(q.column("repository")),
      m_branch(q.column("branch")),
      m_commit_id(q.column("commit_id")),
      m_commit_message(q.column("commit_message")),
      m_metadata(q.column("metadata")),
      m_created_at(q.column("created_at")),
      m_host(q.column("host")),
      m_run_id(q.column("run_id")),
      m_module(q.column("module")),
      m_status(q.column("status")),
      m_status_reason(q.column("status_reason")),
      m_finished_at(q.column("finished_at"))
{
}

BenchmarkRow BenchmarkColumns::read(const Query& q) const
{
    BenchmarkRow r;
    r.benchmark_ref = q.integer(m_ref);
    r.benchmark_id = q.text(m_id);
    r.repository = q.text(m_repository);
    r.branch = q.text(m_branch);
    r.commit_id = q.text(m_commit_id);
    r.commit_message = q.text(m_commit_message);
    r.metadata = q.text(m_metadata);
    r.created_at = q.text(m_created_at);
    r.host = q.text(m_host);
    r.run_id = q.text(m_run_id);
    r.module = q.text(m_module);
    r.status = q.text(m_status);
    r.status_reason = q.text(m_status_reason);
    r.finished_at = q.text(m_finished_at);
    return r;
}

} // namespace benchstore::store
