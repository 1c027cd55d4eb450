#include "PrivatePostgres.h"

#include "Paths.h"
#include "Process.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

namespace harness {
namespace {

std::string firstLine(const std::string &text) {
  return text.substr(0, text.find('\n'));
}

std::string pgBin() {
  const char *env = std::getenv("RDC_PG_BIN"); // the same override start.sh honours
  return env && *env ? env : "/usr/lib/postgresql/15/bin";
}

} // namespace

PrivatePostgres::PrivatePostgres() : uriFile_((dir_.path() / "pg-uri").string()) {
  std::string scripts = paths::pgScriptsDir;
  auto r = runCommand({"/bin/bash", scripts + "/start.sh", uriFile_}, "", dir_.path(),
                      std::chrono::seconds(120));
  if (r.exitCode != 0)
    throw std::runtime_error("tests/pg/start.sh failed (" + std::to_string(r.exitCode) +
                             "): " + r.out + r.err);
  uri_ = firstLine(readFile(uriFile_));
  base_ = firstLine(readFile(uriFile_ + ".dir"));
  // postgresql://postgres@127.0.0.1:<port>/postgres
  size_t colon = uri_.rfind(':');
  size_t slash = uri_.find('/', colon);
  if (uri_.empty() || base_.empty() || colon == std::string::npos || slash == std::string::npos)
    throw std::runtime_error("unexpected start.sh records: '" + uri_ + "', '" + base_ + "'");
  port_ = uri_.substr(colon + 1, slash - colon - 1);
}

PrivatePostgres::~PrivatePostgres() {
  std::string scripts = paths::pgScriptsDir;
  auto r = runCommand({"/bin/bash", scripts + "/stop.sh", uriFile_}, "", dir_.path(),
                      std::chrono::seconds(120));
  if (r.exitCode != 0)
    FAIL_CHECK("tests/pg/stop.sh failed: " << r.out << r.err);
}

std::string PrivatePostgres::pgCtl(const std::vector<std::string> &args) const {
  // initdb and pg_ctl refuse to run as root (start.sh does the same).
  std::vector<std::string> argv;
  if (::geteuid() == 0)
    argv = {"/sbin/runuser", "-u", "postgres", "--"};
  argv.push_back(pgBin() + "/pg_ctl");
  argv.insert(argv.end(), {"-D", base_ + "/data"});
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = runCommand(argv, "", dir_.path(), std::chrono::seconds(90));
  if (r.exitCode != 0)
    throw std::runtime_error("pg_ctl failed (" + std::to_string(r.exitCode) + "): " + r.out +
                             r.err);
  return r.out;
}

void PrivatePostgres::stop() {
  pgCtl({"-m", "fast", "-w", "-t", "60", "stop"});
}

void PrivatePostgres::start() {
  // `pg_ctl start` does not reuse the previous command line (only `restart`
  // does): give it the address, port and socket directory start.sh chose.
  pgCtl({"-l", base_ + "/server.log", "-w", "-t", "60", "-o",
         "-c listen_addresses=127.0.0.1 -p " + port_ + " -k " + base_, "start"});
}

} // namespace harness
