// The reproducibility manifest of a result: versions, the machine, the target's addresses and
// what it answered with, and the command line (credentials redacted). Plain data, captured by the
// command line layer (cli/collect_manifest.hpp) and written by the reporters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace httpbench {

struct Manifest {
  std::string httpbench_version;
  // "1.81.0"
  std::string boost_version;
  // OpenSSL_version(OPENSSL_VERSION), e.g. "OpenSSL 3.0.11 19 Sep 2023".
  std::string openssl_version;
  // "gcc 12.2.0" or "clang 14.0.6".
  std::string compiler;
  // /proc/cpuinfo "model name"; nullopt when the kernel does not say.
  std::optional<std::string> cpu_model;
  // Logical CPUs online.
  std::uint64_t cpu_count = 0;
  // uname -sr, e.g. "Linux 6.1.0-13-amd64".
  std::string kernel;
  // Soft RLIMIT_NOFILE during the run; nullopt when unlimited.
  std::optional<std::uint64_t> open_files_limit;
  // The addresses resolved once before the run, "ADDRESS:PORT" (IPv6 bracketed), or "unix:PATH";
  // through a proxy, the proxy's.
  std::vector<std::string> resolved_addresses;
  // https: the TLS version and ALPN protocol of the first handshake.
  std::optional<std::string> tls_version;
  std::optional<std::string> alpn;
  // The Server header of the first response that had one.
  std::optional<std::string> server_header;
  // argv without argv[0], credentials redacted.
  std::vector<std::string> command_line;
};

}  // namespace httpbench
