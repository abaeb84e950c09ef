#include "output/printer.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>

using redops::Error;
using redops::ErrorKind;
using redops::output::ColorMode;
using redops::output::Format;
using redops::output::OutputOptions;
using redops::output::Printer;
using redops::output::Table;
using Json = nlohmann::ordered_json;

namespace {

struct Streams {
    std::ostringstream out;
    std::ostringstream err;
};

OutputOptions options(Format format, ColorMode color = ColorMode::auto_mode, bool reveal = false)
{
    return OutputOptions{format, color, reveal};
}

} // namespace

TEST_CASE("Printer colour follows the tty, NO_COLOR and --color", "[output][printer]")
{
    Streams s;
    CHECK(Printer(options(Format::table), s.out, s.err, true, false).colour());
    CHECK_FALSE(Printer(options(Format::table), s.out, s.err, true, true).colour());
    CHECK_FALSE(Printer(options(Format::table), s.out, s.err, false, false).colour());
    CHECK(Printer(options(Format::table, ColorMode::always), s.out, s.err, false, true).colour());
    CHECK_FALSE(Printer(options(Format::table, ColorMode::never), s.out, s.err, true, false).colour());
}

TEST_CASE("Printer with NO_COLOR renders tables without escapes", "[output][printer]")
{
    Streams s;
    Printer printer(options(Format::table), s.out, s.err, true, true);
    Table table({"KEY"});
    table.add_row({"a"});
    printer.table(table);
    CHECK(s.out.str() == "KEY\na\n");
}

TEST_CASE("Printer masks secrets unless --reveal", "[output][printer]")
{
    Streams s;
    const std::string token = "0123456789abcdefXYZ";
    CHECK(Printer(options(Format::table), s.out, s.err, false, false).secret(token) == "0123\u2026XYZ (19 chars)");
    CHECK(Printer(options(Format::table, ColorMode::auto_mode, true), s.out, s.err, false, false).secret(token) ==
          token);
}

TEST_CASE("Printer warnings and notes go to stderr, sanitized", "[output][printer]")
{
    Streams s;
    Printer printer(options(Format::table), s.out, s.err, false, false);
    printer.warn("password given on the command line\x1b]0;pwned\x07");
    printer.note("3 keys");
    CHECK(s.err.str() == "redops: warning: password given on the command line\\x1b]0;pwned\\x07\n3 keys\n");
    CHECK(s.out.str().empty());
}

TEST_CASE("Printer in table mode reports errors on stderr only", "[output][printer]")
{
    Streams s;
    Printer printer(options(Format::table), s.out, s.err, false, false);
    printer.error(Error(ErrorKind::usage, "bad --port 'x'"));
    CHECK(s.err.str() == "redops: error: bad --port 'x'\n");
    CHECK(s.out.str().empty());
}

TEST_CASE("Printer in JSON mode also prints the error document on stdout", "[output][printer]")
{
    Streams s;
    Printer printer(options(Format::json), s.out, s.err, false, false);
    REQUIRE(printer.json());
    printer.error(redops::ServerError("NOPERM this user has no permissions"));
    CHECK(s.err.str() == "redops: error: NOPERM this user has no permissions\n");
    CHECK(s.out.str() ==
          R"({"ok":false,"error":{"kind":"server","code":"NOPERM","message":"NOPERM this user has no permissions"}})"
          "\n");
}

TEST_CASE("Printer json_document prints one compact line", "[output][printer]")
{
    Streams s;
    Printer printer(options(Format::json), s.out, s.err, true, false);
    printer.json_document(Json{{"ok", true}, {"latency_ms", 0.25}});
    CHECK(s.out.str() == "{\"ok\":true,\"latency_ms\":0.25}\n");
}

TEST_CASE("Printer error during a JSON stream ends that document", "[output][printer]")
{
    Streams s;
    Printer printer(options(Format::json), s.out, s.err, false, false);
    auto& stream = printer.json_stream();
    stream.begin_array("keys");
    stream.item("token:a");
    printer.error(Error(ErrorKind::timeout, "command timed out after 5s"));
    const auto doc = Json::parse(s.out.str()); // throws if there were two documents
    CHECK(doc["keys"].size() == 1);
    CHECK(doc["ok"] == false);
    CHECK(doc["error"]["kind"] == "timeout");
    CHECK_THROWS_AS(printer.json_stream(), std::logic_error);
}

TEST_CASE("Printer error after a finished stream writes stderr only", "[output][printer]")
{
    Streams s;
    Printer printer(options(Format::json), s.out, s.err, false, false);
    auto& stream = printer.json_stream();
    stream.field("ok", true);
    stream.finish();
    printer.error("internal", "late failure");
    CHECK(s.out.str() == "{\"ok\":true}\n");
    CHECK(s.err.str() == "redops: error: late failure\n");
}

TEST_CASE("Printer streaming_table and line write to stdout", "[output][printer]")
{
    Streams s;
    Printer printer(options(Format::table, ColorMode::never), s.out, s.err, true, false);
    auto table = printer.streaming_table({"KEY", "N"});
    table.add_row({"k", "1"});
    table.finish();
    printer.line("done");
    CHECK(s.out.str() == "KEY  N\nk    1\ndone\n");
}
