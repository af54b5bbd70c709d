/*
 * Private to the Hoeffding tree kinds (hoeffding_tree.c, hoeffding_adaptive_tree.c)
 * and their parts (htree_*.c): the node layout, the observers, the split search,
 * memory management and persistence.
 *
 * The reference is River 0.26's HoeffdingTreeClassifier (itself after MOA).
 * Reals here are double, not sl_real: class weights, Gaussian moments and merits
 * are compared bit for bit against River in the conformance tests.
 *
 * Memory: every block comes from the handle's counting allocator (o->mem), so
 * o->mem.bytes is the tree's exact size and the budget (max_size) is checked
 * against it. Blocks are allocated when a leaf splits (branch, children,
 * their observers), when a leaf is (re)activated by the memory manager, and,
 * for the adaptive tree, when an alternate subtree starts. Learn and predict
 * allocate nothing otherwise.
 */
#ifndef SL_MODEL_HTREE_H
#define SL_MODEL_HTREE_H

#include "model_impl.h"
#include "../core/rng.h"
#include "streamlearn/drift.h"

/* Parameter indices, shared by both kinds' tables (the adaptive tree has the
 * four HT_P_* rows after HT_N_VFDT_PARAMS). */
enum {
  HT_P_GRACE_PERIOD,
  HT_P_MAX_DEPTH,
  HT_P_SPLIT_CRITERION,
  HT_P_DELTA,
  HT_P_TAU,
  HT_P_LEAF_PREDICTION,
  HT_P_NB_THRESHOLD,
  HT_P_BINARY_SPLIT,
  HT_P_MIN_BRANCH_FRACTION,
  HT_P_MAX_SHARE_TO_SPLIT,
  HT_P_MAX_SIZE,
  HT_P_MEMORY_ESTIMATE_PERIOD,
  HT_P_REMOVE_POOR_ATTRS,
  HT_P_MERIT_PREPRUNE,
  HT_P_N_SPLITS,
  HT_P_MAX_CLASSES,
  HT_P_MAX_NOMINAL_VALUES,
  HT_N_VFDT_PARAMS,
  HT_P_BOOTSTRAP_SAMPLING = HT_N_VFDT_PARAMS,
  HT_P_DRIFT_WINDOW_THRESHOLD,
  HT_P_SWITCH_SIGNIFICANCE,
  HT_P_SEED,
  HT_N_HAT_PARAMS
};

enum { HT_CRIT_INFO_GAIN, HT_CRIT_GINI, HT_CRIT_HELLINGER };
enum { HT_PRED_MC, HT_PRED_NB, HT_PRED_NBA };
enum { HT_SPLIT_NUMERIC, HT_SPLIT_NOMINAL_BINARY, HT_SPLIT_NOMINAL_MULTIWAY };

/* Shared parameter table (VFDT rows first) and statistic names. */
extern const sl_param_info sl__ht_params[HT_N_HAT_PARAMS];

#define HT_NO_CHILD 0xFFu
/* The Gaussian observers of one class at a leaf, structure of arrays: the
 * class's weight (every enabled numeric feature has seen the same), then one
 * array per field below, each indexed by the numeric feature's rank
 * (t->off[f]). The variance and 0.5 * log(variance) are caches for naive
 * Bayes, stale while the log is HT_HLV_UNSET (a real one is below 355). */
enum { HT_G_MEAN, HT_G_M2, HT_G_MIN, HT_G_MAX, HT_G_VAR, HT_G_HLV, HT_G_FIELDS };
#define HT_HLV_UNSET 1e300

/* ---- nodes --------------------------------------------------------------- */

/* The head of a leaf or a branch. */
typedef struct ht_node {
  uint32_t depth;
  uint8_t is_leaf;
  uint8_t active;     /* leaf: collects observer statistics */
  uint8_t split_kind; /* branch: HT_SPLIT_* */
  uint8_t pad_;
  /* Adaptive tree only: the node's error detector and mean error. */
  sl_drift *adwin;
  double err_n, err_mean;
} ht_node;

