// Following redirects: which responses redirect, where to, and the request that follows.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "httpbench/cli/options.hpp"
#include "httpbench/connection/client_config.hpp"

namespace httpbench {

inline bool is_redirect_status(unsigned status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// True when `a` and `b` are the same origin: scheme, host (case ignored) and port.
bool same_origin(const Target& a, const Target& b);

// "redirect to SCHEME://HOST[:PORT]": the prefix of the failure messages of a hop to `origin`.
std::string redirect_label(const Target& origin);

// The next hop of a redirect chain.
struct RedirectHop {
  // The request bytes, with the Host header and origin-form target of the hop's origin.
  std::string request;
  // Where it goes (scheme, host, port, and the request target).
  Target target;
  // It leaves the origin of the response that redirected.
  bool cross_origin = false;
  // It goes to the run's target origin, over the client's own connection.
  bool target_origin = true;
};

// Builds the requests that follow redirects for one run; shared, read-only, by all clients.
class RedirectPolicy {
 public:
  explicit RedirectPolicy(const Options& options);

  // Redirects followed per request at most (0: redirects are results).
  unsigned limit() const { return limit_; }
  // --follow-cross-origin: redirects to other origins are followed too.
  bool cross_origin() const { return options_.follow_cross_origin; }
  // For hops to other origins: --resolve, and whether certificates and host names are verified.
  const std::vector<ResolveOverride>& resolve_overrides() const {
    return options_.resolve_overrides;
  }
  bool verify_host() const { return !options_.tls.insecure; }

  // The hop that follows a `status` redirect to `location`, received from `from` (null: the run's
  // target), or nullopt when it is not followed (another origin without --follow-cross-origin,
  // or a Location that is not a URL). 307 and 308 keep the method and body; 301, 302 and 303 turn
  // into a GET without a body, as browsers and curl do. A hop away from the target's origin
  // carries no credentials (--basic-auth, Authorization and Cookie headers), as in curl.
  // `other_origin_refused`, when given, is set when the hop was not followed only for want of
  // --follow-cross-origin.
  std::optional<RedirectHop> follow(unsigned status, std::string_view location,
                                    const Target* from = nullptr,
                                    bool* other_origin_refused = nullptr) const;

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
  // The origin request() goes to when it is not the run's target (--follow-cross-origin), with
  // its request target; null when it goes to the target's origin over the client's connection.
  const Target* away() const { return away_ ? &*away_ : nullptr; }
  // Redirects a request may follow (--follow).
  unsigned limit() const { return policy_ ? policy_->limit() : 0; }
  // The last advance() left the origin of the response that redirected.
  bool crossed() const { return crossed_; }

  // What a complete response does to the chain.
  enum class Step {
    result,        // it is the request's result
    follow,        // a redirect to follow: request() is now the next hop's request
    too_many,      // a redirect past the --follow limit (or a loop, which ends there): a failure
    other_origin,  // the result, a redirect to another origin left for --follow-cross-origin
  };
  Step advance(unsigned status, std::string_view location) {
    if (!policy_ || !is_redirect_status(status) || location.empty()) return Step::result;
    if (left_ == 0) return Step::too_many;
    bool other_origin = false;
    auto next = policy_->follow(status, location, away(), &other_origin);
    if (!next) return other_origin ? Step::other_origin : Step::result;
    --left_;
    next_ = std::move(next->request);
    request_ = next_;
    crossed_ = next->cross_origin;
    if (next->target_origin) {
      away_.reset();
    } else {
      away_ = std::move(next->target);
    }
    return Step::follow;
  }

 private:
  const RedirectPolicy* policy_;
  std::string_view request_;
  std::string next_;
  unsigned left_;
  std::optional<Target> away_;
  bool crossed_ = false;
};

class Recorder;
struct Transfer;

// Ends or continues an exchange after the complete response `t` (`bytes` over the chain so far):
// nullopt when the chain follows a redirect (request() is the next hop's); otherwise the request
// is recorded, as a success, a status failure or a redirect failure, and the result says whether
// it succeeded. Both clients end every exchange that got a response here.
std::optional<bool> settle_response(RedirectChain& chain, Recorder& recorder, std::size_t line,
                                    const Transfer& t, std::uint64_t bytes,
                                    std::chrono::steady_clock::time_point intended,
                                    std::chrono::steady_clock::time_point start);

}  // namespace httpbench
