#include "repo/ratelimit_repository.h"

#include "common/error.h"
#include "redis/scan.h"
#include "redis/script.h"
#include "repo/state_guard.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include <array>

namespace redops::repo {

namespace {

// Lua, prepended to every rate-limit script: what KEYS[1] holds, so no algorithm writes over another's state.
// rate_state(now_us) -> kind ('none', 'fixed-window', 'sliding-log', 'gcra' or 'other'), a description.
// A fixed-window counter is a small integer; a GCRA TAT a microsecond timestamp a live key never holds far in
// the past (it expires at the TAT); a sliding log is a sorted set.
constexpr std::string_view k_rate_state_lua = R"lua(
local function rate_state(now)
  local held = redis.call('TYPE', KEYS[1])['ok']
  if held == 'none' then return 'none', 'nothing' end
  if held == 'zset' then return 'sliding-log', 'a zset (sliding-log state)' end
  if held ~= 'string' then return 'other', 'a ' .. held end
  local v = redis.call('GET', KEYS[1])
  if string.match(v, '^%d+$') and #v <= 17 then
    local n = tonumber(v)
    if n < 1e12 then return 'fixed-window', 'a fixed-window counter (' .. v .. ')' end
    if n >= now - 86400000000 and n <= now + 3153600000000000 then
      return 'gcra', 'a GCRA timestamp (' .. v .. ')'
    end
  end
  return 'other', 'a string of ' .. #v .. ' bytes that is no rate-limit state'
end
local function refuse_other(now, want)
  local kind, found = rate_state(now)
  if kind ~= 'none' and kind ~= want then return redis.error_reply('WRONGSTATE ' .. found) end
  return nil
end
)lua";

redis::Script rate_script(std::string_view body)
{
    return redis::Script(std::string(k_rate_state_lua) + std::string(body));
}

// The services' fixed window. KEYS[1] counter; ARGV limit, window ms. Replies {limited, current, ttl_ms};
// WRONGSTATE when the key holds another algorithm's state.
const redis::Script& fixed_window_script()
{
    static const redis::Script script = rate_script(R"lua(
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local refused = refuse_other(tonumber(t[1]) * 1000000 + tonumber(t[2]), 'fixed-window')
if refused then return refused end
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= limit then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], window)
    ttl = window
  end
  return {1, current, ttl}
end
current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], window) end
return {0, current, redis.call('PTTL', KEYS[1])}
)lua");
    return script;
}

// Read-only. KEYS[1] any rate-limit key. Replies {kind, description} as rate_state sees it.
const redis::Script& rate_state_script()
{
    static const redis::Script script = rate_script(R"lua(
local t = redis.call('TIME')
local kind, found = rate_state(tonumber(t[1]) * 1000000 + tonumber(t[2]))
return {kind, found}
)lua");
    return script;
}

// KEYS[1] zset of hit times (ms, server TIME); ARGV limit, window ms. Replies {limited, count, ttl_ms} and, when
// limited, a fourth: ms until the oldest hit leaves the window;
// WRONGSTATE when the key holds another algorithm's state.
const redis::Script& sliding_log_script()
{
    static const redis::Script script = rate_script(R"lua(
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local refused = refuse_other(tonumber(t[1]) * 1000000 + tonumber(t[2]), 'sliding-log')
if refused then return refused end
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {1, count, redis.call('PTTL', KEYS[1]), math.max(0, tonumber(oldest[2]) + window - now)}
end
-- now and the count make the member unique: within one ms the count only grows.
redis.call('ZADD', KEYS[1], now, now .. '-' .. count)
redis.call('PEXPIRE', KEYS[1], window)
return {0, count + 1, window}
)lua");
    return script;
}

