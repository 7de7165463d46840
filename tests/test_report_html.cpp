// --report FILE.html: the document is well-formed XML (a strict checker below, which fails on
// unbalanced tags), self-contained, has one chart per section with axes in the right units, and
// the values on its marks are the JSON results'; with --baseline the saved runs are drawn too;
// `httpbench merge --report` works; and headless Chromium (when installed) renders it.
#include "httpbench/report/report_html.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <boost/json/parse.hpp>

#include "httpbench/cli/cli.hpp"
#include "httpbench/cli/describe_run.hpp"
#include "httpbench/codec/url.hpp"
#include "httpbench/report/svg.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

// ---- a small strict XML reader -----------------------------------------------------------------

struct Element {
  std::string name;
  std::map<std::string, std::string> attributes;
  // Text directly inside, entities decoded (children's text not included).
  std::string text;
  int parent = -1;
  std::vector<int> children;

  std::string attr(const std::string& key) const {
    const auto it = attributes.find(key);
    return it == attributes.end() ? std::string{} : it->second;
  }
  bool has(const std::string& key) const { return attributes.count(key) != 0; }
};

struct Document {
  std::vector<Element> elements;

  // Every element (in document order) named `name` under `root` (-1: anywhere).
  std::vector<int> find(const std::string& name, int root = -1) const {
    std::vector<int> out;
    for (int i = 0; i < static_cast<int>(elements.size()); ++i) {
      if (elements[static_cast<std::size_t>(i)].name == name && (root < 0 || inside(i, root))) {
        out.push_back(i);
      }
    }
    return out;
  }
  bool inside(int i, int root) const {
    for (int p = elements[static_cast<std::size_t>(i)].parent; p >= 0;
         p = elements[static_cast<std::size_t>(p)].parent) {
      if (p == root) return true;
    }
    return false;
  }
  const Element& at(int i) const { return elements[static_cast<std::size_t>(i)]; }
  // All text inside element i, children included.
  std::string all_text(int i) const {
    std::string t = at(i).text;
    for (int c : at(i).children)
      t += all_text(c);
    return t;
  }
};

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
         c == '.';
}

// Decodes the five XML entities and numeric references; throws on anything else.
std::string decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') throw std::runtime_error("raw '<' in text or attribute");
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) throw std::runtime_error("unterminated entity");
    const std::string_view e = s.substr(i + 1, semi - i - 1);
    if (e == "amp") {
      out += '&';
    } else if (e == "lt") {
      out += '<';
    } else if (e == "gt") {
      out += '>';
    } else if (e == "quot") {
      out += '"';
    } else if (e == "apos") {
      out += '\'';
    } else if (e == "#39") {
      out += '\'';
    } else if (e.size() > 1 && e[0] == '#') {
      out += '?';
    } else {
      throw std::runtime_error("unknown entity &" + std::string(e) + ";");
    }
    i = semi;
  }
  return out;
}

// Parses `text` as XML (an optional <!DOCTYPE html> first). Throws std::runtime_error naming the
// problem: unbalanced or crossed tags, unquoted or duplicate attributes, stray '<' or '&', text
// outside the root, more than one root.
Document parse_xml(const std::string& text) {
  Document doc;
  std::size_t i = 0;
  auto fail = [&](const std::string& why) {
    throw std::runtime_error(why + " at offset " + std::to_string(i));
  };
  if (text.rfind("<!DOCTYPE html>", 0) == 0) i = std::string("<!DOCTYPE html>").size();
  int current = -1;
  bool root_closed = false;
  while (i < text.size()) {
    const std::size_t lt = text.find('<', i);
    const std::string_view chunk(text.data() + i, (lt == std::string::npos ? text.size() : lt) - i);
    if (current >= 0) {
      doc.elements[static_cast<std::size_t>(current)].text += decode(chunk);
    } else if (chunk.find_first_not_of(" \n\r\t") != std::string_view::npos) {
      fail("text outside the root element");
    }
    if (lt == std::string::npos) break;
    i = lt;
    if (text.compare(i, 4, "<!--") == 0) {
      const std::size_t end = text.find("-->", i);
      if (end == std::string::npos) fail("unterminated comment");
      i = end + 3;
      continue;
    }
    if (text.compare(i, 2, "</") == 0) {
      std::size_t j = i + 2;
      while (j < text.size() && name_char(text[j]))
        ++j;
      const std::string name = text.substr(i + 2, j - i - 2);
      while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j])))
        ++j;
      if (j >= text.size() || text[j] != '>') fail("malformed end tag");
      if (current < 0 || doc.at(current).name != name) {
        fail("end tag </" + name + "> does not close <" +
             (current < 0 ? std::string("nothing") : doc.at(current).name) + ">");
      }
      current = doc.at(current).parent;
      if (current < 0) root_closed = true;
      i = j + 1;
      continue;
    }
    // A start tag.
    std::size_t j = i + 1;
    while (j < text.size() && name_char(text[j]))
      ++j;
    Element e;
    e.name = text.substr(i + 1, j - i - 1);
    if (e.name.empty()) fail("'<' not starting a tag");
    bool self_closing = false;
    for (;;) {
      const std::size_t before = j;
      while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j])))
        ++j;
      if (j >= text.size()) fail("unterminated tag");
      if (text[j] == '>') {
        ++j;
        break;
      }
      if (text.compare(j, 2, "/>") == 0) {
        self_closing = true;
        j += 2;
        break;
      }
      if (j == before) fail("attributes not separated by space");
      std::size_t k = j;
      while (k < text.size() && name_char(text[k]))
        ++k;
      const std::string key = text.substr(j, k - j);
      if (key.empty() || k >= text.size() || text[k] != '=' || k + 1 >= text.size() ||
          text[k + 1] != '"') {
        fail("attribute without a double-quoted value in <" + e.name + ">");
      }
      const std::size_t close = text.find('"', k + 2);
      if (close == std::string::npos) fail("unterminated attribute value");
      if (!e.attributes.emplace(key, decode(std::string_view(text).substr(k + 2, close - k - 2)))
               .second) {
        fail("duplicate attribute " + key);
      }
      j = close + 1;
    }
    if (current < 0 && (root_closed || !doc.elements.empty())) fail("second root element");
    e.parent = current;
    doc.elements.push_back(std::move(e));
    const int index = static_cast<int>(doc.elements.size()) - 1;
    if (current >= 0) doc.elements[static_cast<std::size_t>(current)].children.push_back(index);
    if (!self_closing) {
      current = index;
    } else if (current < 0) {
      root_closed = true;
    }
    i = j;
  }
  if (current >= 0) fail("unclosed <" + doc.at(current).name + ">");
  if (doc.elements.empty()) fail("no root element");
  return doc;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double number(const std::string& text) {
  EXPECT_FALSE(text.empty());
  return std::strtod(text.c_str(), nullptr);
}

