/* Atomic checkpoint files: write a temporary file beside the target, fsync
 * it, rename it over the target, fsync the directory. The one file of
 * lib/ that talks to the operating system; SL_NO_STDIO leaves it out (the
 * calls then return SL_ENOTSUP), as does a system without POSIX files. */
#if !defined(SL_NO_STDIO) && (defined(__unix__) || defined(__APPLE__))
#define _POSIX_C_SOURCE 200809L
#define SL__HAVE_FILES 1
#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* rename */
#include <unistd.h>
#endif

#include "pipeline_impl.h"

#ifdef SL__HAVE_FILES

static int write_fd(void *user, const void *buf, size_t len) {
  int fd = *(const int *)user;
  const char *p = (const char *)buf;
  while (len) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static int read_fd(void *user, void *buf, size_t len) {
  int fd = *(const int *)user;
  char *p = (char *)buf;
  while (len) {
    ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* fsync of the directory holding `path`, so the rename itself is durable. */
static int sync_dir(char *path, size_t len) {
  int fd, rc;
  size_t i = len;
  while (i > 0 && path[i - 1] != '/') i--;
  if (i == 0) {
    fd = open(".", O_RDONLY);
  } else {
    char keep = path[i];
    path[i] = '\0';
    fd = open(path, O_RDONLY);
    path[i] = keep;
  }
  if (fd < 0) return -1;
  rc = fsync(fd);
  close(fd);
  return rc;
}

#define SL__PATH_MAX 4096

SL_API sl_status sl_pipeline_save_file(const sl_pipeline *p, const char *path, unsigned flags) {
  static const char suffix[] = ".tmp";
  char tmp[SL__PATH_MAX + sizeof suffix];
  size_t len;
  int fd, bad;
  sl_status st;
  if (!p || !path) return SL_EINVAL;
  len = SL__STRLEN(path);
  if (len == 0 || len > SL__PATH_MAX) return sl__fail(&p->obj, SL_EINVAL, "path is empty or too long");
  SL__MEMCPY(tmp, path, len);
  SL__MEMCPY(tmp + len, suffix, sizeof suffix);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return sl__fail(&p->obj, SL_EIO, "cannot create the temporary file");
  st = sl_pipeline_save(p, flags, write_fd, &fd);
  bad = st == SL_OK && fsync(fd) != 0;
  bad |= close(fd) != 0;
  if (st == SL_OK && !bad) bad = rename(tmp, path) != 0 || sync_dir(tmp, len);
  if (st != SL_OK || bad) unlink(tmp);
  if (st != SL_OK) return st;
  return bad ? sl__fail(&p->obj, SL_EIO, "writing, syncing or renaming the checkpoint failed") : SL_OK;
}

SL_API sl_status sl_pipeline_load_file(sl_pipeline **out, const char *path, const sl_allocator *a) {
  sl_status st;
  int fd;
  if (!out) return SL_EINVAL;
  *out = NULL;
  if (!path) return SL_EINVAL;
  if ((fd = open(path, O_RDONLY)) < 0) return SL_EIO;
  st = sl_pipeline_load(out, read_fd, &fd, a);
  close(fd);
  return st;
}

#else

SL_API sl_status sl_pipeline_save_file(const sl_pipeline *p, const char *path, unsigned flags) {
  (void)p;
  (void)path;
  (void)flags;
  return SL_ENOTSUP;
}

SL_API sl_status sl_pipeline_load_file(sl_pipeline **out, const char *path, const sl_allocator *a) {
  (void)path;
  (void)a;
  if (out) *out = NULL;
  return SL_ENOTSUP;
}

#endif
