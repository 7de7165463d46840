// --help in sections within 100 columns with examples, `help` the same; the options of the live
// view; the completion scripts and the manual page, generated from the same CLI definition.
#include "httpbench/cli/cli_docs.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "httpbench/cli/cli.hpp"
#include "httpbench/cli/live_view.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

// Every "--name" the text spells.
std::set<std::string> long_options_in(const std::string& text) {
  std::set<std::string> names;
  const std::regex option(R"((^|[\s,'])(--[a-z][a-z0-9.-]*[a-z0-9]))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), option);
       it != std::sregex_iterator(); ++it)
    names.insert((*it)[2]);
  return names;
}

}  // namespace

TEST(Help, IsInSectionsInOrderEndingWithExamples) {
  const std::string help = run_inprocess({"--help"}).out;
  std::size_t at = 0;
  for (const char* section :
       {"Usage: httpbench [OPTIONS] URL", "\nArguments:\n", "\nCommands:\n", "\nLoad:\n",
        "\nRequest:\n", "\nConnection:\n", "\nTLS:\n", "\nOutput:\n", "\nCI checks:\n",
        "\nScale-out:\n", "\nOther:\n", "\nExamples:\n"}) {
    const std::size_t found = help.find(section, at);
    ASSERT_NE(found, std::string::npos) << section << " missing or out of order in\n" << help;
    at = found;
  }
  // Nothing is left in CLI11's catch-all section.
  EXPECT_EQ(help.find("\nOptions:\n"), std::string::npos) << help;
  // Options sit in their section: -n under Load, -H under Request, --cacert under TLS.
  const auto section_of = [&](const std::string& option) {
    const std::size_t pos = help.find("  " + option);
    const std::size_t head = help.rfind(":\n", pos);
    return help.substr(help.rfind('\n', head - 1) + 1, head - help.rfind('\n', head - 1) - 1);
  };
  EXPECT_EQ(section_of("-n, --requests N"), "Load");
  EXPECT_EQ(section_of("-H, --header"), "Request");
  EXPECT_EQ(section_of("    --keep-alive, --no-keep-alive"), "Connection");
  EXPECT_EQ(section_of("    --cacert FILE"), "TLS");
  EXPECT_EQ(section_of("    --progress live|plain|none"), "Output");
  EXPECT_EQ(section_of("    --check EXPR"), "CI checks");
  EXPECT_EQ(section_of("    --shard I/N"), "Scale-out");
  EXPECT_EQ(section_of("    --urls FILE"), "Load");
  // The examples are runnable command lines.
  const std::string examples = help.substr(help.find("\nExamples:\n"));
  EXPECT_GE(std::count(examples.begin(), examples.end(), '#'), 3) << examples;
  EXPECT_NE(examples.find("\n  httpbench serve"), std::string::npos) << examples;
  EXPECT_NE(examples.find("\n  httpbench -c 50 -d 10s http://127.0.0.1:8080/"), std::string::npos);
}

TEST(Help, EveryLineFitsOneHundredColumnsInEveryCommand) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"help", "serve"},
                                             {"help", "demo"},
                                             {"help", "merge"},
                                             {"help", "completions"},
                                             {"help", "man"}}) {
    const Outcome o = run_inprocess(args);
    EXPECT_EQ(o.code, kExitOk);
    for (const std::string& line : lines_of(o.out)) {
      EXPECT_LE(display_width(line), kHelpWidth) << args.back() << ": " << line;
      EXPECT_EQ(line.find_last_not_of(' ') + 1, line.size()) << "trailing blanks: " << line;
    }
  }
}

TEST(Help, FlagsReadAsTheirSpellingsWithoutCli11Markup) {
  const std::string help = run_inprocess({"--help"}).out;
  EXPECT_NE(help.find("\n      --keep-alive, --no-keep-alive\n"), std::string::npos) << help;
  EXPECT_EQ(help.find("{false}"), std::string::npos) << help;
  EXPECT_EQ(help.find("TEXT"), std::string::npos) << help;
  EXPECT_NE(help.find("  -c, --concurrency N "), std::string::npos) << help;
  // A description longer than a line wraps under its own column.
  EXPECT_NE(help.find("\n                            "), std::string::npos) << help;
}

