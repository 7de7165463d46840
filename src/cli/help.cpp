#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <memory>
#include <utility>

#include <CLI/CLI.hpp>

#include "httpbench/cli/cli_docs.hpp"

namespace httpbench {

namespace {

// The help sections of the program's options, in order, and the options of each in the order they
// are listed (by first long name). A test checks that no option is left out of them.
struct SectionTable {
  std::string_view title;
  std::vector<std::string_view> options;
};
const std::array<SectionTable, 8>& section_table() {
  static const std::array<SectionTable, 8> kTable{{
      {"Load",
       {"mode", "compare", "requests", "duration", "rate", "concurrency", "streams", "threads",
        "warmup", "trials", "sweep", "urls"}},
      {"Request",
       {"method", "header", "body", "body-file", "content-type", "basic-auth", "http1.0", "http2",
        "follow", "follow-cross-origin", "ok-status"}},
      {"Connection",
       {"keep-alive", "timeout", "connect-timeout", "resolve", "unix-socket", "proxy", "proxy-user",
        "proxy-from-env", "max-header-size"}},
      {"TLS", {"insecure", "cacert", "cert", "key", "tls-min"}},
      {"Output",
       {"format", "json", "output", "report", "interval", "quiet", "progress", "no-live"}},
      {"CI checks", {"check", "save-baseline", "baseline", "baseline-any", "max-regression"}},
      {"Scale-out", {"shard", "start-at"}},
      {"Other", {"help", "version"}},
  }};
  return kTable;
}

// Subcommand options are listed under one section.
constexpr std::string_view kSubcommandSection = "Options";
// Where the descriptions start, and the indent of the option names.
constexpr std::size_t kDescriptionColumn = 28;
constexpr std::size_t kIndent = 2;

std::string first_long_name(const CLI::Option& option) {
  if (!option.get_lnames().empty()) return option.get_lnames().front();
  if (!option.get_snames().empty()) return option.get_snames().front();
  return option.get_name();
}

// Position of `option` in `table` ({section, place}), or none.
std::pair<std::size_t, std::size_t> place_of(const CLI::Option& option) {
  const std::string name = first_long_name(option);
  const auto& table = section_table();
  for (std::size_t s = 0; s < table.size(); ++s) {
    const auto& names = table[s].options;
    const auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end()) return {s, static_cast<std::size_t>(it - names.begin())};
  }
  return {table.size(), 0};
}

// `text` wrapped into lines of at most `width` columns, the first starting at column `first`
// (already written), the others indented to `indent`.
std::string wrap(std::string_view text, std::size_t first, std::size_t indent, std::size_t width) {
  std::string out;
  std::size_t column = first;
  bool line_empty = true;
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    if (word.empty()) continue;
    if (!line_empty && column + 1 + word.size() > width) {
      out += '\n';
      out.append(indent, ' ');
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    line_empty = false;
  }
  return out;
}

// "  -n, --requests N          requests per mode ..." with the description wrapped.
std::string help_entry(std::string_view names, std::string_view description) {
  std::string out(kIndent, ' ');
  out += names;
  if (out.size() + 2 > kDescriptionColumn) {
    out += '\n';
    out.append(kDescriptionColumn, ' ');
  } else {
    out.append(kDescriptionColumn - out.size(), ' ');
  }
  out += wrap(description, kDescriptionColumn, kDescriptionColumn, kHelpWidth);
  out += '\n';
  return out;
}

std::string option_entry(const CLI::Option& option) {
  // Long-only options line up with the long names of those that have a short one.
  std::string names = option.get_snames().empty() ? "    " : "";
  names += option_label(option);
  const std::string value = option_value_name(option);
  if (!value.empty()) names += " " + value;
  return help_entry(names, option.get_description());
}

// The command path of `app`, e.g. "httpbench serve".
std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* parent = app.get_parent(); parent; parent = parent->get_parent())
    path = parent->get_name() + " " + path;
  return path;
}

class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_help(const CLI::App* app, std::string, CLI::AppFormatMode) const override {
    std::string out;
    const bool top = app->get_parent() == nullptr;
    out += wrap(app->get_description(), 0, 0, kHelpWidth) + "\n\n";
    const std::vector<const CLI::Option*> positionals =
        app->get_options([](const CLI::Option* o) { return o->get_positional(); });
    std::string usage = "Usage: " + command_path(*app) + " [OPTIONS]";
    for (const CLI::Option* p : positionals)
      usage += " " + p->get_type_name();
    out += usage + "\n";
    const std::vector<const CLI::App*> subs = visible_subcommands(*app);
    if (top && !subs.empty()) out += "       " + command_path(*app) + " COMMAND [OPTIONS]\n";
    if (!positionals.empty()) {
      out += "\nArguments:\n";
      for (const CLI::Option* p : positionals)
        out += help_entry(p->get_type_name(), p->get_description());
    }
    if (!subs.empty()) {
      out += "\nCommands:\n";
      for (const CLI::App* sub : subs)
        out += help_entry(sub->get_name(), sub->get_description());
    }
    for (const HelpSection& section : help_sections(*app)) {
      out += "\n" + section.title + ":\n";
      for (const CLI::Option* option : section.options)
        out += option_entry(*option);
    }
    if (top) {
      out += "\nExamples:\n";
      for (const Example& e : examples()) {
        out += "  # " + wrap(e.what, 4, 4, kHelpWidth) + "\n";
        out += "  " + wrap(e.command, 2, 4, kHelpWidth) + "\n";
      }
      out += "\n" +
             wrap(
                 "The manual page httpbench(1) is the reference (man httpbench); "
                 "`httpbench completions bash|zsh|fish` prints a completion script.",
                 0, 0, kHelpWidth) +
             "\n";
    }
    return out;
  }
};

