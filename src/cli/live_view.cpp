#include "httpbench/cli/live_view.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deque>

#include "httpbench/engine/schedule.hpp"
#include "httpbench/stats/run_kind.hpp"

namespace httpbench {

namespace {

constexpr auto kTick = std::chrono::milliseconds(100);
// The panel is redrawn every this many ticks (5 frames a second), the rates sampled every tick.
constexpr int kTicksPerFrame = 2;
// Sparkline: one bar per half second, this many.
constexpr std::size_t kSparkBars = 20;
constexpr int kTicksPerSpark = 5;
// Modes done kept on the panel.
constexpr std::size_t kFinishedShown = 4;

struct Palette {
  std::string_view dim, bold, green, yellow, red, reset;
};
Palette palette(bool color) {
  if (!color) return {};
  return {"\033[2m", "\033[1m", "\033[32m", "\033[33m", "\033[31m", "\033[0m"};
}

std::string count_text(std::uint64_t n) {
  if (n >= 10'000'000) return fmt::format("{:.1f}M", static_cast<double>(n) / 1e6);
  if (n >= 100'000) return fmt::format("{:.0f}k", static_cast<double>(n) / 1e3);
  return std::to_string(n);
}

std::string seconds_text(double s) {
  if (s >= 3600)
    return fmt::format("{}h{:02}m", static_cast<int>(s / 3600), static_cast<int>(s / 60) % 60);
  if (s >= 600) return fmt::format("{}m{:02}s", static_cast<int>(s / 60), static_cast<int>(s) % 60);
  return fmt::format("{:.1f}s", s);
}

std::string bar(double fraction, std::size_t width, const LiveStyle& style, const Palette& p) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  const auto full = static_cast<std::size_t>(std::floor(fraction * static_cast<double>(width)));
  std::string out(p.green);
  for (std::size_t i = 0; i < width; ++i) {
    if (i == full) {
      out += p.reset;
      out += p.dim;
    }
    out += i < full ? (style.unicode ? "\u2588" : "#") : (style.unicode ? "\u2591" : ".");
  }
  out += p.reset;
  return out;
}

std::string sparkline(const std::vector<double>& values, const LiveStyle& style) {
  static constexpr std::string_view kBlocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                                 "\u2585", "\u2586", "\u2587", "\u2588"};
  static constexpr std::string_view kAscii = "_.-=+*#@";
  const double top = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
  std::string out;
  for (double v : values) {
    const auto level =
        top > 0 ? std::min<std::size_t>(7, static_cast<std::size_t>(v / top * 7.999)) : 0;
    if (style.unicode) {
      out += kBlocks[level];
    } else {
      out += kAscii[level];
    }
  }
  return out;
}

// `line` cut to `width` columns; escape sequences are kept whole, and colour is reset after a cut.
std::string fit(const std::string& line, std::size_t width, const Palette& p) {
  std::string out;
  std::size_t columns = 0;
  for (std::size_t i = 0; i < line.size();) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == 0x1b) {
      const std::size_t end = line.find('m', i);
      const std::size_t stop = end == std::string::npos ? line.size() : end + 1;
      out.append(line, i, stop - i);
      i = stop;
      continue;
    }
    const std::size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    if (columns == width) {
      out += p.reset;
      break;
    }
    out.append(line, i, len);
    ++columns;
    i += len;
  }
  return out;
}

std::string_view status_color(std::size_t status_class, const Palette& p) {
  if (status_class == 4) return p.yellow;
  if (status_class == 5 || status_class == 0) return p.red;
  return p.green;
}

}  // namespace

std::size_t display_width(std::string_view line) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == 0x1b) {
      const std::size_t end = line.find('m', i);
      if (end == std::string_view::npos) break;
      i = end;
    } else if ((c & 0xc0) != 0x80) {
      ++columns;
    }
  }
  return columns;
}

std::string format_latency(double ns) {
  const double ms = ns / 1e6;
  if (ms < 10) return fmt::format("{:.2f}ms", ms);
  if (ms < 1000) return fmt::format("{:.1f}ms", ms);
  return fmt::format("{:.2f}s", ms / 1000);
}