double json_number(const json::value& v) {
  return v.to_number<double>();
}

// The section with this id and the one chart in it.
int section(const Document& d, const std::string& id) {
  for (int s : d.find("section")) {
    if (d.at(s).attr("id") == id) return s;
  }
  ADD_FAILURE() << "no section " << id;
  return -1;
}

int only_chart(const Document& d, const std::string& id) {
  const int s = section(d, id);
  if (s < 0) return -1;
  const std::vector<int> svgs = d.find("svg", s);
  EXPECT_EQ(svgs.size(), 1u) << id;
  if (svgs.empty()) return -1;
  EXPECT_EQ(d.at(svgs[0]).attr("class"), "chart");
  return svgs[0];
}

std::string axis_label(const Document& d, int chart, const std::string& cls) {
  for (int t : d.find("text", chart)) {
    if (d.at(t).attr("class").find(cls) != std::string::npos) return d.all_text(t);
  }
  return {};
}

// The <g class="series"> of `label` in `chart`.
int series_group(const Document& d, int chart, const std::string& label) {
  for (int g : d.find("g", chart)) {
    if (d.at(g).attr("class") == "series" && d.at(g).attr("data-series") == label) return g;
  }
  return -1;
}

std::vector<int> marks(const Document& d, int group) {
  std::vector<int> out;
  for (std::size_t i = 0; i < d.elements.size(); ++i) {
    if (d.inside(static_cast<int>(i), group) && d.elements[i].attr("class") == "mark") {
      out.push_back(static_cast<int>(i));
    }
  }
  return out;
}

const json::object& run_of(const json::value& doc, const std::string& mode) {
  for (const json::value& r : doc.at("runs").as_array()) {
    if (r.at("mode").as_string() == mode) return r.as_object();
  }
  throw std::runtime_error("no run " + mode);
}

// The JSON timeline entry starting at t_s.
const json::object* slot_at(const json::object& run, double t_s) {
  for (const json::value& s : run.at("timeline").as_array()) {
    if (std::abs(json_number(s.at("t_s")) - t_s) < 1e-9) return &s.as_object();
  }
  return nullptr;
}

