#include "output/printer.h"

#include "output/error_document.h"
#include "output/mask.h"
#include "output/text_width.h"
#include "output/write_check.h"

#include <fmt/format.h>

#include <ostream>
#include <stdexcept>

namespace redops::output {

Printer::Printer(OutputOptions opts, std::ostream& out, std::ostream& err, bool out_is_tty, bool no_color_env)
    : m_options(opts), m_out(out), m_err(err), m_colour(colour_enabled(opts.color, out_is_tty, no_color_env))
{
}

std::string Printer::secret(std::string_view s) const
{
    return mask_secret(s, m_options.reveal);
}

std::string Printer::paint(std::string_view text, Color c) const
{
    return output::paint(text, c, m_colour);
}

void Printer::warn(std::string_view message)
{
    m_err << fmt::format("redops: warning: {}\n", sanitize_for_terminal(message));
}

void Printer::error_line(std::string_view message)
{
    m_err << fmt::format("redops: error: {}\n", sanitize_for_terminal(message));
}

void Printer::note(std::string_view message)
{
    if (quiet()) {
        return;
    }
    m_err << sanitize_for_terminal(message) << '\n';
}

void Printer::json_document(const nlohmann::ordered_json& doc)
{
    if (m_stream.has_value() && !m_stream->finished()) {
        throw std::logic_error("json_document while a streamed document is open");
    }
    m_out << dump_json(doc) << '\n';
    // Flushed per document so a consumer of JSON Lines (monitor) sees each sample as it happens.
    check_written(m_out, true);
}

JsonStream& Printer::json_stream()
{
    if (m_stream.has_value()) {
        throw std::logic_error("json_stream started twice");
    }
    return m_stream.emplace(m_out);
}

void Printer::table(const Table& table)
{
    table.render(m_out, m_colour, m_width);
    check_written(m_out, true);
}

StreamingTable Printer::streaming_table(std::vector<std::string> headers)
{
    StreamingTable table(m_out, std::move(headers), m_colour);
    table.fit_to(m_width);
    return table;
}

void Printer::line(std::string_view text)
{
    m_out << text << '\n';
    check_written(m_out, true);
}

void Printer::flush()
{
    check_written(m_out, true);
}

void Printer::error(const redops::Error& error)
{
    m_err << fmt::format("redops: error: {}\n", sanitize_for_terminal(error.what()));
    m_err.flush();
    // When stdout itself failed there is no document to write: stderr and the exit code tell it.
    if (json() && dynamic_cast<const OutputError*>(&error) == nullptr) {
        error_json(error_document(error));
    }
}

void Printer::error(std::string_view kind, std::string_view message)
{
    m_err << fmt::format("redops: error: {}\n", sanitize_for_terminal(message));
    m_err.flush();
    if (json()) {
        error_json(error_document(kind, message));
    }
}

void Printer::error_json(const nlohmann::ordered_json& doc)
{
    if (!m_stream.has_value()) {
        try {
            json_document(doc);
        } catch (const OutputError&) {
            // Reporting an error must not throw from main's handler; the message is already on stderr.
        }
        return;
    }
    // A finished stream already is this run's document; a second one would break `jq` and friends.
    if (m_stream->finished()) {
        return;
    }
    m_stream->fail(doc);
}

} // namespace redops::output
