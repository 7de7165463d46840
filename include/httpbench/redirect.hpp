// Following redirects: which responses redirect, where to, and the request that follows.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "httpbench/client_config.hpp"
#include "httpbench/options.hpp"

namespace httpbench {

inline bool is_redirect_status(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// Builds the requests that follow redirects for one run; shared, read-only, by all clients.
class RedirectPolicy {
 public:
  explicit RedirectPolicy(const Options& options);

  // Redirects followed per request at most (0: redirects are results).
  unsigned limit() const { return limit_; }

  // The request bytes for following a `status` redirect to `location`, or nullopt when it is not
  // followed (another origin without --follow-cross-origin, or a Location that is not a URL).
  // 307 and 308 keep the method and body; 301, 302 and 303 turn into a GET without a body, as
  // browsers and curl do.
  std::optional<std::string> follow(unsigned status, std::string_view location) const;

 private:
  Options options_;
  unsigned limit_ = 0;
};

// The request of one exchange and the redirects it may still follow. Without --follow it only
// hands out the run's request (of request line `line` with --urls), so the common case allocates
// nothing.
class RedirectChain {
 public:
  explicit RedirectChain(const ClientConfig& config, std::size_t line = 0)
      : policy_(config.redirects.get()),
        request_(config.line_requests.empty() ? std::string_view(config.request)
                                              : std::string_view(config.line_requests[line])),
        left_(policy_ ? policy_->limit() : 0) {}

  std::string_view request() const { return request_; }

  // After a complete response: true when it is a redirect to follow, and request() is then the
  // next hop's request.
  bool advance(unsigned status, std::string_view location) {
    if (left_ == 0 || !is_redirect_status(status)) return false;
    auto next = policy_->follow(status, location);
    if (!next) return false;
    --left_;
    next_ = std::move(*next);
    request_ = next_;
    return true;
  }

 private:
  const RedirectPolicy* policy_;
  std::string_view request_;
  std::string next_;
  unsigned left_;
};

}  // namespace httpbench
