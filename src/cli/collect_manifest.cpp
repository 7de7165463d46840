#include "httpbench/cli/collect_manifest.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <boost/version.hpp>

#include "httpbench/cli/request_options.hpp"
#include "httpbench/cli/route_options.hpp"
#include "httpbench/codec/first_contact.hpp"
#include "httpbench/codec/url.hpp"
#include "httpbench/version.hpp"

namespace httpbench {

namespace {

std::string compiler_name() {
#if defined(__clang__)
  return fmt::format("clang {}", __clang_version__);
#elif defined(__GNUC__)
  return fmt::format("gcc {}", __VERSION__);
#else
  return "unknown";
#endif
}

std::optional<std::string> cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto start = line.find_first_not_of(" \t", colon + 1);
    if (start == std::string::npos) continue;
    return line.substr(start);
  }
  return std::nullopt;
}

std::string kernel() {
  utsname u{};
  if (::uname(&u) != 0) return "unknown";
  return fmt::format("{} {}", u.sysname, u.release);
}

// "Name: value" with a sensitive name comes back as "Name: ***"; anything else unchanged.
std::string redact_header_text(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::string(text);
  std::string_view name = text.substr(0, colon);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
    name.remove_suffix(1);
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t'))
    name.remove_prefix(1);
  if (!is_sensitive_header(name)) return std::string(text);
  return fmt::format("{}: ***", name);
}

std::string redact_argument(std::string_view arg) {
  // A URL, with or without its scheme ("user:pw@host/" is http:// with Basic auth, as curl).
  const bool schemeless_userinfo = !arg.empty() && arg[0] != '-' &&
                                   arg.find('@') != std::string_view::npos &&
                                   arg.find_first_of(" \t") == std::string_view::npos;
  if (arg.find("://") != std::string_view::npos || schemeless_userinfo) {
    return redact_for_display(arg);
  }
  for (std::string_view prefix : {"--header=", "-H"}) {
    if (arg.size() > prefix.size() && arg.substr(0, prefix.size()) == prefix) {
      return fmt::format("{}{}", prefix, redact_header_text(arg.substr(prefix.size())));
    }
  }
  return redact_header_text(arg);
}

}  // namespace

std::vector<std::string> redact_command_line(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  bool secret_next = false;
  bool proxy_next = false;
  for (const std::string& arg : args) {
    if (secret_next) {
      out.emplace_back("***");
      secret_next = false;
    } else if (proxy_next) {
      out.push_back(redact_proxy_argument(arg));
      proxy_next = false;
    } else if (arg == "--basic-auth" || arg == "--proxy-user") {
      out.push_back(arg);
      secret_next = true;
    } else if (arg.rfind("--basic-auth=", 0) == 0 || arg.rfind("--proxy-user=", 0) == 0) {
      out.push_back(arg.substr(0, arg.find('=')) + "=***");
    } else if (arg == "--proxy") {
      out.push_back(arg);
      proxy_next = true;
    } else if (arg.rfind("--proxy=", 0) == 0) {
      out.push_back("--proxy=" + redact_proxy_argument(std::string_view(arg).substr(8)));
    } else {
      out.push_back(redact_argument(arg));
    }
  }
  return out;
}

Manifest collect_manifest(const std::vector<std::string>& args) {
  Manifest m;
  m.httpbench_version = kVersion;
  m.boost_version = fmt::format("{}.{}.{}", BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000,
                                BOOST_VERSION % 100);
  m.openssl_version = OpenSSL_version(OPENSSL_VERSION);
  m.compiler = compiler_name();
  m.cpu_model = cpu_model();
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  m.cpu_count = cpus > 0 ? static_cast<std::uint64_t>(cpus) : 1;
  m.kernel = kernel();
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    m.open_files_limit = static_cast<std::uint64_t>(limit.rlim_cur);
  }
  m.command_line = redact_command_line(args);
  return m;
}

void add_target_facts(Manifest& manifest, const std::vector<ConnectEndpoint>& endpoints,
                      const FirstContact* first_contact) {
  manifest.resolved_addresses.clear();
  for (const auto& ep : endpoints)
    manifest.resolved_addresses.push_back(endpoint_text(ep));
  if (first_contact == nullptr) return;
  manifest.server_header = first_contact->server();
  manifest.tls_version = first_contact->tls_version();
  manifest.alpn = first_contact->alpn();
}

}  // namespace httpbench
