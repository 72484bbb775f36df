/* aieng-quant - rewrite a GGUF model's weights in another aieng_quant.h type
   (the job of llama.cpp's llama-quantize), with aieng_transformer.h's GGUF
   reader and writer.

   build/aieng-quant in.gguf out.gguf TYPE [--type-for PATTERN=TYPE]...

   TYPE: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K.
   Rules, as llama.cpp's llama_tensor_get_type: tensors with one dimension
   (norms, biases) stay F32; the output matrix (or token_embd.weight when the
   model ties it) becomes Q8_0 when its rows do not divide into the type's
   blocks, else Q6_K for K-quants; a K-quant whose rows are not a multiple of
   256 falls back to Q4_0/Q5_0/Q5_1/Q8_0. --type-for PATTERN=TYPE sets the
   type of every tensor whose name contains PATTERN (first match wins), ahead
   of the rules. Metadata is copied; general.file_type is updated. Progress
   goes to standard error. */
#define _POSIX_C_SOURCE 200809L
#define AIENG_TRANSFORMER_IMPLEMENTATION
#include "aieng_transformer.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct override { const char *pattern; int type; } override;

static int is_kquant(int t) { return t >= AIENG_QUANT_Q2_K && t <= AIENG_QUANT_Q6_K; }

static int kquant_fallback(int t) {
    switch (t) {
    case AIENG_QUANT_Q2_K: case AIENG_QUANT_Q3_K: case AIENG_QUANT_Q4_K: return AIENG_QUANT_Q5_0;
    case AIENG_QUANT_Q5_K: return AIENG_QUANT_Q5_1;
    default: return AIENG_QUANT_Q8_0;
    }
}

static int file_type_of(int t) {
    switch (t) {
    case AIENG_QUANT_F32: return 0;
    case AIENG_QUANT_F16: return 1;
    case AIENG_QUANT_Q4_0: return 2;
    case AIENG_QUANT_Q4_1: return 3;
    case AIENG_QUANT_Q8_0: return 7;
    case AIENG_QUANT_Q5_0: return 8;
    case AIENG_QUANT_Q5_1: return 9;
    case AIENG_QUANT_Q2_K: return 10;
    case AIENG_QUANT_Q3_K: return 12;
    case AIENG_QUANT_Q4_K: return 15;
    case AIENG_QUANT_Q5_K: return 17;
    case AIENG_QUANT_Q6_K: return 18;
    case AIENG_QUANT_BF16: return 32;
    default: return -1;
    }
}

static int choose(const aieng_gguf *g, const aieng_gguf_tensor_info *t, int base, const override *ov, int n_ov) {
    int i, type = base, is_output;
    for (i = 0; i < n_ov; i++)
        if (strstr(t->name, ov[i].pattern)) return ov[i].type;
    if (t->n_dims < 2) return (int)t->type == AIENG_QUANT_F16 || (int)t->type == AIENG_QUANT_BF16 ? AIENG_QUANT_F32
                                                                                               : (int)t->type;
    is_output = strcmp(t->name, "output.weight") == 0 ||
                (strcmp(t->name, "token_embd.weight") == 0 && aieng_gguf_find_tensor(g, "output.weight") < 0);
    if (is_output && type != AIENG_QUANT_F32 && type != AIENG_QUANT_F16 && type != AIENG_QUANT_BF16)
        type = is_kquant(type) ? AIENG_QUANT_Q6_K : AIENG_QUANT_Q8_0;
    if (t->ne[0] % aieng_quant_block_size(type) != 0) type = kquant_fallback(type);
    if (t->ne[0] % aieng_quant_block_size(type) != 0) type = AIENG_QUANT_F16;
    return type;
}

