#include "httpbench/cli/describe_run.hpp"

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>

#include "httpbench/cli/request_options.hpp"
#include "httpbench/cli/route_options.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/engine/schedule.hpp"

namespace httpbench {

namespace {

std::optional<std::uint64_t> request_count(std::uint64_t requests) {
  if (requests == Schedule::kUnlimited) return std::nullopt;
  return requests;
}

// Why no DNS lookup is made for the host connected to (the proxy's when there is one); nullopt
// when the name is resolved.
std::optional<std::string> no_dns_lookup_reason(const Options& options) {
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

}  // namespace

RunDescription describe_run(const Options& o, const WorkPart& part_of_run,
                            const RequestSpec& request) {
  RunDescription d;
  d.url = o.target.url();
  d.scheme = o.target.scheme;
  d.request_target = o.target.target;
  d.urls_file = o.urls_file;
  for (const RequestLine& line : o.request_lines)
    d.url_lines.push_back(line.label());
  d.method = o.method;
  std::vector<std::string> sent;
  for (const Header& h : request_headers(request))
    sent.push_back(display_header(h));
  d.headers = std::move(sent);
  // HTTP/2 has no HTTP/1.x version: the field stays what the HTTP/1.x runs send ("1.1"; --http1.0
  // is refused with HTTP/2), and `protocols` says which runs are HTTP/2.
  d.http_version = o.http10 ? "1.0" : "1.1";
  for (const Header& h : o.headers)
    d.headers_given.push_back(display_header(h));
  if (o.body) d.body_bytes = o.body->size();
  d.body_file = o.body_file;
  d.content_type = o.content_type;
  d.basic_auth = o.basic_auth.has_value();
  d.modes = o.modes;
  d.compare = o.compare;
  for (std::size_t i = 0; i < o.modes.size(); ++i)
    d.protocols.push_back(o.protocol_of(i));
  if (o.any_http2()) d.streams = o.streams.value_or(defaults::kHttp2Streams);
  d.requests = request_count(o.requests);
  d.duration = o.duration;
  d.rate = o.rate;
  d.warmup_requests = o.warmup_requests;
  d.warmup_duration = o.warmup_duration;
  d.concurrency = o.concurrency;
  d.io_threads = o.io_threads;
  d.keep_alive = o.keep_alive;
  d.timeout = o.timeout;
  d.connect_timeout = o.connect_timeout;
  d.max_header_size = o.max_header_size;
  d.ok_status = o.ok_status.describe();
  d.ok_status_default = o.ok_status.is_default();
  d.follow_redirects = o.follow_redirects;
  d.follow_cross_origin = o.follow_cross_origin;
  d.trials = o.trials;
  d.interval = o.interval;
  d.sweep = o.sweep;
  d.sweep_auto = o.sweep_auto;
  if (o.shard) {
    ShardPart part;
    part.index = o.shard->index;
    part.count = o.shard->count;
    part.requests = request_count(part_of_run.requests);
    part.concurrency = part_of_run.concurrency;
    part.rate = part_of_run.rate;
    part.warmup_requests = part_of_run.warmup_requests;
    d.shard = part;
  }
  for (const ResolveOverride& r : o.resolve_overrides) {
    const std::string address =
        r.address.is_v6() ? "[" + r.address.to_string() + "]" : r.address.to_string();
    d.resolve.push_back(fmt::format("{}:{}:{}", r.host, r.port, address));
  }
  d.unix_socket = o.unix_socket;
  if (o.proxy) {
    d.proxy = display_proxy(o);
    // The proxy's address only: its credentials are never printed.
    d.proxy_address = fmt::format("http://{}", o.proxy->host_header());
  }
  d.proxy_from_env = o.proxy_from_env;
  d.proxy_user = o.proxy_user.has_value();
  d.no_dns_lookup = no_dns_lookup_reason(o);
  d.tls_insecure = o.tls.insecure;
  d.tls_ca_file = o.tls.ca_file;
  d.tls_cert_file = o.tls.cert_file;
  d.tls_key_file = o.tls.key_file;
  d.tls_min_version = o.tls.min_version;
  d.checks = o.checks;
  return d;
}

RunDescription describe_run(const Options& options) {
  return describe_run(options, make_plan(options).part, request_spec(options));
}

}  // namespace httpbench
