#include "Process.h"

#include "Poll.h"
#include "TempDir.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <string_view>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace harness {

Process::Process(const std::vector<std::string> &argv, const std::string &stdinData,
                 const std::filesystem::path &outPath, const std::filesystem::path &errPath) {
  // Everything the child needs is prepared before fork: after fork only
  // async-signal-safe calls are allowed (the test runner may have threads).
  std::vector<char *> args;
  for (const auto &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  // RDCONSOLE_* variables of the developer's shell would be a config layer
  // the test did not ask for: the child gets the environment without them.
  std::vector<std::string> envStrings;
  for (char **e = environ; e && *e; ++e)
    if (std::string_view(*e).rfind("RDCONSOLE_", 0) != 0)
      envStrings.emplace_back(*e);
  std::vector<char *> env;
  for (auto &e : envStrings)
    env.push_back(e.data());
  env.push_back(nullptr);
  std::string out = outPath.string(), err = errPath.string();
  bool sameFile = out == err;

  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  // Ignoring SIGPIPE lets us survive a child that exits before reading stdin.
  ::signal(SIGPIPE, SIG_IGN);

  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Dies with the test runner, so a crashed test leaves no server behind.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int e = sameFile ? o : ::open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (o < 0 || e < 0)
      ::_exit(126);
    ::dup2(in[0], 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::execve(args[0], args.data(), env.data());
    ::_exit(127);
  }
  ::close(in[0]);
  size_t off = 0;
  while (off < stdinData.size()) {
    ssize_t n = ::write(in[1], stdinData.data() + off, stdinData.size() - off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break; // the child closed stdin early; its exit code tells the story
    off += static_cast<size_t>(n);
  }
  ::close(in[1]);
}

Process::~Process() {
  if (running()) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
}

bool Process::reap(bool block) {
  if (exitCode_)
    return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != pid_)
    return false;
  exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

bool Process::running() {
  return pid_ > 0 && !reap(false);
}

void Process::signal(int sig) {
  if (running())
    ::kill(pid_, sig);
}

std::optional<int> Process::waitFor(std::chrono::milliseconds timeout) {
  pollUntil(
      timeout, [&] { return reap(false); }, std::chrono::milliseconds(10));
  return exitCode_;
}

RunResult runCommand(const std::vector<std::string> &argv, const std::string &stdinData,
                     const std::filesystem::path &scratchDir, std::chrono::milliseconds timeout) {
  static std::atomic<int> counter{0};
  int n = counter.fetch_add(1);
  auto outPath = scratchDir / ("cmd-" + std::to_string(n) + ".out");
  auto errPath = scratchDir / ("cmd-" + std::to_string(n) + ".err");
  RunResult r;
  {
    Process p(argv, stdinData, outPath, errPath);
    auto code = p.waitFor(timeout);
    if (!code) {
      p.signal(SIGKILL);
      code = p.waitFor(std::chrono::seconds(5));
      r.err = "[harness: command timed out and was killed]\n";
    }
    r.exitCode = code.value_or(-1);
  }
  r.out = readFile(outPath);
  r.err += readFile(errPath);
  return r;
}

} // namespace harness
