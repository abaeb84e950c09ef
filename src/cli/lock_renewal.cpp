#include "cli/lock_renewal.h"

#include "config/connection_options.h"
#include "redis/client_factory.h"
#include "repo/lock_repository.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>

namespace redops::cli {

namespace {

using std::chrono::milliseconds;

// Runs `op` on `client` (made first when null); when it throws, drops the client and runs it once more on a new
// one whose timeouts are capped by `cap()` at that moment. The second failure propagates.
template <class Op, class Cap>
auto with_one_reconnect(std::unique_ptr<redis::Client>& client, const LeaseClients& clients, Cap cap, Op op)
{
    try {
        if (!client) {
            client = clients.make(cap());
        }
        return op(*client);
    } catch (const std::exception&) {
        client.reset(); // a connection that failed is never reused
    }
    client = clients.make(cap());
    return op(*client);
}

} // namespace

std::unique_ptr<redis::Client> LeaseClients::make(milliseconds timeout_cap) const
{
    const auto& c = m_settings.connection;
    redis::ConnectionOptions base = config::connection_options(m_settings);
    timeout_cap = std::max(timeout_cap, milliseconds(1));
    base.connect_timeout = std::min(base.connect_timeout, timeout_cap);
    base.command_timeout = std::min(base.command_timeout, timeout_cap);
    redis::SentinelQuery sentinel{c.sentinels.value, c.master.value, c.sentinel_password.value};
    return redis::ClientFactory(base, std::move(sentinel), c.cluster.value).make();
}

Renewer::Renewer(Lease& lease, const LeaseClients& clients, HeldLock lock)
    : m_lease(lease), m_clients(clients), m_lock(std::move(lock))
{
}

Renewer::~Renewer()
{
    stop();
}

void Renewer::start()
{
    m_thread = std::thread([this] { run(); });
}

std::unique_ptr<redis::Client> Renewer::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
    return std::move(m_client);
}

bool Renewer::pause_until(LeaseClock::time_point until)
{
    std::unique_lock lock(m_mutex);
    return !m_wake.wait_until(lock, until, [&] { return m_stop; });
}

void Renewer::run()
{
    const LeaseTiming& timing = m_lease.timing();
    try {
        m_client = m_clients.make(timing.attempt_timeout); // now, so the first renewal does not pay for connecting
    } catch (const std::exception&) {
        // the first renewal connects again; a failure there is judged against the lease like any other
    }
    LeaseClock::time_point next = m_lease.held_until() - timing.ttl + timing.renew_every;
    while (pause_until(next) && !m_lease.lost()) {
        if (m_lease.check(LeaseClock::now())) {
            return; // past the loss deadline: the supervisor acts on it
        }
        renew_once(next);
    }
}

void Renewer::renew_once(LeaseClock::time_point& next)
{
    const LeaseTiming& timing = m_lease.timing();
    const auto sent = LeaseClock::now();
    // A reconnect gets what is left before the loss deadline, never more than one attempt's share.
    auto cap = [&] {
        auto left = std::chrono::duration_cast<milliseconds>(m_lease.loss_deadline() - LeaseClock::now());
        return std::min(timing.attempt_timeout, left);
    };
    try {
        repo::ExtendResult r = with_one_reconnect(m_client, m_clients, cap, [&](redis::Client& client) {
            return repo::LockRepository(client, m_lock.key_template).extend(m_lock.name, m_lock.owner, timing.ttl);
        });
        if (!r.extended) {
            m_lease.lose(r.reason == repo::LockFailure::not_held ? "it expired in Redis"
                                                                 : "another owner holds it now");
            return;
        }
        m_lease.renewed(sent);
        next = sent + timing.renew_every;
    } catch (const std::exception&) {
        m_client.reset();
        next = LeaseClock::now() + timing.retry_pause;
    }
}

bool release_with_reconnect(std::unique_ptr<redis::Client>& client, const LeaseClients& clients, const HeldLock& lock)
{
    auto cap = [&] { return clients.command_timeout(); };
    repo::ReleaseResult r = with_one_reconnect(client, clients, cap, [&](redis::Client& c) {
        return repo::LockRepository(c, lock.key_template).release(lock.name, lock.owner);
    });
    return r.released;
}

} // namespace redops::cli
