/* Runs a fuzz target over files (or every file in directories) without
 * libFuzzer, so the corpus is a regression test under any compiler:
 *   cc ... fuzz_csv.c replay.c -o replay && ./replay corpus/csv */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf;
  long n;
  if (!f) return 1;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc(n > 0 ? (size_t)n : 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fclose(f);
    free(buf);
    return 1;
  }
  fclose(f);
  LLVMFuzzerTestOneInput(buf, (size_t)n);
  free(buf);
  return 0;
}

static int run_path(const char *path, long *count) {
  struct stat st;
  DIR *d;
  struct dirent *e;
  int bad = 0;
  if (stat(path, &st) != 0) return 1;
  if (!S_ISDIR(st.st_mode)) {
    (*count)++;
    return run_file(path);
  }
  if (!(d = opendir(path))) return 1;
  while ((e = readdir(d)) != NULL) {
    char sub[4096];
    if (e->d_name[0] == '.') continue;
    snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
    bad |= run_path(sub, count);
  }
  closedir(d);
  return bad;
}

int main(int argc, char **argv) {
  long count = 0;
  int i, bad = 0;
  for (i = 1; i < argc; i++) bad |= run_path(argv[i], &count);
  printf("replayed %ld inputs%s\n", count, bad ? " (some unreadable)" : "");
  return bad;
}
