/* `streamlearn inspect CHECKPOINT`: what a checkpoint holds, read from its
 * frame by sl_checkpoint_inspect() without loading it into a handle. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *yes_no(int ok) { return ok ? "ok" : "MISMATCH"; }

static void show(const char *path, size_t len, const sl_checkpoint_info *info) {
  const cli_noun *noun = cli_noun_find(info->handle_type);
  const char *kind = noun ? noun->kind_name(info->kind) : NULL;
  printf("%-16s %s\n", "file", path);
  printf("%-16s %lu bytes\n", "size", (unsigned long)len);
  printf("%-16s %s\n", "handle type", info->handle_type);
  if (!info->header_ok) {
    printf("%-16s %s\n", "header checksum", yes_no(0));
    return;
  }
  printf("%-16s %s (id %d)\n", "kind", kind ? kind : "unknown to this build", info->kind);
  printf("%-16s %u\n", "format version", info->format_version);
  printf("%-16s %s\n", "compression", info->flags & SL_SAVE_COMPRESS ? "zstd" : "none");
  printf("%-16s %llu bytes stored, %llu bytes decompressed\n", "payload", (unsigned long long)info->stored_bytes,
         (unsigned long long)info->payload_bytes);
  printf("%-16s %s\n", "header checksum", yes_no(info->header_ok));
  printf("%-16s %s\n", "payload checksum", yes_no(info->payload_ok));
}

int cli_inspect(int argc, char **argv) {
  sl_checkpoint_info info;
  unsigned char *data;
  size_t len;
  sl_status st;
  if (argc != 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    FILE *f = argc == 2 ? stdout : stderr;
    fputs("usage: streamlearn inspect CHECKPOINT\n\n"
          "Describes a checkpoint written by sl_X_save (or eval --save) without loading it:\n"
          "handle type, kind, format version, sizes, checksums. Exit status 1 when it is\n"
          "truncated or corrupt.\n",
          f);
    return argc == 2 ? CLI_OK : CLI_USAGE;
  }
  if (cli_read_file(argv[1], &data, &len) != CLI_OK) return CLI_FAIL;
  if (len < 4 || memcmp(data, "SLCK", 4) != 0) {
    cli_error("'%s' is not a streamlearn checkpoint (it does not start with SLCK)", argv[1]);
    free(data);
    return CLI_FAIL;
  }
  st = sl_checkpoint_inspect(data, len, &info);
  free(data);
  show(argv[1], len, &info);
  if (st != SL_OK) {
    cli_error("'%s': %s%s", argv[1], sl_strerror(st),
              info.header_ok && !info.payload_ok ? " (truncated, or the payload checksum does not match)" : "");
    return CLI_FAIL;
  }
  return CLI_OK;
}
