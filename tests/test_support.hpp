// Helpers shared by the tests: in-process runs of the program, and child processes of the binary.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <memory>

#include <boost/json/object.hpp>

#include "httpbench/cli/app.hpp"
#include "httpbench/serve/serve.hpp"

namespace httpbench::test {

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs httpbench in this process, as main() would.
inline Outcome run_inprocess(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  std::atomic<bool> stop{false};
  Outcome o;
  o.code = run_main(args, out, err, stop);
  o.out = out.str();
  o.err = err.str();
  return o;
}

// The built-in server on a free loopback port, answering after `delay`, on its own thread.
std::unique_ptr<Server> start_server(std::chrono::nanoseconds delay = std::chrono::nanoseconds{0});

// A path under the test temp directory private to this process. ctest runs tests in parallel,
// one process each, and parameterised tests share their code: a fixed name lets one process
// truncate a file another is reading.
std::string private_temp_path(const std::string& name);

// A socket listening on 127.0.0.1 on a free port, which is stored in `port`; -1 on failure.
int listen_on_loopback(std::uint16_t& port);

// A loopback port nothing listens on: bound, read back, closed (another process could take it
// in between; tests that use it accept that small chance).
std::uint16_t unused_loopback_port();

// The first entry of "runs" in a JSON report on `o.out`.
boost::json::object first_run(const Outcome& o);

// Runs `args` in process and expects exit 2, nothing on stdout, and one stderr line
// "httpbench: ..." that contains `fragment`.
inline void expect_usage_error(const std::vector<std::string>& args, const std::string& fragment) {
  Outcome o = run_inprocess(args);
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_TRUE(o.out.empty()) << o.out;
  EXPECT_EQ(o.err.rfind("httpbench: ", 0), 0u) << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  EXPECT_NE(o.err.find(fragment), std::string::npos) << o.err;
}

// A host name that cannot resolve without any packet leaving the machine: a DNS label longer than
// 63 characters cannot be encoded, so the resolver fails before sending a query.
inline std::string unresolvable_host() {
  return std::string(70, 'a') + ".invalid";
}

// A child process running the httpbench binary, with stdout and stderr captured.
class Child {
 public:
  // `environment`: "NAME=value" entries added to this process's environment for the child.
  // `in_child` runs in the child between fork and exec (system calls only: affinity, priority).
  explicit Child(const std::vector<std::string>& args,
                 const std::vector<std::string>& environment = {},
                 const std::function<void()>& in_child = {});
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Reads stdout until a full line arrives or the timeout passes; empty on timeout or EOF.
  std::string read_line(std::chrono::milliseconds timeout);
  void signal(int sig);
  // Waits for exit up to `timeout`, collecting the rest of the output; kills it past the limit
  // and returns -1.
  int wait(std::chrono::milliseconds timeout);

  const std::string& out() const { return out_; }
  // Peak resident memory of the exited child, KiB.
  long max_rss_kb() const { return max_rss_kb_; }
  const std::string& err() const { return err_; }

 private:
  bool pump(std::chrono::milliseconds timeout);

  int pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  std::size_t line_pos_ = 0;
  int status_ = -1;
  long max_rss_kb_ = 0;
};

// `args` for a test run in every mode: without "-c N" when the mode is sync, which runs one
// request at a time and refuses -c above 1.
inline std::vector<std::string> for_mode(std::vector<std::string> args) {
  const auto mode = std::find(args.begin(), args.end(), "--mode");
  if (mode == args.end() || mode + 1 == args.end() || mode[1] != "sync") return args;
  for (auto c = std::find(args.begin(), args.end(), "-c"); c != args.end() && c + 1 != args.end();
       c = std::find(args.begin(), args.end(), "-c")) {
    args.erase(c, c + 2);
  }
  return args;
}

// Runs the binary to completion (bounded by `timeout`).
Outcome run_binary(const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace httpbench::test
