// Following redirects: which responses redirect, where to, and the request that follows.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "httpbench/codec/http1.hpp"
#include "httpbench/codec/url.hpp"
#include "httpbench/connection/client_config.hpp"
#include "httpbench/connection/resolve.hpp"

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
  // The request, with the Host header and origin-form target of the hop's origin.
  PreparedRequest request;
  // It leaves the origin of the response that redirected.
  bool cross_origin = false;
  // It goes to the run's target origin, over the client's own connection.
  bool target_origin = true;
};

// Builds the requests that follow redirects for one run; shared, read-only, by all clients.
class RedirectPolicy {
 public:
  // Redirects to the run's `target` origin are followed up to `limit` per request; redirects to
  // other origins too with `cross_origin` (--follow-cross-origin), resolved with `resolve` and
  // verified unless `verify_host` is false.
  RedirectPolicy(Target target, unsigned limit, bool cross_origin,
                 std::vector<ResolveOverride> resolve, bool verify_host)
      : target_(std::move(target)),
        limit_(limit),
        cross_origin_(cross_origin),
        resolve_(std::move(resolve)),
        verify_host_(verify_host) {}

  // Redirects followed per request at most (0: redirects are results).
  unsigned limit() const { return limit_; }
  // --follow-cross-origin: redirects to other origins are followed too.
  bool cross_origin() const { return cross_origin_; }
  // For hops to other origins: --resolve, and whether certificates and host names are verified.
  const std::vector<ResolveOverride>& resolve_overrides() const { return resolve_; }
  bool verify_host() const { return verify_host_; }

  // The hop that follows a `status` redirect to `location`, received in answer to `current`, of a
  // chain that began with `original`; or nullopt when it is not followed (another origin without
  // --follow-cross-origin, or a Location that is not a URL). 307 and 308 keep the method and body;
  // 301, 302 and 303 turn into a GET without a body, as browsers and curl do. The hop carries the
  // original request's headers; one away from the target's origin carries no credentials
  // (Authorization, Proxy-Authorization and Cookie), as in curl, and says `Connection: close`.
  // `other_origin_refused`, when given, is set when the hop was not followed only for want of
  // --follow-cross-origin.
  std::optional<RedirectHop> follow(unsigned status, std::string_view location,
                                    const RequestSpec& current, const RequestSpec& original,
                                    bool* other_origin_refused = nullptr) const;

 private:
  Target target_;
  unsigned limit_;
  bool cross_origin_;
  std::vector<ResolveOverride> resolve_;
  bool verify_host_;
};

// The request of one exchange and the redirects it may still follow. Without --follow it only
// hands out the run's request (of request line `line` with --urls), so the common case allocates
// nothing.
class RedirectChain {
 public:
  RedirectChain(const ClientConfig& config, std::size_t line)
      : policy_(config.redirects.get()),
        original_(&config.request_for(line)),
        request_(original_),
        left_(policy_ ? policy_->limit() : 0) {}

  // The request to send next: its description, and its bytes for HTTP/1.x.
  const PreparedRequest& request() const { return *request_; }
  // The origin request() goes to when it is not the run's target (--follow-cross-origin), with
  // its request target; null when it goes to the target's origin over the client's connection.
  const Target* away() const { return away_ ? &request_->spec.target : nullptr; }
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
    auto next = policy_->follow(status, location, request_->spec, original_->spec, &other_origin);
    if (!next) return other_origin ? Step::other_origin : Step::result;
    --left_;
    next_ = std::move(next->request);
    request_ = &*next_;
    crossed_ = next->cross_origin;
    away_ = !next->target_origin;
    return Step::follow;
  }

 private:
  const RedirectPolicy* policy_;
  const PreparedRequest* original_;
  const PreparedRequest* request_;
  // The hop's request once a redirect is followed; empty (and never allocated) otherwise.
  std::optional<PreparedRequest> next_;
  unsigned left_;
  bool away_ = false;
  bool crossed_ = false;
};

}  // namespace httpbench
