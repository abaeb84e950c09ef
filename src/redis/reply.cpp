#include "redis/reply.h"

#include "common/error.h"

#include <fmt/format.h>

namespace redops::redis {

std::string_view type_name(Reply::Type type)
{
    switch (type) {
    case Reply::Type::string: return "string";
    case Reply::Type::status: return "status";
    case Reply::Type::integer: return "integer";
    case Reply::Type::nil: return "nil";
    case Reply::Type::array: return "array";
    case Reply::Type::error: return "error";
    }
    return "unknown";
}

const Reply& Reply::check() const
{
    if (type == Type::error) {
        throw ServerError(str);
    }
    return *this;
}

namespace {

[[noreturn]] void unexpected(const Reply& reply, std::string_view wanted, std::string_view context)
{
    throw Error(ErrorKind::protocol,
                fmt::format("unexpected {} reply to {} (wanted {})", type_name(reply.type), context, wanted));
}

} // namespace

long long Reply::as_integer(std::string_view context) const
{
    check();
    if (type != Type::integer) {
        unexpected(*this, "integer", context);
    }
    return integer;
}

const std::string& Reply::as_string(std::string_view context) const
{
    check();
    if (type != Type::string && type != Type::status) {
        unexpected(*this, "string", context);
    }
    return str;
}

const std::vector<Reply>& Reply::as_array(std::string_view context) const
{
    check();
    if (type != Type::array) {
        unexpected(*this, "array", context);
    }
    return elements;
}

} // namespace redops::redis
