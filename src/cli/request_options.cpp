#include "httpbench/cli/request_options.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "httpbench/codec/http1.hpp"
#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace {

constexpr std::array<std::string_view, 7> kMethods = {"GET",   "HEAD",   "POST",   "PUT",
                                                      "PATCH", "DELETE", "OPTIONS"};

// RFC 9110 token: the only characters a header name may have.
bool is_token(std::string_view s) {
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kSpecials.find(c) != kSpecials.npos;
  });
}

// CR or LF would end the header early and let a value smuggle in headers of its own; other
// control characters (but tab) are not allowed in a field value either.
bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7f;
  });
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == s.npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::string normalize_method(std::string_view method) {
  std::string upper(method);
  for (char& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (std::find(kMethods.begin(), kMethods.end(), upper) == kMethods.end()) {
    // The value is echoed only when it cannot break the one-line message.
    const std::string shown = has_control(method) ? std::string() : fmt::format(" '{}'", method);
    throw UsageError(
        fmt::format("unknown method{}: use GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS", shown));
  }
  return upper;
}

Header parse_header(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == text.npos) throw UsageError("malformed header: expected 'Name: value'");
  if (colon == 0) throw UsageError("malformed header: empty name before ':'");
  return {std::string(text.substr(0, colon)), std::string(trim(text.substr(colon + 1)))};
}

void validate_request(const Options& o) {
  if (std::find(kMethods.begin(), kMethods.end(), o.method) == kMethods.end()) {
    normalize_method(o.method);  // throws the message for an unknown method
    throw UsageError("--method: must be upper case");
  }
  for (const Header& h : o.headers) {
    if (!is_token(h.name)) {
      throw UsageError(
          "--header: malformed header name: use letters, digits and !#$%&'*+-.^_`|~ before ':'");
    }
    if (iequals(h.name, "Host") && h.value.empty() && !o.http10) {
      throw UsageError(
          "--header 'Host:': HTTP/1.1 requires a Host header; use --http1.0 to leave it out");
    }
    if (has_control(h.value)) {
      throw UsageError(
          fmt::format("--header '{}': the value contains CR, LF or another control "
                      "character",
                      h.name));
    }
    if (iequals(h.name, "Content-Length") || iequals(h.name, "Transfer-Encoding")) {
      throw UsageError(fmt::format(
          "--header '{}': httpbench frames the body itself (--body, --body-file)", h.name));
    }
  }
  if (o.content_type && has_control(*o.content_type)) {
    throw UsageError("--content-type: contains CR, LF or another control character");
  }
  if (o.basic_auth && o.basic_auth->find(':') == std::string::npos) {
    throw UsageError("--basic-auth: expected user:password");
  }
}

RequestSpec request_spec(const Options& o) {
  RequestSpec spec;
  spec.method = o.method;
  spec.target = o.target;
  spec.headers = o.headers;
  if (o.body) spec.body = std::make_shared<const std::string>(*o.body);
  spec.content_type = o.content_type;
  spec.basic_auth = o.basic_auth;
  // http through a proxy: the proxy reads this request. (https sends the proxy's credentials in
  // the CONNECT request only, never to the origin inside the tunnel.)
  const bool via_proxy = o.proxy && o.target.scheme == "http";
  if (via_proxy) spec.proxy_auth = o.proxy_user;
  // Absolute form (RFC 9112 3.2.2), so the proxy knows where to forward.
  spec.absolute_form = via_proxy;
  spec.http10 = o.http10;
  spec.keep_alive = o.keep_alive;
  return spec;
}

RequestSpec request_spec(const Options& o, const RequestLine& line) {
  RequestSpec spec = request_spec(o);
  spec.method = line.method;
  spec.target = line.target;
  spec.body = line.body ? std::make_shared<const std::string>(*line.body) : nullptr;
  return spec;
}

std::vector<Header> request_headers(const Options& options) {
  return request_headers(request_spec(options));
}

std::string serialize_request(const Options& options) {
  return serialize_http1(request_spec(options));
}

std::string read_body_file(const std::string& path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) {
    throw UsageError(fmt::format("cannot read --body-file '{}': {}", path, std::strerror(errno)));
  }
  std::string body;
  std::array<char, 64 * 1024> chunk;
  std::size_t n = 0;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), file.get())) > 0)
    body.append(chunk.data(), n);
  // A directory opens but fails on the first read (EISDIR).
  if (std::ferror(file.get())) {
    throw UsageError(fmt::format("cannot read --body-file '{}': {}", path, std::strerror(errno)));
  }
  return body;
}

}  // namespace httpbench
