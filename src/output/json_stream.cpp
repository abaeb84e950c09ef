#include "output/json_stream.h"

#include "output/error_document.h"
#include "output/write_check.h"

#include <fmt/format.h>

#include <ostream>
#include <stdexcept>

namespace redops::output {

std::string dump_json(const nlohmann::ordered_json& value)
{
    return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

JsonStream::JsonStream(std::ostream& out) : m_out(out)
{
    m_out << '{';
}

JsonStream::~JsonStream()
{
    if (m_finished) {
        return;
    }
    // Exceptions must not leave a destructor; a stream that fails now has nothing better to do.
    try {
        fail(error_document("incomplete", "output ended before the command finished"));
    } catch (...) {
        m_finished = true;
    }
}

void JsonStream::require_open(bool want_array, std::string_view operation) const
{
    if (m_finished) {
        throw std::logic_error(fmt::format("JsonStream::{} after finish", operation));
    }
    if (m_in_array != want_array) {
        throw std::logic_error(fmt::format("JsonStream::{} {} an array", operation, want_array ? "outside" : "inside"));
    }
}

void JsonStream::write_key(std::string_view key)
{
    if (!m_first_field) {
        m_out << ',';
    }
    m_first_field = false;
    m_out << dump_json(std::string(key)) << ':';
}

void JsonStream::field(std::string_view key, const nlohmann::ordered_json& value)
{
    require_open(false, "field");
    write_key(key);
    m_out << dump_json(value);
}

void JsonStream::begin_array(std::string_view key)
{
    require_open(false, "begin_array");
    write_key(key);
    m_out << '[';
    m_in_array = true;
    m_first_item = true;
}

void JsonStream::item(const nlohmann::ordered_json& value)
{
    require_open(true, "item");
    if (!m_first_item) {
        m_out << ',';
    }
    m_first_item = false;
    m_out << dump_json(value);
    check_written(m_out, false); // a full disk or a closed pipe ends a long listing at once
}

void JsonStream::end_array()
{
    require_open(true, "end_array");
    m_out << ']';
    m_in_array = false;
}

void JsonStream::finish()
{
    require_open(false, "finish");
    m_out << "}\n";
    m_finished = true;
    check_written(m_out, true);
}

void JsonStream::fail(const redops::Error& error)
{
    fail(error_document(error));
}

void JsonStream::fail(const nlohmann::ordered_json& error_doc)
{
    if (m_finished) {
        return;
    }
    if (m_in_array) {
        end_array();
    }
    for (const auto& [key, value] : error_doc.items()) {
        field(key, value);
    }
    try {
        finish();
    } catch (const OutputError&) {
        // stdout is what failed: the error has been told on stderr, there is nowhere else to put it.
    }
}

} // namespace redops::output
