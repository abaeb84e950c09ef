// Writes one JSON object incrementally, so streaming commands print one document without holding all rows.
#pragma once

#include "common/error.h"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>
#include <string_view>

namespace redops::output {

// Compact, single line, no trailing newline. Invalid UTF-8 (Redis holds bytes) becomes U+FFFD, never throws.
std::string dump_json(const nlohmann::ordered_json& value);

// Usage: field()* [begin_array() item()* end_array()] ... finish(). Misuse (a field inside an open array,
// an item outside one, anything after finish) throws std::logic_error.
// If the command fails midway, fail() closes what is open and ends the object with "ok": false and the
// error, so stdout still holds exactly one valid document; streaming commands should therefore write
// their "ok" field last. A stream destroyed unfinished does the same with kind "incomplete".
// item() and finish() throw OutputError when stdout fails (fail() never does).
class JsonStream {
public:
    explicit JsonStream(std::ostream& out);
    ~JsonStream();
    JsonStream(const JsonStream&) = delete;
    JsonStream& operator=(const JsonStream&) = delete;
    JsonStream(JsonStream&&) = delete;
    JsonStream& operator=(JsonStream&&) = delete;

    void field(std::string_view key, const nlohmann::ordered_json& value);
    void begin_array(std::string_view key);
    void item(const nlohmann::ordered_json& value);
    void end_array();
    void finish();
    void fail(const redops::Error& error);
    // Same with a prepared {"ok": false, "error": ...} document (see error_document.h).
    void fail(const nlohmann::ordered_json& error_doc);
    bool finished() const noexcept { return m_finished; }

private:
    void write_key(std::string_view key);
    void require_open(bool want_array, std::string_view operation) const;

    std::ostream& m_out;
    bool m_first_field = true;
    bool m_in_array = false;
    bool m_first_item = true;
    bool m_finished = false;
};

} // namespace redops::output
