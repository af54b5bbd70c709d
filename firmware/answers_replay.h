/* Known answers of firmware/tests_replay.c from the host build (double reals):
 * written by `make firmware-answers`, do not edit. */
static const double fw_answer_fifo_sample[8] = {33, 38, 26, 30, 31, 28, 27, 29};
static const double fw_answer_reservoir_held[16] = {188, 16, 141, 158, 125, 182, 133, 139, 153, 191, 104, 11, 40, 85, 170, 82};
static const double fw_answer_reservoir_sample[8] = {85, 104, 158, 40, 188, 139, 16, 170};
static const double fw_answer_prioritized_slots[8] = {25, 19, 22, 9, 27, 10, 23, 29};
static const double fw_answer_prioritized_is_weights[8] = {1, 1, 1, 1, 0.82314463005818039, 1, 0.84674521075312115, 0.94785414474785479};
