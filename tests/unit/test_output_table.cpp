#include "output/table.h"

#include "output/text_width.h"
#include "text_support.h"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

using redops::output::Cell;
using redops::output::Color;
using redops::output::display_width;
using redops::output::StreamingTable;
using redops::output::Table;
using redops::test::lines_of;

namespace {

std::string render(const Table& table, bool colour = false)
{
    std::ostringstream out;
    table.render(out, colour);
    return out.str();
}

} // namespace

TEST_CASE("Table pads columns by width and separates them with two spaces", "[output][table]")
{
    Table table({"KEY", "TTL"});
    table.add_row({"lock:a", "30s"});
    table.add_row({"lock:longer-name", "5m"});
    CHECK(render(table) == "KEY               TTL\n"
                           "lock:a            30s\n"
                           "lock:longer-name  5m\n");
}

TEST_CASE("Table pads multibyte text by display width, not bytes", "[output][table]")
{
    Table table({"NAME", "N"});
    table.add_row({"caf\u00e9", "1"});
    table.add_row({"\u6771\u4eac", "2"});
    table.add_row({"abcde", "3"});
    const auto lines = lines_of(render(table));
    REQUIRE(lines.size() == 4);
    CHECK(lines[1] == "caf\u00e9   1");
    CHECK(lines[2] == "\u6771\u4eac   2");
    CHECK(lines[3] == "abcde  3");
    for (const auto& line : lines) {
        CHECK(display_width(line) == 8);
    }
}

TEST_CASE("Table right-aligns chosen columns, header included", "[output][table]")
{
    Table table({"KEY", "TTL_S", "NOTE"});
    table.align_right(1);
    table.add_row({"a", "5", "x"});
    table.add_row({"b", "86400", "y"});
    CHECK(render(table) == "KEY  TTL_S  NOTE\n"
                           "a        5  x\n"
                           "b    86400  y\n");
}

TEST_CASE("Table lines never end in spaces", "[output][table]")
{
    Table table({"A", "B"});
    table.add_row({"long value", ""});
    table.add_row({"", "b"});
    for (const auto& line : lines_of(render(table))) {
        REQUIRE_FALSE(line.empty());
        CHECK(line.back() != ' ');
    }
    CHECK(lines_of(render(table))[2] == "            b");
}

TEST_CASE("Table escapes control characters in cells", "[output][table]")
{
    Table table({"KEY"});
    table.add_row({"evil\x1b[2J\nkey"});
    CHECK(render(table) == "KEY\nevil\\x1b[2J\\nkey\n");
}

TEST_CASE("Table colour codes do not change the widths", "[output][table]")
{
    Table table({"STATE", "X"});
    table.add_row(std::vector<Cell>{{"ok", Color::green}, {"1", Color::none}});
    table.add_row(std::vector<Cell>{{"degraded", Color::red}, {"2", Color::none}});
    const auto coloured = lines_of(render(table, true));
    const auto plain = lines_of(render(table, false));
    REQUIRE(coloured.size() == plain.size());
    CHECK(coloured[0] == "\x1b[1mSTATE\x1b[0m     \x1b[1mX\x1b[0m");
    CHECK(coloured[1] == "\x1b[32mok\x1b[0m        1");
    for (std::size_t i = 0; i < plain.size(); ++i) {
        CHECK(display_width(coloured[i]) == display_width(plain[i]));
    }
    CHECK(plain[1] == "ok        1");
}

TEST_CASE("Table takes coloured cells from a braced list", "[output][table]")
{
    Table table({"A", "B"});
    table.add_row({{"x", Color::red}, {"y", Color::none}});
    CHECK(render(table, true) == "\x1b[1mA\x1b[0m  \x1b[1mB\x1b[0m\n\x1b[31mx\x1b[0m  y\n");
}

TEST_CASE("Table rejects rows with the wrong number of cells", "[output][table]")
{
    Table table({"A", "B"});
    CHECK_THROWS_AS(table.add_row({"only one"}), std::invalid_argument);
    CHECK_THROWS_AS(table.align_right(2), std::out_of_range);
}

TEST_CASE("StreamingTable sizes columns from the buffered rows, then overflows", "[output][table]")
{
    std::ostringstream out;
    StreamingTable table(out, {"KEY", "TTL"}, false, 2);
    table.add_row({"a", "1"});
    CHECK(out.str().empty());
    table.add_row({"bbbb", "2"});
    CHECK(out.str() == "KEY   TTL\na     1\nbbbb  2\n");
    table.add_row({"cc", "3"});
    table.add_row({"dddddddd", "4"});
    table.finish();
    CHECK(out.str() == "KEY   TTL\na     1\nbbbb  2\ncc    3\ndddddddd  4\n");
    CHECK(table.rows_seen() == 4);
    CHECK_THROWS_AS(table.add_row({"e", "5"}), std::logic_error);
}

TEST_CASE("StreamingTable flushes a short listing on finish", "[output][table]")
{
    std::ostringstream out;
    StreamingTable table(out, {"ID", "N"}, false);
    table.align_right(1);
    table.add_row({"x", "10"});
    table.add_row({"y", "7"});
    CHECK(out.str().empty());
    table.finish();
    table.finish();
    CHECK(out.str() == "ID   N\nx   10\ny    7\n");
    CHECK_THROWS_AS(table.align_right(0), std::logic_error);
}

TEST_CASE("StreamingTable with no rows prints the header alone", "[output][table]")
{
    std::ostringstream out;
    StreamingTable table(out, {"KEY", "TTL"}, false);
    table.finish();
    CHECK(out.str() == "KEY  TTL\n");
}

TEST_CASE("StreamingTable prints nothing when destroyed unfinished", "[output][table]")
{
    std::ostringstream out;
    {
        StreamingTable table(out, {"KEY"}, false);
        table.add_row({"a"});
    }
    CHECK(out.str().empty());
}

TEST_CASE("a table fits the terminal by shortening its widest column in the middle", "[output][table]")
{
    Table table({"KEY", "OWNER", "TTL"});
    table.add_row({"auth:token:genesys:tenant-0000000000000000000000042", "eyJh…x9Q (812 chars)", "23h59m"});
    table.add_row({"lock:short", "abc", "5s"});
    std::ostringstream wide;
    table.render(wide, false, 0);
    CHECK(wide.str().find("tenant-0000000000000000000000042") != std::string::npos); // no limit: as is
    std::ostringstream out;
    table.render(out, false, 60);
    for (const auto& line : lines_of(out.str())) {
        INFO(line);
        CHECK(display_width(line) <= 60);
    }
    const auto lines = lines_of(out.str());
    CHECK(lines[1].rfind("auth:token:", 0) == 0);            // the head stays
    CHECK(lines[1].find("\u2026") != std::string::npos);     // an ellipsis in the middle
    CHECK(lines[1].find("0042  eyJh") != std::string::npos); // the tail stays, the next column intact
    CHECK(lines[2].find("lock:short") != std::string::npos); // cells that fit are untouched
}

TEST_CASE("a streaming table keeps later rows inside the fitted width", "[output][table]")
{
    std::ostringstream out;
    StreamingTable table(out, {"NAME", "VALUE"}, false, 1);
    table.fit_to(30);
    table.add_row({"a", "short"});
    table.add_row({"b", "a value much longer than the terminal is wide"});
    table.finish();
    for (const auto& line : lines_of(out.str())) {
        INFO(line);
        CHECK(display_width(line) <= 30);
    }
    CHECK(out.str().find("\u2026") != std::string::npos);
}
