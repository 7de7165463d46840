// The request options of the command line (-X, -H, --body, --basic-auth, ...): checked, then
// turned into the RequestSpec that the codecs serialise, once before the run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "httpbench/cli/options.hpp"
#include "httpbench/codec/request_spec.hpp"

namespace httpbench {

// The request `options` describe (the first --urls line's, with --urls).
RequestSpec request_spec(const Options& options);
// The request of one --urls line: its method, target and body, with the run's headers.
RequestSpec request_spec(const Options& options, const RequestLine& line);

// request_headers() and the HTTP/1.1 bytes of request_spec(options): for reports and tests.
std::vector<Header> request_headers(const Options& options);
std::string serialize_request(const Options& options);

// Splits -H text "Name: value" and trims the value. Throws UsageError on a missing colon or an
// empty name; the message never repeats the text, which may hold a credential.
Header parse_header(std::string_view text);

// Throws UsageError for a request no server should be sent: an unknown method, a header name that
// is not an HTTP token, CR, LF or NUL in a value, a -H Content-Length or Transfer-Encoding (the
// body's framing is ours), a --basic-auth without a colon.
void validate_request(const Options& options);

// Upper-cases `method` and checks it is one httpbench sends. Throws UsageError.
std::string normalize_method(std::string_view method);

// Reads --body-file once, whole. Throws UsageError naming the file when it cannot be read.
std::string read_body_file(const std::string& path);

}  // namespace httpbench
