// `redops lock run`: flock(1) for a fleet — hold a lock while a command runs, renewing it from its own connection.
#include "cli/checks.h"
#include "cli/lock_common.h"
#include "common/error.h"
#include "config/connection_options.h"
#include "config/duration.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <cstring>
#include <mutex>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

namespace redops::cli {

namespace {

struct RunOptions {
    std::string name;
    std::optional<std::string> ttl;
    std::optional<std::string> wait;
    int conflict_exit_code = k_exit_negative;
    bool kill_on_loss = false;
    std::vector<std::string> command;
};

constexpr std::chrono::seconds k_kill_grace{5};

// Shared between the main thread and the renewal thread; lives on run_lock's stack, so nothing is global.
struct Renewal {
    std::mutex mutex;
    std::condition_variable wake;
    bool stop = false;
    std::atomic<bool> lost{false};
    std::string lost_reason; // written before `lost` is set, read after
};

void renew_loop(Renewal& state, const redis::ClientFactory& factory, const config::KeyTemplate& key_template,
                const std::string& name, const std::string& owner, std::chrono::milliseconds ttl)
{
    using Clock = std::chrono::steady_clock;
    const auto interval = std::max(ttl / 3, std::chrono::milliseconds(1));
    const auto retry = std::max(ttl / 10, std::chrono::milliseconds(50));
    auto last_ok = Clock::now();
    auto pause = interval;
    // Its own client: the main thread's is not thread-safe, and a hung call there must not stop renewal.
    std::unique_ptr<redis::Client> client;
    try {
        client = factory.make(); // now, so the first renewal does not also pay for connecting
    } catch (const std::exception&) {
        // the loop retries: a failure here is one more failed renewal, judged against the TTL below
    }
    while (true) {
        {
            std::unique_lock lock(state.mutex);
            if (state.wake.wait_for(lock, pause, [&] { return state.stop; })) {
                return;
            }
        }
        try {
            if (!client) {
                client = factory.make(); // through the sentinels again after a failure: follows a failover
            }
            repo::LockRepository locks(*client, key_template);
            repo::ExtendResult r = locks.extend(name, owner, ttl);
            if (!r.extended) {
                state.lost_reason = r.reason == repo::LockFailure::not_held ? "the lock expired"
                                                                             : "another owner took the lock";
                state.lost = true;
                return;
            }
            last_ok = Clock::now();
            pause = interval;
        } catch (const std::exception& e) {
            // A broken connection is not reused; the next attempt opens a fresh one.
            client.reset();
            if (Clock::now() - last_ok >= ttl) {
                state.lost_reason = fmt::format("could not renew it for longer than its TTL: {}", e.what());
                state.lost = true;
                return;
            }
            pause = retry;
        }
    }
}

pid_t spawn(const std::vector<std::string>& command, const sigset_t& original_mask)
{
    std::vector<char*> argv;
    argv.reserve(command.size() + 1);
    for (const auto& arg : command) {
        argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) {
        throw Error(ErrorKind::system, fmt::format("fork failed: {}", std::strerror(errno)));
    }
    if (pid == 0) {
        pthread_sigmask(SIG_SETMASK, &original_mask, nullptr);
        execvp(argv[0], argv.data());
        // As the shells do: 127 when the command is not found, 126 when it cannot be executed.
        int code = errno == ENOENT ? 127 : 126;
        std::string message = fmt::format("redops: cannot execute {}: {}\n", command[0], std::strerror(errno));
        [[maybe_unused]] auto ignored = write(STDERR_FILENO, message.data(), message.size());
        _exit(code);
    }
    return pid;
}

int exit_status(int status)
{
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return k_exit_data;
}

// Waits for the child while forwarding SIGINT/SIGTERM and watching for a lost lock. The signals are blocked and
// taken with sigtimedwait, so no handler and no global flag are needed.
int supervise(Context& ctx, pid_t child, const sigset_t& signals, Renewal& renewal, const RunOptions& o)
{
    using Clock = std::chrono::steady_clock;
    bool loss_reported = false;
    std::optional<Clock::time_point> term_sent;
    bool kill_sent = false;
    const timespec tick{0, 100'000'000};
    while (true) {
        int status = 0;
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child) {
            return exit_status(status);
        }
        if (done < 0 && errno != EINTR) {
            throw Error(ErrorKind::data, fmt::format("waitpid failed: {}", std::strerror(errno)));
        }
        if (renewal.lost && !loss_reported) {
            loss_reported = true;
            ctx.printer().warn(fmt::format("lost lock \"{}\": {}{}", o.name, renewal.lost_reason,
                                           o.kill_on_loss ? "; terminating the command" : ""));
            if (o.kill_on_loss) {
                kill(child, SIGTERM);
                term_sent = Clock::now();
            }
        }
        if (term_sent && !kill_sent && Clock::now() - *term_sent >= k_kill_grace) {
            kill(child, SIGKILL);
            kill_sent = true;
        }
        siginfo_t info{};
        int sig = sigtimedwait(&signals, &info, &tick);
        // A terminal's Ctrl-C (SI_KERNEL) already reached the child, which shares our process group: sending it
        // again would look like a second Ctrl-C to programs that force-quit on one.
        if ((sig == SIGINT || sig == SIGTERM) && info.si_code != SI_KERNEL) {
            kill(child, sig);
        }
    }
}

int run_lock(const RunOptions& o, Context& ctx)
{
    if (o.command.empty()) {
        throw Error(ErrorKind::usage, "lock run needs a command after --");
    }
    auto ttl = lock_ttl(ctx, o.ttl);
    std::optional<std::chrono::milliseconds> wait;
    if (o.wait) {
        wait = config::parse_duration(*o.wait);
    }
    const config::Settings& settings = ctx.settings();
    repo::LockRepository locks(ctx.client(), settings.keys.lock.value);
    std::string key = locks.key_of(o.name);
    std::string owner = repo::new_owner_token();
    repo::AcquireResult r = acquire_with_wait(locks, o.name, ttl, owner, wait);
    auto& p = ctx.printer();
    if (!r.acquired) {
        if (p.json()) {
            p.json_document(nlohmann::ordered_json{{"ok", false}, {"name", o.name}, {"key", key}, {"acquired", false},
                                                   {"owner", p.secret(r.owner)}, {"ttl_ms", r.holder_ttl_ms}});
        }
        p.note(fmt::format("lock \"{}\" is held by another owner, expires in {} ms; not running the command", o.name,
                           r.holder_ttl_ms));
        return o.conflict_exit_code;
    }

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGCHLD);
    sigset_t original;
    pthread_sigmask(SIG_BLOCK, &signals, &original); // before the thread starts, so it inherits the mask

