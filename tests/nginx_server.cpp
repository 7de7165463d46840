#include "nginx_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "test_pki.hpp"
#include "test_support.hpp"

extern char** environ;

namespace httpbench::test {

namespace {

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

std::string with_dir(std::string text, const std::string& dir) {
  for (auto at = text.find("@DIR@"); at != std::string::npos; at = text.find("@DIR@", at))
    text.replace(at, 5, dir);
  return text;
}

}  // namespace

bool nginx_installed() {
  return ::access(kNginx, X_OK) == 0;
}

Nginx::Nginx(NginxSite site) : site_(std::move(site)) {
  dir_ = private_temp_path("nginx");
  std::filesystem::create_directories(dir_ + "/www");
  std::ofstream(dir_ + "/www/100b.txt") << std::string(100, 'x');
  for (int attempt = 0; attempt < 5 && pid_ < 0; ++attempt)
    start(unused_loopback_port());  // taken in between: nginx exits, and the next port is tried
}

Nginx::~Nginx() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string Nginx::base_url() const {
  const bool tls = site_.listen.find("ssl") != std::string::npos;
  return fmt::format("{}://127.0.0.1:{}/", tls ? "https" : "http", port_);
}

std::string Nginx::log() const {
  std::ifstream in(dir_ + "/error.log");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void Nginx::start(std::uint16_t port) {
  std::ofstream(dir_ + "/nginx.conf", std::ios::trunc) << fmt::format(
      R"(daemon off;
master_process off;
pid {0}/nginx.pid;
error_log {0}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {0}/body;
  proxy_temp_path {0}/proxy;
  fastcgi_temp_path {0}/fastcgi;
  uwsgi_temp_path {0}/uwsgi;
  scgi_temp_path {0}/scgi;
{5}
  server {{
    listen 127.0.0.1:{1} {4};
    ssl_certificate {2};
    ssl_certificate_key {3};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:httpbench:1m;
    ssl_session_tickets on;
    root {0}/www;
{6}
  }}
}}
)",
      dir_, port, pki().cert(), pki().key(), site_.listen, with_dir(site_.http_directives, dir_),
      with_dir(site_.server_directives, dir_));
  const std::string conf = dir_ + "/nginx.conf";
  const std::string error_log = dir_ + "/error.log";
  std::vector<std::string> args{kNginx, "-p", dir_, "-e", error_log, "-c", conf};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (::posix_spawn(&pid, kNginx, nullptr, nullptr, argv.data(), environ) != 0) return;
  for (int i = 0; i < 100; ++i) {
    if (accepts(port)) {
      pid_ = pid;
      port_ = port;
      return;
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return;  // exited: port taken, or config
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

}  // namespace httpbench::test
