#include "httpbench/stats/protocol.hpp"

#include <fmt/format.h>

#include "httpbench/stats/error.hpp"

namespace httpbench {

std::string_view protocol_name(Protocol protocol) {
  switch (protocol) {
    case Protocol::http1:
      return "h1";
    case Protocol::http2:
      return "h2";
  }
  return "unknown";
}

Protocol parse_protocol(std::string_view name) {
  if (name == "h1") return Protocol::http1;
  if (name == "h2") return Protocol::http2;
  throw UsageError(fmt::format("unknown protocol '{}': use h1 or h2", name));
}

}  // namespace httpbench
