#include "httpbench/codec/http1.hpp"

#include <fmt/format.h>

namespace httpbench {

std::string serialize_http1(const RequestSpec& spec) {
  const std::vector<Header> headers = request_headers(spec);
  std::string out = fmt::format("{} {} HTTP/{}\r\n", spec.method,
                                spec.absolute_form ? spec.target.url() : spec.target.target,
                                spec.http10 ? "1.0" : "1.1");
  for (const Header& h : headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  out += "\r\n";
  if (spec.body) out += *spec.body;
  return out;
}

}  // namespace httpbench
