/* Crash test: a child process runs the pipeline workload, checkpointing to
 * a file every CKPT_EVERY steps with sl_pipeline_save_file, and dies by
 * SIGKILL at a random point: half the runs kill themselves at a seeded
 * random step, the other half are killed by the parent after a seeded
 * random delay (which lands anywhere, inside a checkpoint write too). The
 * parent then loads whatever the file holds (it must always load), replays
 * the steps after it, and must end byte-identical to a run that never
 * crashed. RUNS runs, seeded. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crash/workload.h"
#include "streamlearn.h"

#define STEPS 3000
#define FLIP_AT 1500
#define CKPT_EVERY 250
#define RUNS 100

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Steps [from, STEPS); checkpoints after every CKPT_EVERY-th step when
 * `path` is set; kills itself before step `die_at` (STEPS: never). */
static sl_status run_steps(sl_pipeline *p, uint64_t from, const char *path, uint64_t die_at) {
  uint64_t i;
  sl_status st;
  for (i = from; i < STEPS; i++) {
    if (i == die_at) kill(getpid(), SIGKILL);
    if ((st = wl_step(p, i, FLIP_AT)) != SL_OK) return st;
    if (path && (i + 1) % CKPT_EVERY == 0 && (st = sl_pipeline_save_file(p, path, 0)) != SL_OK) return st;
  }
  return SL_OK;
}

static unsigned char *save(const sl_pipeline *p, size_t *len) {
  unsigned char *b;
  sl_pipeline_save_mem(p, 0, NULL, 0, len);
  b = malloc(*len);
  cr_assert_eq(sl_pipeline_save_mem(p, 0, b, *len, len), SL_OK);
  return b;
}

/* Forks a child running the workload into `path`; returns its pid. */
static pid_t spawn(const char *path, uint64_t die_at) {
  pid_t pid = fork();
  cr_assert_geq(pid, 0, "fork");
  if (pid == 0) {
    sl_pipeline *p = wl_full_pipeline(NULL);
    int ok = p && run_steps(p, 0, path, die_at) == SL_OK;
    sl_pipeline_free(p); /* a child that completes leaks nothing (valgrind checks children) */
    _exit(ok ? 0 : 3);
  }
  return pid;
}

static uint64_t next_rand(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return *s >> 17;
}

Test(pipeline_crash, sigkill_at_random_points_then_resume_is_byte_identical, .timeout = 600) {
  char dir[] = "/tmp/sl_crash_XXXXXX", path[256], tmp[270];
  unsigned char *ref, *got;
  size_t ref_len, got_len;
  uint64_t seed = 20240611u, t0, full_ns;
  int run, status, resumed_mid = 0, from_scratch = 0, mid_write = 0;
  sl_pipeline *p = wl_full_pipeline(NULL);
  cr_assert_not_null(p);
  cr_assert_eq(run_steps(p, 0, NULL, STEPS), SL_OK);
  ref = save(p, &ref_len);
  sl_pipeline_free(p);
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/pipeline.slck", dir);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  /* how long an uninterrupted child takes, for the timed kills */
  t0 = now_ns();
  waitpid(spawn(path, STEPS), &status, 0);
  full_ns = now_ns() - t0;
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "an uninterrupted child completes");
  for (run = 0; run < RUNS; run++) {
    uint64_t from = 0;
    pid_t pid;
    unlink(path);
    unlink(tmp);
    if (run % 2 == 0) {
      pid = spawn(path, next_rand(&seed) % STEPS);
    } else {
      struct timespec d;
      uint64_t delay = next_rand(&seed) % (full_ns + 1);
      pid = spawn(path, STEPS);
      d.tv_sec = (time_t)(delay / 1000000000u);
      d.tv_nsec = (long)(delay % 1000000000u);
      nanosleep(&d, NULL);
      kill(pid, SIGKILL);
    }
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0), "run %d: child failed", run);
    mid_write += access(tmp, F_OK) == 0; /* died between creating and renaming a temporary file */
    if (access(path, F_OK) == 0) {
      double events;
      sl_status st = sl_pipeline_load_file(&p, path, NULL);
      cr_assert_eq(st, SL_OK, "run %d: the checkpoint file does not load (%s)", run, sl_status_name(st));
      sl_pipeline_stat(p, "events", &events);
      from = (uint64_t)events;
      cr_assert_eq(from % CKPT_EVERY, 0, "run %d: a checkpoint holds whole steps", run);
      if (run % 2 == 0 && from > 0 && from < STEPS) resumed_mid++;
    } else {
      p = wl_full_pipeline(NULL);
      from_scratch++;
    }
    cr_assert_eq(run_steps(p, from, NULL, STEPS), SL_OK, "run %d: replay from step %lu", run, (unsigned long)from);
    got = save(p, &got_len);
    cr_assert(got_len == ref_len && memcmp(got, ref, ref_len) == 0,
              "run %d: resumed from step %lu, the final state differs from the uncrashed run", run, (unsigned long)from);
    free(got);
    sl_pipeline_free(p);
  }
  /* the seeded self-kills spread over the run: most resume mid-stream */
  cr_assert_gt(resumed_mid, RUNS / 2 * 3 / 4, "only %d of %d seeded kills resumed from a checkpoint", resumed_mid,
               RUNS / 2);
  cr_log_info("crash test: %d runs, %d resumed mid-stream (seeded kills), %d from scratch, %d killed inside a "
              "checkpoint write, child run %.1f ms",
              RUNS, resumed_mid, from_scratch, mid_write, full_ns / 1e6);
  unlink(path);
  unlink(tmp);
  rmdir(dir);
  free(ref);
}
