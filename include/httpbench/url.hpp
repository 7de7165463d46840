// The benchmark target parsed from a URL: pure, no DNS.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace httpbench {

struct Target {
  // "http" or "https".
  std::string scheme;
  // Host name or IP literal, without IPv6 brackets.
  std::string host;
  std::uint16_t port = 80;
  // Origin-form request target: path plus query, at least "/".
  std::string target = "/";

  // The Host header value: host, bracketed when IPv6, with the port when not the default.
  std::string host_header() const;
  // The URL in canonical form, for reports.
  std::string url() const;
};

// `url` made safe to print: userinfo replaced by "***", control characters escaped.
std::string redact_for_display(std::string_view url);

// Parses an absolute http:// or https:// URL. Throws UsageError naming the problem.
Target parse_target(std::string_view url);

}  // namespace httpbench
