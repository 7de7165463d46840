// Where a run's connections go: straight to the target, to a Unix domain socket (--unix-socket),
// or through an HTTP proxy (--proxy, --proxy-from-env); and the addresses, resolved once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "httpbench/codec/url.hpp"
#include "httpbench/connection/resolve.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/scale/shard.hpp"

namespace httpbench {

struct Options;

// Parses a proxy URL: "http://[user:password@]host[:port][/]", or "host:port" without a scheme
// (curl's forms; the port defaults to 1080 as in curl). Only http:// proxies are supported.
// Credentials in the URL go to `credentials` (percent-decoded, "user:password"). Throws
// UsageError naming the problem, never repeating the credentials.
Target parse_proxy_url(std::string_view text, std::optional<std::string>& credentials);

// curl's NO_PROXY: a comma-separated list of host names (each matching itself and its
// subdomains; a leading dot is ignored), IP addresses (exact), or "*" for every host. Case is
// ignored; IPv6 entries may be bracketed.
bool no_proxy_matches(std::string_view no_proxy, std::string_view host);

// With --proxy-from-env: sets options.proxy from https_proxy/HTTPS_PROXY (https targets) or
// http_proxy/HTTP_PROXY (http targets), lower case first, unless no_proxy/NO_PROXY matches the
// target host. Does nothing without --proxy-from-env. Throws UsageError for a malformed value,
// naming the variable.
void apply_proxy_environment(Options& options, const EnvironmentLookup& getenv);

// The proxy for reports: "http://host:port", with "***@" before the host when it authenticates.
std::string display_proxy(const Options& options);

// `text` with the userinfo of a URL (with or without a scheme) replaced by "***".
std::string redact_proxy_argument(std::string_view text);

// The request that opens a tunnel to an https target through the proxy: CONNECT host:port, with
// Proxy-Authorization when --proxy-user is set. Empty when no tunnel is needed.
std::string connect_request(const Options& options);

// Throws UsageError for network options that cannot go together (--unix-socket with --resolve or
// --proxy, an empty or too long socket path, --proxy-user without a proxy, ...).
void validate_route(const Options& options);

// The addresses to connect to, resolved once: the Unix socket; else the proxy (DNS for the proxy
// only, the target is resolved by the proxy); else the target. --resolve applies to whichever
// host is resolved. Throws UsageError when the host cannot be resolved.
std::vector<ConnectEndpoint> resolve_route(const Options& options);

// What a client connects to, for connect failure messages: "unix socket PATH", "proxy
// HOST:PORT", or empty when it connects to the target itself.
std::string connect_label(const Options& options);

}  // namespace httpbench
