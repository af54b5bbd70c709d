/* sl_stream: being written (see the open issue). */
#ifndef STREAMLEARN_STREAM_H
#define STREAMLEARN_STREAM_H

#include "common.h"

#endif
