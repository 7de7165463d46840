// Turns argv into a command and its options. The only file that knows about CLI11.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "httpbench/cli/options.hpp"
#include "httpbench/scale/shard.hpp"
#include "httpbench/serve/serve.hpp"

namespace httpbench {

enum class Command {
  bench,  // httpbench [OPTIONS] URL
  serve,  // httpbench serve: the built-in target
  demo,   // httpbench demo: serve + compare in one process
  merge,  // httpbench merge FILE...: one report from several JSON results
  info,   // --help or --version: print `message` and exit 0
};

struct CommandLine {
  Command command = Command::bench;
  Options options;
  ServeOptions serve;
  // Server delay for the demo.
  std::chrono::nanoseconds demo_delay = std::chrono::milliseconds(50);
  // Result files for Command::merge.
  std::vector<std::string> merge_files;
  // merge --require-complete: refuse a set of shard files with a shard missing.
  bool merge_require_complete = false;
  // Help or version text for Command::info.
  std::string message;
};

// Parses and validates the arguments (argv[0] excluded); the shard may also come from the
// environment (see shard.hpp). Throws UsageError with a one-line message.
CommandLine parse_command_line(const std::vector<std::string>& args,
                               const EnvironmentLookup& getenv = std::getenv);

}  // namespace httpbench
