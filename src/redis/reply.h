// A decoded RESP2 reply as a plain value, so nothing above src/redis/ sees hiredis types.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace redops::redis {

struct Reply {
    enum class Type { string, status, integer, nil, array, error };

    Type type = Type::nil;
    std::string str;             // string, status, error
    long long integer = 0;       // integer
    std::vector<Reply> elements; // array

    bool is_nil() const { return type == Type::nil; }
    bool is_error() const { return type == Type::error; }
    bool is_array() const { return type == Type::array; }
    bool is_integer() const { return type == Type::integer; }
    bool is_string() const { return type == Type::string || type == Type::status; }
    // WRONGTYPE: the key holds another type. About that key, not the server or the connection.
    bool is_wrongtype() const { return is_error() && str.rfind("WRONGTYPE", 0) == 0; }
    // MOVED, ASK or TRYAGAIN: the key is on (or moving to) another node of a cluster.
    bool is_redirect() const
    {
        return is_error() &&
               (str.rfind("MOVED ", 0) == 0 || str.rfind("ASK ", 0) == 0 || str.rfind("TRYAGAIN", 0) == 0);
    }

    // Throws ServerError when this is an error reply; returns *this otherwise.
    const Reply& check() const;
    // Typed accessors: throw Error(protocol) naming `context` when the reply has another type.
    long long as_integer(std::string_view context) const;
    const std::string& as_string(std::string_view context) const;
    const std::vector<Reply>& as_array(std::string_view context) const;
};

std::string_view type_name(Reply::Type type);

} // namespace redops::redis
