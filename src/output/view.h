// Views: what a command hands to the output layer. A command builds a view of its result (a document, a listing);
// the view renders it in the format the user asked for. Commands never ask which format that is.
#pragma once

#include "output/printer.h"
#include "output/table.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace redops::output {

using Json = nlohmann::ordered_json;

// `ok` is true exactly when the exit code is 0: the one place that rule is kept.
bool ok_for(int exit_code) noexcept;

// A result that prints once: its JSON fields and its text form.
// In JSON it is one document, {"ok": ..., fields...}, "ok" first and derived from the exit code.
// As text it is whatever `text` prints (a line for scripts, a field table, a note on stderr, or nothing).
struct Document {
    Json fields = Json::object();
    std::function<void(Printer&)> text;
};

// Renders the document and returns the exit code, so a command ends with `return render(printer, doc, code);`.
int render(Printer& printer, const Document& document, int exit_code);

// One record of a JSON Lines stream (a monitor sample): the JSON object as it is, one line, flushed; as text,
// the line `text` makes, control characters escaped.
void record(Printer& printer, const Json& json, const std::function<std::string()>& text);

// What a person should see before being asked something (a table of planned repairs): printed and flushed in
// the text format only, where a person reads it; JSON keeps its one document for the end.
void preview(Printer& printer, const std::function<void(Printer&)>& text);

// Text forms for documents.
// The fields as a FIELD/VALUE table: strings as they are, null as "-", integers named *_s as durations.
void print_fields(Printer& printer, const Json& fields);

// A listing: records streamed as they come, so a million keys never sit in memory. In JSON it is one document
// {leading fields..., "<array>": [records...], trailer fields..., "ok": ...}; as text, a table with the given
// columns (the header alone when nothing came, so "nothing matched" looks like every other run), or, with no
// headers, one plain line per record (its cells made terminal-safe, joined by two spaces).
// Each add() takes two makers and calls only the one the format needs.
class Listing {
public:
    Listing(Printer& printer, std::string_view array, std::vector<std::string> headers,
            const Json& leading = Json::object());
    Listing(const Listing&) = delete;
    Listing& operator=(const Listing&) = delete;

    Listing& align_right(std::size_t column);

    template <class MakeJson, class MakeRow>
    void add(MakeJson&& make_json, MakeRow&& make_row)
    {
        if (m_stream != nullptr) {
            m_stream->item(make_json());
        } else {
            text_row(make_row());
        }
    }

    // Ends the listing: JSON gets the trailer fields and "ok" (from the exit code); text ends the table, then
    // calls `text_end` (a summary line, a note) when given. Returns the exit code.
    int finish(int exit_code, const Json& trailer = Json::object(), const std::function<void(Printer&)>& text_end = {});

private:
    void text_row(std::vector<std::string> cells);

    Printer& m_printer;
    JsonStream* m_stream = nullptr;
    std::optional<StreamingTable> m_table;
};

} // namespace redops::output
