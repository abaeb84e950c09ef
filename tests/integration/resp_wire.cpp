#include "resp_wire.h"

#include <cctype>
#include <charconv>

namespace redops::test::resp {

namespace {

// The line starting at `from` without its CRLF, or nullopt until the CRLF has arrived.
std::optional<std::string_view> line_at(const std::string& buffer, std::size_t from, std::size_t& next)
{
    auto end = buffer.find("\r\n", from);
    if (end == std::string::npos) {
        return std::nullopt;
    }
    next = end + 2;
    return std::string_view(buffer).substr(from, end - from);
}

bool to_number(std::string_view text, long long& value)
{
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && ptr == text.data() + text.size();
}

ParseStatus take_inline(std::string& buffer, std::vector<std::string>& args)
{
    std::size_t next = 0;
    auto line = line_at(buffer, 0, next);
    if (!line) {
        return buffer.size() > 65536 ? ParseStatus::malformed : ParseStatus::incomplete;
    }
    args.clear();
    std::string word;
    for (char c : *line) {
        if (c == ' ') {
            if (!word.empty()) {
                args.push_back(std::move(word));
                word.clear();
            }
        } else {
            word += c;
        }
    }
    if (!word.empty()) {
        args.push_back(std::move(word));
    }
    buffer.erase(0, next);
    return ParseStatus::complete;
}

} // namespace

std::string simple(std::string_view text)
{
    return "+" + std::string(text) + "\r\n";
}

std::string error(std::string_view text)
{
    return "-" + std::string(text) + "\r\n";
}

std::string integer(long long value)
{
    return ":" + std::to_string(value) + "\r\n";
}

std::string bulk(std::string_view text)
{
    return "$" + std::to_string(text.size()) + "\r\n" + std::string(text) + "\r\n";
}

std::string nil()
{
    return "$-1\r\n";
}

std::string array(const std::vector<std::string>& encoded_elements)
{
    std::string out = "*" + std::to_string(encoded_elements.size()) + "\r\n";
    for (const auto& element : encoded_elements) {
        out += element;
    }
    return out;
}

std::string bulk_array(const std::vector<std::string>& items)
{
    std::vector<std::string> encoded;
    encoded.reserve(items.size());
    for (const auto& item : items) {
        encoded.push_back(bulk(item));
    }
    return array(encoded);
}

ParseStatus take_command(std::string& buffer, std::vector<std::string>& args, std::size_t max_bulk)
{
    if (buffer.empty()) {
        return ParseStatus::incomplete;
    }
    if (buffer[0] != '*') {
        return take_inline(buffer, args);
    }
    std::size_t next = 0;
    auto header = line_at(buffer, 1, next);
    long long count = 0;
    if (!header) {
        return ParseStatus::incomplete;
    }
    if (!to_number(*header, count) || count < 0 || count > 1'000'000) {
        return ParseStatus::malformed;
    }
    std::vector<std::string> parsed;
    for (long long i = 0; i < count; ++i) {
        if (next >= buffer.size()) {
            return ParseStatus::incomplete;
        }
        if (buffer[next] != '$') {
            return ParseStatus::malformed;
        }
        std::size_t data = 0;
        auto length_line = line_at(buffer, next + 1, data);
        long long length = 0;
        if (!length_line) {
            return ParseStatus::incomplete;
        }
        if (!to_number(*length_line, length) || length < 0 || static_cast<std::size_t>(length) > max_bulk) {
            return ParseStatus::malformed;
        }
        auto size = static_cast<std::size_t>(length);
        if (buffer.size() < data + size + 2) {
            return ParseStatus::incomplete;
        }
        parsed.emplace_back(buffer, data, size);
        next = data + size + 2;
    }
    buffer.erase(0, next);
    args = std::move(parsed);
    return ParseStatus::complete;
}

std::string upper(std::string_view text)
{
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

} // namespace redops::test::resp
