// HTTP/2 on the wire, the request side: a RequestSpec's headers as an HTTP/2 header list, built
// once per run (and per redirect hop) beside its HTTP/1.1 bytes.
#pragma once

#include <vector>

#include "httpbench/codec/request_spec.hpp"

namespace httpbench {

// :method, :scheme, :authority (the Host header as sent, a -H Host included) and :path first,
// then request_headers(spec) with lower-case names, without Host and the connection-specific
// headers HTTP/2 forbids (Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade).
std::vector<Header> http2_headers(const RequestSpec& spec);

}  // namespace httpbench
