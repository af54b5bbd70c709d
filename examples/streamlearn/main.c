/* `streamlearn`: try libstreamlearn on a CSV file or a built-in stream
 * without writing code. Subcommands: eval, params, inspect. */
#include <string.h>

#include "cli.h"

static void usage(FILE *f) {
  fputs("usage: streamlearn COMMAND [options]\n"
        "\n"
        "commands:\n"
        "  eval      progressive (test-then-train) evaluation of a model on a CSV file,\n"
        "            standard input or a built-in generator, with an optional drift\n"
        "            detector; summary table, --json, --plot FILE.svg\n"
        "  params    the parameters of a kind (type, default, range, doc), or the kinds\n"
        "  inspect   what a checkpoint file holds, without loading it\n"
        "  help      this text, or `streamlearn help COMMAND`\n"
        "\n"
        "options: --help, --version\n"
        "\n"
        "  streamlearn eval --stream sea --set stream.switch_every=25000 --drift adwin\n"
        "  streamlearn eval --csv data.csv --target label --model logistic_regression\n"
        "  streamlearn params model.hoeffding_tree\n"
        "\n"
        "exit status: 0 success, 1 the run failed (file, data, checkpoint), 2 bad command line\n",
        f);
}

static void version(void) {
  printf("streamlearn %d.%d.%d (libstreamlearn %s; zstd checkpoints: %s)\n", SL_VERSION_MAJOR, SL_VERSION_MINOR,
         SL_VERSION_PATCH, sl_version_string(), sl_has_compression() ? "yes" : "no");
}

/* `streamlearn help [COMMAND]`. */
static int help(int argc, char **argv) {
  static char help_opt[] = "--help";
  char *args[2];
  if (argc < 2) {
    usage(stdout);
    return CLI_OK;
  }
  args[0] = argv[1];
  args[1] = help_opt;
  if (strcmp(argv[1], "eval") == 0) return cli_eval(2, args);
  if (strcmp(argv[1], "params") == 0) return cli_params(2, args);
  if (strcmp(argv[1], "inspect") == 0) return cli_inspect(2, args);
  cli_error("no command '%s' (eval, params, inspect)", argv[1]);
  return CLI_USAGE;
}

int main(int argc, char **argv) {
  const char *cmd = argc > 1 ? argv[1] : NULL;
  if (!cmd) {
    usage(stderr);
    return CLI_USAGE;
  }
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) return help(1, argv);
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
    version();
    return CLI_OK;
  }
  if (strcmp(cmd, "help") == 0) return help(argc - 1, argv + 1);
  if (strcmp(cmd, "eval") == 0) return cli_eval(argc - 1, argv + 1);
  if (strcmp(cmd, "params") == 0) return cli_params(argc - 1, argv + 1);
  if (strcmp(cmd, "inspect") == 0) return cli_inspect(argc - 1, argv + 1);
  cli_error("unknown command '%s' (see streamlearn --help)", cmd);
  return CLI_USAGE;
}
