#include "test_proxy_server.hpp"
#include "test_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace httpbench::test {

namespace {

// Blocking waits are sliced so that a stopping server is noticed quickly.
constexpr int kSliceMs = 20;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// One socket with the bytes read past what was consumed.
class Peer {
 public:
  Peer(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}
  ~Peer() {
    if (fd_ >= 0) ::close(fd_);
  }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  int fd() const { return fd_; }
  std::string& pending() { return pending_; }

  // Reads through the blank line after a head; false on EOF, error or stop.
  bool read_head(std::string& head) {
    for (;;) {
      const auto end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        head = pending_.substr(0, end + 4);
        pending_.erase(0, end + 4);
        return true;
      }
      if (!fill()) return false;
    }
  }
  // Reads exactly `n` more bytes into `out`.
  bool read_exact(std::size_t n, std::string& out) {
    while (pending_.size() < n) {
      if (!fill()) return false;
    }
    out.assign(pending_, 0, n);
    pending_.erase(0, n);
    return true;
  }
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

 private:
  bool fill() {
    while (!stopping_.load()) {
      pollfd p{fd_, POLLIN, 0};
      const int rc = ::poll(&p, 1, kSliceMs);
      if (rc < 0 && errno != EINTR) return false;
      if (rc <= 0) continue;
      char buf[16384];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return false;
      pending_.append(buf, static_cast<std::size_t>(n));
      return true;
    }
    return false;
  }

  int fd_;
  const std::atomic<bool>& stopping_;
  std::string pending_;
};

// The value of header `name` (lower case) in `head`, or nullopt.
std::optional<std::string> header(const std::string& head, const std::string& name) {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    const std::size_t start = pos + 2;
    const std::size_t end = head.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    const std::string line = head.substr(start, end - start);
    const auto colon = line.find(':');
    if (colon != std::string::npos && lower(line.substr(0, colon)) == name) {
      const auto v = line.find_first_not_of(" \t", colon + 1);
      return v == std::string::npos ? std::string() : line.substr(v);
    }
    pos = end;
  }
  return std::nullopt;
}

// `head` without the named headers (lower case), with `first_line` as its first line.
std::string rewrite_head(const std::string& head, const std::string& first_line,
                         const std::vector<std::string>& drop) {
  std::string out = first_line + "\r\n";
  std::size_t pos = head.find("\r\n") + 2;
  for (;;) {
    const std::size_t end = head.find("\r\n", pos);
    if (end == std::string::npos || end == pos) break;
    const std::string line = head.substr(pos, end - pos);
    const std::string name = lower(line.substr(0, line.find(':')));
    if (std::find(drop.begin(), drop.end(), name) == drop.end()) out += line + "\r\n";
    pos = end + 2;
  }
  return out + "\r\n";
}

std::size_t content_length(const std::string& head) {
  const auto v = header(head, "content-length");
  std::size_t n = 0;
  if (v) std::from_chars(v->data(), v->data() + v->size(), n);
  return n;
}

// Connects to a loopback origin only: tests never reach anything else. -1 on failure.
int connect_loopback(std::string host, std::uint16_t port) {
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  if (host == "::1") {
    sockaddr_in6 a6{};
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(port);
    a6.sin6_addr = in6addr_loopback;
    const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a6), sizeof a6) == 0) return fd;
    if (fd >= 0) ::close(fd);
    return -1;
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) return -1;
  if ((ntohl(a.sin_addr.s_addr) >> 24) != 127) return -1;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
  if (fd >= 0) ::close(fd);
  return -1;
}

// Splits "host:port" (host possibly bracketed IPv6).
bool split_authority(const std::string& authority, std::string& host, std::uint16_t& port) {
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = authority.substr(0, colon);
  unsigned p = 0;
  const std::string digits = authority.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
  if (ec != std::errc{} || ptr != digits.data() + digits.size() || p == 0 || p > 65535) {
    return false;
  }
  port = static_cast<std::uint16_t>(p);
  return true;
}

std::string simple_response(unsigned status, const char* reason, const char* extra = "") {
  return fmt::format("HTTP/1.1 {} {}\r\nContent-Length: 0\r\n{}\r\n", status, reason, extra);
}

// Copies bytes both ways until either side closes or the server stops.
void relay(Peer& a, Peer& b, const std::atomic<bool>& stopping) {
  if (!a.pending().empty() && !b.send(a.pending())) return;
  a.pending().clear();
  char buf[16384];
  while (!stopping.load()) {
    pollfd p[2] = {{a.fd(), POLLIN, 0}, {b.fd(), POLLIN, 0}};
    const int rc = ::poll(p, 2, kSliceMs);
    if (rc < 0 && errno != EINTR) return;
    for (int i = 0; i < 2 && rc > 0; ++i) {
      if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Peer& from = i == 0 ? a : b;
      Peer& to = i == 0 ? b : a;
      const ssize_t n = ::recv(from.fd(), buf, sizeof buf, 0);
      if (n <= 0 || !to.send(std::string_view(buf, static_cast<std::size_t>(n)))) return;
    }
  }
}

}  // namespace

