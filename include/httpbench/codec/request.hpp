// Layer codec/: HTTP on the wire: the request described once and serialised, the response read
// into a Transfer. It may use stats (error categories, the clock) and nothing else.
//
// The request a run sends, serialised once and reused for every request.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "httpbench/cli/options.hpp"

namespace httpbench {

// The request bytes for `options`: the request line, request_headers(), and the body.
std::string serialize_request(const Options& options);

// The headers sent, in order: Host, User-Agent, Accept, Authorization (--basic-auth),
// Proxy-Authorization (--proxy-user, http targets through a proxy), Content-Type, Content-Length,
// Connection (as keep-alive and the HTTP version need), then the -H headers. A -H header with the
// name of one of these (any case) takes its place instead.
std::vector<Header> request_headers(const Options& options);

// Splits -H text "Name: value" and trims the value. Throws UsageError on a missing colon or an
// empty name; the message never repeats the text, which may hold a credential.
Header parse_header(std::string_view text);

// Throws UsageError for a request no server should be sent: an unknown method, a header name that
// is not an HTTP token, CR, LF or NUL in a value, a -H Content-Length or Transfer-Encoding (the
// body's framing is ours), a --basic-auth without a colon.
void validate_request(const Options& options);

// Upper-cases `method` and checks it is one httpbench sends. Throws UsageError.
std::string normalize_method(std::string_view method);

// True for headers whose values are credentials: Authorization, Proxy-Authorization, Cookie.
bool is_sensitive_header(std::string_view name);

// "Name: value" for reports, the value replaced by "***" when the header is sensitive.
std::string display_header(const Header& header);

// Reads --body-file once, whole. Throws UsageError naming the file when it cannot be read.
std::string read_body_file(const std::string& path);

// RFC 4648 base64 with padding, for Authorization: Basic.
std::string base64_encode(std::string_view data);

}  // namespace httpbench