// Checks every value drawn for `label` against the JSON run `run`.
void expect_marks_match_json(const Document& d, const std::string& label, const json::object& run) {
  SCOPED_TRACE(label);
  const json::object& latency = run.at("latency_ms").as_object();
  // Spectrum: the group's percentiles and one mark per percentile.
  const int spectrum = only_chart(d, "percentile-spectrum");
  const int g = series_group(d, spectrum, label);
  ASSERT_GE(g, 0);
  EXPECT_DOUBLE_EQ(number(d.at(g).attr("data-p50")), json_number(latency.at("p50")));
  EXPECT_DOUBLE_EQ(number(d.at(g).attr("data-p99")), json_number(latency.at("p99")));
  EXPECT_DOUBLE_EQ(number(d.at(g).attr("data-p99_9")), json_number(latency.at("p99_9")));
  const std::map<std::string, std::string> keys{
      {"50", "p50"}, {"90", "p90"}, {"99", "p99"}, {"99.9", "p99_9"}, {"99.99", "p99_99"}};
  const std::vector<int> spectrum_marks = marks(d, g);
  EXPECT_EQ(spectrum_marks.size(), keys.size());
  for (int m : spectrum_marks) {
    const std::string q = d.at(m).attr("data-q");
    ASSERT_TRUE(keys.count(q)) << q;
    EXPECT_DOUBLE_EQ(number(d.at(m).attr("data-ms")), json_number(latency.at(keys.at(q))));
  }
  // Distribution: the count and the p50/p99 marks.
  const int dist = series_group(d, only_chart(d, "latency-distribution"), label);
  ASSERT_GE(dist, 0);
  EXPECT_EQ(number(d.at(dist).attr("data-count")), json_number(run.at("succeeded")));
  EXPECT_DOUBLE_EQ(number(d.at(dist).attr("data-p99")), json_number(latency.at("p99")));
  // Over time: every point is a JSON slot.
  const int tp = series_group(d, only_chart(d, "throughput"), label);
  ASSERT_GE(tp, 0);
  const std::vector<int> tp_marks = marks(d, tp);
  EXPECT_FALSE(tp_marks.empty());
  for (int m : tp_marks) {
    const json::object* s = slot_at(run, number(d.at(m).attr("data-t")));
    ASSERT_NE(s, nullptr) << d.at(m).attr("data-t");
    const double requests = json_number(s->at("completed")) + json_number(s->at("errors"));
    EXPECT_DOUBLE_EQ(number(d.at(m).attr("data-rps")), requests / json_number(s->at("span_s")));
    EXPECT_EQ(number(d.at(m).attr("data-errors")), json_number(s->at("errors")));
  }
  const int p99 = series_group(d, only_chart(d, "latency-over-time"), label);
  ASSERT_GE(p99, 0);
  std::size_t with_responses = 0;
  for (const json::value& s : run.at("timeline").as_array()) {
    if (json_number(s.at("completed")) > 0) ++with_responses;
  }
  const std::vector<int> p99_marks = marks(d, p99);
  // Every slot with responses is drawn, but a short last one.
  EXPECT_GE(p99_marks.size() + 1, with_responses);
  for (int m : p99_marks) {
    const json::object* s = slot_at(run, number(d.at(m).attr("data-t")));
    ASSERT_NE(s, nullptr);
    EXPECT_DOUBLE_EQ(number(d.at(m).attr("data-p99")), json_number(s->at("p99_ms")));
    EXPECT_DOUBLE_EQ(number(d.at(m).attr("data-p50")), json_number(s->at("p50_ms")));
  }
  // The summary row.
  for (int tr : d.find("tr")) {
    if (d.at(tr).attr("data-series") != label) continue;
    EXPECT_DOUBLE_EQ(number(d.at(tr).attr("data-rps")), json_number(run.at("rps")));
    EXPECT_DOUBLE_EQ(number(d.at(tr).attr("data-p99")), json_number(latency.at("p99")));
  }
}

// Nothing in the document is fetched or run.
void expect_self_contained(const std::string& html) {
  for (const char* banned : {"<script", "src=", "href=", "@import", "<link", "@font-face",
                             "<iframe", "<object", "<img"}) {
    EXPECT_EQ(html.find(banned), std::string::npos) << banned;
  }
  for (std::size_t at = html.find("url("); at != std::string::npos; at = html.find("url(", at + 1))
    EXPECT_EQ(html.compare(at, 5, "url(#"), 0) << "only references inside the document";
}

}  // namespace

TEST(HtmlChecker, RejectsMalformedDocuments) {
  EXPECT_NO_THROW(parse_xml("<!DOCTYPE html>\n<a x=\"1\"><b/>t &amp; &#215;<c></c></a>\n"));
  for (const char* bad : {"<a><b></a></b>", "<a><b></a>", "<a></a></a>", "<a>", "<a x=1></a>",
                          "<a x=\"1\" x=\"2\"></a>", "<a>1 < 2</a>", "<a>&nbsp;</a>",
                          "<a></a><b></b>", "text<a></a>", "<a x=\"1\"y=\"2\"></a>"}) {
    EXPECT_THROW(parse_xml(bad), std::runtime_error) << bad;
  }
}

