/* tools/cuda_emu/emu_rt.h - CPU emulation of the CUDA bits aieng_cuda.h uses: cooperative threads (ucontext), block and
   warp barriers, shuffles, ldmatrix, mma.m16n8k16, and a fake runtime. For local checking only. */
#pragma once
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <ucontext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdint.h>
#include <vector>
#include <functional>
#include <algorithm>
#include <type_traits>
using std::max;
using std::min;
#undef __global__
#undef __device__
#undef __forceinline__
#undef __launch_bounds__
#undef __host__
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)

static dim3 threadIdx, blockIdx, blockDim, gridDim;
alignas(128) static unsigned char emu_smem[256 * 1024];

struct EmuThread { ucontext_t ctx; std::vector<char> stack; int state; };
static std::vector<EmuThread> emu_T;
static ucontext_t emu_sched;
static int emu_cur, emu_n;
static int emu_block_arrived;
static int emu_warp_arrived[64];
static std::function<void()> emu_body;
static long long emu_barriers;

static int emu_live(void) { int n = 0; for (auto &t : emu_T) n += t.state != 3; return n; }
static int emu_warp_live(int w) { int n = 0; for (int i = w * 32; i < std::min(emu_n, w * 32 + 32); i++) n += emu_T[i].state != 3; return n; }
static void emu_check_release(void) {
    if (emu_block_arrived > 0 && emu_block_arrived == emu_live()) {
        for (auto &t : emu_T) if (t.state == 1) t.state = 0;
        emu_block_arrived = 0;
    }
    for (int w = 0; w * 32 < emu_n; w++)
        if (emu_warp_arrived[w] > 0 && emu_warp_arrived[w] == emu_warp_live(w)) {
            for (int i = w * 32; i < std::min(emu_n, w * 32 + 32); i++) if (emu_T[i].state == 2) emu_T[i].state = 0;
            emu_warp_arrived[w] = 0;
        }
}
static void __syncthreads(void) {
    emu_barriers++;
    emu_block_arrived++;
    emu_T[emu_cur].state = 1;
    emu_check_release();
    if (emu_T[emu_cur].state == 1) swapcontext(&emu_T[emu_cur].ctx, &emu_sched);
}
static void emu_warp_sync(void) {
    int w = emu_cur / 32;
    emu_warp_arrived[w]++;
    emu_T[emu_cur].state = 2;
    emu_check_release();
    if (emu_T[emu_cur].state == 2) swapcontext(&emu_T[emu_cur].ctx, &emu_sched);
}
static void __syncwarp(unsigned mask = 0xffffffffu) { (void)mask; emu_warp_sync(); } /* whole warps only */
static void emu_trampoline(void) {
    emu_body();
    emu_T[emu_cur].state = 3;
    emu_check_release();
}
template <typename F> static void emu_run(dim3 grid, dim3 block, F f) {
    gridDim = grid;
    blockDim = block;
    emu_n = (int)(block.x * block.y * block.z);
    if (emu_n > 1024 || emu_n <= 0) { fprintf(stderr, "emu: bad block size %d\n", emu_n); abort(); }
    emu_body = f;
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                if ((int)emu_T.size() != emu_n) emu_T.resize(emu_n);
                emu_block_arrived = 0;
                memset(emu_warp_arrived, 0, sizeof emu_warp_arrived);
                memset(emu_smem, 0xA5, 64); /* garbage, like real shared memory */
                for (int i = 0; i < emu_n; i++) {
                    EmuThread &t = emu_T[i];
                    if (t.stack.size() != 64 * 1024) t.stack.resize(64 * 1024);
                    getcontext(&t.ctx);
                    t.ctx.uc_stack.ss_sp = t.stack.data();
                    t.ctx.uc_stack.ss_size = t.stack.size();
                    t.ctx.uc_link = &emu_sched;
                    makecontext(&t.ctx, emu_trampoline, 0);
                    t.state = 0;
                }
                for (;;) {
                    int ran = 0, done = 0;
                    for (int i = 0; i < emu_n; i++) {
                        if (emu_T[i].state == 0) {
                            emu_cur = i;
                            threadIdx = dim3((unsigned)i, 0, 0);
                            blockIdx = dim3(bx, by, bz);
                            swapcontext(&emu_sched, &emu_T[i].ctx);
                            ran = 1;
                        }
                    }
                    for (int i = 0; i < emu_n; i++) done += emu_T[i].state == 3;
                    if (done == emu_n) break;
                    if (!ran) { fprintf(stderr, "emu: deadlock (threads wait at a barrier others never reach)\n"); abort(); }
                }
            }
}