TEST(Help, EveryOptionIsListedAndCompletedAndInTheManual) {
  const std::string help = run_inprocess({"--help"}).out;
  const std::string bash = run_inprocess({"completions", "bash"}).out;
  const std::string zsh = run_inprocess({"completions", "zsh"}).out;
  const std::string fish = run_inprocess({"completions", "fish"}).out;
  const std::string man = run_inprocess({"man"}).out;
  const std::set<std::string> options = long_options_in(help);
  EXPECT_GT(options.size(), 50u);
  for (const char* expected : {"--urls", "--progress", "--no-live", "--keep-alive",
                               "--no-keep-alive", "--http1.0", "--start-at", "--version"})
    EXPECT_TRUE(options.count(expected)) << expected;
  for (const std::string& option : options) {
    EXPECT_NE(bash.find(" " + option), std::string::npos) << "bash: " << option;
    EXPECT_NE(zsh.find(option + "["), std::string::npos) << "zsh: " << option;
    EXPECT_NE(fish.find(" -l " + option.substr(2) + " "), std::string::npos) << "fish: " << option;
    std::string escaped;
    for (char c : option)
      escaped += c == '-' ? std::string("\\-") : std::string(1, c);
    EXPECT_NE(man.find("\\fB" + escaped + "\\fR"), std::string::npos) << "man: " << option;
  }
}

TEST(Help, EveryOptionIsInTheReadme) {
  std::ifstream in(std::string(HTTPBENCH_SOURCE_DIR) + "/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  std::string all_help;
  for (const char* command : {"serve", "demo", "merge"})
    all_help += run_inprocess({"help", command}).out;
  all_help += run_inprocess({"--help"}).out;
  for (const std::string& option : long_options_in(all_help))
    EXPECT_NE(readme.str().find(option), std::string::npos) << option << " is not in README.md";
  EXPECT_NE(readme.str().find("man httpbench"), std::string::npos);
  EXPECT_NE(readme.str().find("cmake --install build"), std::string::npos);
}

TEST(Help, CompletionsAndManualAreCommands) {
  Outcome bash = run_inprocess({"completions", "bash"});
  EXPECT_EQ(bash.code, kExitOk);
  EXPECT_NE(bash.out.find("complete -o default -F _httpbench httpbench"), std::string::npos);
  EXPECT_NE(bash.out.find("'sync threads async compare'"), std::string::npos) << bash.out;
  EXPECT_EQ(run_inprocess({"completions", "zsh"}).out.rfind("#compdef httpbench\n", 0), 0u);
  EXPECT_NE(run_inprocess({"completions", "fish"}).out.find("complete -c httpbench "),
            std::string::npos);
  expect_usage_error({"completions", "tcsh"}, "completions");
  expect_usage_error({"completions"}, "completions");
  const Outcome man = run_inprocess({"man"});
  EXPECT_EQ(man.code, kExitOk);
  EXPECT_EQ(man.out.rfind(".TH HTTPBENCH 1 ", 0), 0u) << man.out.substr(0, 200);
  for (const char* section : {".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SS Load", ".SH COMMANDS",
                              ".SH EXAMPLES", ".SH EXIT STATUS", ".SH ENVIRONMENT", "NO_COLOR"})
    EXPECT_NE(man.out.find(section), std::string::npos) << section;
  // The commands are in the help too.
  const std::string help = run_inprocess({"--help"}).out;
  EXPECT_NE(help.find("\n  completions "), std::string::npos) << help;
  EXPECT_NE(help.find("\n  man "), std::string::npos) << help;
}

TEST(Help, ProgressOptions) {
  EXPECT_EQ(parse_command_line({"http://h/"}).options.progress_style, ProgressStyle::live);
  EXPECT_EQ(parse_command_line({"--progress", "plain", "http://h/"}).options.progress_style,
            ProgressStyle::plain);
  EXPECT_EQ(parse_command_line({"--progress=none", "http://h/"}).options.progress_style,
            ProgressStyle::none);
  EXPECT_EQ(parse_command_line({"--progress", "live", "http://h/"}).options.progress_style,
            ProgressStyle::live);
  EXPECT_EQ(parse_command_line({"--no-live", "http://h/"}).options.progress_style,
            ProgressStyle::plain);
  expect_usage_error({"--progress", "fancy", "http://h/"}, "--progress");
}