// KEYS[1] sliding log; ARGV window ms; read-only. Replies {count, oldest_ms or -1, newest_ms or -1, now_ms, pttl}.
const redis::Script& sliding_log_peek_script()
{
    static const redis::Script script(R"lua(
local window = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - window), '+inf', 'WITHSCORES')
local oldest, newest = -1, -1
if #live > 0 then
  oldest = tonumber(live[2])
  newest = tonumber(live[#live])
end
return {#live / 2, oldest, newest, now, redis.call('PTTL', KEYS[1])}
)lua");
    return script;
}

// KEYS[1] theoretical arrival time (us); ARGV interval us, burst.
// Replies like CL.THROTTLE, in us: {limited, burst, remaining, retry_after or -1, reset_after};
// WRONGSTATE when the key holds another algorithm's state.
const redis::Script& gcra_script()
{
    static const redis::Script script = rate_script(R"lua(
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local refused = refuse_other(now, 'gcra')
if refused then return refused end
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local offset = interval * burst
local new_tat = tat + interval
local allow_at = new_tat - offset
if now < allow_at then
  return {1, burst, math.max(0, math.floor((now - tat + offset) / interval)), allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
return {0, burst, math.floor((now - allow_at) / interval), -1, new_tat - now}
)lua");
    return script;
}

// KEYS[1] theoretical arrival time; read-only. Replies {tat or '', seconds, microseconds, pttl}.
const redis::Script& gcra_peek_script()
{
    static const redis::Script script(R"lua(
local t = redis.call('TIME')
return {redis.call('GET', KEYS[1]) or '', t[1], t[2], redis.call('PTTL', KEYS[1])}
)lua");
    return script;
}

long long to_number(const redis::Reply& reply, std::string_view context)
{
    if (reply.is_integer()) {
        return reply.as_integer(context);
    }
    const std::string& text = reply.as_string(context);
    try {
        std::size_t used = 0;
        long long value = std::stoll(text, &used);
        if (used == text.size()) {
            return value;
        }
    } catch (const std::exception&) {
    }
    throw Error(ErrorKind::data, fmt::format("{}: not an integer: \"{}\"", context, text));
}

void validate(const LimitSpec& spec)
{
    if (spec.limit <= 0) {
        throw Error(ErrorKind::usage, "a rate limit must be positive");
    }
    if (spec.window.count() <= 0) {
        throw Error(ErrorKind::usage, "a rate-limit window must be positive");
    }
    if (spec.burst < 0) {
        throw Error(ErrorKind::usage, "a rate-limit burst must not be negative");
    }
}

std::string expected_state(Algorithm algorithm)
{
    return fmt::format("{} state", algorithm_name(algorithm));
}

long long us_to_ms(long long us)
{
    return us <= 0 ? us : (us + 999) / 1000;
}

} // namespace

Algorithm parse_algorithm(std::string_view name)
{
    if (name == "fixed-window") {
        return Algorithm::fixed_window;
    }
    if (name == "sliding-log") {
        return Algorithm::sliding_log;
    }
    if (name == "gcra") {
        return Algorithm::gcra;
    }
    throw Error(ErrorKind::usage, fmt::format("unknown algorithm \"{}\" (fixed-window, sliding-log, gcra)", name));
}

std::string_view algorithm_name(Algorithm algorithm)
{
    static constexpr std::array<std::string_view, 3> k_names{"fixed-window", "sliding-log",
                                                             "gcra"}; // Algorithm's order
    return k_names.at(static_cast<std::size_t>(algorithm));
}

long long gcra_burst(const LimitSpec& spec)
{
    return spec.burst > 0 ? spec.burst : spec.limit;
}

long long gcra_interval_us(const LimitSpec& spec)
{
    return std::max<long long>(1, spec.window.count() * 1000 / spec.limit);
}

GcraState gcra_peek(long long tat_us, long long now_us, long long interval_us, long long burst)
{
    long long tat = std::max(tat_us, now_us);
    long long offset = interval_us * burst;
    GcraState state;
    state.remaining = std::clamp<long long>((now_us - tat + offset) / interval_us, 0, burst);
    // tat is what the key holds: a corrupt or crafted value near the end of time saturates, never overflows.
    if (__builtin_sub_overflow(tat, now_us, &state.reset_after_us)) {
        state.reset_after_us = std::numeric_limits<long long>::max();
    }
    state.limited = state.remaining == 0;
    // The next hit passes once now reaches tat + interval - offset; (tat - now) >= 0 and (interval - offset) <= 0.
    state.retry_after_us = state.limited ? state.reset_after_us + (interval_us - offset) : -1;
    return state;
}

std::string RateLimitRepository::key_of(std::string_view resource, std::string_view subject) const
{
    if (resource.empty() || subject.empty()) {
        throw Error(ErrorKind::usage, "a rate-limit key needs a resource and a subject");
    }
    return m_template.render({{"resource", std::string(resource)}, {"subject", std::string(subject)}});
}

HitResult RateLimitRepository::hit(std::string_view resource, std::string_view subject, const LimitSpec& spec)
{
    validate(spec);
    std::string key = key_of(resource, subject);
    m_template.render_unambiguous({{"resource", std::string(resource)}, {"subject", std::string(subject)}});
    std::string window = std::to_string(spec.window.count());
    HitResult r;
    if (spec.algorithm == Algorithm::gcra) {
        redis::ScriptCall call{{key}, {std::to_string(gcra_interval_us(spec)), std::to_string(gcra_burst(spec))}};
        redis::Reply reply = run_guarded(m_client, gcra_script(), call, expected_state(spec.algorithm));
        const auto& a = reply.as_array("gcra reply");
        r.limited = a.at(0).as_integer("gcra limited") == 1;
        r.remaining = a.at(2).as_integer("gcra remaining");
        r.capacity = a.at(1).as_integer("gcra limit");
        r.current = r.capacity - r.remaining;
        if (r.limited) {
            r.retry_after_ms = std::max<long long>(0, us_to_ms(a.at(3).as_integer("gcra retry_after")));
        }
        r.reset_in_ms = std::max<long long>(0, us_to_ms(a.at(4).as_integer("gcra reset_after")));
        return r;
    }
    const redis::Script& script = spec.algorithm == Algorithm::fixed_window ? fixed_window_script()
                                                                            : sliding_log_script();
    redis::ScriptCall call{{key}, {std::to_string(spec.limit), window}};
    redis::Reply reply = run_guarded(m_client, script, call, expected_state(spec.algorithm));
    const auto& a = reply.as_array("rate limit reply");
    r.limited = a.at(0).as_integer("limited") == 1;
    r.capacity = spec.limit;
    r.current = a.at(1).as_integer("current");
    r.remaining = std::max<long long>(0, spec.limit - r.current);
    long long ttl = a.at(2).as_integer("ttl");
    if (ttl >= 0) { // -1: a counter whose EXPIRE never ran; it resets never
        r.reset_in_ms = ttl;
    }
    if (r.limited) {
        // fixed-window: the next hit passes when the window (the key) ends; sliding-log: when the oldest hit leaves.
        // The script gives a limited counter without TTL its window first, so neither is ever negative.
        long long retry = spec.algorithm == Algorithm::sliding_log ? a.at(3).as_integer("retry_after") : ttl;
        r.retry_after_ms = std::max<long long>(0, retry);
    }
    return r;
}

PeekResult RateLimitRepository::peek(std::string_view resource, std::string_view subject, const LimitSpec& spec)
{
    validate(spec);
    std::string key = key_of(resource, subject);
    require_state(key, spec.algorithm);
    PeekResult p;
    p.capacity = spec.algorithm == Algorithm::gcra ? gcra_burst(spec) : spec.limit;
    long long pttl = -2;
    if (spec.algorithm == Algorithm::fixed_window) {
        auto replies = m_client.pipeline({redis::cmd("GET", key), redis::cmd("PTTL", key)});
        replies.at(0).check();
        pttl = replies.at(1).check().as_integer("PTTL");
        p.current = replies[0].is_nil() ? 0 : to_number(replies[0], "fixed-window counter");
        p.reset_in_ms = std::max<long long>(0, pttl);
        p.next_free_in_ms = pttl >= 0 ? pttl : (replies[0].is_nil() ? spec.window.count() : -1);
    } else if (spec.algorithm == Algorithm::sliding_log) {
        redis::ScriptCall call{{key}, {std::to_string(spec.window.count())}};
        redis::Reply reply = redis::run_script(m_client, sliding_log_peek_script(), call);
        const auto& a = reply.as_array("sliding-log peek");
        p.current = a.at(0).as_integer("count");
        long long oldest = a.at(1).as_integer("oldest");
        long long newest = a.at(2).as_integer("newest");
        long long now = a.at(3).as_integer("now");
        pttl = a.at(4).as_integer("PTTL");
        p.reset_in_ms = p.current > 0 ? newest + spec.window.count() - now : 0;
        p.next_free_in_ms = p.current > 0 ? oldest + spec.window.count() - now : spec.window.count();
    } else {
        redis::Reply reply = redis::run_script(m_client, gcra_peek_script(), {{key}, {}});
        const auto& a = reply.as_array("gcra peek");
        long long now = to_number(a.at(1), "TIME") * 1'000'000 + to_number(a.at(2), "TIME");
        bool has_tat = !a.at(0).as_string("gcra state").empty();
        long long tat = has_tat ? to_number(a.at(0), "gcra state") : now;
        pttl = a.at(3).as_integer("PTTL");
        GcraState s = gcra_peek(tat, now, gcra_interval_us(spec), p.capacity);
        p.current = p.capacity - s.remaining;
        p.reset_in_ms = us_to_ms(s.reset_after_us);
        p.next_free_in_ms = us_to_ms(s.limited ? s.retry_after_us : gcra_interval_us(spec));
    }
    p.exists = pttl != -2;
    p.no_ttl = pttl == -1;
    if (p.no_ttl && spec.algorithm == Algorithm::fixed_window) {
        p.reset_in_ms.reset(); // a counter without TTL never resets: no "0 ms" claim
    }
    p.remaining = std::max<long long>(0, p.capacity - p.current);
    p.limited = p.remaining == 0;
    return p;
}

void RateLimitRepository::require_state(const std::string& key, Algorithm algorithm)
{
    redis::Reply reply = redis::run_script(m_client, rate_state_script(), {{key}, {}});
    const auto& a = reply.as_array("rate limit state");
    const std::string& kind = a.at(0).as_string("rate limit state kind");
    if (kind != "none" && kind != algorithm_name(algorithm)) {
        throw wrong_state(key, a.at(1).as_string("rate limit state"), expected_state(algorithm));
    }
}

bool RateLimitRepository::reset(std::string_view resource, std::string_view subject)
{
    return m_client.call(redis::cmd("UNLINK", key_of(resource, subject))).as_integer("UNLINK") > 0;
}

BulkDeleteResult
RateLimitRepository::reset_all(std::string_view resource, long long scan_count, bool dry_run,
                               const std::function<void(const std::vector<std::string>&, long long)>& on_batch)
{
    if (resource.empty()) {
        throw Error(ErrorKind::usage, "resetting every subject needs a resource");
    }
    BulkDeleteRequest request{m_template, {{"resource", std::string(resource)}}, scan_count, dry_run, on_batch};
    return bulk_delete(m_client, request);
}

std::string RateLimitRepository::reset_pattern(std::string_view resource) const
{
    return m_template.scan_pattern({{"resource", std::string(resource)}});
}

} // namespace redops::repo
