#include "resp_input.h"

#include <hiredis/hiredis.h>
#include <memory>

namespace redops::fuzz {

namespace {

// Mirrors the conversion in src/redis/connection.cpp (internal there), field for field.
redis::Reply convert(const redisReply& raw)
{
    redis::Reply reply;
    switch (raw.type) {
    case REDIS_REPLY_STRING:
        reply.type = redis::Reply::Type::string;
        reply.str.assign(raw.str, raw.len);
        break;
    case REDIS_REPLY_STATUS:
        reply.type = redis::Reply::Type::status;
        reply.str.assign(raw.str, raw.len);
        break;
    case REDIS_REPLY_ERROR:
        reply.type = redis::Reply::Type::error;
        reply.str.assign(raw.str, raw.len);
        break;
    case REDIS_REPLY_INTEGER:
        reply.type = redis::Reply::Type::integer;
        reply.integer = raw.integer;
        break;
    case REDIS_REPLY_ARRAY:
        reply.type = redis::Reply::Type::array;
        for (std::size_t i = 0; i < raw.elements; ++i) {
            reply.elements.push_back(convert(*raw.element[i]));
        }
        break;
    default: reply.type = redis::Reply::Type::nil; break;
    }
    return reply;
}

// hiredis allocates an array's element table up front and frees it element by element: "*99999999" alone costs
// seconds. Such counts are the reply cap's business (tested against the real connection in the [fault] tests);
// here they only slow the fuzzer down, so inputs with an element count above k_max_elements are skipped.
constexpr unsigned long long k_max_elements = 100'000;

bool has_huge_array(const std::uint8_t* data, std::size_t size)
{
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] != '*') {
            continue;
        }
        unsigned long long count = 0;
        for (std::size_t j = i + 1; j < size && data[j] >= '0' && data[j] <= '9'; ++j) {
            count = count * 10 + (data[j] - '0');
            if (count > k_max_elements) {
                return true;
            }
        }
    }
    return false;
}

} // namespace

std::optional<redis::Reply> first_reply(const std::uint8_t* data, std::size_t size)
{
    if (has_huge_array(data, size)) {
        return std::nullopt;
    }
    std::unique_ptr<redisReader, decltype(&redisReaderFree)> reader(redisReaderCreate(), &redisReaderFree);
    if (!reader || redisReaderFeed(reader.get(), reinterpret_cast<const char*>(data), size) != REDIS_OK) {
        return std::nullopt;
    }
    void* raw = nullptr;
    if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK || raw == nullptr) {
        return std::nullopt;
    }
    std::unique_ptr<redisReply, decltype(&freeReplyObject)> owned(static_cast<redisReply*>(raw), &freeReplyObject);
    return convert(*owned);
}

} // namespace redops::fuzz
