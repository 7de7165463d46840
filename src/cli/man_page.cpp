#include <CLI/CLI.hpp>

#include "httpbench/cli/cli_docs.hpp"
#include "httpbench/version.hpp"

namespace httpbench {

namespace {

// Text for a troff line: backslashes and hyphens escaped (a bare '-' may render as a hyphen that
// breaks lines and does not copy), and a leading '.' or '\'' kept from being read as a request.
std::string roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
  return out;
}

// ".TP" entry: bold names, italic value, the description below.
std::string option_item(const CLI::Option& option) {
  std::string names;
  for (const std::string& name : option_spellings(option))
    names += (names.empty() ? "\\fB" : ", \\fB") + roff(name) + "\\fR";
  const std::string value = option_value_name(option);
  if (!value.empty()) names += " \\fI" + roff(value) + "\\fR";
  return ".TP\n" + names + "\n" + roff(option.get_description()) + "\n";
}

std::string options_of(const CLI::App& app, const char* heading) {
  std::string out;
  for (const HelpSection& section : help_sections(app)) {
    out += std::string(heading) + " " + roff(section.title) + "\n";
    for (const CLI::Option* option : section.options)
      out += option_item(*option);
  }
  return out;
}

}  // namespace

std::string man_page(const CLI::App& app) {
  std::string out;
  // No hyphenation and ragged right: option names stay whole, so they can be searched for.
  out += ".TH HTTPBENCH 1 \"\" \"httpbench " + roff(kVersion) + "\" \"User Commands\"\n";
  out += ".nh\n.ad l\n";
  out +=
      ".SH NAME\nhttpbench \\- HTTP load benchmarker comparing sync, threads and async "
      "clients\n";
  out += ".SH SYNOPSIS\n\\fBhttpbench\\fR [\\fIOPTIONS\\fR] \\fIURL\\fR\n.br\n";
  out += "\\fBhttpbench\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n";
  out += ".SH DESCRIPTION\n";
  out += roff(
             "httpbench sends HTTP/1.1 requests to URL from a blocking client (sync), a thread per "
             "connection (threads) or an event loop (async), and reports throughput, latency "
             "percentiles, errors by kind and, with --compare, the speedup of each mode. With "
             "--rate the load is an open loop and latency is measured from the intended send time. "
             "When stderr is a terminal a live view shows the run as it goes (see --progress).") +
         "\n";
  out += ".PP\n" +
         roff(
             "With --http2 every request goes over HTTP/2: h2 by ALPN over https, h2c with prior "
             "knowledge over http, never a fallback to HTTP/1.1. -c stays the requests in flight "
             "and --streams M the streams in flight per connection, so httpbench -c 40 --streams "
             "8 opens 5 connections, as h2load -c 5 -m 8 and oha -c 5 -p 8 do. --compare "
             "async,async:h2 compares HTTP/1.1 with HTTP/2 on the same target.") +
         "\n";
  out += ".SH OPTIONS\n.SS Arguments\n";
  for (const CLI::Option* p :
       app.get_options([](const CLI::Option* o) { return o->get_positional(); })) {
    out += ".TP\n\\fI" + roff(p->get_type_name()) + "\\fR\n" + roff(p->get_description()) + "\n";
  }
  out += options_of(app, ".SS");
  out += ".SH COMMANDS\n";
  for (const CLI::App* sub : visible_subcommands(app)) {
    out += ".SS \"httpbench " + roff(sub->get_name());
    for (const CLI::Option* p :
         sub->get_options([](const CLI::Option* o) { return o->get_positional(); }))
      out += " " + roff(p->get_type_name());
    out += "\"\n" + roff(sub->get_description()) + ".\n";
    for (const CLI::Option* option :
         sub->get_options([](const CLI::Option* o) { return !o->get_positional(); }))
      out += option_item(*option);
  }
  out += ".SH EXAMPLES\n";
  for (const Example& e : examples()) {
    out += ".PP\n" + roff(e.what) + ":\n.RS\n.nf\n" + roff(e.command) + "\n.fi\n.RE\n";
  }
  out += R"(.SH ENVIRONMENT
.TP
\fBNO_COLOR\fR
When set (to anything), the live view is drawn without colour.
.TP
\fBhttp_proxy\fR, \fBhttps_proxy\fR, \fBno_proxy\fR
Read with \fB\-\-proxy\-from\-env\fR (either case).
.TP
\fBHTTPBENCH_SHARD\fR, \fBJOB_COMPLETION_INDEX\fR, \fBHTTPBENCH_SHARDS\fR
The shard to run when \fB\-\-shard\fR is not given.
.SH EXIT STATUS
.TP
0
Every mode ran and no request failed (failures within an \fBerrors<\fR check pass).
.TP
1
The run finished, but a request failed, a \fB\-\-check\fR failed or a regression beyond \fB\-\-max\-regression\fR was found.
.TP
2
A usage error: a bad option, URL, host or file.
.TP
130
Interrupted with Ctrl\-C; the partial results were still printed.
.SH FILES
Shell completions are installed for bash (\fIshare/bash\-completion/completions/httpbench\fR), zsh (\fIshare/zsh/vendor\-completions/_httpbench\fR) and fish (\fIshare/fish/vendor_completions.d/httpbench.fish\fR); \fBhttpbench completions\fR \fISHELL\fR prints them.
.SH SEE ALSO
\fBcurl\fR(1), \fBwrk\fR(1), \fBab\fR(1)
)";
  return out;
}

}  // namespace httpbench