TEST(HtmlReport, EmptyRunsAndHostileTextStayWellFormed) {
  Report report;
  report.version = "0.1.0";
  Options options;
  options.target = parse_target("http://127.0.0.1:1/search?a=1&b=2");
  options.headers.push_back({"X-Note", "<b>\"quoted\" & 'single'</b>"});
  report.description = describe_run(options);
  RunResult failed;
  failed.mode = Mode::async;
  failed.requests = failed.failed = 3;
  failed.errors[static_cast<std::size_t>(ErrorKind::connect)] = 3;
  failed.error_examples[static_cast<std::size_t>(ErrorKind::connect)] = "refused <&> \"now\"";
  report.runs.push_back(failed);  // no response, no timeline
  const std::string html = format_html(report);
  Document d;
  ASSERT_NO_THROW(d = parse_xml(html)) << html;
  expect_self_contained(html);
  options.basic_auth = "alice:secret";
  report.description = describe_run(options);
  const std::string with_auth = format_html(report);
  EXPECT_EQ(with_auth.find("YWxpY2U6c2VjcmV0"), std::string::npos) << "credentials are redacted";
  EXPECT_NE(with_auth.find("Authorization: ***"), std::string::npos);
  EXPECT_NE(html.find("a=1&amp;b=2"), std::string::npos);
  for (const char* id :
       {"latency-distribution", "percentile-spectrum", "throughput", "latency-over-time"}) {
    const int chart = only_chart(d, id);
    ASSERT_GE(chart, 0);
    bool no_data = false;
    for (int t : d.find("text", chart))
      no_data = no_data || d.at(t).attr("class") == "no-data";
    EXPECT_TRUE(no_data) << id;
  }
  EXPECT_NE(d.all_text(section(d, "errors")).find("refused <&> \"now\""), std::string::npos);
  EXPECT_NE(d.all_text(section(d, "status-codes")).find("No response"), std::string::npos);
}

TEST(Svg, TicksAndScales) {
  const auto lin = svg::linear_ticks(0, 93, 5, " ms");
  ASSERT_FALSE(lin.empty());
  EXPECT_EQ(lin.front().label, "0 ms");
  EXPECT_GE(lin.back().value, 93);
  EXPECT_EQ(lin[1].value, 20);
  const auto log = svg::log_ticks(0.8, 1200);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.front().label, "1");
  EXPECT_EQ(log.back().label, "1000");
  const svg::Scale s{1, 100, 0, 200, true};
  EXPECT_DOUBLE_EQ(s(10), 100);
  EXPECT_EQ(svg::escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
  // Every style differs from the others in colour, dash pattern and marker.
  for (std::size_t i = 0; i < 6; ++i) {
    for (std::size_t j = i + 1; j < 6; ++j) {
      EXPECT_NE(svg::series_style(i).colour, svg::series_style(j).colour);
      EXPECT_NE(svg::series_style(i).dash, svg::series_style(j).dash);
      EXPECT_NE(svg::series_style(i).marker, svg::series_style(j).marker);
    }
  }
}

