/* interpreter: a stack-machine bytecode interpreter (indirect-branch heavy: one switch dispatch
 * per bytecode, compiled to a jump table).
 *
 * Phases: (1) a bytecode program counting primes below 2000 by trial division;
 *         (2) a bytecode program summing Collatz path lengths for 1..250.
 * The bytecode is assembled in main(); its results are checked against the same computation in C.
 * Prints a checksum.
 */
#include <stdint.h>
#include <stdio.h>
#include "workload.h"

#define PRIME_LIMIT 2000
#define COLLATZ_LIMIT 250

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, LT, EQ, JMP, JZ, JNZ, DUP, POP, HALT };

static int64_t code[512];
static int pc_emit;

static int emit(int64_t op) { code[pc_emit] = op; return pc_emit++; }
static int emit2(int64_t op, int64_t arg) { int at = emit(op); emit(arg); return at; }
static void patch(int at, int target) { code[at + 1] = target; }

__attribute__((noinline)) static int64_t run(const int64_t *program, int64_t *vars) {
    int64_t stack[64];
    int sp = 0, pc = 0;
    for (;;) {
        int64_t op = program[pc++];
        switch (op) {
        case PUSH: stack[sp++] = program[pc++]; break;
        case LOAD: stack[sp++] = vars[program[pc++]]; break;
        case STORE: vars[program[pc++]] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case DIV: sp--; stack[sp - 1] /= stack[sp]; break;
        case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JMP: pc = (int)program[pc]; break;
        case JZ: pc = stack[--sp] == 0 ? (int)program[pc] : pc + 1; break;
        case JNZ: pc = stack[--sp] != 0 ? (int)program[pc] : pc + 1; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case POP: sp--; break;
        case HALT: return sp ? stack[sp - 1] : 0;
        default: return -1;
        }
    }
}

enum { N, D, PRIME, COUNT, I, X, STEPS };

static int assemble_primes(void) {
    int start = pc_emit;
    emit2(PUSH, 2); emit2(STORE, N);
    emit2(PUSH, 0); emit2(STORE, COUNT);
    int outer = pc_emit;
    emit2(LOAD, N); emit2(PUSH, PRIME_LIMIT); emit(LT);
    int exit_outer = emit2(JZ, 0);
    emit2(PUSH, 2); emit2(STORE, D);
    emit2(PUSH, 1); emit2(STORE, PRIME);
    int inner = pc_emit;
    emit2(LOAD, N); emit2(LOAD, D); emit2(LOAD, D); emit(MUL); emit(LT); /* n < d*d: done */
    int exit_inner = emit2(JNZ, 0);
    emit2(LOAD, N); emit2(LOAD, D); emit(MOD);
    int not_divisible = emit2(JNZ, 0);
    emit2(PUSH, 0); emit2(STORE, PRIME);
    int divisible = emit2(JMP, 0);
    patch(not_divisible, pc_emit);
    emit2(LOAD, D); emit2(PUSH, 1); emit(ADD); emit2(STORE, D);
    emit2(JMP, inner);
    patch(exit_inner, pc_emit);
    patch(divisible, pc_emit);
    emit2(LOAD, COUNT); emit2(LOAD, PRIME); emit(ADD); emit2(STORE, COUNT);
    emit2(LOAD, N); emit2(PUSH, 1); emit(ADD); emit2(STORE, N);
    emit2(JMP, outer);
    patch(exit_outer, pc_emit);
    emit2(LOAD, COUNT); emit(HALT);
    return start;
}

static int assemble_collatz(void) {
    int start = pc_emit;
    emit2(PUSH, 1); emit2(STORE, I);
    emit2(PUSH, 0); emit2(STORE, STEPS);
    int outer = pc_emit;
    emit2(LOAD, I); emit2(PUSH, COLLATZ_LIMIT + 1); emit(LT);
    int exit_outer = emit2(JZ, 0);
    emit2(LOAD, I); emit2(STORE, X);
    int inner = pc_emit;
    emit2(LOAD, X); emit2(PUSH, 1); emit(EQ);
    int exit_inner = emit2(JNZ, 0);
    emit2(LOAD, X); emit2(PUSH, 2); emit(MOD);
    int odd = emit2(JNZ, 0);
    emit2(LOAD, X); emit2(PUSH, 2); emit(DIV); emit2(STORE, X);
    int joined = emit2(JMP, 0);
    patch(odd, pc_emit);
    emit2(LOAD, X); emit2(PUSH, 3); emit(MUL); emit2(PUSH, 1); emit(ADD); emit2(STORE, X);
    patch(joined, pc_emit);
    emit2(LOAD, STEPS); emit2(PUSH, 1); emit(ADD); emit2(STORE, STEPS);
    emit2(JMP, inner);
    patch(exit_inner, pc_emit);
    emit2(LOAD, I); emit2(PUSH, 1); emit(ADD); emit2(STORE, I);
    emit2(JMP, outer);
    patch(exit_outer, pc_emit);
    emit2(LOAD, STEPS); emit(HALT);
    return start;
}

int main(void) {
    int primes_at = assemble_primes();
    int collatz_at = assemble_collatz();
    int64_t vars[8] = {0};
    roi_begin();
    int64_t primes = run(code + primes_at, vars);
#if EDAFLOW_REPEAT > 1
    for (int r = 1; r < EDAFLOW_REPEAT; r++)
        if (run(code + primes_at, vars) != primes) return 1;
#endif
    /* Jump targets are absolute within each program: rebase the second one. */
    int64_t relocated[512];
    for (int k = collatz_at; k < pc_emit; k++) relocated[k - collatz_at] = code[k];
    for (int k = 0; k < pc_emit - collatz_at; k++) {
        int64_t op = relocated[k];
        if (op == JMP || op == JZ || op == JNZ) relocated[k + 1] -= collatz_at;
        k += (op == PUSH || op == LOAD || op == STORE || op == JMP || op == JZ || op == JNZ);
    }
    int64_t steps = run(relocated, vars);

    int64_t want_primes = 0, want_steps = 0;
    for (int64_t n = 2; n < PRIME_LIMIT; n++) {
        int prime = 1;
        for (int64_t d = 2; d * d <= n; d++)
            if (n % d == 0) { prime = 0; break; }
        want_primes += prime;
    }
    for (int64_t i = 1; i <= COLLATZ_LIMIT; i++)
        for (int64_t x = i; x != 1; want_steps++) x = x % 2 ? 3 * x + 1 : x / 2;
    printf("interpreter checksum %lld %lld\n", (long long)primes, (long long)steps);
    return primes == want_primes && steps == want_steps ? 0 : 1;
}
