#include "cli/ratelimit_load.h"

#include "common/error.h"
#include "common/sliding_limiter.h"
#include "output/json_fields.h"
#include "output/time_format.h"
#include "output/view.h"
#include "redis/client.h"
#include "repo/health_repository.h"

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
    std::optional<long long> free_client_slots() override
    {
        return repo::HealthRepository(m_ctx.client()).free_client_slots();
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
    std::optional<long long> free_client_slots() override { return std::nullopt; }

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
                record.latency_us = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start)
                                        .count();
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
        nlohmann::ordered_json line{{"index", i},
                                    {"worker", r.worker},
                                    {"limited", r.result.limited},
                                    {"current", r.result.current},
                                    {"remaining", r.result.remaining},
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

LoadVerdict judge_load(const repo::PeekResult& before, const repo::PeekResult& after, long long requests,
                       long long allowed, long long elapsed_us)
{
    LoadVerdict v;
    v.expected_allowed = std::min(requests, before.remaining);
    // Capacity that frees up while the hits run makes the counts inexact: admissions may then exceed the state
    // before, and the state after undercounts them.
    v.exact = before.next_free_in_ms < 0 || elapsed_us < before.next_free_in_ms * 1000;
    v.server_admitted = after.current - before.current;
    v.others = v.server_admitted - allowed;
    if (v.exact) {
        v.shared = v.others != 0;
        if (v.others < 0) {
            // The state shows fewer admissions than this run alone got: somebody reset or removed the subject.
            v.verdict = Verdict::no_verdict;
            v.reason = fmt::format("the subject's state lost {} admissions during the run (reset or removed by "
                                   "another client)",
                                   -v.others);
        } else if (v.server_admitted > before.remaining) {
            v.verdict = Verdict::broken;
            v.reason = fmt::format("{} admitted with {} remaining{}", v.server_admitted, before.remaining,
                                   v.shared ? fmt::format(" ({} of them to other clients)", v.others) : "");
        } else if (v.server_admitted < before.remaining && allowed < requests) {
            v.verdict = Verdict::broken;
            v.reason = fmt::format("{} of {} hits denied while {} of the capacity was never used", requests - allowed,
                                   requests, before.remaining - v.server_admitted);
        } else {
            v.verdict = Verdict::held;
        }
        return v;
    }
    // Not exact: this run alone must get at least what was there at the start, and never more than it asked.
    v.others = std::max(0LL, v.others); // freed capacity hides admissions: only a lower bound is known
    v.shared = v.others > 0;
    if (allowed > requests) {
        v.verdict = Verdict::broken;
        v.reason = fmt::format("{} admitted of {} hits", allowed, requests);
    } else if (allowed >= v.expected_allowed) {
        v.verdict = Verdict::held;
    } else if (v.shared) {
        v.verdict = Verdict::no_verdict;
        v.reason = fmt::format("other clients took at least {} of the capacity while the window moved", v.others);
    } else {
        v.verdict = Verdict::broken;
        v.reason = fmt::format("{} admitted, fewer than the {} remaining at the start", allowed, v.expected_allowed);
    }
    return v;
}

long long concurrency_cap(long long requested, std::optional<long long> free_slots)
{
    if (!free_slots) {
        return requested;
    }
    return std::clamp(*free_slots / 4, 1LL, requested);
}

namespace {

std::string_view verdict_name(Verdict v)
{
    switch (v) {
    case Verdict::held: return "held";
    case Verdict::broken: return "broken";
    case Verdict::no_verdict: return "no_verdict";
    }
    return "broken";
}

int exit_code_of(Verdict v)
{
    return v == Verdict::held ? k_exit_ok : v == Verdict::broken ? k_exit_negative : k_exit_no_verdict;
}

// A count the state cannot give (it was reset, or freed capacity outweighs the admissions): null, never negative.
nlohmann::ordered_json count_or_null(long long count)
{
    return count < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(count);
}

std::string verdict_line(const LoadVerdict& v)
{
    switch (v.verdict) {
    case Verdict::held:
        return v.shared
                   ? fmt::format("OK: the limit held (shared subject: {} admitted to other clients during the run)",
                                 v.others)
                   : "OK: the limit held exactly";
    case Verdict::broken: return "FAIL: the limiter is broken: " + v.reason;
    case Verdict::no_verdict: return "NO VERDICT: shared subject: " + v.reason;
    }
    return {};
}

} // namespace

int run_load(HitTarget& target, const repo::LimitSpec& spec, const LoadPlan& plan, Context& ctx)
{
    auto& printer = ctx.printer();
    long long wanted = std::clamp(plan.concurrency, 1LL, plan.requests);
    long long workers = wanted > 1 ? concurrency_cap(wanted, target.free_client_slots()) : wanted;
    if (workers < wanted) {
        printer.warn(fmt::format("--concurrency {} capped to {}: a test takes at most a quarter of the server's free "
                                 "client slots",
                                 wanted, workers));
    }
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
    LoadVerdict verdict = judge_load(before, after, plan.requests, allowed, elapsed_us);
    double hits_per_s = static_cast<double>(plan.requests) * 1e6 / static_cast<double>(elapsed_us);

    if (plan.trace) {
        print_trace(records, printer);
    }
    if (!verdict.exact) {
        printer.warn("capacity freed up during the run (the window moved); only a lower bound was checked");
    }
    nlohmann::ordered_json fields{
        {"algorithm", plan.degraded ? "degraded" : std::string(repo::algorithm_name(spec.algorithm))},
        {"key", target.key()},
        {"limit", before.capacity},
        {"window_ms", spec.window.count()},
        {"requests", plan.requests},
        {"concurrency", workers},
        {"concurrency_requested", wanted},
        {"allowed", allowed},
        {"denied", plan.requests - allowed},
        {"expected_allowed", verdict.expected_allowed},
        {"exact", verdict.exact},
        {"server_admitted", count_or_null(verdict.server_admitted)},
        {"shared", verdict.shared},
        {"others_admitted", count_or_null(verdict.others)},
        {"verdict", verdict_name(verdict.verdict)},
        {"reason", verdict.reason.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(verdict.reason)},
        {"first_denied_index", first_denied ? nlohmann::ordered_json(*first_denied) : nullptr},
        {"remaining", after.remaining},
        {"reset_in_ms", output::or_null(after.reset_in_ms)},
        {"hits_per_s", hits_per_s},
        {"elapsed_ms", static_cast<double>(elapsed_us) / 1000.0}};
    auto text = [&](output::Printer& out) {
        out.line(fmt::format("{}: {} allowed, {} denied of {} hits from {} connection{} ({} available at the start)",
                             target.key(), allowed, plan.requests - allowed, plan.requests, workers,
                             workers == 1 ? "" : "s", verdict.expected_allowed));
        out.line(fmt::format("first denied: {}, remaining {}, resets in {}, {:.0f} hits/s",
                             first_denied ? std::to_string(*first_denied) : "-", after.remaining,
                             after.reset_in_ms ? output::human_duration_ms(*after.reset_in_ms) : "never (no TTL)",
                             hits_per_s));
        out.line(verdict_line(verdict));
    };
    return output::render(printer, {fields, text}, exit_code_of(verdict.verdict));
}

} // namespace redops::cli
