/* Small helpers of the tool: messages, clock, numbers, JSON strings, files. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

void cli_error(const char *fmt, ...) {
  va_list ap;
  fputs("streamlearn: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

double cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int cli_parse_u64(const char *s, uint64_t *out) {
  uint64_t v = 0;
  if (!s || !*s) return -1;
  for (; *s; s++) {
    unsigned d = (unsigned)(*s - '0');
    if (d > 9 || v > (UINT64_MAX - d) / 10) return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

void cli_json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

void cli_json_number(FILE *f, double v) {
  if (!isfinite(v)) fputs("null", f);
  else if (v == floor(v) && fabs(v) < 9007199254740992.0) fprintf(f, "%.0f", v);
  else {
    char buf[32]; /* the shortest of 15 or 17 digits that reads back exactly */
    snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v) snprintf(buf, sizeof buf, "%.17g", v);
    fputs(buf, f);
  }
}

int cli_read_file(const char *path, unsigned char **data, size_t *len) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t n = 0, cap = 0;
  if (!f) {
    cli_error("cannot open '%s': %s", path, strerror(errno));
    return CLI_FAIL;
  }
  for (;;) {
    size_t got;
    if (n == cap) {
      unsigned char *nb;
      cap = cap ? cap * 2 : 65536;
      if (!(nb = realloc(buf, cap))) {
        cli_error("'%s': out of memory", path);
        free(buf);
        fclose(f);
        return CLI_FAIL;
      }
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    cli_error("cannot read '%s': %s", path, strerror(errno));
    free(buf);
    fclose(f);
    return CLI_FAIL;
  }
  fclose(f);
  *data = buf;
  *len = n;
  return CLI_OK;
}