/* A class distribution as River keeps it (a dict): weights by class index,
 * and the classes present, in the order they were inserted (which breaks
 * ties and orders float sums the way River does). */
typedef struct ht_dist {
  double *w;      /* [C] */
  uint8_t *order; /* [C] */
  unsigned n;     /* classes present */
} ht_dist;

typedef struct ht_leaf {
  ht_node h;
  ht_dist d;
  double last_split_at; /* total weight at the last split attempt */
  double mc_correct, nb_correct; /* naive Bayes adaptive bookkeeping */
  double *obs;       /* observer block (active leaves), else NULL */
  uint8_t *disabled; /* [F] features dropped by remove_poor_attrs */
} ht_leaf;

typedef struct ht_branch {
  ht_node h;
  uint32_t feature;
  unsigned n_children;
  double threshold;  /* numeric: x <= threshold goes left; nominal binary: the value that goes left */
  ht_node **child;   /* [2] or [V] */
  uint8_t *map;      /* multiway: [V] nominal value -> child index or HT_NO_CHILD */
  ht_leaf *alt;      /* adaptive tree: alternate (a leaf until it splits) */
} ht_branch;

/* ---- the tree ------------------------------------------------------------ */

typedef struct ht_rank {
  double promise;
  ht_leaf *leaf;
} ht_rank;

typedef struct ht_tree ht_tree;

/* The adaptive tree's error detectors, reached through pointers so the plain
 * tree does not link the drift module. */
typedef struct ht_hooks {
  sl_drift *(*adwin_new)(ht_tree *t);
  void (*adwin_free)(sl_drift *d);
  sl_status (*adwin_save)(const sl_drift *d, sl__writer *w);
  sl_status (*adwin_load)(ht_tree *t, sl_drift **d, sl__reader *r);
} ht_hooks;

struct ht_tree {
  sl_model base;
  int adaptive;
  const ht_hooks *hooks; /* adaptive tree only */
  size_t C, V, F;         /* max classes, max nominal values, features */
  uint8_t *nominal;       /* [F] 1 = nominal feature */
  size_t n_nominal;       /* nominal features */
  size_t n_numeric;       /* numeric features (Fn) */
  size_t *off;            /* [F] numeric: rank among the numeric features; nominal: offset (in doubles) of its table */
  size_t gstride;         /* doubles of one class's Gaussian observers: 1 + HT_G_FIELDS * Fn */
  size_t obs_doubles;     /* doubles of observer data; the class order follows */
  size_t obs_bytes, leaf_bytes, branch_bytes[2]; /* branch_bytes[0]: binary, [1]: multiway */
  ht_node *root;
  double weight_seen;
  uint8_t seen[256];      /* classes ever learned */
  /* counts kept up to date as nodes come and go */
  uint64_t n_leaves, n_active, n_inactive_mem; /* inactive_mem: inactive with depth < max_depth */
  uint64_t since_check, split_failures;
  uint64_t n_alternate, n_pruned, n_switched; /* adaptive */
  sl__rng rng;                                /* adaptive: bootstrap */
  /* scratch, sized at creation: split search and prediction */
  void *scratch;
  size_t scratch_bytes;
  double *sw;       /* [max(2,V) * C] children weights */
  uint8_t *so;      /* [max(2,V) * C] children class orders */
  unsigned *sn;     /* [max(2,V)] children class counts */
  double *fmerit;   /* [F] best merit per feature, -inf if none */
  uint8_t *fhas;    /* [F] feature produced a suggestion */
  double *votes;    /* [C] */
  double *sigma;    /* [C] split search: each class's Gaussian sigma for one feature */
  /* The last example (predict then learn the same example would walk the
   * tree and compute the naive Bayes posterior twice). memo_x holds it from
   * sl__ht_memo_sync to the next example; what was learned about it stays
   * valid while `epoch` (moved whenever any node changes) has not moved. */
  double *memo_x;   /* [F] */
  int memo_valid;   /* memo_x holds an example */
  ht_node **memo_slot; /* the slot it reached by its own values (no unseen nominal value), or NULL */
  uint64_t memo_slot_epoch;
  const ht_leaf *memo_reach; /* the leaf it reaches following most common paths (sl__ht_reach), or NULL */
  uint64_t memo_reach_epoch;
  double *memo_p;   /* [C] naive Bayes of memo_x at memo_leaf: log-likelihoods or posterior (memo_stage) */
  const ht_leaf *memo_leaf;
  uint64_t memo_epoch, epoch;
  int memo_has, memo_stage;
  ht_rank *rank;    /* memory manager's leaf list */
  size_t rank_cap;
  sl_allocator counting; /* passes the tree's counting allocator to child handles */
};

