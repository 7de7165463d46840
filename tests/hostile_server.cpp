#include "hostile_server.hpp"
#include "test_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace httpbench::test {

namespace {
// Blocking waits are sliced so that a stopping server is noticed quickly.
constexpr int kSliceMs = 20;

bool wait_readable(int fd, const std::atomic<bool>& stopping) {
  while (!stopping.load()) {
    pollfd p{fd, POLLIN, 0};
    const int rc = ::poll(&p, 1, kSliceMs);
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return false;
  }
  return false;
}
}  // namespace

bool HostileConnection::read_request() {
  for (;;) {
    const auto end = pending_.find("\r\n\r\n");
    if (end != std::string::npos) {
      head_ = pending_.substr(0, end + 4);
      pending_.erase(0, end + 4);
      return true;
    }
    if (!wait_readable(fd_, stopping_)) return false;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

bool HostileConnection::read_body(std::size_t n) {
  while (pending_.size() < n) {
    if (!wait_readable(fd_, stopping_)) return false;
    char buf[4096];
    const ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got <= 0) return false;
    pending_.append(buf, static_cast<std::size_t>(got));
  }
  pending_.erase(0, n);
  return true;
}

bool HostileConnection::receive(std::string& into, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (stopping_.load()) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(std::clamp<long>(left.count(), 0, kSliceMs)));
    if (rc < 0 && errno != EINTR) return false;
    if (rc > 0) {
      char buf[16384];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return false;
      into.append(buf, static_cast<std::size_t>(n));
      return true;
    }
    if (left.count() <= 0) return true;
  }
}

bool HostileConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void HostileConnection::reset() {
  linger lg{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  ::close(fd_);
  fd_ = -1;
}

bool HostileConnection::pause(std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    if (stopping_.load()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::min<long>(kSliceMs, std::chrono::duration_cast<std::chrono::milliseconds>(
                                     until - std::chrono::steady_clock::now())
                                         .count() +
                                     1)));
  }
  return !stopping_.load();
}

HostileServer::HostileServer(Handler handler, std::uint64_t max_connections)
    : handler_(std::move(handler)), max_connections_(max_connections) {
  listen_fd_ = listen_on_loopback(port_);
  if (listen_fd_ < 0) throw std::runtime_error("hostile server: cannot listen");
  acceptor_ = std::thread([this] { accept_loop(); });
}

HostileServer::~HostileServer() {
  stopping_ = true;
  stop_listening();
  acceptor_.join();
  std::lock_guard lock(mutex_);
  for (auto& t : threads_)
    t.join();
}

std::string HostileServer::url() const {
  return fmt::format("http://127.0.0.1:{}/", port_);
}

void HostileServer::stop_listening() {
  if (listening_.exchange(false)) ::shutdown(listen_fd_, SHUT_RDWR);
}

void HostileServer::accept_loop() {
  while (listening_.load() && wait_readable(listen_fd_, stopping_)) {
    if (!listening_.load()) break;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    const std::uint64_t index = accepted_.fetch_add(1);
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, fd, index] {
      HostileConnection conn(fd, index, stopping_);
      handler_(conn);
      if (conn.fd() >= 0) ::close(conn.fd());
    });
    if (index + 1 >= max_connections_) stop_listening();
  }
  ::close(listen_fd_);
}

std::string http_response(unsigned status, std::string_view body, std::string_view extra_headers) {
  return fmt::format("HTTP/1.1 {} X\r\nContent-Length: {}\r\n{}\r\n{}", status, body.size(),
                     extra_headers, body);
}

}  // namespace httpbench::test