/* stream capture: while emu_capture is set, launches, copies and memsets are recorded, in
   order, instead of run; a graph replays them (one stream, as aieng_cuda.h captures) */
static std::vector<std::function<void()>> *emu_capture;
struct CUgraph_st { std::vector<std::function<void()>> ops; };
struct CUgraphExec_st { std::vector<std::function<void()>> ops; };
static int emu_streams;
template <typename F, typename... A> static void emu_launch(dim3 grid, dim3 block, F f, A... args) {
    auto call = [=]() { f(args...); }; /* the arguments as they are now */
    if (emu_capture) emu_capture->push_back([=]() { emu_run(grid, block, call); });
    else emu_run(grid, block, call);
}

/* warp collectives */
static struct { float f[64][32]; uint32_t u[64][32]; const void *p[64][32]; } emu_xw;
static struct { uint32_t a[4], b[2]; } emu_mma_x[64][32];
static uint64_t emu_xw64[64][32];
/* a warp shuffle: every lane posts v, then reads lane src(l)'s */
template <typename T, typename S> static T emu_shfl(T v, S src) {
    static_assert(sizeof(T) <= 8, "shuffle of a type wider than 8 bytes");
    int w = emu_cur / 32, l = emu_cur % 32;
    memcpy(&emu_xw64[w][l], &v, sizeof v);
    emu_warp_sync();
    T r;
    memcpy(&r, &emu_xw64[w][src(l) & 31], sizeof r);
    emu_warp_sync();
    return r;
}
template <typename T> static T __shfl_xor_sync(unsigned, T v, int o) { return emu_shfl(v, [o](int l) { return l ^ o; }); }
template <typename T> static T __shfl_sync(unsigned, T v, int src) { return emu_shfl(v, [src](int) { return src; }); }
/* correctly rounded float operations (the host's SSE arithmetic, no contraction in this build) */
static float __fadd_rn(float a, float b) { return a + b; }
static float __fsub_rn(float a, float b) { return a - b; }
static float __fmul_rn(float a, float b) { return a * b; }
static float __fdiv_rn(float a, float b) { return a / b; }
static float __fsqrt_rn(float a) { return sqrtf(a); }
static int __float2int_rn(float a) { return (int)nearbyintf(a); } /* default rounding: half to even */
static int __dp4a(int a, int b, int c) {
    for (int i = 0; i < 4; i++) c += (int)(int8_t)(a >> (8 * i)) * (int)(int8_t)(b >> (8 * i));
    return c;
}
static unsigned __vsub4(unsigned a, unsigned b) {
    unsigned r = 0;
    for (int i = 0; i < 4; i++) r |= ((((a >> (8 * i)) & 255u) - ((b >> (8 * i)) & 255u)) & 255u) << (8 * i);
    return r;
}
template <typename T> static T __ldg(const T *p) { return *p; }
static unsigned __byte_perm(unsigned x, unsigned y, unsigned s) {
    uint64_t v = (uint64_t)x | ((uint64_t)y << 32);
    unsigned r = 0;
    for (int i = 0; i < 4; i++) r |= (unsigned)((v >> (8 * ((s >> (4 * i)) & 7))) & 255u) << (8 * i);
    return r;
}
static unsigned __funnelshift_r(unsigned lo, unsigned hi, unsigned sh) {
    return (unsigned)((((uint64_t)hi << 32) | lo) >> (sh & 31));
}
static unsigned __funnelshift_rc(unsigned lo, unsigned hi, unsigned sh) {
    return (unsigned)((((uint64_t)hi << 32) | lo) >> (sh < 32 ? sh : 32));
}
static float __uint_as_float(unsigned u) { float f; memcpy(&f, &u, 4); return f; }
float __expf(float x) { return expf(x); }
float rsqrtf(float x) { return 1.0f / sqrtf(x); }
static void __trap(void) { fprintf(stderr, "emu: __trap\n"); abort(); }

