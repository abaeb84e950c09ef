// Output failure is failure: a stream that failed is an OutputError of kind system, exit 4, in the JSON error too.
#include "output/error_document.h"
#include "output/json_stream.h"
#include "output/printer.h"
#include "output/write_check.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <sstream>

using redops::ErrorKind;
using redops::output::OutputError;

TEST_CASE("a failed stream is an OutputError of kind system that exits 4", "[output][write]")
{
    std::ostringstream out;
    redops::output::check_written(out, true); // a good stream passes
    out.setstate(std::ios::badbit);
    errno = ENOSPC;
    try {
        redops::output::check_written(out, false);
        FAIL("no error");
    } catch (const OutputError& e) {
        CHECK(e.kind() == ErrorKind::system);
        CHECK(redops::exit_code_for(e.kind()) == 4);
        CHECK(std::string(e.what()) == "cannot write to standard output: No space left on device");
        CHECK(e.error_number() == ENOSPC);
        CHECK(redops::output::error_document(e)["error"]["kind"] == "system");
    }
    CHECK(OutputError("x", EPIPE).broken_pipe());
}

TEST_CASE("the printer throws on a failed stdout and its error report never does", "[output][write]")
{
    std::ostringstream out;
    std::ostringstream err;
    redops::output::OutputOptions options;
    options.format = redops::output::Format::json;
    redops::output::Printer printer(options, out, err, false, false);
    out.setstate(std::ios::badbit);
    CHECK_THROWS_AS(printer.json_document({{"ok", true}}), OutputError);
    CHECK_THROWS_AS(printer.line("x"), OutputError);
    CHECK_THROWS_AS(printer.flush(), OutputError);
    CHECK_NOTHROW(printer.error(OutputError("cannot write to standard output: x", ENOSPC)));
    CHECK_NOTHROW(printer.error(redops::Error(ErrorKind::data, "other")));
    CHECK(err.str().find("redops: error: other") != std::string::npos);
}

TEST_CASE("a streamed document on a failed stdout throws per item and fails quietly", "[output][write]")
{
    std::ostringstream out;
    redops::output::JsonStream stream(out);
    stream.begin_array("items");
    out.setstate(std::ios::badbit);
    CHECK_THROWS_AS(stream.item(1), OutputError);
    CHECK_NOTHROW(stream.fail(redops::Error(ErrorKind::system, "x")));
}
