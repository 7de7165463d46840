#include "httpbench/cli/app.hpp"

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "httpbench/cli/cli.hpp"
#include "httpbench/cli/client_setup.hpp"
#include "httpbench/cli/collect_manifest.hpp"
#include "httpbench/cli/describe_run.hpp"
#include "httpbench/cli/live_view.hpp"
#include "httpbench/cli/request_options.hpp"
#include "httpbench/cli/route_options.hpp"
#include "httpbench/codec/first_contact.hpp"
#include "httpbench/connection/resolve.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/engine/progress.hpp"
#include "httpbench/engine/runner.hpp"
#include "httpbench/engine/schedule.hpp"
#include "httpbench/engine/sweep.hpp"
#include "httpbench/report/manifest.hpp"
#include "httpbench/report/report.hpp"
#include "httpbench/report/report_html.hpp"
#include "httpbench/report/run_label.hpp"
#include "httpbench/scale/merge.hpp"
#include "httpbench/serve/serve.hpp"
#include "httpbench/stats/clock.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/version.hpp"

namespace httpbench {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Writes a file atomically: the content goes to a temporary file beside it, then is renamed over
// the target, so readers never see half a document. The temporary file is created before the run
// so that a bad path fails before any request is sent.
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path)
      : path_(path), temp_(fmt::format("{}.tmp.{}.{}", path, ::getpid(), ++instances_)) {
    std::ofstream probe(temp_, std::ios::trunc);
    if (!probe) throw UsageError(fmt::format("cannot write output file '{}'", path));
  }
  ~AtomicFile() {
    std::error_code ignored;
    if (!committed_) std::filesystem::remove(temp_, ignored);
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Returns false when the file could not be written.
  bool commit(const std::string& content) {
    {
      std::ofstream file(temp_, std::ios::trunc | std::ios::binary);
      file << content;
      file.flush();
      if (!file) return false;
    }
    std::error_code ec;
    std::filesystem::rename(temp_, path_, ec);
    committed_ = !ec;
    return committed_;
  }

 private:
  std::string path_;
  std::string temp_;
  bool committed_ = false;
  // Numbers the temporary files, so that two outputs naming the same path (-o and --report) do
  // not share one.
  static inline std::atomic<unsigned> instances_{0};
};

