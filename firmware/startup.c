/*
 * Cortex-M4F startup for the test image on QEMU's mps2-an386 board: the
 * vector table, FPU enable, .data copied from flash, then newlib's rdimon
 * crt0 (_start), which zeroes .bss, opens the semihosting console, runs
 * main and passes its return value to exit() -> QEMU's exit code.
 * A fault ends the run with exit code 100 + the exception number
 * (103 HardFault, 104 MemManage, 105 BusFault, 106 UsageFault), after
 * calling fw_on_fault() when the image defines it (the runner prints the
 * test that crashed).
 */
#include <stdint.h>

extern uint32_t __stack_top[];
extern uint32_t _sidata[], _sdata[], _edata[];
extern void _start(void);
extern void _exit(int status);
/* Optional hook the image may define to report a fault before the exit. */
extern void fw_on_fault(unsigned exception) __attribute__((weak));

void Reset_Handler(void);
void Fault_Handler(void);

void Reset_Handler(void) {
  volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88u;
  uint32_t *src = _sidata, *dst = _sdata;
  *cpacr |= 0xFu << 20; /* CP10, CP11: full access, before any FP instruction */
  __asm volatile("dsb\n\tisb" ::: "memory");
  while (dst < _edata) *dst++ = *src++;
  _start();
}

void Fault_Handler(void) {
  uint32_t ipsr;
  __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
  if (fw_on_fault) fw_on_fault(ipsr & 0x1ffu);
  _exit(100 + (int)(ipsr & 0x1ffu));
}

typedef void (*vector)(void);

__attribute__((used, section(".isr_vector"))) static const vector vectors[16] = {
    (vector)(uintptr_t)__stack_top, /* initial stack pointer */
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0, 0, 0, 0,
    Fault_Handler, /* SVCall */
    Fault_Handler, /* DebugMonitor */
    0,
    Fault_Handler, /* PendSV */
    Fault_Handler, /* SysTick */
};
