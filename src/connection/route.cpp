#include "httpbench/connection/route.hpp"

#include <sys/un.h>

#include <cstddef>
#include <cstring>

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/status.hpp>

#include "httpbench/connection/failure.hpp"

namespace httpbench {

using tcp = boost::asio::ip::tcp;

std::string endpoint_text(const ConnectEndpoint& endpoint) {
  const auto* sa = static_cast<const sockaddr*>(endpoint.data());
  if (sa->sa_family == AF_UNIX) {
    const auto* un = static_cast<const sockaddr_un*>(static_cast<const void*>(sa));
    const std::size_t offset = offsetof(sockaddr_un, sun_path);
    const std::size_t n = endpoint.size() > offset ? endpoint.size() - offset : 0;
    return fmt::format("unix:{}", std::string_view(un->sun_path, strnlen(un->sun_path, n)));
  }
  if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) return "unknown";
  tcp::endpoint ep;
  std::memcpy(ep.data(), endpoint.data(), endpoint.size());
  ep.resize(endpoint.size());
  const auto address = ep.address();
  return address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), ep.port())
                         : fmt::format("{}:{}", address.to_string(), ep.port());
}

std::string connect_failure(std::string_view label, const boost::system::error_code& ec) {
  if (label.empty()) return describe_error(ec);
  return fmt::format("{}: {}", label, describe_error(ec));
}

std::string tunnel_refused(std::string_view label, unsigned status) {
  namespace http = boost::beast::http;
  return fmt::format("{} refused CONNECT: {} {}", label.empty() ? "proxy" : label, status,
                     std::string_view(http::obsolete_reason(http::int_to_status(status))));
}

std::vector<ConnectEndpoint> fixed_endpoints(const Target& origin,
                                             const std::vector<ResolveOverride>& overrides) {
  std::vector<ConnectEndpoint> endpoints;
  if (const auto fixed = fixed_address(origin, overrides)) endpoints.emplace_back(*fixed);
  return endpoints;
}

}  // namespace httpbench
