#include "httpbench/cli/route_options.hpp"

#include <sys/un.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "httpbench/codec/url_host.hpp"

#include "httpbench/cli/options.hpp"
#include "httpbench/codec/request_spec.hpp"
#include "httpbench/connection/failure.hpp"
#include "httpbench/connection/resolve.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/version.hpp"

namespace httpbench {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == s.npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// "host:port" as in a CONNECT request line and its Host header (IPv6 bracketed).
std::string authority(const Target& t) {
  const bool ipv6 = t.host.find(':') != std::string::npos;
  return ipv6 ? fmt::format("[{}]:{}", t.host, t.port) : fmt::format("{}:{}", t.host, t.port);
}

}  // namespace

Target parse_proxy_url(std::string_view text, std::optional<std::string>& credentials) {
  const std::string shown = redact_proxy_argument(text);
  // curl takes "host:port" without a scheme as an http proxy.
  const std::string url = text.find("://") == std::string_view::npos
                              ? fmt::format("http://{}", text)
                              : std::string(text);
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || !parsed->has_authority() || parsed->host().empty()) {
    throw UsageError(fmt::format("invalid proxy '{}': use http://HOST:PORT", shown));
  }
  const boost::urls::url_view& u = *parsed;
  if (lower(u.scheme()) != "http") {
    throw UsageError(fmt::format(
        "invalid proxy '{}': only http:// proxies are supported (https targets are tunnelled "
        "through them with CONNECT)",
        shown));
  }
  if (!u.encoded_path().empty() && u.encoded_path() != "/") {
    throw UsageError(fmt::format("invalid proxy '{}': a proxy URL has no path", shown));
  }
  if (u.has_query() || u.has_fragment()) {
    throw UsageError(fmt::format("invalid proxy '{}': a proxy URL has no query", shown));
  }
  Target t;
  t.scheme = "http";
  t.port = 1080;
  std::optional<std::string> host = url_host(u);
  if (!host) throw UsageError(fmt::format("invalid proxy '{}': unsupported host form", shown));
  t.host = std::move(*host);
  if (u.has_port()) {
    if (u.port().empty() || u.port_number() == 0 || u.port() != std::to_string(u.port_number())) {
      throw UsageError(fmt::format("invalid proxy '{}': invalid port", shown));
    }
    t.port = u.port_number();
  }
  if (u.has_userinfo()) credentials = fmt::format("{}:{}", u.user(), u.password());
  return t;
}

