// Debian's nginx for tests: started in the foreground on 127.0.0.1 on a free port with a generated
// config, everything (config, logs, pid, temp files, the served files) in a private directory,
// stopped by PID. https/1.1 with the test CA's certificate by default; a site can listen for h2c
// or h2 instead and add directives.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace httpbench::test {

inline constexpr const char* kNginx = "/usr/sbin/nginx";

// True where /usr/sbin/nginx can be run (Debian: nginx-light).
bool nginx_installed();

struct NginxSite {
  // The parameters of `listen 127.0.0.1:PORT ...;`: "ssl" (https, HTTP/1.1), "http2" (h2c, prior
  // knowledge only in nginx 1.22), "ssl http2" (h2 by ALPN, and http/1.1).
  std::string listen = "ssl";
  // Directives added to the server block, and to the http block (another server, say); "@DIR@"
  // stands for the private directory.
  std::string server_directives;
  std::string http_directives;
};

// TLS 1.2 and 1.3 with a session cache and tickets, so resumption works as on a production
// server; root is DIR/www, which holds 100b.txt (100 bytes).
class Nginx {
 public:
  explicit Nginx(NginxSite site = {});
  ~Nginx();
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  bool running() const { return pid_ > 0; }
  std::uint16_t port() const { return port_; }
  // The private directory; files put in dir()/www are served.
  const std::string& dir() const { return dir_; }
  // https://127.0.0.1:PORT/100b.txt, or http:// where the site listens without ssl.
  std::string url() const { return base_url() + "100b.txt"; }
  // https://127.0.0.1:PORT/, or http://.
  std::string base_url() const;
  std::string log() const;

 private:
  void start(std::uint16_t port);

  NginxSite site_;
  std::string dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace httpbench::test
