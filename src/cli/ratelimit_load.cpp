#include "cli/ratelimit_load.h"

#include "common/error.h"
#include "common/sliding_limiter.h"
#include "output/json_fields.h"
#include "output/time_format.h"
#include "redis/client.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace redops::cli {

namespace {

using SteadyClock = std::chrono::steady_clock;

class RedisTarget : public HitTarget {
public:
    RedisTarget(Context& ctx, std::string resource, std::string subject, repo::LimitSpec spec)
        : m_ctx(ctx), m_resource(std::move(resource)), m_subject(std::move(subject)), m_spec(spec),
          m_key(repository(ctx.client()).key_of(m_resource, m_subject))
    {
    }
    const std::string& key() const override { return m_key; }
    repo::PeekResult peek() override { return repository(m_ctx.client()).peek(m_resource, m_subject, m_spec); }
    void open_workers(long long workers) override
    {
        // Each worker its own connection, so the hits really race on the server.
        const redis::ClientFactory& factory = m_ctx.client_factory();
        m_clients.clear();
        for (long long i = 0; i < workers; ++i) {
            m_clients.push_back(factory.make());
        }
    }
    repo::HitResult hit(long long worker) override
    {
        redis::Client& client = m_clients.empty() ? m_ctx.client() : *m_clients.at(static_cast<std::size_t>(worker));
        return repository(client).hit(m_resource, m_subject, m_spec);
    }

private:
    repo::RateLimitRepository repository(redis::Client& client) const
    {
        return repo::RateLimitRepository(client, m_ctx.settings().keys.ratelimit.value);
    }

    Context& m_ctx;
    std::string m_resource;
    std::string m_subject;
    repo::LimitSpec m_spec;
    std::string m_key;
    std::vector<std::unique_ptr<redis::Client>> m_clients;
};

class DegradedTarget : public HitTarget {
public:
    DegradedTarget(const std::string& resource, const std::string& subject, const repo::LimitSpec& spec)
        : m_key(resource + ":" + subject), m_limit(spec.limit), m_window_ms(spec.window.count()),
          m_limiter(spec.limit, spec.window)
    {
    }
    const std::string& key() const override { return m_key; }
    repo::PeekResult peek() override
    {
        auto d = m_limiter.peek(m_key);
        // Nothing frees before a window has passed when the log is empty (a fresh process's limiter always is).
        long long next_free = d.current > 0 ? 0 : m_window_ms;
        return {d.current > 0, d.remaining == 0, false, m_limit, d.current, d.remaining, d.reset_in_ms, next_free};
    }
    void open_workers(long long) override {}
    repo::HitResult hit(long long) override
    {
        auto d = m_limiter.hit(m_key);
        repo::HitResult r{!d.allowed, m_limit, d.current, d.remaining, d.reset_in_ms, std::nullopt};
        if (r.limited) {
            r.retry_after_ms = d.next_free_in_ms;
        }
        return r;
    }

private:
    std::string m_key;
    long long m_limit;
    long long m_window_ms;
    SlidingLimiter m_limiter;
};

struct HitRecord {
    repo::HitResult result;
    long long worker = 0;
    long long latency_us = 0;
};

// Workers take hit indexes in turn until all are sent; the first exception stops them and is rethrown.
std::vector<HitRecord> send_hits(HitTarget& target, long long requests, long long workers)
{
    std::vector<HitRecord> records(static_cast<std::size_t>(requests));
    std::atomic<long long> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&](long long worker) {
        try {
            for (long long i = next++; i < requests; i = next++) {
                auto start = SteadyClock::now();
                HitRecord& record = records[static_cast<std::size_t>(i)];
                record.result = target.hit(worker);
                record.worker = worker;
                record.latency_us =
                    std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count();
            }
        } catch (...) {
            std::lock_guard lock(failure_mutex);
            failure = failure ? failure : std::current_exception();
            next = requests;
        }
    };
    std::vector<std::thread> threads;
    for (long long w = 0; w < workers; ++w) {
        threads.emplace_back(work, w);
    }
    for (auto& thread : threads) {
        thread.join();
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    return records;
}

void print_trace(const std::vector<HitRecord>& records, output::Printer& printer)
{
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& r = records[i];
        nlohmann::ordered_json line{{"index", i}, {"worker", r.worker}, {"limited", r.result.limited},
                                    {"current", r.result.current}, {"remaining", r.result.remaining},
                                    {"reset_in_ms", output::or_null(r.result.reset_in_ms)},
                                    {"retry_after_ms", output::or_null(r.result.retry_after_ms)},
                                    {"latency_us", r.latency_us}};
        printer.line(line.dump());
    }
}

} // namespace

