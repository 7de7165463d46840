#include "httpbench/report/chart.hpp"

namespace httpbench::chart {

using svg::escape;

void open_chart(Out out, std::string_view id, std::string_view title, const Frame& f,
                const Axes& a) {
  fmt::format_to(out,
                 R"(<svg class="chart" id="chart-{0}" xmlns="http://www.w3.org/2000/svg" )"
                 R"(viewBox="0 0 {1} {2}" width="{1}" height="{2}" role="img" )"
                 R"(aria-labelledby="title-{0}" data-x-label="{3}" data-y-label="{4}">)"
                 "\n<title id=\"title-{0}\">{5}</title>\n",
                 id, f.width, f.height, escape(a.x_label), escape(a.y_label), escape(title));
  fmt::format_to(out,
                 R"(<defs><clipPath id="clip-{}"><rect x="{}" y="{}" width="{}" height="{}"/>)"
                 "</clipPath></defs>\n",
                 id, svg::coord(f.left - 8), svg::coord(f.top - 8),
                 svg::coord(f.plot_right() - f.left + 8 + f.right - 2),
                 svg::coord(f.plot_bottom() - f.top + 16));
  fmt::format_to(out, R"(<g class="axes" font-family="sans-serif" font-size="12" fill="#222">)"
                      "\n");
  for (const svg::Tick& t : a.y_ticks) {
    const double y = a.y(t.value);
    fmt::format_to(out,
                   R"(<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>)"
                   R"(<text class="tick y-tick" x="{}" y="{}" text-anchor="end">{}</text>)"
                   "\n",
                   svg::coord(f.left), svg::coord(f.plot_right()), svg::coord(y), svg::coord(y),
                   svg::coord(f.left - 6), svg::coord(y + 4), escape(t.label));
  }
  for (const svg::Tick& t : a.x_ticks) {
    const double x = a.x(t.value);
    fmt::format_to(out,
                   R"(<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>)"
                   R"(<text class="tick x-tick" x="{}" y="{}" text-anchor="middle">{}</text>)"
                   "\n",
                   svg::coord(x), svg::coord(x), svg::coord(f.top), svg::coord(f.plot_bottom()),
                   svg::coord(x), svg::coord(f.plot_bottom() + 16), escape(t.label));
  }
  fmt::format_to(out,
                 R"(<rect class="frame" x="{}" y="{}" width="{}" height="{}" fill="none" )"
                 R"(stroke="#888"/>)"
                 "\n",
                 svg::coord(f.left), svg::coord(f.top), svg::coord(f.plot_right() - f.left),
                 svg::coord(f.plot_bottom() - f.top));
  fmt::format_to(out,
                 R"(<text class="axis-label x-label" x="{}" y="{}" text-anchor="middle" )"
                 R"(font-weight="bold">{}</text>)"
                 "\n",
                 svg::coord((f.left + f.plot_right()) / 2), svg::coord(f.height - 12),
                 escape(a.x_label));
  fmt::format_to(out,
                 R"(<text class="axis-label y-label" x="{}" y="16" text-anchor="middle" )"
                 R"x(font-weight="bold" transform="rotate(-90)">{}</text>)x"
                 "\n</g>\n",
                 svg::coord(-(f.top + f.plot_bottom()) / 2), escape(a.y_label));
}

void write_legend(Out out, const std::vector<Line>& series, const Frame& f, bool with_error_mark) {
  fmt::format_to(out, R"(<g class="legend" font-family="sans-serif" font-size="12" fill="#222">)");
  double x = f.left;
  const double y = 20;
  for (const Line& s : series) {
    fmt::format_to(out,
                   R"(<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2.5" )"
                   R"(stroke-dasharray="{}"/>)",
                   svg::coord(x), svg::coord(x + 30), y, y, s.style.colour,
                   s.style.dash.empty() ? "none" : s.style.dash);
    // The legend's marker carries no data: it is not a mark of the chart.
    std::string m = svg::marker(s.style, x + 15, y, 4, "");
    m.replace(m.find("class=\"mark\""), 12, "class=\"legend-mark\"");
    fmt::format_to(out, "{}<text x=\"{}\" y=\"{}\">{}</text>", m, svg::coord(x + 36),
                   svg::coord(y + 4), escape(s.label));
    x += 52 + 7.0 * static_cast<double>(s.label.size());
  }
  if (with_error_mark) {
    fmt::format_to(out,
                   R"(<path d="M{0} {1}l8 8M{0} {2}l8 -8" stroke="#B00020" stroke-width="2.5"/>)"
                   R"(<text x="{3}" y="{4}">errors in the interval</text>)",
                   svg::coord(x + 11), svg::coord(y - 4), svg::coord(y + 4), svg::coord(x + 26),
                   svg::coord(y + 4));
  }
  fmt::format_to(out, "</g>\n");
}

void write_polyline(Out out, const Line& s, const std::vector<std::pair<double, double>>& pts) {
  if (pts.empty()) return;
  fmt::format_to(out,
                 R"(<polyline class="line" fill="none" stroke="{}" stroke-width="2" )"
                 R"(stroke-linejoin="round" stroke-dasharray="{}" points=")",
                 s.style.colour, s.style.dash.empty() ? "none" : s.style.dash);
  for (std::size_t i = 0; i < pts.size(); ++i) {
    fmt::format_to(out, "{}{},{}", i ? " " : "", svg::coord(pts[i].first),
                   svg::coord(pts[i].second));
  }
  fmt::format_to(out, "\"/>\n");
}

void write_no_data(Out out, const Frame& f) {
  fmt::format_to(out,
                 R"(<text class="no-data" x="{}" y="{}" text-anchor="middle" )"
                 R"(font-family="sans-serif" font-size="14" fill="#555">no data</text>)"
                 "\n",
                 svg::coord((f.left + f.plot_right()) / 2),
                 svg::coord((f.top + f.plot_bottom()) / 2));
}

void open_series(Out out, std::string_view id, const Line& s, std::string_view data) {
  fmt::format_to(out,
                 R"x(<g class="series" clip-path="url(#clip-{})" data-series="{}"{}>)x"
                 "\n",
                 id, escape(s.label), data);
}

std::string error_mark(double x, double y, const std::string& attributes, std::string_view title) {
  return fmt::format(
      R"(<path class="error-mark" d="M{} {}l8 8M{} {}l8 -8" stroke="#B00020" stroke-width="2.5" )"
      R"({}><title>{}</title></path>)",
      svg::coord(x - 4), svg::coord(y - 4), svg::coord(x - 4), svg::coord(y + 4), attributes,
      escape(title));
}

}  // namespace httpbench::chart
