// Small building blocks of the HTML report's inline SVG charts: XML escaping, linear and log
// scales with readable ticks, and the style (colour, dash pattern, marker) of each series. Pure
// string and number work, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace httpbench::svg {

// `text` safe inside XML text and double-quoted attribute values.
std::string escape(std::string_view text);

// A coordinate with one decimal: "12.3".
std::string coord(double v);

// Maps a domain [d0, d1] onto pixels [r0, r1], linearly or by log10 (then d0 > 0).
struct Scale {
  double d0 = 0, d1 = 1;
  double r0 = 0, r1 = 1;
  bool log = false;

  // Values outside the domain map outside the range; log scales clamp values <= 0 to d0.
  double operator()(double v) const;
};

struct Tick {
  double value = 0;
  std::string label;
};

// Ticks at 1, 2 or 5 x 10^k steps, about `target` of them, covering [lo, hi]; `unit` is
// appended to each label. `hi` becomes the last tick at or above it, so the caller can extend its
// domain to `ticks.back().value`.
std::vector<Tick> linear_ticks(double lo, double hi, int target, std::string_view unit = "");

// Ticks at 1, 2, 3, 5 and 7 x 10^k inside [lo, hi] (lo > 0) over about a decade, 1, 2 and 5 up
// to four decades, powers of ten only past that; labels like "0.5", "20", "1000" with `unit`.
std::vector<Tick> log_ticks(double lo, double hi, std::string_view unit = "");

// How one series is drawn: told apart by colour, dash pattern and marker shape, so charts stay
// readable in black and white print and for colour-blind readers (Okabe-Ito palette).
struct SeriesStyle {
  // CSS colour.
  std::string_view colour;
  // stroke-dasharray, empty for a solid line.
  std::string_view dash;
  // "circle", "square", "triangle", "diamond", "down", "plus".
  std::string_view marker;
};

const SeriesStyle& series_style(std::size_t index);

// A marker of `style` centred on (x, y) with half-size `r`; `attributes` (e.g. data-*) are added
// to the element as given (already escaped).
std::string marker(const SeriesStyle& style, double x, double y, double r,
                   std::string_view attributes);

}  // namespace httpbench::svg
