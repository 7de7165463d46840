// libFuzzer target: the command-line and URL parsing path. Input lines become arguments; any
// outcome but a parsed command line or a UsageError is a bug.
#include <cstdint>
#include <string>
#include <vector>

#include "httpbench/cli/cli.hpp"
#include "httpbench/codec/url.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  std::string current;
  for (char c : input) {
    if (c == '\n') {
      args.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  args.push_back(current);
  try {
    httpbench::parse_command_line(args);
  } catch (const httpbench::UsageError&) {
  }
  for (const std::string& a : args) {
    try {
      httpbench::parse_target(a);
    } catch (const httpbench::UsageError&) {
    }
    try {
      httpbench::parse_duration(a);
    } catch (const httpbench::UsageError&) {
    }
    try {
      httpbench::parse_count(a);
    } catch (const httpbench::UsageError&) {
    }
    (void)httpbench::redact_for_display(a);
  }
  return 0;
}
