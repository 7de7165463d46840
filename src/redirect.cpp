#include "httpbench/redirect.hpp"

#include <algorithm>

#include "httpbench/error.hpp"
#include "httpbench/request.hpp"

namespace httpbench {

RedirectPolicy::RedirectPolicy(const Options& options)
    : options_(options), limit_(options.follow_redirects) {}

std::optional<std::string> RedirectPolicy::follow(unsigned status,
                                                  std::string_view location) const {
  if (limit_ == 0 || !is_redirect_status(status) || location.empty()) return std::nullopt;
  Options next = options_;
  if (location.front() == '/' && (location.size() < 2 || location[1] != '/')) {
    // Origin-relative: same scheme, host and port.
    next.target.target = std::string(location);
  } else {
    try {
      next.target = parse_target(location);
    } catch (const UsageError&) {
      return std::nullopt;
    }
    const Target& from = options_.target;
    const bool same_origin = next.target.scheme == from.scheme && next.target.host == from.host &&
                             next.target.port == from.port;
    // Another origin needs its own connection, address and certificate: not followed.
    if (!same_origin) return std::nullopt;
  }
  if (status != 307 && status != 308 && next.method != "HEAD") {
    next.method = "GET";
    next.body.reset();
    next.body_file.reset();
    next.content_type.reset();
    std::erase_if(next.headers, [](const Header& h) {
      std::string name = h.name;
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return name == "content-type";
    });
  }
  return serialize_request(next);
}

}  // namespace httpbench
