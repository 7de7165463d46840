// --urls FILE: several requests to one origin, sent round-robin, with results per request line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "httpbench/codec/url.hpp"

namespace httpbench {

// One line of the file: "[METHOD] URL [BODY_FILE]".
struct RequestLine {
  // Upper case; GET when the line gives none.
  std::string method = "GET";
  Target target;
  // The body file's content, read once while parsing.
  std::optional<std::string> body;
  // "METHOD URL" for reports.
  std::string label() const;
};

// Parses the text of a --urls file: one request per line, blank lines and lines starting with #
// skipped. Every URL must share the first one's origin (scheme, host and port): the connections
// are to one server. Body file paths are relative to `base_dir`. Throws UsageError naming the
// line.
std::vector<RequestLine> parse_request_lines(std::string_view text, const std::string& base_dir);

// Reads and parses a --urls file. Throws UsageError naming the file.
std::vector<RequestLine> read_request_lines(const std::string& path);

}  // namespace httpbench
