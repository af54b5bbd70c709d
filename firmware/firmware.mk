# `make firmware`: the Cortex-M4F build (float reals, no malloc, no zstd)
# and its tests under QEMU. Included by the top Makefile; see docs/firmware.md.
#
# FW_MODULES   handle folders cross-built beside core: by default every
#              module with on-target tests, i.e. a firmware/tests_<module>.c
#              (adding that file is all a module does to join).
# FW_ARENA_BYTES  the test runner's static arena.
# FW_DEFS      extra library defines, e.g. a kind selection:
#              FW_DEFS="-DSL_KINDS_SELECTED -DSL_KIND_DRIFT_PAGE_HINKLEY"
#
# `make firmware-host` runs the same tests on the host build ($(BUILD),
# double reals); `make firmware-answers` rewrites firmware/answers_*.h, the
# host's values that FW_EXPECT compares the target's with.

CROSS ?= arm-none-eabi-
QEMU ?= qemu-system-arm
FW_BUILD ?= build-fw
FW_MODULES ?= $(filter-out core,$(patsubst firmware/tests_%.c,%,$(wildcard firmware/tests_*.c)))
FW_ARENA_BYTES ?= 65536
FW_TIMEOUT ?= 120
FW_DEFS ?=
FW_HOST_ARENA_BYTES ?= 262144

FW_ARCH := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
# Smaller handle heads: 24 parameter slots (the largest table has 22; the
# params_fit tests check every kind) and a 48-byte error detail.
FW_CPPFLAGS := -Iinclude -Ilib -DSL_BUILDING -DSL_STATIC_DEFINE -DSL_REAL_FLOAT -DSL_NO_MALLOC -DSL_NO_STDIO \
               -DSL__MAX_PARAMS=24 -DSL__ERR_LEN=48 $(FW_DEFS)
FW_CFLAGS := $(FW_ARCH) -Os -g -ffunction-sections -fdata-sections $(WARN)
# _printf_float: the runner prints deviations with %g (newlib-nano leaves it out).
FW_LDFLAGS := $(FW_ARCH) -T firmware/mps2_an386.ld --specs=nano.specs --specs=rdimon.specs -u _printf_float \
              -Wl,--gc-sections -Wl,-Map=$(FW_BUILD)/test.map

FW_SRC := $(wildcard lib/core/*.c) $(foreach m,$(FW_MODULES),$(wildcard lib/$(m)/*.c))
FW_OBJ := $(FW_SRC:%.c=$(FW_BUILD)/%.o)
FW_LIB := $(FW_BUILD)/libstreamlearn.a
FW_TESTS := firmware/tests_core.c $(foreach m,$(FW_MODULES),$(wildcard firmware/tests_$(m).c))
FW_TEST_SRC := firmware/test_main.c firmware/startup.c $(FW_TESTS)
FW_ELF := $(FW_BUILD)/test.elf
FW_HDR := $(wildcard include/*.h include/streamlearn/*.h lib/*/*.h firmware/*.h)

# Symbols the library archive must not need: allocation and stdio.
FW_FORBIDDEN := malloc calloc realloc free _malloc_r _calloc_r _realloc_r _free_r \
                printf fprintf sprintf snprintf vsnprintf puts fputs fwrite fopen fflush

$(FW_BUILD)/%.o: %.c $(FW_HDR)
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(FW_CPPFLAGS) $(FW_CFLAGS) -c $< -o $@

$(FW_LIB): $(FW_OBJ)
	rm -f $@
	$(CROSS)ar rcs $@ $^

$(FW_ELF): $(FW_TEST_SRC) firmware/mps2_an386.ld $(FW_LIB) $(FW_HDR)
	$(CROSS)gcc $(FW_CPPFLAGS) -Ifirmware -DFW_ARENA_BYTES=$(FW_ARENA_BYTES) $(FW_CFLAGS) $(FW_LDFLAGS) \
	  -o $@ $(FW_TEST_SRC) $(FW_LIB) -lm

firmware-build: $(FW_LIB) $(FW_ELF)
	@echo "== arm-none-eabi-size $(FW_LIB) (per object, then total)"
	@$(CROSS)size -t $(FW_LIB) | tee $(FW_BUILD)/size.txt
	@echo "== arm-none-eabi-size $(FW_ELF) (library + runner + newlib-nano + semihosting)"
	@$(CROSS)size $(FW_ELF) | tee -a $(FW_BUILD)/size.txt
	@python3 firmware/map_size.py $(FW_BUILD)/test.map | tee -a $(FW_BUILD)/size.txt
	@undef=$$($(CROSS)nm -u $(FW_LIB) | awk '{print $$NF}' | sort -u); bad=; \
	 for s in $(FW_FORBIDDEN); do echo "$$undef" | grep -qx "$$s" && bad="$$bad $$s"; done; \
	 if [ -n "$$bad" ]; then echo "firmware: the library archive references:$$bad"; exit 1; fi; \
	 echo "firmware: library archive references no malloc/free/stdio"

firmware: firmware-build
	@echo "== $(QEMU) -M mps2-an386 -kernel $(FW_ELF)"
	timeout $(FW_TIMEOUT) $(QEMU) -M mps2-an386 -nographic -monitor none -serial none \
	  -semihosting-config enable=on,target=native -kernel $(FW_ELF)

# ---- the same tests on the host build -------------------------------------------

FW_HOST_DIR := $(BUILD)/firmware
FW_HOST_CFLAGS = $(CPPFLAGS_ALL) -DSL_STATIC_DEFINE -Ifirmware -DFW_HOST -DFW_ARENA_BYTES=$(FW_HOST_ARENA_BYTES) \
                 $(WARN) $(CFLAGS)

$(FW_HOST_DIR)/host-test: firmware/test_main.c $(FW_TESTS) $(FW_HDR) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(FW_HOST_CFLAGS) -o $@ firmware/test_main.c $(FW_TESTS) $(STATIC_LIB) $(LIBS)

# Record mode ignores the answer headers (they may be stale or empty).
$(FW_HOST_DIR)/host-record: firmware/test_main.c $(FW_TESTS) $(FW_HDR) $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(FW_HOST_CFLAGS) -DFW_RECORD -Wno-unused-const-variable -o $@ firmware/test_main.c $(FW_TESTS) \
	  $(STATIC_LIB) $(LIBS)

firmware-host: $(FW_HOST_DIR)/host-test
	$(TEST_WRAP) $<

firmware-answers: $(FW_HOST_DIR)/host-record
	$< > $(FW_HOST_DIR)/answers.txt
	@for m in $(FW_MODULES); do grep -q "^FW_ANSWER $$m " $(FW_HOST_DIR)/answers.txt || continue; \
	  { echo "/* Known answers of firmware/tests_$$m.c from the host build (double reals):"; \
	    echo " * written by \`make firmware-answers\`, do not edit. */"; \
	    sed -n "s/^FW_ANSWER $$m //p" $(FW_HOST_DIR)/answers.txt; } > firmware/answers_$$m.h; \
	  echo "wrote firmware/answers_$$m.h"; done

.PHONY: firmware-host firmware-answers
