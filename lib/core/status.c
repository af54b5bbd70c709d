/* Status names and messages, generated from SL_STATUS_MAP; version calls. */
#include "streamlearn/common.h"

#define SL__STR2(x) #x
#define SL__STR(x) SL__STR2(x)

SL_API unsigned sl_version_number(void) { return SL_VERSION_NUMBER; }

SL_API const char *sl_version_string(void) {
  return SL__STR(SL_VERSION_MAJOR) "." SL__STR(SL_VERSION_MINOR) "." SL__STR(SL_VERSION_PATCH);
}

SL_API const char *sl_strerror(int status) {
  switch (status) {
#define SL__STATUS_TEXT(name, num, text) \
  case num:                              \
    return text;
    SL_STATUS_MAP(SL__STATUS_TEXT)
#undef SL__STATUS_TEXT
  default:
    return "unknown status";
  }
}

SL_API const char *sl_status_name(int status) {
  switch (status) {
#define SL__STATUS_NAME(name, num, text) \
  case num:                              \
    return #name;
    SL_STATUS_MAP(SL__STATUS_NAME)
#undef SL__STATUS_NAME
  default:
    return "UNKNOWN";
  }
}