static inline const sl__pval *ht_p(const ht_tree *t) { return t->base.obj.param; }
/* Class c's Gaussian observers: [0] its weight, then the HT_G_* arrays. */
static inline double *ht_gclass(const ht_tree *t, double *obs, size_t c) { return obs + c * t->gstride; }
static inline double *ht_gfield(const ht_tree *t, double *gc, int field) { return gc + 1 + (size_t)field * t->n_numeric; }
/* Nominal feature f: counts [V][C], then seen [V], then class totals [C]. */
static inline double *ht_nom(const ht_tree *t, double *obs, size_t f) { return obs + t->off[f]; }
/* Observer block class order: n, then the classes in order of first sight. */
static inline uint8_t *ht_obs_order(const ht_tree *t, double *obs) { return (uint8_t *)(obs + t->obs_doubles); }

/* ---- htree_node.c: layout, node blocks, activation, memory budget ---------- */

/* (Re)allocates the scratch block for C, V, F from the parameters, then
 * computes the layout. SL_ENOMEM leaves the old layout. */
sl_status sl__ht_layout(ht_tree *t);
/* Offsets and block sizes from C, V, F and the nominal flags. */
void sl__ht_offsets(ht_tree *t);
void sl__ht_scratch_free(ht_tree *t);
/* A new leaf (active with a fresh observer block when `active`), or NULL. */
ht_leaf *sl__ht_leaf_new(ht_tree *t, uint32_t depth, int active);
ht_branch *sl__ht_branch_new(ht_tree *t, uint32_t depth, int multiway);
/* Frees a node and everything under it (alternates included), keeping the
 * counters right. NULL is a no-op. */
void sl__ht_free(ht_tree *t, ht_node *n);
void sl__ht_leaf_deactivate(ht_tree *t, ht_leaf *l);
sl_status sl__ht_leaf_activate(ht_tree *t, ht_leaf *l);
/* Clears a leaf's observers in place (River's deactivate + reactivate). */
void sl__ht_obs_clear(ht_tree *t, ht_leaf *l);
/* Bytes still allowed by max_size (0 when over). */
size_t sl__ht_room(const ht_tree *t);
int sl__ht_over_budget(const ht_tree *t);
/* Makes sure the leaf list can hold `n` leaves; sl__ht_rank_need gives the
 * bytes that would allocate (0 when it already can). */
sl_status sl__ht_rank_reserve(ht_tree *t, size_t n);
size_t sl__ht_rank_need(const ht_tree *t, size_t n);
/* The memory manager (MOA's enforceTrackerLimit on exact byte counts): keeps
 * the most promising leaves active so that `need` more bytes fit in the
 * budget, and reactivates inactive leaves when there is room. `keep` (a leaf
 * about to split, or NULL) is left alone. */
void sl__ht_enforce(ht_tree *t, size_t need, const ht_leaf *keep);
/* Counts over the tree. */
typedef struct ht_counts {
  uint64_t nodes, branches, leaves, active;
  uint32_t depth;
} ht_counts;
void sl__ht_count(const ht_node *n, ht_counts *c);

/* ---- htree_dist.c: class distributions ------------------------------------ */

void sl__ht_dist_add(ht_dist *d, unsigned c, double w);
/* Sum of the weights, in insertion order. */
double sl__ht_dist_total(const ht_dist *d);
/* Number of classes with non-zero weight, up to 2. */
unsigned sl__ht_dist_nonzero2(const ht_dist *d);

