// Runs a callable and reports the rdc::HttpError it threw (status 0 if none).
#pragma once

#include <rdconsole/sdk.hpp>

#include <string>
#include <utility>

struct CapturedError {
  int status = 0;
  std::string message = "(no HttpError thrown)";
};

template <class Fn> CapturedError httpErrorOf(Fn &&fn) {
  try {
    std::forward<Fn>(fn)();
  } catch (const rdc::HttpError &e) {
    return CapturedError{e.status(), e.what()};
  }
  return {};
}
