#include "httpbench/codec/url.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "httpbench/codec/url_host.hpp"

#include "httpbench/stats/error.hpp"

namespace httpbench {

std::string Target::host_header() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string h = ipv6 ? fmt::format("[{}]", host) : host;
  const bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
  if (!default_port) h += fmt::format(":{}", port);
  return h;
}

std::string Target::url() const {
  return fmt::format("{}://{}{}", scheme, host_header(), target);
}

std::optional<std::string> url_host(const boost::urls::url_view& u) {
  switch (u.host_type()) {
    case boost::urls::host_type::ipv6:
      return u.host_ipv6_address().to_string();
    case boost::urls::host_type::ipv4:
      return u.host_ipv4_address().to_string();
    case boost::urls::host_type::name:
      return std::string(u.host_name());
    default:
      return std::nullopt;
  }
}

namespace {

constexpr std::string_view kUrlForm = "expected http://HOST[:PORT][/PATH] or https://...";

// Parses `raw` as an absolute http(s) URL; `shown` is what error messages print. Userinfo is
// returned in `credentials` when it is not null, refused otherwise.
Target parse_http_url(std::string_view raw, const std::string& shown,
                      std::optional<std::string>* credentials) {
  auto parsed = boost::urls::parse_absolute_uri(raw);
  if (!parsed) {
    const bool blank = std::any_of(raw.begin(), raw.end(), [](char c) {
      return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
    });
    throw UsageError(fmt::format("malformed URL '{}': {}", shown,
                                 blank ? "spaces and control characters must be percent-encoded "
                                         "(a space is %20)"
                                       : kUrlForm));
  }
  const boost::urls::url_view& u = *parsed;
  Target t;
  t.scheme = u.scheme();
  for (char& c : t.scheme)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t.scheme != "http" && t.scheme != "https") {
    throw UsageError(
        fmt::format("unsupported scheme '{}' in '{}': use http:// or https://", t.scheme, shown));
  }
  t.port = t.scheme == "https" ? 443 : 80;
  if (!u.has_authority() || u.host().empty()) {
    throw UsageError(fmt::format("malformed URL '{}': no host ({})", shown, kUrlForm));
  }
  if (u.has_userinfo()) {
    if (!credentials) {
      throw UsageError(
          fmt::format("malformed URL '{}': credentials in the URL are not supported here", shown));
    }
    // Decoded, as curl does: "al%40ice:pw" is the user "al@ice".
    *credentials = fmt::format("{}:{}", u.user(), u.password());
  }
  std::optional<std::string> host = url_host(u);
  if (!host) throw UsageError(fmt::format("malformed URL '{}': unsupported host form", shown));
  t.host = std::move(*host);
  if (u.has_port()) {
    if (u.port().empty() || u.port_number() == 0 || u.port() != std::to_string(u.port_number())) {
      throw UsageError(fmt::format("malformed URL '{}': invalid port '{}': use 1..65535", shown,
                                   std::string_view(u.port())));
    }
    t.port = u.port_number();
  }
  std::string_view path = u.encoded_path();
  t.target = path.empty() ? "/" : std::string(path);
  if (u.has_query()) {
    t.target += '?';
    t.target += std::string_view(u.encoded_query());
  }
  return t;
}

bool starts_with_http_scheme(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  std::string scheme(text.substr(0, colon));
  for (char& c : scheme)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "http" || scheme == "https";
}

}  // namespace

Target parse_target(std::string_view raw) {
  return parse_http_url(raw, redact_for_display(raw), nullptr);
}

Target parse_target_argument(std::string_view raw, std::optional<std::string>& credentials) {
  const std::string shown = redact_for_display(raw);
  if (raw.find("://") != std::string_view::npos) return parse_http_url(raw, shown, &credentials);
  // "http:/host" or "https:host": a scheme with its slashes missing, not a host named http.
  if (starts_with_http_scheme(raw)) {
    throw UsageError(fmt::format("malformed URL '{}': {}", shown, kUrlForm));
  }
  // curl's rule: no scheme means http.
  return parse_http_url(fmt::format("http://{}", raw), shown, &credentials);
}

}  // namespace httpbench
