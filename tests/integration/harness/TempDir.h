// A private directory per test (tests run in parallel under ctest -j).
#pragma once

#include <filesystem>
#include <string>

namespace harness {

class TempDir {
public:
  TempDir();
  ~TempDir(); // removes the tree unless RDC_KEEP_TEST_DIRS is set
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::filesystem::path &path() const { return path_; }

private:
  std::filesystem::path path_;
};

std::string readFile(const std::filesystem::path &p);
void writeFile(const std::filesystem::path &p, const std::string &content);

} // namespace harness
