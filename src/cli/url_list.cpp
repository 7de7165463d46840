#include "httpbench/cli/url_list.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "httpbench/cli/request_options.hpp"
#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace {

// More lines than this is a data set, not a benchmark mix; each line costs memory per worker.
constexpr std::size_t kMaxLines = 10'000;

std::vector<std::string> words_of(std::string_view line) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  for (std::string w; in >> w;)
    words.push_back(w);
  return words;
}

bool same_origin(const Target& a, const Target& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port;
}

}  // namespace

std::string RequestLine::label() const {
  return fmt::format("{} {}", method, target.url());
}

std::vector<RequestLine> parse_request_lines(std::string_view text, const std::string& base_dir) {
  std::vector<RequestLine> lines;
  std::size_t number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::vector<std::string> words = words_of(line);
    if (words.empty() || words.front().front() == '#') continue;
    try {
      if (words.size() > 3) throw UsageError("expected [METHOD] URL [BODY_FILE]");
      RequestLine r;
      const bool has_method = words.front().find("://") == std::string::npos;
      if (has_method) r.method = normalize_method(words.front());
      const std::size_t url_at = has_method ? 1 : 0;
      if (url_at >= words.size()) throw UsageError("missing URL");
      r.target = parse_target(words[url_at]);
      if (url_at + 1 < words.size()) {
        const std::filesystem::path file(words[url_at + 1]);
        r.body = read_body_file(
            file.is_absolute() ? file.string() : (std::filesystem::path(base_dir) / file).string());
      }
      if (url_at + 2 < words.size()) throw UsageError("expected [METHOD] URL [BODY_FILE]");
      if (!lines.empty() && !same_origin(lines.front().target, r.target)) {
        throw UsageError(fmt::format(
            "{} is not on {}://{}: every URL must share the first one's origin (one server, one "
            "set of connections)",
            redact_for_display(words[url_at]), lines.front().target.scheme,
            lines.front().target.host_header()));
      }
      lines.push_back(std::move(r));
      if (lines.size() > kMaxLines) {
        throw UsageError(fmt::format("more than {} requests", kMaxLines));
      }
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("line {}: {}", number, e.what()));
    }
  }
  if (lines.empty()) throw UsageError("no requests (one per line: [METHOD] URL [BODY_FILE])");
  return lines;
}

std::vector<RequestLine> read_request_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("--urls: cannot read '{}'", path));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw UsageError(fmt::format("--urls: cannot read '{}'", path));
  try {
    const std::filesystem::path base = std::filesystem::path(path).parent_path();
    return parse_request_lines(text, base.empty() ? std::string(".") : base.string());
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("--urls '{}': {}", path, e.what()));
  }
}

}  // namespace httpbench
