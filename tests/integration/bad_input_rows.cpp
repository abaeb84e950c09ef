#include "bad_input_rows.h"

namespace redops::test {
namespace {

using Args = std::vector<std::string>;

// Shorthands for the commands most rows start from.
Args with(Args head, const Args& tail)
{
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

const Args k_token_set{"token", "set", "--provider", "genesys", "--tenant", "matrix"};
const Args k_rate_test{"ratelimit", "test", "--resource", "login", "--subject", "u1", "--limit", "5", "--window", "1m"};
const Args k_dedupe_mark{"dedupe", "check", "--tenant", "acme", "--id", "m9", "--mark"};
const std::string k_token_stdin = "tok-matrix-123\n";

MatrixRow own(Args args, int exit_code, std::string fragment, std::map<std::string, std::string> env = {})
{
    return MatrixRow{std::move(args), exit_code, std::move(fragment), std::move(env), false};
}

MatrixRow nagios(Args args, std::string fragment)
{
    return MatrixRow{std::move(args), 3, std::move(fragment), {}, true, true};
}

MatrixRow token_set(const Args& tail, std::string fragment)
{
    return MatrixRow{with(k_token_set, tail), 2, std::move(fragment), {}, true, false, k_token_stdin};
}

std::vector<MatrixRow> connection_rows()
{
    return {
        {{"-n", "99", "ping"}, 2, "db 99 is out of range (0-15)"},
        {{"-n", "16", "token", "get", "--provider", "genesys", "--tenant", "acme"}, 2, "db 16 is out of range (0-15)"},
        {{"-n", "-1", "ping"}, 2, "--db: -1 is out of range"},
        {{"ping"}, 2, "db 99 is out of range (0-15)", {{"REDIS_DB", "99"}}},
        {{"ping"}, 2, "REDIS_DB", {{"REDIS_DB", "abc"}}},
        {{"ping"}, 2, "REDIS_PORT: port 70000 is out of range (1-65535)", {{"REDIS_PORT", "70000"}}},
        {{"-p", "0", "ping"}, 2, "--port: 0 is out of range (1-65535)"},
        {{"-p", "70000", "ping"}, 2, "--port: 70000 is out of range (1-65535)"},
        {{"--cluster", "-n", "2", "ping"}, 2, "a Redis Cluster has only database 0"},
        own({"--url", "@CLUSTER@", "-n", "2", "token", "get", "--provider", "genesys", "--tenant", "acme"}, 2,
            "a cluster has only database 0"),
        own({"--url", "unix:///tmp/redops-matrix.sock", "-p", "7000", "ping"}, 2,
            "--port contradicts the unix socket URL"),
        own({"--url", "unix:///tmp/redops-matrix.sock", "--host", "db.example", "ping"}, 2,
            "--host contradicts the unix socket URL"),
        {{"--connect-timeout", "0ms", "ping"}, 2, "--connect-timeout: duration \"0ms\" is out of range (1ms-1h)"},
        {{"--timeout", "2h", "ping"}, 2, "--timeout: duration \"2h\" is out of range (1ms-1h)"},
        {{"--timeout=-1s", "ping"}, 2, "negative durations are not allowed"},
        {{"--timeout", "106751991167d", "ping"}, 2, "--timeout: duration \"106751991167d\" is out of range"},
        {{"--timeout", "1e400", "ping"}, 2, "--timeout: invalid duration \"1e400\""},
        {{"--config", "@DIR@/db_1e400.json", "ping"}, 2, "a number is out of range"},
        {{"--config", "@DIR@/timeout_zero.json", "ping"}, 2, "timeout: duration \"0s\" is out of range (1ms-1h)"},
        {{"--config", "@DIR@/scan_zero.json", "lock", "list"}, 2, "defaults.scan_count: 0 is out of range (1-100000)"},
        {{"--config", "@DIR@/lock_ttl_long.json", "lock", "acquire", "m"},
         2,
         "defaults.lock_ttl: duration \"3651d\" is out of range"},
        {{"--config", "@DIR@/port_big.json", "ping"}, 2, "port 70000 is out of range (1-65535)"},
        {{"--config", "@DIR@/databases_zero.json", "ping"}, 2, "databases: 0 is out of range (1-1000000)"},
        {{"--config", "@DIR@/cacert_missing.json", "ping"}, 2, "--cacert \"@DIR@/missing-ca.pem\" (from file"},
        {{"--config", "@DIR@/cert_only.json", "ping"},
         2,
         "a client certificate (--cert) needs its private key (--key)"},
        {{"--cacert", "@DIR@/none.pem", "ping"}, 2, "--cacert \"@DIR@/none.pem\" (from flag --cacert) does not exist"},
        {{"--cacertdir", "@DIR@/no-such-dir", "ping"},
         2,
         "--cacertdir \"@DIR@/no-such-dir\" (from flag --cacertdir) does not exist"},
        {{"--cacertdir", "@DIR@/plain.txt", "ping"}, 2, "is not a directory"},
        {{"--cert", "@DIR@/none.pem", "--key", "@DIR@/none.pem", "ping"},
         2,
         "--cert \"@DIR@/none.pem\" (from flag --cert) does not exist"},
        {{"--cert", "@DIR@/plain.txt", "ping"}, 2, "needs its private key (--key)"},
        {{"--key", "@DIR@/plain.txt", "ping"}, 2, "needs its client certificate (--cert)"},
        {{"-o", "table", "--json", "ping"}, 2, "--json contradicts -o table"},
        {{"-o", "xml", "ping"}, 2, "--output"},
        {{"--color", "purple", "ping"}, 2, "--color"},
        {{"--sentinel", "127.0.0.1:1", "ping"}, 2, "sentinels need the name of the master"},
        {{"-a", "@PW@", "--askpass", "ping"}, 2, "mutually exclusive"},
        {{"token", "get", "--provider", "genesys", "--tenant", "acme"},
         3,
         "authentication required",
         {{"REDIS_PASSWORD", ""}}},
        {{"token", "get", "--provider", "genesys", "--tenant", "acme"},
         3,
         "authentication failed",
         {{"REDIS_PASSWORD", "wrong-one"}}},
        own({"--url", "redis://127.0.0.1:1", "token", "get", "--provider", "genesys", "--tenant", "acme"}, 3,
            "127.0.0.1:1"),
        {{"token", "get", "--provider", "genesys", "--tenant", "wrongtype"}, 4, "WRONGTYPE"},
        {{"lock", "status", "hashlock"}, 4, "holds a hash, not a lock owner token"},
    };
}

std::vector<MatrixRow> lock_and_token_rows()
{
    return {
        {{"lock", "run", "m", "--conflict-exit-code", "256", "--", "true"},
         2,
         "--conflict-exit-code: 256 is out of range (1-255)"},
        {{"lock", "run", "m", "--conflict-exit-code", "0", "--", "true"},
         2,
         "--conflict-exit-code: 0 is out of range (1-255)"},
        {{"lock", "run", "m", "--conflict-exit-code", "-1", "--", "true"},
         2,
         "--conflict-exit-code: -1 is out of range"},
        {{"lock", "run", "m", "--ttl", "3651d", "--", "true"},
         2,
         "--ttl: duration \"3651d\" is out of range (1ms-3650d)"},
        {{"lock", "run", "m"}, 2, "command"},
        {{"lock", "acquire", "m", "--ttl", "106751991167d"}, 2, "--ttl: duration \"106751991167d\" is out of range"},
        {{"lock", "acquire", "m", "--ttl", "3651d"}, 2, "--ttl: duration \"3651d\" is out of range"},
        {{"lock", "acquire", "m", "--ttl", "0s"}, 2, "--ttl: duration \"0s\" is out of range"},
        {{"lock", "acquire", "m", "--wait", "2d"}, 2, "--wait: duration \"2d\" is out of range (0s-1d)"},
        {{"lock", "extend", "nightly-report", "--owner", "x", "--ttl", "3651d"},
         2,
         "--ttl: duration \"3651d\" is out of range"},
        {{"lock", "release", "nightly-report", "--force", "--owner", "x"}, 2, "excludes"},
        {{"lock", "release", "nightly-report", "--force"}, 2, "refusing to force-release lock:nightly-report"},
        token_set({"--expires-in", "9223372036854775"}, "--expires-in: 9223372036854775 is out of range (1-315360000)"),
        token_set({"--expires-in", "315360001"}, "--expires-in: 315360001 is out of range"),
        token_set({"--expires-in", "0"}, "--expires-in: 0 is out of range"),
        token_set({"--expires-in", "-5"}, "--expires-in: -5 is out of range"),
        token_set({"--expires-in", "abc"}, "--expires-in: \"abc\" is not a whole number"),
        token_set({"--expires-in", "100", "--safety-buffer", "300"}, "TTL would be -200s"),
        token_set({"--expires-in", "100", "--safety-buffer", "-1"}, "--safety-buffer: -1 is out of range"),
        token_set({"--expires-in", "100", "--token", "@PW@", "--token-file", "@DIR@/plain.txt"}, "excludes"),
        {with({"--config", "@DIR@/buffer_long.json"}, with(k_token_set, {"--expires-in", "100"})),
         2,
         "defaults.token_safety_buffer_s: 315360001 is out of range",
         {},
         true,
         false,
         k_token_stdin},
        {{"token", "flush", "--all", "--all-tenants"}, 2, "excludes"},
        {{"token", "flush", "--provider", "genesys", "--all-tenants"}, 2, "needs --yes"},
        {{"token", "flush", "--provider", "genesys"}, 2, "exactly one of"},
        {{"token", "get", "--tenant", "acme"}, 2, "--provider"},
    };
}

std::vector<MatrixRow> dedupe_and_ratelimit_rows()
{
    return {
        {with(k_dedupe_mark, {"--ttl", "0"}), 2, "--ttl: 0 is out of range (1-315360000)"},
        {with(k_dedupe_mark, {"--ttl", "315360001"}), 2, "--ttl: 315360001 is out of range"},
        {with(k_dedupe_mark, {"--ttl", "abc"}), 2, "--ttl: \"abc\" is not a whole number"},
        {with({"--config", "@DIR@/dedupe_ttl_long.json"}, k_dedupe_mark), 2,
         "defaults.dedupe_ttl_s: 315360001 is out of range"},
        {{"dedupe", "check", "--tenant", "acme"}, 2, "no ids given"},
        {{"dedupe", "forget", "--tenant", "acme", "--ids-file", "@DIR@/no-such-ids.txt"}, 2, "cannot read"},
        {with(k_rate_test, {"--peek", "--requests", "3"}), 2, "excludes"},
        {{"ratelimit", "test", "--resource", "login", "--subject", "u1", "--limit", "0", "--window", "1m"},
         2,
         "--limit: 0 is out of range (1-1000000000)"},
        {{"ratelimit", "test", "--resource", "login", "--subject", "u1", "--limit", "1000000001", "--window", "1m"},
         2,
         "--limit: 1000000001 is out of range"},
        {{"ratelimit", "test", "--resource", "login", "--subject", "u1", "--limit", "abc", "--window", "1m"},
         2,
         "--limit: \"abc\" is not a whole number"},
        {{"ratelimit", "test", "--resource", "login", "--subject", "u1", "--limit", "5", "--window", "3651d"},
         2,
         "--window: duration \"3651d\" is out of range"},
        {{"ratelimit", "test", "--resource", "login", "--subject", "u1", "--limit", "5", "--window", "0ms"},
         2,
         "--window: duration \"0ms\" is out of range"},
        {with(k_rate_test, {"--requests", "0"}), 2, "--requests: 0 is out of range"},
        {with(k_rate_test, {"--requests", "5", "--concurrency", "0"}), 2, "--concurrency: 0 is out of range (1-256)"},
        {with(k_rate_test, {"--requests", "5", "--concurrency", "1000"}), 2,
         "--concurrency: 1000 is out of range (1-256)"},
        {with(k_rate_test, {"--concurrency", "2"}), 2, "--concurrency requires --requests"},
        {with(k_rate_test, {"--trace"}), 2, "--trace requires --requests"},
        {with(k_rate_test, {"--algorithm", "leaky-bucket"}), 2, "--algorithm"},
        {with(k_rate_test, {"--algorithm", "gcra", "--burst", "-1"}), 2, "--burst: -1 is out of range"},
        {{"--config", "@DIR@/degraded_zero.json", "ratelimit", "test", "--resource", "login", "--subject", "u1",
          "--degraded"},
         2,
         "defaults.degraded_limit: 0 is out of range"},
        {{"ratelimit", "reset", "--resource", "login", "--all-subjects", "--subject", "u1"}, 2, "excludes"},
        {{"ratelimit", "reset", "--resource", "login", "--all-subjects"}, 2, "needs --yes"},
    };
}

std::vector<MatrixRow> sessions_ping_monitor_rows()
{
    return {
        {{"sessions", "list", "--user", "u1", "--all"}, 2, "excludes"},
        {{"sessions", "list", "--user", "u1", "--limit", "0"}, 2, "--limit: 0 is out of range"},
        {{"sessions", "invalidate", "--user", "u1"}, 2, "needs --yes"},
        {{"sessions", "prune", "--all-users"}, 2, "needs --yes"},
        {{"sessions", "prune", "--user", "u1", "--all-users"}, 2, "excludes"},
        {{"ping", "--count", "0"}, 2, "--count: 0 is out of range"},
        {{"ping", "--count", "-3"}, 2, "--count: -3 is out of range"},
        {{"ping", "--warn", "50", "--crit", "10"}, 2, "--warn 50 is above --crit 10"},
        {{"ping", "--warn", "-5"}, 2, "--warn: \"-5\" is not a threshold range"},
        {{"ping", "--crit", "nan"}, 2, "--crit: \"nan\" is not a threshold range"},
        {{"ping", "--crit", "inf"}, 2, "--crit: \"inf\" is not a threshold range"},
        {{"ping", "--interval", "2h", "--count", "2"}, 2, "--interval: duration \"2h\" is out of range (0s-1h)"},
        nagios({"ping", "--format", "nagios", "--warn", "50", "--crit", "10"}, "--warn 50 is above --crit 10"),
        {{"monitor", "--count", "0"}, 2, "--count: 0 is out of range"},
        {{"monitor", "--keys", "--keys-exact", "--once"}, 2, "excludes"},
        {{"monitor", "--once", "--count", "3"}, 2, "excludes"},
        {{"monitor", "--interval", "0ms", "--once"}, 2, "--interval: duration \"0ms\" is out of range (1ms-1h)"},
        {{"monitor", "--warn-latency", "5", "--once"}, 2, "thresholds need --check"},
        nagios({"monitor", "--check", "--warn-latency", "50", "--crit-latency", "10"},
               "--warn-latency 50 is above --crit-latency 10"),
        nagios({"monitor", "--check", "--warn-memory", "90", "--crit-memory", "80"},
               "--warn-memory 90 is above --crit-memory 80"),
        nagios({"monitor", "--check", "--crit-latency", "-1"}, "--crit-latency: \"-1\" is not a threshold range"),
        nagios({"monitor", "--check", "--crit-memory", "1001"}, "--crit-memory: 1001 is out of range (0-1000 percent"),
        nagios({"monitor", "--check", "--crit-evictions", "nan"}, "--crit-evictions: \"nan\" is not a threshold range"),
    };
}

// The password travels through URLs (flag, REDIS_URL, file), -a/--password and --token into error paths.
std::vector<MatrixRow> secret_rows()
{
    return {
        own({"--url", "redis://:@PW@@127.0.0.1:notaport", "ping"}, 2,
            "invalid Redis URL \"redis://:***@127.0.0.1:notaport\""),
        own({"--url", "unix://ops:@PW@@/tmp/redops-matrix.sock", "ping"}, 2, "unix://ops:***@/tmp/redops-matrix.sock"),
        own({"--url", "rediss://ops:@PW@@[::1", "ping"}, 2, "rediss://ops:***@[::1"),
        own({"--url", "redis://:@PW@@127.0.0.1:1/99", "ping"}, 2, "db 99 is out of range (0-15)"),
        own({"ping"}, 2, "unix://ops:***@/tmp/redops-matrix.sock",
            {{"REDIS_URL", "unix://ops:@PW@@/tmp/redops-matrix.sock"}}),
        own({"ping"}, 2, "port 99999 is out of range", {{"REDIS_URL", "redis://:@PW@@127.0.0.1:99999"}}),
        own({"--config", "@DIR@/unix_pw.json", "ping"}, 2, "unix://ops:***@/tmp/redops-matrix.sock"),
        own({"--config", "@DIR@/pw_bad_port.json", "ping"}, 2, "redis://:***@127.0.0.1:notaport"),
        own({"--config", "@DIR@/pw_and_timeout.json", "ping"}, 2, "timeout: duration \"0s\" is out of range"),
        {{"-a", "@PW@", "--bogus", "ping"}, 2, "--bogus"},
        {{"-a", "@PW@", "ping", "extra-arg"}, 2, "extra-arg"},
        {{"--password", "@PW@", "@PW@", "ping"}, 2, "***"},
        {{"--password=@PW@", "ping", "--count", "0"}, 2, "--count: 0 is out of range"},
        {{"-a@PW@", "--timeout", "0s", "ping"}, 2, "--timeout: duration \"0s\" is out of range"},
        {{"-a", "@PW@", "pnig"}, 2, "unknown command 'pnig'; did you mean 'ping'?"},
        {{"-a", "@PW@", "token", "lst"}, 2, "unknown token command 'lst'; did you mean 'list'?"},
        {{"-a", "@PW@", "--timeout", "1s", "frobnicate"}, 2, "unknown command 'frobnicate' (see redops --help)"},
    };
}

} // namespace

std::vector<MatrixRow> matrix_rows()
{
    std::vector<MatrixRow> rows;
    for (auto part : {connection_rows(), lock_and_token_rows(), dedupe_and_ratelimit_rows(),
                      sessions_ping_monitor_rows(), secret_rows()}) {
        rows.insert(rows.end(), part.begin(), part.end());
    }
    return rows;
}

std::map<std::string, std::string> matrix_files()
{
    return {
        {"db_1e400.json", R"({"db": 1e400})"},
        {"timeout_zero.json", R"({"timeout": "0s"})"},
        {"scan_zero.json", R"({"defaults": {"scan_count": 0}})"},
        {"lock_ttl_long.json", R"({"defaults": {"lock_ttl": "3651d"}})"},
        {"dedupe_ttl_long.json", R"({"defaults": {"dedupe_ttl_s": 315360001}})"},
        {"buffer_long.json", R"({"defaults": {"token_safety_buffer_s": 315360001}})"},
        {"degraded_zero.json", R"({"defaults": {"degraded_limit": 0}})"},
        {"port_big.json", R"({"port": 70000})"},
        {"databases_zero.json", R"({"databases": 0})"},
        {"cacert_missing.json", R"({"tls": {"cacert": "missing-ca.pem"}})"},
        {"cert_only.json", R"({"tls": {"cert": "plain.txt"}})"},
        {"unix_pw.json", R"({"url": "unix://ops:@PW@@/tmp/redops-matrix.sock"})"},
        {"pw_bad_port.json", R"({"url": "redis://:@PW@@127.0.0.1:notaport"})"},
        {"pw_and_timeout.json", R"({"url": "@URL@", "password": "@PW@", "timeout": "0s"})"},
        {"plain.txt", "not a certificate\n"},
    };
}

} // namespace redops::test
