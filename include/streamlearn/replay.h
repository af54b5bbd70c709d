/* sl_replay: being written (see the open issue). */
#ifndef STREAMLEARN_REPLAY_H
#define STREAMLEARN_REPLAY_H

#include "common.h"

#endif