// Columns of the terminal on stdout, 80 when it is not a terminal.
int terminal_width() {
  winsize ws{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 80;
}

std::string failure_summary(const Report& report) {
  std::string line;
  const bool with_protocol = labels_protocol(report.runs);
  for (const RunResult& r : report.runs) {
    if (r.failed == 0) continue;
    line += fmt::format("{}{}: {} of {} requests failed (", line.empty() ? "" : "; ",
                        run_label(r, with_protocol), r.failed, r.requests);
    const char* sep = "";
    for (ErrorKind k : kAllErrorKinds) {
      if (r.error_count(k) == 0) continue;
      line += fmt::format("{}{} {}", sep, kind_name(k), r.error_count(k));
      sep = ", ";
    }
    line += ")";
  }
  return line;
}

// Prints the report in its format, writes the files, and turns failures, failed checks and
// regressions into the exit code with one stderr line each.
int finish_report(const Report& report, const Options& options,
                  std::optional<AtomicFile>& output_file, std::optional<AtomicFile>& baseline_out,
                  std::ostream& out, std::ostream& err,
                  std::optional<AtomicFile>* html_out = nullptr) {
  const std::string json =
      (options.json || output_file || baseline_out) ? format_json(report) : std::string{};
  // -q silences the prose, never the data asked for.
  if (options.json) {
    out << json;
  } else if (options.csv) {
    out << format_csv(report);
  } else if (!options.quiet) {
    out << format_text(report, TextStyle{terminal_width()});
  }
  out.flush();
  int code = report.interrupted ? kExitInterrupted : kExitOk;
  for (auto [file, path] : {std::pair{&output_file, &options.output_file},
                            std::pair{&baseline_out, &options.save_baseline_file}}) {
    if (*file && !(*file)->commit(json)) {
      err << fmt::format("httpbench: cannot write output file '{}'\n", **path);
      code = report.interrupted ? kExitInterrupted : kExitUsage;
    }
  }
  if (html_out && *html_out && !(*html_out)->commit(format_html(report))) {
    err << fmt::format("httpbench: cannot write report file '{}'\n", *options.report_file);
    code = report.interrupted ? kExitInterrupted : kExitUsage;
  }
  // Text output already shows these; scripts reading stdout as data still get told on stderr.
  const bool data_on_stdout = options.quiet || options.json || options.csv;
  if (report.any_failed()) {
    if (data_on_stdout) err << "httpbench: " << failure_summary(report) << "\n";
    // An errors check (errors<1%) is the run's error budget: failures within it pass.
    if (code == kExitOk && report.any_failed_beyond_budget()) code = kExitFailures;
  }
  for (const CheckOutcome& c : report.checks) {
    if (c.passed) continue;
    if (data_on_stdout)
      err << fmt::format("httpbench: check failed: {} ({})\n", c.expression, c.detail);
    if (code == kExitOk) code = kExitFailures;
  }
  if (report.baseline && options.max_regression_pct) {
    for (const FigureChange& c : regressions(*report.baseline, *options.max_regression_pct)) {
      err << fmt::format("httpbench: regression: {}, more than the {:g}% allowed\n",
                         describe_change(c), *options.max_regression_pct);
      if (code == kExitOk) code = kExitFailures;
    }
  }
  return code;
}

int run_merge(const CommandLine& cl, std::ostream& out, std::ostream& err) {
  std::optional<AtomicFile> output_file;
  if (cl.options.output_file) output_file.emplace(*cl.options.output_file);
  std::optional<AtomicFile> no_baseline;
  std::optional<AtomicFile> html_out;
  if (cl.options.report_file) html_out.emplace(*cl.options.report_file);
  Report report = merge_result_files(cl.merge_files, cl.merge_require_complete);
  report.manifest = collect_manifest(cl.options.command_line);
  return finish_report(report, cl.options, output_file, no_baseline, out, err, &html_out);
}

int run_serve(const ServeOptions& options, std::ostream& out, const std::atomic<bool>& stop) {
  Server server(options);
  out << "listening on " << server.url();
  if (options.unix_socket) out << " at unix:" << *options.unix_socket;
  out << std::endl;
  server.start();
  while (!stop.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server.stop();
  return kExitOk;
}

int run_demo(CommandLine cl, std::ostream& out, std::ostream& err, const std::atomic<bool>& stop) {
  ServeOptions serve;
  serve.port = 0;
  serve.delay = cl.demo_delay;
  Server server(serve);
  server.start();
  if (!cl.options.json) {
    out << fmt::format(
        "demo: built-in target at {} answering after {}ms; comparing {} requests "
        "in each mode, and async over HTTP/1.1 against async over HTTP/2 (h2c)\n\n",
        server.url(), std::chrono::duration<double, std::milli>(serve.delay).count(),
        cl.options.requests);
    out.flush();
  }
  cl.options.target = parse_target(server.url());
  cl.options.progress = !cl.options.json && ::isatty(STDERR_FILENO);
  // The demo's options are complete only now, with the server's URL.
  cl.options.validate();
  const BenchmarkPlan plan = make_plan(cl.options);
  return run_benchmark(std::move(cl.options), plan, out, err, stop);
}

// Refuses a concurrency (this process's part) that would run out of file descriptors half-way
// through the run.
void check_open_file_limit(const Options& options, std::uint64_t concurrency) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
  // A blocking client holds a second descriptor while its last connection waits for the
  // server's FIN (sync_client.cpp, close_after_server).
  std::uint64_t connections = 2;
  for (const RunKind& kind : options.run_kinds()) {
    // Over HTTP/2 the async mode opens one connection per --streams requests in flight.
    const std::uint64_t streams = options.streams_per_connection(kind);
    if (kind.mode == Mode::async) {
      connections = std::max(connections, (concurrency + streams - 1) / streams);
    }
    if (kind.mode == Mode::threads) connections = std::max(connections, 2 * concurrency);
  }
  // Headroom for the standard streams, the output file, the resolver and the event loop.
  constexpr std::uint64_t kReserved = 32;
  if (connections + kReserved > limit.rlim_cur) {
    throw UsageError(fmt::format(
        "-c {} needs about {} open files but the limit is {} (ulimit -n {}); raise the limit or "
        "lower -c",
        connections, connections + kReserved, limit.rlim_cur, limit.rlim_max));
  }
}

// Sleeps until the wall-clock instant `start_at` (Unix seconds), or until Ctrl-C. Returns how
// late it woke, milliseconds (negative only when interrupted early). The wait is in short steps
// so that Ctrl-C ends it promptly.
double wait_until(double start_at, const std::atomic<bool>& stop, std::ostream* err) {
  using namespace std::chrono;
  const auto now = [] { return duration<double>(system_clock::now().time_since_epoch()).count(); };
  const double wait_s = start_at - now();
  if (err && wait_s > 1) {
    *err << fmt::format("httpbench: waiting {:.1f} s for --start-at\n", wait_s);
    err->flush();
  }
  for (double left = wait_s; left > 0 && !stop.load(); left = start_at - now()) {
    std::this_thread::sleep_for(duration<double>(std::min(left, 0.05)));
  }
  return (now() - start_at) * 1e3;
}

}  // namespace

