// HTTP/1.1 (and 1.0) on the wire: a RequestSpec serialised into request bytes, once, and the
// request prepared for a connection: its description beside the bytes every codec sends.
#pragma once

#include <string>

#include <vector>

#include "httpbench/codec/http2_headers.hpp"
#include "httpbench/codec/request_spec.hpp"

namespace httpbench {

// The request line, request_headers(spec), the blank line and the body.
std::string serialize_http1(const RequestSpec& spec);

// A request ready to send, prepared once before the run (and once per redirect hop): what it is,
// its bytes for HTTP/1.x and its header list for HTTP/2 (both cheap next to a run, so both are
// made whatever the protocol).
struct PreparedRequest {
  PreparedRequest() = default;
  explicit PreparedRequest(RequestSpec s)
      : spec(std::move(s)), http1(serialize_http1(spec)), http2(http2_headers(spec)) {}

  RequestSpec spec;
  std::string http1;
  std::vector<Header> http2;
};

}  // namespace httpbench
