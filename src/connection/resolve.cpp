#include "httpbench/connection/resolve.hpp"

#include <charconv>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>

#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace net = boost::asio;
using tcp = net::ip::tcp;

ResolveOverride parse_resolve_override(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return UsageError(fmt::format("invalid --resolve '{}': {}", redact_for_display(text), why));
  };
  const auto first = text.find(':');
  const auto second = first == std::string_view::npos ? first : text.find(':', first + 1);
  if (second == std::string_view::npos) throw bad("use HOST:PORT:ADDRESS");
  ResolveOverride o;
  o.host = std::string(text.substr(0, first));
  if (o.host.empty()) throw bad("empty host");
  const std::string_view port = text.substr(first + 1, second - first - 1);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || ptr != port.data() + port.size() || value == 0 || value > 65535) {
    throw bad("invalid port");
  }
  o.port = static_cast<std::uint16_t>(value);
  std::string_view address = text.substr(second + 1);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  boost::system::error_code parse_ec;
  o.address = net::ip::make_address(address, parse_ec);
  if (parse_ec) throw bad("the address must be an IP address");
  return o;
}

std::optional<tcp::endpoint> fixed_address(const Target& target,
                                           const std::vector<ResolveOverride>& overrides) {
  for (const ResolveOverride& o : overrides) {
    if (o.host == target.host && o.port == target.port) return tcp::endpoint(o.address, o.port);
  }
  boost::system::error_code ec;
  const auto address = net::ip::make_address(target.host, ec);
  if (ec) return std::nullopt;
  return tcp::endpoint(address, target.port);
}

std::vector<tcp::endpoint> resolve_target(const Target& target,
                                          const std::vector<ResolveOverride>& overrides) {
  for (const ResolveOverride& o : overrides) {
    if (o.host == target.host && o.port == target.port) return {tcp::endpoint(o.address, o.port)};
  }
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  boost::system::error_code ec;
  auto results = resolver.resolve(target.host, std::to_string(target.port), ec);
  if (ec || results.empty()) {
    throw UsageError(fmt::format("cannot resolve host '{}': {}", target.host,
                                 ec ? ec.message() : "no addresses"));
  }
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : results)
    endpoints.push_back(entry.endpoint());
  return endpoints;
}

}  // namespace httpbench
