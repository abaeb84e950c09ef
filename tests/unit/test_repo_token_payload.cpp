// The token payload codec: exactly the services' JSON, and every malformed shape an Error(data) naming the key.
#include "common/error.h"
#include "repo/token_repository.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using redops::Error;
using redops::ErrorKind;
using redops::repo::TokenEntry;
using redops::repo::TokenRepository;

TEST_CASE("token payload is written in the services' shape and reads back", "[token][payload]")
{
    std::string payload = TokenRepository::payload("abc", 1'700'000'360'000, 1'700'000'000'000);
    CHECK(payload == R"({"token":"abc","expiresAt":1700000360000,"cachedAt":1700000000000})");
    TokenEntry entry;
    TokenRepository::parse_payload("k", payload, entry);
    CHECK(entry.token == "abc");
    CHECK(entry.expires_at_ms == 1'700'000'360'000);
    CHECK(entry.cached_at_ms == 1'700'000'000'000);

    TokenRepository::parse_payload("k", R"({"cachedAt":1.7e12,"token":"t","expiresAt":1700000360000,"extra":1})",
                                   entry);
    CHECK(entry.cached_at_ms == 1'700'000'000'000);
}

TEST_CASE("malformed token payloads are data errors naming the key", "[token][payload]")
{
    for (std::string bad :
         {"", "{", "[]", "\"str\"", R"({"expiresAt":1,"cachedAt":1})", R"({"token":1,"expiresAt":1,"cachedAt":1})",
          R"({"token":"t","cachedAt":1})", R"({"token":"t","expiresAt":"soon","cachedAt":1})",
          R"({"token":"t","expiresAt":1})", R"({"token":"t","expiresAt":1e300,"cachedAt":1})"}) {
        INFO(bad);
        TokenEntry entry;
        try {
            TokenRepository::parse_payload("auth:token:p:t", bad, entry);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::data);
            CHECK(std::string(e.what()).find("auth:token:p:t") != std::string::npos);
        }
    }
}
