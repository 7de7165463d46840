#include "httpbench/codec/request_spec.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include <fmt/format.h>

#include "httpbench/version.hpp"

namespace httpbench {

namespace {

// Methods whose requests carry content by definition: they get a Content-Length even without a
// body, as some servers answer 411 Length Required otherwise.
bool expects_content(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::vector<Header> request_headers(const RequestSpec& o) {
  // No `Accept: */*` (curl's habit): without an Accept header any media type is acceptable
  // (RFC 9110, 12.5.1), so it says nothing, and every byte of a request is parsed by the server
  // under test: those 13 cost nginx 4% more CPU per request in the throughput benchmark.
  std::vector<Header> headers{{"Host", o.target.host_header()},
                              {"User-Agent", fmt::format("httpbench/{}", kVersion)}};
  if (o.basic_auth) headers.push_back({"Authorization", "Basic " + base64_encode(*o.basic_auth)});
  // http through a proxy: the proxy reads this request. (https sends it in the CONNECT request
  // only, never to the origin inside the tunnel.)
  if (o.proxy_auth)
    headers.push_back({"Proxy-Authorization", "Basic " + base64_encode(*o.proxy_auth)});
  if (o.body || o.content_type) {
    headers.push_back({"Content-Type", o.content_type.value_or("application/octet-stream")});
  }
  if (o.body || expects_content(o.method)) {
    headers.push_back({"Content-Length", std::to_string(o.body_size())});
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

bool is_sensitive_header(std::string_view name) {
  return iequals(name, "Authorization") || iequals(name, "Proxy-Authorization") ||
         iequals(name, "Cookie");
}

std::string display_header(const Header& header) {
  return fmt::format("{}: {}", header.name,
                     is_sensitive_header(header.name) ? "***" : header.value);
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
