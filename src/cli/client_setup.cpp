#include "httpbench/cli/client_setup.hpp"

#include "httpbench/cli/request_options.hpp"
#include "httpbench/cli/route_options.hpp"
#include "httpbench/codec/first_contact.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/connection/tls.hpp"

namespace httpbench {

std::shared_ptr<const RedirectPolicy> make_redirect_policy(const Options& options) {
  if (options.follow_redirects == 0) return nullptr;
  return std::make_shared<RedirectPolicy>(options.target, options.follow_redirects,
                                          options.follow_cross_origin, options.resolve_overrides,
                                          !options.tls.insecure);
}

ClientConfig make_client_config(const Options& options, std::vector<ConnectEndpoint> endpoints) {
  ClientConfig c;
  c.endpoints = std::move(endpoints);
  c.tunnel_request = connect_request(options);
  c.connect_label = connect_label(options);
  c.request = PreparedRequest(request_spec(options));
  for (const RequestLine& line : options.request_lines)
    c.line_requests.emplace_back(request_spec(options, line));
  c.keep_alive = options.keep_alive;
  c.timeout = options.timeout;
  c.connect_timeout = options.connect_timeout;
  c.ok_status = options.ok_status;
  c.redirects = make_redirect_policy(options);
  if (options.target.scheme == "https") {
    c.tls = make_client_tls_context(options.tls);
    c.server_name = options.target.host;
    c.verify_host = !options.tls.insecure;
  }
  if (options.follow_cross_origin && options.follow_redirects > 0) {
    c.cross_origin_tls = c.tls ? c.tls : make_client_tls_context(options.tls);
  }
  c.first_contact = std::make_shared<FirstContact>();
  c.response.max_header_size = options.max_header_size;
  c.response.keep_location = c.redirects != nullptr;
  c.response.first_contact = c.first_contact.get();
  return c;
}

}  // namespace httpbench
