#pragma once
// A TCP forwarder on loopback that can go silent: it relays bytes between each client and a
// target port until told to stop, then keeps both sockets open and relays nothing more, like a
// proxy or a network that hangs without closing anything. Keepalives are answered by the
// kernel, so the client sees a healthy, silent connection. Runs one thread; not copyable.
#include <atomic>
#include <cstdint>
#include <thread>

namespace benchstore::test {

class SilentForwarder {
public:
    // Listens on 127.0.0.1 at a free port and forwards to 127.0.0.1:target_port.
    explicit SilentForwarder(int target_port);
    ~SilentForwarder();
    SilentForwarder(const SilentForwarder&) = delete;
    SilentForwarder& operator=(const SilentForwarder&) = delete;

    int port() const { return m_port; }

    // The connection that carries the client's byte number `bytes` (counted over all connections
    // from now on, client to server) goes silent at that byte; connections opened later forward
    // normally. Deterministic: no timing is involved.
    void go_silent_after(std::int64_t bytes);
    // True once a connection has gone silent.
    bool silenced() const { return m_silenced.load(); }

private:
    void loop();

    int m_listen = -1;
    int m_port = 0;
    int m_target_port = 0;
    int m_wake[2] = {-1, -1};
    std::atomic<std::int64_t> m_budget{-1};  // client bytes left before silence; -1: never
    std::atomic<bool> m_silenced{false};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace benchstore::test