static uint32_t aieng__smem_u32(const void *p) { return (uint32_t)(uintptr_t)p; }
static void aieng__ldsm_x4(uint32_t r[4], const void *p) {
    int w = emu_cur / 32, t = emu_cur % 32;
    emu_xw.p[w][t] = p;
    emu_warp_sync();
    for (int i = 0; i < 4; i++) {
        const uint16_t *row = (const uint16_t *)emu_xw.p[w][8 * i + t / 4];
        r[i] = (uint32_t)row[2 * (t % 4)] | ((uint32_t)row[2 * (t % 4) + 1] << 16);
    }
    emu_warp_sync();
}
static void aieng__ldsm_x4_t(uint32_t r[4], const void *p) {
    int w = emu_cur / 32, t = emu_cur % 32;
    emu_xw.p[w][t] = p;
    emu_warp_sync();
    for (int i = 0; i < 4; i++) {
        const uint16_t *r0 = (const uint16_t *)emu_xw.p[w][8 * i + 2 * (t % 4)];
        const uint16_t *r1 = (const uint16_t *)emu_xw.p[w][8 * i + 2 * (t % 4) + 1];
        r[i] = (uint32_t)r0[t / 4] | ((uint32_t)r1[t / 4] << 16);
    }
    emu_warp_sync();
}
template <typename T> static float emu_h(uint32_t reg, int hi);
template <> float emu_h<__half>(uint32_t reg, int hi) { return __half2float(__ushort_as_half((unsigned short)(hi ? reg >> 16 : reg & 0xffff))); }
template <> float emu_h<__nv_bfloat16>(uint32_t reg, int hi) {
    uint32_t b = (hi ? reg >> 16 : reg & 0xffff) << 16;
    float f;
    memcpy(&f, &b, 4);
    return f;
}
static float emu_f16_lut[65536];
static int emu_lut_init = 0;
static float emu_dec(uint32_t h16, int bf) {
    if (bf) { uint32_t b = h16 << 16; float f; memcpy(&f, &b, 4); return f; }
    if (!emu_lut_init) { for (int i = 0; i < 65536; i++) emu_f16_lut[i] = __half2float(__ushort_as_half((unsigned short)i)); emu_lut_init = 1; }
    return emu_f16_lut[h16];
}
static float emu_A[64][16][16], emu_B[64][16][8];
template <typename T> static void aieng__mma(float c[4], const uint32_t a[4], uint32_t b0, uint32_t b1) {
    const int bf = sizeof(T) == 2 && !std::is_same<T, __half>::value;
    int w = emu_cur / 32, l = emu_cur % 32, g = l / 4, t = l % 4;
    /* scatter my fragments: a0 (g, 2t..), a1 (g+8, 2t..), a2 (g, 2t+8..), a3 (g+8, 2t+8..); b0 (k 2t.., n g), b1 (k 2t+8.., n g) */
    for (int r = 0; r < 4; r++) {
        int row = g + (r & 1) * 8, col = 2 * t + (r >> 1) * 8;
        emu_A[w][row][col] = emu_dec(a[r] & 0xffff, bf);
        emu_A[w][row][col + 1] = emu_dec(a[r] >> 16, bf);
    }
    emu_B[w][2 * t][g] = emu_dec(b0 & 0xffff, bf); emu_B[w][2 * t + 1][g] = emu_dec(b0 >> 16, bf);
    emu_B[w][2 * t + 8][g] = emu_dec(b1 & 0xffff, bf); emu_B[w][2 * t + 9][g] = emu_dec(b1 >> 16, bf);
    emu_warp_sync();
    float out[4];
    for (int i = 0; i < 4; i++) {
        int row = g + (i >= 2 ? 8 : 0), col = 2 * t + (i & 1);
        float s = c[i];
        for (int k = 0; k < 16; k++) s = fmaf(emu_A[w][row][k], emu_B[w][k][col], s);
        out[i] = s;
    }
    emu_warp_sync();
    for (int i = 0; i < 4; i++) c[i] = out[i];
}

