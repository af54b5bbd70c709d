/* libstreamlearn version: the one place both builds read it from. */
#ifndef STREAMLEARN_VERSION_H
#define STREAMLEARN_VERSION_H

#define SL_VERSION_MAJOR 1
#define SL_VERSION_MINOR 0
#define SL_VERSION_PATCH 0

#define SL_VERSION_NUMBER (SL_VERSION_MAJOR * 10000 + SL_VERSION_MINOR * 100 + SL_VERSION_PATCH)

#endif
