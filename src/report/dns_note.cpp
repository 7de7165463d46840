#include "httpbench/report/dns_note.hpp"

#include <boost/asio/ip/address.hpp>

namespace httpbench {

std::optional<std::string_view> no_dns_lookup_reason(const Options& options) {
  if (options.unix_socket) return "Unix socket";
  // resolve_route looks up the proxy's host when there is one, else the target's.
  const Target& host = options.proxy ? *options.proxy : options.target;
  for (const ResolveOverride& o : options.resolve_overrides) {
    if (o.host == host.host && o.port == host.port) return "--resolve";
  }
  boost::system::error_code ec;
  boost::asio::ip::make_address(host.host, ec);
  if (!ec) return "IP address";
  return std::nullopt;
}

}  // namespace httpbench
