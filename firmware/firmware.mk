# `make firmware`: the Cortex-M4F build (float reals, no malloc, no zstd)
# and its tests under QEMU. Included by the top Makefile; see docs/firmware.md.
#
# FW_MODULES   handle folders cross-built beside core: by default every
#              module with on-target tests, i.e. a firmware/tests_<module>.c
#              (adding that file is all a module does to join).
# FW_ARENA_BYTES  the test runner's static arena.

CROSS ?= arm-none-eabi-
QEMU ?= qemu-system-arm
FW_BUILD ?= build-fw
FW_MODULES ?= $(filter-out core,$(patsubst firmware/tests_%.c,%,$(wildcard firmware/tests_*.c)))
FW_ARENA_BYTES ?= 16384
FW_TIMEOUT ?= 120

FW_ARCH := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
FW_CPPFLAGS := -Iinclude -Ilib -DSL_BUILDING -DSL_STATIC_DEFINE -DSL_REAL_FLOAT -DSL_NO_MALLOC
FW_CFLAGS := $(FW_ARCH) -Os -g -ffunction-sections -fdata-sections $(WARN)
FW_LDFLAGS := $(FW_ARCH) -T firmware/mps2_an386.ld --specs=nano.specs --specs=rdimon.specs \
              -Wl,--gc-sections -Wl,-Map=$(FW_BUILD)/test.map

FW_SRC := $(wildcard lib/core/*.c) $(foreach m,$(FW_MODULES),$(wildcard lib/$(m)/*.c))
FW_OBJ := $(FW_SRC:%.c=$(FW_BUILD)/%.o)
FW_LIB := $(FW_BUILD)/libstreamlearn.a
FW_TEST_SRC := firmware/test_main.c firmware/startup.c firmware/tests_core.c \
               $(foreach m,$(FW_MODULES),$(wildcard firmware/tests_$(m).c))
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
	@undef=$$($(CROSS)nm -u $(FW_LIB) | awk '{print $$NF}' | sort -u); bad=; \
	 for s in $(FW_FORBIDDEN); do echo "$$undef" | grep -qx "$$s" && bad="$$bad $$s"; done; \
	 if [ -n "$$bad" ]; then echo "firmware: the library archive references:$$bad"; exit 1; fi; \
	 echo "firmware: library archive references no malloc/free/stdio"

firmware: firmware-build
	@echo "== $(QEMU) -M mps2-an386 -kernel $(FW_ELF)"
	timeout $(FW_TIMEOUT) $(QEMU) -M mps2-an386 -nographic -monitor none -serial none \
	  -semihosting-config enable=on,target=native -kernel $(FW_ELF)
