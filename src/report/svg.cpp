#include "httpbench/report/svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace httpbench::svg {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // Control characters are not allowed in XML 1.0 at all.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string coord(double v) {
  if (!std::isfinite(v)) v = 0;
  // "-0.0" reads oddly; everything else keeps one decimal.
  std::string s = fmt::format("{:.1f}", v);
  return s == "-0.0" ? "0.0" : s;
}

double Scale::operator()(double v) const {
  double t = 0;
  if (log) {
    const double lo = std::log10(d0);
    const double hi = std::log10(d1);
    const double x = std::log10(std::max(v, d0));
    t = hi > lo ? (x - lo) / (hi - lo) : 0.5;
  } else {
    t = d1 > d0 ? (v - d0) / (d1 - d0) : 0.5;
  }
  return r0 + t * (r1 - r0);
}

namespace {

// Shortest label for a tick value on a step of `step`.
std::string tick_label(double value, double step, std::string_view unit) {
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return fmt::format("{:.{}f}{}", value, std::max(0, decimals), unit);
}

}  // namespace

std::vector<Tick> linear_ticks(double lo, double hi, int target, std::string_view unit) {
  if (!(hi > lo)) hi = lo + 1;
  const double raw = (hi - lo) / std::max(1, target);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<Tick> ticks;
  const double first = std::floor(lo / step + 1e-9) * step;
  for (int i = 0; i < 100; ++i) {
    const double v = first + i * step;
    // -0 prints as "-0".
    const double value = std::abs(v) < step * 1e-9 ? 0.0 : v;
    ticks.push_back({value, tick_label(value, step, unit)});
    if (v >= hi - step * 1e-9) break;
  }
  return ticks;
}

std::vector<Tick> log_ticks(double lo, double hi, std::string_view unit) {
  std::vector<Tick> ticks;
  if (!(lo > 0) || !(hi > lo)) return ticks;
  const int first = static_cast<int>(std::floor(std::log10(lo)));
  const int last = static_cast<int>(std::ceil(std::log10(hi)));
  // Within a decade or so 1, 2, 3, 5 and 7; up to four decades 1, 2 and 5; past that the powers
  // of ten only, so the labels never crowd.
  const double decades = std::log10(hi / lo);
  for (int e = first; e <= last; ++e) {
    for (double m : {1.0, 2.0, 3.0, 5.0, 7.0}) {
      if (decades > 4 && m != 1.0) continue;
      if (decades > 1.3 && (m == 3.0 || m == 7.0)) continue;
      const double v = m * std::pow(10.0, e);
      if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
      ticks.push_back({v, fmt::format("{:.{}f}{}", v, e < 0 ? -e : 0, unit)});
    }
  }
  return ticks;
}

const SeriesStyle& series_style(std::size_t index) {
  // Okabe-Ito colours (blue, vermillion, bluish green, reddish purple, orange, sky blue, black),
  // each with its own dash pattern and marker.
  static const std::array<SeriesStyle, 7> styles{{
      {"#0072B2", "", "circle"},
      {"#D55E00", "7 4", "square"},
      {"#009E73", "2 3", "triangle"},
      {"#CC79A7", "9 3 2 3", "diamond"},
      {"#E69F00", "4 4", "down"},
      {"#56B4E9", "1 3", "plus"},
      {"#000000", "12 4", "circle"},
  }};
  return styles[index % styles.size()];
}

std::string marker(const SeriesStyle& style, double x, double y, double r,
                   std::string_view attributes) {
  const std::string sep = attributes.empty() ? "" : " ";
  const std::string paint = fmt::format(R"(fill="{}" stroke="{}")", style.colour, style.colour);
  if (style.marker == "circle") {
    return fmt::format(R"(<circle class="mark" cx="{}" cy="{}" r="{}" {}{}{}/>)", coord(x),
                       coord(y), coord(r), paint, sep, attributes);
  }
  std::string d;
  if (style.marker == "square") {
    d = fmt::format("M{} {}h{}v{}h{}z", coord(x - r), coord(y - r), coord(2 * r), coord(2 * r),
                    coord(-2 * r));
  } else if (style.marker == "triangle") {
    d = fmt::format("M{} {}L{} {}L{} {}z", coord(x), coord(y - r * 1.2), coord(x + r * 1.1),
                    coord(y + r * 0.9), coord(x - r * 1.1), coord(y + r * 0.9));
  } else if (style.marker == "down") {
    d = fmt::format("M{} {}L{} {}L{} {}z", coord(x), coord(y + r * 1.2), coord(x + r * 1.1),
                    coord(y - r * 0.9), coord(x - r * 1.1), coord(y - r * 0.9));
  } else if (style.marker == "diamond") {
    d = fmt::format("M{} {}L{} {}L{} {}L{} {}z", coord(x), coord(y - r * 1.3), coord(x + r),
                    coord(y), coord(x), coord(y + r * 1.3), coord(x - r), coord(y));
  } else {
    // plus
    const double w = r * 0.45;
    d = fmt::format("M{} {}h{}v{}h{}v{}h{}v{}h{}v{}h{}v{}h{}z", coord(x - w), coord(y - r),
                    coord(2 * w), coord(r - w), coord(r - w), coord(2 * w), coord(w - r),
                    coord(r - w), coord(-2 * w), coord(w - r), coord(w - r), coord(-2 * w),
                    coord(r - w));
  }
  return fmt::format(R"(<path class="mark" d="{}" {}{}{}/>)", d, paint, sep, attributes);
}

}  // namespace httpbench::svg
