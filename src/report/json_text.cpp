#include "httpbench/report/json_text.hpp"

#include <cmath>
#include <iterator>
#include <string>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace httpbench {

namespace json = boost::json;

namespace {

// The shortest text that reads back as `v`; fixed notation where that would need an exponent.
void write_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    fmt::format_to(std::back_inserter(out), "{:.0f}", v);
    return;
  }
  const std::string text = fmt::format("{}", v);
  const std::size_t e = text.find_first_of("eE");
  if (e == std::string::npos) {
    out += text;
    return;
  }
  // "-1.5e-07": the shortest digits that read back as `v`, moved past the decimal point by hand.
  std::string digits;
  const bool negative = text.front() == '-';
  for (std::size_t i = negative ? 1 : 0; i < e; ++i)
    if (text[i] != '.') digits += text[i];
  const int exponent = std::stoi(text.substr(e + 1));
  if (negative) out += '-';
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exponent - 1), '0');
    out += digits;
  } else {
    const auto whole = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= whole) {
      out += digits;
      out.append(whole - digits.size(), '0');
    } else {
      out += digits.substr(0, whole);
      out += '.';
      out += digits.substr(whole);
    }
  }
}

void write(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_:
      write_double(out, v.get_double());
      return;
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(json::value(key));
        out += ':';
        write(out, item);
      }
      out += '}';
      return;
    }
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write(out, item);
      }
      out += ']';
      return;
    }
    default:
      out += json::serialize(v);
      return;
  }
}

}  // namespace

std::string to_json_text(const json::value& value) {
  std::string out;
  write(out, value);
  return out;
}

}  // namespace httpbench