int run_benchmark(Options options, const BenchmarkPlan& plan, std::ostream& out, std::ostream& err,
                  const std::atomic<bool>& stop) {
  // Read once, before any request: every request sends these bytes from memory.
  if (options.body_file) options.body = read_body_file(*options.body_file);
  check_open_file_limit(options, plan.part.concurrency);
  std::optional<AtomicFile> output_file;
  if (options.output_file) output_file.emplace(*options.output_file);
  std::optional<AtomicFile> baseline_out;
  if (options.save_baseline_file) baseline_out.emplace(*options.save_baseline_file);
  std::optional<AtomicFile> html_out;
  if (options.report_file) html_out.emplace(*options.report_file);
  const auto dns_start = Clock::now();
  // The Unix socket, the proxy (its host only) or the target.
  auto endpoints = resolve_route(options);
  const double dns_ms =
      options.unix_socket ? 0.0 : static_cast<double>(elapsed_ns(dns_start, Clock::now())) / 1e6;
  const ClientConfig config = make_client_config(options, std::move(endpoints));

  Report report;
  report.dns_ms = dns_ms;
  report.version = kVersion;
  report.description = describe_run(options, plan.part, config.request.spec);
  if (options.start_at) {
    report.start_at = options.start_at;
    report.start_skew_ms = wait_until(*options.start_at, stop, options.quiet ? nullptr : &err);
  }
  Progress progress;
  std::optional<ProgressPrinter> printer;
  if (options.progress && !options.quiet) printer.emplace(progress, options, plan.part, err);
  report.manifest = collect_manifest(options.command_line);
  if (!options.sweep.empty()) {
    // --sweep: the async mode once per level; each level's run goes into report.runs.
    report.sweep = run_sweep(plan.sweep, config, stop, printer ? &progress : nullptr, report.runs,
                             [&](std::uint64_t) {
                               if (printer) printer->begin(Mode::async, options.protocol_of(0));
                             });
    if (printer) printer->finish();
    report.interrupted = stop.load();
    add_target_facts(*report.manifest, config.endpoints, config.first_contact.get());
    return finish_report(report, options, output_file, baseline_out, out, err, &html_out);
  }
  // Trial by trial, every mode once per trial (ABAB...), so drift on the machine or the target
  // hits every mode alike.
  report.trials.assign(options.modes.size(), {});
  for (std::uint64_t t = 0; t < options.trials; ++t) {
    for (std::size_t m = 0; m < plan.modes.size() && !stop.load(); ++m) {
      if (printer) printer->begin(plan.modes[m].mode, plan.modes[m].protocol);
      report.trials[m].push_back(
          run_mode(plan.modes[m], config, stop, printer ? &progress : nullptr));
      if (printer) printer->finish();
    }
  }
  std::erase_if(report.trials, [](const auto& runs) { return runs.empty(); });
  for (const auto& runs : report.trials)
    report.runs.push_back(combine_runs(runs));
  report.interrupted = stop.load();
  add_target_facts(*report.manifest, config.endpoints, config.first_contact.get());
  if (options.compare) report.comparison = compare_runs(report.runs);
  report.trial_stats = summarize_trials(report.trials, options.compare);
  if (report.comparison) use_trial_speedups(*report.comparison, *report.trial_stats);
  if (plan.baseline) report.baseline = compare_with_baseline(*plan.baseline, figures_of(report));
  report.checks = evaluate_checks(plan.checks, report);
  report.error_budget_runs = error_budget_runs(plan.checks, options.run_kinds());
  return finish_report(report, options, output_file, baseline_out, out, err, &html_out);
}

int run_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             const std::atomic<bool>& stop) {
  try {
    CommandLine cl = parse_command_line(args);
    cl.options.command_line = args;
    switch (cl.command) {
      case Command::info:
        out << cl.message;
        return kExitOk;
      case Command::serve:
        return run_serve(cl.serve, out, stop);
      case Command::demo:
        return run_demo(std::move(cl), out, err, stop);
      case Command::merge:
        return run_merge(cl, out, err);
      case Command::bench: {
        cl.options.progress = !cl.options.quiet &&
                              cl.options.progress_style != ProgressStyle::none &&
                              ::isatty(STDERR_FILENO);
        const BenchmarkPlan plan = make_plan(cl.options);
        return run_benchmark(std::move(cl.options), plan, out, err, stop);
      }
    }
  } catch (const UsageError& e) {
    err << "httpbench: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    err << "httpbench: " << e.what() << "\n";
    return kExitUsage;
  }
  return kExitUsage;
}

}  // namespace httpbench