std::vector<std::string> render_live_view(const LiveFrame& f, const LiveStyle& style) {
  const Palette p = palette(style.color);
  const auto width = static_cast<std::size_t>(std::max(style.width, 20));
  const ProgressSnapshot& s = f.snap;
  std::vector<std::string> lines;

  // Progress toward the end: by requests, by time, or whichever is further along.
  const bool counted = f.total != Schedule::kUnlimited;
  double fraction = 0;
  std::optional<double> left_s;
  const double mean_rps = f.elapsed_s > 0 ? static_cast<double>(s.done) / f.elapsed_s : 0;
  if (counted && f.total > 0) {
    fraction = static_cast<double>(s.done) / static_cast<double>(f.total);
    if (mean_rps > 0) left_s = static_cast<double>(f.total - std::min(f.total, s.done)) / mean_rps;
  }
  if (f.duration_s && *f.duration_s > 0) {
    const double by_time = f.elapsed_s / *f.duration_s;
    const double time_left = std::max(0.0, *f.duration_s - f.elapsed_s);
    if (by_time > fraction) fraction = by_time;
    left_s = left_s ? std::min(*left_s, time_left) : time_left;
  }
  std::string tail =
      fmt::format(" {:3.0f}%  {}", std::min(fraction, 1.0) * 100,
                  counted ? fmt::format("{}/{}", s.done, f.total) : fmt::format("{} req", s.done));
  tail += f.duration_s
              ? fmt::format("  {}/{}", seconds_text(f.elapsed_s), seconds_text(*f.duration_s))
              : fmt::format("  {}", seconds_text(f.elapsed_s));
  tail += fmt::format("  left {}", left_s ? seconds_text(*left_s) : std::string("?"));
  const std::string head = fmt::format("{}{}{} ", p.bold, f.label, p.reset);
  const std::size_t used = display_width(head) + display_width(tail);
  const std::size_t bar_width =
      used + 10 < width ? std::min<std::size_t>(width - used - 1, 40) : 10;
  lines.push_back(head + bar(fraction, bar_width, style, p) + tail);

  // Rates.
  std::string rates = fmt::format("{}req/s{}    {:.0f} now  {:.0f} mean  {}", p.dim, p.reset,
                                  f.rps_now, mean_rps, sparkline(f.rps_history, style));
  lines.push_back(rates);

  // Latency so far.
  lines.push_back(fmt::format(
      "{}latency{}  p50 {}  p90 {}  p99 {}  max {}", p.dim, p.reset,
      format_latency(s.percentile(0.50)), format_latency(s.percentile(0.90)),
      format_latency(s.percentile(0.99)), format_latency(static_cast<double>(s.max_ns))));

  // Statuses and failures by kind.
  std::string status = fmt::format("{}status{} ", p.dim, p.reset);
  bool any_status = false;
  for (std::size_t c = 1; c <= 5; ++c) {
    if (s.status_classes[c] == 0) continue;
    status += fmt::format("  {}{}xx{} {}", status_color(c, p), c, p.reset,
                          count_text(s.status_classes[c]));
    any_status = true;
  }
  if (s.status_classes[0] != 0) {
    status += fmt::format("  {}other{} {}", p.red, p.reset, count_text(s.status_classes[0]));
    any_status = true;
  }
  if (!any_status) status += "  -";
  std::string kinds;
  for (ErrorKind k : kAllErrorKinds) {
    const std::uint64_t n = s.errors[static_cast<std::size_t>(k)];
    if (n != 0)
      kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", kind_name(k), count_text(n));
  }
  status += s.failed == 0 ? fmt::format("   failed 0")
                          : fmt::format("   {}failed {}{}{}", p.red, count_text(s.failed), p.reset,
                                        kinds.empty() ? "" : ": " + kinds);
  lines.push_back(status);

  // Load: in flight against -c, and for --rate the target against what is achieved.
  std::string load =
      fmt::format("{}load{}     in flight {}/{}", p.dim, p.reset, s.in_flight, f.concurrency);
  if (f.rate > 0) {
    // Requests the schedule wanted started by now, less those started: how far behind it is.
    const double behind =
        f.rate * f.elapsed_s - static_cast<double>(s.done) - static_cast<double>(s.in_flight);
    load += fmt::format("  rate {:.0f}/s target, {:.0f}/s now  lag {}  late starts {}", f.rate,
                        f.rps_now, seconds_text(std::max(0.0, behind) / f.rate),
                        count_text(s.late_starts));
  }
  lines.push_back(load);

  for (const FinishedMode& m : f.finished) {
    lines.push_back(fmt::format(
        "{}done{}     {:<10} {} req  {:.0f} req/s  p50 {}  p99 {}  failed {}", p.dim, p.reset,
        m.label, m.done, m.rps, format_latency(m.p50_ns), format_latency(m.p99_ns), m.failed));
  }
  for (std::string& line : lines)
    line = fit(line, width, p);
  return lines;
}

ProgressPrinter::ProgressPrinter(Progress& progress, const Options& run, const WorkPart& part,
                                 std::ostream& err)
    : progress_(progress), run_(run), part_(part), err_(err) {
  const char* term = std::getenv("TERM");
  live_ = run.progress_style == ProgressStyle::live && !(term && std::string_view(term) == "dumb");
  const char* no_color = std::getenv("NO_COLOR");
  style_.color = !(no_color && *no_color != '\0');
  std::string locale;
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (value && *value) {
      locale = value;
      break;
    }
  }
  style_.unicode =
      locale.find("UTF-8") != std::string::npos || locale.find("utf8") != std::string::npos ||
      locale.find("UTF8") != std::string::npos || locale.find("utf-8") != std::string::npos;
}

