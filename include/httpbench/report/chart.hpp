// The HTML report's chart kit, beside svg.hpp: a plot frame, axes with ticks and labels, a legend,
// lines, markers of errors and the "no data" note, written as inline SVG. Knows nothing of runs:
// the report's charts (report_html.cpp) feed it points.
#pragma once

#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "httpbench/report/svg.hpp"

namespace httpbench::chart {

using Out = std::back_insert_iterator<fmt::memory_buffer>;

// One line of a chart: its label in the legend and how it is drawn.
struct Line {
  std::string label;
  svg::SeriesStyle style;
};

// The geometry shared by the charts: a plot area inside margins for ticks, labels and legend.
struct Frame {
  double width = 1000;
  double height = 360;
  double left = 74;
  double right = 24;
  double top = 46;
  double bottom = 54;
  double plot_right() const { return width - right; }
  double plot_bottom() const { return height - bottom; }
};

struct Axes {
  svg::Scale x;
  svg::Scale y;
  std::vector<svg::Tick> x_ticks;
  std::vector<svg::Tick> y_ticks;
  std::string x_label;
  std::string y_label;
};

// Opens the <svg> with its title, grid, ticks and axis labels; the series are clipped to the
// plot area.
void open_chart(Out out, std::string_view id, std::string_view title, const Frame& f,
                const Axes& a);

// The legend above the plot: a line sample with its dash pattern and marker, then the label; with
// `with_error_mark`, the key of the red x that marks errors.
void write_legend(Out out, const std::vector<Line>& series, const Frame& f, bool with_error_mark);

// The line through `pts` (pixels), in the style of `s`.
void write_polyline(Out out, const Line& s, const std::vector<std::pair<double, double>>& pts);

// The message drawn in an empty plot.
void write_no_data(Out out, const Frame& f);

// Opens the <g> of one series of chart `id`, clipped to the plot; `data` are attributes added as
// given (already escaped). The caller closes it with "</g>".
void open_series(Out out, std::string_view id, const Line& s, std::string_view data);

// An x of 8 px in red at (x, y): errors in that interval; `attributes` are added as given.
std::string error_mark(double x, double y, const std::string& attributes, std::string_view title);

}  // namespace httpbench::chart
