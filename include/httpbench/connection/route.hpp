// Where a client connects: the addresses a run resolved once (TCP or a Unix socket), and how a
// failure to connect or to open a proxy's tunnel is told. What the command line makes of
// --unix-socket, --proxy and --resolve is cli/route_options.hpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/system/error_code.hpp>

#include "httpbench/codec/url.hpp"
#include "httpbench/connection/resolve.hpp"

namespace httpbench {

// A place a client connects to: a TCP (IPv4, IPv6) or Unix domain stream socket address. One
// type for both keeps one connect path in the clients (see client_config.hpp).
using ConnectEndpoint = boost::asio::generic::stream_protocol::endpoint;

// "ADDRESS:PORT" (IPv6 bracketed) or "unix:PATH", for the manifest and messages.
std::string endpoint_text(const ConnectEndpoint& endpoint);

// The connect addresses of `origin` when it needs no lookup (an IP literal, or --resolve);
// empty when its name has to be resolved. For hops to other origins, resolved per hop.
std::vector<ConnectEndpoint> fixed_endpoints(const Target& origin,
                                             const std::vector<ResolveOverride>& overrides);

// The message of a connect failure: "LABEL: reason" ("proxy 127.0.0.1:3128: Connection refused"),
// or the reason alone when the label is empty.
std::string connect_failure(std::string_view label, const boost::system::error_code& ec);

// True for the status of a CONNECT answer that opens the tunnel.
inline bool tunnel_opened(unsigned status) {
  return status >= 200 && status < 300;
}

// The message of a CONNECT the proxy refused: "proxy HOST:PORT refused CONNECT: 407 Proxy
// Authentication Required".
std::string tunnel_refused(std::string_view label, unsigned status);

}  // namespace httpbench
