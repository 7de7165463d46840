// The HTTP protocols a run can speak, by name: each result says which one it measured, and
// --compare pairs a mode with one (`async:h2`).
#pragma once

#include <string_view>

namespace httpbench {

enum class Protocol {
  http1,  // HTTP/1.1 (or 1.0): one request at a time per connection
  http2,  // HTTP/2: h2 by ALPN over TLS, h2c with prior knowledge over TCP; many streams each
};

// "h1" or "h2", as --compare and the reports spell them.
std::string_view protocol_name(Protocol protocol);
// Throws UsageError for an unknown name.
Protocol parse_protocol(std::string_view name);

}  // namespace httpbench
