// What stderr shows while a run goes on, when it is a terminal: the live panel (progress toward
// the end, rates with a sparkline, latency percentiles, statuses and failures, the modes done) or
// the one plain progress line. It only reads the Progress counters, from a thread of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "httpbench/cli/options.hpp"
#include "httpbench/cli/plan.hpp"
#include "httpbench/engine/progress.hpp"
#include "httpbench/stats/mode.hpp"

namespace httpbench {

// The figures of a mode that has ended, kept on the panel while the next ones run.
struct FinishedMode {
  std::string label;
  std::uint64_t done = 0;
  std::uint64_t failed = 0;
  double rps = 0;
  double p50_ns = 0;
  double p99_ns = 0;
};

// Everything one frame of the panel shows.
struct LiveFrame {
  // "async", or "async 2/3" when several modes, trials or sweep levels run.
  std::string label;
  ProgressSnapshot snap;
  // Seconds since the mode began.
  double elapsed_s = 0;
  // Requests per second over about the last second.
  double rps_now = 0;
  // Recent rates, oldest first, for the sparkline.
  std::vector<double> rps_history;
  // The run's bounds: Schedule::kUnlimited requests when only a duration bounds it.
  std::uint64_t total = 0;
  std::optional<double> duration_s;
  // --rate (0: closed loop) and the requests in flight allowed.
  double rate = 0;
  std::uint64_t concurrency = 1;
  std::vector<FinishedMode> finished;
};

// How the frame is drawn.
struct LiveStyle {
  // Columns available; every line is cut to fit.
  int width = 80;
  // ANSI colours (off with NO_COLOR).
  bool color = true;
  // Block characters for the bar and the sparkline (off unless the locale is UTF-8).
  bool unicode = true;
};

// The lines of one frame, none wider than style.width columns, without line ends.
std::vector<std::string> render_live_view(const LiveFrame& frame, const LiveStyle& style);

// How many columns `line` takes on a terminal: escape sequences take none, a UTF-8 character one.
std::size_t display_width(std::string_view line);

// Latency for the panel: "0.84ms", "12.3ms", "1.20s".
std::string format_latency(double ns);

// Prints the panel (or the plain line) to `err` at most every 100 ms from its own thread; the
// workers only bump Progress counters. Create it only when stderr is a terminal.
class ProgressPrinter {
 public:
  ProgressPrinter(Progress& progress, const Options& run, const WorkPart& part, std::ostream& err);
  ~ProgressPrinter();
  ProgressPrinter(const ProgressPrinter&) = delete;
  ProgressPrinter& operator=(const ProgressPrinter&) = delete;

  // A mode (or sweep level) begins: start drawing. Labelled "async", or "async:h2" when some run
  // is HTTP/2.
  void begin(Mode mode, Protocol protocol = Protocol::http1);
  // It ended: stop drawing and clear what was drawn.
  void finish();

 private:
  void loop(Mode mode, std::stop_token st);
  void plain_line(double secs);
  // Draws `lines` over the previous frame.
  void draw(const std::vector<std::string>& lines);
  void clear();

  Progress& progress_;
  const Options& run_;
  // This process's part of the run: its requests, concurrency and rate.
  WorkPart part_;
  std::ostream& err_;
  bool live_ = true;
  LiveStyle style_;
  // Modes begun so far (the label counts them).
  std::size_t begun_ = 0;
  std::string label_;
  // The run's mode (and protocol) alone, for the plain line.
  std::string run_label_;
  std::chrono::steady_clock::time_point started_;
  std::vector<FinishedMode> finished_;
  // Lines of the frame on screen.
  std::size_t drawn_ = 0;
  std::jthread thread_;
};

}  // namespace httpbench
