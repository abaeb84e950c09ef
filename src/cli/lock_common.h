// Pieces shared by the `lock` subcommands: option parsing helpers and the acquire-with-wait loop.
#pragma once

#include "cli/app.h"
#include "cli/context.h"
#include "repo/lock_repository.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace redops::cli {

// How a lock is taken, by `lock acquire` and `lock run` alike: its name, TTL, how long to wait for it, and whether
// a fencing number comes with it.
struct LockTake {
    std::string name;
    std::optional<std::chrono::milliseconds> ttl;
    std::optional<std::chrono::milliseconds> wait;
    bool fence = false;
};

// The name argument and the --ttl and --wait options of a LockTake.
void add_lock_take(CLI::App& app, LockTake& take, const std::string& ttl_help, const std::string& wait_help);

// The --ttl flag or settings.defaults.lock_ttl; Error(usage) when not positive.
std::chrono::milliseconds lock_ttl(Context& ctx, const std::optional<std::chrono::milliseconds>& flag);

// One SET NX PX, or with `wait` retries with jittered exponential back-off (capped at 1 s) until the deadline.
repo::AcquireResult acquire_with_wait(repo::LockRepository& locks, const std::string& name,
                                      std::chrono::milliseconds ttl, const std::string& owner,
                                      std::optional<std::chrono::milliseconds> wait);

// The same loop around any acquire attempt (e.g. a fenced one, or one that notes when it was sent).
repo::AcquireResult retry_acquire(const std::function<repo::AcquireResult()>& attempt,
                                  std::optional<std::chrono::milliseconds> wait);

void register_lock_run(CLI::App& lock, Runner& selected);

} // namespace redops::cli