void set_formatter(CLI::App& app, const std::shared_ptr<HelpFormatter>& formatter) {
  app.formatter(formatter);
  // CLI11's own descriptions, in the house style of the others.
  if (CLI::Option* help = app.get_help_ptr()) help->description("print this help and exit");
  if (CLI::Option* version = app.get_option_no_throw("--version"))
    version->description("print the version and exit");
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    set_formatter(*sub, formatter);
}

}  // namespace

std::vector<HelpSection> help_sections(const CLI::App& app) {
  std::vector<const CLI::Option*> options =
      app.get_options([](const CLI::Option* o) { return !o->get_positional(); });
  std::vector<HelpSection> sections;
  if (app.get_parent() != nullptr) {
    sections.push_back({std::string(kSubcommandSection), options});
    return sections;
  }
  const auto& table = section_table();
  std::stable_sort(options.begin(), options.end(), [](const CLI::Option* a, const CLI::Option* b) {
    return place_of(*a) < place_of(*b);
  });
  for (const CLI::Option* option : options) {
    // Options missing from the table get a section named by their CLI11 group, at the end.
    const std::size_t s = place_of(*option).first;
    const std::string title =
        s < table.size() ? std::string(table[s].title) : std::string(option->get_group());
    if (sections.empty() || sections.back().title != title) sections.push_back({title, {}});
    sections.back().options.push_back(option);
  }
  return sections;
}

std::vector<std::string> option_spellings(const CLI::Option& option) {
  std::vector<std::string> names;
  const auto add = [&](std::string name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (const std::string& s : option.get_snames())
    add("-" + s);
  for (const std::string& l : option.get_lnames())
    add("--" + l);
  for (const std::string& f : option.get_fnames())
    add(f.size() == 1 ? "-" + f : "--" + f);
  return names;
}

std::string option_label(const CLI::Option& option) {
  std::string label;
  for (const std::string& name : option_spellings(option))
    label += (label.empty() ? "" : ", ") + name;
  return label;
}

std::string option_value_name(const CLI::Option& option) {
  if (option.get_type_size_max() == 0 || option.get_positional()) return {};
  return option.get_type_name();
}

std::vector<std::string> option_choices(const CLI::Option& option) {
  const std::string value =
      option.get_positional() ? option.get_type_name() : option_value_name(option);
  if (value.find('|') == std::string::npos) return {};
  std::vector<std::string> choices;
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t bar = std::min(value.find('|', start), value.size());
    choices.push_back(value.substr(start, bar - start));
    start = bar + 1;
  }
  // "auto|LIST": a placeholder in capitals means the value is free.
  for (const std::string& c : choices) {
    if (std::any_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
      return {};
    }
  }
  return choices;
}

bool option_takes_path(const CLI::Option& option) {
  const std::string value = option_value_name(option);
  return value.rfind("FILE", 0) == 0 || value == "PATH";
}

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

std::span<const Example> examples() {
  static constexpr Example kExamples[] = {
      {"a local target to try it on: answers after 10 ms", "httpbench serve --delay 10ms &"},
      {"50 connections for 10 seconds", "httpbench -c 50 -d 10s http://127.0.0.1:8080/"},
      {"the three clients side by side, 2000 requests each",
       "httpbench --compare sync,threads,async -n 2000 http://127.0.0.1:8080/"},
      {"500 requests per second for 30 seconds; exit 1 when p99 is over 200 ms",
       "httpbench -r 500 -d 30s --check 'p99<200ms' http://127.0.0.1:8080/"},
      {"JSON on stdout and an HTML report with charts",
       "httpbench -d 10s --json --report run.html http://127.0.0.1:8080/ > run.json"},
  };
  return kExamples;
}

void arrange_help(CLI::App& app) {
  const auto& table = section_table();
  for (CLI::Option* option : app.get_options()) {
    const std::size_t s = place_of(*option).first;
    if (s < table.size()) option->group(std::string(table[s].title));
  }
  set_formatter(app, std::make_shared<HelpFormatter>());
}

}  // namespace httpbench
