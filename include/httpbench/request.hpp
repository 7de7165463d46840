// The request a run sends, serialised once and reused for every request.
#pragma once

#include <string>

#include "httpbench/options.hpp"

namespace httpbench {

inline constexpr const char* kVersion = "0.1.0";

// The HTTP/1.1 request bytes for `options`: GET of the target, Host, User-Agent, Accept, and
// `Connection: close` when keep-alive is off.
std::string serialize_request(const Options& options);

}  // namespace httpbench
