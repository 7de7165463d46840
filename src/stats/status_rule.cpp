#include "httpbench/stats/status_rule.hpp"

#include <charconv>
#include <optional>

#include <fmt/format.h>

#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

// A status 100..999 written in full; nullopt otherwise.
std::optional<unsigned> parse_status(std::string_view text) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.size() != 3 || ec != std::errc{} || ptr != text.data() + text.size() || value < 100) {
    return std::nullopt;
  }
  return value;
}

[[noreturn]] void bad_item(std::string_view item) {
  throw UsageError(fmt::format(
      "--ok-status: invalid item '{}': use statuses 100-999, ranges like 200-299, or classes like "
      "2xx, separated by commas",
      item));
}

}  // namespace

StatusRule::StatusRule() {
  for (unsigned s = 200; s < 400; ++s)
    ok_.set(s);
}

StatusRule StatusRule::parse(std::string_view list) {
  StatusRule rule;
  rule.ok_.reset();
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const std::size_t comma = std::min(list.find(',', pos), list.size());
    const std::string_view item = trim(list.substr(pos, comma - pos));
    pos = comma + 1;
    unsigned first = 0;
    unsigned last = 0;
    if (item.size() == 3 && (item[1] == 'x' || item[1] == 'X') &&
        (item[2] == 'x' || item[2] == 'X') && item[0] >= '1' && item[0] <= '9') {
      first = static_cast<unsigned>(item[0] - '0') * 100;
      last = first + 99;
    } else if (const std::size_t dash = item.find('-'); dash != std::string_view::npos) {
      const auto a = parse_status(trim(item.substr(0, dash)));
      const auto b = parse_status(trim(item.substr(dash + 1)));
      if (!a || !b || *a > *b) bad_item(item);
      first = *a;
      last = *b;
    } else if (const auto s = parse_status(item)) {
      first = last = *s;
    } else {
      bad_item(item);
    }
    for (unsigned s = first; s <= last; ++s)
      rule.ok_.set(s);
  }
  return rule;
}

std::string StatusRule::describe() const {
  std::string out;
  for (unsigned s = 0; s < kSlots; ++s) {
    if (!ok_[s]) continue;
    unsigned e = s;
    while (e + 1 < kSlots && ok_[e + 1])
      ++e;
    out += fmt::format("{}{}", out.empty() ? "" : ",", s);
    if (e > s) out += fmt::format("-{}", e);
    s = e;
  }
  return out;
}

}  // namespace httpbench