/* fake runtime (the declarations come from the CUDA headers) */
static int emu_sms = 132, emu_cc = 90, emu_optin = 232448;
const char *cudaGetErrorString(cudaError_t e) { return e ? "emu error" : "no error"; }
cudaError_t cudaGetLastError(void) { return cudaSuccess; }
cudaError_t cudaSetDevice(int) { return cudaSuccess; }
cudaError_t cudaGetDeviceCount(int *n) { *n = 1; return cudaSuccess; }
cudaError_t cudaGetDeviceProperties(cudaDeviceProp *p, int) {
    if (getenv("EMU_CC")) emu_cc = atoi(getenv("EMU_CC"));
    if (getenv("EMU_SMEM")) emu_optin = atoi(getenv("EMU_SMEM"));
    if (getenv("EMU_SMS")) emu_sms = atoi(getenv("EMU_SMS"));
    memset((void *)p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "emulated sm_%d", emu_cc);
    p->major = emu_cc / 10; p->minor = emu_cc % 10; p->multiProcessorCount = emu_sms;
    p->sharedMemPerBlock = 49152; p->totalGlobalMem = (size_t)80 << 30;
    return cudaSuccess;
}
cudaError_t cudaDeviceGetAttribute(int *v, cudaDeviceAttr, int) { *v = emu_optin; return cudaSuccess; }
cudaError_t cudaStreamSynchronize(cudaStream_t) { return emu_capture ? cudaErrorStreamCaptureUnsupported : cudaSuccess; }
cudaError_t cudaStreamCreateWithFlags(cudaStream_t *s, unsigned int) { *s = (cudaStream_t)(uintptr_t)(0x1000 + 16 * ++emu_streams); return cudaSuccess; }
cudaError_t cudaStreamDestroy(cudaStream_t) { return cudaSuccess; }
cudaError_t cudaStreamBeginCapture(cudaStream_t s, enum cudaStreamCaptureMode) {
    if (!s || emu_capture) return cudaErrorStreamCaptureUnsupported; /* not the legacy stream, not twice */
    emu_capture = new std::vector<std::function<void()>>();
    return cudaSuccess;
}
cudaError_t cudaStreamEndCapture(cudaStream_t, cudaGraph_t *g) {
    if (!emu_capture) return cudaErrorIllegalState;
    *g = new CUgraph_st;
    (*g)->ops.swap(*emu_capture);
    delete emu_capture;
    emu_capture = NULL;
    return cudaSuccess;
}
cudaError_t cudaGraphInstantiateWithFlags(cudaGraphExec_t *x, cudaGraph_t g, unsigned long long) {
    *x = new CUgraphExec_st;
    (*x)->ops = g->ops;
    return cudaSuccess;
}
cudaError_t cudaGraphLaunch(cudaGraphExec_t x, cudaStream_t) {
    if (emu_capture) return cudaErrorStreamCaptureUnsupported;
    for (auto &op : x->ops) op();
    return cudaSuccess;
}
cudaError_t cudaGraphDestroy(cudaGraph_t g) { delete g; return cudaSuccess; }
cudaError_t cudaGraphExecDestroy(cudaGraphExec_t x) { delete x; return cudaSuccess; }
cudaError_t cudaMalloc(void **p, size_t n) { *p = aligned_alloc(256, (n + 255) / 256 * 256); return *p ? cudaSuccess : cudaErrorMemoryAllocation; }
cudaError_t cudaFree(void *p) { free(p); return cudaSuccess; }
cudaError_t cudaMemcpyAsync(void *d, const void *s, size_t n, cudaMemcpyKind, cudaStream_t) {
    if (emu_capture) emu_capture->push_back([=]() { memcpy(d, s, n); });
    else memcpy(d, s, n);
    return cudaSuccess;
}
cudaError_t cudaMemsetAsync(void *d, int v, size_t n, cudaStream_t) {
    if (emu_capture) emu_capture->push_back([=]() { memset(d, v, n); });
    else memset(d, v, n);
    return cudaSuccess;
}
template <typename F> static cudaError_t cudaFuncSetAttribute(F *, cudaFuncAttribute, int v) {
    if (v > emu_optin) { fprintf(stderr, "emu: %d bytes of dynamic shared memory > %d\n", v, emu_optin); return cudaErrorInvalidValue; }
    return cudaSuccess;
}
