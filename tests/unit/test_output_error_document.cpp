#include "output/error_document.h"

#include "output/json_stream.h"

#include <catch2/catch.hpp>

using redops::Error;
using redops::ErrorKind;
using redops::ServerError;
using redops::output::dump_json;
using redops::output::error_document;

TEST_CASE("error_document has the contract shape", "[output][error]")
{
    const auto doc = error_document(Error(ErrorKind::connection, "cannot connect to 127.0.0.1:6379"));
    CHECK(dump_json(doc) ==
          R"({"ok":false,"error":{"kind":"connection","message":"cannot connect to 127.0.0.1:6379"}})");
}

TEST_CASE("error_document names every kind", "[output][error]")
{
    CHECK(error_document(Error(ErrorKind::usage, "x"))["error"]["kind"] == "usage");
    CHECK(error_document(Error(ErrorKind::timeout, "x"))["error"]["kind"] == "timeout");
    CHECK(error_document(Error(ErrorKind::data, "x"))["error"]["kind"] == "data");
}

TEST_CASE("error_document adds the reply prefix of a server error as code", "[output][error]")
{
    const auto doc = error_document(ServerError("WRONGTYPE Operation against a key holding the wrong kind of value"));
    CHECK(doc["error"]["kind"] == "server");
    CHECK(doc["error"]["code"] == "WRONGTYPE");
    CHECK(doc["error"]["message"] == "WRONGTYPE Operation against a key holding the wrong kind of value");

    const auto auth = error_document(ServerError("WRONGPASS invalid username-password pair"));
    CHECK(auth["error"]["kind"] == "auth");
    CHECK(auth["error"]["code"] == "WRONGPASS");
}

TEST_CASE("error_document keeps the code through partial work and rewording but never free text", "[output][error]")
{
    const ServerError denied("NOPERM this user has no permissions to run the 'unlink' command");
    const Error partial = Error::after(denied, redops::WorkDone{"deleted", "matching keys", 5000, {}});
    CHECK(error_document(partial)["error"]["code"] == "NOPERM");
    CHECK(error_document(partial)["deleted"] == 5000);
    CHECK(error_document(partial.reworded("masked words"))["error"]["code"] == "NOPERM");
    CHECK(error_document(partial.reworded("masked words"))["error"]["message"] == "masked words");
    // A reply of one word that is not a code (a module's, a proxy's) is left to the message, which is masked.
    CHECK_FALSE(error_document(ServerError("hunter2"))["error"].contains("code"));
    CHECK_FALSE(error_document(ServerError("secret-token:abc def"))["error"].contains("code"));
    CHECK_FALSE(error_document(Error(ErrorKind::server, "NOPERM not from a reply"))["error"].contains("code"));
}

TEST_CASE("error_document from a kind and message", "[output][error]")
{
    CHECK(dump_json(error_document("internal", "boom")) ==
          R"({"ok":false,"error":{"kind":"internal","message":"boom"}})");
}

TEST_CASE("error_document survives invalid UTF-8 in the message", "[output][error]")
{
    const auto doc = error_document(Error(ErrorKind::data, "bad payload \xff"));
    CHECK(dump_json(doc) == "{\"ok\":false,\"error\":{\"kind\":\"data\",\"message\":\"bad payload \xef\xbf\xbd\"}}");
}