/* ---- htree_criterion.c ---------------------------------------------------- */

/* What the merit of every split of `pre` shares (info gain: the entropy of
 * `pre`), computed once per split attempt. */
double sl__ht_pre_merit(const ht_tree *t, const ht_dist *pre);
/* Merit of splitting the parent (its sl__ht_pre_merit `pre`) into the `k`
 * children of scratch (t->sw, so, sn); -inf when fewer than two children
 * hold more than min_branch_fraction. */
double sl__ht_merit(const ht_tree *t, double pre, unsigned k);
double sl__ht_range_of_merit(const ht_tree *t, const ht_dist *pre);

/* ---- htree_observer.c ------------------------------------------------------- */

/* Adds (x, class c, weight w) to every enabled feature's observer of leaf l. */
void sl__ht_obs_update(ht_tree *t, ht_leaf *l, const double *x, unsigned c, double w);
/* A split candidate of one feature. */
typedef struct ht_split {
  int has;          /* 0: a null suggestion (River's BranchFactory()) */
  double merit;
  uint32_t feature;
  int kind;         /* HT_SPLIT_* */
  double value;     /* threshold or nominal value */
} ht_split;
/* Best split of feature f at leaf l (River's best_evaluated_split_suggestion);
 * `pre` is sl__ht_pre_merit of the leaf's distribution. */
ht_split sl__ht_obs_best_split(ht_tree *t, ht_leaf *l, size_t f, double pre);
/* Fills the scratch children (t->sw, so, sn) for split s; returns their count. */
unsigned sl__ht_obs_children(ht_tree *t, ht_leaf *l, const ht_split *s);
/* v plus the log P(x_f | c) terms of naive Bayes for the enabled features,
 * added in feature order as River does (a term River skips adds nothing). */
double sl__ht_obs_log_lik(const ht_tree *t, const ht_leaf *l, const double *x, unsigned c, double v);
/* The observer block's reals in the checkpoint: per feature in order,
 * numeric (weight, mean, M2, min, max, variance, 0.5 * log(variance)) per
 * class, nominal its table (the class order is written apart). Loading
 * checks what it reads (the leaf's disabled flags must be loaded first). */
void sl__ht_obs_put(const ht_tree *t, const ht_leaf *l, sl__writer *w);
void sl__ht_obs_get(const ht_tree *t, ht_leaf *l, sl__reader *r);

/* ---- htree_leaf.c: leaf learning and prediction ----------------------------- */

/* Makes memo_x hold x (every learn and predict starts with it): keeps what
 * is remembered about x when it is the last example, else forgets it. */
void sl__ht_memo_sync(ht_tree *t, const double *x);
/* Naive Bayes posterior into p (by class, in the leaf's order); returns 0
 * when River's would be empty. x must be the example last given to
 * sl__ht_memo_sync (so are the x of the leaf calls below). */
int sl__ht_nb(ht_tree *t, const ht_leaf *l, const double *x, double *p);
/* The leaf's class distribution for x (River's leaf.prediction) into p[C]
 * (zeros for absent classes); returns 0 when it is empty. */
int sl__ht_leaf_predict(ht_tree *t, const ht_leaf *l, const double *x, double *p);
/* The class l predicts for x when it predicts by naive Bayes and the
 * posterior's strict maximum shows in the log-likelihoods already (no
 * log-sum-exp needed); -1 otherwise (ask sl__ht_leaf_predict). */
int sl__ht_leaf_nb_class(ht_tree *t, const ht_leaf *l, const double *x);
/* Updates stats, naive Bayes bookkeeping (when tracked) and observers. */
void sl__ht_leaf_learn(ht_tree *t, ht_leaf *l, const double *x, unsigned c, double w, int track_nba);
/* First class of maximal p[] in the leaf's class order (River's max over a dict); -1 if none. */
int sl__ht_argmax(const ht_leaf *l, const double *p);
/* River's calculate_promise: total weight minus the majority class weight. */
double sl__ht_leaf_promise(const ht_leaf *l);

/* ---- htree_route.c: traversal -------------------------------------------------- */

