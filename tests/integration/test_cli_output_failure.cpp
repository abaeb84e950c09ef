// Output failure is failure: a stdout that cannot be written exits 4 (kind system), and a command that changed
// state it could not report undoes it; a reader that closes the pipe early ends redops quietly.
#include "process.h"
#include "redis/connection.h"
#include "target.h"

#include <catch2/catch.hpp>

using redops::redis::cmd;
using redops::test::ProcessResult;
using redops::test::TestTarget;

namespace {

// Runs `redops <target args> <args>` through bash with `redirect` appended (e.g. "> /dev/full").
ProcessResult run_shell(const TestTarget& target, const std::vector<std::string>& args, const std::string& around)
{
    std::string command = "'" REDOPS_BINARY "'";
    std::vector<std::string> all = target.args();
    all.insert(all.end(), args.begin(), args.end());
    for (const auto& arg : all) {
        command += " '" + arg + "'";
    }
    std::string script = around;
    script.replace(script.find("REDOPS"), 6, command);
    return redops::test::run_process({"/bin/bash", "-c", script});
}

void require_system_failure(const ProcessResult& r)
{
    INFO(r.err);
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("cannot write to standard output: No space left on device") != std::string::npos);
}

} // namespace

TEST_CASE("lock acquire with stdout on /dev/full exits 4 and releases the lock it took",
          "[cli][lock][output][portable]")
{
    TestTarget target;
    for (std::string format : {"--json", "--output=table"}) {
        INFO(format);
        auto r = run_shell(target, {format, "lock", "acquire", "full1"}, "REDOPS > /dev/full");
        require_system_failure(r);
        CHECK(r.err.find("released it again") != std::string::npos);
        CHECK(target.client().call(cmd("EXISTS", "lock:full1")).integer == 0);
    }
}

TEST_CASE("ping token list and monitor with stdout on /dev/full exit 4", "[cli][output][portable]")
{
    TestTarget target;
    for (int i = 0; i < 50; ++i) {
        target.client().call(cmd("SET", "auth:token:p" + std::to_string(i) + ":t",
                                 R"({"token":"eyJ.x.y","expiresAt":1900000000000,"cachedAt":1700000000000})"));
    }
    const std::vector<std::vector<std::string>> commands{{"ping", "--json"},
                                                         {"ping"},
                                                         {"token", "list"},
                                                         {"token", "list", "--json"},
                                                         {"monitor", "--format", "prometheus", "--once"},
                                                         {"monitor", "--once", "--json"}};
    for (const auto& args : commands) {
        INFO(args.front() << " " << args.back());
        require_system_failure(run_shell(target, args, "REDOPS > /dev/full"));
    }
}

TEST_CASE("a reader that closes the pipe early ends redops quietly and lock acquire gives its lock back",
          "[cli][output][portable]")
{
    TestTarget target;
    for (int i = 0; i < 3000; ++i) { // about 200 KB of listing: more than a pipe holds
        target.client().call(cmd("SET", "auth:token:p" + std::to_string(i) + ":t",
                                 R"({"token":"eyJ.x.y","expiresAt":1900000000000,"cachedAt":1700000000000})"));
    }
    auto head = run_shell(target, {"token", "list"}, "REDOPS | head -1; echo \"status ${PIPESTATUS[0]}\"");
    INFO(head.err);
    CHECK(head.err.empty());
    CHECK(head.out.find("status 141") != std::string::npos); // killed by SIGPIPE, as cat(1) would be

    // The reader is gone before redops writes its owner token: the write fails with EPIPE.
    auto gone = run_shell(target, {"lock", "acquire", "pipe1"},
                          "{ sleep 0.5; REDOPS; echo \"status $?\" >&2; } | true");
    INFO(gone.err);
    CHECK(gone.err.find("status 141") != std::string::npos);
    CHECK(gone.err.find("redops:") == std::string::npos);
    CHECK(target.client().call(cmd("EXISTS", "lock:pipe1")).integer == 0);
}