    int code = k_exit_data;
    std::exception_ptr failure; // rethrown only after the renewal thread is joined and the lock released
    Renewal renewal;
    const redis::ClientFactory& renewal_clients = ctx.client_factory();
    std::thread renewer;
    try {
        pid_t child = spawn(o.command, original);
        renewer = std::thread(renew_loop, std::ref(renewal), std::cref(renewal_clients), std::cref(settings.keys.lock.value),
                              o.name, owner, ttl);
        code = supervise(ctx, child, signals, renewal, o);
    } catch (...) {
        failure = std::current_exception();
    }
    {
        std::lock_guard lock(renewal.mutex);
        renewal.stop = true;
    }
    renewal.wake.notify_all();
    if (renewer.joinable()) {
        renewer.join();
    }
    pthread_sigmask(SIG_SETMASK, &original, nullptr);
    try {
        // The compare-and-delete leaves a lock someone else took in the meantime alone.
        locks.release(o.name, owner);
    } catch (const Error& e) {
        p.warn(fmt::format("could not release lock \"{}\" (it expires after its TTL): {}", o.name, e.what()));
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    return code;
}

} // namespace

void register_lock_run(CLI::App& lock, Runner& selected)
{
    auto o = std::make_shared<RunOptions>();
    CLI::App* sub = lock.add_subcommand("run", "Run a command while holding a lock, renewing it every ttl/3");
    sub->add_option("name", o->name, "Lock name")->required();
    sub->add_option("command", o->command, "The command and its arguments, after --")->required();
    sub->add_option("--ttl", o->ttl, "Lock TTL, renewed every ttl/3 (default: defaults.lock_ttl)")
        ->check(duration_in(config::k_ttl_range));
    sub->add_option("--wait", o->wait, "Wait up to DUR for the lock instead of giving up at once")
        ->check(duration_in(config::k_wait_range));
    // 0 would make "held elsewhere" look like success; above 255 the shell sees it modulo 256.
    sub->add_option("--conflict-exit-code", o->conflict_exit_code, "Exit code when the lock is held (1-255, default 1)")
        ->check(integer_in(config::k_exit_code_range));
    sub->add_flag("--kill-on-loss", o->kill_on_loss, "SIGTERM (then SIGKILL) the command when the lock is lost");
    sub->callback([o, &selected] { selected = [o](Context& ctx) { return run_lock(*o, ctx); }; });
}

} // namespace redops::cli
