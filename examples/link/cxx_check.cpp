// C++ compile check of the public headers (scripts/check-install.sh):
//   g++ -std=c++11 -Wall -Wextra -Werror cxx_check.cpp $(pkg-config --cflags --libs libstreamlearn)
// The headers must compile as C++ and link with C linkage (extern "C").
#include <streamlearn.h>

#include <cstdio>

int main() {
  sl_drift *d = nullptr;
  sl_allocator a = {sizeof(sl_allocator), nullptr, nullptr, nullptr};
  static unsigned char buf[4096];
  if (sl_arena_init(&a, buf, sizeof buf) != SL_OK) return 1;
  if (sl_drift_new(&d, SL_DRIFT_PAGE_HINKLEY, &a) != SL_OK) return 1;
  sl_drift_state s = SL_DRIFT_NONE;
  sl_status st = sl_drift_update(d, 1.0, &s);
  std::printf("C++: %s, %s, kind %s, state %d\n", sl_version_string(), sl_status_name(st),
              sl_drift_kind_name(SL_DRIFT_PAGE_HINKLEY), static_cast<int>(s));
  sl_drift_free(d);
  return st == SL_OK ? 0 : 1;
}
