/* sl_window: being written (see the open issue). */
#ifndef STREAMLEARN_WINDOW_H
#define STREAMLEARN_WINDOW_H

#include "common.h"

#endif