ProgressPrinter::~ProgressPrinter() {
  finish();
}

void ProgressPrinter::begin(Mode mode, Protocol protocol) {
  finish();
  const std::size_t per_round = run_.sweep.empty() ? run_.modes.size() : run_.sweep.size();
  const std::size_t rounds = run_.sweep.empty() ? run_.trials : 1;
  ++begun_;
  run_label_ = run_label(RunKind{mode, protocol}, run_.any_http2());
  label_ = run_label_;
  if (!run_.sweep.empty()) {
    label_ += fmt::format(" -c {}", run_.sweep[std::min(begun_, run_.sweep.size()) - 1]);
  }
  if (per_round * rounds > 1) label_ += fmt::format(" {}/{}", begun_, per_round * rounds);
  started_ = std::chrono::steady_clock::now();
  thread_ = std::jthread([this, mode](std::stop_token st) { loop(mode, st); });
}

void ProgressPrinter::finish() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
  if (live_) {
    const ProgressSnapshot s = progress_.snapshot();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    finished_.push_back({label_, s.done, s.failed,
                         secs > 0 ? static_cast<double>(s.done) / secs : 0, s.percentile(0.5),
                         s.percentile(0.99)});
    if (finished_.size() > kFinishedShown) finished_.erase(finished_.begin());
    clear();
  } else {
    err_ << "\r\033[K" << std::flush;
  }
}

void ProgressPrinter::loop(Mode mode, std::stop_token st) {
  std::deque<std::pair<double, std::uint64_t>> samples;  // (seconds, done), the last second
  std::vector<double> history;
  for (int tick = 1; !st.stop_requested(); ++tick) {
    std::this_thread::sleep_for(kTick);
    if (st.stop_requested()) break;
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (!live_) {
      plain_line(secs);
      continue;
    }
    const std::uint64_t done = progress_.done();
    samples.emplace_back(secs, done);
    while (samples.size() > 1 && secs - samples.front().first > 1.0)
      samples.pop_front();
    const double window = secs - samples.front().first;
    const double rps_now = window > 0 ? static_cast<double>(done - samples.front().second) / window
                                      : (secs > 0 ? static_cast<double>(done) / secs : 0);
    if (tick % kTicksPerSpark == 0) {
      history.push_back(rps_now);
      if (history.size() > kSparkBars) history.erase(history.begin());
    }
    if (tick % kTicksPerFrame != 0) continue;
    LiveFrame frame;
    frame.label = label_;
    frame.snap = progress_.snapshot();
    frame.elapsed_s = secs;
    frame.rps_now = rps_now;
    frame.rps_history = history;
    frame.total = part_.requests;
    if (run_.duration) frame.duration_s = std::chrono::duration<double>(*run_.duration).count();
    frame.rate = part_.rate;
    frame.concurrency = mode == Mode::sync ? 1 : part_.concurrency;
    if (!run_.sweep.empty())
      frame.concurrency = run_.sweep[std::min(begun_, run_.sweep.size()) - 1];
    frame.finished = finished_;
    winsize ws{};
    style_.width = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
    // The last column is left free: a line that fills it makes some terminals wrap early.
    LiveStyle style = style_;
    style.width = std::min(style.width - 1, 100);
    draw(render_live_view(frame, style));
  }
}

void ProgressPrinter::plain_line(double secs) {
  const std::uint64_t done = progress_.done();
  const std::uint64_t failed = progress_.failed();
  const std::string total =
      part_.requests == Schedule::kUnlimited ? std::string("-") : std::to_string(part_.requests);
  err_ << fmt::format("\r\033[K[{}] {}/{}  {:.1f}s  {:.0f} req/s  errors {}", run_label_, done,
                      total, secs, secs > 0 ? static_cast<double>(done) / secs : 0.0, failed)
       << std::flush;
}

void ProgressPrinter::draw(const std::vector<std::string>& lines) {
  fmt::memory_buffer out;
  // Back to the first line of the previous frame, and clear from there down.
  if (drawn_ > 1) fmt::format_to(std::back_inserter(out), "\033[{}A", drawn_ - 1);
  fmt::format_to(std::back_inserter(out), "\r\033[J");
  for (std::size_t i = 0; i < lines.size(); ++i)
    fmt::format_to(std::back_inserter(out), "{}{}", i ? "\n" : "", lines[i]);
  err_.write(out.data(), static_cast<std::streamsize>(out.size()));
  err_.flush();
  drawn_ = lines.size();
}

void ProgressPrinter::clear() {
  if (drawn_ == 0) return;
  fmt::memory_buffer out;
  if (drawn_ > 1) fmt::format_to(std::back_inserter(out), "\033[{}A", drawn_ - 1);
  fmt::format_to(std::back_inserter(out), "\r\033[J");
  err_.write(out.data(), static_cast<std::streamsize>(out.size()));
  err_.flush();
  drawn_ = 0;
}

}  // namespace httpbench