bool no_proxy_matches(std::string_view no_proxy, std::string_view host) {
  std::string h = lower(host);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  while (!h.empty() && h.back() == '.')
    h.pop_back();
  boost::system::error_code ip_ec;
  net::ip::make_address(h, ip_ec);
  const bool host_is_ip = !ip_ec;
  std::size_t pos = 0;
  while (pos <= no_proxy.size()) {
    const std::size_t comma = std::min(no_proxy.find(',', pos), no_proxy.size());
    std::string entry = lower(trim(no_proxy.substr(pos, comma - pos)));
    pos = comma + 1;
    if (entry == "*") return true;
    if (entry.size() >= 2 && entry.front() == '[' && entry.back() == ']') {
      entry = entry.substr(1, entry.size() - 2);
    }
    if (!entry.empty() && entry.front() == '.') entry.erase(0, 1);
    while (!entry.empty() && entry.back() == '.')
      entry.pop_back();
    if (entry.empty()) continue;
    if (h == entry) return true;
    if (host_is_ip) {
      // IP addresses compare as addresses ("::1" is "0:0::1").
      boost::system::error_code entry_ec;
      const auto address = net::ip::make_address(entry, entry_ec);
      if (!entry_ec && address == net::ip::make_address(h, entry_ec)) return true;
    }
    // A name entry also matches its subdomains; an IP address only itself.
    if (!host_is_ip && h.size() > entry.size() && h.ends_with(entry) &&
        h[h.size() - entry.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

void apply_proxy_environment(Options& options, const EnvironmentLookup& getenv) {
  if (!options.proxy_from_env || options.proxy) return;
  auto lookup = [&](const char* lower_name,
                    const char* upper_name) -> std::pair<const char*, const char*> {
    for (const char* name : {lower_name, upper_name}) {
      const char* value = getenv(name);
      if (value != nullptr && *value != '\0') return {name, value};
    }
    return {nullptr, nullptr};
  };
  const bool https = options.target.scheme == "https";
  const auto [name, value] =
      https ? lookup("https_proxy", "HTTPS_PROXY") : lookup("http_proxy", "HTTP_PROXY");
  if (value == nullptr) return;
  if (const auto [no_name, no_value] = lookup("no_proxy", "NO_PROXY");
      no_value != nullptr && no_proxy_matches(no_value, options.target.host)) {
    return;
  }
  std::optional<std::string> credentials;
  try {
    options.proxy = parse_proxy_url(value, credentials);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("{}: {}", name, e.what()));
  }
  if (credentials && !options.proxy_user) options.proxy_user = std::move(credentials);
}

std::string display_proxy(const Options& options) {
  if (!options.proxy) return {};
  return fmt::format("http://{}{}", options.proxy_user ? "***@" : "", authority(*options.proxy));
}

std::string redact_proxy_argument(std::string_view text) {
  const auto scheme_end = text.find("://");
  const std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const std::size_t end = std::min(text.find_first_of("/?#", start), text.size());
  const auto at = text.substr(0, end).rfind('@');
  std::string out(text);
  if (at != std::string_view::npos && at >= start) {
    out = fmt::format("{}***{}", text.substr(0, start), text.substr(at));
  }
  return redact_for_display(out);
}

std::string connect_request(const Options& options) {
  if (!options.proxy || options.target.scheme != "https") return {};
  const std::string where = authority(options.target);
  std::string out = fmt::format("CONNECT {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: httpbench/{}\r\n",
                                where, where, kVersion);
  if (options.proxy_user) {
    out += fmt::format("Proxy-Authorization: Basic {}\r\n", base64_encode(*options.proxy_user));
  }
  out += "\r\n";
  return out;
}

void validate_route(const Options& o) {
  if (o.unix_socket) {
    if (o.unix_socket->empty()) throw UsageError("--unix-socket: empty path");
    if (o.unix_socket->size() >= sizeof(sockaddr_un::sun_path)) {
      throw UsageError(fmt::format("--unix-socket: path longer than {} bytes",
                                   sizeof(sockaddr_un::sun_path) - 1));
    }
    if (o.unix_socket->find('\0') != std::string::npos) {
      throw UsageError("--unix-socket: the path contains a NUL byte");
    }
    if (!o.resolve_overrides.empty()) {
      throw UsageError("--unix-socket and --resolve exclude each other (no address is resolved)");
    }
    if (o.proxy || o.proxy_from_env) {
      throw UsageError("--unix-socket and --proxy/--proxy-from-env exclude each other");
    }
  }
  if (o.proxy_user) {
    if (o.proxy_user->find(':') == std::string::npos) {
      throw UsageError("--proxy-user: expected user:password");
    }
    if (std::any_of(o.proxy_user->begin(), o.proxy_user->end(),
                    [](char c) { return c == '\r' || c == '\n' || c == '\0'; })) {
      throw UsageError("--proxy-user: contains CR, LF or NUL");
    }
    if (!o.proxy && !o.proxy_from_env) {
      throw UsageError("--proxy-user needs --proxy or --proxy-from-env");
    }
  }
}

std::vector<ConnectEndpoint> resolve_route(const Options& options) {
  if (options.unix_socket) {
    return {ConnectEndpoint(net::local::stream_protocol::endpoint(*options.unix_socket))};
  }
  const Target& host = options.proxy ? *options.proxy : options.target;
  std::vector<ConnectEndpoint> endpoints;
  try {
    for (const tcp::endpoint& ep : resolve_target(host, options.resolve_overrides))
      endpoints.emplace_back(ep);
  } catch (const UsageError& e) {
    if (!options.proxy) throw;
    throw UsageError(fmt::format("proxy: {}", e.what()));
  }
  return endpoints;
}

std::string connect_label(const Options& options) {
  if (options.unix_socket) return fmt::format("unix socket {}", *options.unix_socket);
  if (options.proxy) return fmt::format("proxy {}", authority(*options.proxy));
  return {};
}

}  // namespace httpbench
