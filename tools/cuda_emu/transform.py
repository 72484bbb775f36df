"""Writes a CPU-emulation copy of aieng_cuda.h: the PTX helpers (ldmatrix, mma) and the
CUDA runtime come from emu_rt.h, kernel launches become emu_launch calls (recorded instead of
run while a stream captures a graph).
Usage: python3 transform.py aieng_cuda.h OUT_DIR/aieng_cuda.h"""
import re, sys
src = open(sys.argv[1]).read()

def cut(s, start_marker, end_marker):
    a = s.index(start_marker)
    b = s.index(end_marker, a)
    return s[:a] + s[b:]

s = src
s = re.sub(r'#include <cuda_runtime.h>\n#include <cuda.h>[^\n]*\n#include <cuda_fp16.h>\n#include <cuda_bf16.h>\n', '#include "emu_rt.h"\n', s)
assert '#include "emu_rt.h"' in s, 'the CUDA include block of aieng_cuda.h changed'
s = s.replace('CUDART_VERSION >= 12000', '0')  # no Hopper kernels (wgmma, TMA) in the emulation
s = s.replace('#ifndef __CUDACC__\n#error "aieng_cuda.h: the implementation must be compiled by nvcc (a .cu file)"\n#endif\n', '')
s = cut(s, 'static __device__ __forceinline__ uint32_t aieng__smem_u32', '/* 16 bytes global -> shared')
s = cut(s, '/* D += A·B, m16n8k16', 'static __device__ __forceinline__ float aieng__warp_sum')
s = s.replace('extern __shared__ __align__(16) unsigned char aieng__smem[];', 'unsigned char *aieng__smem = emu_smem;')
s = s.replace('__shared__', 'static')
s = s.replace('__launch_bounds__(WM *WN * 32)', '')

# kernel launches: NAME<<<CFG>>>(ARGS)  ->  emu_launch(dim3(grid), dim3(block), [=](auto... xs) { NAME(xs...); }, ARGS)
out = []
i = 0
while True:
    j = s.find('<<<', i)
    if j < 0:
        out.append(s[i:]); break
    # walk back over the kernel expression: identifier with optional <...>
    k = j
    if s[k - 1] == '>':
        depth = 0
        while True:
            k -= 1
            if s[k] == '>': depth += 1
            elif s[k] == '<':
                depth -= 1
                if depth == 0: break
    while k > 0 and (s[k - 1].isalnum() or s[k - 1] == '_'):
        k -= 1
    name = s[k:j]
    e = s.index('>>>', j)
    cfg = s[j + 3:e]
    assert s[e + 3] == '('
    depth = 0
    m = e + 3
    while True:
        if s[m] == '(': depth += 1
        elif s[m] == ')':
            depth -= 1
            if depth == 0: break
        m += 1
    args = s[e + 4:m]
    parts, d, cur = [], 0, ''
    for ch in cfg:
        if ch in '(<': d += 1
        if ch in ')>': d -= 1
        if ch == ',' and d == 0:
            parts.append(cur); cur = ''
        else:
            cur += ch
    parts.append(cur)
    out.append(s[i:k])
    # the arguments are evaluated at the launch and kept by value, as CUDA does (a captured
    # graph replays them); NULL -> nullptr so that it still converts to any pointer parameter
    args = re.sub(r'\bNULL\b', 'nullptr', args)
    out.append('emu_launch(dim3(%s), dim3(%s), [=](auto... xs) { %s(xs...); }%s)' %
               (parts[0].strip(), parts[1].strip(), name, ', ' + args if args.strip() else ''))
    i = m + 1
s = ''.join(out)
open(sys.argv[2], 'w').write(s)
