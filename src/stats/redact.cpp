#include "httpbench/stats/redact.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace httpbench {

std::string redact_for_display(std::string_view url) {
  std::string out;
  // Credentials between "://" (or the start of a URL without a scheme) and the next "@" before
  // the path are never echoed.
  const auto scheme_end = url.find("://");
  const bool schemeless = scheme_end == std::string_view::npos && !url.empty() && url[0] != '-';
  if (scheme_end != std::string_view::npos || schemeless) {
    const auto authority_start = schemeless ? 0 : scheme_end + 3;
    const auto authority_end = std::min(url.find_first_of("/?#", authority_start), url.size());
    const auto at = url.substr(0, authority_end).rfind('@');
    if (at != std::string_view::npos && at >= authority_start) {
      out = std::string(url.substr(0, authority_start)) + "***" + std::string(url.substr(at));
    }
  }
  if (out.empty()) out = url;
  // Control characters would break the one-line error rule and can hide text on a terminal.
  std::string printable;
  for (unsigned char c : out) {
    if (c < 0x20 || c == 0x7f) {
      printable += fmt::format("\\x{:02x}", c);
    } else {
      printable += static_cast<char>(c);
    }
  }
  return printable;
}

}  // namespace httpbench