ProxyServer::ProxyServer(ProxyServerOptions options) : options_(std::move(options)) {
  listen_fd_ = listen_on_loopback(port_);
  if (listen_fd_ < 0) throw std::runtime_error("test proxy: cannot listen");
  acceptor_ = std::thread([this] { accept_loop(); });
}

ProxyServer::~ProxyServer() {
  stopping_ = true;
  acceptor_.join();
  // No thread is added after the acceptor ends; join without the lock the threads record under.
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& t : threads)
    t.join();
}

std::string ProxyServer::url() const {
  return fmt::format("http://127.0.0.1:{}", port_);
}

std::vector<std::string> ProxyServer::request_lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

std::vector<std::string> ProxyServer::authorizations() const {
  std::lock_guard lock(mutex_);
  return authorizations_;
}

void ProxyServer::record(const std::string& line, const std::string& authorization) {
  std::lock_guard lock(mutex_);
  lines_.push_back(line);
  authorizations_.push_back(authorization);
}

void ProxyServer::accept_loop() {
  while (!stopping_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kSliceMs) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    accepted_.fetch_add(1);
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
  ::close(listen_fd_);
}

void ProxyServer::serve(int fd) {
  Peer client(fd, stopping_);
  std::optional<Peer> origin;
  std::string origin_authority;
  std::string head;
  while (client.read_head(head)) {
    const std::string line = head.substr(0, head.find("\r\n"));
    const std::string authorization = header(head, "proxy-authorization").value_or("");
    record(line, authorization);
    const auto sp1 = line.find(' ');
    const auto sp2 = line.rfind(' ');
    if (sp1 == std::string::npos || sp2 == sp1) return;
    const std::string method = line.substr(0, sp1);
    const std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string version = line.substr(sp2 + 1);
    std::string body;
    if (method != "CONNECT" && !client.read_exact(content_length(head), body)) return;

    if (options_.required_authorization && authorization != *options_.required_authorization) {
      if (!client.send(simple_response(407, "Proxy Authentication Required",
                                       "Proxy-Authenticate: Basic realm=\"test\"\r\n"))) {
        return;
      }
      if (method == "CONNECT") return;
      continue;
    }

    if (method == "CONNECT") {
      if (options_.refuse_connect != 0) {
        client.send(simple_response(options_.refuse_connect, "Refused", "Connection: close\r\n"));
        return;
      }
      std::string host;
      std::uint16_t port = 0;
      const int up = split_authority(target, host, port) ? connect_loopback(host, port) : -1;
      if (up < 0) {
        client.send(simple_response(502, "Bad Gateway", "Connection: close\r\n"));
        return;
      }
      Peer tunnel(up, stopping_);
      if (!client.send("HTTP/1.1 200 Connection established\r\n\r\n")) return;
      relay(client, tunnel, stopping_);
      return;
    }

    // Absolute form: http://authority/path.
    if (target.rfind("http://", 0) != 0) {
      client.send(simple_response(400, "Bad Request", "Connection: close\r\n"));
      return;
    }
    const auto path_start = target.find('/', 7);
    const std::string authority =
        target.substr(7, path_start == std::string::npos ? std::string::npos : path_start - 7);
    const std::string path = path_start == std::string::npos ? "/" : target.substr(path_start);
    std::string host = authority;
    std::uint16_t port = 80;
    if (authority.find(':') != std::string::npos && authority.back() != ']' &&
        !split_authority(authority, host, port)) {
      client.send(simple_response(400, "Bad Request", "Connection: close\r\n"));
      return;
    }
    if (!origin || origin_authority != authority) {
      origin.reset();
      const int up = connect_loopback(host, port);
      if (up < 0) {
        if (!client.send(simple_response(502, "Bad Gateway"))) return;
        continue;
      }
      origin.emplace(up, stopping_);
      origin_authority = authority;
    }
    const std::string forwarded = rewrite_head(head, fmt::format("{} {} {}", method, path, version),
                                               {"proxy-authorization", "proxy-connection"});
    std::string response_head;
    std::string response_body;
    if (!origin->send(forwarded) || !origin->send(body) || !origin->read_head(response_head) ||
        !origin->read_exact(method == "HEAD" ? 0 : content_length(response_head), response_body)) {
      client.send(simple_response(502, "Bad Gateway", "Connection: close\r\n"));
      return;
    }
    if (!client.send(response_head) || !client.send(response_body)) return;
    const bool close = lower(header(response_head, "connection").value_or("")) == "close" ||
                       lower(header(head, "connection").value_or("")) == "close" ||
                       version == "HTTP/1.0";
    if (close) return;
  }
}

}  // namespace httpbench::test
