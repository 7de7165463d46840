#include "httpbench/codec/request.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "httpbench/stats/error.hpp"
#include "httpbench/version.hpp"

namespace httpbench {

namespace {

constexpr std::array<std::string_view, 7> kMethods = {"GET",   "HEAD",   "POST",   "PUT",
                                                      "PATCH", "DELETE", "OPTIONS"};

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

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

// Methods whose requests carry content by definition: they get a Content-Length even without a
// body, as some servers answer 411 Length Required otherwise.
bool expects_content(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
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

std::vector<Header> request_headers(const Options& o) {
  // No `Accept: */*` (curl's habit): without an Accept header any media type is acceptable
  // (RFC 9110, 12.5.1), so it says nothing, and every byte of a request is parsed by the server
  // under test: those 13 cost nginx 4% more CPU per request in the throughput benchmark.
  std::vector<Header> headers{{"Host", o.target.host_header()},
                              {"User-Agent", fmt::format("httpbench/{}", kVersion)}};
  if (o.basic_auth) headers.push_back({"Authorization", "Basic " + base64_encode(*o.basic_auth)});
  // http through a proxy: the proxy reads this request. (https sends it in the CONNECT request
  // only, never to the origin inside the tunnel.)
  if (o.proxy && o.proxy_user && o.target.scheme == "http") {
    headers.push_back({"Proxy-Authorization", "Basic " + base64_encode(*o.proxy_user)});
  }
  if (o.body || o.content_type) {
    headers.push_back({"Content-Type", o.content_type.value_or("application/octet-stream")});
  }
  if (o.body || expects_content(o.method)) {
    headers.push_back({"Content-Length", std::to_string(o.body ? o.body->size() : 0)});
  }
  // HTTP/1.1 keeps connections alive unless told otherwise; HTTP/1.0 closes unless asked to keep.
  if (!o.http10 && !o.keep_alive) headers.push_back({"Connection", "close"});
  if (o.http10 && o.keep_alive) headers.push_back({"Connection", "keep-alive"});
  const std::size_t defaults = headers.size();
  std::vector<bool> replaced(defaults, false);
  for (const Header& h : o.headers) {
    std::size_t i = 0;
    while (i < defaults && (replaced[i] || !iequals(headers[i].name, h.name)))
      ++i;
    if (i < defaults) {
      headers[i] = h;
      replaced[i] = true;
    } else {
      headers.push_back(h);
    }
  }
  // `-H 'User-Agent:'` leaves a default out, as in curl: the server under test parses every header
  // of every request (nginx: about 1,300 instructions per request for `User-Agent:
  // httpbench/0.1.0`, counted with callgrind), and a request without one is what wrk sends.
  for (std::size_t i = defaults; i-- > 0;) {
    if (replaced[i] && headers[i].value.empty())
      headers.erase(headers.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return headers;
}

std::string serialize_request(const Options& options) {
  const std::vector<Header> headers = request_headers(options);
  // http through a proxy: absolute-form (RFC 9112 3.2.2), so the proxy knows where to forward.
  const bool absolute_form = options.proxy && options.target.scheme == "http";
  std::string out = fmt::format("{} {} HTTP/{}\r\n", options.method,
                                absolute_form ? options.target.url() : options.target.target,
                                options.http10 ? "1.0" : "1.1");
  for (const Header& h : headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  out += "\r\n";
  if (options.body) out += *options.body;
  return out;
}

bool is_sensitive_header(std::string_view name) {
  return iequals(name, "Authorization") || iequals(name, "Proxy-Authorization") ||
         iequals(name, "Cookie");
}

std::string display_header(const Header& header) {
  return fmt::format("{}: {}", header.name,
                     is_sensitive_header(header.name) ? "***" : header.value);
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

std::string base64_encode(std::string_view data) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto byte = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(data[i]));
  };
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int shift : {18, 12, 6, 0})
      out += kAlphabet[(n >> shift) & 63];
  }
  // The last one or two bytes make two or three characters, padded to four with '='.
  if (const std::size_t rest = data.size() - i; rest > 0) {
    const std::uint32_t n = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace httpbench
