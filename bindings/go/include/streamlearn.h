/*
 * libstreamlearn: learn from a live data stream inside your own process.
 *
 * The umbrella header: include this one. The five handles:
 *   sl_window    keyed event-time window aggregates   streamlearn/window.h
 *   sl_model     online learners                      streamlearn/model.h
 *   sl_drift     change detectors                     streamlearn/drift.h
 *   sl_replay    bounded stores of past examples      streamlearn/replay.h
 *   sl_pipeline  the loop that ties them together     streamlearn/pipeline.h
 *   sl_stream    seeded synthetic streams (generators) streamlearn/stream.h
 * Conventions every handle follows: streamlearn/common.h.
 */
#ifndef STREAMLEARN_H
#define STREAMLEARN_H

#include "streamlearn/common.h"
#include "streamlearn/drift.h"
#include "streamlearn/model.h"
#include "streamlearn/pipeline.h"
#include "streamlearn/replay.h"
#include "streamlearn/stream.h"
#include "streamlearn/window.h"

#endif
