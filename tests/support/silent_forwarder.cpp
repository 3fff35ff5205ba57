#include "support/silent_forwarder.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace benchstore::test {
namespace {

int connect_loopback(int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

struct Pair {
    int client = -1;
    int server = -1;
    bool silent = false;
    bool closed = false;
};

} // namespace

SilentForwarder::SilentForwarder(int target_port) : m_target_port(target_port)
{
    m_listen = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(m_listen, 16) != 0 ||
        getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len) != 0 || pipe(m_wake) != 0)
        throw std::runtime_error("silent forwarder: cannot listen on loopback");
    m_port = ntohs(addr.sin_port);
    m_thread = std::thread([this] { loop(); });
}

SilentForwarder::~SilentForwarder()
{
    m_stop = true;
    (void)!write(m_wake[1], "x", 1);
    m_thread.join();
    close(m_listen);
    close(m_wake[0]);
    close(m_wake[1]);
}

void SilentForwarder::go_silent_after(std::int64_t bytes) { m_budget = bytes; }

void SilentForwarder::loop()
{
    std::vector<Pair> pairs;
    char buf[65536];
    while (!m_stop) {
        std::vector<pollfd> fds{{m_listen, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
        for (const auto& p : pairs) {
            // A silent pair is never polled: its bytes pile up in the kernel's buffers, unread.
            const short ev = p.silent || p.closed ? 0 : POLLIN;
            fds.push_back({p.client, ev, 0});
            fds.push_back({p.server, ev, 0});
        }
        if (poll(fds.data(), fds.size(), -1) < 0) continue;
        if (fds[0].revents & POLLIN) {
            const int client = accept(m_listen, nullptr, nullptr);
            const int server = client >= 0 ? connect_loopback(m_target_port) : -1;
            if (server >= 0) pairs.push_back({client, server});
            else if (client >= 0) close(client);
        }
        for (std::size_t i = 0; i < pairs.size(); ++i) {
            auto& p = pairs[i];
            for (int side = 0; side < 2 && !p.silent && !p.closed; ++side) {
                if (!(fds[2 + 2 * i + side].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                const int from = side == 0 ? p.client : p.server;
                const int to = side == 0 ? p.server : p.client;
                ssize_t n = read(from, buf, sizeof buf);
                if (n <= 0) {
                    p.closed = true;
                    break;
                }
                if (side == 0) {
                    const std::int64_t budget = m_budget.load();
                    if (budget >= 0 && n >= budget) {
                        // Pass the bytes up to the threshold, then nothing more, ever.
                        n = static_cast<ssize_t>(budget);
                        p.silent = true;
                        m_budget = -1;
                        m_silenced = true;
                    } else if (budget >= 0) {
                        m_budget = budget - n;
                    }
                }
                for (ssize_t off = 0; off < n;) {
                    const ssize_t w = write(to, buf + off, static_cast<std::size_t>(n - off));
                    if (w <= 0) {
                        p.closed = true;
                        break;
                    }
                    off += w;
                }
            }
        }
        // Closed pairs go; silent ones stay open (that is the point) until the forwarder ends.
        for (auto& p : pairs)
            if (p.closed && !p.silent) {
                close(p.client);
                close(p.server);
                p.client = p.server = -1;
            }
        std::erase_if(pairs, [](const Pair& p) { return p.client < 0; });
    }
    for (auto& p : pairs) {
        close(p.client);
        close(p.server);
    }
}

} // namespace benchstore::test