TEST(HtmlReport, WellFormedChartsWithUnitsAndTheJsonValues) {
  auto server = start_server(3ms);
  const std::string html_path = private_temp_path("report.html");
  const std::string json_path = private_temp_path("report.json");
  Outcome o =
      run_inprocess({"--compare", "sync,threads,async", "-d", "500ms", "-c", "4", "--interval",
                     "100ms", "--report", html_path, "-o", json_path, server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const std::string html = read_text(html_path);
  Document d;
  ASSERT_NO_THROW(d = parse_xml(html));
  EXPECT_EQ(d.at(0).name, "html");
  expect_self_contained(html);

  // One chart per section, axes labelled in their units.
  const std::map<std::string, std::pair<std::string, std::string>> units{
      {"latency-distribution", {"ms", "%"}},
      {"percentile-spectrum", {"percentile", "ms"}},
      {"throughput", {"(s)", "requests/s"}},
      {"latency-over-time", {"(s)", "ms"}}};
  for (const auto& [id, xy] : units) {
    SCOPED_TRACE(id);
    const int chart = only_chart(d, id);
    ASSERT_GE(chart, 0);
    EXPECT_NE(axis_label(d, chart, "x-label").find(xy.first), std::string::npos);
    EXPECT_NE(axis_label(d, chart, "y-label").find(xy.second), std::string::npos);
    // Every mode has its line, told apart by colour and by dash pattern or marker.
    for (const char* mode : {"sync", "threads", "async"})
      EXPECT_GE(series_group(d, chart, mode), 0) << mode;
  }
  EXPECT_EQ(d.find("svg").size(), 4u);

  const json::value doc = json::parse(read_text(json_path));
  for (const char* mode : {"sync", "threads", "async"})
    expect_marks_match_json(d, mode, run_of(doc, mode));

  // The headline: each speedup as the JSON has it.
  std::size_t headlines = 0;
  for (int p : d.find("p")) {
    if (d.at(p).attr("class") != "headline") continue;
    ++headlines;
    const std::string mode = d.at(p).attr("data-mode");
    EXPECT_DOUBLE_EQ(number(d.at(p).attr("data-speedup")),
                     json_number(doc.at("comparison").at("speedup").at(mode)));
    EXPECT_NE(d.all_text(p).find("faster than sync"), std::string::npos);
  }
  EXPECT_EQ(headlines, 2u);
  // Status codes, errors, options and reproducibility.
  EXPECT_NE(d.all_text(section(d, "status-codes")).find("200"), std::string::npos);
  EXPECT_NE(d.all_text(section(d, "errors")).find("No request failed"), std::string::npos);
  const std::string options = d.all_text(section(d, "options"));
  for (const char* fact : {"0.1.0", "--compare sync,threads,async", "--interval 100ms", "UTC",
                           "User-Agent: httpbench/"}) {
    EXPECT_NE(options.find(fact), std::string::npos) << fact;
  }
  EXPECT_NE(options.find(server->url()), std::string::npos);

  // Where the time went: each mode's phases and requests in flight as the JSON has them.
  const int why = section(d, "why");
  ASSERT_GE(why, 0);
  std::size_t ttfb_cells = 0;
  std::size_t in_flight_cells = 0;
  std::size_t column = 0;
  const char* modes[] = {"sync", "threads", "async"};
  for (int td : d.find("td", why)) {
    if (const std::string v = d.at(td).attr("data-ttfb-mean"); !v.empty()) {
      const json::value& run = run_of(doc, modes[ttfb_cells % 3]);
      EXPECT_DOUBLE_EQ(number(v), json_number(run.at("phases_ms").at("ttfb").at("mean")));
      ++ttfb_cells;
    }
    if (const std::string v = d.at(td).attr("data-in-flight"); !v.empty()) {
      const json::value& run = run_of(doc, modes[column++ % 3]);
      EXPECT_DOUBLE_EQ(number(v), json_number(run.at("concurrency").at("achieved_mean")));
      ++in_flight_cells;
    }
  }
  EXPECT_EQ(ttfb_cells, 3u);
  EXPECT_EQ(in_flight_cells, 3u);
}

TEST(HtmlReport, TrialsGiveTheSpeedupInterval) {
  auto server = start_server(2ms);
  const std::string html_path = private_temp_path("trials.html");
  Outcome o = run_inprocess({"--compare", "sync,async", "-n", "20", "-c", "4", "--trials", "3",
                             "--report", html_path, "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const json::value doc = json::parse(o.out);
  const Document d = parse_xml(read_text(html_path));
  int headline = -1;
  for (int p : d.find("p")) {
    if (d.at(p).attr("class") == "headline") headline = p;
  }
  ASSERT_GE(headline, 0);
  const json::value& speedup = doc.at("trials").at("speedup").at("async");
  EXPECT_DOUBLE_EQ(number(d.at(headline).attr("data-speedup")), json_number(speedup.at("median")));
  EXPECT_DOUBLE_EQ(number(d.at(headline).attr("data-low")), json_number(speedup.at("low")));
  EXPECT_DOUBLE_EQ(number(d.at(headline).attr("data-high")), json_number(speedup.at("high")));
  EXPECT_NE(d.all_text(headline).find("75% CI"), std::string::npos) << d.all_text(headline);
  // The three trials follow each other on the time axis: every response is on it.
  const json::object& async = run_of(doc, "async");
  std::uint64_t completed = 0;
  for (const json::value& s : async.at("timeline").as_array())
    completed += s.at("completed").to_number<std::uint64_t>();
  EXPECT_EQ(completed, 60u);
}

TEST(HtmlReport, ErrorsAreMarkedWhereTheyHappened) {
  auto server = start_server(200ms);
  const std::string html_path = private_temp_path("errors.html");
  Outcome o = run_inprocess({"--mode", "async", "-n", "6", "-c", "3", "--timeout", "50ms",
                             "--interval", "20ms", "--report", html_path, "--json", server->url()});
  ASSERT_EQ(o.code, kExitFailures) << o.err;
  const json::value doc = json::parse(o.out);
  const json::object& run = run_of(doc, "async");
  const Document d = parse_xml(read_text(html_path));
  std::map<double, double> marked;  // t_s -> errors, from the throughput chart
  const int chart = only_chart(d, "throughput");
  for (int p : d.find("path", chart)) {
    if (d.at(p).attr("class") == "error-mark") {
      marked[number(d.at(p).attr("data-t"))] += number(d.at(p).attr("data-errors"));
    }
  }
  double json_errors = 0;
  for (const json::value& s : run.at("timeline").as_array()) {
    const double e = json_number(s.at("errors"));
    if (e == 0) continue;
    json_errors += e;
    const double t = json_number(s.at("t_s"));
    if (json_number(s.at("span_s")) * 4 >= 0.02) {
      EXPECT_EQ(marked[t], e) << "t " << t;
    }
  }
  EXPECT_EQ(json_errors, 6);
  EXPECT_FALSE(marked.empty());
  const std::string errors = d.all_text(section(d, "errors"));
  EXPECT_NE(errors.find("timeout"), std::string::npos) << errors;
}

TEST(HtmlReport, BaselineRunsAreDrawnBesideTheCurrentOnes) {
  auto server = start_server(2ms);
  const std::string saved = private_temp_path("baseline-saved.json");
  Outcome first = run_inprocess({"--compare", "sync,async", "-n", "30", "-c", "4", "--interval",
                                 "50ms", "--quiet", "--save-baseline", saved, server->url()});
  ASSERT_EQ(first.code, kExitOk) << first.err;
  const std::string html_path = private_temp_path("baseline.html");
  Outcome o = run_inprocess({"--compare", "sync,async", "-n", "30", "-c", "4", "--interval", "50ms",
                             "--quiet", "--baseline", saved, "--report", html_path, server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const Document d = parse_xml(read_text(html_path));
  const json::value base = json::parse(read_text(saved));
  for (const char* mode : {"sync", "async"})
    expect_marks_match_json(d, std::string("baseline ") + mode, run_of(base, mode));
  for (const char* id : {"latency-distribution", "throughput"})
    EXPECT_GE(series_group(d, only_chart(d, id), "async"), 0);
  EXPECT_FALSE(d.find("table").empty());
  EXPECT_NE(d.all_text(section(d, "headline")).find("Against the baseline"), std::string::npos);
}

TEST(HtmlReport, MergeWritesTheReportOfTheMergedRuns) {
  auto server = start_server(2ms);
  const std::string a = private_temp_path("merge-a.json");
  const std::string b = private_temp_path("merge-b.json");
  for (const std::string& path : {a, b}) {
    Outcome o = run_inprocess({"--mode", "async", "-n", "40", "-c", "4", "--interval", "50ms",
                               "--quiet", "-o", path, server->url()});
    ASSERT_EQ(o.code, kExitOk) << o.err;
  }
  const std::string html_path = private_temp_path("merged.html");
  const std::string merged_json = private_temp_path("merged.json");
  Outcome o = run_inprocess({"merge", a, b, "--report", html_path, "-o", merged_json});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const Document d = parse_xml(read_text(html_path));
  const json::value doc = json::parse(read_text(merged_json));
  const json::object& run = run_of(doc, "async");
  std::uint64_t completed = 0;
  for (const json::value& s : run.at("timeline").as_array())
    completed += s.at("completed").to_number<std::uint64_t>();
  EXPECT_EQ(completed, 80u);
  expect_marks_match_json(d, "async", run);
  EXPECT_NE(d.all_text(section(d, "options")).find("merge-a.json"), std::string::npos);
}

// ---- the browser check -----------------------------------------------------------------------

namespace {

struct PngInfo {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  // Bytes of compressed image data (all IDAT chunks).
  std::uint64_t idat_bytes = 0;
};

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

std::optional<PngInfo> read_png(const std::string& path) {
  const std::string png = read_text(path);
  if (png.size() < 33 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return std::nullopt;
  PngInfo info;
  for (std::size_t at = 8; at + 8 <= png.size();) {
    const std::uint32_t length = be32(png, at);
    const std::string type = png.substr(at + 4, 4);
    if (type == "IHDR") {
      info.width = be32(png, at + 8);
      info.height = be32(png, at + 12);
    } else if (type == "IDAT") {
      info.idat_bytes += length;
    }
    at += 12 + static_cast<std::size_t>(length);
  }
  return info;
}

// Renders `html` to `png` with headless Chromium as the README says; returns its exit status.
int screenshot(const std::string& html, const std::string& png, const std::string& profile) {
  std::filesystem::remove_all(profile);
  std::filesystem::create_directories(profile);
  const std::string command =
      "timeout 90 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic "
      "--no-first-run --disable-background-networking --disable-component-update --disable-sync "
      "--user-data-dir=" +
      profile + " --window-size=1200,2000 --screenshot=" + png + " file://" + html +
      " >/dev/null 2>&1";
  return std::system(command.c_str());
}

}  // namespace

TEST(HtmlReport, ChromiumRendersIt) {
  if (!std::filesystem::exists("/usr/bin/chromium")) {
    GTEST_SKIP() << "/usr/bin/chromium is not installed: browser rendering check skipped "
                    "(scripts/install-deps.sh installs it)";
  }
  auto server = start_server(2ms);
  const std::string html = std::filesystem::absolute(private_temp_path("render.html"));
  Outcome o = run_inprocess({"--compare", "sync,async", "-d", "400ms", "-c", "4", "--interval",
                             "50ms", "--quiet", "--report", html, server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const std::string blank = std::filesystem::absolute(private_temp_path("blank.html"));
  std::ofstream(blank) << "<!DOCTYPE html>\n<html><body></body></html>\n";

  const std::string png = private_temp_path("render.png");
  const std::string blank_png = private_temp_path("blank.png");
  std::filesystem::remove(png);
  std::filesystem::remove(blank_png);
  ASSERT_EQ(screenshot(html, png, private_temp_path("chromium-profile")), 0);
  ASSERT_EQ(screenshot(blank, blank_png, private_temp_path("chromium-profile-blank")), 0);
  const std::optional<PngInfo> shot = read_png(png);
  const std::optional<PngInfo> empty = read_png(blank_png);
  ASSERT_TRUE(shot) << "no PNG at " << png;
  ASSERT_TRUE(empty);
  EXPECT_EQ(shot->width, 1200u);
  EXPECT_EQ(shot->height, 2000u);
  // A single-colour page compresses to almost nothing; text, lines and markers do not.
  EXPECT_GT(shot->idat_bytes, 5 * empty->idat_bytes)
      << shot->idat_bytes << " bytes of image data vs " << empty->idat_bytes << " for a blank page";
  EXPECT_GT(shot->idat_bytes, 50'000u);
}

// -o and --report naming one path: each output is written whole through its own temporary file,
// so the path ends up holding one complete document, never a mix of the two.
TEST(HtmlReport, SamePathForJsonAndReportLeavesOneWholeDocument) {
  auto server = start_server();
  const std::string path = private_temp_path("same.out");
  Outcome o = run_inprocess({"-n", "5", "-c", "1", "-o", path, "--report", path, server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const std::string text = read_text(path);
  const bool json_doc = text.rfind("{\"tool\":\"httpbench\"", 0) == 0 && text.back() == '\n';
  bool html_doc = false;
  try {
    html_doc = parse_xml(text).at(0).name == "html";
  } catch (...) {
  }
  EXPECT_TRUE(json_doc || html_doc) << text.substr(0, 200);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

// ---- a sweep, the equivalent command, the units of the phases --------------------------------

namespace {

// The value of the options table's row `name`, entities decoded.
std::string option_value(const Document& d, const std::string& name) {
  for (int th : d.find("th")) {
    if (d.all_text(th) != name) continue;
    const Element& tr = d.at(d.at(th).parent);
    for (int c : tr.children) {
      if (d.at(c).name == "td") return d.all_text(c);
    }
  }
  return {};
}

// Splits a command line as a POSIX shell would for the quoting shell_word uses (plain words and
// '...' with '\'' for a quote).
std::vector<std::string> shell_split(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\'') {
      const std::size_t end = line.find('\'', i + 1);
      word += line.substr(i + 1, end - i - 1);
      i = end;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      word += line[++i];
      in_word = true;
    } else if (c == ' ') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

// The options the report's equivalent command parses to.
Options reparsed(const Document& d) {
  const std::string command = option_value(d, "command (equivalent)");
  SCOPED_TRACE(command);
  const std::vector<std::string> words = shell_split(command);
  EXPECT_FALSE(words.empty());
  EXPECT_EQ(words.front(), "httpbench");
  // Outputs are left out of the equivalent command; --interval needs one.
  std::vector<std::string> args(words.begin() + 1, words.end());
  args.insert(args.begin(), "--json");
  return parse_command_line(args).options;
}

void expect_same_run(const Options& a, const Options& b) {
  EXPECT_EQ(a.target.url(), b.target.url());
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.modes, b.modes);
  EXPECT_EQ(a.compare, b.compare);
  EXPECT_EQ(a.sweep, b.sweep);
  EXPECT_EQ(a.sweep_auto, b.sweep_auto);
  EXPECT_EQ(a.requests, b.requests);
  EXPECT_EQ(a.duration, b.duration);
  EXPECT_EQ(a.rate, b.rate);
  EXPECT_EQ(a.concurrency, b.concurrency);
  EXPECT_EQ(a.keep_alive, b.keep_alive);
  EXPECT_EQ(a.timeout, b.timeout);
  EXPECT_EQ(a.interval, b.interval);
  EXPECT_EQ(a.http10, b.http10);
  EXPECT_EQ(a.follow_redirects, b.follow_redirects);
  EXPECT_EQ(a.content_type, b.content_type);
  EXPECT_EQ(a.body_file, b.body_file);
  EXPECT_EQ(a.max_header_size, b.max_header_size);
  ASSERT_EQ(a.headers.size(), b.headers.size());
  for (std::size_t i = 0; i < a.headers.size(); ++i) {
    EXPECT_EQ(a.headers[i].name, b.headers[i].name);
    EXPECT_EQ(a.headers[i].value, b.headers[i].value);
  }
  ASSERT_EQ(a.resolve_overrides.size(), b.resolve_overrides.size());
  for (std::size_t i = 0; i < a.resolve_overrides.size(); ++i) {
    EXPECT_EQ(a.resolve_overrides[i].host, b.resolve_overrides[i].host);
    EXPECT_EQ(a.resolve_overrides[i].port, b.resolve_overrides[i].port);
    EXPECT_EQ(a.resolve_overrides[i].address, b.resolve_overrides[i].address);
  }
}

}  // namespace

// The report of a --sweep shows the sweep: a row per level with its throughput and p99, the USL
// fit, the knee and the curve; the runs are named by their level, not "async (2)".
TEST(HtmlReport, SweepShowsTheLevelsTheFitAndTheKnee) {
  auto server = start_server(2ms);
  const std::string html_path = private_temp_path("sweep.html");
  const std::string json_path = private_temp_path("sweep.json");
  Outcome o = run_inprocess({"--sweep", "1,2,4", "-n", "40", "-q", "--report", html_path, "-o",
                             json_path, server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const Document d = parse_xml(read_text(html_path));
  const json::value doc = json::parse(read_text(json_path));
  const json::array& levels = doc.at("sweep").at("levels").as_array();
  ASSERT_EQ(levels.size(), 3u);
  const int sweep = section(d, "sweep");
  ASSERT_GE(sweep, 0);
  std::vector<int> rows;
  for (int tr : d.find("tr", sweep)) {
    if (d.at(tr).has("data-concurrency")) rows.push_back(tr);
  }
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Element& row = d.at(rows[i]);
    EXPECT_EQ(row.attr("data-concurrency"), std::to_string(levels[i].at("concurrency").as_int64()));
    EXPECT_DOUBLE_EQ(number(row.attr("data-rps")), json_number(levels[i].at("rps")));
    EXPECT_DOUBLE_EQ(number(row.attr("data-p99")), json_number(levels[i].at("p99_ms")));
  }
  bool fit = false;
  bool knee = false;
  for (int p : d.find("p", sweep)) {
    if (d.at(p).attr("class") == "usl") {
      fit = true;
      EXPECT_NE(d.all_text(p).find("USL fit"), std::string::npos);
      if (doc.at("sweep").at("usl").is_object()) {
        EXPECT_DOUBLE_EQ(number(d.at(p).attr("data-lambda")),
                         json_number(doc.at("sweep").at("usl").at("lambda")));
      }
    }
    if (d.at(p).attr("class") == "knee") {
      knee = true;
      EXPECT_NE(d.all_text(p).find("Knee"), std::string::npos);
    }
  }
  EXPECT_TRUE(fit);
  EXPECT_TRUE(knee);
  EXPECT_GE(only_chart(d, "sweep"), 0);
  // Every level's line on the charts is named by its level.
  const int throughput = only_chart(d, "throughput");
  for (const char* label : {"async c=1", "async c=2", "async c=4"})
    EXPECT_GE(series_group(d, throughput, label), 0) << label;
  EXPECT_EQ(read_text(html_path).find("async (2)"), std::string::npos);
}

// The "command (equivalent)" row parses back to the same run: a sweep and --resolve, and a POST
// with a body file, a content type, HTTP/1.0 and the rest.
TEST(HtmlReport, EquivalentCommandReproducesTheRun) {
  auto server = start_server(0ms);
  const std::string port = std::to_string(server->port());
  const std::string html_path = private_temp_path("equivalent.html");
  const std::vector<std::string> sweep_args = {
      "--sweep",   "1,2",         "-n",         "10",
      "--timeout", "2s",          "--interval", "100ms",
      "-H",        "X-Test: a b", "--resolve",  "localhost:" + port + ":127.0.0.1",
      "-q",        "--report",    html_path,    "http://localhost:" + port + "/"};
  ASSERT_EQ(run_inprocess(sweep_args).code, kExitOk);
  expect_same_run(reparsed(parse_xml(read_text(html_path))),
                  parse_command_line(sweep_args).options);

  const std::string body = private_temp_path("equivalent.body");
  std::ofstream(body) << "{\"a\":1}";
  const std::vector<std::string> post_args = {"-X",
                                              "POST",
                                              "--body-file",
                                              body,
                                              "--content-type",
                                              "application/json",
                                              "--http1.0",
                                              "--no-keep-alive",
                                              "--follow",
                                              "2",
                                              "--max-header-size",
                                              "65536",
                                              "-n",
                                              "5",
                                              "-c",
                                              "2",
                                              "-q",
                                              "--report",
                                              html_path,
                                              server->url() + "items?x=1"};
  ASSERT_EQ(run_inprocess(post_args).code, kExitOk);
  expect_same_run(reparsed(parse_xml(read_text(html_path))), parse_command_line(post_args).options);
  std::remove(body.c_str());
}

// The phases' cells carry their unit ("45.2 us", "1.20 ms"); the row label must not claim one.
TEST(HtmlReport, PhaseRowsDoNotClaimMilliseconds) {
  auto server = start_server(0ms);
  const std::string html_path = private_temp_path("phases.html");
  ASSERT_EQ(run_inprocess({"-n", "20", "-c", "2", "--no-keep-alive", "-q", "--report", html_path,
                           server->url()})
                .code,
            kExitOk);
  const std::string html = read_text(html_path);
  EXPECT_EQ(html.find("connect (ms)"), std::string::npos);
  const Document d = parse_xml(html);
  bool found = false;
  for (int td : d.find("td")) {
    if (d.all_text(td) != "connect (mean / p99)") continue;
    found = true;
    const Element& tr = d.at(d.at(td).parent);
    const std::string cell = d.all_text(tr.children.at(1));
    // Loopback connects take microseconds: the cell says so in its own unit.
    EXPECT_TRUE(cell.find(" us") != std::string::npos || cell.find(" ms") != std::string::npos)
        << cell;
  }
  EXPECT_TRUE(found);
}
