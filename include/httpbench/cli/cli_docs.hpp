// Help, manual page and shell completions, all generated from the one CLI11 definition in cli.cpp
// so that they cannot drift from the options the parser accepts.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace httpbench {

// The widest line --help prints, columns.
inline constexpr std::size_t kHelpWidth = 100;

// Puts every option of `app` in its help section (Load, Request, ...), and installs the help
// formatter on `app` and its subcommands: sections, lines wrapped within kHelpWidth, examples at
// the end of the program's help.
void arrange_help(CLI::App& app);

// The options of one help section, in the order they are listed.
struct HelpSection {
  std::string title;
  std::vector<const CLI::Option*> options;
};

// The sections of `app` in help order; positional arguments are left out.
std::vector<HelpSection> help_sections(const CLI::App& app);

// "-n, --requests" or "--keep-alive, --no-keep-alive": every spelling of the option.
std::string option_label(const CLI::Option& option);
// Every spelling as typed: "-n", "--requests"; negations ("--no-keep-alive") included.
std::vector<std::string> option_spellings(const CLI::Option& option);
// The value's name ("N", "sync|threads|async|compare"); empty for a flag.
std::string option_value_name(const CLI::Option& option);
// The fixed choices of a value named like "text|json|csv"; empty when the value is free.
std::vector<std::string> option_choices(const CLI::Option& option);
// True when the value is a path ("FILE", "PATH", "FILE.html"), for file name completion.
bool option_takes_path(const CLI::Option& option);

// The visible subcommands of `app` (serve, demo, merge, ...).
std::vector<const CLI::App*> visible_subcommands(const CLI::App& app);

// A command line shown at the end of --help and in the manual, with what it does.
struct Example {
  std::string_view what;
  std::string_view command;
};
std::span<const Example> examples();

// troff source of the manual page httpbench(1).
std::string man_page(const CLI::App& app);

// The completion script for `shell` (bash, zsh or fish). Throws UsageError for another shell.
std::string completion_script(const CLI::App& app, std::string_view shell);

}  // namespace httpbench
