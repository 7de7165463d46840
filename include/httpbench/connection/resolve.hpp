// Name resolution, done once before a run: DNS, or a fixed address given with --resolve.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "httpbench/codec/url.hpp"

namespace httpbench {

// curl's --resolve HOST:PORT:ADDRESS: connect to ADDRESS whenever HOST:PORT is the target,
// while the Host header, SNI and certificate checks keep using HOST.
struct ResolveOverride {
  std::string host;
  std::uint16_t port = 0;
  boost::asio::ip::address address;
};

// Parses "host:port:address" (the address may be a bracketed IPv6 literal). Throws UsageError.
ResolveOverride parse_resolve_override(std::string_view text);

// The address of `target` when it needs no lookup: the --resolve override for its host and port,
// or its host when that is an IP literal. nullopt when the name has to be resolved.
std::optional<boost::asio::ip::tcp::endpoint> fixed_address(
    const Target& target, const std::vector<ResolveOverride>& overrides);

// Every address of the target, in the resolver's order (all are tried on connect). Throws
// UsageError when the host cannot be resolved.
std::vector<boost::asio::ip::tcp::endpoint> resolve_target(
    const Target& target, const std::vector<ResolveOverride>& overrides);

}  // namespace httpbench
