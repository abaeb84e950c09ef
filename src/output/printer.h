// The one object commands emit results through: table or JSON on stdout, diagnostics on stderr.
#pragma once

#include "common/error.h"
#include "output/json_stream.h"
#include "output/options.h"
#include "output/progress.h"
#include "output/style.h"
#include "output/table.h"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace redops::output {

// Constructed once in main with the real streams (tests pass string streams); holds no global state.
// Every write to stdout is checked: json_document, table, line and flush throw OutputError (kind system) when
// stdout cannot be written (a full disk, a closed pipe), so a command never reports success it did not print.
// Diagnostics on stderr stay uncoloured: colour follows stdout's terminal, and stderr often goes to a log.
class Printer {
public:
    Printer(OutputOptions opts, std::ostream& out, std::ostream& err, bool out_is_tty, bool no_color_env);

    bool json() const noexcept { return m_options.format == Format::json; }
    Format format() const noexcept { return m_options.format; }
    bool reveal() const noexcept { return m_options.reveal; }
    bool colour() const noexcept { return m_colour; }
    bool quiet() const noexcept { return m_options.quiet; }
    // Whether stderr is a terminal (main tells; false by default): progress is only ever drawn there.
    void set_err_is_tty(bool tty) noexcept { m_err_is_tty = tty; }
    // The terminal's width when stdout is one (main tells; 0, the default: tables are never shortened).
    void set_width(std::size_t columns) noexcept { m_width = columns; }
    // Progress of bulk work on stderr: drawn only on a terminal, never with --quiet, after about a second.
    Progress progress(std::string what)
    {
        return Progress(m_err, m_err_is_tty && !quiet(), std::move(what), m_progress_delay);
    }
    // How long bulk work runs before its progress shows (REDOPS_PROGRESS_AFTER_MS; default a second).
    void set_progress_delay(std::chrono::milliseconds delay) noexcept { m_progress_delay = delay; }

    // The secret masked unless --reveal.
    std::string secret(std::string_view s) const;
    std::string paint(std::string_view text, Color c) const;

    // "redops: warning: <message>" on stderr, control characters escaped.
    void warn(std::string_view message);
    // "redops: error: <message>" on stderr only: the error that ends a command whose own document carries it.
    void error_line(std::string_view message);
    // The message alone on stderr, control characters escaped; nothing with --quiet.
    void note(std::string_view message);

    // One compact document and a newline on stdout (monitor calls it once per sample: JSON Lines).
    void json_document(const nlohmann::ordered_json& doc);
    // Starts the streamed document of this run on stdout; throws std::logic_error when called twice.
    JsonStream& json_stream();
    void table(const Table& table);
    StreamingTable streaming_table(std::vector<std::string> headers);
    // The text and a newline on stdout, as is: callers sanitize untrusted parts (sanitize_for_terminal).
    void line(std::string_view text);
    // Flushes stdout; OutputError when it failed (main calls it at exit; commands writing out() directly too).
    void flush();
    std::ostream& out() noexcept { return m_out; }

    // "redops: error: <message>" on stderr; never throws. In JSON mode also the error document on stdout, or, when a
    // streamed document is open, the error closes that one, so stdout still holds one document.
    void error(const redops::Error& error);
    // For failures that are not a redops::Error; the caller names the kind (e.g. "internal").
    void error(std::string_view kind, std::string_view message);

private:
    void error_json(const nlohmann::ordered_json& doc);

    OutputOptions m_options;
    std::ostream& m_out;
    std::ostream& m_err;
    bool m_colour;
    bool m_err_is_tty = false;
    std::size_t m_width = 0;
    std::chrono::milliseconds m_progress_delay = Progress::k_delay;
    std::optional<JsonStream> m_stream;
};

} // namespace redops::output
