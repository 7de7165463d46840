// What the first connection and the first response of a run said about the target: the TLS
// version and ALPN protocol negotiated, and the Server header. Captured once per run, for the
// manifest: each field is claimed by the first client to get there (one relaxed load afterwards,
// no lock, no allocation), and read only after the workers have joined.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

namespace httpbench {

class FirstContact {
 public:
  // True until some response's Server header has been captured.
  bool wants_server() const { return !server_claimed_.load(std::memory_order_relaxed); }
  // Keeps `value` when it is the first Server header offered.
  void offer_server(std::string_view value) {
    if (!wants_server() || server_claimed_.exchange(true, std::memory_order_relaxed)) return;
    server_.assign(value.data(), value.size());
    has_server_ = true;
  }
  // True until some TLS handshake's version and ALPN protocol have been captured.
  bool wants_tls() const { return !tls_claimed_.load(std::memory_order_relaxed); }
  // Keeps the protocol version and ALPN protocol (empty: none) of the first TLS handshake that
  // completed.
  void offer_tls(std::string_view version, std::string_view alpn) {
    if (!wants_tls() || tls_claimed_.exchange(true, std::memory_order_relaxed)) return;
    tls_version_.assign(version.data(), version.size());
    alpn_.assign(alpn.data(), alpn.size());
    has_tls_ = true;
  }

  // Read only after the run's workers have joined.
  std::optional<std::string> server() const {
    return has_server_ ? std::optional<std::string>(server_) : std::nullopt;
  }
  // "TLSv1.3"; nullopt when no TLS handshake completed.
  std::optional<std::string> tls_version() const {
    return has_tls_ ? std::optional<std::string>(tls_version_) : std::nullopt;
  }
  // The ALPN protocol the server selected; nullopt when none was (or no TLS).
  std::optional<std::string> alpn() const {
    return has_tls_ && !alpn_.empty() ? std::optional<std::string>(alpn_) : std::nullopt;
  }

 private:
  std::atomic<bool> server_claimed_{false};
  bool has_server_ = false;
  std::string server_;
  std::atomic<bool> tls_claimed_{false};
  bool has_tls_ = false;
  std::string tls_version_;
  std::string alpn_;
};

}  // namespace httpbench
