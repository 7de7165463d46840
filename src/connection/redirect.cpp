#include "httpbench/connection/redirect.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "httpbench/codec/request.hpp"
#include "httpbench/codec/transfer.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/recorder.hpp"

namespace httpbench {

RedirectPolicy::RedirectPolicy(const Options& options)
    : options_(options), limit_(options.follow_redirects) {}

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

std::optional<RedirectHop> RedirectPolicy::follow(unsigned status, std::string_view location,
                                                  const Target* from,
                                                  bool* other_origin_refused) const {
  if (limit_ == 0 || !is_redirect_status(status) || location.empty()) return std::nullopt;
  const Target& origin = from ? *from : options_.target;
  Options next = options_;
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
    if (hop.cross_origin && !options_.follow_cross_origin) {
      if (other_origin_refused) *other_origin_refused = true;
      return std::nullopt;
    }
  }
  hop.target_origin = same_origin(next.target, options_.target);
  if (!hop.target_origin) {
    // Credentials are for the target's origin only.
    next.basic_auth.reset();
    std::erase_if(next.headers, [](const Header& h) { return is_sensitive_header(h.name); });
    // The hop's connection is closed after its response: saying so lets the server close first,
    // and the TIME_WAIT stays on its side (server_close.hpp).
    next.keep_alive = false;
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
  hop.request = serialize_request(next);
  hop.target = std::move(next.target);
  return hop;
}

std::optional<bool> settle_response(RedirectChain& chain, Recorder& recorder, std::size_t line,
                                    const Transfer& t, std::uint64_t bytes,
                                    Clock::time_point intended, Clock::time_point start) {
  switch (chain.advance(t.status, t.location)) {
    case RedirectChain::Step::follow:
      recorder.record_redirect(chain.crossed());
      return std::nullopt;
    case RedirectChain::Step::too_many:
      if (recorder.first_error(ErrorKind::redirect).empty()) {
        recorder.record_failure(
            ErrorKind::redirect,
            fmt::format("too many redirects: status {} after --follow {} hops (a redirect loop?)",
                        t.status, chain.limit()));
      } else {
        recorder.record_failure(ErrorKind::redirect, {});
      }
      return false;
    case RedirectChain::Step::other_origin:
      recorder.record_unfollowed_cross_origin();
      break;
    case RedirectChain::Step::result:
      break;
  }
  return recorder.record_final_response(line, t, bytes, intended, start);
}

}  // namespace httpbench
