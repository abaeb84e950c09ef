#include "output/view.h"

#include "common/error.h"
#include "output/text_width.h"
#include "output/time_format.h"

namespace redops::output {

bool ok_for(int exit_code) noexcept
{
    return exit_code == k_exit_ok;
}

int render(Printer& printer, const Document& document, int exit_code)
{
    if (printer.json()) {
        Json doc{{"ok", ok_for(exit_code)}};
        for (const auto& item : document.fields.items()) {
            doc[item.key()] = item.value();
        }
        printer.json_document(doc);
    } else if (document.text) {
        document.text(printer);
    }
    return exit_code;
}

void record(Printer& printer, const Json& json, const std::function<std::string()>& text)
{
    if (printer.json()) {
        printer.json_document(json);
    } else {
        printer.line(sanitize_for_terminal(text()));
    }
}

void preview(Printer& printer, const std::function<void(Printer&)>& text)
{
    if (!printer.json()) {
        text(printer);
        printer.flush();
    }
}

void print_fields(Printer& printer, const Json& fields)
{
    Table table({"FIELD", "VALUE"});
    for (const auto& item : fields.items()) {
        const auto& value = item.value();
        std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        if (value.is_number_integer() && item.key().ends_with("_s")) {
            text = human_duration_s(value.get<long long>()); // JSON keeps the seconds
        } else if (value.is_null()) {
            text = "-";
        }
        table.add_row({item.key(), text});
    }
    printer.table(table);
}

Listing::Listing(Printer& printer, std::string_view array, std::vector<std::string> headers, const Json& leading)
    : m_printer(printer)
{
    if (printer.json()) {
        m_stream = &printer.json_stream();
        for (const auto& item : leading.items()) {
            m_stream->field(item.key(), item.value());
        }
        m_stream->begin_array(array);
    } else if (!headers.empty()) {
        m_table.emplace(printer.streaming_table(std::move(headers)));
    }
}

void Listing::text_row(std::vector<std::string> cells)
{
    if (m_table) {
        m_table->add_row(std::move(cells));
        return;
    }
    std::string line;
    for (const auto& cell : cells) {
        line += (line.empty() ? "" : "  ") + sanitize_for_terminal(cell);
    }
    m_printer.line(line);
}

Listing& Listing::align_right(std::size_t column)
{
    if (m_table) {
        m_table->align_right(column);
    }
    return *this;
}

int Listing::finish(int exit_code, const Json& trailer, const std::function<void(Printer&)>& text_end)
{
    if (m_stream != nullptr) {
        m_stream->end_array();
        for (const auto& item : trailer.items()) {
            m_stream->field(item.key(), item.value());
        }
        m_stream->field("ok", ok_for(exit_code));
        m_stream->finish();
        return exit_code;
    }
    if (m_table) {
        m_table->finish();
    }
    if (text_end) {
        text_end(m_printer);
    }
    return exit_code;
}

} // namespace redops::output
