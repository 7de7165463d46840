#include "httpbench/codec/http2_headers.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace httpbench {

namespace {

// Headers that describe an HTTP/1.1 connection: a request carrying one is malformed in HTTP/2
// (RFC 9113, 8.2.2).
bool is_connection_specific(std::string_view name) {
  constexpr std::array<std::string_view, 5> kNames = {
      "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"};
  return std::any_of(kNames.begin(), kNames.end(),
                     [&](std::string_view n) { return iequals(n, name); });
}

std::string lower(std::string name) {
  for (char& c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

std::vector<Header> http2_headers(const RequestSpec& spec) {
  std::vector<Header> fields{{":method", spec.method},
                             {":scheme", spec.target.scheme},
                             {":authority", spec.target.host_header()},
                             {":path", spec.target.target}};
  for (Header& h : request_headers(spec)) {
    if (iequals(h.name, "host")) {
      fields[2].value = std::move(h.value);
    } else if (!is_connection_specific(h.name)) {
      fields.push_back({lower(std::move(h.name)), std::move(h.value)});
    }
  }
  return fields;
}

}  // namespace httpbench
