#include "httpbench/connection/redirect.hpp"

#include <algorithm>
#include <cctype>

#include "httpbench/codec/http1.hpp"
#include "httpbench/stats/error.hpp"

namespace httpbench {

std::string redirect_label(const Target& origin) {
  return "redirect to " + origin.scheme + "://" + origin.host_header();
}

bool same_origin(const Target& a, const Target& b) {
  return a.scheme == b.scheme && a.port == b.port &&
         std::equal(a.host.begin(), a.host.end(), b.host.begin(), b.host.end(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

namespace {

// The request carries no content any more: no body, and no header about one.
void drop_content(RequestSpec& spec) {
  spec.body.reset();
  spec.content_type.reset();
  std::erase_if(spec.headers, [](const Header& h) { return iequals(h.name, "Content-Type"); });
}

}  // namespace

std::optional<RedirectHop> RedirectPolicy::follow(unsigned status, std::string_view location,
                                                  const RequestSpec& current,
                                                  const RequestSpec& original,
                                                  bool* other_origin_refused) const {
  if (limit_ == 0 || !is_redirect_status(status) || location.empty()) return std::nullopt;
  // Relative to the origin that redirected; the target's as the run spells it when it is that one.
  const Target& origin = same_origin(current.target, target_) ? target_ : current.target;
  // The original request's headers and credentials, with the method and body the chain has now.
  RequestSpec next = original;
  next.method = current.method;
  if (current.method != original.method || (original.body && !current.body)) drop_content(next);
  RedirectHop hop;
  if (location.front() == '/' && (location.size() < 2 || location[1] != '/')) {
    // Origin-relative: the scheme, host and port of the response that redirected.
    next.target = origin;
    next.target.target = std::string(location);
  } else {
    try {
      next.target = parse_target(location);
    } catch (const UsageError&) {
      return std::nullopt;
    }
    hop.cross_origin = !same_origin(next.target, origin);
    // Another origin needs its own connection, address and certificate: only with
    // --follow-cross-origin.
    if (hop.cross_origin && !cross_origin_) {
      if (other_origin_refused) *other_origin_refused = true;
      return std::nullopt;
    }
  }
  hop.target_origin = same_origin(next.target, target_);
  if (!hop.target_origin) {
    // Credentials are for the target's origin only.
    next.basic_auth.reset();
    next.proxy_auth.reset();
    std::erase_if(next.headers, [](const Header& h) { return is_sensitive_header(h.name); });
    // The hop's connection is closed after its response: saying so lets the server close first,
    // and the TIME_WAIT stays on its side (server_close.hpp).
    next.keep_alive = false;
  }
  if (status != 307 && status != 308 && next.method != "HEAD") {
    next.method = "GET";
    drop_content(next);
  }
  hop.request = PreparedRequest(std::move(next));
  return hop;
}

}  // namespace httpbench
