// The benchmark target parsed from a URL: pure, no DNS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "httpbench/stats/redact.hpp"

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

// Parses an absolute http:// or https:// URL without credentials (a Location header, a --urls
// line). Throws UsageError naming the problem.
Target parse_target(std::string_view url);

// Parses the URL given on the command line, as curl does: without a scheme, http:// is assumed
// ("127.0.0.1:8080/x"), and userinfo ("http://user:pw@host/") is taken out of the target and
// returned percent-decoded as "user:pw" in `credentials`. Throws UsageError (the credentials are
// never in its message).
Target parse_target_argument(std::string_view url, std::optional<std::string>& credentials);

}  // namespace httpbench