/* Child index of branch b for x, or -1 for a nominal value it has no branch
 * for. Inline: the walk down the tree is on every example's path. */
static inline int sl__ht_branch_no(const ht_tree *t, const ht_branch *b, const double *x) {
  double v = x[b->feature];
  if (b->h.split_kind == HT_SPLIT_NUMERIC) return !(v <= b->threshold);
  if (b->h.split_kind == HT_SPLIT_NOMINAL_BINARY) return !(v == b->threshold);
  if (v >= 0 && v < (double)t->V && v == floor(v) && b->map[(size_t)v] != HT_NO_CHILD) return b->map[(size_t)v];
  return -1;
}
/* River's most_common_path: the child with the most weight under it. */
unsigned sl__ht_most_common(const ht_branch *b);
double sl__ht_node_weight(const ht_node *n);
/* The slot holding the leaf x reaches (unseen nominal values follow the
 * most common path), for a prediction. x must be memo_x (sl__ht_memo_sync). */
ht_node **sl__ht_find_slot(ht_tree *t, const double *x);
/* The same for learning, in a tree with a root: a multiway branch grows a
 * leaf for an unseen nominal value when it can; *direct is 0 when x did not
 * reach the leaf by its own values. x must be memo_x. */
ht_node **sl__ht_learn_slot(ht_tree *t, const double *x, int *direct);
/* The leaf x reaches from node n on its path, following the most common
 * path past unseen nominal values (River's traverse): every node of the
 * path leads to the same leaf, so it is walked once per example and tree
 * state. x must be memo_x. sl__ht_reach_note records a leaf found so. */
const ht_leaf *sl__ht_reach(ht_tree *t, const ht_node *n, const double *x);
void sl__ht_reach_note(ht_tree *t, const ht_leaf *l);
/* Adds a leaf for an unseen nominal value to multiway branch b (learning only);
 * returns its child index or -1 when there is no room or memory. */
int sl__ht_add_branch(ht_tree *t, ht_branch *b, const double *x);

/* ---- htree_split.c ----------------------------------------------------------- */

/* River's _attempt_to_split for leaf l: on success the new branch replaces
 * *slot (which may hold another node: an adaptive tree's alternate replaces
 * its main subtree) and l is freed; returns 1 then, else 0. */
int sl__ht_attempt_split(ht_tree *t, ht_leaf *l, ht_node **slot);

/* ---- htree_io.c --------------------------------------------------------------- */

sl_status sl__ht_save(const ht_tree *t, sl__writer *w);
sl_status sl__ht_load(ht_tree *t, sl__reader *r);

/* ---- shared by both kinds (hoeffding_tree.c) ------------------------------------ */

/* Creates a tree handle of kind k (fresh, or from r); `hooks` for the adaptive tree. */
sl_status sl__ht_build(sl__object **out, const sl__kind *k, const ht_hooks *hooks, const sl__pval *params,
                       sl__reader *r, const void *args, const sl_allocator *a);
void sl__ht_destroy(sl__object *o);
sl_status sl__ht_configure(sl__object *o, size_t changed, sl__pval old);
double sl__ht_stat(const sl__object *o, size_t i);
sl_status sl__ht_save_kind(const sl__object *o, sl__writer *w);
size_t sl__ht_max_classes(const sl_model *m);
void sl__ht_reset(sl_model *m);
/* p[n] from a class distribution over the seen classes; returns the predicted class. */
double sl__ht_output(const ht_tree *t, const double *dist, double *p, size_t n);
/* The start of every learn: checks the nominal values (SL_EINVAL), creates
 * the root leaf of an empty tree (SL_ENOMEM), records the class and weight,
 * and gives x to sl__ht_memo_sync. */
sl_status sl__ht_learn_begin(ht_tree *t, const double *x, double y, double w);
/* Every memory_estimate_period examples, lets the memory manager reactivate leaves. */
void sl__ht_memory_check(ht_tree *t);
extern const char *const sl__ht_stat_names[];
#define HT_N_VFDT_STATS 8 /* the adaptive tree adds three */
#define HT_N_STATS 11

#endif