int main(int argc, char **argv) {
    aieng_gguf *g;
    aieng_gguf_writer *w;
    override ov[32];
    int n_ov = 0, base, i;
    int64_t k, ti;
    void **bufs;
    double in_bytes = 0, out_bytes = 0;
    if (argc < 4) {
        fprintf(stderr, "usage: aieng-quant in.gguf out.gguf TYPE [--type-for PATTERN=TYPE]...\n");
        return 2;
    }
    base = aieng_quant_from_name(argv[3]);
    if (base < 0 || file_type_of(base) < 0) {
        fprintf(stderr, "aieng-quant: unsupported type '%s'\n", argv[3]);
        return 2;
    }
    for (i = 4; i < argc; i++) {
        char *eq;
        if (strcmp(argv[i], "--type-for") != 0 || i + 1 >= argc || !(eq = strchr(argv[i + 1], '=')) || n_ov >= 32) {
            fprintf(stderr, "aieng-quant: bad option %s\n", argv[i]);
            return 2;
        }
        *eq = 0;
        ov[n_ov].pattern = argv[i + 1];
        ov[n_ov].type = aieng_quant_from_name(eq + 1);
        if (ov[n_ov].type < 0) {
            fprintf(stderr, "aieng-quant: unsupported type '%s'\n", eq + 1);
            return 2;
        }
        n_ov++;
        i++;
    }
    if (aieng_gguf_open_file(&g, argv[1], NULL) != AIENG_OK || aieng_gguf_writer_new(&w, NULL) != AIENG_OK) {
        fprintf(stderr, "aieng-quant: %s\n", aieng_last_error());
        return 1;
    }
    for (k = 0; k < g->n_kv; k++) aieng_gguf_writer_copy_kv(w, g, k);
    aieng_gguf_writer_set_int(w, "general.file_type", AIENG_GGUF_UINT32, file_type_of(base));
    aieng_gguf_writer_set_int(w, "general.quantization_version", AIENG_GGUF_UINT32, 2);
    bufs = (void **)calloc((size_t)g->n_tensors + 1, sizeof(void *));
    for (ti = 0; ti < g->n_tensors; ti++) {
        const aieng_gguf_tensor_info *t = &g->tensors[ti];
        int type = choose(g, t, base, ov, n_ov);
        const void *data = t->data;
        int64_t rows = t->ne[1] * t->ne[2] * t->ne[3], r;
        size_t in_row, out_row;
        if (type != (int)t->type) {
            float *tmp = (float *)malloc((size_t)t->ne[0] * sizeof(float));
            uint8_t *out;
            aieng_quant_row_bytes((int)t->type, t->ne[0], &in_row);
            aieng_quant_row_bytes(type, t->ne[0], &out_row);
            out = (uint8_t *)malloc(out_row * (size_t)rows + 1);
            if (!tmp || !out) {
                fprintf(stderr, "aieng-quant: out of memory\n");
                return 1;
            }
            for (r = 0; r < rows; r++)
                if (aieng_quant_dequantize_row((int)t->type, (const uint8_t *)t->data + (size_t)r * in_row, tmp,
                                               t->ne[0]) != AIENG_OK ||
                    aieng_quant_quantize_row(type, tmp, out + (size_t)r * out_row, t->ne[0]) != AIENG_OK) {
                    fprintf(stderr, "aieng-quant: %s: %s\n", t->name, aieng_last_error());
                    return 1;
                }
            free(tmp);
            bufs[ti] = out;
            data = out;
        }
        if (aieng_gguf_writer_add_tensor(w, t->name, (uint32_t)type, t->n_dims ? t->n_dims : 1, t->ne, data) !=
            AIENG_OK) {
            fprintf(stderr, "aieng-quant: %s: %s\n", t->name, aieng_last_error());
            return 1;
        }
        in_bytes += (double)t->size;
        aieng_quant_row_bytes(type, t->ne[0], &out_row);
        out_bytes += (double)out_row * (double)rows;
        fprintf(stderr, "  %-32s %-5s -> %-5s\n", t->name, aieng_gguf_type_name(t->type), aieng_quant_name(type));
    }
    if (aieng_gguf_writer_write_file(w, argv[2]) != AIENG_OK) {
        fprintf(stderr, "aieng-quant: %s\n", aieng_last_error());
        return 1;
    }
    fprintf(stderr, "aieng-quant: %lld tensors, %.1f MB -> %.1f MB, written to %s\n", (long long)g->n_tensors,
            in_bytes / 1e6, out_bytes / 1e6, argv[2]);
    for (ti = 0; ti < g->n_tensors; ti++) free(bufs[ti]);
    free(bufs);
    aieng_gguf_writer_free(w);
    aieng_gguf_close(g);
    return 0;
}
