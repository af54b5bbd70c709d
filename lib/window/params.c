/* Parameter rules that span rows, and the statistics every window kind has. */
#include "params.h"

const char *const sl__window_stats[SL__WINDOW_N_STATS] = {
    "keys",          "events",          "late",           "windows_emitted", "queued",       "keys_expired",
    "keys_evicted",  "windows_dropped", "events_dropped", "bytes_per_key",   "quantile_max",
};

sl_status sl__window_check(const sl__object *o) {
  const sl__pval *p = o->param;
  sl__sketch_cfg c;
  if (p[SL__WP_Q_MIN].d >= p[SL__WP_Q_MAX].d)
    return sl__fail(o, SL_ERANGE, "quantile_min must be below quantile_max");
  sl__sketch_config(&c, p[SL__WP_Q_ACCURACY].d, p[SL__WP_Q_MIN].d, p[SL__WP_Q_MAX].d);
  if (c.nb == 0 || c.nb > (1u << 20))
    return sl__fail(o, SL_ERANGE, "quantile_min .. quantile_max at this accuracy needs over 2^20 bins");
  if (o->kind->id == SL_WINDOW_HOPPING && p[SL__WP_KIND1].i > p[SL__WP_KIND0].i)
    return sl__fail(o, SL_ERANGE, "slide must not exceed size (set size first when raising both)");
  return SL_OK;
}

sl_status sl__window_configure(sl__object *o, size_t changed, sl__pval old) {
  sl_status st = sl__window_check(o);
  (void)changed;
  (void)old;
  if (st == SL_OK) sl__window_layout((sl_window *)o);
  return st;
}

double sl__window_stat(const sl__object *o, size_t i) {
  const sl_window *w = (const sl_window *)o;
  sl__sketch_cfg c;
  switch (i) {
  case 0: return (double)w->keys.n_live;
  case 1: return (double)w->n_events;
  case 2: return (double)w->n_late;
  case 3: return (double)w->n_emitted;
  case 4: return (double)w->q_n;
  case 5: return (double)w->n_expired;
  case 6: return (double)w->n_evicted;
  case 7: return (double)w->n_windows_dropped;
  case 8: return (double)w->n_events_dropped;
  case 9: return (double)(sizeof(sl__wkey) + w->key_room + w->state_size);
  default:
    sl__sketch_config(&c, o->param[SL__WP_Q_ACCURACY].d, o->param[SL__WP_Q_MIN].d, o->param[SL__WP_Q_MAX].d);
    return sl__sketch_max(&c);
  }
}
