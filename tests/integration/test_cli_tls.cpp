// TLS end to end: verified by CA and host name, failures exit 3 with OpenSSL's reason.
#include "process.h"
#include "redis_server.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using redops::test::RedisServer;
using redops::test::run_redops;
using redops::test::ServerConfig;

TEST_CASE("rediss:// with --cacert pings and verification failures exit 3", "[cli][tls]")
{
    RedisServer server(ServerConfig{.tls = true});
    const std::string ca = (server.dir() / "ca.crt").string();
    const std::string port = std::to_string(server.port());

    auto ok = run_redops({"--url", server.url(), "--cacert", ca, "ping", "--json"});
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(nlohmann::json::parse(ok.out)["nodes"][0]["role"] == "master");

    auto by_name = run_redops({"--url", "rediss://localhost:" + port, "--cacert", ca, "ping"});
    CHECK(by_name.exit_code == 0);

    auto untrusted = run_redops({"--url", server.url(), "ping"});
    CHECK(untrusted.exit_code == 3);
    CHECK(untrusted.err.find("certificate verify failed") != std::string::npos);

    auto wrong_name = run_redops({"--url", server.url(), "--cacert", ca, "--sni", "other.example", "ping"});
    CHECK(wrong_name.exit_code == 3);
    CHECK(wrong_name.err.find("hostname mismatch") != std::string::npos);

    auto insecure = run_redops({"--url", server.url(), "--insecure", "ping"});
    CHECK(insecure.exit_code == 0);
    CHECK(insecure.err.find("warning") != std::string::npos);

    auto plaintext = run_redops({"--port", port, "--timeout", "1s", "ping"});
    CHECK(plaintext.exit_code == 3);
    CHECK(plaintext.err.find("TLS") != std::string::npos);

    auto bad_ca = run_redops({"--url", server.url(), "--cacert", (server.dir() / "missing.pem").string(), "ping"});
    CHECK(bad_ca.exit_code == 2); // the operator's mistake, found before connecting (issue 12)
    CHECK(bad_ca.err.find("--cacert \"" + (server.dir() / "missing.pem").string() +
                          "\" (from flag --cacert) does not exist") != std::string::npos);
}
