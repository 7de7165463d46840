// Layer codec/: HTTP on the wire. The request described once (RequestSpec) and serialised by each
// protocol's codec, and the response read into a Transfer. It may use stats (error categories,
// the clock) and nothing else.
//
// A request described once, apart from any wire format: built from the command line before the
// run (and for each redirect hop), then serialised by a codec: HTTP/1.1 bytes (http1.hpp) today,
// and any other protocol from the same description.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "httpbench/codec/url.hpp"

namespace httpbench {

// One request header as given with -H.
struct Header {
  std::string name;
  std::string value;
};

struct RequestSpec {
  // Upper case: GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS.
  std::string method = "GET";
  // The scheme, the authority (host and port) and the origin-form path of the request.
  Target target;
  // -H headers in the order given; one named like a default header replaces it, and one with an
  // empty value ('Name:') leaves that default out.
  std::vector<Header> headers;
  // The body, shared rather than copied: a large --body-file is held once by every spec built
  // from it. Null: no body.
  std::shared_ptr<const std::string> body;
  // Content-Type of the body (a -H Content-Type wins); application/octet-stream when unset.
  std::optional<std::string> content_type;
  // "user:password" for Authorization: Basic (a -H Authorization wins).
  std::optional<std::string> basic_auth;
  // http through a proxy: "user:password" for Proxy-Authorization: Basic.
  std::optional<std::string> proxy_auth;
  // http through a proxy: the request target in absolute form, so the proxy knows where to go.
  bool absolute_form = false;
  bool http10 = false;
  // Ask for the connection to be kept (HTTP/1.0) or say it closes (HTTP/1.1, when false).
  bool keep_alive = true;

  // The response to HEAD has no body, whatever its Content-Length says.
  bool is_head() const { return method == "HEAD"; }
  std::size_t body_size() const { return body ? body->size() : 0; }
};

// The headers sent, in order: Host, User-Agent, Authorization (basic_auth), Proxy-Authorization
// (proxy_auth), Content-Type, Content-Length, Connection (as keep-alive and the HTTP version
// need), then the -H headers. A -H header with the name of one of these (any case) takes its place
// instead, and one with an empty value leaves it out, as in curl.
std::vector<Header> request_headers(const RequestSpec& spec);

// True for headers whose values are credentials: Authorization, Proxy-Authorization, Cookie.
bool is_sensitive_header(std::string_view name);

// "Name: value" for reports, the value replaced by "***" when the header is sensitive.
std::string display_header(const Header& header);

// Case-insensitive ASCII comparison, as header names compare.
bool iequals(std::string_view a, std::string_view b);

// RFC 4648 base64 with padding, for Authorization: Basic.
std::string base64_encode(std::string_view data);

}  // namespace httpbench
