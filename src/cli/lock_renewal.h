// `lock run`'s renewal thread and final release: each call on its own client, reconnecting once when it fails.
#pragma once

#include "cli/lock_lease.h"
#include "config/settings.h"
#include "redis/client.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace redops::cli {

// Makes clients of the configured topology whose connect and command timeouts are capped (a renewal call must
// not outlast the lease). Each make() resolves afresh, so a reconnect follows a failover or a restart.
class LeaseClients {
public:
    explicit LeaseClients(const config::Settings& settings) : m_settings(settings) {}
    std::unique_ptr<redis::Client> make(std::chrono::milliseconds timeout_cap) const;
    std::chrono::milliseconds command_timeout() const { return m_settings.connection.command_timeout.value; }

private:
    const config::Settings& m_settings;
};

// What identifies the lock being renewed.
struct HeldLock {
    const config::KeyTemplate& key_template;
    std::string name;
    std::string owner;
};

// Renews every ttl/3 until stopped or the lease is lost. A failed call is retried at once on a new connection;
// when that fails too, again after retry_pause, until the lease's loss deadline ends the thread.
class Renewer {
public:
    Renewer(Lease& lease, const LeaseClients& clients, HeldLock lock);
    ~Renewer();
    Renewer(const Renewer&) = delete;
    Renewer& operator=(const Renewer&) = delete;

    void start();
    // Stops the thread (waits for a call in flight, bounded by attempt_timeout) and hands back its client.
    std::unique_ptr<redis::Client> stop();

private:
    void run();
    // Waits until `until` or stop(); false when stopped.
    bool pause_until(LeaseClock::time_point until);
    void renew_once(LeaseClock::time_point& next);

    Lease& m_lease;
    const LeaseClients& m_clients;
    HeldLock m_lock;
    std::unique_ptr<redis::Client> m_client;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread;
};

// Releases with compare-and-delete on `client` (made when null), once more on a new connection when that fails.
// True when this owner's lock was deleted; false when it was not held by it; throws when both calls failed.
bool release_with_reconnect(std::unique_ptr<redis::Client>& client, const LeaseClients& clients, const HeldLock& lock);

} // namespace redops::cli
