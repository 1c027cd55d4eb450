// fork/exec of the server or a CLI verb, with output redirected to files.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace harness {

class Process {
public:
  // Starts argv[0] with argv. `stdinData` is written to its stdin, which is
  // then closed. stdout goes to `outPath`, stderr to `errPath` (both appended;
  // they may be the same file).
  Process(const std::vector<std::string> &argv, const std::string &stdinData,
          const std::filesystem::path &outPath, const std::filesystem::path &errPath);
  ~Process(); // kills the process if it still runs
  Process(const Process &) = delete;
  Process &operator=(const Process &) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // The exit code (128 + signal when killed by a signal), or nullopt if the
  // process still runs after `timeout`.
  std::optional<int> waitFor(std::chrono::milliseconds timeout);

private:
  bool reap(bool block);
  pid_t pid_ = -1;
  std::optional<int> exitCode_;
};

struct RunResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

// Runs a command to completion (killed and reported after `timeout`).
RunResult runCommand(const std::vector<std::string> &argv, const std::string &stdinData,
                     const std::filesystem::path &scratchDir,
                     std::chrono::milliseconds timeout = std::chrono::seconds(60));

} // namespace harness
