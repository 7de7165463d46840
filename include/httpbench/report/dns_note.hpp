// Whether the run looked a name up before sending: the reporters print the lookup's time only
// when there was one (no "DNS resolved in 4.1us" for an IP literal).
#pragma once

#include <optional>
#include <string_view>

#include "httpbench/cli/options.hpp"

namespace httpbench {

// Why no DNS lookup was made for the host connected to (the proxy's when there is one):
// "Unix socket", "--resolve" or "IP address"; nullopt when the name was resolved.
std::optional<std::string_view> no_dns_lookup_reason(const Options& options);

}  // namespace httpbench