std::unique_ptr<HitTarget> make_redis_target(Context& ctx, const std::string& resource, const std::string& subject,
                                             const repo::LimitSpec& spec)
{
    return std::make_unique<RedisTarget>(ctx, resource, subject, spec);
}

std::unique_ptr<HitTarget> make_degraded_target(const std::string& resource, const std::string& subject,
                                                const repo::LimitSpec& spec)
{
    return std::make_unique<DegradedTarget>(resource, subject, spec);
}

LoadVerdict judge_load(const repo::PeekResult& before, long long requests, long long allowed, long long elapsed_us)
{
    LoadVerdict v;
    v.expected_allowed = std::min(requests, before.remaining);
    // Capacity that frees up while the hits run makes the count inexact; then it may only grow, never shrink.
    v.exact = before.next_free_in_ms < 0 || elapsed_us < before.next_free_in_ms * 1000;
    v.ok = v.exact ? allowed == v.expected_allowed : allowed >= v.expected_allowed && allowed <= requests;
    return v;
}

int run_load(HitTarget& target, const repo::LimitSpec& spec, const LoadPlan& plan, Context& ctx)
{
    long long workers = std::clamp(plan.concurrency, 1LL, plan.requests);
    repo::PeekResult before = target.peek();
    target.open_workers(workers);
    auto start = SteadyClock::now();
    std::vector<HitRecord> records = send_hits(target, plan.requests, workers);
    long long elapsed_us = std::max<long long>(
        1, std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count());
    repo::PeekResult after = target.peek();

    long long allowed = 0;
    std::optional<long long> first_denied;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (!records[i].result.limited) {
            ++allowed;
        } else if (!first_denied) {
            first_denied = static_cast<long long>(i);
        }
    }
    LoadVerdict verdict = judge_load(before, plan.requests, allowed, elapsed_us);
    long long expected = verdict.expected_allowed;
    bool exact = verdict.exact;
    bool ok = verdict.ok;
    int exit_code = ok ? k_exit_ok : k_exit_negative;
    double hits_per_s = static_cast<double>(plan.requests) * 1e6 / static_cast<double>(elapsed_us);

    auto& printer = ctx.printer();
    if (plan.trace) {
        print_trace(records, printer);
    }
    if (!exact) {
        printer.warn("capacity freed up during the run (the window moved); only a lower bound was checked");
    }
    if (printer.json()) {
        printer.json_document(
            {{"algorithm", plan.degraded ? "degraded" : std::string(repo::algorithm_name(spec.algorithm))},
             {"key", target.key()}, {"limit", before.capacity}, {"window_ms", spec.window.count()},
             {"requests", plan.requests}, {"concurrency", workers}, {"allowed", allowed},
             {"denied", plan.requests - allowed}, {"expected_allowed", expected}, {"exact", exact},
             {"first_denied_index", first_denied ? nlohmann::ordered_json(*first_denied) : nullptr},
             {"remaining", after.remaining}, {"reset_in_ms", output::or_null(after.reset_in_ms)},
             {"hits_per_s", hits_per_s}, {"elapsed_ms", static_cast<double>(elapsed_us) / 1000.0}, {"ok", ok}});
    } else {
        printer.line(fmt::format("{}: {} allowed, {} denied of {} hits from {} connection{} (expected {} allowed)",
                                 target.key(), allowed, plan.requests - allowed, plan.requests, workers,
                                 workers == 1 ? "" : "s", expected));
        printer.line(fmt::format("first denied: {}, remaining {}, resets in {}, {:.0f} hits/s",
                                 first_denied ? std::to_string(*first_denied) : "-", after.remaining,
                                 after.reset_in_ms ? output::human_duration_ms(*after.reset_in_ms) : "never (no TTL)",
                                 hits_per_s));
        printer.line(ok ? "OK: the limit held exactly" : "FAIL: the limiter let through a different number");
    }
    return exit_code;
}

} // namespace redops::cli
