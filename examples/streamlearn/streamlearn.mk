# The `streamlearn` command-line tool (examples/streamlearn/*.c), linked with
# the static library. Included by the Makefile; uses its BUILD, CC, WARN,
# CFLAGS, LIBS, HAVE_MODULES, DESTDIR and BINDIR.
#
#   make streamlearn   build $(BUILD)/streamlearn
#   make demo          run it on SEA with abrupt drifts, plot in $(BUILD)/demo.svg
#   make test-cli      its tests (tests/cli: output, exit codes, the SVG)
#   make install-cli   install it into $(DESTDIR)$(BINDIR)

CLI_SRC := $(wildcard examples/streamlearn/*.c)
CLI_BIN := $(BUILD)/streamlearn
# The tool knows the window, replay and pipeline kinds only when those modules
# are built (model, drift and stream are required).
CLI_DEFS := $(foreach m,window replay pipeline,$(if $(filter $(m),$(HAVE_MODULES)),,-DCLI_NO_$(shell echo $(m) | tr a-z A-Z)))

$(CLI_BIN): $(CLI_SRC) examples/streamlearn/cli.h $(STATIC_LIB)
	$(CC) -Iinclude -DSL_STATIC_DEFINE $(CLI_DEFS) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_SRC) \
	  $(STATIC_LIB) $(LIBS)

streamlearn: $(CLI_BIN)

# The README's first command: SEA's four concepts (a switch every 25000
# events, 10% label noise), a Hoeffding tree, ADWIN watching its errors.
DEMO_ARGS := eval --stream sea --set stream.switch_every=25000 --set stream.noise=0.1 --events 100000 \
  --model hoeffding_tree --drift adwin --plot $(BUILD)/demo.svg

demo: $(CLI_BIN)
	@$(CLI_BIN) $(DEMO_ARGS)
	@echo "plot written to $(BUILD)/demo.svg"

test-cli: $(CLI_BIN)
	@STREAMLEARN=$(abspath $(CLI_BIN)) sh tests/cli/run.sh

install-cli: $(CLI_BIN)
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(CLI_BIN) $(DESTDIR)$(BINDIR)/streamlearn

.PHONY: streamlearn demo test-cli install-cli
