/* aieng_agent.h - strict JSON, JSON Schema, GBNF grammars, grammar-constrained sampling,
   tools and the ReAct loop, BM25 retrieval. Version 0.9.0. Licence: MIT (see the end of the file).

   Do this in *one* C or C++ file:
       #define AIENG_AGENT_IMPLEMENTATION   (or AIENG_IMPLEMENTATION for every aieng header)
       #include "aieng_agent.h"
   It includes no other aieng header (only libc and libm): the logit processor is written
   against a plain vocabulary description and the agent loop against a model interface
   (aieng_agent_llm), so that they plug into aieng_transformer.h without this header needing
   it; the parts that use a model directly are compiled where aieng_transformer.h is included
   first.

   QUICK START
   -----------
       #define AIENG_AGENT_IMPLEMENTATION
       #include "aieng_agent.h"
       #include <stdio.h>
       #include <string.h>
       int main(void) {
           const char *schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
                                "\"required\":[\"name\"],\"additionalProperties\":false}";
           aieng_json_doc *sd = NULL, *doc = NULL;
           aieng_grammar *g = NULL;
           char *gbnf = NULL;
           if (aieng_json_parse(schema, strlen(schema), NULL, &sd) != AIENG_OK) return 1;
           if (aieng_json_parse("{\"name\":\"x\"}", 12, NULL, &doc) != AIENG_OK) return 1;
           printf("valid: %d\n", aieng_schema_validate(aieng_json_root(sd), aieng_json_root(doc)) == AIENG_OK);
           if (aieng_schema_to_gbnf(aieng_json_root(sd), NULL, &gbnf, NULL) != AIENG_OK) {
               printf("%s\n", aieng_last_error()); return 1; }
           if (aieng_grammar_parse(gbnf, strlen(gbnf), "root", &g) != AIENG_OK) return 1;
           aieng_grammar_set_schema(g, aieng_json_root(sd));   // the schema its %valid checks read
           printf("grammar accepts: %d\n", aieng_grammar_accepts(g, "{\"name\":\"y\"}", 12));
           aieng_grammar_free(g); aieng_free(NULL, gbnf);
           aieng_json_free(doc); aieng_json_free(sd);
           return 0;
       }

   OPTIONS (#define before the include)
   ------------------------------------
   AIENG_JSON_MAX_DEPTH         default nesting limit of the parsers (512); per call: aieng_json_options
   AIENG_GRAMMAR_MAX_REPEAT     largest {m,n} count (10000)
   AIENG_GRAMMAR_MAX_SYMBOLS    grammar size after expansion (4M symbols)
   AIENG_GRAMMAR_MAX_NODES      parse-stack nodes alive at once (4M), AIENG_GRAMMAR_GC_NODES (1M)
                                when the node table is collected
   AIENG_GRAMMAR_MAX_STACKS     parse stacks alive at once (65536)
   AIENG_SCHEMA_WS_INDENT       longest indentation the schema grammars allow (40)
   AIENG_SCHEMA_MAX_RULES       bound on the rules a schema compiles to (100000)
   AIENG_CONSTRAIN_CACHE        masks cached per constrainer (64)
   AIENG_CONSTRAIN_DFA_STATES   DFA rows kept per constrainer before a flush (16384, 1 KiB each)
   AIENG_MALLOC/REALLOC/FREE    allocation (all three or none)
   AIENG_STATIC                 make every function static

   API OVERVIEW
   ------------
   JSON (RFC 8259)
     aieng_json_parse(text, len, opts, &doc)    strict parse into an arena-backed tree
     aieng_json_root / aieng_json_free / aieng_json_get / aieng_json_at / aieng_json_pointer
     aieng_json_write(v, indent, &out, &len)     serialize (indent 0 = compact)
     aieng_json_stream_init / _feed / _status    incremental checker fed byte chunks
   JSON Schema
     aieng_schema_validate(schema, instance)     AIENG_OK or AIENG_ERR_FORMAT (why: aieng_last_error)
     aieng_schema_to_gbnf(schema, opts, &gbnf, &len)   support table in the JSON SCHEMA section
     aieng_regex_to_gbnf(re, len, json, &out, &n)      the `pattern` subset as a GBNF expression
   Grammars (GBNF, the syntax of llama.cpp, plus %unordered for members in any order,
   %dfa for automata with a length count, %unique for distinct array elements and %valid
   for a value checked against a schema node)
     aieng_grammar_parse(text, len, root, &g)     compile; aieng_grammar_free
     aieng_grammar_set_schema(g, schema)         the document %valid points into (schema grammars)
     aieng_grammar_state_new / _reset / _advance / _complete / _free   byte-by-byte matcher
     aieng_grammar_accepts(g, bytes, len)        whole-sentence check
   Constrained sampling
     aieng_constrain_new(g, vocab, &c)            token trie + mask cache over a vocabulary
     aieng_constrain_allows / _allowed / _mask / _accept / _complete / _done / _reset / _free
     aieng_constrain_logits(logits, n_vocab, user)   the logit-processor hook (see below)
   With aieng_transformer.h included first (CONSTRAINED GENERATION WITH A MODEL)
     aieng_constrain_new_model(g, model, &c)      a constrainer over the model's vocabulary
     aieng_constrain_generate(model, c, prompt, n, cfg, &stats)   generation under the grammar
     aieng_constrain_sample(c, sampler, logits, work, proc, user)  one step of your own loop
   Tools and the ReAct agent (TOOLS AND THE ReAct AGENT)
     aieng_tools_new / _add(spec, fn, user) / _count / _name / _spec / _free   JSON function specs
     aieng_tools_reply_schema / _grammar / _parse   the reply {"calls": [...]} | {"answer": ...}
     aieng_tools_call(t, call, out, cap, &n)     validate the arguments, run the tool
     aieng_agent_run(t, llm, question, cfg, &answer, &len, &stats)   the loop
     aieng_agent_llm_model(model, gen, &llm) / aieng_agent_llm_free   (with aieng_transformer.h)
   Retrieval (LEXICAL RETRIEVAL (BM25) AND TEXT CHUNKING)
     aieng_bm25_new / _add / _count / _scores / _search / _free   scores exactly rank_bm25's
     aieng_text_words(text, len, ...)            the tokenizer;  aieng_text_chunk: overlapping chunks

   (Details of each part, with its policies and limits, are in the comments above each section.)

   ERRORS, MEMORY, THREADS
   -----------------------
   Functions without an object return aieng_result and put their message in aieng_last_error()
   (thread-local); nothing here aborts on bad input or reads out of bounds. Parsed JSON lives in
   one arena freed by aieng_json_free; grammars, states and constrainers own their memory,
   bounded by the options above. A JSON document is read-only after parsing and may be shared
   by threads; a grammar, its states and its constrainers belong to one thread at a time.

   HISTORY
   -------
   0.1.0  JSON, JSON Schema validator and compiler, GBNF engine, constrained sampling
   0.2.0  generation with aieng_transformer.h (aieng-run --grammar / --json-schema),
          AIENG_SCHEMA_RELAX, $anchor references, validator: if/then/else, dependencies,
          dependentSchemas, min/maxContains; oneOf over required-only branches exclusive
   0.3.0  object members in any order (GBNF extension %unordered, rules built on first use,
          no dead ends; AIENG_SCHEMA_ORDERED for schema order); compiled exactly:
          dependencies, min/maxProperties, if/then/else, propertyNames, not of required /
          enum / properties, per-part additionalProperties in allOf, wider oneOf
          exclusivity, multipleOf, decimal bounds, pattern/format with lengths, contains,
          uniqueItems over few values; formats ipv4, ipv6, hostname, email, uri,
          uri-reference, duration
   0.4.0  string automata of complemented groups: not {pattern / minLength / maxLength /
          format / enum} of strings, not {enum} of strings with other string keywords,
          more than two patterns; keys of extra members as one automaton (patterns, the
          declared names excluded, propertyNames): patternProperties with
          additionalProperties, keys matching several patterns, propertyNames with declared
          names and patterns, allOf parts with their own patternProperties, exact; regex
          DFAs collapse states that accept every continuation; regexes: ^ and $ anywhere,
          leading look-aheads (automata; the validator matches them by DFA too); not of a
          $ref, not of an allOf of required lists
   0.5.0  scalar formulas: a schema over numbers, strings, null and booleans with not /
          oneOf / if nested in any way compiles exactly (one product automaton per type
          evaluating the Boolean formula of its conditions: not of multipleOf, of bounds, of
          numeric enum/const, of anyOf/allOf/oneOf; oneOf exact over scalars); schemas that
          list their values (enum/const, anyOf of such) as those the validator accepts, where
          the keywords cannot be written; every format has a regex form (its rules inlined),
          so formats combine with lengths, patterns and negations; objects: not
          {propertyNames / patternProperties / properties / additionalProperties} and not of
          their anyOf/allOf (members of required kinds: %unordered gets repeatable members
          M* and at-least-one conditions ?A,B), not {enum/const} of objects and arrays, a not
          (and a not-if) of an array schema; the validator's multipleOf is exact on digits
   0.6.0  not (and the not of if) of any schema keyword by keyword, as disjoint
          alternatives (allOf, anyOf, oneOf, if, $ref, not, dependencies, min/maxProperties,
          contains one by one, the rest a group per type); oneOf exclusive against branches
          of any form: a disjointness test (types, listed values, names a branch forbids),
          else that not, tried and taken back when a part of it cannot be written; anyOf/
          oneOf apply again inside a value that refers back to its schema; a schema without
          `type` allows every type (AIENG_SCHEMA_INFER_TYPES for the old inference); nots of
          numbers beside other keywords as a formula over the numbers alone; checked against
          the validator on 3000 random schemas in make test
   0.7.0  GBNF extension %dfa (an automaton whose rules carry a step count, built on first
          use): string automata with a length bound whose product is over the state bound
          (email with maxLength, patterns of words with maxLength 500, negations of patterns
          with minLength 100) compile exactly as the automaton without the count; a string
          schema with no string at all writes no opening quote; explicit product automata
          up to 65536 states (was 20000); format date checks the day against its month and
          February 29 against leap years (RFC 3339), checked against python-jsonschema's
          date check and rfc3339-validator in make test; format uri-template (RFC 6570);
          number conditions too large for their automaton that hold only for integers
          between their bounds list those integers; uniqueItems over an enum of up to 4096
          values (%unordered members)
   0.8.0  GBNF extension %unique: uniqueItems over any items (strings, numbers, objects,
          arrays), each item checked against the earlier ones as it ends, as JSON values;
          aieng_json_equal compares numbers by their exact decimal value (1e400 != 2e400);
          GBNF extension %valid("/pointer") with aieng_grammar_set_schema: a oneOf whose
          exclusivity the grammar cannot write is checked against its schema as its value
          ends, so the grammar is exact for every schema it compiles
   0.9.0  tools from JSON function specs (OpenAI's envelope, BFCL's type names), a reply
          grammar that only writes calls of offered tools with valid arguments (or an
          answer), bounds on every string and array of a reply; the ReAct loop
          aieng_agent_run over a model interface (observations, tool errors, step limit,
          call_first, answer_on_repeat, a context budget that drops the oldest steps); the
          aieng_model adapter with KV-cache reuse across steps; BM25 exactly as rank_bm25's
          BM25Okapi, a tokenizer and a text chunker
*/
/* The module macro alone also instantiates the common block (once per translation unit). */
#if defined(AIENG_AGENT_IMPLEMENTATION) && !defined(AIENG_COMMON_IMPLEMENTATION)
#define AIENG_COMMON_IMPLEMENTATION
#endif
/* ---- aieng common block (identical in every aieng header; tools/sync_common.sh keeps it so) ---- */
#ifndef AIENG_COMMON_H
#define AIENG_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#ifdef AIENG_STATIC
#define AIENG_API static
#else
#define AIENG_API extern
#endif
#ifdef __cplusplus
#define AIENG_EXTERN_C_BEGIN extern "C" {
#define AIENG_EXTERN_C_END }
#else
#define AIENG_EXTERN_C_BEGIN
#define AIENG_EXTERN_C_END
#endif
/* Allocation: define all three before including any aieng header, or none. */
#if defined(AIENG_MALLOC) && defined(AIENG_REALLOC) && defined(AIENG_FREE)
#elif !defined(AIENG_MALLOC) && !defined(AIENG_REALLOC) && !defined(AIENG_FREE)
#include <stdlib.h>
#define AIENG_MALLOC(sz, ctx) ((void)(ctx), malloc(sz))
#define AIENG_REALLOC(p, sz, ctx) ((void)(ctx), realloc((p), (sz)))
#define AIENG_FREE(p, ctx) ((void)(ctx), free(p))
#else
#error "aieng: define all of AIENG_MALLOC, AIENG_REALLOC, AIENG_FREE, or none"
#endif
#ifndef AIENG_ASSERT
#include <assert.h>
#define AIENG_ASSERT(x) assert(x)
#endif
AIENG_EXTERN_C_BEGIN
/* Every fallible function returns one of these; 0 is success. */
typedef enum aieng_result {
    AIENG_OK = 0,
    AIENG_ERR_INVALID_ARG = -1, /* a bad argument or shape from the caller */
    AIENG_ERR_OOM = -2,         /* an allocation or a fixed budget ran out */
    AIENG_ERR_IO = -3,          /* a file could not be opened, read or written */
    AIENG_ERR_FORMAT = -4,      /* malformed, truncated or hostile input data */
    AIENG_ERR_UNSUPPORTED = -5, /* valid, but not supported by this build */
    AIENG_ERR_SHAPE = -6,       /* tensor shapes that do not fit together */
    AIENG_ERR_RANGE = -7,       /* an index or value out of range */
    AIENG_ERR_STATE = -8        /* the object is not in a state that allows this */
} aieng_result;
/* Runtime allocator: a zeroed struct means AIENG_MALLOC/REALLOC/FREE. */
typedef struct aieng_allocator {
    void *(*alloc)(size_t size, void *user);
    void *(*realloc)(void *p, size_t size, void *user);
    void (*free)(void *p, void *user);
    void *user;
} aieng_allocator;
AIENG_API const char *aieng_result_string(aieng_result r);
/* The last error message of this thread, set by functions without an object. */
AIENG_API const char *aieng_last_error(void);
/* Sets this thread's last error message (printf format); returns `code`. */
AIENG_API aieng_result aieng_set_error(aieng_result code, const char *fmt, ...);
AIENG_API void *aieng_alloc(const aieng_allocator *a, size_t size);
AIENG_API void *aieng_realloc(const aieng_allocator *a, void *p, size_t size);
AIENG_API void aieng_free(const aieng_allocator *a, void *p);
AIENG_EXTERN_C_END
#endif /* AIENG_COMMON_H */
#if (defined(AIENG_IMPLEMENTATION) || defined(AIENG_COMMON_IMPLEMENTATION) || defined(AIENG_TENSOR_IMPLEMENTATION) || \
     defined(AIENG_QUANT_IMPLEMENTATION) || defined(AIENG_BPE_IMPLEMENTATION) || defined(AIENG_HNSW_IMPLEMENTATION) || \
     defined(AIENG_AUTOGRAD_IMPLEMENTATION) || defined(AIENG_TRANSFORMER_IMPLEMENTATION) || \
     defined(AIENG_AGENT_IMPLEMENTATION)) && !defined(AIENG_COMMON_IMPLEMENTED)
#define AIENG_COMMON_IMPLEMENTED
#include <stdio.h>
#if defined(__cplusplus) && __cplusplus >= 201103L
#define AIENG__TLS thread_local
#elif defined(_MSC_VER)
#define AIENG__TLS __declspec(thread)
#elif defined(__GNUC__) || defined(__clang__)
#define AIENG__TLS __thread
#else
#define AIENG__TLS
#endif
static AIENG__TLS char aieng__last_error[512];
AIENG_EXTERN_C_BEGIN
AIENG_API const char *aieng_result_string(aieng_result r) {
    switch (r) {
    case AIENG_OK: return "ok";
    case AIENG_ERR_INVALID_ARG: return "invalid argument";
    case AIENG_ERR_OOM: return "out of memory";
    case AIENG_ERR_IO: return "i/o error";
    case AIENG_ERR_FORMAT: return "malformed input";
    case AIENG_ERR_UNSUPPORTED: return "unsupported";
    case AIENG_ERR_SHAPE: return "shape mismatch";
    case AIENG_ERR_RANGE: return "out of range";
    case AIENG_ERR_STATE: return "invalid state";
    }
    return "unknown error";
}
AIENG_API const char *aieng_last_error(void) { return aieng__last_error; }
AIENG_API aieng_result aieng_set_error(aieng_result code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(aieng__last_error, sizeof aieng__last_error, fmt, ap);
    va_end(ap);
    return code;
}
AIENG_API void *aieng_alloc(const aieng_allocator *a, size_t size) {
    if (a && a->alloc) return a->alloc(size, a->user);
    return AIENG_MALLOC(size, a);
}
AIENG_API void *aieng_realloc(const aieng_allocator *a, void *p, size_t size) {
    if (a && a->realloc) return a->realloc(p, size, a->user);
    return AIENG_REALLOC(p, size, a);
}
AIENG_API void aieng_free(const aieng_allocator *a, void *p) {
    if (!p) return;
    if (a && a->free) { a->free(p, a->user); return; }
    AIENG_FREE(p, a);
}
AIENG_EXTERN_C_END
#endif /* AIENG_COMMON_IMPLEMENTATION */
/* ---- end of aieng common block ---- */

#ifndef AIENG_AGENT_H
#define AIENG_AGENT_H
#define AIENG_AGENT_VERSION_MAJOR 0
#define AIENG_AGENT_VERSION_MINOR 9
#define AIENG_AGENT_VERSION_PATCH 0
#ifndef AIENG_JSON_MAX_DEPTH
#define AIENG_JSON_MAX_DEPTH 512
#endif

AIENG_EXTERN_C_BEGIN

/* ======================================================================================
   JSON
   --------------------------------------------------------------------------------------
   Strict RFC 8259: one value with optional surrounding whitespace (space, tab, LF, CR);
   no comments, no trailing commas, no NaN/Infinity, no leading zeros, no BOM.
   - Strings must be valid UTF-8 (no overlong forms, no encoded surrogates, <= U+10FFFF);
     control bytes < 0x20 must be escaped. \uXXXX escapes are decoded to UTF-8; a high
     surrogate must be followed by a \u low surrogate and a low surrogate must follow a high
     one: lone surrogates are rejected (a decoded string is always valid UTF-8). Strings
     may contain U+0000 (from \u0000): use `len`.
   - Numbers: the original text is kept (`s`, `len`) and written back unchanged by the
     serializer; `d` is strtod's value (so it depends on the C locale's decimal point:
     keep the "C" locale), +-HUGE_VAL when the exponent overflows, 0 on underflow. When the
     text has no fraction and no exponent and fits int64, `is_int` is 1 and `i` is exact.
     Huge numbers are accepted (their text is kept).
   - Duplicate keys: accepted and all kept in document order (RFC 8259 says names SHOULD
     be unique; JSONTestSuite's y_object_duplicated_key* must parse). aieng_json_get returns
     the LAST member with the key (as JavaScript and Python do), and the schema validator
     sees that one. Pass AIENG_JSON_REJECT_DUPLICATES in options.flags to reject them.
   - Depth: arrays/objects nested deeper than max_depth (AIENG_JSON_MAX_DEPTH = 512 by
     default) are rejected; the parser is iterative, so no recursion depth is at risk.
   JSONTestSuite i_ files (implementation-defined), as tested by tests/test_agent.c:
     accepted: i_number_* (all 10: huge/tiny exponents become +-inf/0 in `d`, too-big
       integers have is_int = 0 and keep their text), i_structure_500_nested_arrays.
     rejected: every i_string_* and i_object_key_lone_2nd_surrogate (lone or inverted
       surrogates, invalid/overlong/truncated UTF-8, Latin-1, UTF-16 text),
       i_structure_UTF-8_BOM_empty_object (no BOM).
   ====================================================================================== */
typedef enum aieng_json_type {
    AIENG_JSON_NULL = 0,
    AIENG_JSON_BOOL,
    AIENG_JSON_NUMBER,
    AIENG_JSON_STRING,
    AIENG_JSON_ARRAY,
    AIENG_JSON_OBJECT
} aieng_json_type;

typedef struct aieng_json aieng_json;
struct aieng_json {
    aieng_json_type type;
    int boolean;          /* BOOL: 0 or 1 */
    int is_int;           /* NUMBER: integral text that fits int64 (then i is exact) */
    int64_t i;            /* NUMBER when is_int */
    double d;             /* NUMBER: value as a double */
    const char *s;        /* STRING: decoded UTF-8 (NUL-terminated, may hold NULs); NUMBER: text */
    size_t len;           /* bytes in s */
    size_t n;             /* ARRAY/OBJECT: number of children */
    aieng_json **items;   /* ARRAY/OBJECT: children in document order */
    const char *key;      /* member of an OBJECT: its decoded key (NUL-terminated) */
    size_t key_len;
};

typedef struct aieng_json_doc aieng_json_doc;

#define AIENG_JSON_REJECT_DUPLICATES 1
typedef struct aieng_json_options {
    int max_depth;        /* 0: AIENG_JSON_MAX_DEPTH */
    int flags;            /* AIENG_JSON_REJECT_DUPLICATES */
    aieng_allocator alloc;/* zeroed: AIENG_MALLOC */
} aieng_json_options;

/* Parses text[0..len). On error *out is NULL and aieng_last_error() says what and at which
   byte ("json: ... at byte N"); the code is AIENG_ERR_FORMAT (or AIENG_ERR_OOM). */
AIENG_API aieng_result aieng_json_parse(const char *text, size_t len, const aieng_json_options *opts,
                                        aieng_json_doc **out);
AIENG_API aieng_json *aieng_json_root(const aieng_json_doc *doc);
AIENG_API void aieng_json_free(aieng_json_doc *doc);
/* Object member by key (the last one when keys repeat), NULL when absent or not an object. */
AIENG_API aieng_json *aieng_json_get(const aieng_json *obj, const char *key);
AIENG_API aieng_json *aieng_json_getn(const aieng_json *obj, const char *key, size_t key_len);
/* Array element (or object member) by index, NULL when out of range. */
AIENG_API aieng_json *aieng_json_at(const aieng_json *v, size_t index);
/* RFC 6901 JSON Pointer ("" = v, "/a/0", "~0" = '~', "~1" = '/'); NULL when not found. */
AIENG_API aieng_json *aieng_json_pointer(const aieng_json *v, const char *pointer);
/* Deep equality as JSON Schema defines it (numbers by exact decimal value, from their text:
   1 == 1.0 == 10e-1, 1e400 != 2e400; object key order ignored). */
AIENG_API int aieng_json_equal(const aieng_json *a, const aieng_json *b);
/* Serializes v; indent 0 = compact, > 0 = that many spaces per level. *out is NUL-terminated,
   allocated with AIENG_MALLOC: release it with aieng_free(NULL, *out). out_len may be NULL. */
AIENG_API aieng_result aieng_json_write(const aieng_json *v, int indent, char **out, size_t *out_len);

/* Incremental checker: feed the bytes as they stream in. It allocates nothing. */
typedef enum aieng_json_status {
    AIENG_JSON_INCOMPLETE = 0, /* a valid prefix of a JSON text, not yet a whole one */
    AIENG_JSON_COMPLETE = 1,   /* a whole JSON text (a top-level number may still grow) */
    AIENG_JSON_INVALID = -1    /* no continuation can make it valid; see error_pos */
} aieng_json_status;
#define AIENG_JSON_STREAM_MAX_DEPTH 4096
typedef struct aieng_json_stream {
    int max_depth;        /* set by init (<= AIENG_JSON_STREAM_MAX_DEPTH) */
    int depth;
    int state, ret;       /* internal */
    int lit, nb;          /* internal: literal index / UTF-8 bytes left or hex digits */
    unsigned lo, hi;      /* internal: allowed range of the next UTF-8 byte */
    unsigned u, hs;       /* internal: \u value, pending high surrogate */
    size_t pos;           /* bytes consumed so far */
    size_t error_pos;     /* offset of the first byte that made it invalid */
    aieng_json_status status;
    unsigned char stack[AIENG_JSON_STREAM_MAX_DEPTH / 8]; /* 1 bit per level: 1 = object */
} aieng_json_stream;
AIENG_API void aieng_json_stream_init(aieng_json_stream *s, int max_depth);
AIENG_API aieng_json_status aieng_json_stream_feed(aieng_json_stream *s, const void *bytes, size_t len);
AIENG_API aieng_json_status aieng_json_stream_status(const aieng_json_stream *s);

/* ======================================================================================
   GRAMMARS (GBNF, the syntax of llama.cpp's grammars/README.md)
   --------------------------------------------------------------------------------------
       root   ::= object                 # a comment
       object ::= "{" ws ( pair ( "," ws pair )* )? "}"
       pair   ::= string ":" ws value
       digits ::= [0-9]+ | "0x" [0-9a-fA-F]{1,8}
   - A rule is `name ::= alternatives`; names use [A-Za-z0-9_-]. A rule ends at the end of
     its line, except after `|` or inside parentheses (where newlines are free).
   - Elements: "literal" (escapes \n \r \t \\ \" \' \[ \] \xHH \uHHHH \UHHHHHHHH, and any
     UTF-8), [char class] with ranges a-z and negation [^...], `.` (any character),
     rule references, ( groups ); postfix * + ? {m} {m,} {m,n}.
   - Extension (not in llama.cpp): %unordered( sep=S [extra=X] [min=N] [max=N] M1! M2 ...
     [M2>M1,M3 ...] ) matches the members M1, M2, ... (rule names) in any order, each at
     most once, with S between two of them; `!` marks a required member; `M*` a repeatable
     one (any number of times; `M*!` at least once); extra=X allows any
     number of X among them; min/max bound how many members (extras included) appear;
     `A>B,C` says that when member A is present, B and C must be too, `~A,B` that A and B
     are not all present, `?A,B` that one of them at least is (up to 12 such; A, B, C are
     listed as members as well); prefixes stay completable (the fewest members that meet
     the open `?` conditions count against max; exact unless those members have
     dependencies or `~` conditions among themselves); ordered=1 keeps the
     members in the order listed, extras after them (each prefix can still complete). JSON objects whose members may come in any order use it. Its
     rules are built on first use, for the combinations a sentence actually meets, so a
     100-member object costs what a sentence touches, not 2^100 rules. S, X and the
     members must not match the empty string.
   - Extension (not in llama.cpp): %dfa( cap=N [acc=C] R>T ... ; [acc=C] R>T ... ; ... )
     is an automaton with a step count: states are numbered from 0 (the start) in the order
     written, separated by `;`; `R>T` is a step from this state matching rule R (which must
     not match the empty string) to state T; each step adds 1 to the count, which stops at
     cap; `acc=` lists the counts (0..cap) at which the sentence may end in this state, as
     `c`, `lo-hi` or `lo-` (to the cap), comma separated. Example: 2 to 5 of "ab" or "c",
     never two "c" in a row:
         s ::= %dfa(cap=6 acc=2-5 ab>0 c>1 ; acc=2-5 ab>0 )      ab ::= "ab"    c ::= "c"
     The schema compiler writes a string automaton with a length bound this way when the
     explicit product (states x lengths) would be too large: email with maxLength 1024 is
     a %dfa of 277 states instead of a product of more than 20000 rules. The rules of
     (state, count) are built on first use, only toward pairs from which an end is still
     reachable (computed when the grammar is parsed), so no prefix is a dead end. At most
     2^26 states x (cap + 1).
   - Extension (not in llama.cpp): %unique matches no byte; it checks the text matched so far
     (from the state's reset), scanned as JSON: it fails when the innermost open container
     is an array whose last element equals one of its earlier elements (aieng_json_equal:
     "a" == "\u0061", 1 == 1.0, objects in any member order); anything else passes. Written
     right after each element of an array, it makes the elements distinct:
         arr ::= "[" ( value %unique ( "," value %unique )* )? "]"
     A path whose check fails dies there and the others go on: after [1,1 the next byte may
     be 2 (for [1,12]) but not ] or ,. The check reads the text, so masks of states that
     meet it are computed afresh instead of being cached (aieng_constrain). So that a
     prefix whose item can only end as a value already present is not reached, a grammar
     with %unique looks ahead after each byte: the state must allow a byte after which a
     choice of two bytes or more (whitespace aside) remains, looking through whitespace (one
     byte of a run stands for the run, so indentation cannot hide what comes after it) and
     through bytes that are the only ones allowed (up to 64 bytes). A string at its
     maxLength equal to an earlier item, the integer 0 after a 0, the last letter of an enum
     value that would close an object equal to an earlier one: each is refused where it
     would be chosen. Beyond that look-ahead a dead end (no token allowed) remains possible,
     where every choice in sight leads only to values already present (items with listed
     values use exact %unordered members instead).
   - Extension (not in llama.cpp): %valid("/json/pointer") matches no byte; it checks the
     value that ends the text so far (the last element of the innermost open array, the
     value of the last member of the innermost open object, a key just written, or the
     whole text) against the node the pointer names in the document given to
     aieng_grammar_set_schema, with the
     validator (aieng_schema_validate's rules, $refs resolved in that document); without a
     document it passes. The schema compiler writes it after a oneOf whose exclusivity it
     cannot write in the grammar (the not of a branch past its trial budget, see the
     JSON SCHEMA section):   s12 ::= ( s10 | s11 ) %valid("/definitions/node")
     so the value is refused where it ends if it matches two branches. It reads the text
     like %unique (masks not cached where it is met; the same look-ahead).
   - Characters are Unicode code points; classes are compiled to byte-level automata, so
     the matcher works on bytes: it accepts exactly the valid UTF-8 encodings of the
     sentences, and a token may end in the middle of a character.
   - Errors (AIENG_ERR_FORMAT, message names the rule or the byte offset): syntax errors,
     undefined rules, left recursion that grows the stack (direct, indirect or through
     rules that can be empty: `a ::= a "x"`), a missing root rule, repetition counts above
     AIENG_GRAMMAR_MAX_REPEAT (10000), groups nested deeper than 1000 and grammars above
     AIENG_GRAMMAR_MAX_SYMBOLS symbols after expansion. Cycles through tail positions only
     (such as ("a"?)* or `a ::= b`, `b ::= a | "x"`) are accepted: they cannot grow.
   Matching keeps a set of parse stacks (a pushdown automaton run on every alternative at
   once); stack nodes are hash-consed, so a state is a small sorted set of node ids and
   equal states compare equal. The node table is a cache inside the grammar, collected
   when it passes AIENG_GRAMMAR_GC_NODES (keeping what live states reach), so memory stays
   bounded over any number of sentences; ambiguity is bounded by AIENG_GRAMMAR_MAX_STACKS.
   A grammar and the states made from it must be used by one thread at a time.
   ====================================================================================== */
#ifndef AIENG_GRAMMAR_MAX_REPEAT
#define AIENG_GRAMMAR_MAX_REPEAT 10000
#endif
#ifndef AIENG_GRAMMAR_MAX_SYMBOLS
#define AIENG_GRAMMAR_MAX_SYMBOLS (1 << 22)
#endif
#ifndef AIENG_GRAMMAR_MAX_NODES
#define AIENG_GRAMMAR_MAX_NODES (1 << 22)   /* stack nodes a grammar may create in its life */
#endif
#ifndef AIENG_GRAMMAR_MAX_STACKS
#define AIENG_GRAMMAR_MAX_STACKS 65536      /* parse stacks alive at once (ambiguity bound) */
#endif
typedef struct aieng_grammar aieng_grammar;
typedef struct aieng_grammar_state aieng_grammar_state;

/* Compiles GBNF text; `root` names the start rule (NULL: "root"). */
AIENG_API aieng_result aieng_grammar_parse(const char *text, size_t len, const char *root, aieng_grammar **out);
AIENG_API void aieng_grammar_free(aieng_grammar *g);
/* The schema document that %valid("/pointer") checks refer to (the schema compiler writes
   them where a oneOf cannot be made exclusive in the grammar); kept by reference. Without
   it those checks pass. */
AIENG_API aieng_result aieng_grammar_set_schema(aieng_grammar *g, const aieng_json *root);
/* Number of rules after desugaring (groups and repetitions become rules). */
AIENG_API int aieng_grammar_rule_count(const aieng_grammar *g);
/* 1 when bytes[0..len) is a complete sentence of the grammar. */
AIENG_API int aieng_grammar_accepts(aieng_grammar *g, const void *bytes, size_t len);

/* A matching state: starts at the beginning of a sentence. */
AIENG_API aieng_result aieng_grammar_state_new(aieng_grammar *g, aieng_grammar_state **out);
AIENG_API void aieng_grammar_state_free(aieng_grammar_state *s);
AIENG_API void aieng_grammar_state_reset(aieng_grammar_state *s);
AIENG_API aieng_result aieng_grammar_state_copy(aieng_grammar_state *dst, const aieng_grammar_state *src);
/* Feeds bytes. Returns AIENG_OK and moves on when they may come next; otherwise the state is
   left unchanged and the result is AIENG_ERR_FORMAT (or AIENG_ERR_OOM when a bound is hit). */
AIENG_API aieng_result aieng_grammar_state_advance(aieng_grammar_state *s, const void *bytes, size_t len);
/* 1 when the bytes fed so far may be followed by bytes[0..len) (nothing is changed). */
AIENG_API int aieng_grammar_state_allows(aieng_grammar_state *s, const void *bytes, size_t len);
/* 1 when the bytes fed so far form a complete sentence. */
AIENG_API int aieng_grammar_state_complete(const aieng_grammar_state *s);
/* 1 when no further byte can be accepted (complete or stuck). */
AIENG_API int aieng_grammar_state_done(const aieng_grammar_state *s);

/* ======================================================================================
   JSON SCHEMA: validation and compilation to a grammar
   --------------------------------------------------------------------------------------
   Support table. A keyword of the JSON Schema vocabularies (drafts 4 to 2020-12) that a
   side does not support is an error naming it (AIENG_ERR_UNSUPPORTED), never silently
   dropped. Keys that belong to no vocabulary (vendor extensions such as x-..., javaType,
   or misspellings) are annotations, as the specification says, and are ignored.
   AIENG_SCHEMA_RELAX (opt-in) compiles what the grammar cannot express by leaving it out,
   which only widens the language: the keywords marked "relaxed" below, a `not` or `if`
   outside the forms below, a regex outside the subset (any string), allOf parts that
   disagree on patternProperties (any extra member). Each relaxed keyword is
   named in options.relaxed; every valid instance is still accepted, and what only the
   relaxed keywords rule out is left to the validator: validate the output (aieng-run
   --relax does, and fails when it does not validate).
   Beyond a bound: where the exact automaton of a supported keyword is over its bound (the
   "error above ... states" entries below: multipleOf with a huge least common multiple,
   patterns with lengths, not/oneOf/if over strings or numbers, the compile's automaton
   work AIENG__SC_AX_WORK), the value compiles as the wider grammar (its nots left out, or
   the types its parts allow) followed by a %valid check against each of its schema parts,
   so the language stays exact once aieng_grammar_set_schema has the schema; the same
   holds for a oneOf whose exclusivity cannot be written. The "error above" entries then
   apply only where a part is not a node of the document (one the compiler synthesized).
   Such a value is refused only as it ends: a string at its maxLength may have no valid
   ending left (a dead end: no token allowed, which aieng-run reports; random-logit
   generation meets it on 2 adversarial JSONSchemaBench schemas, see bench/RESULTS.md).

   keyword                   validator            grammar (aieng_schema_to_gbnf)
   type (all 7, or a list)   yes                  yes; absent: every type, each keyword acting
                                                  on its own (AIENG_SCHEMA_INFER_TYPES: only
                                                  the types the keywords name, properties ->
                                                  object, ...: stricter, for generation)
   properties, required      yes                  yes; members in any order, each at most
                                                  once (the %unordered construct);
                                                  AIENG_SCHEMA_ORDERED: in schema order only
                                                  (properties, then the other names), extra
                                                  members last: stricter, for generation that
                                                  should follow the schema's order
   additionalProperties      yes (bool/schema)    yes, extra members among the declared ones,
                                                  with keys other than the declared names;
                                                  absent = allowed (as the spec says) unless
                                                  AIENG_SCHEMA_NO_EXTRA_PROPERTIES; in allOf,
                                                  each part's applies to the names that part
                                                  neither declares nor matches with one of its
                                                  patternProperties
   patternProperties         yes                  yes: a key (declared names aside) takes the
                                                  schemas of all the patterns it matches, one
                                                  matching none additionalProperties'; the
                                                  extra keys are one automaton (product of the
                                                  patterns' DFAs, of the declared names, which
                                                  it excludes, and of propertyNames; up to 12
                                                  patterns and AIENG__SC_AUTOMATON_MAX states).
                                                  Beyond that bound the approximations of 0.3:
                                                  see the gaps below
   items, prefixItems,       yes (items as an     yes
   additionalItems           array = prefixItems)
   minItems, maxItems        yes                  yes
   enum, const               yes                  yes (whitespace allowed inside arrays/objects)
   anyOf, oneOf              yes (oneOf: exactly  yes, as alternatives merged with the sibling
                             one)                 keywords; oneOf's exclusivity is enforced
                                                  against each other branch that a value may
                                                  share (a sound disjointness test skips the
                                                  others), by that branch's negation: the
                                                  forms of `not` below, and any object schema
                                                  keyword by keyword, tried and taken back
                                                  where a part of it cannot be written (then
                                                  as before: not against that branch)
   allOf                     yes                  merged when the parts do not set the same
                                                  keyword differently (properties/required
                                                  merge); else an error naming the keyword
   not                       yes                  not {"type": ...}, not {}, not true/false,
                                                  not {"required": [...]} and not {"anyOf":
                                                  [{"required": [...]}, ...]} (objects without
                                                  all of each list), not {"enum"/"const"} of
                                                  null, booleans and strings, a not of a
                                                  string-only schema (pattern, minLength,
                                                  maxLength, format date/time/date-time/uuid,
                                                  enum/const of strings, type "string"): the
                                                  complement, as a group of the string's
                                                  automaton (with its other string keywords;
                                                  error above AIENG__SC_AUTOMATON_MAX states),
                                                  and a not of an object schema of properties
                                                  (each `type` alone, enum/const as above, or
                                                  false) and required names: an anyOf of the
                                                  ways it fails; a not of a $ref is read
                                                  through it, not {allOf: [{required}, ...]}
                                                  as one required list. Any schema that only
                                                  constrains scalars (type, enum, const,
                                                  bounds, multipleOf, pattern, format date/
                                                  time/date-time/uuid, lengths) under any
                                                  nesting of not / oneOf / anyOf / allOf /
                                                  if-then-else / $ref: exact, as a Boolean
                                                  formula over those conditions evaluated by
                                                  one product automaton per type (numbers:
                                                  digits x bound comparisons x remainder;
                                                  strings: regex DFAs x length), written as
                                                  rules (strings over 20000 states: the DFAs
                                                  without the length as a %dfa, the matcher
                                                  counting; error above 65536 states or 48
                                                  conditions, then the forms above apply);
                                                  beside object/array keywords too: a not of
                                                  numeric values, of "integer" or of bounds /
                                                  multipleOf makes the numbers alone such a
                                                  formula
   $ref, $defs, definitions  local refs ("#",     yes, recursive schemas too
                             "#/json/pointer",
                             "#anchor": $anchor
                             or $id "#anchor")
   minLength, maxLength      yes (code points)    yes (an escape counts as one character);
                                                  maxLength above AIENG_GRAMMAR_MAX_REPEAT is
                                                  left to the validator
   pattern                   yes                  yes; with min/maxLength, with format or more
                                                  patterns (up to 14, allOf): exact, the product
                                                  of their minimal DFAs and the length counter
                                                  as rules; above 20000 states (email with
                                                  maxLength 255, "words" patterns with maxLength
                                                  500) the product of the DFAs alone as a %dfa
                                                  whose instances carry the count (error when
                                                  that is above AIENG__SC_AUTOMATON_MAX (65536)
                                                  states; relaxed: the lengths are left out)
   format                    date, time,          same grammars (the validator runs them);
                             date-time, uuid,     combined with lengths, a pattern or under
                             ipv4, ipv6 (RFC      not/oneOf/if: their regex forms (the same
                             4291, no zone),      rules inlined) in the string's automaton;
                             hostname (RFC 1123   other formats are annotations
                             labels; the 253-     (ignored), as the spec's default. email is a
                             byte total is not    subset of RFC 5321: a dot-atom local part and
                             checked), email,     a domain of two or more labels (or [IPv4]);
                             uri, uri-reference   quoted local parts are not accepted. date:
                             (RFC 3986), duration RFC 3339 full-date with the day within its
                             (RFC 3339 app. A),   month (February 29 in leap years only);
                             uri-template (RFC    uri-template: literals (non-ASCII as raw
                             6570 level 4)        UTF-8) and expressions, the reserved
                                                  operators = , ! @ | refused;
                                                  time: at most 9 fraction digits (RFC 3339
                                                  has no bound; this one keeps generated
                                                  sentences bounded)
   minimum, maximum,         yes (bool form of    integers: exact digit-range grammars; other
   exclusiveMinimum/Maximum  draft-04 too)        numbers: exact decimal comparison on the
                                                  digits (any bound up to 40 digits either side
                                                  of the point), written without exponent
   multipleOf                yes (exact on the    exact for decimal values P/10^q (several: their
                             digits for values    least common multiple): at most q fraction
                             of <= 18 digits;     digits after trailing zeros and the digits'
                             else doubles, 1e-9   remainder mod P, with the bounds (digit
                             tolerance)           automaton as rules; error above 65536 states,
                                                  unless the condition holds only for integers
                                                  between its bounds, at most 100000 of them:
                                                  those that satisfy it are listed)
   contains, minContains,    yes                  yes, with minItems/maxItems (up to 3 different
   maxContains                                    contains, then without maxContains), not with
                                                  prefixItems; maxContains needs the items that
                                                  do not match: compiled as not <contains>
   uniqueItems               yes                  false: nothing to do; true: exact. Items
                                                  with a listed set of values (const, enum up
                                                  to 4096 values, boolean/null): sequences of
                                                  distinct values (beyond 10, the values as
                                                  %unordered members); other items: each one
                                                  checked against the earlier ones as it ends
                                                  (%unique; dead ends possible, see there);
                                                  not with prefixItems (an error, relaxed)
   minProperties,            yes                  yes (extra members count)
   maxProperties
   dependentRequired,        yes                  yes: name lists (and schemas that only list
   dependencies,                                  "required" names) in %unordered; a schema S
   dependentSchemas                               for name p becomes anyOf [p absent, S]
   if/then/else              yes                  (if and then) or (not if and else), where
                                                  "not if" is written as for `not` above (any
                                                  `if` over scalars only: the formula there);
                                                  another `if`: error (relaxed)
   propertyNames             yes                  declared names it rejects are forbidden;
                                                  extra keys follow it: exactly, in the key
                                                  automaton above, when it is a string-only
                                                  schema as for `not` (also with not / allOf /
                                                  $ref of such); other forms only when no
                                                  declared name matches it and there are no
                                                  patternProperties; else an error (relaxed)
   not (objects)             yes                  not {propertyNames: S}: a member whose key
                                                  fails S (S string-only as for propertyNames,
                                                  or false); not {patternProperties: {P: V}}:
                                                  a member whose key matches P and whose value
                                                  fails V (V false, or a V whose not compiles);
                                                  likewise properties {p: V} (when not written
                                                  as above) and additionalProperties: V (keys
                                                  its schema's properties / patterns leave);
                                                  a not of an allOf (or of several) of these:
                                                  one such member; not {anyOf: [...]} of them:
                                                  one for each item. Exact: members that must
                                                  exist (%unordered's M* and ?A,B; up to 8
                                                  kinds in 8 groups, 64 member kinds; a
                                                  declared name that can be one must not be
                                                  needed by a dependency). not {enum/const}
                                                  with objects or arrays: each value's
                                                  negation (another type, a key outside or
                                                  missing, a member or item that differs;
                                                  scalars inside as for not above), exact. A
                                                  not of an array schema of items, minItems,
                                                  maxItems (type "array"): another type, too
                                                  short / long, or contains {not items}; the
                                                  last two also as the "not if" of if/then/else.
                                                  Any other schema (and the "not if"): keyword
                                                  by keyword, as alternatives that never
                                                  overlap (each holds the earlier ones'
                                                  positive forms): another type, a required
                                                  name absent, a property whose value fails
                                                  (its not, recursively), an allOf part
                                                  failing, none of anyOf, none or two of
                                                  oneOf, if and not then / not if and not
                                                  else, a dependency broken, too few / many
                                                  members, no item matching contains, the not
                                                  of X for not X; the rest of the keywords a
                                                  group per type they constrain, whose not is
                                                  one of the forms above (else an error)
   unevaluated*, $dynamicRef, $recursiveRef: error on both sides (relaxed in the grammar)
   Documented gaps of the grammar. Stricter than the schema: 1.0 is not generated for an
   integer; an enum/const number is matched as written and in its plain decimal spelling
   (1.0 and 1, 1e2 and 100), not in other spellings of the same value (1.00); numbers have at most 20 integer, 20 fraction and 4 exponent digits, bounded or
   multipleOf ones no exponent and no "-0"; a pattern- or format-constrained string uses the
   canonical JSON escapes (characters as themselves, not \uXXXX); under a scalar formula (see `not`) numbers have any number of digits, no
   exponent and no "-0", and 1.0 is an integer. Checked as the value ends: oneOf's
   exclusivity against a branch whose negation cannot be written (a part outside the forms
   above, or a trial past AIENG__SC_TRIAL_RULES rules) is a %valid check against the node
   holding the oneOf, exact once aieng_grammar_set_schema has the schema (aieng-run does;
   without it that oneOf is loose, as it is in a oneOf the compiler synthesized itself).
   Likewise where the key automaton of extra members exceeds its bound (or has more than 12
   patterns): the object's grammar approximates the keys (a key matching two
   patternProperties checked against one, a declared name that also matches a pattern
   allowed again as that pattern's member, declared names that need JSON escapes not
   excluded from extra members; keys matching no pattern not generated: stricter) and a
   %valid check against the object's parts refuses what the approximation lets through as
   the object ends. Without the schema attached these are the only looser cases; validate
   the result then (aieng-run attaches it, and validates every answer anyway).
   Regex subset for `pattern` and patternProperties: literals, escapes (\d \D \w \W \s \S
   \t \n \r \f \v \xHH \uHHHH and escaped punctuation), `.` (not \n or \r), [classes] with
   ranges, negation and \d\w\s inside, groups ( ), (?: ), (?<name> ), alternation |,
   quantifiers * + ? {n} {n,} {n,m} (lazy `?` suffix accepted, same language), ^ at the
   start and $ at the end of a top-level alternative (absent anchors mean any text before /
   after). Through the regex's automaton (minimal DFA, as rules) also: ^ and $ anywhere
   (assertions: "^$|(^a+$)", "^([^,]|$)"), and look-aheads (?=X) / (?!X) right after the
   leading ^ of a pattern without a top-level | (a product with X's DFA, complemented for
   (?!X)). Not supported (error): back-references, other look-arounds, \b \B.
   The grammar's whitespace is bounded: between tokens at most one space, or a newline and
   up to AIENG_SCHEMA_WS_INDENT (40) spaces/tabs, so every sentence ends within a bounded
   number of bytes beyond its content. Strings escape as JSON requires and \u escapes form
   valid surrogate pairs, so every sentence parses with aieng_json_parse.
   Coverage on the JSONSchemaBench subset, side by side with llama.cpp: bench/RESULTS.md.
   ====================================================================================== */
#ifndef AIENG_SCHEMA_WS_INDENT
#define AIENG_SCHEMA_WS_INDENT 40
#endif
#ifndef AIENG_SCHEMA_MAX_RULES
#define AIENG_SCHEMA_MAX_RULES 100000      /* bound on generated rules (anyOf inside allOf multiplies) */
#endif
#define AIENG_SCHEMA_NO_EXTRA_PROPERTIES 1 /* absent additionalProperties means false */
#define AIENG_SCHEMA_COMPACT 2             /* no whitespace at all between tokens */
#define AIENG_SCHEMA_RELAX 4               /* unsupported keywords: a looser grammar, named in `relaxed` */
#define AIENG_SCHEMA_ORDERED 8             /* members in schema order (stricter; what generation wants) */
#define AIENG_SCHEMA_INFER_TYPES 16        /* no `type`: only the types its keywords name (stricter) */
typedef struct aieng_schema_options {
    int flags;          /* AIENG_SCHEMA_* */
    const char *root;   /* name of the start rule; NULL: "root" */
    char *relaxed;      /* AIENG_SCHEMA_RELAX: receives the relaxed keywords, comma-separated */
    size_t relaxed_cap; /* bytes at relaxed (the list is cut to fit, NUL-terminated) */
} aieng_schema_options;

/* AIENG_OK when `instance` is valid; AIENG_ERR_FORMAT when not (aieng_last_error() names the
   keyword and the instance location); AIENG_ERR_UNSUPPORTED for a keyword outside the table;
   AIENG_ERR_INVALID_ARG for a malformed schema. */
AIENG_API aieng_result aieng_schema_validate(const aieng_json *schema, const aieng_json *instance);
/* Compiles a schema to GBNF text (*out allocated: aieng_free(NULL, *out)). */
AIENG_API aieng_result aieng_schema_to_gbnf(const aieng_json *schema, const aieng_schema_options *opts,
                                            char **out, size_t *out_len);
/* Compiles a regex of the subset above to a GBNF expression (raw: matching the text itself;
   json != 0: matching its JSON-escaped form inside a string), appended to *out. The forms
   that only the automaton path takes (^ / $ inside, look-aheads) are an error here
   (AIENG_ERR_UNSUPPORTED); aieng_schema_to_gbnf compiles them. */
AIENG_API aieng_result aieng_regex_to_gbnf(const char *re, size_t len, int json, char **out, size_t *out_len);

/* ======================================================================================
   CONSTRAINED SAMPLING
   --------------------------------------------------------------------------------------
   A vocabulary is described plainly, so this part needs no tokenizer header:
       aieng_vocab v = { tokens, lens, n_vocab, eos_id, special };
   tokens[i] are the raw bytes of token i (byte-level BPE: the decoded bytes, not the
   printable alias), lens[i] their length (NULL: strlen), eos the end-of-sequence id (-1:
   none), special[i] != 0 marks control tokens that are never allowed (NULL: none). Tokens
   of length 0 are never allowed. The vocabulary arrays must outlive the constrainer.
   aieng_constrain_new builds a byte trie of the vocabulary (nodes in depth-first order,
   each with the end of its subtree). The allowed set for a grammar state is found by
   walking the trie while advancing the grammar byte by byte, skipping every subtree whose
   prefix the grammar rejects, so a step costs the trie nodes still alive, not n_vocab x
   token length. The walk runs on a lazy DFA: each distinct set of parse stacks gets a row
   of 256 transitions filled on first use, so a trie node costs one table look-up.
   Masks are cached per grammar state (states are sets of hash-consed stack ids, equal
   states hit the same entry); AIENG_CONSTRAIN_CACHE entries (64) are kept.
   EOS is allowed exactly when the bytes so far form a complete sentence; when the grammar
   is complete and no byte may follow, EOS is the only allowed token.

   The logit-processor hook (the contract with aieng_transformer.h):
       void aieng_constrain_logits(float *logits, int n_vocab, void *user);
   `user` is the aieng_constrain*. It sets the logit of every token that may not come next
   to -INFINITY, in place, and changes nothing else; n_vocab must equal the vocabulary's n
   (it masks min(n_vocab, n) entries, and every id >= n). After sampling token t from the
   masked logits, the caller MUST call aieng_constrain_accept(c, t) before the next step.
   Fast path (used by a sampler that can re-sample): sample from the raw logits, and if
   aieng_constrain_allows(c, t) accept it, else mask and sample again; for pure sampling
   from the softmax this gives exactly the masked distribution, for greedy the same token.
   Running out of the token budget: aieng_constrain_complete() says whether the output so
   far is a whole sentence; a generator that stops at its -n limit while it is not must
   report an error (never hand a truncated "answer" on); schema grammars bound whitespace
   and number lengths, but strings and arrays end only when the model ends them.
   Thread-safety: one constrainer (and its grammar) per generating thread.
   ====================================================================================== */
#ifndef AIENG_CONSTRAIN_CACHE
#define AIENG_CONSTRAIN_CACHE 64
#endif
typedef struct aieng_vocab {
    const char *const *tokens;
    const size_t *lens;
    int n;
    int eos;
    const unsigned char *special;
} aieng_vocab;
typedef struct aieng_constrain aieng_constrain;
typedef struct aieng_constrain_stats {
    int64_t mask_calls, cache_hits, trie_nodes_visited, allows_calls;
    int trie_nodes;
} aieng_constrain_stats;

AIENG_API aieng_result aieng_constrain_new(aieng_grammar *g, const aieng_vocab *v, aieng_constrain **out);
AIENG_API void aieng_constrain_free(aieng_constrain *c);
AIENG_API void aieng_constrain_reset(aieng_constrain *c);
/* 1 when token may come next (cheap: a cached mask bit or a walk of its bytes). */
AIENG_API int aieng_constrain_allows(aieng_constrain *c, int token);
/* The allowed set as a bitmap of (n + 31) / 32 words (bit t of word t/32); valid until the
   next call on c. NULL on error (aieng_last_error). */
AIENG_API const uint32_t *aieng_constrain_allowed(aieng_constrain *c);
/* Sets disallowed logits to -INFINITY. */
AIENG_API aieng_result aieng_constrain_mask(aieng_constrain *c, float *logits, int n_vocab);
/* Moves on past `token`; AIENG_ERR_FORMAT (nothing changed) if it was not allowed. */
AIENG_API aieng_result aieng_constrain_accept(aieng_constrain *c, int token);
/* The bytes accepted so far form a complete sentence / EOS has been accepted or nothing
   but EOS may follow. */
AIENG_API int aieng_constrain_complete(const aieng_constrain *c);
AIENG_API int aieng_constrain_done(const aieng_constrain *c);
AIENG_API void aieng_constrain_get_stats(const aieng_constrain *c, aieng_constrain_stats *st);
/* Forgets every cached mask (the next mask is computed by a walk of the trie). */
AIENG_API void aieng_constrain_clear_cache(aieng_constrain *c);
/* The logit-processor hook; user = aieng_constrain*. */
AIENG_API void aieng_constrain_logits(float *logits, int n_vocab, void *user);

/* ======================================================================================
   CONSTRAINED GENERATION WITH A MODEL (aieng_transformer.h)
   --------------------------------------------------------------------------------------
   Declared and implemented only where aieng_transformer.h is included BEFORE this header
   (in the translation unit that defines the implementation too):
       #define AIENG_IMPLEMENTATION
       #include "aieng_transformer.h"
       #include "aieng_agent.h"
   aieng_constrain_new_model(g, m, &c): a constrainer over the model's vocabulary (token
   bytes from aieng_model_token_bytes; control tokens are never allowed; EOS is the model's
   tokenizer.ggml.eos_token_id when it ends generation, else its first end-of-generation
   token; the other end-of-generation tokens are never allowed). It owns its vocabulary
   arrays; the model must outlive it.
   aieng_constrain_generate(m, c, prompt, n, cfg, stats): aieng_model_generate under the
   grammar, from the start of a sentence (c is reset). It evaluates the prompt after what the KV cache holds, then per token: the
   sampler runs on the raw logits (after cfg->logit_processor, if any); when the grammar
   allows that token it is taken (fast path: ~2 us, no mask), else the logits are masked
   (aieng_constrain_logits) and the sampler runs again. Greedy decoding gives exactly the
   masked argmax; pure temperature sampling exactly the masked distribution (rejection
   sampling); with top-k/top-p/min-p the first draw sees the unmasked candidates.
   Generation ends when EOS is sampled, or when the sentence is complete and nothing but
   EOS may follow (then EOS is not sampled); neither is evaluated, as aieng_model_generate
   leaves its end token out of the cache. cfg->on_text gets each token's raw bytes (a
   UTF-8 character may span two calls); returning nonzero stops (AIENG_OK, stopped_by 3,
   aieng_constrain_complete says whether the output is whole). cfg->stop is not supported
   (AIENG_ERR_UNSUPPORTED: the grammar decides the end) and cfg->ignore_eos is ignored.
   Running out: when cfg->max_tokens (or the context) runs out before the sentence is
   complete, the result is AIENG_ERR_RANGE and aieng_last_error() says so: the text so far
   is NOT a valid answer and must not be passed on as one (aieng-run prints an error and
   exits non-zero). Schema grammars bound whitespace and number lengths, so a budget of a
   few tokens per expected value plus the lengths of the strings is enough; strings and
   arrays end only when the model ends them. AIENG_ERR_STATE: no token was allowed (a
   grammar needing bytes the vocabulary cannot spell); errors of the model pass through.
   ====================================================================================== */
#ifdef AIENG_TRANSFORMER_H
AIENG_API aieng_result aieng_constrain_new_model(aieng_grammar *g, const aieng_model *m, aieng_constrain **out);
AIENG_API aieng_result aieng_constrain_generate(aieng_model *m, aieng_constrain *c, const int32_t *prompt,
                                                int64_t n_prompt, const aieng_generate_config *cfg,
                                                aieng_generate_stats *stats);
/* One step for a decoding loop of one's own: samples a token from logits[0..n_vocab) (not
   changed; `work` is n_vocab floats of scratch) with smp under the grammar (the fast path
   above; proc/user: an extra logit processor or NULL), accepts it in c and smp and returns
   it; -1 on error (aieng_last_error: no token allowed, or out of memory). */
AIENG_API int32_t aieng_constrain_sample(aieng_constrain *c, aieng_sampler *smp, const float *logits, float *work,
                                         aieng_logit_processor proc, void *user);
#endif

/* ======================================================================================
   TOOLS AND THE ReAct AGENT
   --------------------------------------------------------------------------------------
   A tool is a JSON function spec plus a C function:
       {"name": "add", "description": "Adds two numbers",
        "parameters": {"type": "object", "properties": {"a": {"type": "number"}, ...},
                       "required": ["a", "b"]}}
   (the OpenAI envelope {"type": "function", "function": {...}} is accepted too). Names are
   unique, 1 to 64 bytes of valid UTF-8 without control characters. The parameters are a
   JSON Schema of the table above; the Python-flavoured type names of function-calling
   datasets (BFCL) are read as JSON Schema names: dict = object, float = number, tuple =
   array, any = string (BFCL's own mapping), and their boolean "optional" annotation is
   dropped. Parameters that do not say "additionalProperties" (or "patternProperties") at
   their top get "additionalProperties": false: a call names only declared arguments (as
   OpenAI's strict mode). A keyword outside the table is an error that names it (aieng_tools_add fails),
   never silently dropped. A local "$ref": "#/..." inside a tool's parameters keeps
   pointing into those parameters.

   The model's reply at each step is ONE JSON object, and the grammar makes it impossible
   to write anything else:
       {"thought": "...", "calls": [{"name": "add", "arguments": {"a": 1, "b": 2}}]}
       {"thought": "...", "answer": "..."}
   members in this order; "thought" (the ReAct reasoning, at most thought_max bytes) only
   when thought_max > 0; "calls" holds 1 to max_calls calls, each naming an offered tool
   with arguments valid against its schema, no call twice (uniqueItems: a repeated call is
   refused where it would begin to repeat); "answer" only when the reply may answer
   without a call (AIENG_TOOLS_NO_ANSWER leaves it out: a call is then forced).
   Bounded replies: with thought_max, answer_max, max_string and max_items set, strings and
   arrays of arguments get a maxLength / maxItems where they have none (raised to their
   minLength / minItems; not on strings with a format or a pattern, whose shape is their own;
   not under not, if, oneOf or contains, where narrowing a part would widen the whole: a tool
   with a $ref there is left unbounded). Numbers and whitespace are bounded by the schema
   grammars, so a small model that loops inside a value runs into a bound, not the token
   budget.
   aieng_tools_reply_schema gives that schema (JSON text), aieng_tools_grammar the compiled
   grammar (its %valid checks attached), aieng_tools_parse parses and validates a reply
   against it (the same check for text that did not come through the grammar).

   aieng_agent_run is the ReAct loop: system prompt (instructions + the tools, one JSON line
   each), the question, then per step: the model's reply under the grammar; when it calls
   tools, each call runs and its result comes back as a user message
       Observation from add: 3
   (a tool's negative return is reported as "Error from add: <its message>", and the model
   may try again); when it answers, the loop ends with that answer. Tool results longer than
   observation_max bytes are cut at a UTF-8 boundary and marked "...[cut]". max_steps
   replies without an answer end with AIENG_ERR_RANGE (no answer is invented).
   Memory: before each step the loop asks the model how many tokens the conversation takes
   (llm->count); while it and reply_tokens do not fit in llm->budget, the oldest step (a
   reply and its observations) is dropped and a note "(N earlier steps omitted)" stands in
   its place; the system prompt, the question and the latest step always stay (if they do
   not fit: AIENG_ERR_RANGE).
   The model is an interface (aieng_agent_llm), so the loop runs with any generator (a
   scripted one in tests, a server's); aieng_agent_llm_model (with aieng_transformer.h)
   adapts an aieng_model: replies are generated under the grammar, and the KV cache is
   reused across steps up to the longest common token prefix of the new prompt, so each
   step evaluates only its new messages.
   ====================================================================================== */
typedef struct aieng_tools aieng_tools;
/* A tool: writes its result (text, JSON or not) into out[0..cap) NUL-terminated and returns
   its length (>= cap: cut), or a negative number with an error message in out. args is the
   validated "arguments" object. */
typedef int (*aieng_tool_fn)(void *user, const aieng_json *args, char *out, size_t cap);

#define AIENG_TOOLS_NO_ANSWER 1   /* the reply must call a tool */
#define AIENG_TOOLS_NO_CALLS 2    /* the reply must answer */
#define AIENG_TOOLS_COMPACT 4     /* no whitespace between JSON tokens (fewer tokens per reply) */
typedef struct aieng_tools_reply {
    int thought_max;     /* bytes of "thought" (0: no thought member) */
    int max_calls;       /* calls per reply (0: 1) */
    int answer_max;      /* bytes of "answer" (0: unbounded) */
    int flags;           /* AIENG_TOOLS_* */
    int max_string;      /* > 0: bytes of an argument string without a maxLength of its own */
    int max_items;       /* > 0: items of an argument array without a maxItems of its own */
} aieng_tools_reply;

AIENG_API aieng_result aieng_tools_new(aieng_tools **out);
AIENG_API void aieng_tools_free(aieng_tools *t);
/* Adds a tool from its JSON spec (fn may be NULL for a tool that is only offered). */
AIENG_API aieng_result aieng_tools_add(aieng_tools *t, const char *spec, size_t len, aieng_tool_fn fn, void *user);
AIENG_API int aieng_tools_count(const aieng_tools *t);
AIENG_API const char *aieng_tools_name(const aieng_tools *t, int i);
/* The normalized spec of tool i as compact JSON (valid until the tools are freed). */
AIENG_API const char *aieng_tools_spec(const aieng_tools *t, int i);
/* The JSON Schema of a reply (compact JSON text; free with aieng_free(NULL, *out)). */
AIENG_API aieng_result aieng_tools_reply_schema(const aieng_tools *t, const aieng_tools_reply *rp, char **out, size_t *len);
/* The grammar of a reply. It stays valid until t is freed or a tool is added (t keeps the
   schema its %valid checks read); free it with aieng_grammar_free. */
AIENG_API aieng_result aieng_tools_grammar(aieng_tools *t, const aieng_tools_reply *rp, aieng_grammar **out);
/* Parses text as a reply and validates it: AIENG_ERR_FORMAT (aieng_last_error says why) when
   it is not one. *doc receives the parsed reply (free with aieng_json_free). */
AIENG_API aieng_result aieng_tools_parse(aieng_tools *t, const aieng_tools_reply *rp, const char *text, size_t len,
                                         aieng_json_doc **doc);
/* Runs one call object {"name": ..., "arguments": {...}}: the arguments are validated
   first; *n gets the result's length as the tool reports it (>= cap: out holds its first
   cap - 1 bytes, cut). AIENG_ERR_STATE when the tool has no function,
   AIENG_ERR_FORMAT for invalid arguments, AIENG_ERR_INVALID_ARG for an unknown name; a
   negative return of the tool gives AIENG_ERR_RANGE with its message in out. */
AIENG_API aieng_result aieng_tools_call(aieng_tools *t, const aieng_json *call, char *out, size_t cap, size_t *n);

/* What a model adapter counts (tokens). */
typedef struct aieng_agent_usage {
    int64_t prompt_tokens;     /* prompt tokens of every step */
    int64_t reused_tokens;     /* of those, found in the KV cache (not evaluated again) */
    int64_t generated_tokens;
    double prefill_seconds, decode_seconds;
} aieng_agent_usage;
typedef struct aieng_agent_message { const char *role, *content; } aieng_agent_message;
typedef struct aieng_agent_llm {
    /* The reply to msgs[0..n) (the assistant's turn comes next) under grammar g (NULL: free
       text), in *out (NUL-terminated, AIENG_MALLOC'ed: aieng_free(NULL, *out)). */
    aieng_result (*generate)(void *user, const aieng_agent_message *msgs, int n, aieng_grammar *g,
                             char **out, size_t *len, aieng_agent_usage *usage);
    /* Tokens msgs[0..n) take as a prompt (< 0: error). NULL: no context limit. */
    int64_t (*count)(void *user, const aieng_agent_message *msgs, int n);
    int64_t budget;            /* tokens for prompt + reply (count != NULL) */
    void *user;
} aieng_agent_llm;

typedef struct aieng_agent_config {
    const char *system;        /* instructions before the tool list (NULL: a default) */
    aieng_tools_reply reply;   /* zeroed: no thought, 1 call, answer unbounded (cfg NULL: a
                                  256-byte thought) */
    int call_first;            /* nonzero: the first reply must call a tool ("tool_choice": "required") */
    int answer_on_repeat;      /* nonzero: after a reply that repeats a call of an earlier step
                                  (same name and arguments), the next reply must answer */
    int max_steps;             /* replies before giving up (0: 8) */
    int64_t reply_tokens;      /* room kept for a reply in llm->budget (0: 256); at least the
                                  generator's tokens per reply, or a long reply meets the end
                                  of the context (AIENG_ERR_RANGE) */
    size_t observation_max;    /* bytes of a tool result kept (0: 2048) */
    const char *observation_hint; /* a line after the observations (NULL: none), e.g. a reminder
                                     to answer once the results suffice */
    /* called after each reply (observation: what the tools answered, NULL for the answer);
       a nonzero return stops the loop (AIENG_ERR_STATE) */
    int (*on_step)(void *user, int step, const char *reply, size_t len, const char *observation, size_t olen);
    void *user;
} aieng_agent_config;
typedef struct aieng_agent_stats {
    int steps, calls, tool_errors, dropped_steps;
    aieng_agent_usage usage;
} aieng_agent_stats;

/* The ReAct loop on `question`; *answer (aieng_free(NULL, *answer)) is the model's answer. */
AIENG_API aieng_result aieng_agent_run(aieng_tools *t, const aieng_agent_llm *llm, const char *question,
                                       const aieng_agent_config *cfg, char **answer, size_t *len,
                                       aieng_agent_stats *stats);
#ifdef AIENG_TRANSFORMER_H
/* An aieng_agent_llm over a model: chat template, tokenizer, generation under the grammar,
   KV-cache reuse between calls. gen: sampler, max_tokens per reply (0: 256), on_text for
   streaming (stop strings are not supported). Free with aieng_agent_llm_free. */
AIENG_API aieng_result aieng_agent_llm_model(aieng_model *m, const aieng_generate_config *gen, aieng_agent_llm *out);
AIENG_API void aieng_agent_llm_free(aieng_agent_llm *llm);
#endif

/* ======================================================================================
   LEXICAL RETRIEVAL (BM25) AND TEXT CHUNKING
   --------------------------------------------------------------------------------------
   The lexical half of retrieval for RAG: an in-memory BM25 index whose scores are those of
   rank_bm25's BM25Okapi (the Python package, version 0.2.2), and a chunker that cuts long
   texts into overlapping pieces to index.

       aieng_bm25 *ix = NULL;
       int64_t id, ids[5]; double sc[5]; int n;
       aieng_bm25_new(NULL, &ix);                      // k1 1.5, b 0.75, epsilon 0.25
       aieng_bm25_add(ix, "get weather forecast", 20, &id);   // ids 0, 1, 2, ... in order
       aieng_bm25_search(ix, "weather in Paris", 16, 5, ids, sc, &n);
       aieng_bm25_free(ix);

   Tokenizer (aieng_text_words; the same for documents and queries): bytes, not characters.
   A word is a maximal run of bytes that are ASCII letters, ASCII digits or bytes >= 0x80;
   every other byte (spaces, punctuation, controls, NUL) separates words. ASCII letters are
   lower-cased; bytes >= 0x80 are kept as they are, so a UTF-8 letter stays inside its word
   but is not case-folded ("Ünïcode" and "ünïcode" are different words). No stemming, no
   stop words. Invalid UTF-8 is not an error: it is bytes like any other. The Python side
   of the tests is re.findall(rb'[a-z0-9\x80-\xff]+', text.encode('utf-8').lower()).

   Scores (BM25Okapi). N documents; dl(d) the number of words of d; avgdl = (sum of dl) / N;
   df(w) the number of documents containing w; tf(w,d) the count of w in d.
       idf(w)  = log(N - df(w) + 0.5) - log(df(w) + 0.5)
       idf(w) < 0 is replaced by epsilon * average_idf, where average_idf is the mean of
               the raw idf over every distinct word of the corpus (summed in the order the
               words first appeared, as Python's dict does)
       score(q, d) = sum over the query's words t, repeats counted each time, of
               idf(t) * tf(t,d) * (k1 + 1) / (tf(t,d) + k1 * (1 - b + b * dl(d) / avgdl))
   Words absent from the corpus add 0; so does a word absent from d. The arithmetic is done
   in the same order as rank_bm25's numpy expression, one rounding per operation (the term
   added to a score is kept from fusing into an FMA), so the scores are rank_bm25's to the
   last bit (all 2600 checked in tests/test_agent_rag.c; not under -ffast-math, which may
   reorder). The idf table, avgdl and the
   per-document length norms are recomputed lazily by the first query after an add.
   A query touches only the postings of its words (doc id, tf); aieng_bm25_scores writes
   all N scores, aieng_bm25_search selects the top k by score (descending), ties by the
   smaller id; documents not containing any query word score exactly 0 and take part in
   that order (scores can be negative when epsilon * average_idf is, e.g. a 1-doc corpus).
   Memory: a hash table of the distinct words (the lower-cased bytes, df, postings), per
   document its length; the text itself is not kept. Limits: fewer than 2^31 documents,
   fewer than 2^32 words in one document and in one posting list (AIENG_ERR_RANGE beyond);
   no limit on a word's length. An add that fails (out of memory) leaves the index as it
   was. An index belongs to one thread at a time (queries update its lazy state).

   Chunker (aieng_text_chunk): chunks of at most max_bytes bytes (max_bytes >= 16) that
   cover the whole text in order, consecutive chunks overlapping by at most `overlap` bytes
   (overlap < max_bytes / 2). Each chunk after the first starts inside the previous one at
   the earliest start of a word (a word byte after a non-word byte, as the tokenizer sees
   them) that leaves at most `overlap` bytes shared; where the last `overlap` bytes of the
   previous chunk hold no word start (overlap 0 included), it starts where that one ended.
   The end of a chunk that is not the last is chosen in the second half of its window
   (at least max_bytes / 2 bytes from its start): the last cut after a blank line ("\n",
   optional spaces/tabs/CRs, "\n"), else the last after a sentence end (". ", "! ", "? " or
   a newline), else the last after a space or tab, else at max_bytes, moved back over at
   most 3 UTF-8 continuation bytes (so valid UTF-8 is never cut inside a character). The
   result depends only on the arguments. Empty text: 0 chunks.
   ====================================================================================== */
typedef struct aieng_bm25 aieng_bm25;
typedef struct aieng_bm25_options {
    double k1, b, epsilon;  /* 0 each: 1.5, 0.75, 0.25 (BM25Okapi's defaults); a NULL options too */
} aieng_bm25_options;
/* A new, empty index. AIENG_ERR_INVALID_ARG for out == NULL or a negative / non-finite option. */
AIENG_API aieng_result aieng_bm25_new(const aieng_bm25_options *opts, aieng_bm25 **out);
AIENG_API void aieng_bm25_free(aieng_bm25 *ix);
/* Tokenizes text[0..len) and counts its words (the text is not kept); *id (may be NULL)
   gets the new document's id: 0, 1, 2, ... in the order of the adds. An empty document
   (no words) is a document. */
AIENG_API aieng_result aieng_bm25_add(aieng_bm25 *ix, const char *text, size_t len, int64_t *id);
/* Number of documents (0 for a NULL index). */
AIENG_API int64_t aieng_bm25_count(const aieng_bm25 *ix);
/* scores[0..count) = the score of each document for query[0..len). */
AIENG_API aieng_result aieng_bm25_scores(aieng_bm25 *ix, const char *query, size_t len, double *scores);
/* The top k documents: ids[0..*n) (and scores[0..*n), scores may be NULL) by score descending,
   ties by smaller id; *n = min(k, count). k <= 0: AIENG_ERR_INVALID_ARG (*n = 0). */
AIENG_API aieng_result aieng_bm25_search(aieng_bm25 *ix, const char *query, size_t len, int k, int64_t *ids,
                                         double *scores, int *n);
/* The tokenizer above: returns the number of words of text[0..len) and writes the first
   min(that, cap) of them as byte ranges starts[i], lens[i] (not lower-cased; starts/lens may
   be NULL when cap is 0). text NULL: 0. */
AIENG_API size_t aieng_text_words(const char *text, size_t len, size_t *starts, size_t *lens, size_t cap);
/* The chunker above: chunk i is text[starts[i] .. starts[i] + lens[i]); *n = number of chunks.
   AIENG_ERR_OOM (with *n set to the count needed, the first cap chunks written) when cap is
   too small; AIENG_ERR_INVALID_ARG for max_bytes < 16, overlap >= max_bytes / 2 or NULL
   pointers (text may be NULL when len is 0). */
AIENG_API aieng_result aieng_text_chunk(const char *text, size_t len, size_t max_bytes, size_t overlap,
                                        size_t *starts, size_t *lens, size_t cap, size_t *n);

/* @@DECL@@ */

AIENG_EXTERN_C_END
#endif /* AIENG_AGENT_H */

/* ====================================================================================== */
/*                                    IMPLEMENTATION                                      */
/* ====================================================================================== */
#if defined(AIENG_IMPLEMENTATION) || defined(AIENG_AGENT_IMPLEMENTATION)
#ifndef AIENG_AGENT_IMPLEMENTED
#define AIENG_AGENT_IMPLEMENTED
#include <string.h>
#include <stdlib.h>
#include <math.h>
#include <stdio.h>

AIENG_EXTERN_C_BEGIN

/* ---------------------------------------------------------------- arena + byte buffer */
typedef struct aieng__blk { struct aieng__blk *next; size_t cap, used; } aieng__blk;
typedef struct aieng__arena { aieng__blk *head; aieng_allocator a; } aieng__arena;

static void *aieng__arena_alloc(aieng__arena *ar, size_t n) {
    aieng__blk *b = ar->head;
    size_t hdr = (sizeof(aieng__blk) + 15) & ~(size_t)15;
    n = (n + 15) & ~(size_t)15;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 65536 - hdr ? n : 65536 - hdr;
        b = (aieng__blk *)aieng_alloc(&ar->a, hdr + cap);
        if (!b) return NULL;
        b->cap = cap; b->used = 0; b->next = ar->head; ar->head = b;
    }
    {
        void *p = (char *)b + hdr + b->used;
        b->used += n;
        return p;
    }
}
static void aieng__arena_free(aieng__arena *ar) {
    aieng__blk *b = ar->head;
    while (b) { aieng__blk *nx = b->next; aieng_free(&ar->a, b); b = nx; }
    ar->head = NULL;
}

typedef struct aieng__buf { char *p; size_t n, cap; int oom; } aieng__buf;
static int aieng__buf_reserve(aieng__buf *b, size_t extra) {
    if (b->oom) return 0;
    if (b->n + extra + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 256;
        char *np;
        while (nc < b->n + extra + 1) nc *= 2;
        np = (char *)AIENG_REALLOC(b->p, nc, NULL);
        if (!np) { b->oom = 1; return 0; }
        b->p = np; b->cap = nc;
    }
    return 1;
}
static void aieng__buf_put(aieng__buf *b, const char *s, size_t n) {
    if (!aieng__buf_reserve(b, n)) return;
    memcpy(b->p + b->n, s, n); b->n += n; b->p[b->n] = 0;
}
static void aieng__buf_puts(aieng__buf *b, const char *s) { aieng__buf_put(b, s, strlen(s)); }
static void aieng__buf_putc(aieng__buf *b, char c) { aieng__buf_put(b, &c, 1); }
static void aieng__buf_printf(aieng__buf *b, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    int k;
    va_start(ap, fmt);
    k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k > 0) aieng__buf_put(b, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

/* UTF-8: length of a valid sequence at p (n bytes available), 0 if invalid; *cp = code point */
static int aieng__utf8_decode(const unsigned char *p, size_t n, unsigned *cp) {
    unsigned c = p[0];
    if (c < 0x80) { *cp = c; return 1; }
    if (c < 0xC2) return 0;
    if (c < 0xE0) {
        if (n < 2 || (p[1] & 0xC0) != 0x80) return 0;
        *cp = ((c & 0x1F) << 6) | (p[1] & 0x3F); return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;
        if (c == 0xED && p[1] >= 0xA0) return 0;
        *cp = ((c & 0x0F) << 12) | ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F); return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;
        if (c == 0xF4 && p[1] >= 0x90) return 0;
        *cp = ((c & 0x07) << 18) | ((unsigned)(p[1] & 0x3F) << 12) | ((unsigned)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        return 4;
    }
    return 0;
}
static int aieng__utf8_encode(unsigned cp, char *o) {
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F)); return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F)); return 4;
}
static int aieng__hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* ---------------------------------------------------------------- JSON parser */
struct aieng_json_doc { aieng__arena arena; aieng_json *root; };

typedef struct aieng__jp {
    const unsigned char *p, *end, *start;
    aieng__arena *ar;
    aieng_json **kids; size_t nkids, capkids;   /* pending children of open containers */
    size_t *frames; size_t nframes, capframes;  /* start index into kids of each open container */
    aieng_json **open; /* the open container nodes, parallel to frames */
    int max_depth, flags;
    aieng_result err;
} aieng__jp;

static aieng_result aieng__jp_fail(aieng__jp *jp, const unsigned char *at, const char *what) {
    if (jp->err == AIENG_OK)
        jp->err = aieng_set_error(AIENG_ERR_FORMAT, "json: %s at byte %lu", what, (unsigned long)(at - jp->start));
    return jp->err;
}
static aieng_result aieng__jp_oom(aieng__jp *jp) {
    if (jp->err == AIENG_OK) jp->err = aieng_set_error(AIENG_ERR_OOM, "json: out of memory");
    return jp->err;
}
static void aieng__jp_ws(aieng__jp *jp) {
    while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r')) jp->p++;
}
/* Parses a string at jp->p (which points at the opening quote) into arena memory. */
static int aieng__jp_string(aieng__jp *jp, const char **out, size_t *out_len) {
    const unsigned char *q = jp->p + 1, *scan = q;
    size_t cap = 0;
    char *o, *w;
    /* first pass: find the closing quote to size the output (decoded is never longer) */
    while (scan < jp->end && *scan != '"') { if (*scan == '\\') scan++; scan++; }
    if (scan >= jp->end) { aieng__jp_fail(jp, jp->end, "unterminated string"); return 0; }
    cap = (size_t)(scan - q) + 1;
    o = w = (char *)aieng__arena_alloc(jp->ar, cap);
    if (!o) { aieng__jp_oom(jp); return 0; }
    while (q < jp->end) {
        unsigned c = *q;
        if (c == '"') break;
        if (c < 0x20) { aieng__jp_fail(jp, q, "unescaped control character in string"); return 0; }
        if (c == '\\') {
            if (q + 1 >= jp->end) { aieng__jp_fail(jp, q, "unterminated escape"); return 0; }
            c = q[1];
            switch (c) {
            case '"': *w++ = '"'; q += 2; continue;
            case '\\': *w++ = '\\'; q += 2; continue;
            case '/': *w++ = '/'; q += 2; continue;
            case 'b': *w++ = '\b'; q += 2; continue;
            case 'f': *w++ = '\f'; q += 2; continue;
            case 'n': *w++ = '\n'; q += 2; continue;
            case 'r': *w++ = '\r'; q += 2; continue;
            case 't': *w++ = '\t'; q += 2; continue;
            case 'u': {
                unsigned cp = 0;
                int k;
                if (jp->end - q < 6) { aieng__jp_fail(jp, q, "truncated \\u escape"); return 0; }
                for (k = 0; k < 4; k++) {
                    int h = aieng__hexval(q[2 + k]);
                    if (h < 0) { aieng__jp_fail(jp, q + 2 + k, "bad hex digit in \\u escape"); return 0; }
                    cp = cp * 16 + (unsigned)h;
                }
                if (cp >= 0xDC00 && cp <= 0xDFFF) { aieng__jp_fail(jp, q, "lone low surrogate"); return 0; }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned lo = 0;
                    if (jp->end - q < 12 || q[6] != '\\' || q[7] != 'u') {
                        aieng__jp_fail(jp, q, "high surrogate not followed by \\u low surrogate"); return 0; }
                    for (k = 0; k < 4; k++) {
                        int h = aieng__hexval(q[8 + k]);
                        if (h < 0) { aieng__jp_fail(jp, q + 8 + k, "bad hex digit in \\u escape"); return 0; }
                        lo = lo * 16 + (unsigned)h;
                    }
                    if (lo < 0xDC00 || lo > 0xDFFF) { aieng__jp_fail(jp, q + 6, "invalid low surrogate"); return 0; }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    q += 12;
                } else q += 6;
                w += aieng__utf8_encode(cp, w);
                continue;
            }
            default: aieng__jp_fail(jp, q, "invalid escape"); return 0;
            }
        }
        if (c < 0x80) { *w++ = (char)c; q++; continue; }
        {
            unsigned cp;
            int k = aieng__utf8_decode(q, (size_t)(jp->end - q), &cp);
            if (!k) { aieng__jp_fail(jp, q, "invalid UTF-8"); return 0; }
            memcpy(w, q, (size_t)k); w += k; q += k;
        }
    }
    *w = 0;
    *out = o; *out_len = (size_t)(w - o);
    jp->p = q + 1;
    return 1;
}
static int aieng__jp_number(aieng__jp *jp, aieng_json *v) {
    const unsigned char *q = jp->p, *s = q;
    int integral = 1, neg = 0;
    uint64_t mag = 0;
    int overflow = 0;
    char *txt;
    if (*q == '-') { neg = 1; q++; }
    if (q >= jp->end || !(*q >= '0' && *q <= '9')) { aieng__jp_fail(jp, q, "bad number"); return 0; }
    if (*q == '0') { q++; }
    else while (q < jp->end && *q >= '0' && *q <= '9') {
        unsigned dg = (unsigned)(*q - '0');
        if (mag > (UINT64_MAX - dg) / 10) overflow = 1; else mag = mag * 10 + dg;
        q++;
    }
    if (q < jp->end && *q == '.') {
        integral = 0; q++;
        if (q >= jp->end || !(*q >= '0' && *q <= '9')) { aieng__jp_fail(jp, q, "bad number: digit expected after '.'"); return 0; }
        while (q < jp->end && *q >= '0' && *q <= '9') q++;
    }
    if (q < jp->end && (*q == 'e' || *q == 'E')) {
        integral = 0; q++;
        if (q < jp->end && (*q == '+' || *q == '-')) q++;
        if (q >= jp->end || !(*q >= '0' && *q <= '9')) { aieng__jp_fail(jp, q, "bad number: digit expected in exponent"); return 0; }
        while (q < jp->end && *q >= '0' && *q <= '9') q++;
    }
    txt = (char *)aieng__arena_alloc(jp->ar, (size_t)(q - s) + 1);
    if (!txt) { aieng__jp_oom(jp); return 0; }
    memcpy(txt, s, (size_t)(q - s)); txt[q - s] = 0;
    v->type = AIENG_JSON_NUMBER; v->s = txt; v->len = (size_t)(q - s);
    v->d = strtod(txt, NULL);
    if (integral && !overflow) {
        if (!neg && mag <= (uint64_t)INT64_MAX) { v->is_int = 1; v->i = (int64_t)mag; }
        else if (neg && mag <= (uint64_t)INT64_MAX + 1) {
            v->is_int = 1; v->i = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag; }
    }
    jp->p = q;
    return 1;
}
static int aieng__jp_push_kid(aieng__jp *jp, aieng_json *v) {
    if (jp->nkids == jp->capkids) {
        size_t nc = jp->capkids ? jp->capkids * 2 : 64;
        aieng_json **nk = (aieng_json **)aieng_realloc(&jp->ar->a, jp->kids, nc * sizeof *nk);
        if (!nk) { aieng__jp_oom(jp); return 0; }
        jp->kids = nk; jp->capkids = nc;
    }
    jp->kids[jp->nkids++] = v;
    return 1;
}
static int aieng__jp_keys_equal(const aieng_json *a, const aieng_json *b) {
    return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}
/* Closes the innermost container: moves its pending children into the arena. */
static aieng_json *aieng__jp_close(aieng__jp *jp) {
    size_t st = jp->frames[jp->nframes - 1];
    aieng_json *c = jp->open[jp->nframes - 1];
    size_t n = jp->nkids - st;
    c->n = n;
    if (n) {
        c->items = (aieng_json **)aieng__arena_alloc(jp->ar, n * sizeof(aieng_json *));
        if (!c->items) { aieng__jp_oom(jp); return NULL; }
        memcpy(c->items, jp->kids + st, n * sizeof(aieng_json *));
        if (c->type == AIENG_JSON_OBJECT && (jp->flags & AIENG_JSON_REJECT_DUPLICATES)) {
            size_t i, j; /* quadratic, but only on request; fine for tool-call sized objects */
            for (i = 1; i < n; i++)
                for (j = 0; j < i; j++)
                    if (aieng__jp_keys_equal(c->items[i], c->items[j])) {
                        aieng__jp_fail(jp, jp->p, "duplicate key"); return NULL; }
        }
    }
    jp->nkids = st;
    jp->nframes--;
    return c;
}

AIENG_API aieng_result aieng_json_parse(const char *text, size_t len, const aieng_json_options *opts,
                                        aieng_json_doc **out) {
    aieng__jp jp;
    aieng_json_doc *doc;
    aieng__arena ar;
    const char *pending_key = NULL;
    size_t pending_key_len = 0;
    if (!out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "json: out is NULL");
    *out = NULL;
    if (!text && len) return aieng_set_error(AIENG_ERR_INVALID_ARG, "json: text is NULL");
    memset(&jp, 0, sizeof jp);
    memset(&ar, 0, sizeof ar);
    if (opts) ar.a = opts->alloc;
    jp.ar = &ar;
    jp.start = jp.p = (const unsigned char *)(text ? text : "");
    jp.end = jp.p + len;
    jp.max_depth = opts && opts->max_depth > 0 ? opts->max_depth : AIENG_JSON_MAX_DEPTH;
    jp.flags = opts ? opts->flags : 0;
    doc = (aieng_json_doc *)aieng__arena_alloc(&ar, sizeof *doc);
    if (!doc) { aieng__arena_free(&ar); return aieng_set_error(AIENG_ERR_OOM, "json: out of memory"); }
    memset(doc, 0, sizeof *doc);
    aieng__jp_ws(&jp);
    for (;;) {
        /* parse one value at jp.p */
        aieng_json *v = NULL;
        if (jp.p >= jp.end) { aieng__jp_fail(&jp, jp.p, "unexpected end of input, value expected"); break; }
        v = (aieng_json *)aieng__arena_alloc(&ar, sizeof *v);
        if (!v) { aieng__jp_oom(&jp); break; }
        memset(v, 0, sizeof *v);
        v->key = pending_key; v->key_len = pending_key_len; pending_key = NULL; pending_key_len = 0;
        switch (*jp.p) {
        case '{': case '[': {
            v->type = *jp.p == '{' ? AIENG_JSON_OBJECT : AIENG_JSON_ARRAY;
            if ((int)jp.nframes >= jp.max_depth) { aieng__jp_fail(&jp, jp.p, "nesting too deep"); break; }
            if (jp.nframes == jp.capframes) {
                size_t nc = jp.capframes ? jp.capframes * 2 : 32;
                size_t *nf = (size_t *)aieng_realloc(&ar.a, jp.frames, nc * sizeof *nf);
                aieng_json **no;
                if (!nf) { aieng__jp_oom(&jp); break; }
                jp.frames = nf;
                no = (aieng_json **)aieng_realloc(&ar.a, jp.open, nc * sizeof *no);
                if (!no) { aieng__jp_oom(&jp); break; }
                jp.open = no; jp.capframes = nc;
            }
            jp.frames[jp.nframes] = jp.nkids; jp.open[jp.nframes] = v; jp.nframes++;
            jp.p++;
            aieng__jp_ws(&jp);
            if (jp.p < jp.end && (*jp.p == '}' || *jp.p == ']')) {
                if ((*jp.p == '}') != (v->type == AIENG_JSON_OBJECT)) { aieng__jp_fail(&jp, jp.p, "mismatched bracket"); break; }
                jp.p++;
                v = aieng__jp_close(&jp);
                if (!v) break;
                goto value_done;
            }
            if (v->type == AIENG_JSON_OBJECT) goto read_key;
            continue;
        }
        case '"':
            v->type = AIENG_JSON_STRING;
            if (!aieng__jp_string(&jp, &v->s, &v->len)) break;
            goto value_done;
        case 't':
            if (jp.end - jp.p < 4 || memcmp(jp.p, "true", 4) != 0) { aieng__jp_fail(&jp, jp.p, "invalid literal"); break; }
            v->type = AIENG_JSON_BOOL; v->boolean = 1; jp.p += 4; goto value_done;
        case 'f':
            if (jp.end - jp.p < 5 || memcmp(jp.p, "false", 5) != 0) { aieng__jp_fail(&jp, jp.p, "invalid literal"); break; }
            v->type = AIENG_JSON_BOOL; jp.p += 5; goto value_done;
        case 'n':
            if (jp.end - jp.p < 4 || memcmp(jp.p, "null", 4) != 0) { aieng__jp_fail(&jp, jp.p, "invalid literal"); break; }
            v->type = AIENG_JSON_NULL; jp.p += 4; goto value_done;
        default:
            if (*jp.p == '-' || (*jp.p >= '0' && *jp.p <= '9')) {
                if (!aieng__jp_number(&jp, v)) break;
                goto value_done;
            }
            aieng__jp_fail(&jp, jp.p, "unexpected character, value expected");
        }
        break; /* error */
    value_done:
        /* attach v, then consume separators / closers */
        for (;;) {
            aieng_json *top;
            if (jp.nframes == 0) { doc->root = v; goto finished; }
            if (!aieng__jp_push_kid(&jp, v)) goto failed;
            top = jp.open[jp.nframes - 1];
            aieng__jp_ws(&jp);
            if (jp.p >= jp.end) { aieng__jp_fail(&jp, jp.p, "unexpected end of input in container"); goto failed; }
            if (*jp.p == ',') {
                jp.p++;
                aieng__jp_ws(&jp);
                if (top->type == AIENG_JSON_OBJECT) goto read_key;
                goto next_value;
            }
            if ((*jp.p == ']' && top->type == AIENG_JSON_ARRAY) || (*jp.p == '}' && top->type == AIENG_JSON_OBJECT)) {
                jp.p++;
                v = aieng__jp_close(&jp);
                if (!v) goto failed;
                continue;
            }
            aieng__jp_fail(&jp, jp.p, top->type == AIENG_JSON_OBJECT ? "',' or '}' expected" : "',' or ']' expected");
            goto failed;
        }
    read_key:
        if (jp.p >= jp.end || *jp.p != '"') { aieng__jp_fail(&jp, jp.p, "object key expected"); goto failed; }
        if (!aieng__jp_string(&jp, &pending_key, &pending_key_len)) goto failed;
        aieng__jp_ws(&jp);
        if (jp.p >= jp.end || *jp.p != ':') { aieng__jp_fail(&jp, jp.p, "':' expected"); goto failed; }
        jp.p++;
        aieng__jp_ws(&jp);
    next_value:;
    }
failed:
    aieng_free(&ar.a, jp.kids); aieng_free(&ar.a, jp.frames); aieng_free(&ar.a, jp.open);
    aieng__arena_free(&ar);
    return jp.err != AIENG_OK ? jp.err : aieng_set_error(AIENG_ERR_FORMAT, "json: parse error");
finished:
    aieng__jp_ws(&jp);
    if (jp.p != jp.end) { aieng__jp_fail(&jp, jp.p, "trailing characters after the value"); goto failed; }
    aieng_free(&ar.a, jp.kids); aieng_free(&ar.a, jp.frames); aieng_free(&ar.a, jp.open);
    doc->arena = ar;
    *out = doc;
    return AIENG_OK;
}

AIENG_API aieng_json *aieng_json_root(const aieng_json_doc *doc) { return doc ? doc->root : NULL; }
AIENG_API void aieng_json_free(aieng_json_doc *doc) {
    aieng__arena ar;
    if (!doc) return;
    ar = doc->arena; /* the doc itself lives in its arena */
    aieng__arena_free(&ar);
}
AIENG_API aieng_json *aieng_json_getn(const aieng_json *obj, const char *key, size_t key_len) {
    size_t i;
    if (!obj || obj->type != AIENG_JSON_OBJECT || !key) return NULL;
    for (i = obj->n; i-- > 0;)
        if (obj->items[i]->key_len == key_len && memcmp(obj->items[i]->key, key, key_len) == 0) return obj->items[i];
    return NULL;
}
AIENG_API aieng_json *aieng_json_get(const aieng_json *obj, const char *key) {
    return key ? aieng_json_getn(obj, key, strlen(key)) : NULL;
}
AIENG_API aieng_json *aieng_json_at(const aieng_json *v, size_t index) {
    if (!v || (v->type != AIENG_JSON_ARRAY && v->type != AIENG_JSON_OBJECT) || index >= v->n) return NULL;
    return v->items[index];
}
AIENG_API aieng_json *aieng_json_pointer(const aieng_json *v, const char *ptr) {
    aieng_json *cur = (aieng_json *)v;
    char tok[1024];
    if (!v || !ptr) return NULL;
    while (*ptr) {
        size_t n = 0;
        if (*ptr != '/') return NULL;
        ptr++;
        while (*ptr && *ptr != '/') {
            char c = *ptr++;
            if (c == '~') {
                if (*ptr == '0') c = '~'; else if (*ptr == '1') c = '/'; else return NULL;
                ptr++;
            }
            if (n + 1 >= sizeof tok) return NULL;
            tok[n++] = c;
        }
        tok[n] = 0;
        if (cur->type == AIENG_JSON_OBJECT) cur = aieng_json_getn(cur, tok, n);
        else if (cur->type == AIENG_JSON_ARRAY) {
            size_t idx = 0, k;
            if (n == 0 || (n > 1 && tok[0] == '0') || n > 18) return NULL;
            for (k = 0; k < n; k++) { if (tok[k] < '0' || tok[k] > '9') return NULL; idx = idx * 10 + (size_t)(tok[k] - '0'); }
            cur = aieng_json_at(cur, idx);
        } else return NULL;
        if (!cur) return NULL;
    }
    return cur;
}
/* the value of a JSON number's text as sign, significant digits (no leading or trailing
   zeros: at most n of them, into dg) and the exponent of 0.d1d2... (saturating at +-1e17) */
static size_t aieng__num_norm(const char *s, size_t n, char *dg, int *neg, long long *ex) {
    size_t i = 0, nd = 0;
    long long e = 0, pt = 0;
    int seen = 0, after = 0;
    *neg = i < n && s[i] == '-';
    if (*neg) i++;
    for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'); i++) {
        if (s[i] == '.') { after = 1; continue; }
        if (!seen && s[i] == '0') { if (after) pt--; continue; } /* leading zeros */
        seen = 1;
        dg[nd++] = s[i];
        if (!after) pt++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int es = 1;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) { es = s[i] == '-' ? -1 : 1; i++; }
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) if (e < 100000000000000000LL) e = e * 10 + (s[i] - '0');
        e *= es;
    }
    while (nd && dg[nd - 1] == '0') nd--;
    if (!nd) { *neg = 0; *ex = 0; return 0; }
    *ex = pt + e;
    return nd;
}
/* exact equality of two JSON numbers by their text (1 == 1.0 == 10e-1; 1e400 != 2e400) */
static int aieng__num_equal(const aieng_json *a, const aieng_json *b) {
    char da[512], db[512], *pa = da, *pb = db;
    int na, nb, r;
    long long ea, eb;
    size_t la, lb;
    if (a->is_int && b->is_int) return a->i == b->i;
    if (!a->s || !b->s) return a->d == b->d;
    if ((a->len > sizeof da && !(pa = (char *)AIENG_MALLOC(a->len, NULL))) || (b->len > sizeof db && !(pb = (char *)AIENG_MALLOC(b->len, NULL)))) {
        if (pa != da) AIENG_FREE(pa, NULL);
        return a->d == b->d;
    }
    la = aieng__num_norm(a->s, a->len, pa, &na, &ea);
    lb = aieng__num_norm(b->s, b->len, pb, &nb, &eb);
    r = la == lb && na == nb && ea == eb && !memcmp(pa, pb, la);
    if (pa != da) AIENG_FREE(pa, NULL);
    if (pb != db) AIENG_FREE(pb, NULL);
    return r;
}
static int aieng__json_equal(const aieng_json *a, const aieng_json *b, int depth) {
    size_t i;
    if (depth > 10000) return 0;
    if (a->type != b->type) return 0;
    switch (a->type) {
    case AIENG_JSON_NULL: return 1;
    case AIENG_JSON_BOOL: return a->boolean == b->boolean;
    case AIENG_JSON_NUMBER: return aieng__num_equal(a, b);
    case AIENG_JSON_STRING: return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    case AIENG_JSON_ARRAY:
        if (a->n != b->n) return 0;
        for (i = 0; i < a->n; i++) if (!aieng__json_equal(a->items[i], b->items[i], depth + 1)) return 0;
        return 1;
    case AIENG_JSON_OBJECT:
        if (a->n != b->n) return 0;
        for (i = 0; i < a->n; i++) /* same order first (also covers repeated keys) */
            if (!aieng__jp_keys_equal(a->items[i], b->items[i]) || !aieng__json_equal(a->items[i], b->items[i], depth + 1)) break;
        if (i == a->n) return 1;
        for (i = 0; i < a->n; i++) {
            aieng_json *o = aieng_json_getn(b, a->items[i]->key, a->items[i]->key_len);
            if (!o || !aieng__json_equal(a->items[i], o, depth + 1)) return 0;
        }
        return 1;
    }
    return 0;
}
AIENG_API int aieng_json_equal(const aieng_json *a, const aieng_json *b) {
    if (!a || !b) return a == b;
    return aieng__json_equal(a, b, 0);
}

/* ---------------------------------------------------------------- JSON serializer */
static void aieng__json_write_str(aieng__buf *b, const char *s, size_t n) {
    size_t i;
    aieng__buf_putc(b, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': aieng__buf_put(b, "\\\"", 2); break;
        case '\\': aieng__buf_put(b, "\\\\", 2); break;
        case '\b': aieng__buf_put(b, "\\b", 2); break;
        case '\f': aieng__buf_put(b, "\\f", 2); break;
        case '\n': aieng__buf_put(b, "\\n", 2); break;
        case '\r': aieng__buf_put(b, "\\r", 2); break;
        case '\t': aieng__buf_put(b, "\\t", 2); break;
        default:
            if (c < 0x20) aieng__buf_printf(b, "\\u%04x", c);
            else aieng__buf_putc(b, (char)c);
        }
    }
    aieng__buf_putc(b, '"');
}
static void aieng__json_nl(aieng__buf *b, int indent, int level) {
    int k;
    if (!indent) return;
    aieng__buf_putc(b, '\n');
    for (k = 0; k < indent * level; k++) aieng__buf_putc(b, ' ');
}
static void aieng__json_write(aieng__buf *b, const aieng_json *v, int indent, int level) {
    size_t i;
    if (level > 100000) { b->oom = 1; return; }
    switch (v->type) {
    case AIENG_JSON_NULL: aieng__buf_puts(b, "null"); break;
    case AIENG_JSON_BOOL: aieng__buf_puts(b, v->boolean ? "true" : "false"); break;
    case AIENG_JSON_NUMBER:
        if (v->s && v->len) aieng__buf_put(b, v->s, v->len);
        else if (v->is_int) aieng__buf_printf(b, "%lld", (long long)v->i);
        else if (v->d != v->d || v->d - v->d != 0) aieng__buf_puts(b, "null"); /* NaN/inf are not JSON */
        else aieng__buf_printf(b, "%.17g", v->d);
        break;
    case AIENG_JSON_STRING: aieng__json_write_str(b, v->s ? v->s : "", v->len); break;
    case AIENG_JSON_ARRAY: case AIENG_JSON_OBJECT: {
        int obj = v->type == AIENG_JSON_OBJECT;
        aieng__buf_putc(b, obj ? '{' : '[');
        for (i = 0; i < v->n; i++) {
            if (i) aieng__buf_putc(b, ',');
            aieng__json_nl(b, indent, level + 1);
            if (obj) {
                aieng__json_write_str(b, v->items[i]->key ? v->items[i]->key : "", v->items[i]->key_len);
                aieng__buf_put(b, indent ? ": " : ":", indent ? 2 : 1);
            }
            aieng__json_write(b, v->items[i], indent, level + 1);
        }
        if (v->n) aieng__json_nl(b, indent, level);
        aieng__buf_putc(b, obj ? '}' : ']');
        break;
    }
    }
}
AIENG_API aieng_result aieng_json_write(const aieng_json *v, int indent, char **out, size_t *out_len) {
    aieng__buf b;
    if (!v || !out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "json_write: NULL argument");
    memset(&b, 0, sizeof b);
    aieng__json_write(&b, v, indent < 0 ? 0 : indent, 0);
    aieng__buf_reserve(&b, 0);
    if (b.oom) { AIENG_FREE(b.p, NULL); *out = NULL; return aieng_set_error(AIENG_ERR_OOM, "json_write: out of memory"); }
    b.p[b.n] = 0;
    *out = b.p;
    if (out_len) *out_len = b.n;
    return AIENG_OK;
}

/* ---------------------------------------------------------------- JSON stream checker */
enum {
    AIENG__JS_VALUE, AIENG__JS_ARR_FIRST, AIENG__JS_OBJ_FIRST, AIENG__JS_KEY, AIENG__JS_COLON, AIENG__JS_AFTER,
    AIENG__JS_STR, AIENG__JS_ESC, AIENG__JS_HEX, AIENG__JS_LOW_BS, AIENG__JS_LOW_U, AIENG__JS_UTF8,
    AIENG__JS_LIT, AIENG__JS_N_MINUS, AIENG__JS_N_ZERO, AIENG__JS_N_INT, AIENG__JS_N_DOT, AIENG__JS_N_FRAC,
    AIENG__JS_N_E, AIENG__JS_N_ESIGN, AIENG__JS_N_EXP, AIENG__JS_DONE
};
static const char *const aieng__js_lits[3] = { "true", "false", "null" };

AIENG_API void aieng_json_stream_init(aieng_json_stream *s, int max_depth) {
    memset(s, 0, sizeof *s);
    s->max_depth = max_depth <= 0 ? AIENG_JSON_MAX_DEPTH : max_depth;
    if (s->max_depth > AIENG_JSON_STREAM_MAX_DEPTH) s->max_depth = AIENG_JSON_STREAM_MAX_DEPTH;
    s->state = AIENG__JS_VALUE;
    s->status = AIENG_JSON_INCOMPLETE;
}
static int aieng__js_is_ws(unsigned c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int aieng__js_top_is_obj(const aieng_json_stream *s) {
    int d = s->depth - 1;
    return (s->stack[d >> 3] >> (d & 7)) & 1;
}
/* returns 0 on an invalid byte */
static int aieng__js_byte(aieng_json_stream *s, unsigned c) {
    for (;;) switch (s->state) {
    case AIENG__JS_DONE: return aieng__js_is_ws(c);
    case AIENG__JS_VALUE: case AIENG__JS_ARR_FIRST:
        if (aieng__js_is_ws(c)) return 1;
        if (s->state == AIENG__JS_ARR_FIRST && c == ']') { s->depth--; s->state = AIENG__JS_AFTER; goto after_value; }
        if (c == '{' || c == '[') {
            int d = s->depth;
            if (d >= s->max_depth) return 0;
            if (c == '{') s->stack[d >> 3] |= (unsigned char)(1u << (d & 7));
            else s->stack[d >> 3] &= (unsigned char)~(1u << (d & 7));
            s->depth++;
            s->state = c == '{' ? AIENG__JS_OBJ_FIRST : AIENG__JS_ARR_FIRST;
            return 1;
        }
        if (c == '"') { s->state = AIENG__JS_STR; s->ret = AIENG__JS_AFTER; return 1; }
        if (c == 't' || c == 'f' || c == 'n') { s->state = AIENG__JS_LIT; s->lit = (c == 't' ? 0 : c == 'f' ? 1 : 2); s->nb = 1; return 1; }
        if (c == '-') { s->state = AIENG__JS_N_MINUS; return 1; }
        if (c == '0') { s->state = AIENG__JS_N_ZERO; return 1; }
        if (c >= '1' && c <= '9') { s->state = AIENG__JS_N_INT; return 1; }
        return 0;
    case AIENG__JS_OBJ_FIRST: case AIENG__JS_KEY:
        if (aieng__js_is_ws(c)) return 1;
        if (s->state == AIENG__JS_OBJ_FIRST && c == '}') { s->depth--; s->state = AIENG__JS_AFTER; goto after_value; }
        if (c == '"') { s->state = AIENG__JS_STR; s->ret = AIENG__JS_COLON; return 1; }
        return 0;
    case AIENG__JS_COLON:
        if (aieng__js_is_ws(c)) return 1;
        if (c == ':') { s->state = AIENG__JS_VALUE; return 1; }
        return 0;
    case AIENG__JS_AFTER:
        if (aieng__js_is_ws(c)) return 1;
        if (c == ',') { s->state = aieng__js_top_is_obj(s) ? AIENG__JS_KEY : AIENG__JS_VALUE; return 1; }
        if (c == (aieng__js_top_is_obj(s) ? '}' : ']')) { s->depth--; goto after_value; }
        return 0;
    case AIENG__JS_STR:
        if (c == '"') { s->state = s->ret; if (s->ret == AIENG__JS_AFTER) goto after_value; return 1; }
        if (c == '\\') { s->state = AIENG__JS_ESC; return 1; }
        if (c < 0x20) return 0;
        if (c < 0x80) return 1;
        if (c < 0xC2 || c > 0xF4) return 0;
        s->state = AIENG__JS_UTF8;
        if (c < 0xE0) { s->nb = 1; s->lo = 0x80; s->hi = 0xBF; }
        else if (c < 0xF0) { s->nb = 2; s->lo = c == 0xE0 ? 0xA0 : 0x80; s->hi = c == 0xED ? 0x9F : 0xBF; }
        else { s->nb = 3; s->lo = c == 0xF0 ? 0x90 : 0x80; s->hi = c == 0xF4 ? 0x8F : 0xBF; }
        return 1;
    case AIENG__JS_UTF8:
        if (c < s->lo || c > s->hi) return 0;
        s->lo = 0x80; s->hi = 0xBF;
        if (--s->nb == 0) s->state = AIENG__JS_STR;
        return 1;
    case AIENG__JS_ESC:
        if (c == 'u') { s->state = AIENG__JS_HEX; s->nb = 4; s->u = 0; return 1; }
        if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't') {
            s->state = AIENG__JS_STR; return 1; }
        return 0;
    case AIENG__JS_HEX: {
        int h = aieng__hexval((int)c);
        if (h < 0) return 0;
        s->u = s->u * 16 + (unsigned)h;
        if (--s->nb) return 1;
        if (s->hs) { /* expecting the low half */
            if (s->u < 0xDC00 || s->u > 0xDFFF) return 0;
            s->hs = 0; s->state = AIENG__JS_STR; return 1;
        }
        if (s->u >= 0xDC00 && s->u <= 0xDFFF) return 0;
        if (s->u >= 0xD800 && s->u <= 0xDBFF) { s->hs = s->u; s->state = AIENG__JS_LOW_BS; return 1; }
        s->state = AIENG__JS_STR;
        return 1;
    }
    case AIENG__JS_LOW_BS: if (c != '\\') return 0; s->state = AIENG__JS_LOW_U; return 1;
    case AIENG__JS_LOW_U: if (c != 'u') return 0; s->state = AIENG__JS_HEX; s->nb = 4; s->u = 0; return 1;
    case AIENG__JS_LIT: {
        const char *l = aieng__js_lits[s->lit];
        if ((unsigned char)l[s->nb] != c) return 0;
        s->nb++;
        if (l[s->nb] == 0) { s->state = AIENG__JS_AFTER; goto after_value; }
        return 1;
    }
    case AIENG__JS_N_MINUS:
        if (c == '0') { s->state = AIENG__JS_N_ZERO; return 1; }
        if (c >= '1' && c <= '9') { s->state = AIENG__JS_N_INT; return 1; }
        return 0;
    case AIENG__JS_N_ZERO: case AIENG__JS_N_INT:
        if (s->state == AIENG__JS_N_INT && c >= '0' && c <= '9') return 1;
        if (c == '.') { s->state = AIENG__JS_N_DOT; return 1; }
        if (c == 'e' || c == 'E') { s->state = AIENG__JS_N_E; return 1; }
        s->state = AIENG__JS_AFTER; if (s->depth == 0) s->state = AIENG__JS_DONE;
        continue; /* the byte belongs to what follows the number */
    case AIENG__JS_N_DOT: if (c >= '0' && c <= '9') { s->state = AIENG__JS_N_FRAC; return 1; } return 0;
    case AIENG__JS_N_FRAC:
        if (c >= '0' && c <= '9') return 1;
        if (c == 'e' || c == 'E') { s->state = AIENG__JS_N_E; return 1; }
        s->state = s->depth == 0 ? AIENG__JS_DONE : AIENG__JS_AFTER;
        continue;
    case AIENG__JS_N_E:
        if (c == '+' || c == '-') { s->state = AIENG__JS_N_ESIGN; return 1; }
        /* fall through */
    case AIENG__JS_N_ESIGN: if (c >= '0' && c <= '9') { s->state = AIENG__JS_N_EXP; return 1; } return 0;
    case AIENG__JS_N_EXP:
        if (c >= '0' && c <= '9') return 1;
        s->state = s->depth == 0 ? AIENG__JS_DONE : AIENG__JS_AFTER;
        continue;
    default: return 0;
    }
after_value:
    if (s->depth == 0) s->state = AIENG__JS_DONE; else s->state = AIENG__JS_AFTER;
    return 1;
}
AIENG_API aieng_json_status aieng_json_stream_feed(aieng_json_stream *s, const void *bytes, size_t len) {
    const unsigned char *p = (const unsigned char *)bytes;
    size_t i;
    if (s->status == AIENG_JSON_INVALID) return s->status;
    for (i = 0; i < len; i++) {
        if (!aieng__js_byte(s, p[i])) {
            s->error_pos = s->pos + i;
            s->pos += i;
            s->status = AIENG_JSON_INVALID;
            return s->status;
        }
    }
    s->pos += len;
    s->status = aieng_json_stream_status(s);
    return s->status;
}
AIENG_API aieng_json_status aieng_json_stream_status(const aieng_json_stream *s) {
    if (s->status == AIENG_JSON_INVALID) return AIENG_JSON_INVALID;
    if (s->depth == 0 && (s->state == AIENG__JS_DONE || s->state == AIENG__JS_N_ZERO || s->state == AIENG__JS_N_INT ||
                          s->state == AIENG__JS_N_FRAC || s->state == AIENG__JS_N_EXP))
        return AIENG_JSON_COMPLETE;
    return AIENG_JSON_INCOMPLETE;
}

/* ---------------------------------------------------------------- grammar: building */
typedef struct aieng__iv { int *v; int n, cap; } aieng__iv;
static int aieng__iv_push(aieng__iv *a, int x) {
    if (a->n == a->cap) {
        int nc = a->cap ? a->cap * 2 : 8;
        int *nv = (int *)AIENG_REALLOC(a->v, (size_t)nc * sizeof(int), NULL);
        if (!nv) return 0;
        a->v = nv; a->cap = nc;
    }
    a->v[a->n++] = x;
    return 1;
}
static void aieng__iv_free(aieng__iv *a) { AIENG_FREE(a->v, NULL); a->v = NULL; a->n = a->cap = 0; }

#define AIENG__SYM_END (-1)
#define AIENG__SYM_REF(r) (-2 - (r))
#define AIENG__SYM_RULE(s) (-2 - (s))

typedef struct aieng__grule { char *name; int defined; aieng__iv alts; } aieng__grule;
/* %unordered(...) as parsed: r0 is the rule of its start instance (no member yet) */
typedef struct aieng__gbperm { int r0, sep, extra, ordered; long mn, mx; aieng__iv mem, req, rep, dep, forb, any;
    int kind, nst; long cap; aieng__iv dtr, dacc; } aieng__gbperm; /* kind 1: %dfa (dtr: state, rule, target; dacc: state, lo, hi) */
/* %unordered(...) compiled: members m[0..n) (rule ids), required and dependency bit sets
   (nw 32-bit words each; dep holds n sets: what member i needs; forb nforb sets that may
   not all be present; any nany sets of which one member at least must be present; rep
   the repeatable members), count bounds, and the count cap (counts at or above it behave
   alike). Instances (set of members seen, count) become rules when the matcher first
   expands them. */
typedef struct aieng__gperm { int sep, extra, mn, mx, cap, n, nw, nforb, nany, ordered; int *mem; uint32_t *req, *rep, *dep, *forb, *any;
    int kind, nst, *toff, *trule, *ttgt; unsigned char *acc, *live; } aieng__gperm;
/* %dfa(...) compiled (kind 1): states 0..nst), the transitions of state q at toff[q]..toff[q+1]
   (the rule matching one step, the target), the count cap, and bit sets over (state, count):
   acc (the sentence may end there) and live (an end can still be reached). Instances: set[0]
   the state, cnt the count. */
typedef struct aieng__ginst { int d, cnt, rule; size_t off; } aieng__ginst;

struct aieng_grammar {
    /* compiled form */
    int *sym; int nsym;                   /* >= 0 terminal, -1 END, <= -2 rule reference */
    int *alt_start; int nalt;             /* symbol index of each alternative */
    int *rule_alt; int *rule_nalt; int nrule;
    unsigned char (*term)[32]; int nterm; /* byte sets */
    int root, start_pos;
    int capsym, capalt, caprule;          /* the arrays above grow as %unordered instances are built */
    aieng__gperm *perm; int nperm;        /* %unordered descriptors */
    int *rinst;                           /* rule -> instance index, -1 for ordinary rules */
    aieng__ginst *inst; int ninst, capinst;
    uint32_t *words; size_t nwords, capwords; /* instance member sets */
    int *ihash; int ihcap;                /* (descriptor, set, count) -> instance */
    /* runtime: hash-consed stack nodes (pos, next) and their caches */
    int *npos, *nnext, *nsucc, *nclo_off, *nclo_len; unsigned char *nacc; unsigned *nmark;
    int nnodes, capnodes;
    int *htab; int hcap;                  /* open addressing over node ids */
    aieng__iv clo;                        /* closure lists */
    aieng__iv work;                       /* scratch */
    unsigned gen;
    int start_node;
    struct aieng_grammar_state *live;     /* states made with aieng_grammar_state_new */
    unsigned epoch;                       /* bumped when the node table is rebuilt */
    int uterm;                            /* the (byte-less) terminal of %unique, -1 when none */
    unsigned char *tkind;                 /* per terminal: 0 a byte set, 1 %unique, 2 %valid; NULL without checks */
    int nchk, nvalid;                     /* check terminals; %valid ones (their terminals, pointers, schema nodes) */
    int *vterm; char **vptr; const aieng_json **vnode;
    const aieng_json *schema;             /* aieng_grammar_set_schema: the document %valid points into */
};

typedef struct aieng__gb {
    const char *p, *end, *start;
    aieng__grule *rules; int nrules, caprules;
    int *hmap; int hcap;                  /* name -> rule id */
    aieng__iv *alts; int nalts, capalts;
    unsigned char (*term)[32]; int nterm, capterm;
    int byte_term[256];
    aieng__gbperm *perms; int nperms, capperms;
    int uterm;                            /* the terminal standing for %unique, -1 when none */
    unsigned char *tkind; int captkind;   /* per terminal: 0 bytes, 1 %unique, 2 %valid */
    aieng__iv vterm; char **vptr;         /* %valid: its terminals and their JSON pointers */
    long total;                           /* symbols so far (bound) */
    aieng_result err;
} aieng__gb;

static aieng_result aieng__gb_fail(aieng__gb *b, const char *fmt, const char *arg) {
    if (b->err == AIENG_OK) {
        char msg[200];
        snprintf(msg, sizeof msg, fmt, arg ? arg : "");
        b->err = aieng_set_error(AIENG_ERR_FORMAT, "grammar: %s at byte %lu", msg, (unsigned long)(b->p - b->start));
    }
    return b->err;
}
static aieng_result aieng__gb_oom(aieng__gb *b) {
    if (b->err == AIENG_OK) b->err = aieng_set_error(AIENG_ERR_OOM, "grammar: out of memory");
    return b->err;
}
static uint32_t aieng__hash_bytes(const char *s, size_t n) {
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 16777619u; }
    return h;
}
static int aieng__gb_new_rule(aieng__gb *b, const char *name, size_t nlen) {
    aieng__grule *r;
    if (b->nrules == b->caprules) {
        int nc = b->caprules ? b->caprules * 2 : 64;
        aieng__grule *nr = (aieng__grule *)AIENG_REALLOC(b->rules, (size_t)nc * sizeof *nr, NULL);
        if (!nr) { aieng__gb_oom(b); return -1; }
        b->rules = nr; b->caprules = nc;
    }
    r = &b->rules[b->nrules];
    memset(r, 0, sizeof *r);
    if (name) {
        r->name = (char *)AIENG_MALLOC(nlen + 1, NULL);
        if (!r->name) { aieng__gb_oom(b); return -1; }
        memcpy(r->name, name, nlen); r->name[nlen] = 0;
    }
    return b->nrules++;
}
/* rule id for a name, created (undefined) if new */
static int aieng__gb_rule_by_name(aieng__gb *b, const char *name, size_t nlen) {
    uint32_t h;
    int id;
    if (b->nrules * 2 >= b->hcap) { /* rehash */
        int nc = b->hcap ? b->hcap * 2 : 256, i;
        int *nh = (int *)AIENG_MALLOC((size_t)nc * sizeof(int), NULL);
        if (!nh) { aieng__gb_oom(b); return -1; }
        for (i = 0; i < nc; i++) nh[i] = -1;
        for (i = 0; i < b->nrules; i++) if (b->rules[i].name) {
            uint32_t k = aieng__hash_bytes(b->rules[i].name, strlen(b->rules[i].name)) & (uint32_t)(nc - 1);
            while (nh[k] >= 0) k = (k + 1) & (uint32_t)(nc - 1);
            nh[k] = i;
        }
        AIENG_FREE(b->hmap, NULL); b->hmap = nh; b->hcap = nc;
    }
    h = aieng__hash_bytes(name, nlen) & (uint32_t)(b->hcap - 1);
    while (b->hmap[h] >= 0) {
        const char *rn = b->rules[b->hmap[h]].name;
        if (strlen(rn) == nlen && memcmp(rn, name, nlen) == 0) return b->hmap[h];
        h = (h + 1) & (uint32_t)(b->hcap - 1);
    }
    id = aieng__gb_new_rule(b, name, nlen);
    if (id >= 0) b->hmap[h] = id;
    return id;
}
static int aieng__gb_new_alt(aieng__gb *b, int rule) {
    if (b->nalts == b->capalts) {
        int nc = b->capalts ? b->capalts * 2 : 64;
        aieng__iv *na = (aieng__iv *)AIENG_REALLOC(b->alts, (size_t)nc * sizeof *na, NULL);
        if (!na) { aieng__gb_oom(b); return -1; }
        b->alts = na; b->capalts = nc;
    }
    memset(&b->alts[b->nalts], 0, sizeof(aieng__iv));
    if (!aieng__iv_push(&b->rules[rule].alts, b->nalts)) { aieng__gb_oom(b); return -1; }
    return b->nalts++;
}
static int aieng__gb_new_term(aieng__gb *b) {
    if (b->nterm == b->capterm) {
        int nc = b->capterm ? b->capterm * 2 : 64;
        unsigned char (*nt)[32] = (unsigned char (*)[32])AIENG_REALLOC(b->term, (size_t)nc * 32, NULL);
        if (!nt) { aieng__gb_oom(b); return -1; }
        b->term = nt; b->capterm = nc;
    }
    memset(b->term[b->nterm], 0, 32);
    return b->nterm++;
}
static int aieng__gb_term_range(aieng__gb *b, unsigned lo, unsigned hi) {
    int t;
    unsigned c;
    if (lo == hi && b->byte_term[lo] >= 0) return b->byte_term[lo];
    t = aieng__gb_new_term(b);
    if (t < 0) return -1;
    for (c = lo; c <= hi; c++) b->term[t][c >> 3] |= (unsigned char)(1u << (c & 7));
    if (lo == hi) b->byte_term[lo] = t;
    return t;
}
static int aieng__gb_add(aieng__gb *b, aieng__iv *seq, int s) {
    if (++b->total > AIENG_GRAMMAR_MAX_SYMBOLS) {
        if (b->err == AIENG_OK) b->err = aieng_set_error(AIENG_ERR_FORMAT, "grammar: more than %d symbols after expansion", AIENG_GRAMMAR_MAX_SYMBOLS);
        return 0;
    }
    if (!aieng__iv_push(seq, s)) { aieng__gb_oom(b); return 0; }
    return 1;
}
/* copies seq into a fresh alternative of rule */
static int aieng__gb_alt_from(aieng__gb *b, int rule, const int *s, int n) {
    int a = aieng__gb_new_alt(b, rule), i;
    if (a < 0) return 0;
    for (i = 0; i < n; i++) if (!aieng__gb_add(b, &b->alts[a], s[i])) return 0;
    return 1;
}

static void aieng__gb_ws(aieng__gb *b, int newline_ok) {
    while (b->p < b->end) {
        char c = *b->p;
        if (c == ' ' || c == '\t') b->p++;
        else if (c == '#') { while (b->p < b->end && *b->p != '\n') b->p++; }
        else if ((c == '\n' || c == '\r') && newline_ok) b->p++;
        else break;
    }
}
static int aieng__gb_is_name(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}
/* one character of a literal or class (escapes, UTF-8); -1 on error */
static long aieng__gb_char(aieng__gb *b) {
    unsigned cp;
    int k;
    if (b->p >= b->end) { aieng__gb_fail(b, "unexpected end of grammar", NULL); return -1; }
    if (*b->p == '\\') {
        int nd = 0, i;
        b->p++;
        if (b->p >= b->end) { aieng__gb_fail(b, "unexpected end of grammar", NULL); return -1; }
        switch (*b->p) {
        case 'n': b->p++; return '\n';
        case 'r': b->p++; return '\r';
        case 't': b->p++; return '\t';
        case 'x': nd = 2; break;
        case 'u': nd = 4; break;
        case 'U': nd = 8; break;
        case '\\': case '"': case '\'': case '[': case ']': case '-': case '^': case '/': case '.':
            return (unsigned char)*b->p++;
        default: aieng__gb_fail(b, "unknown escape", NULL); return -1;
        }
        b->p++;
        cp = 0;
        for (i = 0; i < nd; i++) {
            int h = b->p < b->end ? aieng__hexval((unsigned char)*b->p) : -1;
            if (h < 0) { aieng__gb_fail(b, "bad hex escape", NULL); return -1; }
            cp = cp * 16 + (unsigned)h; b->p++;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { aieng__gb_fail(b, "escape is not a Unicode scalar value", NULL); return -1; }
        return (long)cp;
    }
    k = aieng__utf8_decode((const unsigned char *)b->p, (size_t)(b->end - b->p), &cp);
    if (!k) { aieng__gb_fail(b, "invalid UTF-8 in grammar", NULL); return -1; }
    b->p += k;
    return (long)cp;
}
/* Appends to `rule` the byte-level alternatives for code points [lo, hi] (no surrogates). */
static int aieng__gb_utf8_range(aieng__gb *b, int rule, aieng__iv *ascii_alt_bits, unsigned lo, unsigned hi) {
    static const unsigned bounds[3] = { 0x7F, 0x7FF, 0xFFFF };
    int i, n, k;
    char el[4], eh[4];
    int seq[4];
    if (lo > hi) return 1;
    if (lo <= 0xDFFF && hi >= 0xD800) { /* cut the surrogates out */
        if (lo < 0xD800 && !aieng__gb_utf8_range(b, rule, ascii_alt_bits, lo, 0xD7FF)) return 0;
        return hi > 0xDFFF ? aieng__gb_utf8_range(b, rule, ascii_alt_bits, 0xE000, hi) : 1;
    }
    for (i = 0; i < 3; i++)
        if (lo <= bounds[i] && hi > bounds[i])
            return aieng__gb_utf8_range(b, rule, ascii_alt_bits, lo, bounds[i]) &&
                   aieng__gb_utf8_range(b, rule, ascii_alt_bits, bounds[i] + 1, hi);
    if (hi < 0x80) { /* single bytes: collected into one set */
        unsigned c;
        for (c = lo; c <= hi; c++) ascii_alt_bits->v[c >> 5] |= (int)(1u << (c & 31));
        return 1;
    }
    n = aieng__utf8_encode(lo, el);
    for (i = 1; i < n; i++) {
        unsigned m = (1u << (6 * i)) - 1;
        if ((lo & ~m) != (hi & ~m)) {
            if ((lo & m) != 0)
                return aieng__gb_utf8_range(b, rule, ascii_alt_bits, lo, lo | m) &&
                       aieng__gb_utf8_range(b, rule, ascii_alt_bits, (lo | m) + 1, hi);
            if ((hi & m) != m)
                return aieng__gb_utf8_range(b, rule, ascii_alt_bits, lo, (hi & ~m) - 1) &&
                       aieng__gb_utf8_range(b, rule, ascii_alt_bits, hi & ~m, hi);
        }
    }
    aieng__utf8_encode(hi, eh);
    for (k = 0; k < n; k++) {
        seq[k] = aieng__gb_term_range(b, (unsigned char)el[k], (unsigned char)eh[k]);
        if (seq[k] < 0) return 0;
    }
    return aieng__gb_alt_from(b, rule, seq, n);
}
static int aieng__cmp_u2(const void *a, const void *b) {
    const unsigned *x = (const unsigned *)a, *y = (const unsigned *)b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}
/* Builds an element for the code point set given as ranges (pairs); appends it to seq. */
static int aieng__gb_class_elem(aieng__gb *b, aieng__iv *seq, unsigned *rg, int nr, int negate) {
    unsigned *mr;
    int nm = 0, i, rule, t;
    int bits_store[8];
    aieng__iv bits;
    unsigned prev;
    if (nr > 0) qsort(rg, (size_t)nr, 2 * sizeof(unsigned), aieng__cmp_u2);
    mr = (unsigned *)AIENG_MALLOC((size_t)(nr + 2) * 2 * sizeof(unsigned), NULL);
    if (!mr) { aieng__gb_oom(b); return 0; }
    for (i = 0; i < nr; i++) { /* merge */
        if (nm && rg[2 * i] <= mr[2 * nm - 1] + 1) { if (rg[2 * i + 1] > mr[2 * nm - 1]) mr[2 * nm - 1] = rg[2 * i + 1]; }
        else { mr[2 * nm] = rg[2 * i]; mr[2 * nm + 1] = rg[2 * i + 1]; nm++; }
    }
    if (negate) { /* complement within [0, 0x10FFFF] */
        unsigned *cr = (unsigned *)AIENG_MALLOC((size_t)(nm + 2) * 2 * sizeof(unsigned), NULL);
        int nc = 0;
        if (!cr) { AIENG_FREE(mr, NULL); aieng__gb_oom(b); return 0; }
        prev = 0;
        for (i = 0; i < nm; i++) {
            if (mr[2 * i] > prev) { cr[2 * nc] = prev; cr[2 * nc + 1] = mr[2 * i] - 1; nc++; }
            prev = mr[2 * i + 1] + 1;
        }
        if (prev <= 0x10FFFF) { cr[2 * nc] = prev; cr[2 * nc + 1] = 0x10FFFF; nc++; }
        AIENG_FREE(mr, NULL); mr = cr; nm = nc;
    }
    /* all ASCII: one terminal */
    if (nm == 0 || mr[2 * nm - 1] < 0x80) {
        t = aieng__gb_new_term(b);
        if (t < 0) { AIENG_FREE(mr, NULL); return 0; }
        for (i = 0; i < nm; i++) { unsigned c; for (c = mr[2 * i]; c <= mr[2 * i + 1]; c++) b->term[t][c >> 3] |= (unsigned char)(1u << (c & 7)); }
        AIENG_FREE(mr, NULL);
        return aieng__gb_add(b, seq, t);
    }
    rule = aieng__gb_new_rule(b, NULL, 0);
    if (rule < 0) { AIENG_FREE(mr, NULL); return 0; }
    memset(bits_store, 0, sizeof bits_store);
    bits.v = bits_store; bits.n = 8; bits.cap = 8;
    for (i = 0; i < nm; i++)
        if (!aieng__gb_utf8_range(b, rule, &bits, mr[2 * i], mr[2 * i + 1])) { AIENG_FREE(mr, NULL); return 0; }
    AIENG_FREE(mr, NULL);
    for (i = 0; i < 4; i++) if (bits_store[i]) break;
    if (i < 4) {
        int a;
        t = aieng__gb_new_term(b);
        if (t < 0) return 0;
        for (i = 0; i < 128; i++) if ((unsigned)bits_store[i >> 5] & (1u << (i & 31))) b->term[t][i >> 3] |= (unsigned char)(1u << (i & 7));
        if (!aieng__gb_alt_from(b, rule, &t, 1)) return 0;
        /* move the one-byte alternative first (cheaper to try) */
        a = b->rules[rule].alts.v[b->rules[rule].alts.n - 1];
        memmove(b->rules[rule].alts.v + 1, b->rules[rule].alts.v, (size_t)(b->rules[rule].alts.n - 1) * sizeof(int));
        b->rules[rule].alts.v[0] = a;
    }
    b->rules[rule].defined = 1;
    return aieng__gb_add(b, seq, AIENG__SYM_REF(rule));
}
static int aieng__gb_alternates(aieng__gb *b, int rule, int nested, int depth);

/* x* as a rule: R ::= x R | (empty) */
static int aieng__gb_star_rule(aieng__gb *b, const int *x, int nx) {
    int r = aieng__gb_new_rule(b, NULL, 0), a;
    if (r < 0) return -1;
    a = aieng__gb_new_alt(b, r);
    if (a < 0) return -1;
    { int i; for (i = 0; i < nx; i++) if (!aieng__gb_add(b, &b->alts[a], x[i])) return -1; }
    if (!aieng__gb_add(b, &b->alts[a], AIENG__SYM_REF(r))) return -1;
    if (aieng__gb_new_alt(b, r) < 0) return -1;
    b->rules[r].defined = 1;
    return r;
}
/* applies {mn,mx} (mx < 0: unbounded) to x, appending to seq */
static int aieng__gb_repeat(aieng__gb *b, aieng__iv *seq, const int *x, int nx, long mn, long mx) {
    long k;
    int i;
    if (mn > AIENG_GRAMMAR_MAX_REPEAT || mx > AIENG_GRAMMAR_MAX_REPEAT) { aieng__gb_fail(b, "repetition count above AIENG_GRAMMAR_MAX_REPEAT", NULL); return 0; }
    if ((long)nx * (mx > mn ? mx : mn) > AIENG_GRAMMAR_MAX_SYMBOLS) { aieng__gb_fail(b, "repetition too large", NULL); return 0; }
    for (k = 0; k < mn; k++) for (i = 0; i < nx; i++) if (!aieng__gb_add(b, seq, x[i])) return 0;
    if (mx < 0) {
        int r = aieng__gb_star_rule(b, x, nx);
        return r >= 0 && aieng__gb_add(b, seq, AIENG__SYM_REF(r));
    }
    if (mx > mn) { /* R_1 ::= x | ;  R_k ::= x R_{k-1} | */
        int prev = -1;
        for (k = 0; k < mx - mn; k++) {
            int r = aieng__gb_new_rule(b, NULL, 0), a;
            if (r < 0) return 0;
            a = aieng__gb_new_alt(b, r);
            if (a < 0) return 0;
            for (i = 0; i < nx; i++) if (!aieng__gb_add(b, &b->alts[a], x[i])) return 0;
            if (prev >= 0 && !aieng__gb_add(b, &b->alts[a], AIENG__SYM_REF(prev))) return 0;
            if (aieng__gb_new_alt(b, r) < 0) return 0;
            b->rules[r].defined = 1;
            prev = r;
        }
        return aieng__gb_add(b, seq, AIENG__SYM_REF(prev));
    }
    return 1;
}
/* a new descriptor slot; NULL on OOM */
static aieng__gbperm *aieng__gb_new_perm(aieng__gb *b) {
    aieng__gbperm *P;
    if (b->nperms == b->capperms) {
        int nc = b->capperms ? b->capperms * 2 : 8;
        aieng__gbperm *np2 = (aieng__gbperm *)AIENG_REALLOC(b->perms, (size_t)nc * sizeof *np2, NULL);
        if (!np2) { aieng__gb_oom(b); return NULL; }
        b->perms = np2; b->capperms = nc;
    }
    P = &b->perms[b->nperms++];
    memset(P, 0, sizeof *P);
    return P;
}
static long aieng__gb_count(aieng__gb *b) { /* a decimal count at b->p (at most 1000000); -1 when none */
    long v = 0;
    int have = 0;
    while (b->p < b->end && *b->p >= '0' && *b->p <= '9' && v <= 1000000) { v = v * 10 + (*b->p++ - '0'); have = 1; }
    return have && v <= 1000000 ? v : -1;
}
/* %unordered( sep=S [extra=X] [min=N] [max=N] m1! m2 ... [m2>m1,m3 ...] ): see the grammar
   section's comment. Parses it, records the descriptor and appends a reference to its start
   rule. That rule gets stand-in alternatives (each member or extra followed by the rule
   itself, and the empty one when nothing is required) so that the checks for empty rules
   and left recursion see what can come first; the matcher builds the real ones. */
static int aieng__gb_name_ref(aieng__gb *b) { /* the rule named at b->p; -1 on error */
    const char *t = b->p;
    while (b->p < b->end && aieng__gb_is_name(*b->p)) b->p++;
    if (b->p == t) { aieng__gb_fail(b, "rule name expected in %%unordered(", NULL); return -1; }
    return aieng__gb_rule_by_name(b, t, (size_t)(b->p - t));
}
#define AIENG__G_MAXANY 12
/* marks terminal t as a check of kind k (1 %unique, 2 %valid); 0 on OOM */
static int aieng__gb_check_kind(aieng__gb *b, int t, int k) {
    if (t >= b->captkind) {
        int nc = b->capterm > t ? b->capterm : t + 64;
        unsigned char *p = (unsigned char *)AIENG_REALLOC(b->tkind, (size_t)nc, NULL);
        if (!p) { aieng__gb_oom(b); return 0; }
        memset(p + b->captkind, 0, (size_t)(nc - b->captkind));
        b->tkind = p; b->captkind = nc;
    }
    b->tkind[t] = (unsigned char)k;
    return 1;
}
static int aieng__gb_is_check(const aieng__gb *b, int s) { return s >= 0 && s < b->captkind && b->tkind[s]; }
/* %valid("/json/pointer"): a check that the value just ended is valid against the schema
   node the pointer names (in the document given to aieng_grammar_set_schema) */
static int aieng__gb_valid(aieng__gb *b, aieng__iv *seq) {
    const char *q;
    char *ptr, **nv;
    size_t n = 0;
    int t;
    b->p += 7;
    if (b->p >= b->end || *b->p != '"') { aieng__gb_fail(b, "%%valid( expects a quoted JSON pointer", NULL); return 0; }
    q = ++b->p;
    while (b->p < b->end && *b->p != '"') { if (*b->p == '\\' && b->p + 1 < b->end) b->p++; b->p++; }
    if (b->p >= b->end) { aieng__gb_fail(b, "unterminated %%valid(", NULL); return 0; }
    if (!(ptr = (char *)AIENG_MALLOC((size_t)(b->p - q) + 1, NULL))) { aieng__gb_oom(b); return 0; }
    for (; q < b->p; q++) { if (*q == '\\') q++; ptr[n++] = *q; } /* \" and \\ */
    ptr[n] = 0;
    b->p++;
    aieng__gb_ws(b, 1);
    if (b->p >= b->end || *b->p != ')') { AIENG_FREE(ptr, NULL); aieng__gb_fail(b, "')' expected after %%valid(\"...\"", NULL); return 0; }
    b->p++;
    if (n && ptr[0] != '/') { AIENG_FREE(ptr, NULL); aieng__gb_fail(b, "%%valid( needs a JSON pointer (\"\" or starting with /)", NULL); return 0; }
    nv = (char **)AIENG_REALLOC(b->vptr, (size_t)(b->vterm.n + 1) * sizeof(char *), NULL);
    if (!nv) { AIENG_FREE(ptr, NULL); aieng__gb_oom(b); return 0; }
    b->vptr = nv;
    b->vptr[b->vterm.n] = ptr;
    if ((t = aieng__gb_new_term(b)) < 0 || !aieng__iv_push(&b->vterm, t)) { AIENG_FREE(ptr, NULL); aieng__gb_oom(b); return 0; }
    return aieng__gb_check_kind(b, t, 2) && aieng__gb_add(b, seq, t);
}
static int aieng__gb_unordered(aieng__gb *b, aieng__iv *seq) {
    aieng__gbperm *P;
    int r0, i, nreq0;
    if (b->end - b->p < 11 || memcmp(b->p, "%unordered(", 11) != 0) { aieng__gb_fail(b, "'%%unordered(' expected", NULL); return 0; }
    b->p += 11;
    r0 = aieng__gb_new_rule(b, NULL, 0);
    if (r0 < 0 || !(P = aieng__gb_new_perm(b))) return 0;
    b->rules[r0].defined = 1;
    P->r0 = r0; P->sep = P->extra = -1; P->mx = -1;
    for (;;) {
        const char *s;
        size_t n;
        int r;
        aieng__gb_ws(b, 1);
        if (b->p >= b->end) { aieng__gb_fail(b, "unterminated %%unordered(", NULL); return 0; }
        if (*b->p == ')') { b->p++; break; }
        s = b->p;
        while (b->p < b->end && aieng__gb_is_name(*b->p)) b->p++;
        n = (size_t)(b->p - s);
        if (n == 0 && (*b->p == '~' || *b->p == '?')) { /* ~A,B,...: not all of these together; ?A,B,...: one at least */
            aieng__iv *l = *b->p == '~' ? &P->forb : &P->any;
            int at = l->n;
            if (!aieng__iv_push(l, 0)) { aieng__gb_oom(b); return 0; }
            do {
                int r2;
                b->p++;
                if ((r2 = aieng__gb_name_ref(b)) < 0) return 0;
                if (!aieng__iv_push(l, r2)) { aieng__gb_oom(b); return 0; }
                l->v[at]++;
            } while (b->p < b->end && *b->p == ',');
            continue;
        }
        if (n == 0) { aieng__gb_fail(b, "rule name expected in %%unordered(", NULL); return 0; }
        if (b->p < b->end && *b->p == '=') {
            b->p++;
            if ((n == 3 && !memcmp(s, "min", 3)) || (n == 3 && !memcmp(s, "max", 3)) || (n == 7 && !memcmp(s, "ordered", 7))) {
                long v = aieng__gb_count(b);
                if (v < 0) { aieng__gb_fail(b, "count expected after min=/max= (at most 1000000)", NULL); return 0; }
                if (n == 7) P->ordered = v != 0; else if (s[1] == 'i') P->mn = v; else P->mx = v;
            } else if ((n == 3 && !memcmp(s, "sep", 3)) || (n == 5 && !memcmp(s, "extra", 5))) {
                if ((r = aieng__gb_name_ref(b)) < 0) return 0;
                if (n == 3) P->sep = r; else P->extra = r;
            } else { aieng__gb_fail(b, "unknown %%unordered option", NULL); return 0; }
            continue;
        }
        r = aieng__gb_rule_by_name(b, s, n);
        if (r < 0) return 0;
        if (b->p < b->end && *b->p == '>') { /* r present -> these present */
            do {
                int r2;
                b->p++;
                if ((r2 = aieng__gb_name_ref(b)) < 0) return 0;
                if (!aieng__iv_push(&P->dep, r) || !aieng__iv_push(&P->dep, r2)) { aieng__gb_oom(b); return 0; }
            } while (b->p < b->end && *b->p == ',');
            continue;
        }
        if (!aieng__iv_push(&P->mem, r) || !aieng__iv_push(&P->rep, b->p < b->end && *b->p == '*')) { aieng__gb_oom(b); return 0; }
        if (b->p < b->end && *b->p == '*') b->p++;
        if (b->p < b->end && *b->p == '!') { b->p++; if (!aieng__iv_push(&P->req, 1)) { aieng__gb_oom(b); return 0; } }
        else if (!aieng__iv_push(&P->req, 0)) { aieng__gb_oom(b); return 0; }
    }
    if (P->sep < 0) { aieng__gb_fail(b, "%%unordered( needs sep=RULE", NULL); return 0; }
    if (P->mem.n > 65536) { aieng__gb_fail(b, "%%unordered( with more than 65536 members", NULL); return 0; }
    if (P->mx >= 0 && P->mn > P->mx) { aieng__gb_fail(b, "%%unordered( with min > max", NULL); return 0; }
    for (i = nreq0 = 0; i < P->any.n; i += 1 + P->any.v[i]) nreq0++;
    if (nreq0 > AIENG__G_MAXANY) { aieng__gb_fail(b, "%%unordered( with more than 12 '?' conditions", NULL); return 0; }
    { /* stand-in alternatives (see above) */
        int nreq = 0, x[2];
        for (i = 0; i < P->mem.n; i++) nreq += P->req.v[i];
        x[1] = AIENG__SYM_REF(r0);
        for (i = 0; i <= P->mem.n; i++) {
            if (i == P->mem.n && P->extra < 0) break;
            x[0] = AIENG__SYM_REF(i < P->mem.n ? P->mem.v[i] : P->extra);
            if (!aieng__gb_alt_from(b, r0, x, 2)) return 0;
        }
        if (nreq == 0 && P->mn == 0 && P->any.n == 0 && !aieng__gb_alt_from(b, r0, x, 0)) return 0;
    }
    return aieng__gb_add(b, seq, AIENG__SYM_REF(r0));
}
#define AIENG__G_DFA_BITS (1L << 26) /* states x (cap + 1) of one %dfa (two bit sets of that size) */
/* %dfa( cap=N S0 ; S1 ; ... ): see the grammar section's comment. Parses it, records the
   descriptor and appends a reference to its start rule, which gets stand-in alternatives
   (each step rule followed by the rule itself, and the empty one when a state accepts) for
   the checks for empty rules and left recursion; the matcher builds the real ones. */
static int aieng__gb_dfa(aieng__gb *b, aieng__iv *seq) {
    aieng__gbperm *P;
    int r0, i, q = 0, anyacc = 0;
    b->p += 5;
    r0 = aieng__gb_new_rule(b, NULL, 0);
    if (r0 < 0 || !(P = aieng__gb_new_perm(b))) return 0;
    b->rules[r0].defined = 1;
    P->r0 = r0; P->kind = 1; P->cap = -1;
    for (;;) {
        aieng__gb_ws(b, 1);
        if (b->p >= b->end) { aieng__gb_fail(b, "unterminated %%dfa(", NULL); return 0; }
        if (*b->p == ')') { b->p++; break; }
        if (*b->p == ';') { b->p++; q++; continue; }
        if (b->end - b->p >= 4 && !memcmp(b->p, "cap=", 4) && P->cap < 0 && q == 0 && !P->dtr.n && !P->dacc.n) {
            b->p += 4;
            if ((P->cap = aieng__gb_count(b)) < 0) { aieng__gb_fail(b, "count expected after cap= (at most 1000000)", NULL); return 0; }
            continue;
        }
        if (P->cap < 0) { aieng__gb_fail(b, "%%dfa( starts with cap=N", NULL); return 0; }
        if (b->end - b->p >= 4 && !memcmp(b->p, "acc=", 4)) { /* lo | lo-hi | lo- (to the cap), comma separated */
            b->p += 3;
            do {
                long lo, hi;
                b->p++;
                if ((lo = aieng__gb_count(b)) < 0) { aieng__gb_fail(b, "count expected in %%dfa acc=", NULL); return 0; }
                hi = lo;
                if (b->p < b->end && *b->p == '-') {
                    b->p++;
                    hi = b->p < b->end && *b->p >= '0' && *b->p <= '9' ? aieng__gb_count(b) : P->cap;
                    if (hi < lo) { aieng__gb_fail(b, "reversed range in %%dfa acc=", NULL); return 0; }
                }
                if (lo <= P->cap) {
                    if (hi > P->cap) hi = P->cap;
                    if (!aieng__iv_push(&P->dacc, q) || !aieng__iv_push(&P->dacc, (int)lo) || !aieng__iv_push(&P->dacc, (int)hi)) { aieng__gb_oom(b); return 0; }
                    anyacc = 1;
                }
            } while (b->p < b->end && *b->p == ',');
            continue;
        }
        { /* RULE>TARGET */
            int r = aieng__gb_name_ref(b);
            long t;
            if (r < 0) return 0;
            if (b->p >= b->end || *b->p != '>') { aieng__gb_fail(b, "'>' expected after a %%dfa step rule", NULL); return 0; }
            b->p++;
            if ((t = aieng__gb_count(b)) < 0) { aieng__gb_fail(b, "state number expected after '>' in %%dfa(", NULL); return 0; }
            if (!aieng__iv_push(&P->dtr, q) || !aieng__iv_push(&P->dtr, r) || !aieng__iv_push(&P->dtr, (int)t)) { aieng__gb_oom(b); return 0; }
        }
    }
    if (P->cap < 0) { aieng__gb_fail(b, "%%dfa( starts with cap=N", NULL); return 0; }
    P->nst = q + 1;
    for (i = 0; i < P->dtr.n; i += 3) if (P->dtr.v[i + 2] >= P->nst) { aieng__gb_fail(b, "%%dfa( step to a state it does not have", NULL); return 0; }
    if ((double)P->nst * (double)(P->cap + 1) > (double)AIENG__G_DFA_BITS || (double)(P->dtr.n / 3 + P->nst) * (double)(P->cap + 1) > 4e8) {
        aieng__gb_fail(b, "%%dfa( too large (states x cap)", NULL); return 0; }
    { /* stand-in alternatives (see above) */
        int x[2];
        x[1] = AIENG__SYM_REF(r0);
        for (i = 0; i < P->dtr.n; i += 3) {
            int k;
            for (k = 0; k < i && P->dtr.v[k + 1] != P->dtr.v[i + 1]; k += 3) {}
            if (k < i) continue;
            x[0] = AIENG__SYM_REF(P->dtr.v[i + 1]);
            if (!aieng__gb_alt_from(b, r0, x, 2)) return 0;
        }
        if (anyacc && !aieng__gb_alt_from(b, r0, x, 0)) return 0;
    }
    return aieng__gb_add(b, seq, AIENG__SYM_REF(r0));
}
static int aieng__gb_sequence(aieng__gb *b, aieng__iv *seq, int nested, int depth) {
    int last = -1;
    for (;;) {
        char c;
        aieng__gb_ws(b, nested);
        if (b->p >= b->end || b->err) break;
        c = *b->p;
        if (c == '"') {
            b->p++;
            last = seq->n;
            while (b->p < b->end && *b->p != '"') {
                long cp = aieng__gb_char(b);
                char enc[4];
                int k, i;
                if (cp < 0) return 0;
                k = aieng__utf8_encode((unsigned)cp, enc);
                for (i = 0; i < k; i++) {
                    int t = aieng__gb_term_range(b, (unsigned char)enc[i], (unsigned char)enc[i]);
                    if (t < 0 || !aieng__gb_add(b, seq, t)) return 0;
                }
            }
            if (b->p >= b->end) { aieng__gb_fail(b, "unterminated literal", NULL); return 0; }
            b->p++;
            if (seq->n == last) last = -1; /* "" */
        } else if (c == '[' || c == '.') {
            aieng__iv rg;
            int neg = 0, ok;
            memset(&rg, 0, sizeof rg);
            last = seq->n;
            if (c == '.') { b->p++; neg = 1; }
            else {
                b->p++;
                if (b->p < b->end && *b->p == '^') { neg = 1; b->p++; }
                while (b->p < b->end && *b->p != ']') {
                    long lo = aieng__gb_char(b), hi;
                    if (lo < 0) { aieng__iv_free(&rg); return 0; }
                    hi = lo;
                    if (b->p + 1 < b->end && *b->p == '-' && b->p[1] != ']') {
                        b->p++;
                        hi = aieng__gb_char(b);
                        if (hi < 0) { aieng__iv_free(&rg); return 0; }
                        if (hi < lo) { aieng__iv_free(&rg); aieng__gb_fail(b, "reversed range in class", NULL); return 0; }
                    }
                    if (!aieng__iv_push(&rg, (int)lo) || !aieng__iv_push(&rg, (int)hi)) { aieng__iv_free(&rg); aieng__gb_oom(b); return 0; }
                }
                if (b->p >= b->end) { aieng__iv_free(&rg); aieng__gb_fail(b, "unterminated character class", NULL); return 0; }
                b->p++;
            }
            ok = aieng__gb_class_elem(b, seq, (unsigned *)rg.v, rg.n / 2, neg);
            aieng__iv_free(&rg);
            if (!ok) return 0;
        } else if (c == '(') {
            int r;
            if (depth > 1000) { aieng__gb_fail(b, "groups nested too deep (1000)", NULL); return 0; }
            b->p++;
            r = aieng__gb_new_rule(b, NULL, 0);
            if (r < 0) return 0;
            b->rules[r].defined = 1;
            if (!aieng__gb_alternates(b, r, 1, depth + 1)) return 0;
            aieng__gb_ws(b, 1);
            if (b->p >= b->end || *b->p != ')') { aieng__gb_fail(b, "')' expected", NULL); return 0; }
            b->p++;
            last = seq->n;
            if (!aieng__gb_add(b, seq, AIENG__SYM_REF(r))) return 0;
        } else if (aieng__gb_is_name(c)) {
            const char *s = b->p;
            int r;
            while (b->p < b->end && aieng__gb_is_name(*b->p)) b->p++;
            { /* a name followed by ::= starts the next rule */
                const char *save = b->p;
                aieng__gb_ws(b, 0);
                if (b->end - b->p >= 3 && memcmp(b->p, "::=", 3) == 0) { b->p = s; break; }
                b->p = save;
            }
            r = aieng__gb_rule_by_name(b, s, (size_t)(b->p - s));
            if (r < 0) return 0;
            last = seq->n;
            if (!aieng__gb_add(b, seq, AIENG__SYM_REF(r))) return 0;
        } else if (c == '%') {
            last = seq->n;
            if (b->end - b->p >= 5 && !memcmp(b->p, "%dfa(", 5)) { if (!aieng__gb_dfa(b, seq)) return 0; }
            else if (b->end - b->p >= 7 && !memcmp(b->p, "%unique", 7) && (b->end - b->p == 7 || !aieng__gb_is_name(b->p[7]))) {
                b->p += 7; /* a check without bytes: a terminal with an empty byte set, resolved by the matcher */
                if (b->uterm < 0 && ((b->uterm = aieng__gb_new_term(b)) < 0 || !aieng__gb_check_kind(b, b->uterm, 1))) return 0;
                if (!aieng__gb_add(b, seq, b->uterm)) return 0;
            } else if (b->end - b->p >= 7 && !memcmp(b->p, "%valid(", 7)) {
                if (!aieng__gb_valid(b, seq)) return 0;
            } else if (!aieng__gb_unordered(b, seq)) return 0;
        } else if (c == '*' || c == '+' || c == '?' || c == '{') {
            long mn = 0, mx = -1;
            int nx, *x, ok;
            if (last < 0) { aieng__gb_fail(b, "repetition without an element", NULL); return 0; }
            b->p++;
            if (c == '+') mn = 1;
            else if (c == '?') mx = 1;
            else if (c == '{') {
                int have = 0;
                aieng__gb_ws(b, nested);
                while (b->p < b->end && *b->p >= '0' && *b->p <= '9') { mn = mn * 10 + (*b->p++ - '0'); have = 1; if (mn > 1000000) break; }
                if (!have) { aieng__gb_fail(b, "number expected in {m,n}", NULL); return 0; }
                aieng__gb_ws(b, nested);
                if (b->p < b->end && *b->p == ',') {
                    b->p++;
                    aieng__gb_ws(b, nested);
                    if (b->p < b->end && *b->p >= '0' && *b->p <= '9') {
                        mx = 0;
                        while (b->p < b->end && *b->p >= '0' && *b->p <= '9') { mx = mx * 10 + (*b->p++ - '0'); if (mx > 1000000) break; }
                    }
                } else mx = mn;
                aieng__gb_ws(b, nested);
                if (b->p >= b->end || *b->p != '}') { aieng__gb_fail(b, "'}' expected", NULL); return 0; }
                b->p++;
                if (mx >= 0 && mx < mn) { aieng__gb_fail(b, "{m,n} with n < m", NULL); return 0; }
            }
            nx = seq->n - last;
            x = (int *)AIENG_MALLOC((size_t)nx * sizeof(int), NULL);
            if (!x) { aieng__gb_oom(b); return 0; }
            memcpy(x, seq->v + last, (size_t)nx * sizeof(int));
            seq->n = last;
            ok = aieng__gb_repeat(b, seq, x, nx, mn, mx);
            AIENG_FREE(x, NULL);
            if (!ok) return 0;
            last = -1;
        } else break;
    }
    return b->err == AIENG_OK;
}
static int aieng__gb_alternates(aieng__gb *b, int rule, int nested, int depth) {
    for (;;) {
        int a = aieng__gb_new_alt(b, rule);
        aieng__iv seq;
        if (a < 0) return 0;
        memset(&seq, 0, sizeof seq);
        if (!aieng__gb_sequence(b, &seq, nested, depth)) { aieng__iv_free(&seq); return 0; }
        b->alts[a] = seq; /* the alt slot may have moved: assign after parsing */
        aieng__gb_ws(b, nested);
        if (b->p < b->end && *b->p == '|') { b->p++; aieng__gb_ws(b, 1); continue; }
        return 1;
    }
}
static void aieng__gb_free(aieng__gb *b) {
    int i;
    for (i = 0; i < b->nrules; i++) { AIENG_FREE(b->rules[i].name, NULL); aieng__iv_free(&b->rules[i].alts); }
    for (i = 0; i < b->nalts; i++) aieng__iv_free(&b->alts[i]);
    for (i = 0; i < b->nperms; i++) {
        aieng__iv_free(&b->perms[i].mem); aieng__iv_free(&b->perms[i].req); aieng__iv_free(&b->perms[i].dep);
        aieng__iv_free(&b->perms[i].forb); aieng__iv_free(&b->perms[i].rep); aieng__iv_free(&b->perms[i].any);
        aieng__iv_free(&b->perms[i].dtr); aieng__iv_free(&b->perms[i].dacc);
    }
    AIENG_FREE(b->perms, NULL);
    AIENG_FREE(b->rules, NULL); AIENG_FREE(b->alts, NULL); AIENG_FREE(b->term, NULL); AIENG_FREE(b->hmap, NULL);
    if (b->vptr) for (i = 0; i < b->vterm.n; i++) AIENG_FREE(b->vptr[i], NULL);
    AIENG_FREE(b->vptr, NULL); aieng__iv_free(&b->vterm); AIENG_FREE(b->tkind, NULL);
}

AIENG_API void aieng_grammar_free(aieng_grammar *g) {
    if (!g) return;
    AIENG_FREE(g->sym, NULL); AIENG_FREE(g->alt_start, NULL); AIENG_FREE(g->rule_alt, NULL); AIENG_FREE(g->rule_nalt, NULL);
    AIENG_FREE(g->term, NULL);
    { int i; for (i = 0; i < g->nperm; i++) { AIENG_FREE(g->perm[i].mem, NULL); AIENG_FREE(g->perm[i].req, NULL); AIENG_FREE(g->perm[i].dep, NULL); AIENG_FREE(g->perm[i].forb, NULL); AIENG_FREE(g->perm[i].rep, NULL); AIENG_FREE(g->perm[i].any, NULL);
        AIENG_FREE(g->perm[i].toff, NULL); AIENG_FREE(g->perm[i].trule, NULL); AIENG_FREE(g->perm[i].ttgt, NULL); AIENG_FREE(g->perm[i].acc, NULL); AIENG_FREE(g->perm[i].live, NULL); } }
    AIENG_FREE(g->perm, NULL); AIENG_FREE(g->rinst, NULL); AIENG_FREE(g->inst, NULL); AIENG_FREE(g->words, NULL); AIENG_FREE(g->ihash, NULL);
    AIENG_FREE(g->npos, NULL); AIENG_FREE(g->nnext, NULL); AIENG_FREE(g->nsucc, NULL); AIENG_FREE(g->nclo_off, NULL);
    AIENG_FREE(g->nclo_len, NULL); AIENG_FREE(g->nacc, NULL); AIENG_FREE(g->nmark, NULL); AIENG_FREE(g->htab, NULL);
    aieng__iv_free(&g->clo); aieng__iv_free(&g->work);
    { int i; for (i = 0; g->vptr && i < g->nvalid; i++) AIENG_FREE(g->vptr[i], NULL); }
    AIENG_FREE(g->vptr, NULL); AIENG_FREE(g->vterm, NULL); AIENG_FREE(g->vnode, NULL); AIENG_FREE(g->tkind, NULL);
    AIENG_FREE(g, NULL);
}
/* the document whose nodes %valid("/pointer") names (kept by reference: it must outlive the
   grammar's use); without one, %valid checks pass. AIENG_ERR_FORMAT when a pointer names
   nothing in it. */
AIENG_API aieng_result aieng_grammar_set_schema(aieng_grammar *g, const aieng_json *root) {
    int i;
    if (!g) return aieng_set_error(AIENG_ERR_INVALID_ARG, "grammar_set_schema: NULL grammar");
    for (i = 0; i < g->nvalid; i++) {
        const aieng_json *x = root ? aieng_json_pointer(root, g->vptr[i]) : NULL;
        if (root && !x) return aieng_set_error(AIENG_ERR_FORMAT, "grammar: %%valid(\"%s\") names nothing in the schema", g->vptr[i]);
        g->vnode[i] = x;
    }
    g->schema = root;
    return AIENG_OK;
}
AIENG_API int aieng_grammar_rule_count(const aieng_grammar *g) { return g ? g->nrule : 0; }

static int aieng__g_node(aieng_grammar *g, int pos, int next);

static int aieng__g_inst_add(aieng_grammar *g, int d, const uint32_t *set, int cnt, int rule);
/* the member sets of a '~' or '?' list (count, rules...) as *ns sets of nw words; 0 on error */
static int aieng__g_perm_sets(aieng__gb *b, const aieng__gbperm *P, const aieng__iv *l, int nw, uint32_t **out, int *ns, char what) {
    int j, f = 0, x, y, n = P->mem.n;
    for (j = 0; j < l->n; j += 1 + l->v[j]) (*ns)++;
    if (!*ns) return 1;
    if (!(*out = (uint32_t *)AIENG_MALLOC((size_t)*ns * nw * sizeof(uint32_t), NULL))) { aieng__gb_oom(b); return 0; }
    memset(*out, 0, (size_t)*ns * nw * sizeof(uint32_t));
    for (j = 0; j < l->n; j += 1 + l->v[j], f++)
        for (y = 1; y <= l->v[j]; y++) {
            int found = 0;
            for (x = 0; x < n; x++) if (P->mem.v[x] == l->v[j + y]) { (*out)[(size_t)f * nw + (x >> 5)] |= 1u << (x & 31); found = 1; }
            if (!found) {
                b->p = b->end;
                aieng__gb_fail(b, what == '~' ? "%%unordered: '~' names '%s', which is not a member" : "%%unordered: '?' names '%s', which is not a member", b->rules[l->v[j + y]].name);
                return 0;
            }
        }
    return 1;
}
#define AIENG__G_BIT(a, i) (((a)[(i) >> 3] >> ((i) & 7)) & 1)
#define AIENG__G_SETBIT(a, i) ((a)[(i) >> 3] |= (unsigned char)(1u << ((i) & 7)))
/* the (state, count) pairs of a %dfa from which an end can be reached: live(q, c) when
   acc(q, c) or a step q -> t has live(t, min(c + 1, cap)); bit sets over q * w + c with
   w = cap + 1 (live zeroed by the caller). At the cap, reverse reachability from the
   accepting states; below it, one pass over the steps per count. 0 on OOM. */
static int aieng__dfa_live(long nst, long w, const int *efrom, const int *eto, long ne, const unsigned char *acc, unsigned char *live) {
    int *roff = (int *)AIENG_MALLOC((size_t)(nst + 1) * sizeof(int), NULL), *rsrc = (int *)AIENG_MALLOC((size_t)(ne + 1) * sizeof(int), NULL);
    int *queue = (int *)AIENG_MALLOC((size_t)(nst + 1) * sizeof(int), NULL);
    long q, e, c, head = 0, tail = 0, cap = w - 1;
    if (!roff || !rsrc || !queue) { AIENG_FREE(roff, NULL); AIENG_FREE(rsrc, NULL); AIENG_FREE(queue, NULL); return 0; }
    memset(roff, 0, (size_t)(nst + 1) * sizeof(int));
    for (e = 0; e < ne; e++) roff[eto[e] + 1]++;
    for (q = 0; q < nst; q++) roff[q + 1] += roff[q];
    for (e = 0; e < ne; e++) rsrc[roff[eto[e]]++] = efrom[e];   /* roff[t] now ends t's list */
    for (q = nst; q > 0; q--) roff[q] = roff[q - 1];
    roff[0] = 0;
    for (q = 0; q < nst; q++) if (AIENG__G_BIT(acc, (size_t)q * (size_t)w + (size_t)cap)) { AIENG__G_SETBIT(live, (size_t)q * (size_t)w + (size_t)cap); queue[tail++] = (int)q; }
    while (head < tail) {
        int t = queue[head++];
        for (e = roff[t]; e < roff[t + 1]; e++) {
            size_t x = (size_t)rsrc[e] * (size_t)w + (size_t)cap;
            if (!AIENG__G_BIT(live, x)) { AIENG__G_SETBIT(live, x); queue[tail++] = rsrc[e]; }
        }
    }
    for (c = cap - 1; c >= 0; c--) {
        for (q = 0; q < nst; q++) { size_t x = (size_t)q * (size_t)w + (size_t)c; if (AIENG__G_BIT(acc, x)) AIENG__G_SETBIT(live, x); }
        for (e = 0; e < ne; e++) if (AIENG__G_BIT(live, (size_t)eto[e] * (size_t)w + (size_t)(c + 1))) AIENG__G_SETBIT(live, (size_t)efrom[e] * (size_t)w + (size_t)c);
    }
    AIENG_FREE(roff, NULL); AIENG_FREE(rsrc, NULL); AIENG_FREE(queue, NULL);
    return 1;
}
/* a %dfa descriptor into the grammar: transitions by state, the accepting (state, count)
   pairs, and which pairs can still reach one (counts saturate at the cap), by dynamic
   programming from the cap down; the start rule becomes the unbuilt instance (0, 0) */
static int aieng__g_dfa(aieng_grammar *g, aieng__gb *b, const aieng__gbperm *P, aieng__gperm *D, int d) {
    int nst = P->nst, nt = P->dtr.n / 3, q, k;
    long cap = P->cap, w = cap + 1, c;
    size_t nbytes = ((size_t)nst * (size_t)w + 7) / 8;
    uint32_t st0 = 0;
    D->kind = 1; D->nst = nst; D->cap = (int)cap; D->nw = 1; D->n = 0;
    D->toff = (int *)AIENG_MALLOC((size_t)(nst + 1) * sizeof(int), NULL);
    D->trule = (int *)AIENG_MALLOC((size_t)(nt + 1) * sizeof(int), NULL);
    D->ttgt = (int *)AIENG_MALLOC((size_t)(nt + 1) * sizeof(int), NULL);
    D->acc = (unsigned char *)AIENG_MALLOC(nbytes, NULL);
    D->live = (unsigned char *)AIENG_MALLOC(nbytes, NULL);
    if (!D->toff || !D->trule || !D->ttgt || !D->acc || !D->live) { aieng__gb_oom(b); return 0; }
    memset(D->acc, 0, nbytes); memset(D->live, 0, nbytes);
    for (q = 0, k = 0; q < nst; q++) { /* transitions grouped by state, in the order written */
        int j;
        D->toff[q] = k;
        for (j = 0; j < P->dtr.n; j += 3) if (P->dtr.v[j] == q) { D->trule[k] = P->dtr.v[j + 1]; D->ttgt[k] = P->dtr.v[j + 2]; k++; }
    }
    D->toff[nst] = k;
    for (k = 0; k < P->dacc.n; k += 3)
        for (c = P->dacc.v[k + 1]; c <= P->dacc.v[k + 2]; c++) { size_t x = (size_t)P->dacc.v[k] * (size_t)w + (size_t)c; D->acc[x >> 3] |= (unsigned char)(1u << (x & 7)); }
    { /* the steps' sources, for aieng__dfa_live */
        int *efrom = (int *)AIENG_MALLOC((size_t)(nt + 1) * sizeof(int), NULL);
        if (efrom) for (q = 0; q < nst; q++) for (k = D->toff[q]; k < D->toff[q + 1]; k++) efrom[k] = q;
        if (!efrom || !aieng__dfa_live(nst, w, efrom, D->ttgt, nt, D->acc, D->live)) { AIENG_FREE(efrom, NULL); aieng__gb_oom(b); return 0; }
        AIENG_FREE(efrom, NULL);
    }
    if (!aieng__g_inst_add(g, d, &st0, 0, P->r0)) { aieng__gb_oom(b); return 0; }
    g->rule_nalt[P->r0] = -1; /* built by the matcher */
    return 1;
}
/* copies the %unordered descriptors into the grammar; their start rules become unbuilt
   instances (no member, count 0) */
static int aieng__g_perms(aieng_grammar *g, aieng__gb *b) {
    int i, j;
    uint32_t *zero = NULL;
    g->perm = (aieng__gperm *)AIENG_MALLOC((size_t)b->nperms * sizeof *g->perm, NULL);
    if (!g->perm) { aieng__gb_oom(b); return 0; }
    memset(g->perm, 0, (size_t)b->nperms * sizeof *g->perm);
    g->nperm = b->nperms;
    for (i = 0; i < b->nperms; i++) {
        const aieng__gbperm *P = &b->perms[i];
        aieng__gperm *D = &g->perm[i];
        int n = P->mem.n, nw = (n + 31) / 32 + 1;
        if (P->kind == 1) {
            if (!aieng__g_dfa(g, b, P, D, i)) { AIENG_FREE(zero, NULL); return 0; }
            continue;
        }
        D->sep = P->sep; D->extra = P->extra; D->mn = (int)P->mn; D->mx = (int)P->mx; D->n = n; D->nw = nw; D->ordered = P->ordered;
        D->cap = D->mx >= 0 ? (D->mx > 1 ? D->mx : 1) : (D->mn > 1 ? D->mn : 1);
        D->mem = (int *)AIENG_MALLOC((size_t)(n + 1) * sizeof(int), NULL);
        D->req = (uint32_t *)AIENG_MALLOC((size_t)nw * sizeof(uint32_t), NULL);
        D->dep = P->dep.n ? (uint32_t *)AIENG_MALLOC((size_t)n * nw * sizeof(uint32_t), NULL) : NULL;
        if (!D->mem || !D->req || (P->dep.n && !D->dep)) { aieng__gb_oom(b); AIENG_FREE(zero, NULL); return 0; }
        memset(D->req, 0, (size_t)nw * sizeof(uint32_t));
        if (D->dep) memset(D->dep, 0, (size_t)n * nw * sizeof(uint32_t));
        for (j = 0; j < n; j++) {
            D->mem[j] = P->mem.v[j];
            if (P->req.v[j]) D->req[j >> 5] |= 1u << (j & 31);
        }
        for (j = 0; j < P->dep.n; j += 2) { /* a dependency: every member with rule a needs every member with rule c */
            int x, y, fa = 0, fc = 0;
            for (x = 0; x < n; x++) if (P->mem.v[x] == P->dep.v[j]) fa = 1;
            for (y = 0; y < n; y++) if (P->mem.v[y] == P->dep.v[j + 1]) fc = 1;
            if (!fa || !fc) {
                b->p = b->end;
                aieng__gb_fail(b, "%%unordered: dependency on '%s', which is not a member", b->rules[fa ? P->dep.v[j + 1] : P->dep.v[j]].name);
                AIENG_FREE(zero, NULL); return 0;
            }
            for (x = 0; x < n; x++) if (P->mem.v[x] == P->dep.v[j])
                for (y = 0; y < n; y++) if (P->mem.v[y] == P->dep.v[j + 1]) D->dep[(size_t)x * nw + (y >> 5)] |= 1u << (y & 31);
        }
        if (!aieng__g_perm_sets(b, P, &P->forb, nw, &D->forb, &D->nforb, '~') || !aieng__g_perm_sets(b, P, &P->any, nw, &D->any, &D->nany, '?') ||
            !(D->rep = (uint32_t *)AIENG_MALLOC((size_t)nw * sizeof(uint32_t), NULL))) { if (!b->err) aieng__gb_oom(b); AIENG_FREE(zero, NULL); return 0; }
        memset(D->rep, 0, (size_t)nw * sizeof(uint32_t));
        for (j = 0; j < n; j++) if (P->rep.v[j]) D->rep[j >> 5] |= 1u << (j & 31);
        AIENG_FREE(zero, NULL);
        zero = (uint32_t *)AIENG_MALLOC((size_t)nw * sizeof(uint32_t), NULL);
        if (!zero) { aieng__gb_oom(b); return 0; }
        memset(zero, 0, (size_t)nw * sizeof(uint32_t));
        if (!aieng__g_inst_add(g, i, zero, 0, P->r0)) { aieng__gb_oom(b); AIENG_FREE(zero, NULL); return 0; }
        g->rule_nalt[P->r0] = -1; /* built by the matcher */
    }
    AIENG_FREE(zero, NULL);
    return 1;
}
AIENG_API aieng_result aieng_grammar_parse(const char *text, size_t len, const char *root, aieng_grammar **out) {
    aieng__gb b;
    aieng_grammar *g = NULL;
    int i, j, k, changed, root_id = -1, total = 0;
    unsigned char *nullable = NULL, *color = NULL;
    if (!out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "grammar: out is NULL");
    *out = NULL;
    if (!text && len) return aieng_set_error(AIENG_ERR_INVALID_ARG, "grammar: text is NULL");
    memset(&b, 0, sizeof b);
    for (i = 0; i < 256; i++) b.byte_term[i] = -1;
    b.uterm = -1;
    b.start = b.p = text ? text : "";
    b.end = b.p + len;
    for (;;) {
        const char *s;
        int r;
        aieng__gb_ws(&b, 1);
        if (b.p >= b.end) break;
        s = b.p;
        while (b.p < b.end && aieng__gb_is_name(*b.p)) b.p++;
        if (b.p == s) { aieng__gb_fail(&b, "rule name expected", NULL); goto fail; }
        r = aieng__gb_rule_by_name(&b, s, (size_t)(b.p - s));
        if (r < 0) goto fail;
        if (b.rules[r].defined) { aieng__gb_fail(&b, "rule '%s' defined twice", b.rules[r].name); goto fail; }
        b.rules[r].defined = 1;
        aieng__gb_ws(&b, 0);
        if (b.end - b.p < 3 || memcmp(b.p, "::=", 3) != 0) { aieng__gb_fail(&b, "'::=' expected", NULL); goto fail; }
        b.p += 3;
        aieng__gb_ws(&b, 0);
        if (!aieng__gb_alternates(&b, r, 0, 0)) goto fail;
        aieng__gb_ws(&b, 0);
        if (b.p < b.end && *b.p != '\n' && *b.p != '\r') { aieng__gb_fail(&b, "unexpected character", NULL); goto fail; }
    }
    for (i = 0; i < b.nrules; i++)
        if (!b.rules[i].defined) { b.p = b.end; aieng__gb_fail(&b, "undefined rule '%s'", b.rules[i].name); goto fail; }
    if (!root) root = "root";
    for (i = 0; i < b.nrules; i++) if (b.rules[i].name && strcmp(b.rules[i].name, root) == 0) root_id = i;
    if (root_id < 0) { b.p = b.end; aieng__gb_fail(&b, "no rule named '%s'", root); goto fail; }
    /* left recursion: edges r -> s for references s reachable through an empty-able prefix */
    nullable = (unsigned char *)AIENG_MALLOC((size_t)b.nrules + 1, NULL);
    color = (unsigned char *)AIENG_MALLOC((size_t)b.nrules + 1, NULL);
    if (!nullable || !color) { aieng__gb_oom(&b); goto fail; }
    memset(nullable, 0, (size_t)b.nrules + 1);
    memset(color, 0, (size_t)b.nrules + 1);
    do {
        changed = 0;
        for (i = 0; i < b.nrules; i++) {
            if (nullable[i]) continue;
            for (j = 0; j < b.rules[i].alts.n && !nullable[i]; j++) {
                aieng__iv *a = &b.alts[b.rules[i].alts.v[j]];
                for (k = 0; k < a->n; k++) if (aieng__gb_is_check(&b, a->v[k])) continue; else if (a->v[k] >= 0 || !nullable[AIENG__SYM_RULE(a->v[k])]) break;
                if (k == a->n) { nullable[i] = 1; changed = 1; }
            }
        }
    } while (changed);
    for (i = 0; i < b.nperms; i++) { /* %unordered parts and %dfa steps must consume input */
        const aieng__gbperm *P = &b.perms[i];
        int bad = -1;
        if (P->kind == 1) {
            for (j = 0; j < P->dtr.n; j += 3) if (nullable[P->dtr.v[j + 1]]) bad = P->dtr.v[j + 1];
            if (bad >= 0) { b.p = b.end; aieng__gb_fail(&b, "%%dfa: step rule '%s' may match the empty string", b.rules[bad].name); goto fail; }
            continue;
        }
        if (nullable[P->sep]) bad = P->sep;
        if (P->extra >= 0 && nullable[P->extra]) bad = P->extra;
        for (j = 0; j < P->mem.n; j++) if (nullable[P->mem.v[j]]) bad = P->mem.v[j];
        if (bad >= 0) { b.p = b.end; aieng__gb_fail(&b, "%%unordered: rule '%s' may match the empty string", b.rules[bad].name); goto fail; }
    }
    { /* left recursion: edges r -> s for references s reachable through an empty-able prefix
         of an alternative of r; an edge "grows" the stack when more symbols follow s. A cycle
         of edges with one growing edge would expand forever; cycles of tail references only
         (such as x* with an x that can be empty) are harmless: the stack does not grow and
         hash-consing ends the expansion. Found with Tarjan's SCCs (iterative). */
        aieng__iv eu, ev, eg, st, cs;
        int *eoff = NULL, *idx = NULL, *low = NULL, *comp = NULL, counter = 0, ncomp = 0, e;
        memset(&eu, 0, sizeof eu); memset(&ev, 0, sizeof ev); memset(&eg, 0, sizeof eg);
        memset(&st, 0, sizeof st); memset(&cs, 0, sizeof cs);
        for (i = 0; i < b.nrules; i++)
            for (j = 0; j < b.rules[i].alts.n; j++) {
                aieng__iv *a = &b.alts[b.rules[i].alts.v[j]];
                for (k = 0; k < a->n; k++) {
                    if (aieng__gb_is_check(&b, a->v[k])) continue; /* %unique and %valid match no byte */
                    if (a->v[k] >= 0) break;
                    if (!aieng__iv_push(&eu, i) || !aieng__iv_push(&ev, AIENG__SYM_RULE(a->v[k])) || !aieng__iv_push(&eg, k + 1 < a->n)) goto lr_oom;
                    if (!nullable[AIENG__SYM_RULE(a->v[k])]) break;
                }
            }
        eoff = (int *)AIENG_MALLOC((size_t)(b.nrules + 1) * sizeof(int), NULL);
        idx = (int *)AIENG_MALLOC((size_t)(b.nrules + 1) * sizeof(int), NULL);
        low = (int *)AIENG_MALLOC((size_t)(b.nrules + 1) * sizeof(int), NULL);
        comp = (int *)AIENG_MALLOC((size_t)(b.nrules + 1) * sizeof(int), NULL);
        if (!eoff || !idx || !low || !comp) goto lr_oom;
        /* edges are grouped by source already (pushed in rule order) */
        for (i = 0, e = 0; i <= b.nrules; i++) { while (e < eu.n && eu.v[e] < i) e++; eoff[i] = e; }
        for (i = 0; i < b.nrules; i++) { idx[i] = -1; comp[i] = -1; }
        for (i = 0; i < b.nrules; i++) {
            if (idx[i] >= 0) continue;
            /* call stack of (node, next edge) */
            if (!aieng__iv_push(&cs, i) || !aieng__iv_push(&cs, eoff[i])) goto lr_oom;
            idx[i] = low[i] = counter++;
            if (!aieng__iv_push(&st, i)) goto lr_oom;
            color[i] = 1; /* on stack */
            while (cs.n) {
                int u = cs.v[cs.n - 2], ei = cs.v[cs.n - 1];
                if (ei < eoff[u + 1]) {
                    int w = ev.v[ei];
                    cs.v[cs.n - 1] = ei + 1;
                    if (idx[w] < 0) {
                        idx[w] = low[w] = counter++;
                        if (!aieng__iv_push(&st, w) || !aieng__iv_push(&cs, w) || !aieng__iv_push(&cs, eoff[w])) goto lr_oom;
                        color[w] = 1;
                    } else if (color[w] == 1 && idx[w] < low[u]) low[u] = idx[w];
                    continue;
                }
                cs.n -= 2;
                if (cs.n) { int p = cs.v[cs.n - 2]; if (low[u] < low[p]) low[p] = low[u]; }
                if (low[u] == idx[u]) {
                    int w;
                    do { w = st.v[--st.n]; color[w] = 2; comp[w] = ncomp; } while (w != u);
                    ncomp++;
                }
            }
        }
        for (e = 0; e < eu.n; e++)
            if (eg.v[e] && comp[eu.v[e]] == comp[ev.v[e]]) {
                const char *nm = b.rules[eu.v[e]].name;
                for (k = 0; !nm && k < b.nrules; k++) if (comp[k] == comp[eu.v[e]]) nm = b.rules[k].name;
                b.p = b.end;
                aieng__gb_fail(&b, "left recursion in rule '%s'", nm ? nm : "?");
                break;
            }
        if (0) {
        lr_oom:
            aieng__gb_oom(&b);
        }
        aieng__iv_free(&eu); aieng__iv_free(&ev); aieng__iv_free(&eg); aieng__iv_free(&st); aieng__iv_free(&cs);
        AIENG_FREE(eoff, NULL); AIENG_FREE(idx, NULL); AIENG_FREE(low, NULL); AIENG_FREE(comp, NULL);
        if (b.err != AIENG_OK) goto fail;
    }
    /* flatten */
    g = (aieng_grammar *)AIENG_MALLOC(sizeof *g, NULL);
    if (!g) { aieng__gb_oom(&b); goto fail; }
    memset(g, 0, sizeof *g);
    for (i = 0; i < b.nalts; i++) total += b.alts[i].n + 1;
    g->sym = (int *)AIENG_MALLOC((size_t)(total + 1) * sizeof(int), NULL);
    g->alt_start = (int *)AIENG_MALLOC((size_t)(b.nalts + 1) * sizeof(int), NULL);
    g->rule_alt = (int *)AIENG_MALLOC((size_t)(b.nrules + 1) * sizeof(int), NULL);
    g->rule_nalt = (int *)AIENG_MALLOC((size_t)(b.nrules + 1) * sizeof(int), NULL);
    g->term = (unsigned char (*)[32])AIENG_MALLOC((size_t)(b.nterm + 1) * 32, NULL);
    if (!g->sym || !g->alt_start || !g->rule_alt || !g->rule_nalt || !g->term) { aieng__gb_oom(&b); goto fail; }
    if (b.nterm) memcpy(g->term, b.term, (size_t)b.nterm * 32);
    g->nterm = b.nterm;
    g->uterm = b.uterm;
    if (b.uterm >= 0 || b.vterm.n) { /* the checks move to the grammar */
        g->tkind = (unsigned char *)AIENG_MALLOC((size_t)b.nterm + 1, NULL);
        g->vterm = (int *)AIENG_MALLOC((size_t)b.vterm.n * sizeof(int) + 1, NULL);
        g->vnode = (const aieng_json **)AIENG_MALLOC((size_t)b.vterm.n * sizeof(aieng_json *) + 1, NULL);
        if (!g->tkind || !g->vterm || !g->vnode) { aieng__gb_oom(&b); goto fail; }
        for (i = 0; i < b.nterm; i++) g->tkind[i] = (unsigned char)(aieng__gb_is_check(&b, i) ? b.tkind[i] : 0);
        for (i = 0; i < b.vterm.n; i++) { g->vterm[i] = b.vterm.v[i]; g->vnode[i] = NULL; }
        g->vptr = b.vptr; b.vptr = NULL;
        g->nvalid = b.vterm.n;
        g->nchk = (b.uterm >= 0) + b.vterm.n;
    }
    for (i = 0; i < b.nrules; i++) {
        g->rule_alt[i] = g->nalt;
        g->rule_nalt[i] = b.rules[i].alts.n;
        for (j = 0; j < b.rules[i].alts.n; j++) {
            aieng__iv *a = &b.alts[b.rules[i].alts.v[j]];
            g->alt_start[g->nalt++] = g->nsym;
            for (k = 0; k < a->n; k++) g->sym[g->nsym++] = a->v[k];
            g->sym[g->nsym++] = AIENG__SYM_END;
        }
    }
    g->nrule = b.nrules;
    g->root = root_id;
    g->rinst = (int *)AIENG_MALLOC((size_t)(b.nrules + 1) * sizeof(int), NULL);
    if (!g->rinst) { aieng__gb_oom(&b); goto fail; }
    for (i = 0; i < b.nrules; i++) g->rinst[i] = -1;
    if (b.nperms && !aieng__g_perms(g, &b)) goto fail;
    AIENG_FREE(nullable, NULL); AIENG_FREE(color, NULL);
    aieng__gb_free(&b);
    /* the start node: a reference to root with nothing after it */
    g->sym = (int *)AIENG_REALLOC(g->sym, (size_t)(g->nsym + 2) * sizeof(int), NULL);
    if (!g->sym) { aieng_grammar_free(g); return aieng_set_error(AIENG_ERR_OOM, "grammar: out of memory"); }
    g->sym[g->nsym] = AIENG__SYM_REF(root_id); g->sym[g->nsym + 1] = AIENG__SYM_END;
    g->start_pos = g->nsym;
    g->start_node = aieng__g_node(g, g->nsym, -1);
    g->nsym += 2;
    g->capsym = g->nsym; g->capalt = g->nalt; g->caprule = g->nrule;
    if (g->start_node < 0) { aieng_grammar_free(g); return aieng_set_error(AIENG_ERR_OOM, "grammar: out of memory"); }
    *out = g;
    return AIENG_OK;
fail:
    AIENG_FREE(nullable, NULL); AIENG_FREE(color, NULL);
    aieng__gb_free(&b);
    aieng_grammar_free(g);
    return b.err != AIENG_OK ? b.err : aieng_set_error(AIENG_ERR_FORMAT, "grammar: parse error");
}

/* ---------------------------------------------------------------- grammar: matching */
/* node = (pos, next): match sym[pos..] to the END of its alternative, then continue with
   node `next` (-1: the sentence is complete). Nodes are hash-consed. */
static int aieng__g_grow(aieng_grammar *g) {
    int nc = g->capnodes ? g->capnodes * 2 : 1024;
    int **arrs[5];
    int i;
    if (nc > AIENG_GRAMMAR_MAX_NODES) return 0;
    arrs[0] = &g->npos; arrs[1] = &g->nnext; arrs[2] = &g->nsucc; arrs[3] = &g->nclo_off; arrs[4] = &g->nclo_len;
    for (i = 0; i < 5; i++) {
        int *p = (int *)AIENG_REALLOC(*arrs[i], (size_t)nc * sizeof(int), NULL);
        if (!p) return 0;
        *arrs[i] = p;
    }
    {
        unsigned char *a = (unsigned char *)AIENG_REALLOC(g->nacc, (size_t)nc, NULL);
        unsigned *m;
        if (!a) return 0;
        g->nacc = a;
        m = (unsigned *)AIENG_REALLOC(g->nmark, (size_t)nc * sizeof(unsigned), NULL);
        if (!m) return 0;
        memset(m + g->capnodes, 0, (size_t)(nc - g->capnodes) * sizeof(unsigned));
        g->nmark = m;
    }
    { /* rehash */
        int hc = nc * 2, *h = (int *)AIENG_MALLOC((size_t)hc * sizeof(int), NULL);
        if (!h) return 0;
        for (i = 0; i < hc; i++) h[i] = -1;
        for (i = 0; i < g->nnodes; i++) {
            uint32_t k = ((uint32_t)g->npos[i] * 2654435761u ^ (uint32_t)(g->nnext[i] + 1) * 40503u) & (uint32_t)(hc - 1);
            while (h[k] >= 0) k = (k + 1) & (uint32_t)(hc - 1);
            h[k] = i;
        }
        AIENG_FREE(g->htab, NULL); g->htab = h; g->hcap = hc;
    }
    g->capnodes = nc;
    return 1;
}
static int aieng__g_node(aieng_grammar *g, int pos, int next) {
    uint32_t k;
    int id;
    if (g->nnodes >= g->capnodes && !aieng__g_grow(g)) return -1;
    k = ((uint32_t)pos * 2654435761u ^ (uint32_t)(next + 1) * 40503u) & (uint32_t)(g->hcap - 1);
    while ((id = g->htab[k]) >= 0) {
        if (g->npos[id] == pos && g->nnext[id] == next) return id;
        k = (k + 1) & (uint32_t)(g->hcap - 1);
    }
    id = g->nnodes++;
    g->npos[id] = pos; g->nnext[id] = next; g->nsucc[id] = -3; g->nclo_off[id] = -1; g->nclo_len[id] = 0; g->nacc[id] = 0;
    g->nmark[id] = 0;
    g->htab[k] = id;
    return id;
}
/* ---- %unordered instances: rules built on first use, keyed by (descriptor, set, count) */
static int aieng__g_reserve(void **p, int *cap, long need, size_t elem) {
    long nc;
    void *q;
    if (need <= *cap) return 1;
    if (need > (long)AIENG_GRAMMAR_MAX_SYMBOLS + 16) return 0;
    nc = *cap > 0 ? (long)*cap * 2 : 64;
    if (nc < need) nc = need;
    q = AIENG_REALLOC(*p, (size_t)nc * elem, NULL);
    if (!q) return 0;
    *p = q; *cap = (int)nc;
    return 1;
}
static uint32_t aieng__g_inst_hash(int d, int cnt, const uint32_t *set, int nw) {
    uint32_t h = 2166136261u ^ (uint32_t)d * 2654435761u ^ (uint32_t)cnt * 40503u;
    int i;
    for (i = 0; i < nw; i++) { h ^= set[i]; h *= 16777619u; h ^= h >> 15; }
    return h;
}
/* registers instance (d, set, cnt) as rule `rule` (not built yet); 0 on OOM */
static int aieng__g_inst_add(aieng_grammar *g, int d, const uint32_t *set, int cnt, int rule) {
    int nw = g->perm[d].nw, i;
    aieng__ginst *x;
    if (g->ninst * 2 >= g->ihcap) { /* rehash */
        int nc = g->ihcap ? g->ihcap * 2 : 256;
        int *h = (int *)AIENG_MALLOC((size_t)nc * sizeof(int), NULL);
        if (!h) return 0;
        for (i = 0; i < nc; i++) h[i] = -1;
        for (i = 0; i < g->ninst; i++) {
            const aieng__ginst *y = &g->inst[i];
            uint32_t k = aieng__g_inst_hash(y->d, y->cnt, g->words + y->off, g->perm[y->d].nw) & (uint32_t)(nc - 1);
            while (h[k] >= 0) k = (k + 1) & (uint32_t)(nc - 1);
            h[k] = i;
        }
        AIENG_FREE(g->ihash, NULL); g->ihash = h; g->ihcap = nc;
    }
    if (g->ninst == g->capinst) {
        int nc = g->capinst ? g->capinst * 2 : 64;
        aieng__ginst *ni = (aieng__ginst *)AIENG_REALLOC(g->inst, (size_t)nc * sizeof *ni, NULL);
        if (!ni) return 0;
        g->inst = ni; g->capinst = nc;
    }
    if (g->nwords + (size_t)nw > g->capwords) {
        size_t nc = g->capwords ? g->capwords * 2 : 1024;
        uint32_t *nwp;
        while (nc < g->nwords + (size_t)nw) nc *= 2;
        nwp = (uint32_t *)AIENG_REALLOC(g->words, nc * sizeof(uint32_t), NULL);
        if (!nwp) return 0;
        g->words = nwp; g->capwords = nc;
    }
    x = &g->inst[g->ninst];
    x->d = d; x->cnt = cnt; x->rule = rule; x->off = g->nwords;
    memcpy(g->words + g->nwords, set, (size_t)nw * sizeof(uint32_t));
    g->nwords += (size_t)nw;
    {
        uint32_t k = aieng__g_inst_hash(d, cnt, set, nw) & (uint32_t)(g->ihcap - 1);
        while (g->ihash[k] >= 0) k = (k + 1) & (uint32_t)(g->ihcap - 1);
        g->ihash[k] = g->ninst;
    }
    g->rinst[rule] = g->ninst++;
    return 1;
}
/* the rule of instance (d, set, cnt), made (unbuilt) when new; -1 on OOM or a bound */
static int aieng__g_inst(aieng_grammar *g, int d, const uint32_t *set, int cnt) {
    int nw = g->perm[d].nw, id, r;
    uint32_t k = aieng__g_inst_hash(d, cnt, set, nw) & (uint32_t)(g->ihcap - 1);
    while ((id = g->ihash[k]) >= 0) {
        const aieng__ginst *y = &g->inst[id];
        if (y->d == d && y->cnt == cnt && !memcmp(g->words + y->off, set, (size_t)nw * sizeof(uint32_t))) return y->rule;
        k = (k + 1) & (uint32_t)(g->ihcap - 1);
    }
    r = g->nrule;
    if (r + 1 > g->caprule) { /* rule_alt, rule_nalt and rinst share one capacity */
        int nc = g->caprule > 32 ? g->caprule * 2 : 64, *p;
        if (r > AIENG_GRAMMAR_MAX_SYMBOLS) return -1;
        if ((p = (int *)AIENG_REALLOC(g->rule_alt, (size_t)nc * sizeof(int), NULL)) == NULL) return -1;
        g->rule_alt = p;
        if ((p = (int *)AIENG_REALLOC(g->rule_nalt, (size_t)nc * sizeof(int), NULL)) == NULL) return -1;
        g->rule_nalt = p;
        if ((p = (int *)AIENG_REALLOC(g->rinst, (size_t)nc * sizeof(int), NULL)) == NULL) return -1;
        g->rinst = p;
        g->caprule = nc;
    }
    g->rule_alt[r] = 0; g->rule_nalt[r] = -1; g->rinst[r] = -1;
    g->nrule++;
    if (!aieng__g_inst_add(g, d, set, cnt, r)) return -1;
    return r;
}
/* 1 when set holds a member of every '?' set (from f on) */
static int aieng__g_any_ok(const aieng__gperm *P, const uint32_t *set, int f) {
    int w, nw = P->nw;
    for (; f < P->nany; f++) {
        for (w = 0; w < nw; w++) if (P->any[(size_t)f * nw + w] & set[w]) break;
        if (w == nw) return 0;
    }
    return 1;
}
/* 1 when set holds every required member, one of each '?' set and every dependency of the
   members it holds */
static int aieng__g_satisfied(const aieng__gperm *P, const uint32_t *set) {
    int k, w, nw = P->nw;
    for (w = 0; w < nw; w++) if (P->req[w] & ~set[w]) return 0;
    if (!aieng__g_any_ok(P, set, 0)) return 0;
    for (k = 0; P->dep && k < P->n; k++)
        if ((set[k >> 5] >> (k & 31)) & 1)
            for (w = 0; w < nw; w++) if (P->dep[(size_t)k * nw + w] & ~set[w]) return 0;
    return 1;
}
/* ordered=1: member i may come next when it follows every member present and no extra
   member has come yet, and no member it passes over is one that a required name or a
   dependency of the members present (or of i) still needs; an extra member (i == n) when
   every required name and dependency is satisfied. So every prefix can still complete. */
static int aieng__g_ordered_ok(const aieng__gperm *P, const uint32_t *set, int i, int top, int xs) {
    int k, nw = P->nw;
    if (i == P->n) return aieng__g_satisfied(P, set);
    if (xs || i < top || (i == top && !((P->rep[i >> 5] >> (i & 31)) & 1))) return 0; /* a repeatable member may come again */
    for (k = top + 1; k < i; k++) { /* the members skipped over */
        int m;
        if ((P->req[k >> 5] >> (k & 31)) & 1) return 0;
        for (m = 0; P->dep && m < P->n; m++)
            if ((m == i || ((set[m >> 5] >> (m & 31)) & 1)) && ((P->dep[(size_t)m * nw + (k >> 5)] >> (k & 31)) & 1)) return 0;
    }
    return 1;
}
/* the fewest members to add to t (the closed set; `set` the members seen) so that every '?'
   set has one: a cover of the unmet sets by the members that may still come (not present
   or repeatable, after the last one when ordered, each alone completing no '~' set), by
   dynamic programming over the unmet sets; -1 when none covers them. Exact without
   dependencies among those members and '~' sets over two of them. */
static int aieng__g_any_cover(const aieng__gperm *P, const uint32_t *set, const uint32_t *t) {
    int need[AIENG__G_MAXANY], nu = 0, f, w, m, i, top = -1, res;
    unsigned char best[1 << AIENG__G_MAXANY];
    unsigned full;
    int nw = P->nw;
    for (f = 0; f < P->nany; f++) {
        for (w = 0; w < nw; w++) if (P->any[(size_t)f * nw + w] & t[w]) break;
        if (w == nw) need[nu++] = f;
    }
    if (!nu) return 0;
    if (P->ordered) {
        if ((set[P->n >> 5] >> (P->n & 31)) & 1) return -1; /* extras started: no member may come */
        for (top = P->n - 1; top >= 0 && !((set[top >> 5] >> (top & 31)) & 1); top--) {}
    }
    full = (1u << nu) - 1;
    memset(best, 255, (size_t)1 << nu);
    best[0] = 0;
    for (m = 0; m < (int)full; m++) {
        if (best[m] == 255) continue;
        for (i = 0; i < P->n; i++) {
            unsigned mk = 0;
            int q, isrep = (P->rep[i >> 5] >> (i & 31)) & 1;
            if ((((t[i >> 5] >> (i & 31)) & 1) && !isrep) || i < top || (i == top && !isrep)) continue;
            for (q = 0; q < nu; q++) if ((P->any[(size_t)need[q] * nw + (i >> 5)] >> (i & 31)) & 1) mk |= 1u << q;
            if (!mk || (mk | (unsigned)m) == (unsigned)m) continue;
            for (f = 0; f < P->nforb; f++) { /* t with i completes a forbidden set */
                for (w = 0; w < nw; w++) if (P->forb[(size_t)f * nw + w] & ~(t[w] | (w == (i >> 5) ? 1u << (i & 31) : 0u))) break;
                if (w == nw) break;
            }
            if (f < P->nforb) continue;
            if (best[m | mk] > best[m] + 1) best[m | mk] = (unsigned char)(best[m] + 1);
        }
    }
    res = best[full];
    return res == 255 ? -1 : res;
}
/* 1 when the end can still be reached from member set `set` with count cnt: the set with
   the required members and everything their dependencies pull in holds no forbidden
   combination, its '?' sets can be met, and it fits under max (t: nw words of scratch) */
static int aieng__g_viable(const aieng__gperm *P, const uint32_t *set, int cnt, uint32_t *t) {
    int w, i, f, changed, added = 0, nw = P->nw, cover = 0;
    for (w = 0; w < nw; w++) t[w] = set[w] | P->req[w];
    t[P->n >> 5] &= ~(1u << (P->n & 31)); /* bit n: extras started (ordered) */
    do {
        changed = 0;
        for (i = 0; P->dep && i < P->n; i++)
            if ((t[i >> 5] >> (i & 31)) & 1)
                for (w = 0; w < nw; w++) {
                    uint32_t nb = P->dep[(size_t)i * nw + w] & ~t[w];
                    if (nb) { t[w] |= nb; changed = 1; }
                }
    } while (changed);
    for (f = 0; f < P->nforb; f++) {
        for (w = 0; w < nw; w++) if (P->forb[(size_t)f * nw + w] & ~t[w]) break;
        if (w == nw) return 0;
    }
    if (P->nany && (cover = aieng__g_any_cover(P, set, t)) < 0) return 0;
    if (cnt < P->mn && P->extra < 0) { /* min: enough members may still come (ordered: after the last one) */
        int top = -1, room = 0, unbounded = 0;
        if (P->ordered) for (top = P->n - 1; top >= 0 && !((set[top >> 5] >> (top & 31)) & 1); top--) {}
        for (i = 0; i < P->n && !unbounded; i++) {
            int rep = (P->rep[i >> 5] >> (i & 31)) & 1;
            if ((P->ordered && (i < top || (i == top && !rep))) || (((set[i >> 5] >> (i & 31)) & 1) && !rep)) continue;
            if (rep) unbounded = 1; else room++;
        }
        if (!unbounded && cnt + room < P->mn) return 0;
    }
    if (P->mx >= 0) {
        for (i = 0; i < P->n; i++) if (((t[i >> 5] >> (i & 31)) & 1) && !((set[i >> 5] >> (i & 31)) & 1)) added++;
        if (cnt + added + cover > P->mx) return 0;
    }
    return 1;
}
/* builds the alternatives of unbuilt instance rule r: each member not yet in the set (or an
   extra member) after the separator when the count is > 0, followed by the instance with
   that member added; the empty alternative when the required members and the dependencies
   of the members present are in the set and the count reaches min. 0 on OOM or a bound. */
static int aieng__g_build_dfa(aieng_grammar *g, int r, const aieng__ginst *x, const aieng__gperm *P) {
    uint32_t q = g->words[x->off];
    int d = x->d, cnt = x->cnt, cn = cnt < P->cap ? cnt + 1 : P->cap, k, first = g->nalt, nt = P->toff[q + 1] - P->toff[q];
    long w = (long)P->cap + 1;
    if (!aieng__g_reserve((void **)&g->alt_start, &g->capalt, (long)g->nalt + nt + 2, sizeof(int)) ||
        !aieng__g_reserve((void **)&g->sym, &g->capsym, (long)g->nsym + 3L * (nt + 1), sizeof(int))) return 0;
    for (k = P->toff[q]; k < P->toff[q + 1]; k++) {
        uint32_t t = (uint32_t)P->ttgt[k];
        int child;
        if (!AIENG__G_BIT(P->live, (size_t)t * (size_t)w + (size_t)cn)) continue;
        if ((child = aieng__g_inst(g, d, &t, cn)) < 0) return 0;
        g->alt_start[g->nalt++] = g->nsym;
        g->sym[g->nsym++] = AIENG__SYM_REF(P->trule[k]);
        g->sym[g->nsym++] = AIENG__SYM_REF(child);
        g->sym[g->nsym++] = AIENG__SYM_END;
    }
    if (AIENG__G_BIT(P->acc, (size_t)q * (size_t)w + (size_t)cnt)) { g->alt_start[g->nalt++] = g->nsym; g->sym[g->nsym++] = AIENG__SYM_END; }
    g->rule_alt[r] = first;
    g->rule_nalt[r] = g->nalt - first;
    return g->nsym <= AIENG_GRAMMAR_MAX_SYMBOLS;
}
static int aieng__g_build(aieng_grammar *g, int r) {
    const aieng__ginst *x = &g->inst[g->rinst[r]];
    int d = x->d, cnt = x->cnt, i, first = g->nalt, ccnt;
    const aieng__gperm *P = &g->perm[d];
    if (P->kind == 1) return aieng__g_build_dfa(g, r, x, P);
    int nw = P->nw, more = P->mx < 0 || cnt + 1 <= P->mx, top = -1, xs = 0;
    uint32_t *set = (uint32_t *)AIENG_MALLOC((size_t)nw * 3 * sizeof(uint32_t), NULL), *tmp, *scratch;
    if (!set) return 0;
    tmp = set + nw;
    scratch = tmp + nw;
    memcpy(set, g->words + x->off, (size_t)nw * sizeof(uint32_t));
    ccnt = cnt + 1 < P->cap ? cnt + 1 : P->cap;
    if (!aieng__g_reserve((void **)&g->alt_start, &g->capalt, (long)g->nalt + P->n + 2, sizeof(int)) ||
        !aieng__g_reserve((void **)&g->sym, &g->capsym, (long)g->nsym + 4L * (P->n + 2), sizeof(int))) { AIENG_FREE(set, NULL); return 0; }
    if (P->ordered) { /* the highest member so far; extras started (bit n) */
        for (top = P->n - 1; top >= 0 && !((set[top >> 5] >> (top & 31)) & 1); top--) {}
        xs = (set[P->n >> 5] >> (P->n & 31)) & 1;
    }
    for (i = 0; more && i <= P->n; i++) {
        int child;
        if (i == P->n && P->extra < 0) break;
        memcpy(tmp, set, (size_t)nw * sizeof(uint32_t));
        if (P->ordered && !aieng__g_ordered_ok(P, set, i, top, xs)) continue;
        if (i == P->n && P->ordered) tmp[P->n >> 5] |= 1u << (P->n & 31);
        if (i < P->n) {
            if (((set[i >> 5] >> (i & 31)) & 1) && !((P->rep[i >> 5] >> (i & 31)) & 1)) continue;
            tmp[i >> 5] |= 1u << (i & 31);
        }
        /* no way to the end from there (this also rejects a set that completes a forbidden
           combination: the set aieng__g_viable closes holds tmp's members) */
        if (!aieng__g_viable(P, tmp, ccnt, scratch)) continue;
        child = aieng__g_inst(g, d, tmp, ccnt);
        if (child < 0) { AIENG_FREE(set, NULL); return 0; }
        g->alt_start[g->nalt++] = g->nsym;
        if (cnt > 0) g->sym[g->nsym++] = AIENG__SYM_REF(P->sep);
        g->sym[g->nsym++] = AIENG__SYM_REF(i < P->n ? P->mem[i] : P->extra);
        g->sym[g->nsym++] = AIENG__SYM_REF(child);
        g->sym[g->nsym++] = AIENG__SYM_END;
    }
    if (!(cnt < P->mn && cnt < P->cap) && aieng__g_satisfied(P, set)) { g->alt_start[g->nalt++] = g->nsym; g->sym[g->nsym++] = AIENG__SYM_END; }
    AIENG_FREE(set, NULL);
    g->rule_alt[r] = first;
    g->rule_nalt[r] = g->nalt - first;
    return g->nsym <= AIENG_GRAMMAR_MAX_SYMBOLS;
}
/* the node after matching the terminal at node n's position; -1 = complete; -2 = OOM */
static int aieng__g_succ(aieng_grammar *g, int n) {
    int pos, r;
    if (g->nsucc[n] != -3) return g->nsucc[n];
    pos = g->npos[n] + 1;
    r = g->sym[pos] == AIENG__SYM_END ? g->nnext[n] : aieng__g_node(g, pos, g->nnext[n]);
    if (r == -1 && g->sym[pos] != AIENG__SYM_END) return -2;
    g->nsucc[n] = r;
    return r;
}
/* computes (and caches) the closure of node n: the nodes with a terminal on top reachable
   without input, and whether the sentence may end there. 0 on OOM. */
static int aieng__g_closure(aieng_grammar *g, int n) {
    unsigned gen;
    int acc = 0, start;
    if (g->nclo_off[n] >= 0) return 1;
    gen = ++g->gen;
    if (gen == 0) { memset(g->nmark, 0, (size_t)g->capnodes * sizeof(unsigned)); gen = g->gen = 1; }
    g->work.n = 0;
    start = g->clo.n;
    if (!aieng__iv_push(&g->work, n)) return 0;
    g->nmark[n] = gen;
    while (g->work.n) {
        int x = g->work.v[--g->work.n];
        int s = g->sym[g->npos[x]];
        if (s >= 0) { if (!aieng__iv_push(&g->clo, x)) return 0; continue; }
        if (s == AIENG__SYM_END) { /* only empty alternatives start at END */
            int nx = g->nnext[x];
            if (nx < 0) acc = 1;
            else if (g->nmark[nx] != gen) { g->nmark[nx] = gen; if (!aieng__iv_push(&g->work, nx)) return 0; }
            continue;
        }
        {
            int r = AIENG__SYM_RULE(s), a, cont;
            int p1 = g->npos[x] + 1;
            if (g->rule_nalt[r] < 0 && !aieng__g_build(g, r)) return 0;
            if (g->sym[p1] == AIENG__SYM_END) cont = g->nnext[x];
            else { cont = aieng__g_node(g, p1, g->nnext[x]); if (cont < 0) return 0; }
            for (a = g->rule_nalt[r] - 1; a >= 0; a--) {
                int st = g->alt_start[g->rule_alt[r] + a], y;
                if (g->sym[st] == AIENG__SYM_END) { /* empty alternative: continue directly */
                    if (cont < 0) { acc = 1; continue; }
                    y = cont;
                } else { y = aieng__g_node(g, st, cont); if (y < 0) return 0; }
                if (g->nmark[y] != gen) { g->nmark[y] = gen; if (!aieng__iv_push(&g->work, y)) return 0; }
            }
        }
    }
    g->nclo_off[n] = start;
    g->nclo_len[n] = g->clo.n - start;
    g->nacc[n] = (unsigned char)acc;
    return 1;
}
static int aieng__cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}
/* adds to out (its nodes marked with *gen) the closure after the terminal at node n's
   position: its nodes not in out yet, and *acc when the sentence may end there. 0 on OOM or
   a bound. */
static int aieng__g_add_after(aieng_grammar *g, int n, aieng__iv *out, int *acc, unsigned *gen) {
    int m = aieng__g_succ(g, n), k, off, len;
    if (m == -2) return 0;
    if (m == -1) { *acc = 1; return 1; }
    if (g->nclo_off[m] < 0) {
        if (!aieng__g_closure(g, m)) return 0;
        *gen = ++g->gen; /* closure used the marks: start a new generation and re-mark out */
        if (*gen == 0) { memset(g->nmark, 0, (size_t)g->capnodes * sizeof(unsigned)); *gen = g->gen = 1; }
        for (k = 0; k < out->n; k++) g->nmark[out->v[k]] = *gen;
    }
    if (g->nacc[m]) *acc = 1;
    off = g->nclo_off[m]; len = g->nclo_len[m];
    for (k = 0; k < len; k++) {
        int y = g->clo.v[off + k];
        if (g->nmark[y] != *gen) {
            g->nmark[y] = *gen;
            if (out->n >= AIENG_GRAMMAR_MAX_STACKS || !aieng__iv_push(out, y)) return 0;
        }
    }
    return 1;
}
/* ---- %unique: the text so far (from the state's reset) is scanned as JSON; the check fails
   when the innermost open container is an array whose last element equals (as JSON values,
   aieng_json_equal) one of its earlier elements. Anything else passes (so does text that is
   not JSON, or memory running out). */
static int aieng__json_ws(unsigned b) { return b == ' ' || b == '\t' || b == '\n' || b == '\r'; }
static int aieng__ju_class(unsigned char c) {
    return c == '"' ? 1 : c == '{' ? 2 : c == '[' ? 3 : c == 't' || c == 'f' ? 4 : c == 'n' ? 5 : 6;
}
static int aieng__ju_equal(const unsigned char *a, size_t na, const unsigned char *b, size_t nb) {
    aieng_json_doc *x = NULL, *y = NULL;
    int eq;
    while (na && (a[na - 1] == ' ' || a[na - 1] == '\t' || a[na - 1] == '\n' || a[na - 1] == '\r')) na--;
    while (nb && (b[nb - 1] == ' ' || b[nb - 1] == '\t' || b[nb - 1] == '\n' || b[nb - 1] == '\r')) nb--;
    if (!na || !nb) return 0;
    if (na == nb && !memcmp(a, b, na)) return 1;
    if (aieng__ju_class(a[0]) != aieng__ju_class(b[0])) return 0;
    if (a[0] == '"' && !memchr(a, '\\', na) && !memchr(b, '\\', nb)) return 0; /* strings without escapes: bytes decide */
    if (aieng_json_parse((const char *)a, na, NULL, &x) != AIENG_OK || aieng_json_parse((const char *)b, nb, NULL, &y) != AIENG_OK) {
        aieng_json_free(x);
        return 0;
    }
    eq = aieng_json_equal(aieng_json_root(x), aieng_json_root(y));
    aieng_json_free(x); aieng_json_free(y);
    return eq;
}
static int aieng__json_unique_ok(const unsigned char *t, size_t n) {
    aieng__iv st, es; /* open containers (kind: 0 object, 1 array; base index in es); element (start, end) pairs */
    size_t i;
    int instr = 0, esc = 0, expect = 0, ok = 1;
    memset(&st, 0, sizeof st); memset(&es, 0, sizeof es);
    for (i = 0; i < n && ok; i++) {
        unsigned char ch = t[i];
        if (instr) { if (esc) esc = 0; else if (ch == '\\') esc = 1; else if (ch == '"') instr = 0; continue; }
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') continue;
        if (expect && ch != ']') { if (!aieng__iv_push(&es, (int)i) || !aieng__iv_push(&es, -1)) goto out; }
        expect = 0;
        if (ch == '"') instr = 1;
        else if (ch == '[' || ch == '{') {
            if (!aieng__iv_push(&st, ch == '[') || !aieng__iv_push(&st, es.n)) goto out;
            expect = ch == '[';
        } else if (ch == ']' || ch == '}') {
            if (!st.n) goto out; /* not JSON */
            es.n = st.v[st.n - 1];
            st.n -= 2;
        } else if (ch == ',' && st.n && st.v[st.n - 2] == 1) {
            if (es.n > st.v[st.n - 1]) es.v[es.n - 1] = (int)i;
            expect = 1;
        }
    }
    if (st.n && st.v[st.n - 2] == 1 && !instr && es.n - st.v[st.n - 1] >= 4 && es.v[es.n - 1] < 0) {
        int base = st.v[st.n - 1], k, ls = es.v[es.n - 2];
        for (k = base; k + 2 < es.n && ok; k += 2)
            if (aieng__ju_equal(t + es.v[k], (size_t)(es.v[k + 1] - es.v[k]), t + ls, n - (size_t)ls)) ok = 0;
    }
out:
    aieng__iv_free(&st); aieng__iv_free(&es);
    return ok;
}
/* where the value that ends the text starts: the last element of the innermost open array,
   the value of the last member of the innermost open object, the key that ends the text
   (a string checked as propertyNames would), or the whole text (leading whitespace
   skipped); 0 when the text does not end a value there (after a colon, a comma). */
static int aieng__json_last_value(const unsigned char *t, size_t n, size_t *start) {
    aieng__iv st; /* open containers: kind (0 object, 1 array), start of their current value (-1 none) */
    size_t i, top = (size_t)-1;
    long key = -1; /* the start of the innermost object's key being written, -1 none */
    int instr = 0, esc = 0, expect = 1, ok = 1;
    memset(&st, 0, sizeof st);
    for (i = 0; i < n && ok; i++) {
        unsigned char ch = t[i];
        if (instr) { if (esc) esc = 0; else if (ch == '\\') esc = 1; else if (ch == '"') instr = 0; continue; }
        if (aieng__json_ws(ch)) continue;
        if (expect && ch != ']' && ch != '}') { if (st.n) st.v[st.n - 1] = (int)i; else top = i; }
        expect = 0;
        if (ch == '"') { instr = 1; if (st.n && st.v[st.n - 2] == 0 && st.v[st.n - 1] < 0) key = (long)i; continue; }
        key = -1;
        if (ch == '[' || ch == '{') { if (!aieng__iv_push(&st, ch == '[') || !aieng__iv_push(&st, -1)) ok = 0; expect = ch == '['; }
        else if (ch == ']' || ch == '}') { if (st.n) st.n -= 2; else ok = 0; }
        else if (ch == ',') { if (st.n) { st.v[st.n - 1] = -1; expect = st.v[st.n - 2] == 1; } }
        else if (ch == ':') { if (st.n) { st.v[st.n - 1] = -1; expect = 1; } }
    }
    if (ok && !instr) {
        if (st.n && key >= 0) *start = (size_t)key;
        else if (st.n) { ok = st.v[st.n - 1] >= 0; if (ok) *start = (size_t)st.v[st.n - 1]; }
        else { ok = top != (size_t)-1; *start = top; }
    } else ok = 0;
    aieng__iv_free(&st);
    return ok;
}
static int aieng__g_valid_ok(aieng_grammar *g, const aieng_json *node, const unsigned char *txt, size_t ntxt);
/* Resolves the %unique nodes in out (not sorted; the nodes in it marked with generation
   gen): each is dropped, and when the check passes on txt[0..ntxt) the closure after it is
   added (its own %unique nodes resolved in turn). *nchk counts the checks evaluated. 0 on
   OOM or a bound. */
static int aieng__g_resolve(aieng_grammar *g, aieng__iv *out, int *acc, const unsigned char *txt, size_t ntxt, int *nchk) {
    int i, j, verdict = -1, vk[8], vv[8], nv = 0;
    unsigned gen = g->gen;
    for (i = 0; i < out->n; i++) {
        int x = out->v[i], t = g->sym[g->npos[x]], ok;
        if (!g->tkind[t]) continue;
        if (g->tkind[t] == 1) {
            if (verdict < 0) { verdict = aieng__json_unique_ok(txt, ntxt); if (nchk) (*nchk)++; }
            ok = verdict;
        } else { /* %valid: the same check at the same text once */
            int k;
            for (k = 0; k < nv && vk[k] != t; k++) {}
            if (k < nv) ok = vv[k];
            else {
                int v;
                for (v = 0; v < g->nvalid && g->vterm[v] != t; v++) {}
                ok = v == g->nvalid || aieng__g_valid_ok(g, g->vnode[v], txt, ntxt);
                if (nchk) (*nchk)++;
                if (nv < 8) { vk[nv] = t; vv[nv++] = ok; }
            }
        }
        if (ok && !aieng__g_add_after(g, x, out, acc, &gen)) return 0;
    }
    for (i = j = 0; i < out->n; i++) if (!g->tkind[g->sym[g->npos[out->v[i]]]]) out->v[j++] = out->v[i];
    out->n = j;
    return 1;
}
#define AIENG__G_LOOKAHEAD 64 /* bytes of look-ahead (and of room after the text) with %unique */
static int aieng__g_step(aieng_grammar *g, const int *in, int nin, unsigned byte, aieng__iv *out, int *acc,
                         unsigned char *txt, size_t ntxt, int *nchk, int la);
/* With %unique, whether set[0..n) (not complete) may still go on: a byte after which
   something survives that has a choice of two bytes or more, looked through JSON
   whitespace (which changes no element's value: each set met once) and through bytes that
   are the only ones allowed, up to AIENG__G_LOOKAHEAD bytes. So the end of an item equal
   to an earlier one is refused where the choice was made (a string at its maxLength, the
   integer 0, the last character of an enum value that would close an object equal to an
   earlier one). txt[0..ntxt) the text so far, with room for the look-ahead. 1 live, 0
   dead, -1 OOM. Whitespace does not count against the look-ahead (so that a run of
   indentation cannot hide the dead end behind it): one byte of it is looked through at a
   time (ws_ok: then only bytes other than whitespace), as a run of JSON whitespace allows
   what one byte of it allows. */
static int aieng__g_live(aieng_grammar *g, const int *set, int n, unsigned char *txt, size_t ntxt, int *nchk, aieng__iv *seen,
                         int depth, int ws_ok) {
    unsigned char u[32];
    aieng__iv z;
    int i, pass, r = 0;
    unsigned b;
    if (depth >= AIENG__G_LOOKAHEAD) return 1;
    memset(u, 0, sizeof u);
    for (i = 0; i < n; i++) { const unsigned char *t = g->term[g->sym[g->npos[set[i]]]]; int k; for (k = 0; k < 32; k++) u[k] |= t[k]; }
    memset(&z, 0, sizeof z);
    for (pass = 0; pass < (ws_ok ? 2 : 1) && !r; pass++) /* bytes other than whitespace first: one that keeps something suffices */
        for (b = 0; b < 256 && !r; b++) {
            int acc = 0, k, j;
            unsigned bb = (b + 'a') & 255; /* from 'a' on: letters before the quote that ends a string */
            if (!((u[bb >> 3] >> (bb & 7)) & 1) || aieng__json_ws(bb) != pass) continue;
            txt[ntxt] = (unsigned char)bb;
            if (!aieng__g_step(g, set, n, bb, &z, &acc, txt, ntxt + 1, nchk, 0)) { r = -1; break; }
            if (acc) { r = 1; break; }
            if (!z.n) continue;
            if (!pass) { /* a choice of two bytes or more (not whitespace) after it: live; else look through it */
                unsigned char v[32];
                int nb = 0, q;
                memset(v, 0, sizeof v);
                for (j = 0; j < z.n; j++) { const unsigned char *t = g->term[g->sym[g->npos[z.v[j]]]]; for (q = 0; q < 32; q++) v[q] |= t[q]; }
                v[' ' >> 3] &= (unsigned char)~(1u << (' ' & 7)); v['\t' >> 3] &= (unsigned char)~(1u << ('\t' & 7)); /* whitespace is no choice */
                v['\n' >> 3] &= (unsigned char)~(1u << ('\n' & 7)); v['\r' >> 3] &= (unsigned char)~(1u << ('\r' & 7));
                for (q = 0; q < 32 && nb < 2; q++) { unsigned x = v[q]; while (x) { nb++; x &= x - 1; } }
                if (nb >= 2) { r = 1; break; }
                { /* the text differs from the other paths': a search of its own */
                    aieng__iv own;
                    memset(&own, 0, sizeof own);
                    r = aieng__g_live(g, z.v, z.n, txt, ntxt + 1, nchk, &own, depth + 1, 1);
                    aieng__iv_free(&own);
                    continue;
                }
            }
            for (k = 0; k < seen->n; k += seen->v[k] + 1) /* whitespace (the same values): each set once */
                if (seen->v[k] == z.n && !memcmp(seen->v + k + 1, z.v, (size_t)z.n * sizeof(int))) break;
            if (k < seen->n) continue;
            if (!aieng__iv_push(seen, z.n)) { r = -1; break; }
            for (j = 0; j < z.n; j++) if (!aieng__iv_push(seen, z.v[j])) { r = -1; break; }
            if (r) break;
            r = aieng__g_live(g, z.v, z.n, txt, ntxt + 1, nchk, seen, depth + 1, 0);
        }
    aieng__iv_free(&z);
    return r;
}
/* One byte: in[0..nin) -> out (cleared first). Returns 1 (out may be empty), 0 on OOM or
   when a bound is hit. *acc = sentence complete after the byte. out is sorted. With
   %unique: txt[0..ntxt) is the text including the byte (room for AIENG__G_LOOKAHEAD more),
   *nchk counts the checks evaluated, and la asks for the look-ahead (aieng__g_live): a set
   that cannot go on is returned empty. */
static int aieng__g_step(aieng_grammar *g, const int *in, int nin, unsigned byte, aieng__iv *out, int *acc,
                         unsigned char *txt, size_t ntxt, int *nchk, int la) {
    int i;
    unsigned gen = ++g->gen;
    if (gen == 0) { memset(g->nmark, 0, (size_t)g->capnodes * sizeof(unsigned)); gen = g->gen = 1; }
    out->n = 0;
    *acc = 0;
    for (i = 0; i < nin; i++) {
        int n = in[i];
        const unsigned char *t = g->term[g->sym[g->npos[n]]];
        if (!((t[byte >> 3] >> (byte & 7)) & 1)) continue;
        if (!aieng__g_add_after(g, n, out, acc, &gen)) return 0;
    }
    if (g->nchk && !aieng__g_resolve(g, out, acc, txt, ntxt, nchk)) return 0;
    if (out->n > 1) qsort(out->v, (size_t)out->n, sizeof(int), aieng__cmp_int);
    if (la && g->nchk && out->n && !*acc) {
        aieng__iv seen;
        int r;
        memset(&seen, 0, sizeof seen);
        r = aieng__g_live(g, out->v, out->n, txt, ntxt, nchk, &seen, 0, 1);
        aieng__iv_free(&seen);
        if (r < 0) return 0;
        if (!r) out->n = 0;
    }
    return 1;
}

struct aieng_grammar_state {
    aieng_grammar *g;
    aieng__iv cur, tmp;
    int acc;
    unsigned char *txt; size_t ntxt, captxt; /* the bytes since the reset (kept when the grammar has %unique) */
    struct aieng_grammar_state *prev, *next; /* the grammar's list of live states */
    int registered;
};
/* Node-table garbage collection: the table only grows while text is matched, so when it
   passes AIENG_GRAMMAR_GC_NODES it is rebuilt with just the nodes that the live states
   reach (at a state's reset or advance, never in the middle of a mask computation). */
static int aieng__g_gc(aieng_grammar *g) {
    int *opos = g->npos, *onext = g->nnext, *osucc = g->nsucc, *ooff = g->nclo_off, *olen = g->nclo_len, *ohash = g->htab;
    unsigned char *oacc = g->nacc;
    unsigned *omark = g->nmark;
    int on = g->nnodes, *map, i, ok = 1;
    aieng_grammar_state *s;
    aieng__iv chain;
    map = (int *)AIENG_MALLOC((size_t)(on + 1) * sizeof(int), NULL);
    if (!map) return 0;
    for (i = 0; i < on; i++) map[i] = -1;
    g->npos = g->nnext = g->nsucc = g->nclo_off = g->nclo_len = g->htab = NULL;
    g->nacc = NULL; g->nmark = NULL;
    g->nnodes = g->capnodes = g->hcap = 0;
    g->clo.n = 0;
    g->gen = 0;
    g->epoch++;
    memset(&chain, 0, sizeof chain);
    g->start_node = aieng__g_node(g, g->start_pos, -1);
    if (g->start_node < 0) ok = 0;
    for (s = g->live; s && ok; s = s->next) {
        int k;
        for (k = 0; k < s->cur.n && ok; k++) {
            int x = s->cur.v[k], nx;
            chain.n = 0;
            while (x >= 0 && map[x] < 0) { if (!aieng__iv_push(&chain, x)) { ok = 0; break; } x = onext[x]; }
            nx = x >= 0 ? map[x] : -1;
            while (ok && chain.n) {
                int y = chain.v[--chain.n];
                nx = aieng__g_node(g, opos[y], nx);
                if (nx < 0) { ok = 0; break; }
                map[y] = nx;
            }
            if (ok) s->cur.v[k] = map[s->cur.v[k]];
        }
        if (ok && s->cur.n > 1) qsort(s->cur.v, (size_t)s->cur.n, sizeof(int), aieng__cmp_int);
    }
    aieng__iv_free(&chain);
    AIENG_FREE(map, NULL);
    AIENG_FREE(opos, NULL); AIENG_FREE(onext, NULL); AIENG_FREE(osucc, NULL); AIENG_FREE(ooff, NULL); AIENG_FREE(olen, NULL);
    AIENG_FREE(ohash, NULL); AIENG_FREE(oacc, NULL); AIENG_FREE(omark, NULL);
    if (!ok) for (s = g->live; s; s = s->next) { s->cur.n = 0; s->acc = 0; } /* out of memory: states die */
    return ok;
}
#ifndef AIENG_GRAMMAR_GC_NODES
#define AIENG_GRAMMAR_GC_NODES (1 << 20)
#endif
static void aieng__g_maybe_gc(aieng_grammar_state *s) {
    if (s->registered && s->g->nnodes > AIENG_GRAMMAR_GC_NODES) aieng__g_gc(s->g);
}
AIENG_API void aieng_grammar_state_reset(aieng_grammar_state *s) {
    aieng_grammar *g = s->g;
    int i;
    s->cur.n = 0;
    s->acc = 0;
    s->ntxt = 0;
    aieng__g_maybe_gc(s);
    if (!aieng__g_closure(g, g->start_node)) return;
    for (i = 0; i < g->nclo_len[g->start_node]; i++) aieng__iv_push(&s->cur, g->clo.v[g->nclo_off[g->start_node] + i]);
    s->acc = g->nacc[g->start_node];
    if (g->nchk) {
        unsigned gen = ++g->gen;
        if (gen == 0) { memset(g->nmark, 0, (size_t)g->capnodes * sizeof(unsigned)); gen = g->gen = 1; }
        for (i = 0; i < s->cur.n; i++) g->nmark[s->cur.v[i]] = gen;
        if (!aieng__g_resolve(g, &s->cur, &s->acc, NULL, 0, NULL)) { s->cur.n = 0; s->acc = 0; }
    }
    if (s->cur.n > 1) qsort(s->cur.v, (size_t)s->cur.n, sizeof(int), aieng__cmp_int);
}
AIENG_API aieng_result aieng_grammar_state_new(aieng_grammar *g, aieng_grammar_state **out) {
    aieng_grammar_state *s;
    if (!g || !out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "grammar_state_new: NULL argument");
    s = (aieng_grammar_state *)AIENG_MALLOC(sizeof *s, NULL);
    if (!s) return aieng_set_error(AIENG_ERR_OOM, "grammar: out of memory");
    memset(s, 0, sizeof *s);
    s->g = g;
    s->registered = 1;
    s->next = g->live;
    if (g->live) g->live->prev = s;
    g->live = s;
    aieng_grammar_state_reset(s);
    *out = s;
    return AIENG_OK;
}
AIENG_API void aieng_grammar_state_free(aieng_grammar_state *s) {
    if (!s) return;
    if (s->registered) {
        if (s->prev) s->prev->next = s->next; else s->g->live = s->next;
        if (s->next) s->next->prev = s->prev;
    }
    aieng__iv_free(&s->cur); aieng__iv_free(&s->tmp);
    AIENG_FREE(s->txt, NULL);
    AIENG_FREE(s, NULL);
}
/* room for n bytes of text; 0 on OOM */
static int aieng__gs_txt_reserve(aieng_grammar_state *s, size_t n) {
    unsigned char *p;
    size_t nc;
    if (n <= s->captxt) return 1;
    nc = s->captxt ? s->captxt * 2 : 256;
    while (nc < n) nc *= 2;
    p = (unsigned char *)AIENG_REALLOC(s->txt, nc, NULL);
    if (!p) return 0;
    s->txt = p; s->captxt = nc;
    return 1;
}
AIENG_API aieng_result aieng_grammar_state_copy(aieng_grammar_state *dst, const aieng_grammar_state *src) {
    int i;
    if (dst->registered && dst->g != src->g) return aieng_set_error(AIENG_ERR_INVALID_ARG, "grammar: states of different grammars");
    dst->g = src->g;
    dst->cur.n = 0;
    for (i = 0; i < src->cur.n; i++) if (!aieng__iv_push(&dst->cur, src->cur.v[i])) return aieng_set_error(AIENG_ERR_OOM, "grammar: out of memory");
    dst->acc = src->acc;
    dst->ntxt = 0;
    if (src->g->nchk) {
        if (!aieng__gs_txt_reserve(dst, src->ntxt + 1)) return aieng_set_error(AIENG_ERR_OOM, "grammar: out of memory");
        if (src->ntxt) memcpy(dst->txt, src->txt, src->ntxt);
        dst->ntxt = src->ntxt;
    }
    return AIENG_OK;
}
AIENG_API aieng_result aieng_grammar_state_advance(aieng_grammar_state *s, const void *bytes, size_t len) {
    const unsigned char *p = (const unsigned char *)bytes;
    aieng__iv a, b;
    int acc = s->acc, keep = s->g->nchk > 0;
    size_t i, n0 = s->ntxt;
    if (len == 0) return AIENG_OK;
    aieng__g_maybe_gc(s);
    if (keep && !aieng__gs_txt_reserve(s, n0 + len + AIENG__G_LOOKAHEAD + 1)) return aieng_set_error(AIENG_ERR_OOM, "grammar: out of memory");
    memset(&a, 0, sizeof a); memset(&b, 0, sizeof b);
    for (i = 0; i < len; i++) {
        const aieng__iv *in = i == 0 ? &s->cur : &a;
        if (keep) s->txt[n0 + i] = p[i];
        if (!aieng__g_step(s->g, in->v, in->n, p[i], &b, &acc, s->txt, keep ? n0 + i + 1 : 0, NULL, 1)) {
            aieng__iv_free(&a); aieng__iv_free(&b);
            return aieng_set_error(AIENG_ERR_OOM, "grammar: a bound on nodes or stacks was hit");
        }
        if (b.n == 0 && !(acc && i + 1 == len)) {
            aieng__iv_free(&a); aieng__iv_free(&b);
            return aieng_set_error(AIENG_ERR_FORMAT, "grammar: byte %lu not allowed here", (unsigned long)i);
        }
        { aieng__iv t = a; a = b; b = t; }
    }
    aieng__iv_free(&s->cur); aieng__iv_free(&b);
    s->cur = a;
    s->acc = acc;
    if (keep) s->ntxt = n0 + len;
    return AIENG_OK;
}
AIENG_API int aieng_grammar_state_allows(aieng_grammar_state *s, const void *bytes, size_t len) {
    aieng_grammar_state t;
    int ok;
    memset(&t, 0, sizeof t);
    if (aieng_grammar_state_copy(&t, s) != AIENG_OK) { aieng__iv_free(&t.cur); AIENG_FREE(t.txt, NULL); return 0; }
    ok = aieng_grammar_state_advance(&t, bytes, len) == AIENG_OK;
    aieng__iv_free(&t.cur); aieng__iv_free(&t.tmp);
    AIENG_FREE(t.txt, NULL);
    return ok;
}
AIENG_API int aieng_grammar_state_complete(const aieng_grammar_state *s) { return s->acc; }
AIENG_API int aieng_grammar_state_done(const aieng_grammar_state *s) { return s->cur.n == 0; }
AIENG_API int aieng_grammar_accepts(aieng_grammar *g, const void *bytes, size_t len) {
    aieng_grammar_state *s = NULL;
    int ok;
    if (aieng_grammar_state_new(g, &s) != AIENG_OK) return 0;
    ok = aieng_grammar_state_advance(s, bytes, len) == AIENG_OK && s->acc;
    aieng_grammar_state_free(s);
    return ok;
}

/* ---------------------------------------------------------------- regex -> GBNF */
/* code point range sets: pairs (lo, hi) in an aieng__iv */
static void aieng__rs_norm(aieng__iv *r) {
    int i, n = 0;
    if (r->n > 2) qsort(r->v, (size_t)(r->n / 2), 2 * sizeof(int), aieng__cmp_u2);
    for (i = 0; i < r->n; i += 2) {
        if (n && r->v[i] <= r->v[n - 1] + 1) { if (r->v[i + 1] > r->v[n - 1]) r->v[n - 1] = r->v[i + 1]; }
        else { r->v[n] = r->v[i]; r->v[n + 1] = r->v[i + 1]; n += 2; }
    }
    r->n = n;
}
static int aieng__rs_complement(aieng__iv *r) {
    aieng__iv c;
    int i, prev = 0, ok = 1;
    memset(&c, 0, sizeof c);
    aieng__rs_norm(r);
    for (i = 0; i < r->n; i += 2) {
        if (r->v[i] > prev) ok &= aieng__iv_push(&c, prev) & aieng__iv_push(&c, r->v[i] - 1);
        prev = r->v[i + 1] + 1;
    }
    if (prev <= 0x10FFFF) ok &= aieng__iv_push(&c, prev) & aieng__iv_push(&c, 0x10FFFF);
    aieng__iv_free(r);
    *r = c;
    return ok;
}
static int aieng__rs_has(const aieng__iv *r, int cp) {
    int i;
    for (i = 0; i < r->n; i += 2) if (cp >= r->v[i] && cp <= r->v[i + 1]) return 1;
    return 0;
}
static int aieng__rs_add(aieng__iv *r, int lo, int hi) { return aieng__iv_push(r, lo) && aieng__iv_push(r, hi); }
/* a code point inside a GBNF class or literal */
static void aieng__gbnf_cp(aieng__buf *b, unsigned cp, int in_class) {
    if (cp < 0x20 || cp == 0x7F) aieng__buf_printf(b, "\\x%02X", cp);
    else if (cp == '"' || cp == '\\' || (in_class && (cp == ']' || cp == '[' || cp == '-' || cp == '^'))) {
        aieng__buf_putc(b, '\\'); aieng__buf_putc(b, (char)cp); }
    else if (cp < 0x80) aieng__buf_putc(b, (char)cp);
    else if (cp <= 0xFFFF) aieng__buf_printf(b, "\\u%04X", cp);
    else aieng__buf_printf(b, "\\U%08X", cp);
}
static void aieng__gbnf_class(aieng__buf *b, const aieng__iv *r) {
    int i;
    aieng__buf_putc(b, '[');
    for (i = 0; i < r->n; i += 2) {
        aieng__gbnf_cp(b, (unsigned)r->v[i], 1);
        if (r->v[i + 1] > r->v[i]) { aieng__buf_putc(b, '-'); aieng__gbnf_cp(b, (unsigned)r->v[i + 1], 1); }
    }
    aieng__buf_putc(b, ']');
}
/* GBNF for one JSON string character (escapes valid, surrogate pairs only) */
#define AIENG__GBNF_JESC \
    "([\"\\\\/bfnrt] | \"u\" ([0-9a-cA-Ce-fE-F] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2} | " \
    "[dD] [89abAB] [0-9a-fA-F]{2} \"\\\\u\" [dD] [c-fC-F] [0-9a-fA-F]{2}))"
#define AIENG__GBNF_JCHAR "([^\"\\\\\\x00-\\x1F] | \"\\\\\" " AIENG__GBNF_JESC ")"
/* a set of characters as GBNF: raw, or as they appear JSON-escaped inside a string */
static void aieng__gbnf_set(aieng__buf *b, aieng__iv *r, int json) {
    if (!json) { aieng__gbnf_class(b, r); return; }
    {
        int q = aieng__rs_has(r, '"'), bs = aieng__rs_has(r, '\\'), ctl = 0, i;
        aieng__iv plain;
        memset(&plain, 0, sizeof plain);
        for (i = 0; i < r->n; i += 2) {
            int lo = r->v[i], hi = r->v[i + 1];
            if (lo < 0x20) { ctl = 1; lo = 0x20; }
            if (lo > hi) continue;
            if (lo <= '"' && hi >= '"') { if (lo < '"') aieng__rs_add(&plain, lo, '"' - 1); lo = '"' + 1; }
            if (lo <= '\\' && hi >= '\\') { if (lo < '\\') aieng__rs_add(&plain, lo, '\\' - 1); lo = '\\' + 1; }
            if (lo <= hi) aieng__rs_add(&plain, lo, hi);
        }
        aieng__buf_putc(b, '(');
        if (plain.n) aieng__gbnf_class(b, &plain);
        else aieng__buf_puts(b, "[^\\x00-\\U0010FFFF]"); /* no plain character: an empty class */
        if (q) aieng__buf_puts(b, " | \"\\\\\\\"\"");
        if (bs) aieng__buf_puts(b, " | \"\\\\\\\\\"");
        if (ctl) { /* exactly the control characters of the set: short escapes and \u00XX */
            static const char sh[5] = { 'b', 'f', 'n', 'r', 't' };
            static const int shc[5] = { 8, 12, 10, 13, 9 };
            int h, l, any = 0;
            for (l = 0; l < 5; l++) if (aieng__rs_has(r, shc[l])) { aieng__buf_puts(b, any ? "" : " | \"\\\\\" ["); aieng__buf_putc(b, sh[l]); any = 1; }
            if (any) aieng__buf_putc(b, ']');
            for (h = 0; h < 2; h++) {
                any = 0;
                for (l = 0; l < 16; l++) if (aieng__rs_has(r, h * 16 + l)) {
                    if (!any) aieng__buf_printf(b, " | \"\\\\u00%d\" [", h);
                    any = 1;
                    if (l < 10) aieng__buf_putc(b, (char)('0' + l)); else { aieng__buf_putc(b, (char)('a' + l - 10)); aieng__buf_putc(b, (char)('A' + l - 10)); }
                }
                if (any) aieng__buf_putc(b, ']');
            }
        }
        aieng__buf_putc(b, ')');
        aieng__iv_free(&plain);
    }
}
static void aieng__gbnf_lit_cp(aieng__buf *b, unsigned cp, int json) {
    aieng__buf_putc(b, '"');
    if (json && (cp == '"' || cp == '\\')) { aieng__buf_puts(b, "\\\\"); aieng__gbnf_cp(b, cp, 0); }
    else if (json && cp < 0x20) {
        const char *e = cp == '\n' ? "n" : cp == '\r' ? "r" : cp == '\t' ? "t" : cp == '\b' ? "b" : cp == '\f' ? "f" : NULL;
        aieng__buf_puts(b, "\\\\");
        if (e) aieng__buf_puts(b, e); else aieng__buf_printf(b, "u%04x", cp);
    } else aieng__gbnf_cp(b, cp, 0);
    aieng__buf_putc(b, '"');
}

/* with `tree` set the parser also builds a syntax tree (for the automata of pattern with
   lengths / format): nodes nd[0..nn), `last` = the node of what was parsed last */
typedef struct aieng__rn { int kind, a, b, mn, mx; aieng__iv set; } aieng__rn;
enum { AIENG__RN_SET, AIENG__RN_CAT, AIENG__RN_ALT, AIENG__RN_REP, AIENG__RN_EPS, AIENG__RN_BOL, AIENG__RN_EOL };
#define AIENG__RE_MAXLOOK 4
/* tree mode only (the automata): ^ and $ anywhere (zero-width assertions), and look-aheads
   (?=X) / (?!X) right after the ^ of a pattern without a top-level |: look[k] is X followed
   by any text, lneg[k] whether it must not match */
typedef struct aieng__re { const char *p, *end, *start; int json; aieng__buf *o; const char *err; int depth;
                           int tree, last, nn, capn; aieng__rn *nd; int asserts, nlook, ntop, look[AIENG__RE_MAXLOOK], lneg[AIENG__RE_MAXLOOK]; } aieng__re;
static int aieng__re_fail(aieng__re *r, const char *msg) { if (!r->err) r->err = msg; return 0; }
/* a new tree node (set: moved into the node, for SET); -1 when out of memory or not building */
static int aieng__re_node(aieng__re *r, int kind, int a, int b, aieng__iv *set) {
    aieng__rn *x;
    if (!r->tree || r->err) { if (set) aieng__iv_free(set); return -1; }
    if (r->nn == r->capn) {
        int nc = r->capn ? r->capn * 2 : 64;
        aieng__rn *nd = r->nn >= 1000000 ? NULL : (aieng__rn *)AIENG_REALLOC(r->nd, (size_t)nc * sizeof *nd, NULL);
        if (!nd) { if (set) aieng__iv_free(set); aieng__re_fail(r, "regex too large (out of memory)"); return -1; }
        r->nd = nd; r->capn = nc;
    }
    x = &r->nd[r->nn];
    memset(x, 0, sizeof *x);
    x->kind = kind; x->a = a; x->b = b;
    if (set) { x->set = *set; memset(set, 0, sizeof *set); }
    r->last = r->nn;
    return r->nn++;
}
static void aieng__re_free(aieng__re *r) {
    int i;
    for (i = 0; i < r->nn; i++) aieng__iv_free(&r->nd[i].set);
    AIENG_FREE(r->nd, NULL);
    r->nd = NULL; r->nn = r->capn = 0;
}
static int aieng__re_cp_node(aieng__re *r, long lo, long hi) {
    aieng__iv t;
    memset(&t, 0, sizeof t);
    if (!r->tree) return -1;
    if (!aieng__rs_add(&t, (int)lo, (int)hi)) { aieng__iv_free(&t); return aieng__re_fail(r, "regex too large (out of memory)") - 1; }
    return aieng__re_node(r, AIENG__RN_SET, 0, 0, &t);
}
static int aieng__re_class_escape(int c, aieng__iv *set) {
    switch (c) {
    case 'd': return aieng__rs_add(set, '0', '9');
    case 'w': return aieng__rs_add(set, '0', '9') && aieng__rs_add(set, 'A', 'Z') && aieng__rs_add(set, '_', '_') && aieng__rs_add(set, 'a', 'z');
    case 's': return aieng__rs_add(set, 9, 13) && aieng__rs_add(set, ' ', ' ') && aieng__rs_add(set, 0xA0, 0xA0) &&
                     aieng__rs_add(set, 0x2028, 0x2029) && aieng__rs_add(set, 0xFEFF, 0xFEFF);
    }
    return -1;
}
/* parses an escape after '\' ; returns a code point >= 0, or -2 when it added a set, -1 on error */
static long aieng__re_escape(aieng__re *r, aieng__iv *set, int in_class) {
    int c;
    if (r->p >= r->end) { aieng__re_fail(r, "regex ends with '\\'"); return -1; }
    c = (unsigned char)*r->p++;
    if (c == 'd' || c == 'w' || c == 's' || c == 'D' || c == 'W' || c == 'S') {
        aieng__iv t;
        int i;
        memset(&t, 0, sizeof t);
        aieng__re_class_escape(c | 0x20, &t);
        if (c < 'a') aieng__rs_complement(&t);
        for (i = 0; i < t.n; i++) aieng__iv_push(set, t.v[i]);
        aieng__iv_free(&t);
        return -2;
    }
    switch (c) {
    case 't': return '\t';
    case 'n': return '\n';
    case 'r': return '\r';
    case 'f': return '\f';
    case 'v': return '\v';
    case '0': return 0;
    case 'b': if (in_class) return '\b'; aieng__re_fail(r, "\\b (word boundary) is not supported"); return -1;
    case 'x': case 'u': {
        int nd = c == 'x' ? 2 : 4, i;
        long v = 0;
        for (i = 0; i < nd; i++) {
            int h = r->p < r->end ? aieng__hexval((unsigned char)*r->p) : -1;
            if (h < 0) { aieng__re_fail(r, "bad hex escape in regex"); return -1; }
            v = v * 16 + h; r->p++;
        }
        if (v >= 0xD800 && v <= 0xDFFF) { aieng__re_fail(r, "surrogate escape in regex"); return -1; }
        return v;
    }
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '1' && c <= '9')) {
        aieng__re_fail(r, c >= '1' && c <= '9' ? "back-references are not supported" : "unsupported escape in regex");
        return -1;
    }
    return c;
}
static long aieng__re_char(aieng__re *r) {
    unsigned cp;
    int k = aieng__utf8_decode((const unsigned char *)r->p, (size_t)(r->end - r->p), &cp);
    if (!k) { aieng__re_fail(r, "invalid UTF-8 in regex"); return -1; }
    r->p += k;
    return (long)cp;
}
static int aieng__re_alt(aieng__re *r, int top);
static int aieng__re_atom(aieng__re *r) {
    char c = *r->p;
    if (c == '(') {
        r->p++;
        if (r->depth++ > 100) return aieng__re_fail(r, "regex groups nested too deep");
        if (r->p < r->end && *r->p == '?') {
            r->p++;
            if (r->p < r->end && *r->p == ':') r->p++;
            else if (r->p < r->end && (*r->p == '<' || *r->p == 'P') && !(r->end - r->p >= 2 && (r->p[1] == '=' || r->p[1] == '!'))) {
                if (*r->p == 'P') r->p++;
                if (r->p >= r->end || *r->p != '<') return aieng__re_fail(r, "bad group syntax in regex");
                while (r->p < r->end && *r->p != '>') r->p++;
                if (r->p >= r->end) return aieng__re_fail(r, "bad group name in regex");
                r->p++;
            } else return aieng__re_fail(r, "look-around is not supported");
        }
        aieng__buf_putc(r->o, '(');
        if (!aieng__re_alt(r, 0)) return 0;
        if (r->p >= r->end || *r->p != ')') return aieng__re_fail(r, "missing ')' in regex");
        r->p++;
        r->depth--;
        aieng__buf_putc(r->o, ')');
        return 1;
    }
    if (c == '[' || c == '.') {
        aieng__iv set;
        int neg = 0;
        memset(&set, 0, sizeof set);
        r->p++;
        if (c == '.') { aieng__rs_add(&set, '\n', '\n'); aieng__rs_add(&set, '\r', '\r'); neg = 1; }
        else {
            if (r->p < r->end && *r->p == '^') { neg = 1; r->p++; }
            if (r->p < r->end && *r->p == ']') { aieng__rs_add(&set, ']', ']'); r->p++; }
            while (r->p < r->end && *r->p != ']') {
                long lo, hi;
                if (*r->p == '\\') { r->p++; lo = aieng__re_escape(r, &set, 1); }
                else lo = aieng__re_char(r);
                if (lo == -1) { aieng__iv_free(&set); return 0; }
                if (lo == -2) continue;
                hi = lo;
                if (r->end - r->p >= 2 && *r->p == '-' && r->p[1] != ']') {
                    r->p++;
                    if (*r->p == '\\') { r->p++; hi = aieng__re_escape(r, &set, 1); }
                    else hi = aieng__re_char(r);
                    if (hi == -1) { aieng__iv_free(&set); return 0; }
                    if (hi == -2) { aieng__rs_add(&set, lo, lo); aieng__rs_add(&set, '-', '-'); continue; }
                    if (hi < lo) { aieng__iv_free(&set); return aieng__re_fail(r, "reversed range in regex class"); }
                }
                aieng__rs_add(&set, (int)lo, (int)hi);
            }
            if (r->p >= r->end) { aieng__iv_free(&set); return aieng__re_fail(r, "missing ']' in regex"); }
            r->p++;
        }
        if (neg) aieng__rs_complement(&set); else aieng__rs_norm(&set);
        aieng__gbnf_set(r->o, &set, r->json);
        aieng__re_node(r, AIENG__RN_SET, 0, 0, &set);
        aieng__iv_free(&set);
        return 1;
    }
    if (c == '\\') {
        aieng__iv set;
        long cp;
        memset(&set, 0, sizeof set);
        r->p++;
        cp = aieng__re_escape(r, &set, 0);
        if (cp == -1) { aieng__iv_free(&set); return 0; }
        if (cp == -2) { aieng__rs_norm(&set); aieng__gbnf_set(r->o, &set, r->json); aieng__re_node(r, AIENG__RN_SET, 0, 0, &set); }
        else { aieng__gbnf_lit_cp(r->o, (unsigned)cp, r->json); aieng__re_cp_node(r, cp, cp); }
        aieng__iv_free(&set);
        return 1;
    }
    if (c == '*' || c == '+' || c == '?') return aieng__re_fail(r, "quantifier without an element in regex");
    if ((c == '^' || c == '$') && r->tree) { /* an assertion (automata only) */
        r->p++;
        r->asserts = 1;
        aieng__re_node(r, c == '^' ? AIENG__RN_BOL : AIENG__RN_EOL, 0, 0, NULL);
        return 1;
    }
    if (c == '^' || c == '$') return aieng__re_fail(r, "anchors are supported only at the start and the end");
    {
        long cp = aieng__re_char(r);
        if (cp < 0) return 0;
        aieng__gbnf_lit_cp(r->o, (unsigned)cp, r->json);
        aieng__re_cp_node(r, cp, cp);
        return 1;
    }
}
static int aieng__re_quant(aieng__re *r) {
    char c;
    if (r->p >= r->end) return 1;
    c = *r->p;
    if (c == '*' || c == '+' || c == '?') {
        r->p++; aieng__buf_putc(r->o, c);
        if (r->tree) { int x = aieng__re_node(r, AIENG__RN_REP, r->last, 0, NULL); if (x >= 0) { r->nd[x].mn = c == '+'; r->nd[x].mx = c == '?' ? 1 : -1; } }
    } else if (c == '{') {
        const char *q = r->p + 1;
        long mn = 0, mx = -1;
        int have = 0;
        while (q < r->end && *q >= '0' && *q <= '9') { mn = mn * 10 + (*q++ - '0'); have = 1; if (mn > 100000) return aieng__re_fail(r, "regex repetition too large"); }
        if (!have) return 1; /* a literal '{' follows */
        if (q < r->end && *q == ',') {
            q++;
            if (q < r->end && *q >= '0' && *q <= '9') { mx = 0; while (q < r->end && *q >= '0' && *q <= '9') { mx = mx * 10 + (*q++ - '0'); if (mx > 100000) return aieng__re_fail(r, "regex repetition too large"); } }
        } else mx = mn;
        if (q >= r->end || *q != '}') return 1;
        r->p = q + 1;
        if (mx >= 0 && mx < mn) return aieng__re_fail(r, "{n,m} with m < n in regex");
        if (mn > AIENG_GRAMMAR_MAX_REPEAT || mx > AIENG_GRAMMAR_MAX_REPEAT) return aieng__re_fail(r, "regex repetition too large");
        if (mx < 0) aieng__buf_printf(r->o, "{%ld,}", mn); else aieng__buf_printf(r->o, "{%ld,%ld}", mn, mx);
        if (r->tree) { int x = aieng__re_node(r, AIENG__RN_REP, r->last, 0, NULL); if (x >= 0) { r->nd[x].mn = (int)mn; r->nd[x].mx = (int)mx; } }
    } else return 1;
    if (r->p < r->end && *r->p == '?') r->p++; /* lazy: same language */
    else if (r->p < r->end && *r->p == '+') return aieng__re_fail(r, "possessive quantifiers are not supported");
    if (r->p < r->end && (*r->p == '*' || *r->p == '+' || *r->p == '?' )) return aieng__re_fail(r, "nested quantifier in regex");
    return 1;
}
/* tree: any text (the implicit .* of an unanchored side) */
static int aieng__re_any_node(aieng__re *r) {
    int x = aieng__re_cp_node(r, 0, 0x10FFFF);
    if (x < 0) return -1;
    x = aieng__re_node(r, AIENG__RN_REP, x, 0, NULL);
    if (x >= 0) { r->nd[x].mn = 0; r->nd[x].mx = -1; }
    return x;
}
static int aieng__re_seq(aieng__re *r, int top) {
    int anchored_start = 0, anchored_end = 0, n = 0, cur = -1;
    if (top && r->p < r->end && *r->p == '^') { anchored_start = 1; r->p++; }
    if (top) r->ntop++;
    while (top && anchored_start && r->tree && r->end - r->p >= 3 && r->p[0] == '(' && r->p[1] == '?' && (r->p[2] == '=' || r->p[2] == '!')) {
        int neg = r->p[2] == '!', x;
        if (r->nlook == AIENG__RE_MAXLOOK) return aieng__re_fail(r, "too many look-aheads in regex");
        r->p += 3;
        if (r->depth++ > 100) return aieng__re_fail(r, "regex groups nested too deep");
        if (!aieng__re_alt(r, 0)) return 0;
        if (r->p >= r->end || *r->p != ')') return aieng__re_fail(r, "missing ')' in regex");
        r->p++;
        r->depth--;
        x = r->last;
        x = aieng__re_node(r, AIENG__RN_CAT, x, aieng__re_any_node(r), NULL);
        r->look[r->nlook] = x; r->lneg[r->nlook++] = neg;
    }
    aieng__buf_putc(r->o, '(');
    if (top && !anchored_start) { aieng__buf_puts(r->o, r->json ? AIENG__GBNF_JCHAR "* " : ".* "); cur = aieng__re_any_node(r); }
    while (r->p < r->end && *r->p != '|' && *r->p != ')') {
        if (top && *r->p == '$' && (r->p + 1 == r->end || r->p[1] == '|')) { anchored_end = 1; r->p++; break; }
        aieng__buf_putc(r->o, '(');
        if (!aieng__re_atom(r)) return 0;
        aieng__buf_putc(r->o, ')');
        if (!aieng__re_quant(r)) return 0;
        aieng__buf_putc(r->o, ' ');
        if (r->tree) cur = cur < 0 ? r->last : aieng__re_node(r, AIENG__RN_CAT, cur, r->last, NULL);
        n++;
    }
    if (top && !anchored_end) {
        aieng__buf_puts(r->o, r->json ? AIENG__GBNF_JCHAR "*" : ".*");
        if (r->tree) { int x = aieng__re_any_node(r); cur = cur < 0 ? x : aieng__re_node(r, AIENG__RN_CAT, cur, x, NULL); }
    } else if (!n) aieng__buf_puts(r->o, "\"\"");
    if (r->tree && cur < 0) cur = aieng__re_node(r, AIENG__RN_EPS, 0, 0, NULL);
    r->last = cur;
    aieng__buf_putc(r->o, ')');
    return 1;
}
static int aieng__re_alt(aieng__re *r, int top) {
    int cur = -1;
    aieng__buf_putc(r->o, '(');
    for (;;) {
        if (!aieng__re_seq(r, top)) return 0;
        if (r->tree) cur = cur < 0 ? r->last : aieng__re_node(r, AIENG__RN_ALT, cur, r->last, NULL);
        if (r->p < r->end && *r->p == '|') { r->p++; aieng__buf_puts(r->o, " | "); continue; }
        break;
    }
    r->last = cur;
    aieng__buf_putc(r->o, ')');
    return 1;
}
/* parses re into r (tree: also its syntax tree, freed by aieng__re_free), GBNF text to o */
static aieng_result aieng__re_parse(aieng__re *r, const char *re, size_t len, int json, int tree, aieng__buf *o) {
    memset(r, 0, sizeof *r);
    r->start = r->p = re; r->end = re + len; r->json = json; r->o = o; r->tree = tree; r->last = -1;
    if (aieng__re_alt(r, 1) && r->p == r->end && r->nlook && r->ntop > 1) aieng__re_fail(r, "look-ahead in a pattern with a top-level | is not supported");
    if (r->p != r->end || r->err) {
        if (!r->err) r->err = "unbalanced ')' in regex";
        return aieng_set_error(AIENG_ERR_UNSUPPORTED, "regex: %s at offset %lu of /%.*s/", r->err,
                               (unsigned long)(r->p - re), (int)(len > 200 ? 200 : len), re);
    }
    if (o->oom) return aieng_set_error(AIENG_ERR_OOM, "regex: out of memory");
    return AIENG_OK;
}
static aieng_result aieng__regex_gbnf(const char *re, size_t len, int json, aieng__buf *o) {
    aieng__re r;
    return aieng__re_parse(&r, re, len, json, 0, o);
}
AIENG_API aieng_result aieng_regex_to_gbnf(const char *re, size_t len, int json, char **out, size_t *out_len) {
    aieng__buf b;
    aieng_result r;
    if (!re || !out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "regex: NULL argument");
    memset(&b, 0, sizeof b);
    r = aieng__regex_gbnf(re, len, json, &b);
    if (r != AIENG_OK) { AIENG_FREE(b.p, NULL); *out = NULL; return r; }
    *out = b.p;
    if (out_len) *out_len = b.n;
    return AIENG_OK;
}
/* 1 when the whole of s matches the regex (unanchored semantics as in JSON Schema), 0 when
   not, -1 on an unsupported regex */
static int aieng__regex_match_dfa(const char *re, size_t relen, const char *s, size_t n);
static int aieng__regex_match(const char *re, size_t relen, const char *s, size_t n) {
    aieng__buf b;
    aieng_grammar *g = NULL;
    int ok;
    memset(&b, 0, sizeof b);
    aieng__buf_puts(&b, "root ::= ");
    if (aieng__regex_gbnf(re, relen, 0, &b) != AIENG_OK) { AIENG_FREE(b.p, NULL); return aieng__regex_match_dfa(re, relen, s, n); } /* anchors inside, look-ahead */
    if (b.oom || aieng_grammar_parse(b.p, b.n, "root", &g) != AIENG_OK) { AIENG_FREE(b.p, NULL); return -1; }
    AIENG_FREE(b.p, NULL);
    ok = aieng_grammar_accepts(g, s, n);
    aieng_grammar_free(g);
    return ok;
}
/* ---- regex -> DFA over "atoms" (code point intervals that no class of the regexes splits):
   Thompson NFA from the syntax tree, subset construction, Moore minimization. Used for
   pattern with minLength/maxLength, format with them, and pattern with format. */
#ifndef AIENG_REGEX_MAX_STATES
#define AIENG_REGEX_MAX_STATES 100000      /* NFA states of one regex; DFA states: a tenth */
#endif
#define AIENG__RE_WORK 40000000L /* steps of one regex's DFA construction (closures, minimization) */
typedef struct aieng__nfa { int *set, *o1, *o2; int n, cap; unsigned char *endok; } aieng__nfa;
/* set: tree node of a SET edge (o1), -1: epsilon (o1, o2), -2 / -3: ^ / $ assertion (o1);
   endok (with assertions): bit 0 the end is reachable without input, bit 1 also through ^ */
static int aieng__nfa_new(aieng__nfa *f, int set) {
    if (f->n >= AIENG_REGEX_MAX_STATES) return -1;
    if (f->n == f->cap) {
        int nc = f->cap ? f->cap * 2 : 256, *x;
        if (!(x = (int *)AIENG_REALLOC(f->set, (size_t)nc * sizeof(int), NULL))) return -1;
        f->set = x;
        if (!(x = (int *)AIENG_REALLOC(f->o1, (size_t)nc * sizeof(int), NULL))) return -1;
        f->o1 = x;
        if (!(x = (int *)AIENG_REALLOC(f->o2, (size_t)nc * sizeof(int), NULL))) return -1;
        f->o2 = x; f->cap = nc;
    }
    f->set[f->n] = set; f->o1[f->n] = f->o2[f->n] = -1;
    return f->n++;
}
/* fragment for tree node x: *s start, *e end (an epsilon state without exits); 0 on overflow */
static int aieng__nfa_frag(aieng__nfa *f, const aieng__re *r, int x, int *s, int *e, int depth) {
    const aieng__rn *nd = &r->nd[x];
    if (depth > 1000) return 0;
    if (nd->kind == AIENG__RN_SET) {
        if ((*s = aieng__nfa_new(f, x)) < 0 || (*e = aieng__nfa_new(f, -1)) < 0) return 0;
        f->o1[*s] = *e;
        return 1;
    }
    if (nd->kind == AIENG__RN_EPS) { if ((*s = aieng__nfa_new(f, -1)) < 0) return 0; *e = *s; return 1; }
    if (nd->kind == AIENG__RN_BOL || nd->kind == AIENG__RN_EOL) { /* an assertion edge (set -2: at the start, -3: at the end) */
        if ((*s = aieng__nfa_new(f, nd->kind == AIENG__RN_BOL ? -2 : -3)) < 0 || (*e = aieng__nfa_new(f, -1)) < 0) return 0;
        f->o1[*s] = *e;
        return 1;
    }
    if (nd->kind == AIENG__RN_CAT || nd->kind == AIENG__RN_ALT) { /* left spines are long: walk them without recursion */
        aieng__iv parts;
        int y = x, i, ok = 1, fs = -1, fe = -1, join = -1, split = -1;
        memset(&parts, 0, sizeof parts);
        while (r->nd[y].kind == nd->kind) { ok &= aieng__iv_push(&parts, r->nd[y].b); y = r->nd[y].a; }
        ok &= aieng__iv_push(&parts, y);
        if (nd->kind == AIENG__RN_ALT) { if (!ok || (join = aieng__nfa_new(f, -1)) < 0) ok = 0; *e = join; }
        for (i = parts.n - 1; ok && i >= 0; i--) {
            if (!aieng__nfa_frag(f, r, parts.v[i], &fs, &fe, depth + 1)) { ok = 0; break; }
            if (nd->kind == AIENG__RN_CAT) {
                if (i == parts.n - 1) *s = fs; else f->o1[*e] = fs;
                *e = fe;
            } else {
                int sp = i ? aieng__nfa_new(f, -1) : fs;
                if (sp < 0) { ok = 0; break; }
                if (i) f->o1[sp] = fs;
                if (split < 0) *s = sp; else f->o2[split] = sp;
                split = sp;
                f->o1[fe] = join;
            }
        }
        aieng__iv_free(&parts);
        return ok;
    }
    { /* REP: mn copies, then mx - mn optional ones, or a loop */
        int i, fs = -1, fe = -1, cur = aieng__nfa_new(f, -1);
        if (cur < 0) return 0;
        *s = cur;
        for (i = 0; i < nd->mn; i++) {
            if (!aieng__nfa_frag(f, r, nd->a, &fs, &fe, depth + 1)) return 0;
            f->o1[cur] = fs; cur = fe;
        }
        if (nd->mx < 0) {
            int loop = aieng__nfa_new(f, -1), out = aieng__nfa_new(f, -1);
            if (loop < 0 || out < 0 || !aieng__nfa_frag(f, r, nd->a, &fs, &fe, depth + 1)) return 0;
            f->o1[cur] = loop; f->o1[loop] = fs; f->o2[loop] = out; f->o1[fe] = loop;
            cur = out;
        } else for (i = nd->mn; i < nd->mx; i++) {
            int sp = aieng__nfa_new(f, -1), out = aieng__nfa_new(f, -1);
            if (sp < 0 || out < 0 || !aieng__nfa_frag(f, r, nd->a, &fs, &fe, depth + 1)) return 0;
            f->o1[cur] = sp; f->o1[sp] = fs; f->o2[sp] = out; f->o1[fe] = out;
            cur = out;
        }
        *e = cur;
        return 1;
    }
}
typedef struct aieng__rdfa { int n, natoms, *tr; unsigned char *acc; } aieng__rdfa; /* tr[state * natoms + atom], -1: dead; start 0 */
static void aieng__rdfa_free(aieng__rdfa *d) { AIENG_FREE(d->tr, NULL); AIENG_FREE(d->acc, NULL); memset(d, 0, sizeof *d); }
/* the atom holding code point cp (alo: sorted atom starts, alo[0] = 0) */
static int aieng__atom_of(const int *alo, int natoms, int cp) {
    int lo = 0, hi = natoms - 1;
    while (lo < hi) { int m = (lo + hi + 1) / 2; if (alo[m] <= cp) lo = m; else hi = m - 1; }
    return lo;
}
/* epsilon closure of the states in `in`, written sorted to `out` (states with a SET edge and
   the final state only); mark/stamp: scratch */
static int aieng__nfa_closure(const aieng__nfa *f, int fin, const aieng__iv *in, aieng__iv *out, aieng__iv *stack, int *mark, int stamp, long *work, int start) {
    int i, ok = 1;
    out->n = 0; stack->n = 0;
    for (i = 0; i < in->n; i++) if (mark[in->v[i]] != stamp) { mark[in->v[i]] = stamp; ok &= aieng__iv_push(stack, in->v[i]); }
    *work += in->n;
    while (ok && stack->n) {
        int x = stack->v[--stack->n];
        (*work)++;
        if (f->set[x] >= 0 || x == fin) { ok &= aieng__iv_push(out, x); continue; }
        if (f->set[x] == -2 && !start) continue; /* ^ after some input: no way on */
        if (f->set[x] == -3) { /* $: only the end may follow, so the state accepts when the end is reachable without input */
            if ((f->endok[f->o1[x]] & (start ? 2 : 1)) && mark[fin] != stamp) { mark[fin] = stamp; ok &= aieng__iv_push(out, fin); }
            continue;
        }
        if (f->o1[x] >= 0 && mark[f->o1[x]] != stamp) { mark[f->o1[x]] = stamp; ok &= aieng__iv_push(stack, f->o1[x]); }
        if (f->o2[x] >= 0 && mark[f->o2[x]] != stamp) { mark[f->o2[x]] = stamp; ok &= aieng__iv_push(stack, f->o2[x]); }
    }
    if (out->n > 1) qsort(out->v, (size_t)out->n, sizeof(int), aieng__cmp_int);
    return ok;
}
/* the minimal DFA of tree node `root` of r over the atoms (look-aheads aside); 0 with an error message */
static int aieng__re_dfa1(const aieng__re *r, int root, const int *alo, int natoms, aieng__rdfa *out) {
    aieng__nfa f;
    aieng__iv pool, off, cur, clo, stack, *bucket = NULL, seed;
    int *mark = NULL, *hash = NULL, *tr = NULL, *cls = NULL, *ncls = NULL, *sig = NULL;
    unsigned char *acc = NULL, *uv = NULL;
    int s0 = -1, fin = -1, hcap = 1, n = 0, i, k, ok = 1, stamp = 0, maxd = AIENG_REGEX_MAX_STATES / 10, univ = -1;
    long work = 0, mwork = 0;
    const char *err = NULL;
    memset(&f, 0, sizeof f); memset(&pool, 0, sizeof pool); memset(&off, 0, sizeof off); memset(&cur, 0, sizeof cur);
    memset(&clo, 0, sizeof clo); memset(&stack, 0, sizeof stack); memset(&seed, 0, sizeof seed);
    memset(out, 0, sizeof *out);
    if (!aieng__nfa_frag(&f, r, root, &s0, &fin, 0)) { err = "regex too large for an automaton"; goto done; }
    while (hcap < 2 * maxd + 2) hcap *= 2;
    mark = (int *)AIENG_MALLOC((size_t)f.n * sizeof(int), NULL);
    bucket = (aieng__iv *)AIENG_MALLOC((size_t)natoms * sizeof(aieng__iv), NULL);
    hash = (int *)AIENG_MALLOC((size_t)hcap * sizeof(int), NULL);
    if (!mark || !bucket || !hash) { ok = 0; goto done; }
    memset(bucket, 0, (size_t)natoms * sizeof(aieng__iv));
    for (i = 0; i < f.n; i++) mark[i] = 0;
    for (i = 0; i < hcap; i++) hash[i] = -1;
    if (r->asserts) { /* which states reach the end without input (through ^ too: bit 1) */
        int changed = 1;
        if (!(f.endok = (unsigned char *)AIENG_MALLOC((size_t)f.n, NULL))) { ok = 0; goto done; }
        memset(f.endok, 0, (size_t)f.n);
        f.endok[fin] = 3;
        while (changed) {
            changed = 0;
            for (i = f.n - 1; i >= 0; i--) {
                unsigned char v = f.endok[i];
                if (f.set[i] == -1) { if (f.o1[i] >= 0) v |= f.endok[f.o1[i]]; if (f.o2[i] >= 0) v |= f.endok[f.o2[i]]; }
                else if (f.set[i] == -3) v |= f.endok[f.o1[i]];
                else if (f.set[i] == -2) v |= f.endok[f.o1[i]] & 2;
                if (v != f.endok[i]) { f.endok[i] = v; changed = 1; }
            }
            if ((work += f.n) > AIENG__RE_WORK) { err = "regex needs too much work for an automaton"; goto done; }
        }
    }
    /* universal states: a SET edge over every code point whose target leads back to it and to
       the end by epsilon moves (the .* of an unanchored end): every text is accepted from
       there, so a subset that holds one is the same state as {univ, fin} (without this,
       alternatives like /a|b|c/ would keep the partial matches of the others apart) */
    for (i = 0; ok && i < f.n; i++) {
        const aieng__iv *fs;
        int j, self = 0, end = 0;
        if (f.set[i] < 0) continue;
        fs = &r->nd[f.set[i]].set;
        if (fs->n != 2 || fs->v[0] != 0 || fs->v[1] != 0x10FFFF) continue;
        seed.n = 0;
        ok &= aieng__iv_push(&seed, f.o1[i]);
        ok &= aieng__nfa_closure(&f, fin, &seed, &clo, &stack, mark, ++stamp, &work, 0);
        for (j = 0; j < clo.n; j++) { if (clo.v[j] == i) self = 1; if (clo.v[j] == fin) end = 1; }
        if (self && end) {
            if (!uv && !(uv = (unsigned char *)AIENG_MALLOC((size_t)f.n, NULL))) { ok = 0; break; }
            if (univ < 0) memset(uv, 0, (size_t)f.n), univ = i;
            uv[i] = 1;
        }
    }
    seed.n = 0;
    ok &= aieng__iv_push(&seed, s0);
    ok &= aieng__nfa_closure(&f, fin, &seed, &clo, &stack, mark, ++stamp, &work, 1);
    /* DFA states: closures stored in pool at off[i] .. off[i + 1] */
#define AIENG__RD_FIND(res) do { \
        unsigned h_ = 2166136261u; int j_, q_; \
        if (univ >= 0) for (j_ = 0; j_ < clo.n; j_++) if (clo.v[j_] != fin && uv[clo.v[j_]]) { \
            clo.n = 0; ok &= aieng__iv_push(&clo, univ < fin ? univ : fin); ok &= aieng__iv_push(&clo, univ < fin ? fin : univ); break; } \
        for (j_ = 0; j_ < clo.n; j_++) h_ = (h_ ^ (unsigned)clo.v[j_]) * 16777619u; \
        q_ = (int)(h_ & (unsigned)(hcap - 1)); (res) = -1; \
        while (hash[q_] >= 0) { int t_ = hash[q_]; \
            if (off.v[t_ + 1] - off.v[t_] == clo.n && !memcmp(pool.v + off.v[t_], clo.v, (size_t)clo.n * sizeof(int))) { (res) = t_; break; } \
            q_ = (q_ + 1) & (hcap - 1); } \
        if ((res) < 0) { \
            if (n >= maxd || 2 * n >= hcap || (long)(n + 1) * natoms > AIENG__RE_WORK / 8) { err = "regex needs too many automaton states"; goto done; } \
            for (j_ = 0; j_ < clo.n; j_++) ok &= aieng__iv_push(&pool, clo.v[j_]); \
            if (!n) ok &= aieng__iv_push(&off, 0); \
            ok &= aieng__iv_push(&off, pool.n); \
            hash[q_] = n; (res) = n++; \
            { int *nt_ = (int *)AIENG_REALLOC(tr, (size_t)n * (size_t)natoms * sizeof(int), NULL); if (!nt_) { ok = 0; goto done; } tr = nt_; } \
            { unsigned char *na_ = (unsigned char *)AIENG_REALLOC(acc, (size_t)n, NULL); if (!na_) { ok = 0; goto done; } acc = na_; } \
            acc[n - 1] = 0; \
            for (j_ = 0; j_ < clo.n; j_++) if (clo.v[j_] == fin) acc[n - 1] = 1; \
        } } while (0)
    { int t; AIENG__RD_FIND(t); (void)t; }
    for (i = 0; ok && i < n; i++) {
        int a, prev = -2;
        for (k = 0; k < natoms; k++) bucket[k].n = 0;
        for (a = off.v[i]; a < off.v[i + 1]; a++) {
            int x = pool.v[a], q;
            const aieng__iv *set;
            if (f.set[x] < 0) continue;
            set = &r->nd[f.set[x]].set;
            for (q = 0; q < set->n; q += 2) {
                int k1 = aieng__atom_of(alo, natoms, set->v[q]), k2 = aieng__atom_of(alo, natoms, set->v[q + 1]);
                for (k = k1; k <= k2; k++) ok &= aieng__iv_push(&bucket[k], f.o1[x]);
            }
        }
        for (k = 0; ok && k < natoms; k++) {
            int t;
            if (!bucket[k].n) { tr[(size_t)i * natoms + k] = -1; prev = -2; continue; }
            if (prev >= -1 && k && bucket[k].n == bucket[k - 1].n && !memcmp(bucket[k].v, bucket[k - 1].v, (size_t)bucket[k].n * sizeof(int))) {
                tr[(size_t)i * natoms + k] = prev; continue; }
            ok &= aieng__nfa_closure(&f, fin, &bucket[k], &clo, &stack, mark, ++stamp, &work, 0);
            if (work > AIENG__RE_WORK) { err = "regex needs too much work for an automaton"; goto done; }
            AIENG__RD_FIND(t);
            tr[(size_t)i * natoms + k] = prev = t;
        }
    }
#undef AIENG__RD_FIND
    if (!ok) goto done;
    /* Moore minimization: refine classes by (class, classes of the successors) */
    cls = (int *)AIENG_MALLOC((size_t)n * sizeof(int), NULL);
    ncls = (int *)AIENG_MALLOC((size_t)n * sizeof(int), NULL);
    sig = (int *)AIENG_MALLOC((size_t)n * sizeof(int), NULL);
    if (!cls || !ncls || !sig) { ok = 0; goto done; }
    {
        int nc = 0, pc = -1, any[2] = { -1, -1 };
        for (i = 0; i < n; i++) { if (any[acc[i]] < 0) any[acc[i]] = nc++; cls[i] = any[acc[i]]; }
        while (nc != pc) {
            if ((mwork += (long)n * natoms) > AIENG__RE_WORK / 8) { /* too costly to minimize: every state its own class (still exact) */
                for (i = 0; i < n; i++) cls[i] = i;
                nc = n;
                break;
            }
            pc = nc; nc = 0;
            for (i = 0; i < hcap; i++) hash[i] = -1;
            for (i = 0; i < n; i++) {
                unsigned h = (unsigned)cls[i] * 2654435761u;
                int q, t;
                for (k = 0; k < natoms; k++) { int y = tr[(size_t)i * natoms + k]; h = (h ^ (unsigned)(y < 0 ? -1 : cls[y])) * 16777619u; }
                q = (int)(h & (unsigned)(hcap - 1));
                ncls[i] = -1;
                while ((t = hash[q]) >= 0) {
                    int same = cls[t] == cls[i];
                    for (k = 0; same && k < natoms; k++) {
                        int y = tr[(size_t)i * natoms + k], z = tr[(size_t)t * natoms + k];
                        same = (y < 0 ? -1 : cls[y]) == (z < 0 ? -1 : cls[z]);
                    }
                    if (same) { ncls[i] = ncls[t]; break; }
                    q = (q + 1) & (hcap - 1);
                }
                if (ncls[i] < 0) { hash[q] = i; ncls[i] = nc++; }
            }
            memcpy(cls, ncls, (size_t)n * sizeof(int));
        }
        /* renumber so that the start state is 0 */
        for (i = 0; i < nc; i++) sig[i] = -1;
        { int m = 0; for (i = 0; i < n; i++) if (sig[cls[i]] < 0) sig[cls[i]] = m++; }
        out->n = nc; out->natoms = natoms;
        out->tr = (int *)AIENG_MALLOC((size_t)nc * (size_t)natoms * sizeof(int), NULL);
        out->acc = (unsigned char *)AIENG_MALLOC((size_t)nc, NULL);
        if (!out->tr || !out->acc) { ok = 0; goto done; }
        for (i = 0; i < n; i++) {
            int c2 = sig[cls[i]];
            out->acc[c2] = acc[i];
            for (k = 0; k < natoms; k++) { int y = tr[(size_t)i * natoms + k]; out->tr[(size_t)c2 * natoms + k] = y < 0 ? -1 : sig[cls[y]]; }
        }
    }
done:
    if (!ok && !err) err = "out of memory";
    if (err) aieng__rdfa_free(out);
    AIENG_FREE(f.set, NULL); AIENG_FREE(f.o1, NULL); AIENG_FREE(f.o2, NULL); AIENG_FREE(f.endok, NULL);
    aieng__iv_free(&pool); aieng__iv_free(&off); aieng__iv_free(&cur); aieng__iv_free(&clo); aieng__iv_free(&stack); aieng__iv_free(&seed);
    if (bucket) for (k = 0; k < natoms; k++) aieng__iv_free(&bucket[k]);
    AIENG_FREE(bucket, NULL); AIENG_FREE(mark, NULL); AIENG_FREE(hash, NULL); AIENG_FREE(tr, NULL); AIENG_FREE(acc, NULL);
    AIENG_FREE(cls, NULL); AIENG_FREE(ncls, NULL); AIENG_FREE(sig, NULL); AIENG_FREE(uv, NULL);
    if (err) { aieng_set_error(err[0] == 'o' ? AIENG_ERR_OOM : AIENG_ERR_UNSUPPORTED, "regex: %s", err); return 0; }
    return 1;
}
/* a DFA of both languages (b complemented when negb), states numbered breadth-first from 0 */
static int aieng__rdfa_and(const aieng__rdfa *a, const aieng__rdfa *b, int negb, aieng__rdfa *out) {
    long nb = (long)b->n + 1, hcap = 1024, i, cap = 0;
    long *key = NULL, *hash = NULL;
    int n = 0, k, ok = 1, natoms = a->natoms, maxd = AIENG_REGEX_MAX_STATES / 10;
    memset(out, 0, sizeof *out);
    while (hcap < 4L * maxd) hcap *= 2;
    hash = (long *)AIENG_MALLOC((size_t)hcap * sizeof(long), NULL);
    if (!hash) return aieng_set_error(AIENG_ERR_OOM, "regex: out of memory"), 0;
    for (i = 0; i < hcap; i++) hash[i] = -1;
#define AIENG__RA_FIND(kv, res) do { long h_ = (long)(((uint64_t)(kv) * 0x9E3779B97F4A7C15ull) >> 40) & (hcap - 1); \
        while (hash[h_] >= 0 && key[hash[h_]] != (kv)) h_ = (h_ + 1) & (hcap - 1); \
        if (hash[h_] >= 0) (res) = (int)hash[h_]; \
        else { \
            if (n >= maxd || (long)(n + 1) * natoms > AIENG__RE_WORK / 8) { ok = -1; goto done; } \
            if (n == cap) { long nc_ = cap ? 2 * cap : 64; long *nk_ = (long *)AIENG_REALLOC(key, (size_t)nc_ * sizeof(long), NULL); \
                int *nt_; unsigned char *na_; \
                if (!nk_) { ok = 0; goto done; } key = nk_; \
                if (!(nt_ = (int *)AIENG_REALLOC(out->tr, (size_t)nc_ * (size_t)natoms * sizeof(int), NULL))) { ok = 0; goto done; } out->tr = nt_; \
                if (!(na_ = (unsigned char *)AIENG_REALLOC(out->acc, (size_t)nc_, NULL))) { ok = 0; goto done; } out->acc = na_; cap = nc_; } \
            key[n] = (kv); hash[h_] = n; (res) = n++; } } while (0)
    { int t; AIENG__RA_FIND(0L, t); (void)t; }
    for (i = 0; i < n; i++) {
        int qa = (int)(key[i] / nb), qb = (int)(key[i] % nb), bacc = qb < b->n && b->acc[qb];
        out->acc[i] = (unsigned char)(a->acc[qa] && (negb ? !bacc : bacc));
        for (k = 0; k < natoms; k++) {
            int ta = a->tr[(size_t)qa * natoms + k], tb = qb < b->n ? b->tr[(size_t)qb * natoms + k] : -1, t;
            if (ta < 0 || (tb < 0 && !negb)) { out->tr[(size_t)i * natoms + k] = -1; continue; }
            AIENG__RA_FIND((long)ta * nb + (tb < 0 ? b->n : tb), t);
            out->tr[(size_t)i * natoms + k] = t;
        }
    }
#undef AIENG__RA_FIND
done:
    out->n = n; out->natoms = natoms;
    AIENG_FREE(key, NULL); AIENG_FREE(hash, NULL);
    if (ok != 1) {
        aieng__rdfa_free(out);
        aieng_set_error(ok ? AIENG_ERR_UNSUPPORTED : AIENG_ERR_OOM, ok ? "regex: a look-ahead needs too many automaton states" : "regex: out of memory");
        return 0;
    }
    return 1;
}
/* the DFA of tree node root with the pattern's look-aheads */
static int aieng__re_dfa(const aieng__re *r, int root, const int *alo, int natoms, aieng__rdfa *out);
/* 1 when the whole of s matches regex re by its DFA (the regexes GBNF cannot write), 0 when
   not, -1 when re is outside the subset or too large */
static int aieng__regex_match_dfa(const char *re, size_t relen, const char *s, size_t n) {
    aieng__re r;
    aieng__buf o;
    aieng__iv bnd;
    aieng__rdfa d;
    int y, q, k = 1, natoms = 0, st = 0, res = -1;
    size_t at = 0;
    memset(&o, 0, sizeof o); memset(&bnd, 0, sizeof bnd); memset(&d, 0, sizeof d);
    if (aieng__re_parse(&r, re, relen, 0, 1, &o) != AIENG_OK) goto done;
    k = aieng__iv_push(&bnd, 0);
    for (y = 0; y < r.nn; y++)
        for (q = 0; r.nd[y].kind == AIENG__RN_SET && q < r.nd[y].set.n; q += 2) {
            k &= aieng__iv_push(&bnd, r.nd[y].set.v[q]);
            if (r.nd[y].set.v[q + 1] < 0x10FFFF) k &= aieng__iv_push(&bnd, r.nd[y].set.v[q + 1] + 1);
        }
    if (!k) goto done;
    qsort(bnd.v, (size_t)bnd.n, sizeof(int), aieng__cmp_int);
    for (y = 0; y < bnd.n; y++) if (!natoms || bnd.v[y] != bnd.v[natoms - 1]) bnd.v[natoms++] = bnd.v[y];
    if (natoms > 4096 || !aieng__re_dfa(&r, r.last, bnd.v, natoms, &d)) goto done;
    while (at < n && st >= 0) {
        unsigned cp;
        int kk = aieng__utf8_decode((const unsigned char *)s + at, n - at, &cp);
        if (!kk) { st = -1; break; }
        at += (size_t)kk;
        st = d.tr[(size_t)st * natoms + (size_t)aieng__atom_of(bnd.v, natoms, (int)cp)];
    }
    res = st >= 0 && d.acc[st];
done:
    aieng__re_free(&r);
    AIENG_FREE(o.p, NULL); aieng__iv_free(&bnd); aieng__rdfa_free(&d);
    return res;
}
static int aieng__re_dfa(const aieng__re *r, int root, const int *alo, int natoms, aieng__rdfa *out) {
    int k;
    if (!aieng__re_dfa1(r, root, alo, natoms, out)) return 0;
    for (k = 0; k < r->nlook; k++) {
        aieng__rdfa la, both;
        if (!aieng__re_dfa1(r, r->look[k], alo, natoms, &la)) { aieng__rdfa_free(out); return 0; }
        if (!aieng__rdfa_and(out, &la, r->lneg[k], &both)) { aieng__rdfa_free(&la); aieng__rdfa_free(out); return 0; }
        aieng__rdfa_free(&la);
        aieng__rdfa_free(out);
        *out = both;
    }
    return 1;
}
/* ---------------------------------------------------------------- JSON Schema: shared */
/* Keywords of the JSON Schema vocabularies (drafts 4 to 2020-12) that are not supported:
   their presence is an error naming them. [0]: neither side; [1]: validator only. Keys that
   belong to no vocabulary (title, x-..., vendor extensions) are annotations and ignored. */
static const char *const aieng__schema_unsup[2][17] = {
    { "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$vocabulary", "unevaluatedItems",
      "unevaluatedProperties", NULL },
    { NULL } };
/* the first keyword of s that this side (0 validator, 1 compiler) does not support, or NULL */
static const char *aieng__schema_unknown(const aieng_json *s, int compiler) {
    size_t i;
    int k, l;
    if (!s || s->type != AIENG_JSON_OBJECT) return NULL;
    for (i = 0; i < s->n; i++)
        for (l = 0; l <= compiler; l++)
            for (k = 0; aieng__schema_unsup[l][k]; k++)
                if (strcmp(aieng__schema_unsup[l][k], s->items[i]->key) == 0) return s->items[i]->key;
    return NULL;
}
/* format grammars: GBNF expressions over the string's characters, with the helper rules
   below (added to a grammar that uses them); none of them contains a character that JSON
   escapes, so the same expression serves inside a JSON string */
static const char *const aieng__fmt_rules[] = {
    "fmt-dec ::= \"25\" [0-5] | \"2\" [0-4] [0-9] | \"1\" [0-9] [0-9] | [1-9] [0-9] | [0-9]\n",
    "fmt-ipv4 ::= fmt-dec \".\" fmt-dec \".\" fmt-dec \".\" fmt-dec\n",
    "fmt-h16 ::= [0-9a-fA-F]{1,4}\n",
    "fmt-hc ::= fmt-h16 \":\"\n",
    "fmt-ls32 ::= fmt-h16 \":\" fmt-h16 | fmt-ipv4\n",
    /* RFC 3986's IPv6address */
    ("fmt-ipv6 ::= fmt-hc{6} fmt-ls32 | \"::\" fmt-hc{5} fmt-ls32 | fmt-h16? \"::\" fmt-hc{4} fmt-ls32 | "
     "(fmt-hc? fmt-h16)? \"::\" fmt-hc{3} fmt-ls32 | (fmt-hc{0,2} fmt-h16)? \"::\" fmt-hc{2} fmt-ls32 | "
     "(fmt-hc{0,3} fmt-h16)? \"::\" fmt-hc fmt-ls32 | (fmt-hc{0,4} fmt-h16)? \"::\" fmt-ls32 | "
     "(fmt-hc{0,5} fmt-h16)? \"::\" fmt-h16 | (fmt-hc{0,6} fmt-h16)? \"::\"\n"),
    "fmt-label ::= [A-Za-z0-9] ([A-Za-z0-9-]{0,61} [A-Za-z0-9])?\n",
    /* RFC 3339 full-date: the day within its month, February 29 in leap years only */
    ("fmt-date ::= [0-9]{4} \"-\" ((\"0\" [13578] | \"1\" [02]) \"-\" (\"0\" [1-9] | [12] [0-9] | \"3\" [01]) | "
     "(\"0\" [469] | \"11\") \"-\" (\"0\" [1-9] | [12] [0-9] | \"30\") | \"02-\" (\"0\" [1-9] | \"1\" [0-9] | \"2\" [0-8])) | fmt-leap \"-02-29\"\n"),
    "fmt-leap ::= [0-9] [0-9] (\"0\" [48] | [2468] [048] | [13579] [26]) | (\"0\" [048] | [2468] [048] | [13579] [26]) \"00\"\n",
    ("fmt-time ::= ([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" ([0-5] [0-9] | \"60\") (\".\" [0-9]{1,9})? "
     "([zZ] | [+-] ([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9])\n"),
    /* RFC 3986: unreserved, pct-encoded, sub-delims; pchar adds ":" "@" */
    "fmt-pct ::= \"%\" [0-9a-fA-F] [0-9a-fA-F]\n",
    "fmt-pchar ::= [A-Za-z0-9._~!$&'()*+,;=:@-] | fmt-pct\n",
    ("fmt-auth ::= (([A-Za-z0-9._~!$&'()*+,;=:-] | fmt-pct)* \"@\")? "
     "(\"[\" (fmt-ipv6 | \"v\" [0-9a-fA-F]+ \".\" [A-Za-z0-9._~!$&'()*+,;=:-]+) \"]\" | ([A-Za-z0-9._~!$&'()*+,;=-] | fmt-pct)*) (\":\" [0-9]*)?\n"),
    "fmt-segs ::= (\"/\" fmt-pchar*)*\n",
    "fmt-hier ::= \"//\" fmt-auth fmt-segs | \"/\" (fmt-pchar+ fmt-segs)? | fmt-pchar+ fmt-segs | \"\"\n",
    "fmt-rel ::= \"//\" fmt-auth fmt-segs | \"/\" (fmt-pchar+ fmt-segs)? | ([A-Za-z0-9._~!$&'()*+,;=@-] | fmt-pct)+ fmt-segs | \"\"\n",
    "fmt-qf ::= (\"?\" (fmt-pchar | [/?])*)? (\"#\" (fmt-pchar | [/?])*)?\n",
    /* RFC 6570 (level 4): a literal character (ucschar and iprivate too) or pct-encoded,
       or an expression: an operator (not the reserved = , ! @ |), variables with a prefix
       length 1..9999 or an explode */
    "fmt-utlit ::= [!#$&(-;=?-\\[\\]_a-z~\xc2\xa0-\xed\x9f\xbf\xee\x80\x80-\xef\xb7\x8f\xef\xb7\xb0-\xef\xbf\xaf\xf0\x90\x80\x80-\xf0\x9f\xbf\xbd\xf0\xa0\x80\x80-\xf0\xaf\xbf\xbd\xf0\xb0\x80\x80-\xf0\xbf\xbf\xbd\xf1\x80\x80\x80-\xf1\x8f\xbf\xbd\xf1\x90\x80\x80-\xf1\x9f\xbf\xbd\xf1\xa0\x80\x80-\xf1\xaf\xbf\xbd\xf1\xb0\x80\x80-\xf1\xbf\xbf\xbd\xf2\x80\x80\x80-\xf2\x8f\xbf\xbd\xf2\x90\x80\x80-\xf2\x9f\xbf\xbd\xf2\xa0\x80\x80-\xf2\xaf\xbf\xbd\xf2\xb0\x80\x80-\xf2\xbf\xbf\xbd\xf3\x80\x80\x80-\xf3\x8f\xbf\xbd\xf3\x90\x80\x80-\xf3\x9f\xbf\xbd\xf3\xa1\x80\x80-\xf3\xaf\xbf\xbd\xf3\xb0\x80\x80-\xf3\xbf\xbf\xbd\xf4\x80\x80\x80-\xf4\x8f\xbf\xbd] | fmt-pct\n",
    "fmt-utvc ::= [A-Za-z0-9_] | fmt-pct\n",
    "fmt-utvar ::= fmt-utvc (\".\"? fmt-utvc)* (\":\" [1-9] [0-9]{0,3} | \"*\")?\n",
    /* RFC 3339 appendix A */
    "fmt-dtime ::= \"T\" ([0-9]+ \"H\" ([0-9]+ \"M\" ([0-9]+ \"S\")?)? | [0-9]+ \"M\" ([0-9]+ \"S\")? | [0-9]+ \"S\")\n",
    NULL };
static const char *const aieng__fmt_names[] = { "date", "time", "date-time", "uuid", "ipv4", "ipv6", "hostname", "email",
                                                 "uri", "uri-reference", "duration", "uri-template", NULL };
static const char *const aieng__fmt_gbnf[] = {
    "fmt-date",
    "fmt-time",
    "fmt-date [tT] fmt-time",
    "[0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12}",
    "fmt-ipv4",
    "fmt-ipv6",
    "fmt-label (\".\" fmt-label)*",
    "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+ (\".\" [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)* \"@\" (fmt-label (\".\" fmt-label)+ | \"[\" fmt-ipv4 \"]\")",
    "[A-Za-z] [A-Za-z0-9+.-]* \":\" fmt-hier fmt-qf",
    "([A-Za-z] [A-Za-z0-9+.-]* \":\" fmt-hier | fmt-rel) fmt-qf",
    "\"P\" (([0-9]+ \"D\" | [0-9]+ \"M\" ([0-9]+ \"D\")? | [0-9]+ \"Y\" ([0-9]+ \"M\" ([0-9]+ \"D\")?)?) fmt-dtime? | fmt-dtime | [0-9]+ \"W\")",
    "(fmt-utlit | \"{\" [+#./;?&]? fmt-utvar (\",\" fmt-utvar)* \"}\")*" };
static void aieng__fmt_put_rules(aieng__buf *b) {
    int k;
    for (k = 0; aieng__fmt_rules[k]; k++) aieng__buf_puts(b, aieng__fmt_rules[k]);
}
static int aieng__fmt_index(const aieng_json *f) {
    int k;
    if (!f || f->type != AIENG_JSON_STRING) return -1;
    for (k = 0; aieng__fmt_names[k]; k++) if (strcmp(f->s, aieng__fmt_names[k]) == 0) return k;
    return -1;
}
/* the subschema of s with "$anchor": name or "$id": "#name" (plain-name fragments), or NULL */
static const aieng_json *aieng__schema_anchor(const aieng_json *s, const char *name, size_t n, int depth) {
    size_t i;
    const aieng_json *k;
    if (!s || depth > 64 || (s->type != AIENG_JSON_OBJECT && s->type != AIENG_JSON_ARRAY)) return NULL;
    if (s->type == AIENG_JSON_OBJECT) {
        if ((k = aieng_json_get(s, "$anchor")) != NULL && k->type == AIENG_JSON_STRING && k->len == n && !memcmp(k->s, name, n)) return s;
        if ((k = aieng_json_get(s, "$id")) != NULL && k->type == AIENG_JSON_STRING && k->len == n + 1 && k->s[0] == '#' && !memcmp(k->s + 1, name, n)) return s;
        if ((k = aieng_json_get(s, "id")) != NULL && k->type == AIENG_JSON_STRING && k->len == n + 1 && k->s[0] == '#' && !memcmp(k->s + 1, name, n)) return s;
    }
    for (i = 0; i < s->n; i++) {
        if (s->type == AIENG_JSON_OBJECT && (!strcmp(s->items[i]->key, "enum") || !strcmp(s->items[i]->key, "const"))) continue;
        if ((k = aieng__schema_anchor(s->items[i], name, n, depth + 1)) != NULL) return k;
    }
    return NULL;
}
/* resolves a local $ref ("#", "#/pointer" with %XX decoding, "#anchor"); NULL when unsupported */
static const aieng_json *aieng__schema_ref(const aieng_json *root, const aieng_json *ref) {
    char ptr[1024];
    size_t i, n = 0;
    if (!ref || ref->type != AIENG_JSON_STRING || ref->len == 0 || ref->s[0] != '#') return NULL;
    for (i = 1; i < ref->len && n + 1 < sizeof ptr; i++) {
        if (ref->s[i] == '%' && i + 2 < ref->len && aieng__hexval((unsigned char)ref->s[i + 1]) >= 0 && aieng__hexval((unsigned char)ref->s[i + 2]) >= 0) {
            ptr[n++] = (char)(aieng__hexval((unsigned char)ref->s[i + 1]) * 16 + aieng__hexval((unsigned char)ref->s[i + 2]));
            i += 2;
        } else ptr[n++] = ref->s[i];
    }
    if (i < ref->len) return NULL;
    ptr[n] = 0;
    if (n && ptr[0] != '/') return aieng__schema_anchor(root, ptr, n, 0); /* "#name": $anchor or $id "#name" */
    return aieng_json_pointer(root, ptr);
}
static size_t aieng__utf8_count(const char *s, size_t n) {
    size_t i, c = 0;
    for (i = 0; i < n; i++) if (((unsigned char)s[i] & 0xC0) != 0x80) c++;
    return c;
}
typedef struct aieng__dec { int neg; char in[48], fr[48]; int li, lf; } aieng__dec; /* in: no leading zeros, fr: no trailing zeros */
/* the decimal value of a JSON number's text; 0 when it needs more than 40 digits either side */
static int aieng__dec_parse(const char *s, size_t n, aieng__dec *d) {
    char dg[96];
    int nd = 0, point = -1, ip, k, z;
    long e = 0;
    size_t i = 0;
    memset(d, 0, sizeof *d);
    if (i < n && s[i] == '-') { d->neg = 1; i++; }
    for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'); i++) {
        if (s[i] == '.') { point = nd; continue; }
        if (nd == 0 && s[i] == '0' && point < 0) continue; /* leading zeros of the integer part */
        if (nd >= 90) return 0;
        dg[nd++] = s[i];
    }
    if (point < 0) point = nd;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        int es = 1;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) { es = s[i] == '-' ? -1 : 1; i++; }
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) { e = e * 10 + (s[i] - '0'); if (e > 1000) return 0; }
        e *= es;
    }
    ip = point + (int)e; /* digits of dg before the decimal point */
    for (k = 0; k < ip; k++) { if (d->li >= 40) return 0; d->in[d->li++] = k < nd ? dg[k] : '0'; }
    for (k = ip; k < nd; k++) { if (d->lf >= 40) return 0; d->fr[d->lf++] = k < 0 ? '0' : dg[k]; }
    for (z = 0; z < d->li && d->in[z] == '0'; z++) {}
    memmove(d->in, d->in + z, (size_t)(d->li - z)); d->li -= z;
    while (d->lf && d->fr[d->lf - 1] == '0') d->lf--;
    d->in[d->li] = d->fr[d->lf] = 0;
    if (!d->li && !d->lf) d->neg = 0;
    return 1;
}
/* exact comparison of two decimals (-1, 0, 1) */
static int aieng__dec_cmp(const aieng__dec *x, const aieng__dec *y) {
    int r = 0, k;
    if (x->neg != y->neg) return x->neg ? -1 : 1;
    if (x->li != y->li) r = x->li < y->li ? -1 : 1;
    else if ((r = memcmp(x->in, y->in, (size_t)x->li)) != 0) r = r < 0 ? -1 : 1;
    for (k = 0; !r && (k < x->lf || k < y->lf); k++) {
        char cx = k < x->lf ? x->fr[k] : '0', cy = k < y->lf ? y->fr[k] : '0';
        if (cx != cy) r = cx < cy ? -1 : 1;
    }
    return x->neg ? -r : r;
}
/* exact comparison of two JSON numbers (their text, up to 40 digits either side of the
   point; doubles beyond that) */
static int aieng__num_cmp(const aieng_json *a, const aieng_json *b) {
    aieng__dec x, y;
    if (a->is_int && b->is_int) return a->i < b->i ? -1 : a->i > b->i;
    if (!a->s || !b->s || !aieng__dec_parse(a->s, a->len, &x) || !aieng__dec_parse(b->s, b->len, &y)) return a->d < b->d ? -1 : a->d > b->d;
    return aieng__dec_cmp(&x, &y);
}
static uint64_t aieng__mulmod(uint64_t a, uint64_t b, uint64_t m) { /* a b mod m, for a, b < m < 2^63 */
    uint64_t r = 0;
    for (a %= m; b; b >>= 1, a = (a << 1) % m) if (b & 1) r = (r + a) % m;
    return r;
}
/* For the number written s[0..n) (JSON syntax), x = |value| 10^q: *integral = whether x is
   a whole number, and x mod P (when it is). -1 when the text is no number or its exponent
   is beyond 10^6. Exact for any number of digits. */
static int64_t aieng__num_mod(const char *s, size_t n, uint64_t P, int q, int *integral) {
    size_t i = 0, d0, nd = 0, ip = 0, keep, z;
    long e = 0, sh;
    int point = 0, es = 1;
    uint64_t r = 0, p10 = 10 % P, t = 1 % P;
    if (i < n && s[i] == '-') i++;
    for (d0 = i; i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && !point)); i++) {
        if (s[i] == '.') point = 1; else { nd++; if (!point) ip++; }
    }
    if (!nd) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) es = s[i++] == '-' ? -1 : 1;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) if ((e = e * 10 + (s[i] - '0')) > 1000000) return -1;
    }
    if (i != n) return -1;
    sh = (long)ip - (long)nd + es * e + q; /* x = digits 10^sh */
    keep = sh >= 0 ? nd : (size_t)-sh >= nd ? 0 : nd - (size_t)-sh;
    *integral = 1;
    for (i = d0, z = 0; i < n && z < nd; i++) {
        if (s[i] == '.') continue;
        if (z++ < keep) r = (r * 10 + (uint64_t)(s[i] - '0')) % P;
        else if (s[i] != '0') *integral = 0;
    }
    for (; sh > 0; sh >>= 1, p10 = aieng__mulmod(p10, p10, P)) if (sh & 1) t = aieng__mulmod(t, p10, P);
    return (int64_t)aieng__mulmod(r, t, P);
}
static int aieng__is_integer(const aieng_json *v) {
    int integral;
    if (v->type == AIENG_JSON_NUMBER && !v->is_int && v->s && aieng__num_mod(v->s, v->len, 1, 0, &integral) >= 0) return integral; /* exact */
    return v->type == AIENG_JSON_NUMBER && (v->is_int || (v->d == floor(v->d) && v->d - v->d == 0));
}

/* ---------------------------------------------------------------- JSON Schema: validator */
typedef struct aieng__sv { const aieng_json *root; int depth; char path[512]; size_t plen; } aieng__sv;
static int aieng__sv_bad(aieng__sv *v, const char *kw) {
    aieng_set_error(AIENG_ERR_FORMAT, "schema: instance at '%s' fails '%s'", v->plen ? v->path : "/", kw);
    return 0;
}
static int aieng__sv_err(aieng_result code, const char *msg, const char *arg) {
    aieng_set_error(code, msg, arg ? arg : "");
    return -1;
}
static int aieng__sv_val(aieng__sv *v, const aieng_json *s, const aieng_json *x);
static int aieng__sv_child(aieng__sv *v, const aieng_json *s, const aieng_json *x, const char *seg, size_t seglen) {
    size_t save = v->plen;
    int r;
    if (v->plen + seglen + 2 < sizeof v->path) {
        v->path[v->plen++] = '/';
        memcpy(v->path + v->plen, seg, seglen); v->plen += seglen; v->path[v->plen] = 0;
    }
    r = aieng__sv_val(v, s, x);
    v->plen = save; v->path[save] = 0;
    return r;
}
static int aieng__sv_type_ok(const char *t, const aieng_json *x) {
    if (!strcmp(t, "null")) return x->type == AIENG_JSON_NULL;
    if (!strcmp(t, "boolean")) return x->type == AIENG_JSON_BOOL;
    if (!strcmp(t, "object")) return x->type == AIENG_JSON_OBJECT;
    if (!strcmp(t, "array")) return x->type == AIENG_JSON_ARRAY;
    if (!strcmp(t, "number")) return x->type == AIENG_JSON_NUMBER;
    if (!strcmp(t, "integer")) return aieng__is_integer(x);
    if (!strcmp(t, "string")) return x->type == AIENG_JSON_STRING;
    return -1;
}
static int aieng__sv_val(aieng__sv *v, const aieng_json *s, const aieng_json *x) {
    const aieng_json *k;
    const char *unk;
    size_t i;
    int r;
    if (s->type == AIENG_JSON_BOOL) return s->boolean ? 1 : aieng__sv_bad(v, "false schema");
    if (s->type != AIENG_JSON_OBJECT) return aieng__sv_err(AIENG_ERR_INVALID_ARG, "schema: a schema must be an object or a boolean%s", NULL);
    if ((unk = aieng__schema_unknown(s, 0)) != NULL) return aieng__sv_err(AIENG_ERR_UNSUPPORTED, "schema: unsupported keyword '%s'", unk);
    if (++v->depth > 256) { v->depth--; return aieng__sv_err(AIENG_ERR_FORMAT, "schema: nesting or $ref recursion too deep%s", NULL); }
    r = 1;
    if ((k = aieng_json_get(s, "$ref")) != NULL) {
        const aieng_json *t = aieng__schema_ref(v->root, k);
        if (!t) { v->depth--; return aieng__sv_err(AIENG_ERR_UNSUPPORTED, "schema: unsupported or unresolved $ref '%s'", k->type == AIENG_JSON_STRING ? k->s : "?"); }
        r = aieng__sv_val(v, t, x);
        if (r <= 0) goto done;
    }
    if ((k = aieng_json_get(s, "type")) != NULL) {
        int ok = 0;
        if (k->type == AIENG_JSON_STRING) ok = aieng__sv_type_ok(k->s, x);
        else if (k->type == AIENG_JSON_ARRAY) {
            for (i = 0; i < k->n && ok != 1; i++) {
                if (k->items[i]->type != AIENG_JSON_STRING) { ok = -1; break; }
                ok = aieng__sv_type_ok(k->items[i]->s, x);
            }
        } else ok = -1;
        if (ok < 0) { r = aieng__sv_err(AIENG_ERR_INVALID_ARG, "schema: bad 'type'%s", NULL); goto done; }
        if (!ok) { r = aieng__sv_bad(v, "type"); goto done; }
    }
    if ((k = aieng_json_get(s, "enum")) != NULL) {
        int ok = 0;
        if (k->type != AIENG_JSON_ARRAY) { r = aieng__sv_err(AIENG_ERR_INVALID_ARG, "schema: 'enum' must be an array%s", NULL); goto done; }
        for (i = 0; i < k->n && !ok; i++) ok = aieng_json_equal(k->items[i], x);
        if (!ok) { r = aieng__sv_bad(v, "enum"); goto done; }
    }
    if ((k = aieng_json_get(s, "const")) != NULL && !aieng_json_equal(k, x)) { r = aieng__sv_bad(v, "const"); goto done; }
    if ((k = aieng_json_get(s, "not")) != NULL) {
        r = aieng__sv_val(v, k, x);
        if (r < 0) goto done;
        if (r == 1) { r = aieng__sv_bad(v, "not"); goto done; }
        r = 1;
    }
    if ((k = aieng_json_get(s, "if")) != NULL) { /* then / else without if are ignored, as the spec says */
        const aieng_json *br;
        r = aieng__sv_val(v, k, x);
        if (r < 0) goto done;
        br = aieng_json_get(s, r ? "then" : "else");
        r = 1;
        if (br) { r = aieng__sv_val(v, br, x); if (r <= 0) { if (r == 0) aieng__sv_bad(v, "if/then/else"); goto done; } }
    }
    if (x->type == AIENG_JSON_NUMBER && (k = aieng_json_get(s, "multipleOf")) != NULL && k->type == AIENG_JSON_NUMBER && k->d > 0) {
        int ok;
        aieng__dec m;
        int integral = 0, y;
        uint64_t P = 0;
        int64_t rm = -1;
        if (x->is_int && k->is_int) ok = x->i % k->i == 0;
        else {
            if (x->s && k->s && aieng__dec_parse(k->s, k->len, &m) && m.li + m.lf <= 18) { /* m = P / 10^lf: exact */
                for (y = 0; y < m.li; y++) P = P * 10 + (uint64_t)(m.in[y] - '0');
                for (y = 0; y < m.lf; y++) P = P * 10 + (uint64_t)(m.fr[y] - '0');
                if (P) rm = aieng__num_mod(x->s, x->len, P, m.lf, &integral);
            }
            if (rm >= 0) ok = integral && rm == 0;
            else { double q = x->d / k->d; ok = q - q == 0 ? fabs(q - floor(q + 0.5)) < 1e-9 : 0; }
        }
        if (!ok) { r = aieng__sv_bad(v, "multipleOf"); goto done; }
    }
    if (x->type == AIENG_JSON_NUMBER) {
        static const char *const nk[4] = { "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" };
        int q;
        for (q = 0; q < 4; q++) {
            int c, excl = q >= 2;
            k = aieng_json_get(s, nk[q]);
            if (!k) continue;
            if (k->type == AIENG_JSON_BOOL) continue; /* draft-04 form, applied with minimum/maximum */
            if (k->type != AIENG_JSON_NUMBER) { r = aieng__sv_err(AIENG_ERR_INVALID_ARG, "schema: '%s' must be a number", nk[q]); goto done; }
            if (!excl) { const aieng_json *e = aieng_json_get(s, q == 0 ? "exclusiveMinimum" : "exclusiveMaximum"); if (e && e->type == AIENG_JSON_BOOL && e->boolean) excl = 1; }
            c = aieng__num_cmp(x, k);
            if ((q % 2 == 0 && (c < 0 || (excl && c == 0))) || (q % 2 == 1 && (c > 0 || (excl && c == 0)))) { r = aieng__sv_bad(v, nk[q]); goto done; }
        }
    }
    if (x->type == AIENG_JSON_STRING) {
        size_t cnt = aieng__utf8_count(x->s, x->len);
        if ((k = aieng_json_get(s, "minLength")) != NULL && k->type == AIENG_JSON_NUMBER && (double)cnt < k->d) { r = aieng__sv_bad(v, "minLength"); goto done; }
        if ((k = aieng_json_get(s, "maxLength")) != NULL && k->type == AIENG_JSON_NUMBER && (double)cnt > k->d) { r = aieng__sv_bad(v, "maxLength"); goto done; }
        if ((k = aieng_json_get(s, "pattern")) != NULL) {
            int m;
            if (k->type != AIENG_JSON_STRING) { r = aieng__sv_err(AIENG_ERR_INVALID_ARG, "schema: 'pattern' must be a string%s", NULL); goto done; }
            m = aieng__regex_match(k->s, k->len, x->s, x->len);
            if (m < 0) { r = -1; goto done; }
            if (!m) { r = aieng__sv_bad(v, "pattern"); goto done; }
        }
        if ((k = aieng_json_get(s, "format")) != NULL) {
            int f = aieng__fmt_index(k);
            if (f >= 0) {
                aieng__buf b;
                aieng_grammar *g = NULL;
                int ok = 0;
                memset(&b, 0, sizeof b);
                aieng__buf_puts(&b, "root ::= ");
                aieng__buf_puts(&b, aieng__fmt_gbnf[f]);
                aieng__buf_putc(&b, '\n');
                aieng__fmt_put_rules(&b);
                if (!b.oom && aieng_grammar_parse(b.p, b.n, NULL, &g) == AIENG_OK) ok = aieng_grammar_accepts(g, x->s, x->len);
                aieng_grammar_free(g);
                AIENG_FREE(b.p, NULL);
                if (!ok) { r = aieng__sv_bad(v, "format"); goto done; }
            }
        }
    }
    if (x->type == AIENG_JSON_ARRAY) {
        const aieng_json *pre = aieng_json_get(s, "prefixItems"), *it = aieng_json_get(s, "items");
        size_t np = 0;
        char idx[32];
        if (it && it->type == AIENG_JSON_ARRAY) { pre = it; it = aieng_json_get(s, "additionalItems"); } /* drafts 4-7 tuple form */
        if (pre && pre->type == AIENG_JSON_ARRAY) np = pre->n;
        for (i = 0; i < x->n; i++) {
            const aieng_json *sub = i < np ? pre->items[i] : it;
            if (!sub) continue;
            snprintf(idx, sizeof idx, "%lu", (unsigned long)i);
            r = aieng__sv_child(v, sub, x->items[i], idx, strlen(idx));
            if (r <= 0) goto done;
        }
        if ((k = aieng_json_get(s, "contains")) != NULL) { /* with minContains (default 1) / maxContains */
            const aieng_json *kmin = aieng_json_get(s, "minContains"), *kmax = aieng_json_get(s, "maxContains");
            double lo = kmin && kmin->type == AIENG_JSON_NUMBER ? kmin->d : 1.0;
            double hi = kmax && kmax->type == AIENG_JSON_NUMBER ? kmax->d : -1.0;
            size_t cnt = 0;
            for (i = 0; i < x->n; i++) {
                r = aieng__sv_val(v, k, x->items[i]);
                if (r < 0) goto done;
                cnt += (size_t)r;
                if (hi < 0 && (double)cnt >= lo) break; /* enough */
            }
            r = 1;
            if ((double)cnt < lo) { r = aieng__sv_bad(v, lo == 1.0 && !kmin ? "contains" : "minContains"); goto done; }
            if (hi >= 0 && (double)cnt > hi) { r = aieng__sv_bad(v, "maxContains"); goto done; }
        }
        if ((k = aieng_json_get(s, "uniqueItems")) != NULL && k->type == AIENG_JSON_BOOL && k->boolean) {
            size_t j;
            for (i = 0; i < x->n; i++) for (j = i + 1; j < x->n; j++)
                if (aieng_json_equal(x->items[i], x->items[j])) { r = aieng__sv_bad(v, "uniqueItems"); goto done; }
        }
        if ((k = aieng_json_get(s, "minItems")) != NULL && k->type == AIENG_JSON_NUMBER && (double)x->n < k->d) { r = aieng__sv_bad(v, "minItems"); goto done; }
        if ((k = aieng_json_get(s, "maxItems")) != NULL && k->type == AIENG_JSON_NUMBER && (double)x->n > k->d) { r = aieng__sv_bad(v, "maxItems"); goto done; }
    }
    if (x->type == AIENG_JSON_OBJECT) {
        const aieng_json *props = aieng_json_get(s, "properties"), *ap = aieng_json_get(s, "additionalProperties");
        if ((k = aieng_json_get(s, "required")) != NULL && k->type == AIENG_JSON_ARRAY)
            for (i = 0; i < k->n; i++)
                if (k->items[i]->type == AIENG_JSON_STRING && !aieng_json_getn(x, k->items[i]->s, k->items[i]->len)) {
                    r = aieng__sv_bad(v, "required"); goto done; }
        const aieng_json *pp = aieng_json_get(s, "patternProperties"), *pn = aieng_json_get(s, "propertyNames");
        if ((k = aieng_json_get(s, "minProperties")) != NULL && k->type == AIENG_JSON_NUMBER && (double)x->n < k->d) { r = aieng__sv_bad(v, "minProperties"); goto done; }
        if ((k = aieng_json_get(s, "maxProperties")) != NULL && k->type == AIENG_JSON_NUMBER && (double)x->n > k->d) { r = aieng__sv_bad(v, "maxProperties"); goto done; }
        if ((k = aieng_json_get(s, "dependentRequired")) != NULL && k->type == AIENG_JSON_OBJECT)
            for (i = 0; i < k->n; i++) {
                size_t j;
                if (!aieng_json_getn(x, k->items[i]->key, k->items[i]->key_len) || k->items[i]->type != AIENG_JSON_ARRAY) continue;
                for (j = 0; j < k->items[i]->n; j++) {
                    const aieng_json *nm = k->items[i]->items[j];
                    if (nm->type == AIENG_JSON_STRING && !aieng_json_getn(x, nm->s, nm->len)) { r = aieng__sv_bad(v, "dependentRequired"); goto done; }
                }
            }
        { /* dependencies (drafts 4-7: names or a schema), dependentSchemas */
            static const char *const dk[2] = { "dependencies", "dependentSchemas" };
            int w;
            for (w = 0; w < 2; w++) {
                if ((k = aieng_json_get(s, dk[w])) == NULL || k->type != AIENG_JSON_OBJECT) continue;
                for (i = 0; i < k->n; i++) {
                    const aieng_json *d = k->items[i];
                    if (!aieng_json_getn(x, d->key, d->key_len)) continue;
                    if (d->type == AIENG_JSON_ARRAY) {
                        size_t j;
                        for (j = 0; j < d->n; j++)
                            if (d->items[j]->type == AIENG_JSON_STRING && !aieng_json_getn(x, d->items[j]->s, d->items[j]->len)) {
                                r = aieng__sv_bad(v, dk[w]); goto done; }
                    } else {
                        r = aieng__sv_val(v, d, x);
                        if (r <= 0) { if (r == 0) aieng__sv_bad(v, dk[w]); goto done; }
                    }
                }
            }
        }
        for (i = 0; i < x->n; i++) {
            const aieng_json *m = x->items[i], *ps = props ? aieng_json_getn(props, m->key, m->key_len) : NULL;
            int matched = ps != NULL;
            if (pn) {
                aieng_json key;
                memset(&key, 0, sizeof key);
                key.type = AIENG_JSON_STRING; key.s = m->key; key.len = m->key_len;
                r = aieng__sv_val(v, pn, &key);
                if (r <= 0) { if (r == 0) aieng__sv_bad(v, "propertyNames"); goto done; }
            }
            if (ps) { r = aieng__sv_child(v, ps, m, m->key, m->key_len); if (r <= 0) goto done; }
            if (pp && pp->type == AIENG_JSON_OBJECT) {
                size_t q;
                for (q = 0; q < pp->n; q++) {
                    int mt = aieng__regex_match(pp->items[q]->key, pp->items[q]->key_len, m->key, m->key_len);
                    if (mt < 0) { r = -1; goto done; }
                    if (!mt) continue;
                    matched = 1;
                    r = aieng__sv_child(v, pp->items[q], m, m->key, m->key_len);
                    if (r <= 0) goto done;
                }
            }
            if (!matched && ap) {
                r = aieng__sv_child(v, ap, m, m->key, m->key_len);
                if (r <= 0) { if (r == 0 && ap->type == AIENG_JSON_BOOL) aieng__sv_bad(v, "additionalProperties"); goto done; }
            }
        }
    }
    if ((k = aieng_json_get(s, "allOf")) != NULL && k->type == AIENG_JSON_ARRAY)
        for (i = 0; i < k->n; i++) { r = aieng__sv_val(v, k->items[i], x); if (r <= 0) goto done; }
    if ((k = aieng_json_get(s, "anyOf")) != NULL && k->type == AIENG_JSON_ARRAY) {
        int any = 0;
        for (i = 0; i < k->n && !any; i++) { r = aieng__sv_val(v, k->items[i], x); if (r < 0) goto done; any = r; }
        if (!any) { r = aieng__sv_bad(v, "anyOf"); goto done; }
    }
    if ((k = aieng_json_get(s, "oneOf")) != NULL && k->type == AIENG_JSON_ARRAY) {
        int cnt = 0;
        for (i = 0; i < k->n; i++) { r = aieng__sv_val(v, k->items[i], x); if (r < 0) goto done; cnt += r; }
        if (cnt != 1) { r = aieng__sv_bad(v, "oneOf"); goto done; }
    }
    r = 1;
done:
    v->depth--;
    return r;
}
/* %valid: the value that ends txt[0..ntxt) is valid against `node` (a node of g->schema);
   1 also when there is no schema, no such value, or it does not parse */
static int aieng__g_valid_ok(aieng_grammar *g, const aieng_json *node, const unsigned char *txt, size_t ntxt) {
    size_t st;
    aieng_json_doc *d = NULL;
    aieng__sv v;
    int r;
    if (!g->schema || !node || !aieng__json_last_value(txt, ntxt, &st)) return 1;
    if (aieng_json_parse((const char *)txt + st, ntxt - st, NULL, &d) != AIENG_OK) return 1;
    memset(&v, 0, sizeof v);
    v.root = g->schema;
    r = aieng__sv_val(&v, node, aieng_json_root(d));
    aieng_json_free(d);
    return r != 0;
}
AIENG_API aieng_result aieng_schema_validate(const aieng_json *schema, const aieng_json *instance) {
    aieng__sv v;
    int r;
    if (!schema || !instance) return aieng_set_error(AIENG_ERR_INVALID_ARG, "schema: NULL argument");
    memset(&v, 0, sizeof v);
    v.root = schema;
    r = aieng__sv_val(&v, schema, instance);
    if (r == 1) return AIENG_OK;
    if (r == 0) return AIENG_ERR_FORMAT;
    {
        const char *e = aieng_last_error();
        if (strstr(e, "unsupported")) return AIENG_ERR_UNSUPPORTED;
        if (strstr(e, "too deep")) return AIENG_ERR_FORMAT;
        return AIENG_ERR_INVALID_ARG;
    }
}
/* ---------------------------------------------------------------- JSON Schema -> GBNF */
#define AIENG__SC_MAXPARTS 128
typedef struct aieng__sc {
    const aieng_json *root;
    aieng__buf out;
    const aieng_json **memo_node; int *memo_rule; int nmemo, capmemo;
    int nrules, flags, fmt_used;          /* fmt_used: the fmt-* helper rules are needed */
    int oneof_loose;                      /* a oneOf branch was left without exclusion (its oneOf gets %valid) */
    aieng__iv empty;                      /* rule ids whose language is empty */
    const aieng_json *masked[64]; int nmasked, mask_base; /* anyOf/oneOf being distributed; those from mask_base on
                                                                 belong to the value being compiled */
    int depth;
    aieng_result err;
    char relaxed[256];                    /* AIENG_SCHEMA_RELAX: keywords relaxed so far */
    aieng_json_doc **synth; int nsynth, capsynth; /* schemas made up for oneOf exclusivity */
    const aieng_json **conv_from, **conv_to; int nconv, capconv; /* if / dependencies / not rewritten as anyOf */
    unsigned char *conv_tag;              /* ... each: 2 * kind (aieng__sc_convert's; 3: aieng__sc_not_of's) + negdefer */
    const aieng_json ***set_parts; int *set_n, *set_rule, nset, capset; /* memo of merged member schemas */
    char **slm_key; int *slm_rule, nslm, capslm; /* memo of string automata (aieng__sc_strings, aieng__sc_sl) */
    int trials;                           /* failed exclusivity trials left (aieng__sc_mark) */
    long waste;                           /* rules the failed trials made and took back */
    long axwork;                          /* automaton transitions explored so far (AIENG__SC_AX_WORK) */
    const aieng_json *numtype[2];         /* {"type": "number"} and {"type": "integer"}, made on first use */
    int negdefer;                         /* aieng__sc_negtext may leave nots to the compiler (1 but for
                                             oneOf exclusivity's narrow form) */
    int trial_end;                        /* in a trial: the rule count at which it gives up (0: none) */
} aieng__sc;
#ifndef AIENG__SC_TRIAL_RULES
#define AIENG__SC_TRIAL_RULES 10000    /* rules one exclusivity trial may add (tests lower it) */
#endif
#define AIENG__SC_TRIAL_WASTE 20000    /* rules the failed trials of one compile may have made */
#define AIENG__SC_AX_WORK 50000000L    /* automaton work (transitions, formula nodes) one compile may do: hostile schemas */
/* A point the compiler can return to: a trial compile that fails (an exclusivity that
   cannot be written) takes back the rules and memo entries it made. */
typedef struct aieng__sc_mark { size_t out; int nrules, nmemo, nset, nslm, nempty, nmasked, depth, flags; } aieng__sc_mark;
static void aieng__sc_mark_set(const aieng__sc *c, aieng__sc_mark *m) {
    m->out = c->out.n; m->nrules = c->nrules; m->nmemo = c->nmemo; m->nset = c->nset; m->nslm = c->nslm;
    m->nempty = c->empty.n; m->nmasked = c->nmasked; m->depth = c->depth; m->flags = c->flags;
}
static void aieng__sc_rollback(aieng__sc *c, const aieng__sc_mark *m) {
    while (c->nset > m->nset) AIENG_FREE((void *)c->set_parts[--c->nset], NULL);
    while (c->nslm > m->nslm) AIENG_FREE(c->slm_key[--c->nslm], NULL);
    c->out.n = m->out; if (c->out.p) c->out.p[m->out] = 0;
    c->nrules = m->nrules; c->nmemo = m->nmemo; c->empty.n = m->nempty;
    c->nmasked = m->nmasked; c->depth = m->depth; c->flags = m->flags;
    c->err = AIENG_OK;
}
static int aieng__sc_fail(aieng__sc *c, aieng_result code, const char *fmt, const char *arg) {
    if (c->err == AIENG_OK) c->err = aieng_set_error(code, fmt, arg ? arg : "");
    return -1;
}
/* AIENG_SCHEMA_RELAX: records keyword kw as relaxed and returns 1 (the caller leaves the
   keyword out, which only widens the language); without the flag returns 0 */
static int aieng__sc_relax(aieng__sc *c, const char *kw) {
    size_t n = strlen(c->relaxed), k = strlen(kw);
    const char *p = c->relaxed;
    if (!(c->flags & AIENG_SCHEMA_RELAX)) return 0;
    while ((p = strstr(p, kw)) != NULL) { /* already listed */
        if ((p == c->relaxed || p[-1] == ' ') && (p[k] == ',' || p[k] == 0)) return 1;
        p += k;
    }
    if (n + k + 3 < sizeof c->relaxed) {
        if (n) { memcpy(c->relaxed + n, ", ", 2); n += 2; }
        memcpy(c->relaxed + n, kw, k + 1);
    }
    return 1;
}
/* keyword lookup over the merged parts, skipping masked members; error when two parts
   set it to different values */
static const aieng_json *aieng__sc_kw(aieng__sc *c, const aieng_json **parts, int np, const char *kw, int *conflict) {
    const aieng_json *found = NULL;
    int i, m;
    for (i = 0; i < np; i++) {
        const aieng_json *k = aieng_json_get(parts[i], kw);
        if (!k) continue;
        for (m = c->mask_base; m < c->nmasked; m++) if (c->masked[m] == k) break;
        if (m < c->nmasked) continue;
        if (found && !aieng_json_equal(found, k)) { if (conflict) *conflict = 1; continue; }
        found = k;
    }
    return found;
}
static void aieng__sc_lit(aieng__buf *b, const char *s, size_t n) { /* GBNF literal of raw bytes */
    size_t i;
    aieng__buf_putc(b, '"');
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') { aieng__buf_putc(b, '\\'); aieng__buf_putc(b, (char)ch); }
        else if (ch < 0x20 || ch == 0x7F) aieng__buf_printf(b, "\\x%02X", ch);
        else aieng__buf_putc(b, (char)ch);
    }
    aieng__buf_putc(b, '"');
}
static void aieng__sc_json_lit(aieng__buf *b, const aieng_json *v) {
    char *t = NULL;
    size_t n = 0;
    if (v->type == AIENG_JSON_ARRAY || v->type == AIENG_JSON_OBJECT) { /* whitespace allowed between tokens */
        size_t i;
        aieng__buf_puts(b, v->type == AIENG_JSON_ARRAY ? "(\"[\" ws " : "(\"{\" ws ");
        for (i = 0; i < v->n; i++) {
            if (i) aieng__buf_puts(b, "\",\" ws ");
            if (v->type == AIENG_JSON_OBJECT) {
                aieng_json key;
                memset(&key, 0, sizeof key);
                key.type = AIENG_JSON_STRING; key.s = v->items[i]->key; key.len = v->items[i]->key_len;
                aieng__sc_json_lit(b, &key);
                aieng__buf_puts(b, " ws \":\" ws ");
            }
            aieng__sc_json_lit(b, v->items[i]);
            aieng__buf_puts(b, " ws ");
        }
        aieng__buf_puts(b, v->type == AIENG_JSON_ARRAY ? "\"]\")" : "\"}\")");
        return;
    }
    if (aieng_json_write(v, 0, &t, &n) != AIENG_OK) { b->oom = 1; return; }
    if (v->type == AIENG_JSON_NUMBER) { /* also its plain decimal spelling: 1.0 as 1, 1e2 as 100, -0 as 0 */
        aieng__dec d;
        char cs[100];
        size_t cn = 0;
        int k;
        if (aieng__dec_parse(t, n, &d)) {
            if (d.neg && (d.li || d.lf)) cs[cn++] = '-';
            if (!d.li) cs[cn++] = '0';
            for (k = 0; k < d.li; k++) cs[cn++] = d.in[k];
            if (d.lf) { cs[cn++] = '.'; for (k = 0; k < d.lf; k++) cs[cn++] = d.fr[k]; }
            if (cn != n || memcmp(cs, t, n)) {
                aieng__buf_putc(b, '(');
                aieng__sc_lit(b, t, n);
                aieng__buf_puts(b, " | ");
                aieng__sc_lit(b, cs, cn);
                aieng__buf_putc(b, ')');
                AIENG_FREE(t, NULL);
                return;
            }
        }
    }
    aieng__sc_lit(b, t, n);
    AIENG_FREE(t, NULL);
}
/* appends pre, v as compact JSON text, post; 0 when v cannot be written (out of memory) */
static int aieng__buf_json(aieng__buf *b, const char *pre, const aieng_json *v, const char *post) {
    char *w = NULL;
    size_t wn = 0;
    if (aieng_json_write(v, 0, &w, &wn) != AIENG_OK) return 0;
    aieng__buf_puts(b, pre); aieng__buf_put(b, w, wn); aieng__buf_puts(b, post);
    aieng_free(NULL, w);
    return 1;
}
/* appends pre, s[0..n) as a JSON string, post (a schema key or name written into schema text) */
static int aieng__buf_jstr(aieng__buf *b, const char *pre, const char *s, size_t n, const char *post) {
    aieng_json k;
    memset(&k, 0, sizeof k);
    k.type = AIENG_JSON_STRING; k.s = s; k.len = n;
    return aieng__buf_json(b, pre, &k, post);
}
static int aieng__sc_new_rule(aieng__sc *c) { return c->nrules++; }
#define AIENG__GBNF_NOTHING "[^\\x00-\\U0010FFFF]"
static int aieng__sc_is_empty(const aieng__sc *c, int id) {
    int i;
    for (i = 0; i < c->empty.n; i++) if (c->empty.v[i] == id) return 1;
    return 0;
}
static void aieng__sc_emit(aieng__sc *c, int id, const aieng__buf *body) {
    /* track rules that match nothing ("nothing", or a reference to such a rule), so that
       optional members and items with an impossible schema are left out instead of
       leading generation into a dead end */
    int empty = body->p && !strcmp(body->p, AIENG__GBNF_NOTHING);
    if (body->p && !empty && body->p[0] == 's') { /* "sA | sB | ..." of rules that match nothing */
        const char *q = body->p;
        empty = 1;
        for (;;) {
            size_t k;
            if (*q != 's' || (k = strspn(q + 1, "0123456789")) == 0 || !aieng__sc_is_empty(c, atoi(q + 1))) { empty = 0; break; }
            q += 1 + k;
            if (!*q) break;
            if (strncmp(q, " | ", 3) != 0) { empty = 0; break; }
            q += 3;
        }
    }
    if (empty && !aieng__iv_push(&c->empty, id)) c->out.oom = 1;
    aieng__buf_printf(&c->out, "s%d ::= ", id);
    aieng__buf_put(&c->out, body->p ? body->p : "\"\"", body->p ? body->n : 2);
    aieng__buf_putc(&c->out, '\n');
}
/* integers: GBNF for the decimal strings of [lo, hi] with equal length */
static void aieng__sc_same_len(aieng__buf *b, const char *x, const char *y, int n) {
    int k, all0 = 1, all9 = 1;
    char z[24], nine[24];
    if (n == 0) { aieng__buf_puts(b, "\"\""); return; }
    if (x[0] == y[0]) {
        aieng__buf_printf(b, "\"%c\" ", x[0]);
        if (n > 1) aieng__sc_same_len(b, x + 1, y + 1, n - 1);
        return;
    }
    for (k = 1; k < n; k++) { if (x[k] != '0') all0 = 0; if (y[k] != '9') all9 = 0; }
    if (all0 && all9) {
        aieng__buf_printf(b, "[%c-%c]", x[0], y[0]);
        if (n > 1) aieng__buf_printf(b, " [0-9]{%d}", n - 1);
        return;
    }
    for (k = 0; k < n - 1; k++) { z[k] = '0'; nine[k] = '9'; }
    z[n - 1] = nine[n - 1] = 0;
    aieng__buf_printf(b, "(\"%c\" ", x[0]);
    aieng__sc_same_len(b, x + 1, nine, n - 1);
    if (x[0] + 1 <= y[0] - 1) {
        aieng__buf_printf(b, " | [%c-%c]", x[0] + 1, y[0] - 1);
        if (n > 1) aieng__buf_printf(b, " [0-9]{%d}", n - 1);
    }
    aieng__buf_printf(b, " | \"%c\" ", y[0]);
    aieng__sc_same_len(b, z, y + 1, n - 1);
    aieng__buf_putc(b, ')');
}
/* non-negative integers in [a, b] (has_b = 0: unbounded) */
static void aieng__sc_uint_range(aieng__buf *b, uint64_t a, uint64_t hi, int has_b) {
    char xs[24], ys[24];
    int la, lb, L, first = 1;
    uint64_t p10[21];
    p10[0] = 1;
    for (L = 1; L < 20; L++) p10[L] = p10[L - 1] * 10;
    la = snprintf(xs, sizeof xs, "%llu", (unsigned long long)a);
    lb = has_b ? snprintf(ys, sizeof ys, "%llu", (unsigned long long)hi) : la;
    aieng__buf_putc(b, '(');
    for (L = la; L <= lb; L++) {
        uint64_t lo = L == 1 ? 0 : p10[L - 1], up = L >= 20 ? UINT64_MAX : p10[L] - 1;
        char s1[24], s2[24];
        if (lo < a) lo = a;
        if (has_b && up > hi) up = hi;
        if (!has_b && L == la) up = L >= 20 ? UINT64_MAX : p10[L] - 1;
        if (lo > up) continue;
        snprintf(s1, sizeof s1, "%llu", (unsigned long long)lo);
        snprintf(s2, sizeof s2, "%llu", (unsigned long long)up);
        if (!first) aieng__buf_puts(b, " | ");
        first = 0;
        aieng__sc_same_len(b, s1, s2, L);
    }
    if (!has_b) { /* every longer number */
        if (!first) aieng__buf_puts(b, " | ");
        first = 0;
        aieng__buf_printf(b, "[1-9] [0-9]{%d,18}", la);
    }
    if (first) aieng__buf_puts(b, AIENG__GBNF_NOTHING); /* empty */
    aieng__buf_putc(b, ')');
}
static void aieng__sc_int_range(aieng__buf *b, int has_lo, int64_t lo, int has_hi, int64_t hi) {
    int first = 1;
    aieng__buf_putc(b, '(');
    if (!has_lo || lo < 0) { /* negative part: -m with m in [max(1,-hi), -lo] */
        uint64_t mlo = 1, mhi = 0;
        int has_mhi = has_lo;
        if (has_hi && hi < 0) mlo = (uint64_t)(-(hi + 1)) + 1;
        if (has_lo) mhi = (uint64_t)(-(lo + 1)) + 1;
        if (!has_mhi || mlo <= mhi) {
            aieng__buf_puts(b, "\"-\" ");
            aieng__sc_uint_range(b, mlo, mhi, has_mhi);
            first = 0;
        }
    }
    if (!has_hi || hi >= 0) {
        if (!first) aieng__buf_puts(b, " | ");
        aieng__sc_uint_range(b, has_lo && lo > 0 ? (uint64_t)lo : 0, has_hi ? (uint64_t)hi : 0, has_hi);
    }
    aieng__buf_putc(b, ')');
}
#define AIENG__CA_MAX 3 /* contains keywords on one array */
static int aieng__sc_contains(aieng__sc *c, const aieng_json **items, int nit, long mn, long mx, const aieng_json *const *cont,
                              const long *a, const long *bmax, int nk, aieng__buf *b);
static int aieng__sc_unique(aieng__sc *c, const aieng_json **items, int nit, long mn, long mx, aieng__buf *b);
static int aieng__sc_comp(aieng__sc *c, const aieng_json **parts, int np);
static int aieng__sc_for(aieng__sc *c, const aieng_json *s) { /* memoized rule for one schema node */
    int i, id;
    for (i = 0; i < c->nmemo; i++) if (c->memo_node[i] == s) return c->memo_rule[i];
    if (c->nmemo == c->capmemo) {
        int nc = c->capmemo ? c->capmemo * 2 : 64;
        const aieng_json **nn = (const aieng_json **)AIENG_REALLOC((void *)c->memo_node, (size_t)nc * sizeof *nn, NULL);
        int *nr;
        if (!nn) return aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
        c->memo_node = nn;
        nr = (int *)AIENG_REALLOC(c->memo_rule, (size_t)nc * sizeof *nr, NULL);
        if (!nr) return aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
        c->memo_rule = nr; c->capmemo = nc;
    }
    id = aieng__sc_new_rule(c);
    c->memo_node[c->nmemo] = s; c->memo_rule[c->nmemo] = id; c->nmemo++;
    {
        int base = c->mask_base, r;
        aieng__buf body;
        c->mask_base = c->nmasked; /* a value of its own: the anyOf/oneOf distributed around it apply again */
        r = aieng__sc_comp(c, &s, 1);
        c->mask_base = base;
        if (r < 0) return -1;
        memset(&body, 0, sizeof body);
        aieng__buf_printf(&body, "s%d", r);
        aieng__sc_emit(c, id, &body);
        AIENG_FREE(body.p, NULL);
    }
    return id;
}
/* memoized rule for the conjunction of a set of schema nodes (a member's merged schemas):
   the rule id is reserved before the body is compiled, so sets that recur through
   additionalProperties / properties cycles end in a reference instead of nesting forever */
static int aieng__cmp_ptr(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)*(const void *const *)a, y = (uintptr_t)*(const void *const *)b;
    return x < y ? -1 : x > y;
}
static int aieng__sc_for_set(aieng__sc *c, const aieng_json **in, int n) {
    const aieng_json **key;
    int i, id, r;
    aieng__buf body;
    if (n == 1) return aieng__sc_for(c, in[0]);
    key = (const aieng_json **)AIENG_MALLOC((size_t)n * sizeof *key, NULL);
    if (!key) return aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
    memcpy((void *)key, in, (size_t)n * sizeof *key);
    qsort((void *)key, (size_t)n, sizeof *key, aieng__cmp_ptr);
    for (i = 0; i < c->nset; i++)
        if (c->set_n[i] == n && !memcmp(c->set_parts[i], key, (size_t)n * sizeof *key)) { AIENG_FREE((void *)key, NULL); return c->set_rule[i]; }
    if (c->nset == c->capset) {
        int nc = c->capset ? c->capset * 2 : 32, *a, *b2;
        const aieng_json ***p = (const aieng_json ***)AIENG_REALLOC((void *)c->set_parts, (size_t)nc * sizeof *p, NULL);
        if (!p) { AIENG_FREE((void *)key, NULL); return aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); }
        c->set_parts = p;
        if (!(a = (int *)AIENG_REALLOC(c->set_n, (size_t)nc * sizeof *a, NULL))) { AIENG_FREE((void *)key, NULL); return aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); }
        c->set_n = a;
        if (!(b2 = (int *)AIENG_REALLOC(c->set_rule, (size_t)nc * sizeof *b2, NULL))) { AIENG_FREE((void *)key, NULL); return aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); }
        c->set_rule = b2;
        c->capset = nc;
    }
    id = aieng__sc_new_rule(c);
    c->set_parts[c->nset] = key; c->set_n[c->nset] = n; c->set_rule[c->nset] = id; c->nset++;
    {
        int base = c->mask_base;
        c->mask_base = c->nmasked; /* a value of its own */
        r = aieng__sc_comp(c, in, n);
        c->mask_base = base;
    }
    if (r < 0) return -1;
    memset(&body, 0, sizeof body);
    aieng__buf_printf(&body, "s%d", r);
    aieng__sc_emit(c, id, &body);
    AIENG_FREE(body.p, NULL);
    return id;
}
static int aieng__sc_is_only_ref(const aieng_json *s) {
    size_t i;
    if (!aieng_json_get(s, "$ref")) return 0;
    for (i = 0; i < s->n; i++) {
        const char *k = s->items[i]->key;
        if (strcmp(k, "$ref") && strcmp(k, "title") && strcmp(k, "description") && strcmp(k, "$comment") &&
            strcmp(k, "$defs") && strcmp(k, "definitions") && strcmp(k, "$schema") && strcmp(k, "$id") &&
            strcmp(k, "default") && strcmp(k, "examples")) return 0;
    }
    return 1;
}
enum { AIENG__T_NULL = 1, AIENG__T_BOOL = 2, AIENG__T_OBJ = 4, AIENG__T_ARR = 8, AIENG__T_NUM = 16, AIENG__T_INT = 32, AIENG__T_STR = 64 };
/* the AIENG__T_* bits of a `type` value (a name or an array of names); -1 when malformed */
static int aieng__sc_typebit(const aieng_json *t) {
    static const char *const names[7] = { "null", "boolean", "object", "array", "number", "integer", "string" };
    int k, bits = 0;
    size_t q;
    if (t && t->type == AIENG_JSON_ARRAY) {
        for (q = 0; q < t->n && bits >= 0; q++) bits = (k = aieng__sc_typebit(t->items[q])) < 0 || t->items[q]->type != AIENG_JSON_STRING ? -1 : bits | k;
        return bits;
    }
    if (!t || t->type != AIENG_JSON_STRING) return -1;
    for (k = 0; k < 7; k++) if (!strcmp(t->s, names[k])) return 1 << k;
    return -1;
}
static int aieng__sc_num(const aieng_json *k, double *d) {
    if (!k || k->type != AIENG_JSON_NUMBER) return 0;
    *d = k->d;
    return 1;
}
/* A rule for the text of a JSON string (after its opening quote, through its closing quote)
   that is none of the names nm[0..n) (all sharing their first `off` bytes); names that need
   escapes in JSON are not excluded. Walks a character trie of the names. */
static int aieng__sc_notin(aieng__sc *c, const char **nm, const size_t *nl, int n, size_t off, int depth) {
    aieng__buf b;
    int id, i, term = 0, first = 1;
    aieng__iv cps;
    if (depth > 4096) return aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: property name too long%s", NULL);
    memset(&b, 0, sizeof b);
    memset(&cps, 0, sizeof cps);
    for (i = 0; i < n; i++) {
        unsigned cp;
        if (nl[i] == off) { term = 1; continue; }
        if (!aieng__utf8_decode((const unsigned char *)nm[i] + off, nl[i] - off, &cp)) continue;
        if (!aieng__rs_has(&cps, (int)cp)) aieng__rs_add(&cps, (int)cp, (int)cp);
    }
    if (!term) { aieng__buf_puts(&b, "\"\\\"\""); first = 0; }
    aieng__rs_norm(&cps);
    {
        aieng__iv div;
        int q;
        memset(&div, 0, sizeof div);
        for (q = 0; q < cps.n; q++) aieng__iv_push(&div, cps.v[q]);
        aieng__rs_add(&div, 0, 0x1F); aieng__rs_add(&div, '"', '"'); aieng__rs_add(&div, '\\', '\\');
        aieng__rs_complement(&div);
        if (!first) aieng__buf_puts(&b, " | ");
        first = 0;
        aieng__buf_putc(&b, '(');
        aieng__gbnf_class(&b, &div);
        aieng__buf_puts(&b, " | \"\\\\\" " AIENG__GBNF_JESC ") char* \"\\\"\"");
        aieng__iv_free(&div);
    }
    for (i = 0; i < cps.n; i += 2) {
        unsigned cpv;
        for (cpv = (unsigned)cps.v[i]; cpv <= (unsigned)cps.v[i + 1]; cpv++) {
            const char **sn = (const char **)AIENG_MALLOC((size_t)n * sizeof(char *), NULL);
            size_t *sl = (size_t *)AIENG_MALLOC((size_t)n * sizeof(size_t), NULL);
            int m = 0, j, r, k = 0;
            char enc[4];
            if (!sn || !sl) { AIENG_FREE((void *)sn, NULL); AIENG_FREE(sl, NULL); aieng__iv_free(&cps); AIENG_FREE(b.p, NULL); return aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); }
            for (j = 0; j < n; j++) {
                unsigned cp;
                if (nl[j] > off && (k = aieng__utf8_decode((const unsigned char *)nm[j] + off, nl[j] - off, &cp)) && cp == cpv) { sn[m] = nm[j]; sl[m] = nl[j]; m++; }
            }
            k = aieng__utf8_encode(cpv, enc);
            r = aieng__sc_notin(c, sn, sl, m, off + (size_t)k, depth + 1);
            AIENG_FREE((void *)sn, NULL); AIENG_FREE(sl, NULL);
            if (r < 0) { aieng__iv_free(&cps); AIENG_FREE(b.p, NULL); return -1; }
            aieng__buf_puts(&b, " | ");
            aieng__gbnf_lit_cp(&b, cpv, 0);
            aieng__buf_printf(&b, " s%d", r);
        }
    }
    aieng__iv_free(&cps);
    id = aieng__sc_new_rule(c);
    aieng__sc_emit(c, id, &b);
    AIENG_FREE(b.p, NULL);
    return id;
}
/* the body for one type; returns 0 on error */
/* a schema made up by the compiler from JSON text, owned by c; NULL on OOM */
static const aieng_json *aieng__sc_synth(aieng__sc *c, const char *text, size_t n) {
    aieng_json_doc *d = NULL;
    if (aieng_json_parse(text, n, NULL, &d) != AIENG_OK) return NULL;
    if (c->nsynth == c->capsynth) {
        int nc = c->capsynth ? c->capsynth * 2 : 16;
        aieng_json_doc **ns = (aieng_json_doc **)AIENG_REALLOC(c->synth, (size_t)nc * sizeof *ns, NULL);
        if (!ns) { aieng_json_free(d); return NULL; }
        c->synth = ns; c->capsynth = nc;
    }
    c->synth[c->nsynth++] = d;
    return aieng_json_root(d);
}
static int aieng__sc_required_only(const aieng_json *b);
/* not {required: [...]} and not {anyOf: [{required: [...]}, ...]}: 1 when nt has that form
   (the instance is then an object without all of each list) */
static int aieng__sc_not_req(const aieng_json *nt) {
    const aieng_json *al;
    size_t i;
    if (aieng__sc_required_only(nt)) return 1;
    if (!nt || nt->type != AIENG_JSON_OBJECT || !(al = aieng_json_get(nt, "anyOf")) || al->type != AIENG_JSON_ARRAY || al->n == 0) return 0;
    for (i = 0; i < nt->n; i++) {
        const char *k = nt->items[i]->key;
        if (strcmp(k, "anyOf") && strcmp(k, "title") && strcmp(k, "description") && strcmp(k, "$comment")) return 0;
    }
    for (i = 0; i < al->n; i++) if (!aieng__sc_required_only(al->items[i])) return 0;
    return 1;
}
/* the keywords of member dependencies (dependencies: drafts 4 to 7) */
static const char *const aieng__sc_dep_kw[3] = { "dependencies", "dependentRequired", "dependentSchemas" };
/* the dependency lists of one part: dependentRequired, and dependencies / dependentSchemas
   whose values are name lists or required-only schemas; 0 (error set) for other forms */
static int aieng__sc_deps_ok(aieng__sc *c, const aieng_json *part) {
    const char *const *kw = aieng__sc_dep_kw;
    int w;
    for (w = 0; w < 3; w++) {
        const aieng_json *d = aieng_json_get(part, kw[w]);
        size_t q, z;
        if (!d) continue;
        if (d->type != AIENG_JSON_OBJECT) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: '%s' must be an object", kw[w]); return 0; }
        for (q = 0; q < d->n; q++) {
            const aieng_json *v = d->items[q];
            if (v->type == AIENG_JSON_ARRAY && w != 2) {
                for (z = 0; z < v->n; z++) if (v->items[z]->type != AIENG_JSON_STRING) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: '%s' lists must hold strings", kw[w]); return 0; }
            } else if ((v->type == AIENG_JSON_OBJECT || v->type == AIENG_JSON_BOOL) && w != 1) {
                /* schemas: required-only ones are name lists; others became anyOf parts (aieng__sc_comp) */
            } else { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: bad value in '%s'", kw[w]); return 0; }
        }
    }
    return 1;
}
/* the list of names of one dependency value (a name list or a required-only schema), or NULL */
static const aieng_json *aieng__sc_dep_list(const aieng_json *v) {
    if (v->type == AIENG_JSON_ARRAY) return v;
    if (v->type == AIENG_JSON_OBJECT && aieng__sc_required_only(v)) return aieng_json_get(v, "required");
    return NULL;
}
/* 1 when the name (as a JSON string) is valid against every schema of pns */
static int aieng__sc_name_ok(aieng__sc *c, const aieng_json *const *pns, int npn, const char *s, size_t len) {
    aieng_json key;
    int i;
    memset(&key, 0, sizeof key);
    key.type = AIENG_JSON_STRING; key.s = s; key.len = len;
    for (i = 0; i < npn; i++) {
        aieng__sv v;
        memset(&v, 0, sizeof v);
        v.root = c->root;
        if (aieng__sv_val(&v, pns[i], &key) != 1) return 0;
    }
    return 1;
}
struct aieng__sc_names;
static int aieng__sc_name(struct aieng__sc_names *m, const char *s, size_t len);
/* the edges (a needs b) of the parts' name-list dependencies, as member indices in m */
static int aieng__sc_dep_edges(const aieng_json **parts, int np, struct aieng__sc_names *m, aieng__iv *e) {
    const char *const *kw = aieng__sc_dep_kw;
    int i, w;
    for (i = 0; i < np; i++)
        for (w = 0; w < 3; w++) {
            const aieng_json *d = aieng_json_get(parts[i], kw[w]), *l;
            size_t q, z;
            for (q = 0; d && d->type == AIENG_JSON_OBJECT && q < d->n; q++) {
                int a;
                if (!(l = aieng__sc_dep_list(d->items[q]))) continue;
                if ((a = aieng__sc_name(m, d->items[q]->key, d->items[q]->key_len)) < 0) return 0;
                for (z = 0; z < l->n; z++) {
                    int y = aieng__sc_name(m, l->items[z]->s, l->items[z]->len);
                    if (y < 0 || !aieng__iv_push(e, a) || !aieng__iv_push(e, y)) return 0;
                }
            }
        }
    return 1;
}
typedef struct aieng__sc_names { const char **s; size_t *len; int *rule, *req, n, cap; } aieng__sc_names;
static void aieng__sc_names_free(aieng__sc_names *m, aieng__iv *dep) {
    AIENG_FREE((void *)m->s, NULL); AIENG_FREE(m->len, NULL); AIENG_FREE(m->rule, NULL); AIENG_FREE(m->req, NULL);
    aieng__iv_free(dep);
}
/* index of name s in the member list, added (optional, no rule yet) when new; -1 on OOM */
static int aieng__sc_name(aieng__sc_names *m, const char *s, size_t len) {
    int j;
    for (j = 0; j < m->n; j++) if (m->len[j] == len && !memcmp(m->s[j], s, len)) return j;
    if (m->n == m->cap) {
        int nc = m->cap ? m->cap * 2 : 16;
        const char **a = (const char **)AIENG_REALLOC((void *)m->s, (size_t)nc * sizeof *a, NULL);
        size_t *l;
        int *r, *q;
        if (!a) return -1;
        m->s = a;
        if (!(l = (size_t *)AIENG_REALLOC(m->len, (size_t)nc * sizeof *l, NULL))) return -1;
        m->len = l;
        if (!(r = (int *)AIENG_REALLOC(m->rule, (size_t)nc * sizeof *r, NULL))) return -1;
        m->rule = r;
        if (!(q = (int *)AIENG_REALLOC(m->req, (size_t)nc * sizeof *q, NULL))) return -1;
        m->req = q;
        m->cap = nc;
    }
    m->s[m->n] = s; m->len[m->n] = len; m->rule[m->n] = -1; m->req[m->n] = 0;
    return m->n++;
}
/* the GBNF literal of a member key: "\"name\"" with the name as JSON text */
static void aieng__sc_key_lit(aieng__buf *r, const char *s, size_t len) {
    aieng_json key;
    char *t = NULL;
    size_t tn = 0, q;
    memset(&key, 0, sizeof key);
    key.type = AIENG_JSON_STRING; key.s = s; key.len = len;
    aieng__buf_puts(r, "\"\\\"");
    if (aieng_json_write(&key, 0, &t, &tn) == AIENG_OK) {
        for (q = 1; q + 1 < tn; q++) {
            unsigned char ch = (unsigned char)t[q];
            if (ch == '"' || ch == '\\') aieng__buf_putc(r, '\\');
            aieng__buf_putc(r, (char)ch);
        }
    } else r->oom = 1;
    AIENG_FREE(t, NULL);
    aieng__buf_puts(r, "\\\"\"");
}
#define AIENG__SL_MAXD 16
/* ---- string languages as boolean combinations. A group is the conjunction of regex DFAs
   and a length range, taken as it is or complemented (neg); the language is the conjunction
   of the groups. Classifier DFAs (patternProperties) do not restrict it: for the keys of
   extra members, which of them accept picks the value schemas that follow the key. The
   product is explored as an aieng__ax: each DFA's state (its dead state, for complemented
   groups and classifiers, one past its last), and the length so far, saturating above every
   bound. */
#define AIENG__SL_MAXG 16
#define AIENG__SL_MAXCLS 12
typedef struct aieng__slg { int neg, never, d0, nd; long mn, mx; } aieng__slg;
typedef struct aieng__slb { /* a description: regexes, each in a group (-1: classifier) */
    const char *re[AIENG__SL_MAXD]; size_t rl[AIENG__SL_MAXD]; int rg[AIENG__SL_MAXD]; char *own[AIENG__SL_MAXD];
    int nre, ng;
    aieng__slg g[AIENG__SL_MAXG];
} aieng__slb;
static void aieng__slb_free(aieng__slb *L) { int i; for (i = 0; i < L->nre; i++) AIENG_FREE(L->own[i], NULL); memset(L, 0, sizeof *L); }
static int aieng__slb_group(aieng__slb *L, int neg) {
    if (L->ng >= AIENG__SL_MAXG) return -1;
    memset(&L->g[L->ng], 0, sizeof L->g[0]);
    L->g[L->ng].neg = neg; L->g[L->ng].mx = -1;
    return L->ng++;
}
/* adds regex re to group grp (own: text to free with L, or NULL); 0 when full */
static int aieng__slb_re(aieng__slb *L, int grp, const char *re, size_t len, char *own) {
    if (L->nre >= AIENG__SL_MAXD) { AIENG_FREE(own, NULL); return 0; }
    L->re[L->nre] = re; L->rl[L->nre] = len; L->rg[L->nre] = grp; L->own[L->nre] = own; L->nre++;
    return 1;
}
/* appends a regex matching exactly the bytes s[0..n) (raw UTF-8) */
static void aieng__re_lit(aieng__buf *b, const char *s, size_t n) {
    size_t z;
    for (z = 0; z < n; z++) {
        unsigned char ch = (unsigned char)s[z];
        if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch >= 0x80) aieng__buf_putc(b, (char)ch);
        else aieng__buf_printf(b, "\\x%02X", ch);
    }
}
/* a regex for exactly the strings s[0..n) (raw UTF-8), added to group grp */
static int aieng__slb_names(aieng__slb *L, int grp, const char *const *s, const size_t *sl, int n) {
    aieng__buf b;
    int i;
    memset(&b, 0, sizeof b);
    aieng__buf_puts(&b, "^(?:");
    for (i = 0; i < n; i++) {
        if (i) aieng__buf_putc(&b, '|');
        aieng__re_lit(&b, s[i], sl[i]);
    }
    aieng__buf_puts(&b, ")$");
    if (b.oom) { AIENG_FREE(b.p, NULL); return 0; }
    return aieng__slb_re(L, grp, b.p, b.n, b.p);
}
#define AIENG__SC_MAXKIND 8 /* kinds of witness members (aieng__scw) */
#define AIENG__SC_MAXWG 8   /* groups of them */
typedef struct aieng__slk { /* keys of extra members: the value rule for each set of patterns a key matches */
    aieng__sc *c;
    const aieng_json *const *parts; int np;
    const aieng_json *pat[AIENG__SL_MAXCLS]; int part[AIENG__SL_MAXCLS], npat; /* the patterns' schemas and parts */
    int noap;                             /* keys matching no pattern when no part has additionalProperties: -2 any value, -3 none */
    int *vr;                              /* per set (bit q: pattern q), -4: not made yet */
    int failed;                           /* a value rule failed (the error is the compiler's) */
    const aieng_json *wv[AIENG__SC_MAXKIND]; int nwv; /* schemas every value must hold too (witness members) */
} aieng__slk;
static int aieng__sc_sl_schema(aieng__sc *c, aieng__slb *L, const aieng_json *s, int neg, int depth);
static int aieng__sc_sl(aieng__sc *c, const aieng__slb *L, aieng__slk *k, const char *what);
/* remembers that `to` (made up) stands for `from`; to, or NULL when out of memory */
static const aieng_json *aieng__sc_conv_put(aieng__sc *c, const aieng_json *from, const aieng_json *to, int kind) {
    unsigned char *d;
    if (c->nconv == c->capconv) {
        int nc = c->capconv ? c->capconv * 2 : 16;
        const aieng_json **a = (const aieng_json **)AIENG_REALLOC((void *)c->conv_from, (size_t)nc * sizeof *a, NULL), **b2;
        if (!a) return NULL;
        c->conv_from = a;
        b2 = (const aieng_json **)AIENG_REALLOC((void *)c->conv_to, (size_t)nc * sizeof *b2, NULL);
        if (!b2) return NULL;
        c->conv_to = b2;
        if (!(d = (unsigned char *)AIENG_REALLOC(c->conv_tag, (size_t)nc, NULL))) return NULL;
        c->conv_tag = d;
        c->capconv = nc;
    }
    c->conv_from[c->nconv] = from; c->conv_to[c->nconv] = to; c->conv_tag[c->nconv] = (unsigned char)(2 * kind + c->negdefer); c->nconv++;
    return to;
}
/* the schema of a part's `not`, through schemas that are only a $ref; not {allOf: [{required:
   [...]}, ...]} reads as not {required: [all those names]} */
static const aieng_json *aieng__sc_not_of(aieng__sc *c, const aieng_json *part) {
    const aieng_json *x = aieng_json_get(part, "not"), *al;
    aieng__buf t;
    size_t i, z;
    int d;
    for (d = 0; x && x->type == AIENG_JSON_OBJECT && aieng__sc_is_only_ref(x) && d < 16; d++) {
        const aieng_json *r = aieng__schema_ref(c->root, aieng_json_get(x, "$ref"));
        if (!r) break;
        x = r;
    }
    if (!x || x->type != AIENG_JSON_OBJECT || !(al = aieng_json_get(x, "allOf")) || al->type != AIENG_JSON_ARRAY || !al->n) return x;
    for (i = 0; i < x->n; i++) {
        const char *k = x->items[i]->key;
        if (strcmp(k, "allOf") && strcmp(k, "title") && strcmp(k, "description") && strcmp(k, "$comment")) return x;
    }
    for (i = 0; i < al->n; i++) if (!aieng__sc_required_only(al->items[i])) return x;
    for (i = 0; i < (size_t)c->nconv; i++) if (c->conv_from[i] == x && c->conv_tag[i] >> 1 == 3) return c->conv_to[i];
    memset(&t, 0, sizeof t);
    aieng__buf_puts(&t, "{\"required\":[");
    for (i = 0; i < al->n; i++) {
        const aieng_json *rq = aieng_json_get(al->items[i], "required");
        for (z = 0; z < rq->n; z++) {
            char *w = NULL;
            size_t wn = 0, i2, z2;
            int seen = 0;
            for (i2 = 0; i2 <= i && !seen; i2++) { /* each name once */
                const aieng_json *r2 = aieng_json_get(al->items[i2], "required");
                for (z2 = 0; z2 < (i2 == i ? z : r2->n) && !seen; z2++) seen = aieng_json_equal(r2->items[z2], rq->items[z]);
            }
            if (seen) continue;
            if (aieng_json_write(rq->items[z], 0, &w, &wn) != AIENG_OK) { t.oom = 1; break; }
            if (t.p[t.n - 1] != '[') aieng__buf_putc(&t, ',');
            aieng__buf_put(&t, w, wn);
            aieng_free(NULL, w);
        }
    }
    aieng__buf_puts(&t, "]}");
    {
        const aieng_json *r = t.oom ? NULL : aieng__sc_synth(c, t.p, t.n);
        AIENG_FREE(t.p, NULL);
        if (!r || !aieng__sc_conv_put(c, x, r, 3)) return x; /* out of memory: the form stays unsupported */
        return r;
    }
}
/* the schemas of declared member `name` (sub[0..*ns), their conjunction; *isfalse when one
   is false): from each part its property, the patterns matching the name, else its
   additionalProperties. 0 with the error set on an unsupported pattern. */
static int aieng__sc_member_subs(aieng__sc *c, const aieng_json **parts, int np, const char *name, size_t len,
                                 const aieng_json **sub, int *ns, int *isfalse) {
    int i;
    for (i = 0; i < np; i++) {
        const aieng_json *pr = aieng_json_get(parts[i], "properties"), *pp0 = aieng_json_get(parts[i], "patternProperties");
        const aieng_json *s = pr ? aieng_json_getn(pr, name, len) : NULL, *a = aieng_json_get(parts[i], "additionalProperties");
        int declared = s != NULL;
        size_t q;
        if (s && s->type == AIENG_JSON_BOOL) { if (!s->boolean) *isfalse = 1; }
        else if (s && *ns < AIENG__SC_MAXPARTS) sub[(*ns)++] = s;
        for (q = 0; pp0 && pp0->type == AIENG_JSON_OBJECT && q < pp0->n; q++) {
            int mt = aieng__regex_match(pp0->items[q]->key, pp0->items[q]->key_len, name, len);
            if (mt < 0 && aieng__sc_relax(c, "patternProperties")) { declared = 1; continue; } /* relaxed: any value */
            if (mt < 0) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "%s", aieng_last_error()); return 0; }
            if (!mt) continue;
            declared = 1;
            if (pp0->items[q]->type == AIENG_JSON_BOOL) { if (!pp0->items[q]->boolean) *isfalse = 1; continue; }
            if (*ns < AIENG__SC_MAXPARTS) sub[(*ns)++] = pp0->items[q];
        }
        if (declared || !a) continue;
        if (a->type == AIENG_JSON_BOOL) { if (!a->boolean) *isfalse = 1; }
        else if (*ns < AIENG__SC_MAXPARTS) sub[(*ns)++] = a;
    }
    return 1;
}
/* The description of the keys of extra members (L; K picks their values): no declared name,
   what propertyNames allows, each part's patterns as classifiers. 0 when it has no such
   form (too many patterns, a propertyNames outside the string automata). */
static int aieng__sc_keys_desc(aieng__sc *c, const aieng_json **parts, int np, const char *const *names, const size_t *nlen, int n,
                               const aieng_json *const *pns, int npn, aieng__slb *L, aieng__slk *K) {
    int g, good = 1, i, npat = 0;
    size_t q;
    memset(L, 0, sizeof *L);
    memset(K, 0, sizeof *K);
    for (i = 0; i < np; i++) {
        const aieng_json *pp0 = aieng_json_get(parts[i], "patternProperties");
        if (pp0 && pp0->type == AIENG_JSON_OBJECT) npat += (int)pp0->n;
    }
    if (npat > AIENG__SL_MAXCLS) return 0;
    if (n > 0) good = (g = aieng__slb_group(L, 1)) >= 0 && aieng__slb_names(L, g, names, nlen, n);
    for (i = 0; i < npn && good; i++) good = aieng__sc_sl_schema(c, L, pns[i], 0, 0);
    for (i = 0; i < np && good; i++) {
        const aieng_json *pp0 = aieng_json_get(parts[i], "patternProperties");
        for (q = 0; pp0 && pp0->type == AIENG_JSON_OBJECT && good && q < pp0->n; q++) {
            good = aieng__slb_re(L, -1, pp0->items[q]->key, pp0->items[q]->key_len, NULL);
            K->pat[K->npat] = pp0->items[q]; K->part[K->npat++] = i;
        }
    }
    K->c = c; K->parts = parts; K->np = np;
    K->noap = (c->flags & AIENG_SCHEMA_NO_EXTRA_PROPERTIES) ? -3 : -2;
    return good;
}
/* the rule of the extra members (key, colon, value) that L and K describe; -1 on error */
static int aieng__sc_keys_rule(aieng__sc *c, const aieng__slb *L, aieng__slk *K) {
    int nv = 1 << K->npat, z, kr;
    K->vr = (int *)AIENG_MALLOC((size_t)nv * sizeof(int), NULL);
    if (!K->vr) return aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
    for (z = 0; z < nv; z++) K->vr[z] = -4;
    kr = aieng__sc_sl(c, L, K, "the keys of patternProperties / propertyNames / additionalProperties");
    AIENG_FREE(K->vr, NULL);
    K->vr = NULL;
    return kr;
}
/* ---- witnesses. A `not` of propertyNames / patternProperties asks for members of some
   kinds: not {propertyNames: S}: a key that fails S; not {patternProperties: {P: V}}: a key
   matching P whose value fails V; not {properties: {p: V}}: member p with a value that
   fails V; not {additionalProperties: V} (with that schema's properties and patterns): a
   key none of them covers, with a value that fails V. not {anyOf: [A, B]} asks for one of A's kinds and one of
   B's (two groups); not {allOf: [A, B]}, or a not of several such keywords, for one of the
   kinds of all of them (one group). The object then has, for each group, a member of one
   of its kinds: %unordered members that mark them (aieng__sc_wit_members). */
typedef struct aieng__scw {
    const aieng_json *names[AIENG__SC_MAXKIND]; /* propertyNames kind: the S the key fails; NULL: a pattern kind */
    const aieng_json *pat[AIENG__SC_MAXKIND];   /* else the entry (value V): of patternProperties (key P), properties (key p), or additionalProperties */
    const aieng_json *owner[AIENG__SC_MAXKIND]; /* additionalProperties: the schema whose properties and patterns it leaves out; else NULL */
    const aieng_json *val[AIENG__SC_MAXKIND];   /* the schema the value must hold (not V), NULL: any */
    unsigned grp[AIENG__SC_MAXKIND];            /* the group (one bit) of each kind */
    int prop[AIENG__SC_MAXKIND];                /* 1: a properties entry (the key is the name itself) */
    int nk, ng, hits;
} aieng__scw;
static int aieng__sc_annot(const char *k) { return !strcmp(k, "title") || !strcmp(k, "description") || !strcmp(k, "$comment"); }
/* adds the kinds of "not x" for an object to group bit g; 1 when x has that form, else 0 (W unchanged) */
static int aieng__sc_wit_kinds(aieng__sc *c, const aieng_json *x, aieng__scw *W, unsigned g, int depth) {
    int nk0 = W->nk, hits0 = W->hits;
    size_t q, z;
    if (depth > 16 || !x || x->type != AIENG_JSON_OBJECT) return 0;
    for (q = 0; q < x->n; q++) {
        const aieng_json *v = x->items[q];
        const char *k = v->key;
        if (aieng__sc_annot(k) || aieng_json_getn(x, k, v->key_len) != v) continue; /* a duplicate key: the one aieng_json_get sees counts */
        if (!strcmp(k, "propertyNames")) {
            if (W->nk == AIENG__SC_MAXKIND) goto no;
            W->names[W->nk] = v; W->pat[W->nk] = W->owner[W->nk] = NULL; W->prop[W->nk] = 0; W->grp[W->nk++] = g; W->hits++;
        } else if ((!strcmp(k, "patternProperties") || !strcmp(k, "properties")) && v->type == AIENG_JSON_OBJECT) {
            W->hits++;
            for (z = 0; z < v->n; z++) {
                if (v->items[z]->type == AIENG_JSON_BOOL && v->items[z]->boolean) continue; /* true: no value fails it */
                if (W->nk == AIENG__SC_MAXKIND) goto no;
                W->names[W->nk] = W->owner[W->nk] = NULL; W->pat[W->nk] = v->items[z]; W->grp[W->nk++] = g;
                W->prop[W->nk - 1] = k[0] == 'p' && k[1] == 'r';
            }
        } else if (!strcmp(k, "additionalProperties") && (v->type == AIENG_JSON_OBJECT || v->type == AIENG_JSON_BOOL)) {
            const aieng_json *pp = aieng_json_get(x, "patternProperties"), *pr = aieng_json_get(x, "properties");
            W->hits++;
            if ((pp && pp->type != AIENG_JSON_OBJECT) || (pr && pr->type != AIENG_JSON_OBJECT)) goto no;
            if (v->type == AIENG_JSON_BOOL && v->boolean) continue;
            if (W->nk == AIENG__SC_MAXKIND) goto no;
            W->names[W->nk] = NULL; W->pat[W->nk] = v; W->owner[W->nk] = x; W->prop[W->nk] = 0; W->grp[W->nk++] = g;
        } else if (!strcmp(k, "allOf") && v->type == AIENG_JSON_ARRAY) {
            for (z = 0; z < v->n; z++) if (!aieng__sc_wit_kinds(c, v->items[z], W, g, depth + 1)) goto no;
        } else if (!strcmp(k, "$ref")) {
            const aieng_json *t = aieng__schema_ref(c->root, v);
            if (!t || !aieng__sc_wit_kinds(c, t, W, g, depth + 1)) goto no;
        } else goto no;
    }
    return 1;
no:
    W->nk = nk0; W->hits = hits0;
    return 0;
}
/* the groups of a part's `not` (nt): one per item of not {anyOf: [...]}, else one; 1 when nt
   has that form (with W NULL: only says so) */
static int aieng__sc_not_wit(aieng__sc *c, const aieng_json *nt, aieng__scw *W) {
    aieng__scw tmp;
    const aieng_json *al;
    size_t q;
    int only = 1, nk0, ng0;
    if (!W) { memset(&tmp, 0, sizeof tmp); W = &tmp; }
    if (!nt || nt->type != AIENG_JSON_OBJECT) return 0;
    nk0 = W->nk; ng0 = W->ng; W->hits = 0;
    al = aieng_json_get(nt, "anyOf");
    for (q = 0; q < nt->n; q++) if (strcmp(nt->items[q]->key, "anyOf") && !aieng__sc_annot(nt->items[q]->key)) only = 0;
    if (!al || !only) {
        if (W->ng == AIENG__SC_MAXWG || !aieng__sc_wit_kinds(c, nt, W, 1u << W->ng, 0) || !W->hits) { W->nk = nk0; return 0; }
        W->ng++;
        return 1;
    }
    if (al->type != AIENG_JSON_ARRAY || !al->n) return 0;
    for (q = 0; q < al->n; q++) {
        const aieng_json *x = al->items[q];
        if ((x->type == AIENG_JSON_BOOL && !x->boolean) || aieng__sc_required_only(x)) continue; /* never holds: asks nothing; names that may not all be present: aieng__sc_not_req_list */
        W->hits = 0;
        if (W->ng == AIENG__SC_MAXWG || !aieng__sc_wit_kinds(c, x, W, 1u << W->ng, 0) || !W->hits) { W->nk = nk0; W->ng = ng0; return 0; }
        W->ng++;
    }
    return 1;
}
/* adds to L the keys of kind k */
static int aieng__sc_wit_key(aieng__sc *c, aieng__slb *L, const aieng__scw *W, int k) {
    const aieng_json *s = W->names[k], *x;
    int g, d;
    size_t q;
    if (W->owner[k]) { /* additionalProperties: none of the owner's names, no key of its patterns */
        const aieng_json *pp = aieng_json_get(W->owner[k], "patternProperties"), *pr = aieng_json_get(W->owner[k], "properties");
        const char *nm[64];
        size_t nl[64];
        int nn = 0;
        for (q = 0; pr && q < pr->n; q++) { if (nn == 64) return 0; nm[nn] = pr->items[q]->key; nl[nn++] = pr->items[q]->key_len; }
        if (nn && ((g = aieng__slb_group(L, 1)) < 0 || !aieng__slb_names(L, g, nm, nl, nn))) return 0;
        for (q = 0; pp && q < pp->n; q++)
            if ((g = aieng__slb_group(L, 1)) < 0 || !aieng__slb_re(L, g, pp->items[q]->key, pp->items[q]->key_len, NULL)) return 0;
        return 1;
    }
    if (!s && W->prop[k]) return (g = aieng__slb_group(L, 0)) >= 0 && aieng__slb_names(L, g, &W->pat[k]->key, &W->pat[k]->key_len, 1);
    if (!s) return (g = aieng__slb_group(L, 0)) >= 0 && aieng__slb_re(L, g, W->pat[k]->key, W->pat[k]->key_len, NULL);
    for (d = 0; s->type == AIENG_JSON_OBJECT && aieng__sc_is_only_ref(s) && d < 16; d++) {
        const aieng_json *r = aieng__schema_ref(c->root, aieng_json_get(s, "$ref"));
        if (!r) return 0;
        s = r;
    }
    if (s->type == AIENG_JSON_BOOL) { /* every key fails false, none fails true */
        if (s->boolean) { if ((g = aieng__slb_group(L, 0)) < 0) return 0; L->g[g].never = 1; }
        return 1;
    }
    if (s->type == AIENG_JSON_OBJECT && (x = aieng_json_get(s, "not")) != NULL) { /* fails not X: holds X */
        for (q = 0; q < s->n; q++) if (strcmp(s->items[q]->key, "not") && !aieng__sc_annot(s->items[q]->key)) break;
        if (q == s->n) return aieng__sc_sl_schema(c, L, x, 0, 0);
    }
    return aieng__sc_sl_schema(c, L, s, 1, 0);
}
/* 1 when declared name `nm` is a key of kind k (-1: error set) */
static int aieng__sc_wit_name(aieng__sc *c, const aieng__scw *W, int k, const char *nm, size_t len) {
    int mt;
    if (W->names[k]) return !aieng__sc_name_ok(c, &W->names[k], 1, nm, len);
    if (W->prop[k]) return W->pat[k]->key_len == len && !memcmp(W->pat[k]->key, nm, len);
    if (W->owner[k]) { /* additionalProperties: a name its owner neither declares nor matches */
        const aieng_json *pp = aieng_json_get(W->owner[k], "patternProperties"), *pr = aieng_json_get(W->owner[k], "properties");
        size_t q;
        if (pr && aieng_json_getn(pr, nm, len)) return 0;
        for (q = 0; pp && q < pp->n; q++) {
            if ((mt = aieng__regex_match(pp->items[q]->key, pp->items[q]->key_len, nm, len)) < 0) break;
            if (mt) return 0;
        }
        if (!pp || q == pp->n) return 1;
    } else mt = aieng__regex_match(W->pat[k]->key, W->pat[k]->key_len, nm, len);
    if (mt < 0) aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "%s", aieng_last_error());
    return mt;
}
static int aieng__sc_neg_array(aieng__sc *c, const aieng_json *s, aieng__buf *o);
/* the values of kind k must hold: not V (V = {not: X}: X), NULL for any (out of memory: error) */
static int aieng__sc_wit_val(aieng__sc *c, aieng__scw *W, int k) {
    const aieng_json *v = W->pat[k] ? W->pat[k] : NULL, *x;
    aieng__buf t;
    size_t q;
    W->val[k] = NULL;
    if (!v || v->type == AIENG_JSON_BOOL) return 1; /* propertyNames kinds and false: any value */
    if ((x = aieng_json_get(v, "not")) != NULL) {
        for (q = 0; q < v->n; q++) if (strcmp(v->items[q]->key, "not") && !aieng__sc_annot(v->items[q]->key)) break;
        if (q == v->n) { W->val[k] = x; return 1; }
    }
    memset(&t, 0, sizeof t);
    if (!aieng__sc_neg_array(c, v, &t)) { /* else {"not": V}: the compiler's not decides */
        if (!aieng__buf_json(&t, "{\"not\":", v, "}")) t.oom = 1;
    }
    if (!t.oom) W->val[k] = aieng__sc_synth(c, t.p, t.n);
    AIENG_FREE(t.p, NULL);
    if (!W->val[k]) return aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL) + 1;
    return 1;
}
#define AIENG__SC_MAXWM 64
typedef struct aieng__scwm { int rule[AIENG__SC_MAXWM], name[AIENG__SC_MAXWM]; unsigned mask[AIENG__SC_MAXWM]; int n; } aieng__scwm;
/* the y-th name list of a part's not {required} / not {anyOf: [{required}, ...]} (also the
   required-only items of a not {anyOf} of witnesses): lists that may not all be present;
   NULL past the last */
static int aieng__sc_converted(const aieng__sc *c, const aieng_json *from);
static const aieng_json *aieng__sc_not_req_list(aieng__sc *c, const aieng_json *part, size_t y) {
    const aieng_json *nt = aieng__sc_not_of(c, part), *al;
    size_t q;
    if (!nt) return NULL;
    if (aieng__sc_not_req(nt)) {
        if (!(al = aieng_json_get(nt, "anyOf"))) return y == 0 ? aieng_json_get(nt, "required") : NULL;
        return y < al->n ? aieng_json_get(al->items[y], "required") : NULL;
    }
    if (!(al = aieng_json_get(nt, "anyOf")) || al->type != AIENG_JSON_ARRAY || !aieng__sc_not_wit(c, nt, NULL)) return NULL;
    for (q = 0; q < al->n; q++) if (aieng__sc_required_only(al->items[q]) && y-- == 0) return aieng_json_get(al->items[q], "required");
    return NULL;
}
static int aieng__sc_wm_has(const aieng__scwm *m, int j) { int q; for (q = 0; q < m->n; q++) if (m->name[q] == j) return 1; return 0; }
/* the members that stand for name j: its own (rule base) and its variants; their count */
static int aieng__sc_wm_alts(const aieng__scwm *m, int j, int base, int *out) {
    int q, n = 0;
    out[n++] = base;
    for (q = 0; q < m->n; q++) if (m->name[q] == j) out[n++] = m->rule[q];
    return n;
}
/* not all of the names of list l: " ~a,b" for each combination of their members (variants) */
static void aieng__sc_forb_combos(aieng__buf *b, aieng__sc_names *M, const aieng__scwm *W, const int *mr, const aieng_json *l) {
    int idx[64], cnt[64], alts[64][AIENG__SC_MAXWM + 1];
    size_t z, n = l->n;
    if (n > 64) { /* no variants there (aieng__sc_object checks) */
        for (z = 0; z < n; z++) aieng__buf_printf(b, z ? ",s%d" : " ~s%d", mr[aieng__sc_name(M, l->items[z]->s, l->items[z]->len)]);
        return;
    }
    for (z = 0; z < n; z++) {
        int j = aieng__sc_name(M, l->items[z]->s, l->items[z]->len);
        cnt[z] = aieng__sc_wm_alts(W, j, mr[j], alts[z]);
        idx[z] = 0;
    }
    for (;;) {
        for (z = 0; z < n; z++) aieng__buf_printf(b, z ? ",s%d" : " ~s%d", alts[z][idx[z]]);
        for (z = 0; z < n && ++idx[z] == cnt[z]; z++) idx[z] = 0; /* next combination */
        if (z == n) break;
    }
}
/* The witness members: for each set T of kinds that is minimal for the groups it serves (no
   kind of it can go without losing a group), one repeatable member for the extra keys of
   all kinds of T with values that hold every kind's value schema (name -1), and one
   variant of each declared name (index j) that is a key of all of them, with the same
   values; their masks are the groups served. 1, or 0 with the error set. */
static int aieng__sc_wit_members(aieng__sc *c, aieng__scw *W, const aieng_json **parts, int np, const char *const *names,
                                 const size_t *nlen, int n, const int *rule, aieng__scwm *out) {
    const aieng_json *pns[AIENG__SC_MAXPARTS];
    int npn = 0, i, k, j;
    unsigned T, nT = 1u << W->nk;
    aieng__buf r;
    memset(&r, 0, sizeof r);
    out->n = 0;
    for (i = 0; i < np; i++) if (aieng_json_get(parts[i], "propertyNames")) pns[npn++] = aieng_json_get(parts[i], "propertyNames");
    for (k = 0; k < W->nk; k++) if (!aieng__sc_wit_val(c, W, k)) return 0;
    for (T = 1; T < nT; T++) {
        unsigned gT = 0;
        const aieng_json *sub[AIENG__SC_MAXPARTS];
        aieng__slb L;
        aieng__slk K;
        int minimal = 1, kr, good;
        for (k = 0; k < W->nk; k++) if (T >> k & 1) gT |= W->grp[k];
        for (k = 0; k < W->nk && minimal; k++) {
            unsigned g2 = 0;
            int q;
            if (!(T >> k & 1)) continue;
            for (q = 0; q < W->nk; q++) if ((T >> q & 1) && q != k) g2 |= W->grp[q];
            if (g2 == gT) minimal = 0;
        }
        if (!minimal) continue;
        good = aieng__sc_keys_desc(c, parts, np, names, nlen, n, pns, npn, &L, &K);
        for (k = 0; k < W->nk && good; k++) if (T >> k & 1) {
            good = aieng__sc_wit_key(c, &L, W, k);
            if (W->val[k]) K.wv[K.nwv++] = W->val[k];
        }
        if (!good) {
            aieng__slb_free(&L);
            aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: a 'not' of propertyNames / patternProperties needs the keys as "
                           "an automaton (string-only propertyNames, at most 12 patterns)%s", NULL);
            goto fail;
        }
        kr = aieng__sc_keys_rule(c, &L, &K);
        aieng__slb_free(&L);
        if (kr < 0) goto fail;
        if (!aieng__sc_is_empty(c, kr)) {
            if (out->n == AIENG__SC_MAXWM) goto full;
            r.n = 0; if (r.p) r.p[0] = 0;
            aieng__buf_printf(&r, "\"\\\"\" s%d ws", kr);
            out->rule[out->n] = aieng__sc_new_rule(c); out->name[out->n] = -1; out->mask[out->n] = gT;
            aieng__sc_emit(c, out->rule[out->n++], &r);
        }
        for (j = 0; j < n; j++) { /* declared names that are keys of every kind of T */
            int ns = 0, isfalse = 0, v, in = 1;
            if (rule[j] == -3) continue;
            for (k = 0; k < W->nk && in; k++) if (T >> k & 1) {
                if ((in = aieng__sc_wit_name(c, W, k, names[j], nlen[j])) < 0) goto fail;
            }
            if (!in) continue;
            if (!aieng__sc_member_subs(c, parts, np, names[j], nlen[j], sub, &ns, &isfalse)) goto fail;
            for (k = 0; k < W->nk; k++) if ((T >> k & 1) && W->val[k] && ns < AIENG__SC_MAXPARTS) sub[ns++] = W->val[k];
            if (isfalse) continue;
            if (ns == 0) v = -2;
            else if ((v = aieng__sc_for_set(c, sub, ns)) < 0) goto fail;
            if (v >= 0 && aieng__sc_is_empty(c, v)) continue;
            if (out->n == AIENG__SC_MAXWM) goto full;
            r.n = 0; if (r.p) r.p[0] = 0;
            aieng__sc_key_lit(&r, names[j], nlen[j]);
            aieng__buf_puts(&r, " ws \":\" ws ");
            if (v == -2) aieng__buf_puts(&r, "value"); else aieng__buf_printf(&r, "s%d", v);
            aieng__buf_puts(&r, " ws");
            out->rule[out->n] = aieng__sc_new_rule(c); out->name[out->n] = j; out->mask[out->n] = gT;
            aieng__sc_emit(c, out->rule[out->n++], &r);
        }
    }
    AIENG_FREE(r.p, NULL);
    return 1;
full:
    aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: a 'not' of propertyNames / patternProperties needs more than 64 members%s", NULL);
fail:
    AIENG_FREE(r.p, NULL);
    return 0;
}
/* Objects. Members come in any order (%unordered): the declared names (properties, required,
   the names of dependencies and of not {required}) each at most once, required ones always,
   extra members (additionalProperties / patternProperties) any number of times with keys
   other than the declared names; dependencies, not {required: [...]} combinations and
   min/maxProperties are conditions of the %unordered construct. */
static int aieng__sc_valid_check(aieng__sc *c, const aieng_json *x, aieng__buf *b);
static int aieng__sc_object(aieng__sc *c, const aieng_json **parts, int np, aieng__buf *b) {
    aieng__sc_names M;
    aieng__iv dep;                        /* name-list dependency edges (a, b): a needs b */
    const char **names;
    size_t *nlen;
    int *rule, *req, n, i, j, extra = -2, ok = 1, conflict = 0, impossible = 0, open = 0, perpart = 1, apconf;
    long minp = 0, maxp = -1;
    const aieng_json *ap = aieng__sc_kw(c, parts, np, "additionalProperties", &conflict);
    memset(&M, 0, sizeof M);
    memset(&dep, 0, sizeof dep);
    /* Each part's additionalProperties applies (as the spec says) to the names that part
       neither declares nor matches with one of its patternProperties: parts may disagree,
       and a name one part declares is still an extra member for another. `ap` (merged) and
       its conflict only matter for the approximations used when the key automaton of the
       extra members is too large. */
    for (i = 0; i < np; i++) if (aieng_json_get(parts[i], "patternProperties")) perpart = 0;
    if (perpart) { ap = NULL; conflict = 0; }
    apconf = conflict;
    conflict = 0;
    for (i = 0; i < np && ok; i++) { /* the declared names, in schema order */
        const aieng_json *pr = aieng_json_get(parts[i], "properties"), *rq = aieng_json_get(parts[i], "required");
        size_t q;
        if (pr && pr->type != AIENG_JSON_OBJECT) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: 'properties' must be an object%s", NULL); ok = 0; break; }
        if (rq && rq->type != AIENG_JSON_ARRAY) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: 'required' must be an array%s", NULL); ok = 0; break; }
        for (q = 0; pr && q < pr->n && ok; q++) if (aieng__sc_name(&M, pr->items[q]->key, pr->items[q]->key_len) < 0) ok = 0;
        if (ok && !aieng__sc_deps_ok(c, parts[i])) { ok = 0; break; }
    }
    for (i = 0; i < np && ok; i++) { /* required names, then the names dependencies and not {required} mention */
        const aieng_json *rq = aieng_json_get(parts[i], "required"), *nt = aieng__sc_not_of(c, parts[i]);
        const char *const *kw = aieng__sc_dep_kw;
        size_t q, z;
        int w;
        for (q = 0; rq && q < rq->n && ok; q++) {
            const aieng_json *nm = rq->items[q];
            if (nm->type != AIENG_JSON_STRING) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: 'required' must hold strings%s", NULL); ok = 0; break; }
            j = aieng__sc_name(&M, nm->s, nm->len);
            if (j < 0) ok = 0; else M.req[j] = 1;
        }
        for (w = 0; w < 3 && ok; w++) {
            const aieng_json *d = aieng_json_get(parts[i], kw[w]), *l;
            for (q = 0; d && q < d->n && ok; q++) {
                if (!(l = aieng__sc_dep_list(d->items[q]))) continue;
                if (aieng__sc_name(&M, d->items[q]->key, d->items[q]->key_len) < 0) ok = 0;
                for (z = 0; z < l->n && ok; z++) if (aieng__sc_name(&M, l->items[z]->s, l->items[z]->len) < 0) ok = 0;
            }
        }
        for (q = 0; ok && (nt = aieng__sc_not_req_list(c, parts[i], q)) != NULL; q++)
            for (z = 0; z < nt->n && ok; z++) if (aieng__sc_name(&M, nt->items[z]->s, nt->items[z]->len) < 0) ok = 0;
    }
    if (!ok && c->err == AIENG_OK) aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
    names = M.s; nlen = M.len; rule = M.rule; req = M.req; n = M.n;
    /* value rules: the member's schemas from every part (merged), else additionalProperties, else any */
    for (j = 0; j < n && ok; j++) {
        const aieng_json *sub[AIENG__SC_MAXPARTS];
        int ns = 0, isfalse = 0;
        if (!(ok = aieng__sc_member_subs(c, parts, np, names[j], nlen[j], sub, &ns, &isfalse))) break;
        if (isfalse) { rule[j] = -3; continue; } /* forbidden */
        if (ns >= 1) rule[j] = aieng__sc_for_set(c, sub, ns);
        else rule[j] = -2; /* any value */
        if (rule[j] == -1) ok = 0;
        else if (rule[j] >= 0 && aieng__sc_is_empty(c, rule[j])) rule[j] = -3;
    }
    for (j = 0; j < n && ok; j++) { /* declared names that propertyNames rejects are forbidden */
        const aieng_json *pns[AIENG__SC_MAXPARTS];
        int npn = 0;
        for (i = 0; i < np; i++) if (aieng_json_get(parts[i], "propertyNames")) pns[npn++] = aieng_json_get(parts[i], "propertyNames");
        if (npn && !aieng__sc_name_ok(c, pns, npn, names[j], nlen[j])) rule[j] = -3;
    }
    for (i = 0; i < np && ok; i++) { /* not {required: [x]}: x forbidden */
        const aieng_json *l;
        size_t y;
        for (y = 0; (l = aieng__sc_not_req_list(c, parts[i], y)) != NULL; y++) {
            if (l->n == 1) rule[aieng__sc_name(&M, l->items[0]->s, l->items[0]->len)] = -3;
            if (l->n == 0) impossible = 1; /* not {required: []}: nothing */
        }
    }
    if (ok && !aieng__sc_dep_edges(parts, np, &M, &dep)) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); ok = 0; }
    if (ok) { /* a member that needs a forbidden one is forbidden too */
        int changed = 1;
        while (changed)
            for (changed = 0, i = 0; i < dep.n; i += 2)
                if (rule[dep.v[i]] != -3 && rule[dep.v[i + 1]] == -3) { rule[dep.v[i]] = -3; changed = 1; }
        for (j = 0; j < n; j++) if (req[j] && rule[j] == -3) impossible = 1; /* required but forbidden: no instance */
    }
    if (ok && perpart) { /* extra members: every part's additionalProperties */
        const aieng_json *aps[AIENG__SC_MAXPARTS];
        int na = 0;
        extra = (c->flags & AIENG_SCHEMA_NO_EXTRA_PROPERTIES) ? -3 : -2;
        for (i = 0; i < np; i++) {
            const aieng_json *a = aieng_json_get(parts[i], "additionalProperties");
            if (!a) continue;
            if (a->type == AIENG_JSON_BOOL) { if (!a->boolean) na = -1; continue; }
            if (a->type != AIENG_JSON_OBJECT) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: bad 'additionalProperties'%s", NULL); ok = 0; break; }
            if (na >= 0) aps[na++] = a;
        }
        if (ok && na < 0) extra = -3;
        else if (ok && na >= 1) { extra = aieng__sc_for_set(c, aps, na); if (extra < 0) ok = 0; }
    } else if (ok) {
        if (ap && ap->type == AIENG_JSON_BOOL) extra = ap->boolean ? -2 : -3;
        else if (ap && ap->type == AIENG_JSON_OBJECT) { extra = aieng__sc_for(c, ap); if (extra < 0) ok = 0; }
        else if (ap) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: bad 'additionalProperties'%s", NULL); ok = 0; }
        else extra = (c->flags & AIENG_SCHEMA_NO_EXTRA_PROPERTIES) && !open ? -3 : -2;
    }
    for (i = 0; i < np && ok; i++) { /* minProperties / maxProperties: the tightest */
        double d;
        if (aieng__sc_num(aieng_json_get(parts[i], "minProperties"), &d) && d > minp) minp = d > 1e6 ? 1000000 : (long)ceil(d);
        if (aieng__sc_num(aieng_json_get(parts[i], "maxProperties"), &d) && (maxp < 0 || d < maxp)) maxp = d < 0 ? 0 : d > 1e6 ? 1000000 : (long)floor(d);
    }
    if (ok && maxp >= 0 && minp > maxp) impossible = 1;
    if (ok && !impossible && n > 0) { /* the required names and what their dependencies pull in must fit */
        unsigned char *t = (unsigned char *)AIENG_MALLOC((size_t)n, NULL);
        int changed = 1, cnt = 0;
        if (!t) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); ok = 0; }
        for (j = 0; ok && j < n; j++) t[j] = (unsigned char)req[j];
        while (ok && changed)
            for (changed = 0, i = 0; i < dep.n; i += 2)
                if (t[dep.v[i]] && !t[dep.v[i + 1]]) { t[dep.v[i + 1]] = 1; changed = 1; }
        for (j = 0; ok && j < n; j++) if (t[j]) { cnt++; if (rule[j] == -3) impossible = 1; }
        if (ok && maxp >= 0 && cnt > maxp) impossible = 1;
        for (i = 0; ok && !impossible && i < np; i++) { /* not {required: [...]} lists that must all be present */
            const aieng_json *l;
            size_t y, z;
            for (y = 0; (l = aieng__sc_not_req_list(c, parts[i], y)) != NULL; y++) {
                for (z = 0; z < l->n && t[aieng__sc_name(&M, l->items[z]->s, l->items[z]->len)]; z++) {}
                if (z == l->n) impossible = 1;
            }
        }
        AIENG_FREE(t, NULL);
    }
    if (ok && impossible) { /* no instance can satisfy this object schema */
        aieng__buf_puts(b, AIENG__GBNF_NOTHING);
        aieng__sc_names_free(&M, &dep);
        return 1;
    }
    if (ok) {
        aieng__buf r;
        int keyrule = -1, xm = -1, pp_relaxed = 0, sep, xr = -1, *mr = NULL, pkey = -1, keys_done = 0, xkey = -1, wnone = 0, xr_w = 0, wbad = 0;
        int keys_loose = 0; /* the exact key automaton was wanted and is out of reach: checked by %valid */
        aieng__scw W;
        aieng__scwm WM;
        const aieng_json *pp = aieng__sc_kw(c, parts, np, "patternProperties", &conflict);
        int ppconf = conflict;
        memset(&W, 0, sizeof W);
        WM.n = 0;
        {   /* exact keys of extra members: an automaton of the key strings that are no declared
               name and that propertyNames allows, where the patterns of each part that a key
               matches pick its value (that part's additionalProperties when none does) */
            const aieng_json *pns[AIENG__SC_MAXPARTS];
            int npn = 0, anyd = 0, esc = 0, hasp = 0;
            for (i = 0; i < np; i++) {
                const aieng_json *pp0 = aieng_json_get(parts[i], "patternProperties"), *a = aieng_json_get(parts[i], "additionalProperties");
                if (pp0 && pp0->type == AIENG_JSON_OBJECT && pp0->n > 0) hasp = 1;
                if (a && a->type != AIENG_JSON_BOOL && a->type != AIENG_JSON_OBJECT) {
                    aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: bad 'additionalProperties'%s", NULL); aieng__sc_names_free(&M, &dep); return 0; }
            }
            for (i = 0; i < np; i++) if (aieng_json_get(parts[i], "propertyNames")) pns[npn++] = aieng_json_get(parts[i], "propertyNames");
            for (j = 0; j < n && npn; j++) if (aieng__sc_name_ok(c, pns, npn, names[j], nlen[j])) anyd = 1;
            for (j = 0; j < n; j++) {
                size_t q;
                for (q = 0; q < nlen[j]; q++) if ((unsigned char)names[j][q] < 0x20 || names[j][q] == '"' || names[j][q] == '\\') esc = 1;
            }
            if ((hasp || extra != -3) && (hasp || (npn && anyd) || (n > 0 && esc && !npn))) {
                aieng__slb L;
                aieng__slk K;
                int kr = -1;
                if (aieng__sc_keys_desc(c, parts, np, names, nlen, n, pns, npn, &L, &K)) {
                    kr = aieng__sc_keys_rule(c, &L, &K);
                    if (kr >= 0) { keys_done = 1; xkey = aieng__sc_is_empty(c, kr) ? -1 : kr; }
                    else if (ok && c->err == AIENG_ERR_UNSUPPORTED && !K.failed) { c->err = AIENG_OK; keys_loose = 1; } /* too large: the approximations below */
                    else ok = 0;
                } else if (ok && c->err == AIENG_OK) keys_loose = 1; /* no such form: the approximations below */
                aieng__slb_free(&L);
                if (!ok) { aieng__sc_names_free(&M, &dep); return 0; }
            }
        }
        if (!keys_done && apconf) { /* approximations: one additionalProperties, one patternProperties */
            if (!aieng__sc_relax(c, "additionalProperties")) {
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: allOf parts disagree on '%s'", "additionalProperties"); ok = 0; }
            extra = -2; /* relaxed: any extra member (the declared ones keep their schemas) */
        }
        if (ok && !keys_done && ppconf) {
            if (aieng__sc_relax(c, "patternProperties")) { pp = NULL; extra = -2; } /* relaxed: any extra member */
            else { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: allOf parts disagree on '%s'", "patternProperties"); ok = 0; }
        }
        if (!ok) { aieng__sc_names_free(&M, &dep); return 0; }
        if (ok && !keys_done && pp && pp->type == AIENG_JSON_OBJECT && pp->n > 0) {
            /* extra members: a key matching one of the patterns, with that pattern's value */
            aieng__buf xb;
            size_t q;
            memset(&xb, 0, sizeof xb);
            for (q = 0; q < pp->n && ok; q++) {
                int vr = pp->items[q]->type == AIENG_JSON_BOOL ? (pp->items[q]->boolean ? -2 : -3) : aieng__sc_for(c, pp->items[q]);
                if (vr == -1) { ok = 0; break; }
                if (vr == -3 || (vr >= 0 && aieng__sc_is_empty(c, vr))) continue;
                if (xb.n) aieng__buf_puts(&xb, " | ");
                {   /* a pattern matching every key (".*", ".+" and the like): any key but the
                       declared names, so that those keep their own schemas */
                    const char *pk = pp->items[q]->key;
                    int all = !strcmp(pk, "") || !strcmp(pk, ".*") || !strcmp(pk, "^.*$") || !strcmp(pk, "^.*");
                    int nonempty = !strcmp(pk, ".+") || !strcmp(pk, "^.+$") || !strcmp(pk, "^.+") || !strcmp(pk, ".");
                    if ((all || nonempty) && n >= 0) {
                        const char **sn = (const char **)AIENG_MALLOC((size_t)(n + 1) * sizeof(char *), NULL);
                        size_t *sl = (size_t *)AIENG_MALLOC((size_t)(n + 1) * sizeof(size_t), NULL);
                        int m = 0, kr;
                        if (!sn || !sl) { AIENG_FREE((void *)sn, NULL); AIENG_FREE(sl, NULL); aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); ok = 0; break; }
                        for (j = 0; j < n; j++) {
                            size_t z;
                            for (z = 0; z < nlen[j]; z++) if ((unsigned char)names[j][z] < 0x20 || names[j][z] == '"' || names[j][z] == '\\') break;
                            if (z == nlen[j]) { sn[m] = names[j]; sl[m] = nlen[j]; m++; }
                        }
                        if (nonempty) { sn[m] = ""; sl[m] = 0; m++; }
                        kr = aieng__sc_notin(c, sn, sl, m, 0, 0);
                        AIENG_FREE((void *)sn, NULL); AIENG_FREE(sl, NULL);
                        if (kr < 0) { ok = 0; break; }
                        aieng__buf_printf(&xb, "\"\\\"\" s%d", kr);
                    } else {
                        aieng__buf_puts(&xb, "\"\\\"\" ");
                        if (aieng__regex_gbnf(pk, pp->items[q]->key_len, 1, &xb) != AIENG_OK) {
                            if (aieng__sc_relax(c, "patternProperties")) { pp_relaxed = 1; break; } /* any extra member */
                            c->err = AIENG_ERR_UNSUPPORTED; ok = 0; break; }
                        aieng__buf_puts(&xb, " \"\\\"\"");
                    }
                }
                if (vr == -2) aieng__buf_puts(&xb, " ws \":\" ws value");
                else aieng__buf_printf(&xb, " ws \":\" ws s%d", vr);
            }
            if (ok && pp_relaxed) extra = -2;
            else if (ok) {
                if (!xb.n) aieng__buf_puts(&xb, AIENG__GBNF_NOTHING);
                xm = aieng__sc_new_rule(c);
                aieng__sc_emit(c, xm, &xb);
            }
            AIENG_FREE(xb.p, NULL);
            if (!ok) { aieng__sc_names_free(&M, &dep); return 0; }
        }
        if (!keys_done && extra != -3 && n > 0 && xm < 0) { /* extra keys: any string but the declared names */
            const char **sn = (const char **)AIENG_MALLOC((size_t)n * sizeof(char *), NULL);
            size_t *sl = (size_t *)AIENG_MALLOC((size_t)n * sizeof(size_t), NULL);
            int m = 0;
            if (sn && sl) {
                for (j = 0; j < n; j++) {
                    size_t q;
                    for (q = 0; q < nlen[j]; q++) if ((unsigned char)names[j][q] < 0x20 || names[j][q] == '"' || names[j][q] == '\\') break;
                    if (q == nlen[j]) { sn[m] = names[j]; sl[m] = nlen[j]; m++; }
                }
                keyrule = aieng__sc_notin(c, sn, sl, m, 0, 0);
            } else aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
            AIENG_FREE((void *)sn, NULL); AIENG_FREE(sl, NULL);
            if (keyrule < 0) { aieng__sc_names_free(&M, &dep); return 0; }
        }
        if (ok && !keys_done && (xm >= 0 || extra != -3)) { /* propertyNames: what extra keys may be */
            const aieng_json *pns[AIENG__SC_MAXPARTS + 1];
            int npn = 0, anyd = 0;
            for (i = 0; i < np; i++) if (aieng_json_get(parts[i], "propertyNames")) pns[npn++] = aieng_json_get(parts[i], "propertyNames");
            for (j = 0; j < n && npn; j++) if (aieng__sc_name_ok(c, pns, npn, names[j], nlen[j])) anyd = 1;
            if (npn && (xm >= 0 || anyd)) { /* the key grammar would need a difference of languages */
                if (!aieng__sc_relax(c, "propertyNames")) {
                    aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: 'propertyNames' is supported when no declared name matches it and without patternProperties%s", NULL);
                    ok = 0;
                }
            } else if (npn) { /* keys: the strings propertyNames allows (no declared name is one) */
                pns[npn] = aieng__sc_synth(c, "{\"type\":\"string\"}", 17);
                if (!pns[npn]) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); ok = 0; }
                else if ((pkey = aieng__sc_comp(c, pns, npn + 1)) < 0) ok = 0;
            }
            if (!ok) { aieng__sc_names_free(&M, &dep); return 0; }
        }
        memset(&r, 0, sizeof r);
        sep = aieng__sc_new_rule(c);
        aieng__buf_puts(&r, "\",\" ws");
        aieng__sc_emit(c, sep, &r);
        if (keys_done) { /* the extra member: its key automaton ends with the value */
            if (xkey >= 0) {
                r.n = 0; if (r.p) r.p[0] = 0;
                aieng__buf_printf(&r, "\"\\\"\" s%d ws", xkey);
                xr = aieng__sc_new_rule(c);
                aieng__sc_emit(c, xr, &r);
            }
        } else if (xm >= 0 || extra != -3) { /* the extra member */
            r.n = 0; if (r.p) r.p[0] = 0;
            if (xm >= 0) aieng__buf_printf(&r, "s%d ws", xm);
            else {
                if (pkey >= 0) aieng__buf_printf(&r, "s%d", pkey);
                else if (keyrule < 0) aieng__buf_puts(&r, "string"); else aieng__buf_printf(&r, "\"\\\"\" s%d", keyrule);
                if (extra == -2) aieng__buf_puts(&r, " ws \":\" ws value ws"); else aieng__buf_printf(&r, " ws \":\" ws s%d ws", extra);
            }
            xr = aieng__sc_new_rule(c);
            aieng__sc_emit(c, xr, &r);
        }
        mr = (int *)AIENG_MALLOC((size_t)(n + 1) * sizeof(int), NULL);
        if (!mr) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); ok = 0; }
        for (j = 0; j < n && ok; j++) { /* one rule per allowed member: key, colon, value */
            mr[j] = -1;
            if (rule[j] == -3) continue;
            r.n = 0; if (r.p) r.p[0] = 0;
            aieng__sc_key_lit(&r, names[j], nlen[j]);
            aieng__buf_puts(&r, " ws \":\" ws ");
            if (rule[j] == -2) aieng__buf_puts(&r, "value"); else aieng__buf_printf(&r, "s%d", rule[j]);
            aieng__buf_puts(&r, " ws");
            mr[j] = aieng__sc_new_rule(c);
            aieng__sc_emit(c, mr[j], &r);
        }
        AIENG_FREE(r.p, NULL);
        for (i = 0; i < np && ok; i++) { /* not {propertyNames / patternProperties}: witness members */
            const aieng_json *nt = aieng__sc_not_of(c, parts[i]);
            if (!nt || aieng__sc_converted(c, nt) || aieng__sc_not_req(nt) || !aieng__sc_not_wit(c, nt, NULL)) continue;
            if (!aieng__sc_not_wit(c, nt, &W)) {
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: more than 8 'not's of propertyNames / patternProperties (or 8 kinds of member they ask for)%s", NULL);
                ok = 0;
            }
        }
        if (ok && W.ng && !aieng__sc_wit_members(c, &W, parts, np, names, nlen, n, rule, &WM)) ok = 0;
        if (ok) { /* the '?' conditions: one per group, one per required name with variants */
            int nq = W.ng;
            for (j = 0; j < n; j++) if (req[j] && aieng__sc_wm_has(&WM, j)) nq++;
            if (nq > 12) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: 'not's of propertyNames / patternProperties with more than 12 conditions%s", NULL); ok = 0; }
            for (i = 0; i < dep.n; i += 2) if (aieng__sc_wm_has(&WM, dep.v[i + 1])) wbad = 1; /* "needs b" with b in variants: no such condition */
            for (i = 0; i < np; i++) { /* not {required: [...]} lists: one '~' per combination of the names' variants */
                const aieng_json *l;
                size_t y, z;
                for (y = 0; (l = aieng__sc_not_req_list(c, parts[i], y)) != NULL; y++) {
                    long combos = 1;
                    int alts[AIENG__SC_MAXWM + 1];
                    for (z = 0; l->n > 1 && z < l->n && combos <= 256; z++) combos *= aieng__sc_wm_alts(&WM, aieng__sc_name(&M, l->items[z]->s, l->items[z]->len), 0, alts);
                    if (combos > 256 || (l->n > 64 && combos > 1)) wbad = 1;
                }
            }
            if (ok && wbad) { /* a variant of a name would need the name's conditions too */
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: a 'not' of propertyNames / patternProperties that a name needed by "
                               "dependencies can satisfy (or too many variants of names in a not {required}) is not supported%s", NULL);
                ok = 0;
            }
            for (i = 0; i < W.ng; i++) { /* a group no member can serve: no instance */
                int q;
                for (q = 0; q < WM.n && !(WM.mask[q] >> i & 1); q++) {}
                if (q == WM.n) wnone = 1;
            }
        }
        if (!ok && c->err == AIENG_ERR_UNSUPPORTED && W.ng && aieng__sc_relax(c, "not")) { ok = 1; c->err = AIENG_OK; W.ng = 0; WM.n = 0; } /* relaxed: left out */
        for (i = 0; i < WM.n; i++) if (WM.name[i] < 0) xr_w = 1;
        if (ok && wnone) { aieng__buf_puts(b, AIENG__GBNF_NOTHING); AIENG_FREE(mr, NULL); aieng__sc_names_free(&M, &dep); return 1; }
        if (ok && xr < 0 && !xr_w && minp > 0) { /* no extra member: the allowed names must reach minProperties */
            int navail = 0;
            for (j = 0; j < n; j++) navail += mr[j] >= 0;
            if (navail < minp) { aieng__buf_puts(b, AIENG__GBNF_NOTHING); AIENG_FREE(mr, NULL); aieng__sc_names_free(&M, &dep); return 1; }
        }
        if (ok) {
            int q, q2;
            /* ordered: not with members of required kinds (their ~ and ? conditions over a name's
               variants would let an early choice of order leave no way to meet them) */
            aieng__buf_printf(b, "\"{\" ws %%unordered(%ssep=s%d", (c->flags & AIENG_SCHEMA_ORDERED) && !WM.n ? "ordered=1 " : "", sep);
            if (xr >= 0) aieng__buf_printf(b, " extra=s%d", xr);
            if (minp > 0) aieng__buf_printf(b, " min=%ld", minp);
            if (maxp >= 0) aieng__buf_printf(b, " max=%ld", maxp);
            for (j = 0; j < n; j++) if (mr[j] >= 0) aieng__buf_printf(b, req[j] && !aieng__sc_wm_has(&WM, j) ? " s%d!" : " s%d", mr[j]);
            for (q = 0; q < WM.n; q++) aieng__buf_printf(b, WM.name[q] < 0 ? " s%d*" : " s%d", WM.rule[q]);
            for (q = 0; q < WM.n; q++) { /* a name's member and its variants: one at most (all of them when required: ?) */
                if ((j = WM.name[q]) < 0) continue;
                aieng__buf_printf(b, " ~s%d,s%d", mr[j], WM.rule[q]);
                for (q2 = q + 1; q2 < WM.n; q2++) if (WM.name[q2] == j) aieng__buf_printf(b, " ~s%d,s%d", WM.rule[q], WM.rule[q2]);
            }
            for (j = 0; j < n; j++) if (req[j] && aieng__sc_wm_has(&WM, j)) {
                aieng__buf_printf(b, " ?s%d", mr[j]);
                for (q = 0; q < WM.n; q++) if (WM.name[q] == j) aieng__buf_printf(b, ",s%d", WM.rule[q]);
            }
            for (i = 0; i < W.ng; i++) { /* each group: one of its members at least */
                int first = 1;
                for (q = 0; q < WM.n; q++) if (WM.mask[q] >> i & 1) { aieng__buf_printf(b, first ? " ?s%d" : ",s%d", WM.rule[q]); first = 0; }
            }
            for (i = 0; i < np; i++) {
                const aieng_json *l;
                size_t y, z;
                int w;
                if (i == 0) /* a>b: when a (or a variant of it) is present, b is too */
                    for (w = 0; w < dep.n; w += 2) if (mr[dep.v[w]] >= 0) {
                        int alts[AIENG__SC_MAXWM + 1], na = aieng__sc_wm_alts(&WM, dep.v[w], mr[dep.v[w]], alts), q3;
                        for (q3 = 0; q3 < na; q3++) aieng__buf_printf(b, " s%d>s%d", alts[q3], mr[dep.v[w + 1]]);
                    }
                for (y = 0; (l = aieng__sc_not_req_list(c, parts[i], y)) != NULL; y++) { /* ~a,b: not all of a, b */
                    for (z = 0; z < l->n; z++) if (mr[aieng__sc_name(&M, l->items[z]->s, l->items[z]->len)] < 0) break;
                    if (l->n < 2 || z < l->n) continue; /* one forbidden name already rules it out */
                    aieng__sc_forb_combos(b, &M, &WM, mr, l);
                }
            }
            aieng__buf_puts(b, ") \"}\"");
            for (i = 0; i < np && ok && keys_loose; i++) ok = aieng__sc_valid_check(c, parts[i], b); /* the approximations, checked as the object ends */
        }
        AIENG_FREE(mr, NULL);
    }
    aieng__sc_names_free(&M, &dep);
    return ok;
}
static int aieng__sc_array(aieng__sc *c, const aieng_json **parts, int np, aieng__buf *b) {
    int conflict = 0;
    const aieng_json *pre = aieng__sc_kw(c, parts, np, "prefixItems", &conflict), *it = aieng__sc_kw(c, parts, np, "items", NULL);
    long mn = 0, mx = -1, k, npre = 0;
    int i, item_rule = -2, *pr = NULL, nit = 0, uqc = 0;
    const aieng_json *its[AIENG__SC_MAXPARTS];
    for (i = 0; i < np; i++) { /* "items" (schema form) of every part: their conjunction applies */
        const aieng_json *x = aieng_json_get(parts[i], "items");
        int q;
        if (!x || x->type == AIENG_JSON_ARRAY) continue;
        for (q = 0; q < nit; q++) if (aieng_json_equal(its[q], x)) break;
        if (q == nit) its[nit++] = x;
    }
    if (conflict) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: allOf parts disagree on '%s'", "prefixItems"); return 0; }
    for (i = 0; i < np; i++) {
        double d;
        if (aieng__sc_num(aieng_json_get(parts[i], "minItems"), &d) && d > mn) mn = d > 1e6 ? 1000000 : (long)ceil(d);
        if (aieng__sc_num(aieng_json_get(parts[i], "maxItems"), &d) && (mx < 0 || d < mx)) mx = d > 1e6 ? 1000000 : (long)floor(d);
    }
    if (it && it->type == AIENG_JSON_ARRAY) { /* drafts 4-7: after the tuple, additionalItems and every other part's items */
        pre = it;
        it = aieng__sc_kw(c, parts, np, "additionalItems", NULL);
        if (it && nit < AIENG__SC_MAXPARTS) its[nit++] = it;
        if (nit) it = its[0];
    }
    if (nit > 1 && it && it->type != AIENG_JSON_ARRAY) { /* several item schemas: compile them as allOf */
        item_rule = aieng__sc_comp(c, its, nit);
        if (item_rule < 0) return 0;
        it = NULL;
    } else if (it && it->type == AIENG_JSON_BOOL) item_rule = it->boolean ? -2 : -3;
    else if (it && it->type == AIENG_JSON_OBJECT) { item_rule = aieng__sc_for(c, it); if (item_rule < 0) return 0; }
    else if (it) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: bad 'items'%s", NULL); return 0; }
    if (item_rule >= 0 && aieng__sc_is_empty(c, item_rule)) item_rule = -3; /* no value fits: no further items */
    if (pre && pre->type == AIENG_JSON_ARRAY) npre = (long)pre->n;
    if (mx >= 0 && npre > mx) npre = mx;
    if (item_rule == -3 && (mx < 0 || mx > npre)) mx = npre;
    if (mx >= 0 && mn > mx) { aieng__buf_puts(b, AIENG__GBNF_NOTHING); return 1; } /* no array fits */
    if (mn > AIENG_GRAMMAR_MAX_REPEAT || mx > AIENG_GRAMMAR_MAX_REPEAT) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: minItems/maxItems above %s", "AIENG_GRAMMAR_MAX_REPEAT"); return 0; }
    {   /* contains (minContains, maxContains) and uniqueItems: exact automata, without prefixItems */
        const aieng_json *cont[AIENG__CA_MAX], *x;
        long clo[AIENG__CA_MAX], chi[AIENG__CA_MAX];
        int uq = 0, r, nk = 0, q, anymax = 0;
        for (i = 0; i < np; i++) {
            double d;
            if ((x = aieng_json_get(parts[i], "uniqueItems")) != NULL && x->type == AIENG_JSON_BOOL && x->boolean) uq = 1;
            if ((x = aieng_json_get(parts[i], "contains")) == NULL) continue;
            for (q = 0; q < nk && !aieng_json_equal(cont[q], x); q++) {}
            if (q < nk) continue;
            if (nk == AIENG__CA_MAX) {
                if (aieng__sc_relax(c, "contains")) continue; /* relaxed: the first ones only */
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: more than 3 different 'contains'%s", NULL); return 0; }
            cont[nk] = x; clo[nk] = 1; chi[nk] = -1;
            if (aieng__sc_num(aieng_json_get(parts[i], "minContains"), &d)) clo[nk] = d < 0 ? 0 : d > 1e6 ? 1000000 : (long)ceil(d);
            if (aieng__sc_num(aieng_json_get(parts[i], "maxContains"), &d)) { chi[nk] = d < 0 ? 0 : d > 1e6 ? 1000000 : (long)floor(d); anymax = 1; }
            if (chi[nk] >= 0 && clo[nk] > chi[nk]) { aieng__buf_puts(b, AIENG__GBNF_NOTHING); return 1; }
            nk++;
        }
        if ((nk || uq) && (npre || (nk && uq) || (nk > 1 && anymax))) {
            const char *kw = uq ? "uniqueItems" : nk > 1 && anymax ? "maxContains" : "contains";
            if (!aieng__sc_relax(c, kw) || (npre && nk && uq && !aieng__sc_relax(c, "contains"))) {
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: '%s' together with prefixItems (or contains with uniqueItems, or "
                               "maxContains with several contains) is not supported", kw); return 0; }
            uq = 0; /* relaxed: left out (contains too with prefixItems; maxContains with several) */
            if (npre) nk = 0;
            for (q = 0; q < nk; q++) chi[q] = -1;
        }
        if (nk) {
            if (aieng__sc_contains(c, its, nit, mn, mx, cont, clo, chi, nk, b)) return 1;
            if (c->err != AIENG_ERR_UNSUPPORTED || !aieng__sc_relax(c, "contains")) return 0;
            c->err = AIENG_OK; /* relaxed: left out */
        }
        if (uq) {
            size_t at = b->n;
            r = aieng__sc_unique(c, its, nit, mn, mx, b);
            if (r == 1) return 1;
            if (r == 0) return 0;
            b->n = at;
            uqc = 1; /* other items: each checked against the earlier ones as it ends (%unique) */
        }
    }
    if (npre) {
        pr = (int *)AIENG_MALLOC((size_t)npre * sizeof(int), NULL);
        if (!pr) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); return 0; }
        for (k = 0; k < npre; k++) {
            const aieng_json *s = pre->items[k], *set[AIENG__SC_MAXPARTS];
            int ns = 0;
            set[ns++] = s;
            for (i = 0; i < np && ns < AIENG__SC_MAXPARTS; i++) { /* the items of parts without a prefix apply here too */
                const aieng_json *x = aieng_json_get(parts[i], "items");
                if (x && x->type != AIENG_JSON_ARRAY && !aieng_json_get(parts[i], "prefixItems")) set[ns++] = x;
            }
            if (ns > 1) pr[k] = aieng__sc_for_set(c, set, ns);
            else pr[k] = s->type == AIENG_JSON_BOOL ? (s->boolean ? -2 : -3) : aieng__sc_for(c, s);
            if (pr[k] == -1) { AIENG_FREE(pr, NULL); return 0; }
            if (pr[k] >= 0 && aieng__sc_is_empty(c, pr[k])) pr[k] = -3;
            if (pr[k] == -3) { /* no element may be at this position */
                if (mn > k) { AIENG_FREE(pr, NULL); aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: prefixItems false before minItems%s", NULL); return 0; }
                npre = k; mx = k; break;
            }
        }
    }
    aieng__buf_puts(b, "\"[\" ws ");
    if (mx == 0) { aieng__buf_puts(b, "\"]\""); AIENG_FREE(pr, NULL); return 1; }
    /* positions 1..npre, then the rest */
    {
        long opened = 0;
        for (k = 0; k < npre; k++) {
            if (k >= mn) { aieng__buf_puts(b, "("); opened++; }
            if (k) aieng__buf_puts(b, "\",\" ws ");
            if (pr[k] == -2) aieng__buf_puts(b, "value ws "); else aieng__buf_printf(b, "s%d ws ", pr[k]);
        }
        if (item_rule != -3 && (mx < 0 || mx > npre)) {
            long lo = mn > npre ? mn - npre : 0, hi = mx < 0 ? -1 : mx - npre;
            char ir[48];
            if (item_rule == -2) snprintf(ir, sizeof ir, "value%s", uqc ? " %unique" : "");
            else snprintf(ir, sizeof ir, "s%d%s", item_rule, uqc ? " %unique" : "");
            if (npre == 0) { /* first element has no comma */
                if (lo == 0) aieng__buf_puts(b, "(");
                aieng__buf_printf(b, "%s ws ", ir);
                lo = lo ? lo - 1 : 0; hi = hi < 0 ? -1 : hi - 1;
                if (hi < 0) aieng__buf_printf(b, "(\",\" ws %s ws){%ld,}", ir, lo);
                else if (hi > 0) aieng__buf_printf(b, "(\",\" ws %s ws){%ld,%ld}", ir, lo, hi);
                if (mn == 0) aieng__buf_puts(b, ")?");
            } else {
                if (hi < 0) aieng__buf_printf(b, "(\",\" ws %s ws){%ld,}", ir, lo);
                else aieng__buf_printf(b, "(\",\" ws %s ws){%ld,%ld}", ir, lo, hi);
            }
        }
        for (k = 0; k < opened; k++) aieng__buf_puts(b, ")?");
    }
    aieng__buf_puts(b, " \"]\"");
    AIENG_FREE(pr, NULL);
    return 1;
}
#ifndef AIENG__SC_AUTOMATON_MAX
#define AIENG__SC_AUTOMATON_MAX 65536 /* states of one exact product automaton (rules it becomes) */
#endif
#ifndef AIENG__SC_COUNTED_AT
#define AIENG__SC_COUNTED_AT 20000 /* product states from which an automaton with a count becomes a %dfa (tests lower it) */
#endif
/* ---- explicit automata written out as rules: a state reachable from the start that can
   still reach acceptance becomes one rule "s<id> ::= set s<next> | ... | """; used for
   the exact products (regex x length counter, digits x bounds x remainder) */
#define AIENG__AX_DEAD UINT64_MAX
typedef struct aieng__ax {
    uint64_t (*next)(const void *u, uint64_t st, int atom); /* AIENG__AX_DEAD: no move */
    int (*accept)(const void *u, uint64_t st);
    int (*tail)(const void *u, uint64_t st, aieng__buf *out); /* optional: 1 when it wrote the state's whole (non-empty) language */
    const void *u;
    const aieng__iv *atoms; int natoms;   /* atom k: a set of code points (range pairs) */
    int json;                             /* atoms are string characters, written JSON-escaped */
    const char *const *label;             /* or NULL: atom k is the GBNF text label[k] (sequences of values) */
    const char *fin;                      /* what an accepting state ends with (NULL: nothing) */
    void (*finish)(const void *u, uint64_t st, aieng__buf *out); /* optional: writes what accepting state st ends with, in place of fin */
    long limit;                           /* most states explored */
    /* optional: the state counts the characters so far, saturating at ccap; cstrip gives
       the state with count 0 and cacc says whether (that state, count) accepts. When the
       product is over its bound, the automaton without the count is written as a %dfa. */
    long ccap;
    uint64_t (*cstrip)(const void *u, uint64_t st);
    int (*cacc)(const void *u, uint64_t base, long cnt);
} aieng__ax;
static int aieng__sc_automaton_counted(aieng__sc *c, const aieng__ax *a, uint64_t start, const char *what);
/* The states reachable from `start`, breadth first (keys[0] is the start), and the steps
   between them in that order (from, to, atom). strip: each state with its count taken apart
   (a->cstrip). A state whose tail writes its language is not expanded. At most `stop`
   states (the caller's bounds, AIENG_SCHEMA_MAX_RULES's share included); checkwork: give up
   when the compile's automaton work passes AIENG__SC_AX_WORK. 1 done, 0 out of memory, -1
   over a bound (nothing reported). */
typedef struct aieng__axg { uint64_t *keys; long nst; aieng__iv ef, et, ea; } aieng__axg;
static void aieng__axg_free(aieng__axg *G) {
    AIENG_FREE(G->keys, NULL); aieng__iv_free(&G->ef); aieng__iv_free(&G->et); aieng__iv_free(&G->ea);
    memset(G, 0, sizeof *G);
}
static int aieng__ax_explore(aieng__sc *c, const aieng__ax *a, uint64_t start, int strip, long stop, int checkwork, aieng__axg *G) {
    long hcap = 1024, cap = 64, i, lim = stop;
    int *hash, k, r = 1;
    memset(G, 0, sizeof *G);
    if (lim > ((long)AIENG_SCHEMA_MAX_RULES - c->nrules) / 2) lim = ((long)AIENG_SCHEMA_MAX_RULES - c->nrules) / 2; /* the schema's rule budget */
    while (hcap < 2 * (lim < 1 ? 1 : lim) && hcap < (1L << 22)) hcap *= 2;
    if (lim > hcap / 2) lim = hcap / 2;
    if (strip && (start = a->cstrip(a->u, start)) == AIENG__AX_DEAD) return 0; /* out of memory */
    hash = (int *)AIENG_MALLOC((size_t)hcap * sizeof(int), NULL);
    G->keys = (uint64_t *)AIENG_MALLOC((size_t)cap * sizeof(uint64_t), NULL);
    if (!hash || !G->keys) { AIENG_FREE(hash, NULL); return 0; }
    for (i = 0; i < hcap; i++) hash[i] = -1;
    G->keys[G->nst++] = start;
    hash[(long)((start * 0x9E3779B97F4A7C15ull) >> 40) & (hcap - 1)] = 0;
    for (i = 0; i < G->nst && r == 1; i++) {
        if (a->tail && a->tail(a->u, G->keys[i], NULL)) continue;
        if ((c->axwork += a->natoms) > AIENG__SC_AX_WORK && checkwork) { r = -1; break; }
        for (k = 0; k < a->natoms; k++) {
            uint64_t t = a->next(a->u, G->keys[i], k);
            long h, j;
            if (t == AIENG__AX_DEAD) continue;
            if (strip && (t = a->cstrip(a->u, t)) == AIENG__AX_DEAD) { r = 0; break; } /* out of memory */
            h = (long)((t * 0x9E3779B97F4A7C15ull) >> 40) & (hcap - 1);
            while ((j = hash[h]) >= 0 && G->keys[j] != t) h = (h + 1) & (hcap - 1);
            if (j < 0) {
                if (G->nst >= lim) { r = -1; break; }
                if (G->nst == cap) {
                    uint64_t *nk = (uint64_t *)AIENG_REALLOC(G->keys, (size_t)cap * 2 * sizeof(uint64_t), NULL);
                    if (!nk) { r = 0; break; }
                    G->keys = nk; cap *= 2;
                }
                j = G->nst; G->keys[G->nst++] = t; hash[h] = (int)j;
            }
            if (!aieng__iv_push(&G->ef, (int)i) || !aieng__iv_push(&G->et, (int)j) || !aieng__iv_push(&G->ea, k)) { r = 0; break; }
        }
    }
    AIENG_FREE(hash, NULL);
    return r;
}
/* the rule of the automaton's language from state `start`; -1 on error (what names the
   construct in the error when the state bound is hit) */
static int aieng__sc_automaton(aieng__sc *c, const aieng__ax *a, uint64_t start, const char *what) {
    aieng__axg G;
    uint64_t *keys;
    int *efrom, *eto, *eatom, *ids = NULL, *ebeg = NULL;
    unsigned char *live = NULL;
    long nst, ne, i, stop = a->limit;
    int ok = 1, changed, id = -1, k, r, counted = a->cstrip && !a->tail && !a->label && !a->fin && !a->finish;
    aieng__buf body, setb;
    aieng__iv set;
    char *ctext[64];
    int cid[64], ncls = 0;
    memset(&body, 0, sizeof body);
    memset(&setb, 0, sizeof setb);
    memset(&set, 0, sizeof set);
    if (c->axwork > AIENG__SC_AX_WORK) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: its automata need more work than AIENG__SC_AX_WORK allows (%s)", what); return -2; }
    if (stop > 16L * AIENG__SC_AUTOMATON_MAX * 64 / a->natoms + 1) stop = 16L * AIENG__SC_AUTOMATON_MAX * 64 / a->natoms + 1;
    if (counted && stop > AIENG__SC_COUNTED_AT) stop = AIENG__SC_COUNTED_AT; /* beyond: the count apart, as a %dfa */
    r = aieng__ax_explore(c, a, start, 0, stop, 0, &G);
    keys = G.keys; nst = G.nst; efrom = G.ef.v; eto = G.et.v; eatom = G.ea.v; ne = G.ef.n;
    if (r == 0) { ok = 0; goto done; }
    if (r < 0 && counted) { id = -3; goto done; }
    if (r < 0) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: %s needs more grammar states than its bound allows", what); id = -2; goto done; }
    /* states that can reach acceptance (edges leave their states in order: scan backwards) */
    live = (unsigned char *)AIENG_MALLOC((size_t)nst, NULL);
    ids = (int *)AIENG_MALLOC((size_t)nst * sizeof(int), NULL);
    ebeg = (int *)AIENG_MALLOC((size_t)(nst + 1) * sizeof(int), NULL);
    if (!live || !ids || !ebeg) { ok = 0; goto done; }
    for (i = 0; i < nst; i++) live[i] = (unsigned char)(a->accept(a->u, keys[i]) || (a->tail && a->tail(a->u, keys[i], NULL)));
    do {
        long e;
        changed = 0;
        for (e = ne - 1; e >= 0; e--) if (live[eto[e]] && !live[efrom[e]]) { live[efrom[e]] = 1; changed = 1; }
    } while (changed);
    { long e = 0; for (i = 0; i <= nst; i++) { while (e < ne && efrom[e] < i) e++; ebeg[i] = (int)e; } }
    if (!live[0]) {
        id = aieng__sc_new_rule(c);
        aieng__buf_puts(&body, AIENG__GBNF_NOTHING);
        aieng__sc_emit(c, id, &body);
        goto done;
    }
    for (i = 0; i < nst; i++) { ids[i] = live[i] ? aieng__sc_new_rule(c) : -1; if (!i) id = ids[i]; }
    for (i = 0; i < nst; i++) {
        long e, f;
        int first = 1;
        if (!live[i]) continue;
        body.n = 0;
        if (a->tail && a->tail(a->u, keys[i], &body)) { aieng__sc_emit(c, ids[i], &body); continue; }
        for (e = ebeg[i]; e < ebeg[i + 1]; e++) {
            if (!live[eto[e]]) continue;
            for (f = ebeg[i]; f < e; f++) if (eto[f] == eto[e]) break;
            if (f < e) continue; /* target already written */
            if (!first) aieng__buf_puts(&body, " | ");
            first = 0;
            if (a->label) { /* (label | label ...) */
                int nl = 0;
                for (f = e; f < ebeg[i + 1]; f++)
                    if (eto[f] == eto[e]) { aieng__buf_puts(&body, nl++ ? " | " : "("); aieng__buf_puts(&body, a->label[eatom[f]]); }
                aieng__buf_putc(&body, ')');
            } else {
                set.n = 0;
                for (f = e; f < ebeg[i + 1]; f++)
                    if (eto[f] == eto[e]) { const aieng__iv *s = &a->atoms[eatom[f]]; for (k = 0; k < s->n; k++) ok &= aieng__iv_push(&set, s->v[k]); }
                aieng__rs_norm(&set);
                setb.n = 0;
                aieng__gbnf_set(&setb, &set, a->json);
                if (setb.n <= 24 || setb.oom) aieng__buf_put(&body, setb.p, setb.n);
                else { /* a long class: one rule, shared by the states that use it */
                    for (k = 0; k < ncls && strcmp(ctext[k], setb.p); k++) {}
                    if (k == ncls && ncls < 64 && (ctext[k] = (char *)AIENG_MALLOC(setb.n + 1, NULL)) != NULL) {
                        memcpy(ctext[k], setb.p, setb.n + 1);
                        cid[k] = aieng__sc_new_rule(c);
                        aieng__sc_emit(c, cid[k], &setb);
                        ncls++;
                    }
                    if (k < ncls) aieng__buf_printf(&body, "s%d", cid[k]); else aieng__buf_put(&body, setb.p, setb.n);
                }
            }
            aieng__buf_printf(&body, " s%d", ids[eto[e]]);
        }
        if (a->accept(a->u, keys[i])) {
            if (!first) aieng__buf_puts(&body, " | ");
            if (a->finish) a->finish(a->u, keys[i], &body); else aieng__buf_puts(&body, a->fin ? a->fin : "\"\"");
        }
        aieng__sc_emit(c, ids[i], &body);
    }
done:
    if (!ok || body.oom) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); id = -1; }
    if (id == -2) id = -1;
    aieng__axg_free(&G);
    AIENG_FREE(ids, NULL); AIENG_FREE(ebeg, NULL); AIENG_FREE(live, NULL); AIENG_FREE(body.p, NULL); AIENG_FREE(setb.p, NULL);
    for (k = 0; k < ncls; k++) AIENG_FREE(ctext[k], NULL);
    aieng__iv_free(&set);
    if (id == -3) id = aieng__sc_automaton_counted(c, a, start, what);
    return id;
}
/* The automaton a without its character count, written as a %dfa whose instances carry the
   count (called when the product with the count is over its bound): the states without the
   count reachable from the start, the (state, count) pairs that accept, those that can still
   reach one (as the matcher computes them, so only states live at some count are written),
   and one rule per step set. The rule's id, or -1 with the compiler's error set. */
static int aieng__sc_automaton_counted(aieng__sc *c, const aieng__ax *a, uint64_t start, const char *what) {
    aieng__axg G;
    uint64_t *keys;
    int *ren = NULL, *chash = NULL, *crule = NULL, r;
    unsigned char *acc = NULL, *live = NULL;
    aieng__iv ef, et, ea, set;
    aieng__buf body, setb, txt;
    long nst, i, w = a->ccap + 1, cnt, e, chcap = 1024, ncls = 0, stop = a->limit;
    int id = -1, k, ok = 1, nkept = 0;
    size_t nbytes;
    memset(&set, 0, sizeof set);
    memset(&body, 0, sizeof body); memset(&setb, 0, sizeof setb); memset(&txt, 0, sizeof txt);
#define AIENG__AXC_FAIL() do { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: %s needs more grammar states than its bound allows", what); goto done; } while (0)
    if (stop > AIENG__G_DFA_BITS / w) stop = AIENG__G_DFA_BITS / w; /* the matcher's bound on states x (cap + 1) */
    r = aieng__ax_explore(c, a, start, 1, stop, 1, &G);
    keys = G.keys; nst = G.nst; ef = G.ef; et = G.et; ea = G.ea;
    if (r == 0) { ok = 0; goto done; }
    if (r < 0) AIENG__AXC_FAIL();
    if ((double)(ef.n + nst) * (double)w > 4e8 || (c->axwork += nst * w) > AIENG__SC_AX_WORK) AIENG__AXC_FAIL();
    nbytes = ((size_t)nst * (size_t)w + 7) / 8;
    if (!(acc = (unsigned char *)AIENG_MALLOC(nbytes, NULL)) || !(live = (unsigned char *)AIENG_MALLOC(nbytes, NULL))) { ok = 0; goto done; }
    memset(acc, 0, nbytes); memset(live, 0, nbytes);
    for (i = 0; i < nst; i++)
        for (cnt = 0; cnt < w; cnt++) if (a->cacc(a->u, keys[i], cnt)) { size_t x = (size_t)i * (size_t)w + (size_t)cnt; acc[x >> 3] |= (unsigned char)(1u << (x & 7)); }
    if (!aieng__dfa_live(nst, w, ef.v, et.v, ef.n, acc, live)) { ok = 0; goto done; } /* as the matcher will */
    if (!AIENG__G_BIT(live, 0)) { /* the language is empty */
        id = aieng__sc_new_rule(c);
        aieng__buf_puts(&body, AIENG__GBNF_NOTHING);
        aieng__sc_emit(c, id, &body);
        goto done;
    }
    if (!(ren = (int *)AIENG_MALLOC((size_t)nst * sizeof(int), NULL))) { ok = 0; goto done; }
    for (i = 0; i < nst; i++) { /* states live at some count, in order (the start first) */
        for (cnt = 0; cnt < w && !AIENG__G_BIT(live, (size_t)i * (size_t)w + (size_t)cnt); cnt++) {}
        ren[i] = cnt < w ? nkept++ : -1;
    }
    if (!(chash = (int *)AIENG_MALLOC((size_t)chcap * sizeof(int), NULL)) || !(crule = (int *)AIENG_MALLOC((size_t)chcap * sizeof(int), NULL))) { ok = 0; goto done; }
    for (i = 0; i < chcap; i++) chash[i] = -1;
    id = aieng__sc_new_rule(c);
    aieng__buf_printf(&body, "%%dfa(cap=%ld", w - 1);
    for (i = 0, e = 0; i < nst; i++) {
        long e0, e1, f;
        while (e < ef.n && ef.v[e] < i) e++;
        e0 = e;
        for (e1 = e0; e1 < ef.n && ef.v[e1] == i; e1++) {}
        if (ren[i] < 0) continue;
        if (ren[i]) aieng__buf_puts(&body, " ;");
        for (cnt = 0, f = 0; cnt < w; cnt++) { /* the accepting counts as ranges */
            long hi;
            if (!AIENG__G_BIT(acc, (size_t)i * (size_t)w + (size_t)cnt)) continue;
            for (hi = cnt; hi + 1 < w && AIENG__G_BIT(acc, (size_t)i * (size_t)w + (size_t)(hi + 1)); hi++) {}
            aieng__buf_puts(&body, f++ ? "," : " acc=");
            if (hi == cnt) aieng__buf_printf(&body, "%ld", cnt); else aieng__buf_printf(&body, "%ld-%ld", cnt, hi);
            cnt = hi;
        }
        for (e = e0; e < e1; e++) { /* one step rule per target: the union of its atoms */
            uint32_t hv = 2166136261u;
            long h;
            size_t q;
            if (ren[et.v[e]] < 0) continue;
            for (f = e0; f < e && et.v[f] != et.v[e]; f++) {}
            if (f < e) continue; /* target written already */
            set.n = 0;
            for (f = e; f < e1; f++)
                if (et.v[f] == et.v[e]) { const aieng__iv *sv = &a->atoms[ea.v[f]]; for (k = 0; k < sv->n; k++) ok &= aieng__iv_push(&set, sv->v[k]); }
            aieng__rs_norm(&set);
            setb.n = 0;
            aieng__gbnf_set(&setb, &set, a->json);
            if (setb.oom || !ok) { ok = 0; goto done; }
            for (q = 0; q < setb.n; q++) { hv ^= (unsigned char)setb.p[q]; hv *= 16777619u; }
            h = (long)(hv & (uint32_t)(chcap - 1));
            for (; chash[h] >= 0; h = (h + 1) & (chcap - 1)) /* the same set met before: its rule */
                if (!strcmp(txt.p + (size_t)chash[h], setb.p)) break;
            if (chash[h] < 0) {
                if (ncls * 2 >= chcap) { /* grow the table: rehash */
                    long nc = chcap * 2, m;
                    int *nh = (int *)AIENG_MALLOC((size_t)nc * sizeof(int), NULL), *nr = (int *)AIENG_MALLOC((size_t)nc * sizeof(int), NULL);
                    if (!nh || !nr) { AIENG_FREE(nh, NULL); AIENG_FREE(nr, NULL); ok = 0; goto done; }
                    for (m = 0; m < nc; m++) nh[m] = -1;
                    for (m = 0; m < chcap; m++) if (chash[m] >= 0) {
                        uint32_t h2 = 2166136261u;
                        const char *t = txt.p + chash[m];
                        long y;
                        for (; *t; t++) { h2 ^= (unsigned char)*t; h2 *= 16777619u; }
                        for (y = (long)(h2 & (uint32_t)(nc - 1)); nh[y] >= 0; y = (y + 1) & (nc - 1)) {}
                        nh[y] = chash[m]; nr[y] = crule[m];
                    }
                    AIENG_FREE(chash, NULL); AIENG_FREE(crule, NULL); chash = nh; crule = nr; chcap = nc;
                    for (h = (long)(hv & (uint32_t)(chcap - 1)); chash[h] >= 0; h = (h + 1) & (chcap - 1)) {}
                }
                chash[h] = (int)txt.n;
                aieng__buf_put(&txt, setb.p, setb.n + 1);
                crule[h] = aieng__sc_new_rule(c);
                aieng__sc_emit(c, crule[h], &setb);
                ncls++;
                if (txt.oom) { ok = 0; goto done; }
            }
            aieng__buf_printf(&body, " s%d>%d", crule[h], ren[et.v[e]]);
        }
    }
    aieng__buf_puts(&body, " )");
    aieng__sc_emit(c, id, &body);
done:
#undef AIENG__AXC_FAIL
    if (!ok || body.oom) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); id = -1; }
    aieng__axg_free(&G);
    AIENG_FREE(ren, NULL); AIENG_FREE(chash, NULL); AIENG_FREE(crule, NULL);
    AIENG_FREE(acc, NULL); AIENG_FREE(live, NULL);
    aieng__iv_free(&set);
    AIENG_FREE(body.p, NULL); AIENG_FREE(setb.p, NULL); AIENG_FREE(txt.p, NULL);
    return id;
}
/* ---- numbers as an explicit automaton: sign, digits of the integer part, fraction digits,
   with the comparison state against a decimal lower and upper bound of the magnitude and
   the remainder modulo a multipleOf (value = P / 10^q); no exponent, no "-0" */
typedef struct aieng__nb { int has, ex; const aieng__dec *v; } aieng__nb; /* a bound on the magnitude */
typedef struct aieng__nd {
    aieng__nb lo[2], hi[2];               /* [0]: x >= 0 written without '-'; [1]: "-" m with m > 0 */
    int side[2], integer, hasmod, q;
    uint64_t P, Pi, p10[48];              /* p10[k] = 10^k mod P; the integer part I counts mod Pi =
                                             P / gcd(P, 10^q) (I * 10^q mod P depends on that only);
                                             in the fraction r = (I * 10^q + digits so far, scaled) mod P */
    aieng__dec zero;
} aieng__nd;
#define AIENG__ND_PACK(ph, sg, pos, cl, ch, r) ((uint64_t)(ph) | ((uint64_t)(sg) << 3) | ((uint64_t)(pos) << 4) | ((uint64_t)(cl) << 10) | ((uint64_t)(ch) << 12) | ((uint64_t)(r) << 14))
static int aieng__nd_cmp1(int c, int d, int bd) { return c != 1 ? c : d < bd ? 0 : d > bd ? 2 : 1; }
/* comparison state (0 <, 1 =, 2 >) with bound b when the integer part ends after pos digits */
static int aieng__nd_intend(const aieng__nb *b, int c, int pos) { return b->has && pos < b->v->li ? 0 : c; }
static uint64_t aieng__nd_next(const void *u, uint64_t st, int atom) {
    const aieng__nd *n = (const aieng__nd *)u;
    int ph = (int)(st & 7), sg = (int)((st >> 3) & 1), pos = (int)((st >> 4) & 63), cl = (int)((st >> 10) & 3), ch = (int)((st >> 12) & 3);
    uint64_t r = st >> 14;
    const aieng__nb *lo, *hi;
    if (ph == 0) { /* start */
        if (atom == 11) return n->side[1] ? AIENG__ND_PACK(1, 1, 0, 1, 1, 0) : AIENG__AX_DEAD;
        if (!n->side[0]) return AIENG__AX_DEAD;
        ph = 1; sg = 0; cl = ch = 1;
    }
    lo = &n->lo[sg]; hi = &n->hi[sg];
    if (ph == 1) { /* the first digit */
        if (atom > 9) return AIENG__AX_DEAD;
        if (atom == 0) return AIENG__ND_PACK(2, sg, 0, cl, ch, 0);
        ph = 3; pos = 0;
    }
    if (ph == 2 || ph == 3) { /* integer part: "0", or digits without a leading zero */
        if (atom <= 9) {
            if (ph == 2 || pos >= 20) return AIENG__AX_DEAD;
            pos++;
            if (lo->has) cl = pos > lo->v->li ? 2 : aieng__nd_cmp1(cl, atom, lo->v->in[pos - 1] - '0');
            if (hi->has) { if (pos > hi->v->li) return AIENG__AX_DEAD; ch = aieng__nd_cmp1(ch, atom, hi->v->in[pos - 1] - '0'); }
            if (n->hasmod) r = (r * 10 + (uint64_t)atom) % n->Pi;
            return AIENG__ND_PACK(3, sg, pos, cl, ch, r);
        }
        if (atom != 10 || n->integer) return AIENG__AX_DEAD;
        cl = aieng__nd_intend(lo, cl, pos); ch = aieng__nd_intend(hi, ch, pos);
        if ((lo->has && cl == 0) || (hi->has && ch == 2)) return AIENG__AX_DEAD;
        if (n->hasmod) r = r * n->p10[n->q] % n->P;
        return AIENG__ND_PACK(4, sg, 0, cl, ch, r);
    }
    /* after the point */
    if (atom > 9 || pos >= 20) return AIENG__AX_DEAD;
    if (n->hasmod && pos >= n->q && atom != 0) return AIENG__AX_DEAD; /* finer than multipleOf */
    if (n->hasmod && pos < n->q) r = (r + (uint64_t)atom * n->p10[n->q - pos - 1]) % n->P;
    if (lo->has) cl = aieng__nd_cmp1(cl, atom, pos < lo->v->lf ? lo->v->fr[pos] - '0' : 0);
    if (hi->has) ch = aieng__nd_cmp1(ch, atom, pos < hi->v->lf ? hi->v->fr[pos] - '0' : 0);
    if ((lo->has && cl == 0) || (hi->has && ch == 2)) return AIENG__AX_DEAD;
    return AIENG__ND_PACK(5, sg, pos + 1, cl, ch, r);
}
static int aieng__nd_accept(const void *u, uint64_t st);
/* states where neither bound nor the remainder matters any more: a plain digit run */
static int aieng__nd_tail(const void *u, uint64_t st, aieng__buf *out) {
    const aieng__nd *n = (const aieng__nd *)u;
    int ph = (int)(st & 7), sg = (int)((st >> 3) & 1), pos = (int)((st >> 4) & 63), cl = (int)((st >> 10) & 3), ch = (int)((st >> 12) & 3);
    const aieng__nb *lo = &n->lo[sg], *hi = &n->hi[sg];
    if (ph == 5 && (!lo->has || cl != 1) && (!hi->has || ch != 1) && (!n->hasmod || pos >= n->q) && aieng__nd_accept(u, st)) {
        if (out) { if (pos >= 20) aieng__buf_puts(out, "\"\""); else aieng__buf_printf(out, n->hasmod ? "\"0\"{0,%d}" : "[0-9]{0,%d}", 20 - pos); }
        return 1;
    }
    if (ph == 3 && (!lo->has || pos > lo->v->li) && !hi->has && !n->hasmod) {
        if (out) {
            if (pos >= 20) aieng__buf_puts(out, "\"\""); else aieng__buf_printf(out, "[0-9]{0,%d}", 20 - pos);
            if (!n->integer) aieng__buf_puts(out, " (\".\" [0-9]{1,20})?");
        }
        return 1;
    }
    return 0;
}
static int aieng__nd_accept(const void *u, uint64_t st) {
    const aieng__nd *n = (const aieng__nd *)u;
    int ph = (int)(st & 7), sg = (int)((st >> 3) & 1), pos = (int)((st >> 4) & 63), cl = (int)((st >> 10) & 3), ch = (int)((st >> 12) & 3);
    uint64_t r = st >> 14;
    const aieng__nb *lo = &n->lo[sg], *hi = &n->hi[sg];
    if (ph != 2 && ph != 3 && ph != 5) return 0;
    if (ph != 5) {
        cl = aieng__nd_intend(lo, cl, pos); ch = aieng__nd_intend(hi, ch, pos);
        if (lo->has && cl == 1 && lo->v->lf > 0) cl = 0;
        if (hi->has && ch == 1 && hi->v->lf > 0) ch = 0;
    } else {
        if (lo->has && cl == 1 && pos < lo->v->lf) cl = 0;
        if (hi->has && ch == 1 && pos < hi->v->lf) ch = 0;
    }
    if (lo->has && !(cl == 2 || (cl == 1 && !lo->ex))) return 0;
    if (hi->has && !(ch == 0 || (ch == 1 && !hi->ex))) return 0;
    if (n->hasmod && (ph == 5 ? r : r * n->p10[n->q] % n->P) != 0) return 0;
    return 1;
}
static uint64_t aieng__gcd64(uint64_t a, uint64_t b) { while (b) { uint64_t t = a % b; a = b; b = t; } return a; }
/* numbers (integer: without a fraction) between the bounds lo_k / hi_k (NULL: none) and
   multiples of every mo[i]; appends a reference to the rule to b; 0 on error */
static int aieng__sc_decimal(aieng__sc *c, int integer, const aieng_json *lo_k, int lo_ex, const aieng_json *hi_k, int hi_ex,
                             const aieng_json *const *mo, int nmo, aieng__buf *b) {
    aieng__iv atoms[12];
    int av[12][2];
    aieng__nd n;
    aieng__dec lo, hi;
    aieng__ax a;
    int i, id;
    memset(&n, 0, sizeof n);
    for (i = 0; i < 12; i++) { /* '0'..'9', '.', '-' */
        av[i][0] = av[i][1] = i < 10 ? '0' + i : i == 10 ? '.' : '-';
        atoms[i].v = av[i]; atoms[i].n = 2; atoms[i].cap = 2;
    }
    if ((lo_k && !aieng__dec_parse(lo_k->s, lo_k->len, &lo)) || (hi_k && !aieng__dec_parse(hi_k->s, hi_k->len, &hi))) {
        aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: minimum/maximum with more than 40 digits either side of the point%s", NULL); return 0; }
    n.integer = integer;
    n.P = 1;
    for (i = 0; i < nmo; i++) { /* the least common multiple of the multipleOf values, as P / 10^q */
        aieng__dec m;
        uint64_t p = 0, g;
        int k;
        if (mo[i]->type != AIENG_JSON_NUMBER || mo[i]->d <= 0) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: 'multipleOf' must be a number above 0%s", NULL); return 0; }
        if (!aieng__dec_parse(mo[i]->s, mo[i]->len, &m) || m.li + m.lf > 12 || m.lf > 18) {
            aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: 'multipleOf' %s has too many digits for an exact grammar", mo[i]->s); return 0; }
        for (k = 0; k < m.li; k++) p = p * 10 + (uint64_t)(m.in[k] - '0');
        for (k = 0; k < m.lf; k++) p = p * 10 + (uint64_t)(m.fr[k] - '0');
        if (!n.hasmod) { n.P = 1; n.q = m.lf; }
        while (n.q < m.lf && n.P <= 1000000000) { n.P *= 10; n.q++; }
        for (k = m.lf; k < n.q && p <= 1000000000; k++) p *= 10;
        g = aieng__gcd64(n.P, p);
        if (n.q < m.lf || k < n.q || n.P / g > 1000000000 / p) {
            aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: the 'multipleOf' values%s need too many grammar states", NULL); return 0; }
        n.P = n.P / g * p;
        n.hasmod = 1;
    }
    while (n.hasmod && n.q > 0 && n.P % 10 == 0) { n.P /= 10; n.q--; }
    if (n.hasmod && n.P == 1 && n.q == 0 && integer) n.hasmod = 0; /* every integer */
    n.p10[0] = 1 % n.P;
    for (i = 1; i < 48; i++) n.p10[i] = n.p10[i - 1] * 10 % n.P;
    { uint64_t t = 1; for (i = 0; i < n.q; i++) t *= 10; n.Pi = n.P / aieng__gcd64(n.P, t); }
    if (n.hasmod && n.q == 0 && !lo_k && !hi_k) { /* P = 2^a 5^b dividing 10^k, no bounds: the last k digits decide */
        uint64_t u = n.P, tk = 1, m;
        int k = 0;
        while (u % 2 == 0) u /= 2;
        while (u % 5 == 0) u /= 5;
        while (k < 19 && tk % n.P) { tk *= 10; k++; }
        if (u == 1 && k >= 1 && tk / n.P <= 100) {
            const char *fr = integer ? "" : " (\".\" \"0\"{1,20})?";
            aieng__buf pos;
            memset(&pos, 0, sizeof pos);
            aieng__buf_putc(&pos, '(');
            for (m = n.P; m < tk; m += n.P) aieng__buf_printf(&pos, "\"%llu\" | ", (unsigned long long)m); /* below 10^k */
            aieng__buf_puts(&pos, "[1-9]");
            if (k < 19) aieng__buf_printf(&pos, " [0-9]{0,%d}", 19 - k);
            aieng__buf_puts(&pos, " (");
            for (m = 0; m < tk; m += n.P) aieng__buf_printf(&pos, "%s\"%0*llu\"", m ? " | " : "", k, (unsigned long long)m);
            aieng__buf_puts(&pos, "))");
            aieng__buf_printf(b, "(\"0\"%s | \"-\"? ", fr);
            aieng__buf_put(b, pos.p, pos.n);
            aieng__buf_printf(b, "%s)", fr);
            i = !pos.oom;
            AIENG_FREE(pos.p, NULL);
            if (!i) aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
            return i;
        }
    }
    /* the two signs: magnitude bounds */
    n.side[0] = !(hi_k && hi.neg);
    n.side[1] = !(lo_k && !lo.neg);
    if (lo_k && !lo.neg) { n.lo[0].has = 1; n.lo[0].ex = lo_ex; n.lo[0].v = &lo; }
    if (hi_k && !hi.neg) { n.hi[0].has = 1; n.hi[0].ex = hi_ex; n.hi[0].v = &hi; }
    if (hi_k && hi.neg) { n.lo[1].has = 1; n.lo[1].ex = hi_ex; n.lo[1].v = &hi; }
    else { n.lo[1].has = 1; n.lo[1].ex = 1; n.lo[1].v = &n.zero; }
    if (lo_k && lo.neg) { n.hi[1].has = 1; n.hi[1].ex = lo_ex; n.hi[1].v = &lo; }
    memset(&a, 0, sizeof a);
    a.next = aieng__nd_next; a.accept = aieng__nd_accept; a.tail = aieng__nd_tail; a.u = &n;
    a.atoms = atoms; a.natoms = 12; a.limit = AIENG__SC_AUTOMATON_MAX;
    id = aieng__sc_automaton(c, &a, 0, nmo ? "'multipleOf'" : "'minimum'/'maximum'");
    if (id < 0) return 0;
    aieng__buf_printf(b, "s%d", id);
    return 1;
}
/* ---- contains (with minContains / maxContains) and uniqueItems over a few scalar values:
   item sequences as automata whose atoms are items (labels: rule references) */
/* items in [mn, mx]; matches of contains j in [a[j], bmax[j]] (bmax < 0: any); state: the
   items so far (20 bits, capped at cap_i), then 14 bits per contains: its matches (capped);
   atom 2m + later: an item of kind m (bit j: it matches contains j), first or after a comma */
typedef struct aieng__ca { long mn, mx, cap_i, a[AIENG__CA_MAX], bmax[AIENG__CA_MAX], cap_k[AIENG__CA_MAX]; int nk; unsigned dead; } aieng__ca;
static uint64_t aieng__ca_next(const void *u, uint64_t st, int atom) {
    const aieng__ca *p = (const aieng__ca *)u;
    long i = (long)(st & 0xFFFFF);
    int m = atom >> 1, j;
    uint64_t o;
    if ((atom & 1) != (i != 0) || ((p->dead >> m) & 1) || (p->mx >= 0 && i + 1 > p->mx)) return AIENG__AX_DEAD;
    o = (uint64_t)(i + 1 > p->cap_i ? p->cap_i : i + 1);
    for (j = 0; j < p->nk; j++) {
        long k = (long)((st >> (20 + 14 * j)) & 0x3FFF);
        if ((m >> j) & 1) { if (p->bmax[j] >= 0 && k + 1 > p->bmax[j]) return AIENG__AX_DEAD; k = k + 1 > p->cap_k[j] ? p->cap_k[j] : k + 1; }
        o |= (uint64_t)k << (20 + 14 * j);
    }
    return o;
}
static int aieng__ca_accept(const void *u, uint64_t st) {
    const aieng__ca *p = (const aieng__ca *)u;
    int j;
    for (j = 0; j < p->nk; j++) if ((long)((st >> (20 + 14 * j)) & 0x3FFF) < p->a[j]) return 0;
    return (long)(st & 0xFFFFF) >= p->mn;
}
/* "[" items "]": items[] are the item schemas (their conjunction; none: any value), between
   mn and mx items (mx < 0: any number), of which between a[j] and bmax[j] (bmax < 0: any)
   match cont[j] (several: none with bmax). Appends to b; 0 on error. */
static int aieng__sc_contains(aieng__sc *c, const aieng_json **items, int nit, long mn, long mx, const aieng_json *const *cont,
                              const long *a, const long *bmax, int nk, aieng__buf *b) {
    const aieng_json *parts[AIENG__SC_MAXPARTS + AIENG__CA_MAX];
    int rule[1 << AIENG__CA_MAX], i, j, m, id;
    char lab[2 << AIENG__CA_MAX][64];
    const char *labels[2 << AIENG__CA_MAX];
    aieng__ca ca;
    aieng__ax ax;
    memset(&ca, 0, sizeof ca);
    for (i = 0; i < nit; i++) parts[i] = items[i];
    for (m = 0; m < (1 << nk); m++) { /* kind m: the items schema and the contains of m */
        int np = nit;
        for (j = 0; j < nk; j++) if ((m >> j) & 1) parts[np++] = cont[j];
        if (m == 0 && nk == 1 && bmax[0] >= 0) { /* with maxContains the other items must not match: not contains */
            if (cont[0]->type == AIENG_JSON_BOOL) { if (cont[0]->boolean) { rule[0] = -3; continue; } }
            else {
                aieng__buf t;
                memset(&t, 0, sizeof t);
                parts[np] = aieng__buf_json(&t, "{\"not\":", cont[0], "}") && !t.oom ? aieng__sc_synth(c, t.p, t.n) : NULL;
                AIENG_FREE(t.p, NULL);
                if (!parts[np++]) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); return 0; }
            }
        }
        rule[m] = np ? aieng__sc_comp(c, parts, np) : -2;
        if (rule[m] == -1) return 0;
        if (rule[m] >= 0 && aieng__sc_is_empty(c, rule[m])) rule[m] = -3;
    }
    for (m = 0; m < (2 << nk); m++) {
        int r = rule[m >> 1];
        char ref[32];
        if (r == -3) ca.dead |= 1u << (m >> 1);
        if (r == -2) snprintf(ref, sizeof ref, "value"); else snprintf(ref, sizeof ref, "s%d", r);
        snprintf(lab[m], sizeof lab[m], "%s%s ws", m & 1 ? "\",\" ws " : "", ref);
        labels[m] = lab[m];
    }
    ca.mn = mn; ca.mx = mx; ca.nk = nk;
    ca.cap_i = mx >= 0 ? mx : (mn > 1 ? mn : 1);
    for (j = 0; j < nk; j++) {
        if (a[j] > 0x3FFF || bmax[j] > 0x3FFF) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: minContains/maxContains above 16383%s", NULL); return 0; }
        ca.a[j] = a[j]; ca.bmax[j] = bmax[j]; ca.cap_k[j] = bmax[j] >= 0 ? bmax[j] : a[j];
    }
    memset(&ax, 0, sizeof ax);
    ax.next = aieng__ca_next; ax.accept = aieng__ca_accept; ax.u = &ca;
    ax.label = labels; ax.natoms = 2 << nk; ax.fin = "\"]\""; ax.limit = AIENG__SC_AUTOMATON_MAX;
    id = aieng__sc_automaton(c, &ax, 0, "'contains' with minItems/maxItems/minContains/maxContains");
    if (id < 0) return 0;
    aieng__buf_printf(b, "\"[\" ws s%d", id);
    return 1;
}
typedef struct aieng__ua { long mn, mx; } aieng__ua; /* a set of distinct values, as a bit set; atom 2v / 2v+1: value v first / later */
static int aieng__popcount(uint64_t x) { int n = 0; while (x) { x &= x - 1; n++; } return n; }
static uint64_t aieng__ua_next(const void *u, uint64_t st, int atom) {
    const aieng__ua *p = (const aieng__ua *)u;
    uint64_t bit = (uint64_t)1 << (atom / 2);
    if ((st & bit) || (atom & 1) != (st != 0) || (p->mx >= 0 && aieng__popcount(st) + 1 > p->mx)) return AIENG__AX_DEAD;
    return st | bit;
}
static int aieng__ua_accept(const void *u, uint64_t st) { return aieng__popcount(st) >= ((const aieng__ua *)u)->mn; }
#define AIENG__SC_UNIQUE_MAX 4096 /* enum values uniqueItems takes as %unordered members */
/* uniqueItems when the items can only take a few values (const, enum, boolean / null types):
   every sequence of distinct values (up to 10 values: an automaton over the subsets seen;
   more, up to AIENG__SC_UNIQUE_MAX: the values as %unordered members, each at most once, in
   any order); 1 written, 0 error, -1 not such items */
static int aieng__sc_unique(aieng__sc *c, const aieng_json **items, int nit, long mn, long mx, aieng__buf *b) {
    const aieng_json **cand = (const aieng_json **)AIENG_MALLOC(AIENG__SC_UNIQUE_MAX * sizeof *cand, NULL);
    aieng_json_doc *tf = NULL;
    int nc = 0, i, p, id = -1;
    size_t q;
    aieng__buf lab[20];
    const char *labels[20];
    aieng__ua ua;
    aieng__ax ax;
    if (!cand) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); return 0; }
    for (p = 0; p < nit && !nc; p++) { /* the candidates: a const or an enum of one of the parts */
        const aieng_json *k = items[p]->type == AIENG_JSON_OBJECT ? aieng_json_get(items[p], "const") : NULL, *e;
        if (k) { cand[nc++] = k; break; }
        e = items[p]->type == AIENG_JSON_OBJECT ? aieng_json_get(items[p], "enum") : NULL;
        if (e && e->type == AIENG_JSON_ARRAY) {
            if (e->n > AIENG__SC_UNIQUE_MAX) { AIENG_FREE((void *)cand, NULL); return -1; }
            for (q = 0; q < e->n; q++) cand[nc++] = e->items[q];
        }
    }
    if (!nc) { /* or the values of the types boolean / null */
        int t = 0;
        for (p = 0; p < nit; p++) {
            const aieng_json *k = items[p]->type == AIENG_JSON_OBJECT ? aieng_json_get(items[p], "type") : NULL;
            int x = 0;
            if (!k) continue;
            if (k->type == AIENG_JSON_STRING) x = aieng__sc_typebit(k);
            else if (k->type == AIENG_JSON_ARRAY) for (q = 0; q < k->n; q++) { int y = aieng__sc_typebit(k->items[q]); x |= y < 0 ? 0x7F : y; }
            t = t ? t & x : x;
        }
        if (!t || (t & ~(AIENG__T_BOOL | AIENG__T_NULL))) { AIENG_FREE((void *)cand, NULL); return -1; }
        if (aieng_json_parse("[true,false,null]", 17, NULL, &tf) != AIENG_OK) { AIENG_FREE((void *)cand, NULL); aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); return 0; }
        for (i = 0; i < 3; i++) if (t & (i < 2 ? AIENG__T_BOOL : AIENG__T_NULL)) cand[nc++] = aieng_json_root(tf)->items[i];
    }
    for (i = 0; i < nc; i++) { /* keep the values every part allows, once each */
        int ok = 1, j;
        for (p = 0; p < nit && ok; p++) {
            aieng__sv v;
            memset(&v, 0, sizeof v);
            v.root = c->root;
            ok = aieng__sv_val(&v, items[p], cand[i]) == 1;
        }
        for (j = 0; ok && j < i; j++) if (aieng_json_equal(cand[j], cand[i])) ok = 0;
        if (!ok) { for (j = i; j + 1 < nc; j++) cand[j] = cand[j + 1]; nc--; i--; }
    }
    memset(lab, 0, sizeof lab);
    if (nc > 10) { /* "[" ws %unordered(sep=S min=mn max=mx m1 m2 ...) "]", m_i ::= value_i ws, S ::= "," ws */
        aieng__buf t;
        int sep = aieng__sc_new_rule(c);
        memset(&t, 0, sizeof t);
        aieng__buf_puts(&t, "\",\" ws");
        aieng__sc_emit(c, sep, &t);
        id = aieng__sc_new_rule(c);
        t.n = 0;
        aieng__buf_printf(&t, "\"[\" ws %%unordered(sep=s%d", sep);
        if (mn > 0) aieng__buf_printf(&t, " min=%ld", mn);
        if (mx >= 0) aieng__buf_printf(&t, " max=%ld", mx);
        for (i = 0; i < nc; i++) {
            aieng__buf m;
            int r = aieng__sc_new_rule(c);
            memset(&m, 0, sizeof m);
            aieng__sc_json_lit(&m, cand[i]);
            aieng__buf_puts(&m, " ws");
            if (m.oom) t.oom = 1; else aieng__sc_emit(c, r, &m);
            AIENG_FREE(m.p, NULL);
            aieng__buf_printf(&t, " s%d", r);
        }
        aieng__buf_puts(&t, ") \"]\"");
        if (t.oom) { AIENG_FREE(t.p, NULL); aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); id = -1; goto done; }
        aieng__sc_emit(c, id, &t);
        AIENG_FREE(t.p, NULL);
        aieng__buf_printf(b, "s%d", id);
        goto done;
    }
    for (i = 0; i < 2 * nc; i++) {
        if (i & 1) aieng__buf_puts(&lab[i], "\",\" ws ");
        aieng__sc_json_lit(&lab[i], cand[i / 2]);
        aieng__buf_puts(&lab[i], " ws");
        labels[i] = lab[i].p ? lab[i].p : "";
        if (lab[i].oom) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); goto done; }
    }
    memset(&ua, 0, sizeof ua);
    ua.mn = mn; ua.mx = mx;
    memset(&ax, 0, sizeof ax);
    ax.next = aieng__ua_next; ax.accept = aieng__ua_accept; ax.u = &ua;
    ax.label = labels; ax.natoms = 2 * nc; ax.fin = "\"]\""; ax.limit = AIENG__SC_AUTOMATON_MAX;
    id = aieng__sc_automaton(c, &ax, 0, "'uniqueItems'");
    if (id >= 0) aieng__buf_printf(b, "\"[\" ws s%d", id);
done:
    for (i = 0; i < 2 * nc && i < 20; i++) AIENG_FREE(lab[i].p, NULL);
    aieng_json_free(tf);
    AIENG_FREE((void *)cand, NULL);
    return id >= 0;
}
/* ---- strings matching several regexes (patterns, a format) with a length in [mn, mx]:
   the product of their minimal DFAs and a length counter, written as rules */
/* The regex of format f (the language of aieng__fmt_gbnf[f], its rules inlined): GBNF
   literals, classes, groups, alternation and repetition map one to one onto the regex
   subset. */
static void aieng__fmt_expr_re(aieng__buf *b, const char *e, int depth) {
    while (*e && *e != '\n') {
        const char *q;
        if (*e == ' ') { e++; continue; }
        if (*e == '"') { /* a literal */
            for (q = ++e; *q && *q != '"'; q++) if (*q == '\\' && q[1]) q++;
            for (; e < q; e++) { if (*e == '\\') e++; aieng__re_lit(b, e, 1); }
            e = *q ? q + 1 : q;
        } else if (*e == '[') { /* a class: the same syntax */
            for (q = e + 1; *q && *q != ']'; q++) if (*q == '\\' && q[1]) q++;
            aieng__buf_put(b, e, (size_t)(q - e) + (*q ? 1 : 0));
            e = *q ? q + 1 : q;
        } else if (*e == '{') {
            for (q = e; *q && *q != '}'; q++) {}
            aieng__buf_put(b, e, (size_t)(q - e) + (*q ? 1 : 0));
            e = *q ? q + 1 : q;
        } else if (*e == '(') { aieng__buf_puts(b, "(?:"); e++; }
        else if (strchr(")|*+?", *e)) aieng__buf_putc(b, *e++);
        else { /* a rule: inlined */
            size_t n = strspn(e, "abcdefghijklmnopqrstuvwxyz0123456789-");
            int k;
            for (k = 0; aieng__fmt_rules[k]; k++)
                if (!strncmp(aieng__fmt_rules[k], e, n) && !strncmp(aieng__fmt_rules[k] + n, " ::= ", 5)) break;
            if (!n || !aieng__fmt_rules[k] || depth > 8) { b->oom = 1; return; } /* not met: the tables are fixed */
            aieng__buf_puts(b, "(?:");
            aieng__fmt_expr_re(b, aieng__fmt_rules[k] + n + 5, depth + 1);
            aieng__buf_putc(b, ')');
            e += n;
        }
    }
}
static char *aieng__fmt_regex(int f, size_t *len) { /* allocated; NULL when out of memory */
    aieng__buf b;
    memset(&b, 0, sizeof b);
    aieng__buf_puts(&b, "^(?:");
    aieng__fmt_expr_re(&b, aieng__fmt_gbnf[f], 0);
    aieng__buf_puts(&b, ")$");
    if (b.oom) { AIENG_FREE(b.p, NULL); return NULL; }
    *len = b.n;
    return b.p;
}
/* 1 when every string the DFA accepts has a length in [mn, mx] (mx < 0: no bound); 0 when
   not or too costly to tell: breadth-first layers of the states that can still accept */
static int aieng__rdfa_lengths_within(const aieng__rdfa *d, long mn, long mx) {
    unsigned char *live, *cur, *nxt;
    long t, steps = mx < 0 ? mn : (mx + 1 < d->n + 1 ? mx + 1 : d->n + 1);
    int i, k, changed, ok = 0, any;
    if (steps * (long)d->n * d->natoms > 20000000L) return 0;
    live = (unsigned char *)AIENG_MALLOC((size_t)d->n * 3, NULL);
    if (!live) return 0;
    cur = live + d->n; nxt = cur + d->n;
    for (i = 0; i < d->n; i++) live[i] = d->acc[i];
    do { /* states that can reach acceptance */
        changed = 0;
        for (i = d->n - 1; i >= 0; i--) /* states are numbered breadth-first: backwards converges fast */
            for (k = 0; !live[i] && k < d->natoms; k++) { int y = d->tr[(size_t)i * d->natoms + k]; if (y >= 0 && live[y]) live[i] = changed = 1; }
    } while (changed);
    memset(cur, 0, (size_t)d->n);
    cur[0] = live[0];
    for (t = 0; ; t++) { /* cur: live states after exactly t characters */
        any = 0;
        for (i = 0; i < d->n; i++) if (cur[i]) { any = 1; if (d->acc[i] && t < mn) goto out; } /* a string shorter than mn */
        if (!any) { ok = 1; break; }                                               /* no longer strings */
        if (t >= steps) { ok = mx < 0; break; }                                      /* mx < 0: all shorter ones checked */
        memset(nxt, 0, (size_t)d->n);
        for (i = 0; i < d->n; i++) if (cur[i]) for (k = 0; k < d->natoms; k++) { int y = d->tr[(size_t)i * d->natoms + k]; if (y >= 0 && live[y]) nxt[y] = 1; }
        memcpy(cur, nxt, (size_t)d->n);
        if (mx >= 0 && t + 1 > mx) { for (i = 0; i < d->n; i++) if (cur[i]) goto out; ok = 1; break; } /* a string longer than mx */
    }
out:
    AIENG_FREE(live, NULL);
    return ok;
}
typedef struct aieng__sp { const aieng__rdfa *d[3]; int nd; long mn, mx; } aieng__sp;
static uint64_t aieng__sp_next(const void *u, uint64_t st, int atom) {
    const aieng__sp *p = (const aieng__sp *)u;
    uint64_t o = 0;
    long len = (long)(st >> 42) + 1;
    int i;
    for (i = 0; i < p->nd; i++) {
        int q = (int)((st >> (14 * i)) & 0x3FFF), t = p->d[i]->tr[(size_t)q * (size_t)p->d[i]->natoms + (size_t)atom];
        if (t < 0) return AIENG__AX_DEAD;
        o |= (uint64_t)t << (14 * i);
    }
    if (p->mx >= 0 && len > p->mx) return AIENG__AX_DEAD;
    if (p->mx < 0 && len > p->mn) len = p->mn; /* past minLength the count no longer matters */
    return o | ((uint64_t)len << 42);
}
static int aieng__sp_accept(const void *u, uint64_t st) {
    const aieng__sp *p = (const aieng__sp *)u;
    int i;
    for (i = 0; i < p->nd; i++) if (!p->d[i]->acc[(st >> (14 * i)) & 0x3FFF]) return 0;
    return (long)(st >> 42) >= p->mn;
}
static uint64_t aieng__sp_strip(const void *u, uint64_t st) { (void)u; return st & ((1ull << 42) - 1); }
static int aieng__sp_cacc(const void *u, uint64_t base, long cnt) {
    const aieng__sp *p = (const aieng__sp *)u;
    return (p->mx < 0 || cnt <= p->mx) && aieng__sp_accept(u, base | ((uint64_t)cnt << 42));
}
static void aieng__last_error_copy(char *msg, size_t cap) { /* a copy of the last error's message (it may be overwritten) */
    size_t k = strlen(aieng_last_error());
    if (k >= cap) k = cap - 1;
    memcpy(msg, aieng_last_error(), k);
    msg[k] = 0;
}
static void aieng__sc_fail_last(aieng__sc *c) { /* the message of the last error, as the compiler's */
    char msg[320];
    aieng__last_error_copy(msg, sizeof msg);
    aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "%s", msg);
}
/* ---- several regexes over one alphabet: the code point intervals ("atoms") that no class of
   any of them splits, and each regex's minimal DFA over those atoms */
#define AIENG__DFAS_MAX 48
typedef struct aieng__dfas { aieng__rdfa d[AIENG__DFAS_MAX]; int n, natoms; aieng__iv bnd, *atoms; aieng__buf scratch; } aieng__dfas;
static void aieng__dfas_free(aieng__dfas *x) {
    int i;
    for (i = 0; i < x->n; i++) aieng__rdfa_free(&x->d[i]);
    AIENG_FREE(x->scratch.p, NULL); AIENG_FREE(x->atoms, NULL); aieng__iv_free(&x->bnd);
    memset(x, 0, sizeof *x);
}
/* 1 when built; 0 with the compiler's error set */
static int aieng__sc_dfas(aieng__sc *c, const char *const *re, const size_t *rl, int nre, aieng__dfas *x) {
    aieng__re r[AIENG__DFAS_MAX];
    int i, k, natoms = 0, ok = 0;
    memset(r, 0, sizeof r);
    memset(x, 0, sizeof *x);
    if (nre > AIENG__DFAS_MAX) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: too many regexes in one string automaton%s", NULL); return 0; }
    for (i = 0; i < nre; i++) {
        x->scratch.n = 0;
        if (aieng__re_parse(&r[i], re[i], rl[i], 1, 1, &x->scratch) != AIENG_OK) { aieng__sc_fail_last(c); goto done; }
    }
    /* atoms: the code point intervals between the bounds of every class */
    k = aieng__iv_push(&x->bnd, 0);
    for (i = 0; i < nre; i++) {
        int y, q;
        for (y = 0; y < r[i].nn; y++)
            for (q = 0; r[i].nd[y].kind == AIENG__RN_SET && q < r[i].nd[y].set.n; q += 2) {
                k &= aieng__iv_push(&x->bnd, r[i].nd[y].set.v[q]);
                if (r[i].nd[y].set.v[q + 1] < 0x10FFFF) k &= aieng__iv_push(&x->bnd, r[i].nd[y].set.v[q + 1] + 1);
            }
    }
    if (!k) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); goto done; }
    qsort(x->bnd.v, (size_t)x->bnd.n, sizeof(int), aieng__cmp_int);
    for (i = 0; i < x->bnd.n; i++) if (!natoms || x->bnd.v[i] != x->bnd.v[natoms - 1]) x->bnd.v[natoms++] = x->bnd.v[i];
    x->bnd.n = natoms;
    if (natoms > 4096) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: the regexes have too many different character classes%s", NULL); goto done; }
    x->atoms = (aieng__iv *)AIENG_MALLOC((size_t)natoms * sizeof(aieng__iv), NULL);
    x->scratch.n = 0;
    if (!x->atoms || !aieng__buf_reserve(&x->scratch, (size_t)natoms * 2 * sizeof(int))) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); goto done; }
    for (i = 0; i < natoms; i++) { /* atom i: [bnd[i], bnd[i + 1] - 1], stored in scratch */
        int *v = (int *)(void *)x->scratch.p + 2 * i;
        v[0] = x->bnd.v[i]; v[1] = i + 1 < natoms ? x->bnd.v[i + 1] - 1 : 0x10FFFF;
        x->atoms[i].v = v; x->atoms[i].n = x->atoms[i].cap = 2;
    }
    x->natoms = natoms;
    for (i = 0; i < nre; i++) {
        if (!aieng__re_dfa(&r[i], r[i].last, x->bnd.v, natoms, &x->d[i])) { aieng__sc_fail_last(c); goto done; }
        x->n = i + 1;
        if (x->d[i].n > 0x3FFF) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: a regex needs too many automaton states%s", NULL); goto done; }
    }
    ok = 1;
done:
    for (i = 0; i < nre; i++) aieng__re_free(&r[i]);
    if (!ok) aieng__dfas_free(x);
    return ok;
}
/* the memo of string automata (aieng__sc_strings, aieng__sc_sl): the rule made for key
   key[0..n), or -1 (a key holding a NUL byte is never found) */
static int aieng__sc_slm_find(const aieng__sc *c, const char *key, size_t n) {
    int i;
    for (i = 0; i < c->nslm; i++) if (strlen(c->slm_key[i]) == n && !memcmp(c->slm_key[i], key, n)) return c->slm_rule[i];
    return -1;
}
/* remembers rule id for key (nothing when out of memory: the memo only saves work) */
static void aieng__sc_slm_put(aieng__sc *c, const char *key, size_t n, int id) {
    char *kc = (char *)AIENG_MALLOC(n + 1, NULL);
    if (kc && c->nslm == c->capslm) {
        int nc = c->capslm ? 2 * c->capslm : 16, *nr;
        char **nk = (char **)AIENG_REALLOC(c->slm_key, (size_t)nc * sizeof *nk, NULL);
        if (nk) c->slm_key = nk;
        nr = nk ? (int *)AIENG_REALLOC(c->slm_rule, (size_t)nc * sizeof *nr, NULL) : NULL;
        if (nr) { c->slm_rule = nr; c->capslm = nc; }
    }
    if (kc && c->nslm < c->capslm) { memcpy(kc, key, n + 1); c->slm_key[c->nslm] = kc; c->slm_rule[c->nslm++] = id; }
    else AIENG_FREE(kc, NULL);
}
static int aieng__sc_strings(aieng__sc *c, const char *const *re, const size_t *rl, int nre, long mn, long mx, aieng__buf *b) {
    aieng__dfas x;
    aieng__sp sp;
    aieng__ax a;
    int i, k, ok = 0, id;
    aieng__buf key;
    memset(&x, 0, sizeof x); memset(&sp, 0, sizeof sp);
    memset(&key, 0, sizeof key);
    /* the same regexes and lengths met before in this schema: the same rule ("S" keys, apart
       from aieng__sc_sl's "g" ones) */
    aieng__buf_printf(&key, "S%ld,%ld", mn, mx);
    for (i = 0; i < nre; i++) { aieng__buf_printf(&key, ":%lu:", (unsigned long)rl[i]); aieng__buf_put(&key, re[i], rl[i]); }
    if (!key.oom && (id = aieng__sc_slm_find(c, key.p, key.n)) >= 0) { aieng__buf_printf(b, "s%d", id); ok = 1; goto done; }
    if (nre > 3 || !aieng__sc_dfas(c, re, rl, nre, &x)) goto done;
    for (i = 0; i < nre; i++) {
        for (k = 0; k < x.natoms && x.d[i].n == 1 && x.d[i].acc[0] && x.d[i].tr[k] == 0; k++) {}
        if (k < x.natoms || x.d[i].n != 1 || !x.d[i].acc[0]) sp.d[sp.nd++] = &x.d[i]; /* else: any text */
    }
    if (sp.nd == 1 && nre == 1 && aieng__rdfa_lengths_within(sp.d[0], mn, mx)) { ok = 2; goto done; } /* the lengths are implied */
    if (sp.nd == 0) { /* only lengths remain */
        if (mn == 0 && mx < 0) aieng__buf_puts(b, "char*");
        else if (mx < 0) aieng__buf_printf(b, "char{%ld,}", mn);
        else aieng__buf_printf(b, "char{%ld,%ld}", mn, mx);
        ok = 1; goto done;
    }
    sp.mn = mn; sp.mx = mx;
    memset(&a, 0, sizeof a);
    a.next = aieng__sp_next; a.accept = aieng__sp_accept; a.u = &sp;
    a.atoms = x.atoms; a.natoms = x.natoms; a.json = 1; a.limit = AIENG__SC_AUTOMATON_MAX;
    a.ccap = mx >= 0 ? mx + 1 : mn; a.cstrip = aieng__sp_strip; a.cacc = aieng__sp_cacc;
    id = aieng__sc_automaton(c, &a, 0, "'pattern'/'format' with minLength/maxLength (or with each other)");
    if (id < 0) goto done;
    aieng__buf_printf(b, "s%d", id);
    ok = 1;
    if (!key.oom) aieng__sc_slm_put(c, key.p, key.n, id); /* remembered for the next use */
done:
    AIENG_FREE(key.p, NULL);
    aieng__dfas_free(&x);
    return ok;
}
static int aieng__sc_sl_schema(aieng__sc *c, aieng__slb *L, const aieng_json *s, int neg, int depth);
/* a string bound of a schema (minLength / maxLength): 1 and *v when a number */
static int aieng__sc_len_kw(const aieng_json *k, int upper, long *v) {
    double d;
    if (!aieng__sc_num(k, &d)) return 0;
    *v = d < 0 ? 0 : d > 1e6 ? 1000000 : upper ? (long)floor(d) : (long)ceil(d);
    return 1;
}
/* Adds what schema s says about strings to L: its own keywords as one group (complemented
   when neg), `not` / allOf / $ref inside as groups of their own (only when !neg: the
   complement of a conjunction of groups is no conjunction). Keywords that do not apply to
   strings are left out, as the validator does. 1 when done; 0 (L unchanged, no error) when
   s has a keyword outside these forms (anyOf, oneOf, if, formats without a regex form). */
static int aieng__sc_sl_schema(aieng__sc *c, aieng__slb *L, const aieng_json *s, int neg, int depth) {
    int g, ng0 = L->ng, nre0 = L->nre, i;
    size_t q, fl;
    long v;
    char *ft;
    if (depth > 16) return 0;
    if (s->type == AIENG_JSON_BOOL) {
        if (s->boolean != neg) return 1; /* always holds: nothing to add */
        if ((g = aieng__slb_group(L, 0)) < 0) return 0;
        L->g[g].never = 1;
        return 1;
    }
    if (s->type != AIENG_JSON_OBJECT || aieng__schema_unknown(s, 1)) return 0;
    if (aieng__sc_is_only_ref(s)) {
        const aieng_json *t = aieng__schema_ref(c->root, aieng_json_get(s, "$ref"));
        return t && aieng__sc_sl_schema(c, L, t, neg, depth + 1);
    }
    if ((g = aieng__slb_group(L, neg)) < 0) return 0;
    for (q = 0; q < s->n; q++) {
        const aieng_json *x = s->items[q];
        const char *kw = x->key;
        if (aieng_json_getn(s, kw, x->key_len) != x) continue; /* a duplicate key: the one aieng_json_get sees counts */
        if (!strcmp(kw, "type")) {
            int has = 0;
            if (x->type == AIENG_JSON_STRING) has = !strcmp(x->s, "string");
            else if (x->type == AIENG_JSON_ARRAY) { size_t z; for (z = 0; z < x->n; z++) if (x->items[z]->type == AIENG_JSON_STRING && !strcmp(x->items[z]->s, "string")) has = 1; }
            else goto fail;
            if (!has) L->g[g].never = 1;
        } else if (!strcmp(kw, "pattern")) {
            if (x->type != AIENG_JSON_STRING || !aieng__slb_re(L, g, x->s, x->len, NULL)) goto fail;
        } else if (!strcmp(kw, "minLength")) {
            if (aieng__sc_len_kw(x, 0, &v) && v > L->g[g].mn) L->g[g].mn = v;
        } else if (!strcmp(kw, "maxLength")) {
            if (aieng__sc_len_kw(x, 1, &v) && (L->g[g].mx < 0 || v < L->g[g].mx)) L->g[g].mx = v;
        } else if (!strcmp(kw, "format")) {
            int f = aieng__fmt_index(x);
            if (f < 0) continue; /* an annotation */
            if (!(ft = aieng__fmt_regex(f, &fl)) || !aieng__slb_re(L, g, ft, fl, ft)) goto fail;
        } else if (!strcmp(kw, "enum") || !strcmp(kw, "const")) {
            const char *sn[64];
            size_t sl[64], nv = x->type == AIENG_JSON_ARRAY && kw[0] == 'e' ? x->n : 1, z;
            int ns = 0;
            if (kw[0] == 'e' && x->type != AIENG_JSON_ARRAY) goto fail;
            for (z = 0; z < nv; z++) {
                const aieng_json *e = kw[0] == 'e' ? x->items[z] : x;
                if (e->type != AIENG_JSON_STRING) continue;
                if (ns == 64) goto fail;
                sn[ns] = e->s; sl[ns] = e->len; ns++;
            }
            if (!ns) L->g[g].never = 1;
            else if (!aieng__slb_names(L, g, sn, sl, ns)) goto fail;
        } else if (!strcmp(kw, "not")) {
            if (neg || !aieng__sc_sl_schema(c, L, x, 1, depth + 1)) goto fail;
        } else if (!strcmp(kw, "allOf")) {
            if (neg || x->type != AIENG_JSON_ARRAY) goto fail;
            for (i = 0; i < (int)x->n; i++) if (!aieng__sc_sl_schema(c, L, x->items[i], 0, depth + 1)) goto fail;
        } else if (!strcmp(kw, "$ref")) {
            const aieng_json *t = aieng__schema_ref(c->root, x);
            if (!t || neg || !aieng__sc_sl_schema(c, L, t, 0, depth + 1)) goto fail;
        } else if (!strcmp(kw, "anyOf") || !strcmp(kw, "oneOf") || !strcmp(kw, "if")) goto fail;
    }
    if (L->g[g].mx >= 0 && L->g[g].mn > L->g[g].mx) L->g[g].never = 1;
    return 1;
fail:
    for (i = nre0; i < L->nre; i++) AIENG_FREE(L->own[i], NULL);
    L->nre = nre0; L->ng = ng0;
    return 0;
}
typedef struct aieng__slp {
    aieng__dfas x;
    int shift[AIENG__SL_MAXD], width[AIENG__SL_MAXD], ng, cls0, ncls, lshift;
    long lcap;
    aieng__slg g[AIENG__SL_MAXG];
    aieng__slk *k;
} aieng__slp;
#define AIENG__SLP_GET(p, st, i) ((int)(((st) >> (p)->shift[i]) & ((1ull << (p)->width[i]) - 1)))
static uint64_t aieng__slp_next(const void *u, uint64_t st, int atom) {
    const aieng__slp *p = (const aieng__slp *)u;
    long len = p->lcap ? (long)(st >> p->lshift) : 0;
    uint64_t o = (uint64_t)(len < p->lcap ? len + 1 : p->lcap) << p->lshift;
    int gi, i;
    for (gi = 0; gi < p->ng; gi++) {
        const aieng__slg *g = &p->g[gi];
        int dead = g->never || (g->mx >= 0 && len + 1 > g->mx);
        if (g->neg && g->nd && AIENG__SLP_GET(p, st, g->d0) == p->x.d[g->d0].n) dead = 1; /* already out of it */
        for (i = g->d0; !dead && i < g->d0 + g->nd; i++) {
            int t = p->x.d[i].tr[(size_t)AIENG__SLP_GET(p, st, i) * (size_t)p->x.natoms + (size_t)atom];
            if (t < 0) dead = 1; else o |= (uint64_t)t << p->shift[i];
        }
        if (dead) {
            if (!g->neg) return AIENG__AX_DEAD;
            for (i = g->d0; i < g->d0 + g->nd; i++) {
                o &= ~(((1ull << p->width[i]) - 1) << p->shift[i]);
                o |= (uint64_t)p->x.d[i].n << p->shift[i];
            }
        }
    }
    for (i = p->cls0; i < p->cls0 + p->ncls; i++) {
        int q = AIENG__SLP_GET(p, st, i), t = q == p->x.d[i].n ? -1 : p->x.d[i].tr[(size_t)q * (size_t)p->x.natoms + (size_t)atom];
        o |= (uint64_t)(t < 0 ? p->x.d[i].n : t) << p->shift[i];
    }
    return o;
}
static int aieng__slk_value(aieng__slk *k, unsigned set) {
    const aieng_json *sub[AIENG__SC_MAXPARTS];
    int q, i, ns = 0, v = 0, anyap = 0;
    if (k->vr[set] != -4) return k->vr[set];
    for (i = 0; i < k->np && v != -3; i++) { /* each part: the patterns of it the key matches, else its additionalProperties */
        const aieng_json *a = aieng_json_get(k->parts[i], "additionalProperties");
        int matched = 0;
        for (q = 0; q < k->npat; q++) {
            if (k->part[q] != i || !(set >> q & 1)) continue;
            matched = 1;
            if (k->pat[q]->type == AIENG_JSON_BOOL) { if (!k->pat[q]->boolean) v = -3; }
            else if (ns < AIENG__SC_MAXPARTS) sub[ns++] = k->pat[q];
        }
        if (matched || !a) continue;
        anyap = 1;
        if (a->type == AIENG_JSON_BOOL) { if (!a->boolean) v = -3; }
        else if (ns < AIENG__SC_MAXPARTS) sub[ns++] = a;
    }
    if (v != -3) {
        int ns0 = ns;
        for (q = 0; q < k->nwv && ns < AIENG__SC_MAXPARTS; q++) sub[ns++] = k->wv[q];
        v = !ns0 && !set && !anyap && k->noap == -3 ? -3 : ns ? aieng__sc_for_set(k->c, sub, ns) : !set && !anyap ? k->noap : -2;
        if (v == -1) k->failed = 1; /* the error stays in k->c */
        if (v < 0 && v != -2) v = -3;
        else if (v >= 0 && aieng__sc_is_empty(k->c, v)) v = -3;
    }
    k->vr[set] = v;
    return v;
}
static unsigned aieng__slp_set(const aieng__slp *p, uint64_t st) {
    unsigned set = 0;
    int i;
    for (i = 0; i < p->ncls; i++) {
        int q = AIENG__SLP_GET(p, st, p->cls0 + i);
        if (q < p->x.d[p->cls0 + i].n && p->x.d[p->cls0 + i].acc[q]) set |= 1u << i;
    }
    return set;
}
static int aieng__slp_accept(const void *u, uint64_t st) {
    const aieng__slp *p = (const aieng__slp *)u;
    long len = p->lcap ? (long)(st >> p->lshift) : 0;
    int gi, i;
    for (gi = 0; gi < p->ng; gi++) {
        const aieng__slg *g = &p->g[gi];
        int holds = !g->never && len >= g->mn && (g->mx < 0 || len <= g->mx);
        for (i = g->d0; holds && i < g->d0 + g->nd; i++) {
            int q = AIENG__SLP_GET(p, st, i);
            if (q == p->x.d[i].n || !p->x.d[i].acc[q]) holds = 0;
        }
        if (holds == g->neg) return 0;
    }
    return !p->k || aieng__slk_value(p->k, aieng__slp_set(p, st)) != -3;
}
static uint64_t aieng__slp_strip(const void *u, uint64_t st) { return st & ((1ull << ((const aieng__slp *)u)->lshift) - 1); }
static int aieng__slp_cacc(const void *u, uint64_t base, long cnt) { return aieng__slp_accept(u, base | ((uint64_t)cnt << ((const aieng__slp *)u)->lshift)); }
static void aieng__slp_finish(const void *u, uint64_t st, aieng__buf *out) { /* end of a key: the member's colon and value */
    const aieng__slp *p = (const aieng__slp *)u;
    int v = aieng__slk_value(p->k, aieng__slp_set(p, st));
    aieng__buf_puts(out, "\"\\\"\" ws \":\" ws ");
    if (v == -2) aieng__buf_puts(out, "value"); else aieng__buf_printf(out, "s%d", v);
}
/* The rule of the language L describes (the characters of a string, JSON-escaped, without
   the quotes); with k, of member keys and what follows them (the closing quote, colon and
   the value the patterns matched pick). Its id, or -1 with the compiler's error set. */
static int aieng__sc_sl(aieng__sc *c, const aieng__slb *L, aieng__slk *k, const char *what) {
    const char *re[AIENG__SL_MAXD];
    size_t rl[AIENG__SL_MAXD];
    aieng__slp *p;
    aieng__ax a;
    aieng__buf key;
    int i, gi, n = 0, id = -1, bits = 0, hasb = 0;
    long bound = 0;
    memset(&key, 0, sizeof key);
    for (gi = 0; gi < L->ng; gi++) if (L->g[gi].never && !L->g[gi].neg) { /* nothing */
        aieng__buf_puts(&key, AIENG__GBNF_NOTHING);
        id = aieng__sc_new_rule(c);
        aieng__sc_emit(c, id, &key);
        AIENG_FREE(key.p, NULL);
        return id;
    }
    if (!k) { /* the same description met before: the same rule */
        for (gi = 0; gi < L->ng; gi++) {
            aieng__buf_printf(&key, "g%d,%d,%ld,%ld:", L->g[gi].neg, L->g[gi].never, L->g[gi].mn, L->g[gi].mx);
            for (i = 0; i < L->nre; i++) if (L->rg[i] == gi) { aieng__buf_printf(&key, "%lu:", (unsigned long)L->rl[i]); aieng__buf_put(&key, L->re[i], L->rl[i]); }
        }
        if (!key.oom && (id = aieng__sc_slm_find(c, key.p, key.n)) >= 0) { AIENG_FREE(key.p, NULL); return id; }
    }
    if (!(p = (aieng__slp *)AIENG_MALLOC(sizeof *p, NULL))) { AIENG_FREE(key.p, NULL); return aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); }
    memset(p, 0, sizeof *p);
    for (gi = 0; gi < L->ng; gi++) { /* the DFAs group by group, the classifiers last */
        p->g[gi] = L->g[gi];
        p->g[gi].d0 = n;
        for (i = 0; i < L->nre; i++) if (L->rg[i] == gi) { re[n] = L->re[i]; rl[n] = L->rl[i]; n++; }
        p->g[gi].nd = n - p->g[gi].d0;
        if (L->g[gi].mn > 0 || L->g[gi].mx >= 0) hasb = 1;
        if (L->g[gi].mn > bound) bound = L->g[gi].mn;
        if (L->g[gi].mx > bound) bound = L->g[gi].mx;
    }
    p->ng = L->ng; p->cls0 = n; p->k = k;
    for (i = 0; i < L->nre; i++) if (L->rg[i] < 0) { re[n] = L->re[i]; rl[n] = L->rl[i]; n++; }
    p->ncls = n - p->cls0;
    if (p->ncls > AIENG__SL_MAXCLS) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: too many patterns in one key automaton%s", NULL); goto done; }
    if (!aieng__sc_dfas(c, re, rl, n, &p->x)) goto done;
    for (i = 0; i < n; i++) {
        p->width[i] = 1;
        while ((1L << p->width[i]) <= p->x.d[i].n) p->width[i]++;
        p->shift[i] = bits;
        bits += p->width[i];
    }
    p->lshift = bits;
    p->lcap = hasb ? bound + 1 : 0;
    { int lw = 0; while ((1L << lw) <= p->lcap) lw++; bits += lw; }
    if (bits > 63 || bound > AIENG_GRAMMAR_MAX_REPEAT) {
        aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: %s needs more grammar states than its bound allows", what); goto done; }
    memset(&a, 0, sizeof a);
    a.next = aieng__slp_next; a.accept = aieng__slp_accept; a.u = p;
    if (k) a.finish = aieng__slp_finish;
    if (p->lcap) { a.ccap = p->lcap; a.cstrip = aieng__slp_strip; a.cacc = aieng__slp_cacc; }
    a.atoms = p->x.atoms; a.natoms = p->x.natoms; a.json = 1; a.limit = AIENG__SC_AUTOMATON_MAX;
    id = aieng__sc_automaton(c, &a, 0, what);
    if (id >= 0 && c->err != AIENG_OK) id = -1; /* a value rule failed */
    if (id >= 0 && !k && !key.oom) aieng__sc_slm_put(c, key.p, key.n, id); /* remembered */
done:
    aieng__dfas_free(&p->x);
    AIENG_FREE(p, NULL);
    AIENG_FREE(key.p, NULL);
    return id;
}
/* Strings. nsnot string-only schemas they must fail (a `not` of pattern, lengths, format,
   enum of strings) and nxs strings they must not be (not {enum}) make the string an
   automaton of groups (aieng__sc_sl), as do more than two patterns. */
static int aieng__sc_string(aieng__sc *c, const aieng_json **parts, int np, aieng__buf *b,
                            const aieng_json *const *snot, int nsnot, const char *const *xs, const size_t *xl, int nxs) {
    const aieng_json *pats[AIENG__SL_MAXD], *fmt = NULL;
    size_t at0;
    long mn = 0, mx = -1;
    int i, f = -1, npat = 0;
    for (i = 0; i < np; i++) {
        double d;
        const aieng_json *p;
        if (aieng__sc_num(aieng_json_get(parts[i], "minLength"), &d) && d > mn) mn = d > 1e6 ? 1000000 : (long)ceil(d);
        if (aieng__sc_num(aieng_json_get(parts[i], "maxLength"), &d) && (mx < 0 || d < mx)) mx = d > 1e6 ? 1000000 : (long)floor(d);
        if ((p = aieng_json_get(parts[i], "pattern")) != NULL) {
            int q;
            if (p->type != AIENG_JSON_STRING) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: 'pattern' must be a string%s", NULL); return 0; }
            for (q = 0; q < npat && !aieng_json_equal(pats[q], p); q++) {}
            if (q == npat && npat == AIENG__SL_MAXD - 2) {
                if (aieng__sc_relax(c, "pattern")) continue; /* relaxed: the first patterns only */
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: more than 14 different 'pattern's%s", NULL); return 0; }
            if (q == npat) pats[npat++] = p;
        }
        if ((p = aieng_json_get(parts[i], "format")) != NULL && aieng__fmt_index(p) >= 0) fmt = p;
    }
    f = aieng__fmt_index(fmt);
    if (mx >= 0 && mn > mx) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: minLength > maxLength%s", NULL); return 0; }
    if (mx > AIENG_GRAMMAR_MAX_REPEAT) mx = -1; /* documented: not enforced by the grammar */
    if (mn > AIENG_GRAMMAR_MAX_REPEAT) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: minLength above %s", "AIENG_GRAMMAR_MAX_REPEAT"); return 0; }
    if (nsnot || nxs || npat > 2) { /* groups: the string's own keywords, each negation complemented */
        aieng__slb L;
        int g, ok = 1, id;
        memset(&L, 0, sizeof L);
        if (ok && (g = aieng__slb_group(&L, 0)) >= 0) {
            L.g[g].mn = mn; L.g[g].mx = mx;
            for (i = 0; i < npat && ok; i++) ok = aieng__slb_re(&L, g, pats[i]->s, pats[i]->len, NULL);
            if (ok && f >= 0) { size_t fl; char *ft = aieng__fmt_regex(f, &fl); ok = ft && aieng__slb_re(&L, g, ft, fl, ft); }
        } else ok = 0;
        for (i = 0; i < nsnot && ok; i++) ok = aieng__sc_sl_schema(c, &L, snot[i], 1, 0);
        if (ok && nxs) ok = (g = aieng__slb_group(&L, 1)) >= 0 && aieng__slb_names(&L, g, xs, xl, nxs);
        if (!ok) {
            aieng__slb_free(&L);
            if (!aieng__sc_relax(c, nxs || nsnot ? "not" : "pattern")) {
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: too many patterns and negations in one string%s", NULL);
                return 0;
            }
            /* relaxed: without the negations (and patterns beyond two) */
            if (npat > 2) npat = 2;
        } else {
            id = aieng__sc_sl(c, &L, NULL, "a string's patterns with a 'not' of strings");
            aieng__slb_free(&L);
            if (id < 0) {
                if (c->err != AIENG_ERR_UNSUPPORTED || !aieng__sc_relax(c, nxs || nsnot ? "not" : "pattern")) return 0;
                c->err = AIENG_OK; /* relaxed: without the negations */
                if (npat > 2) npat = 2;
            } else {
                if (aieng__sc_is_empty(c, id)) aieng__buf_puts(b, AIENG__GBNF_NOTHING); /* no string: no quote either */
                else aieng__buf_printf(b, "\"\\\"\" s%d \"\\\"\"", id);
                return 1;
            }
        }
    }
    at0 = b->n;
    aieng__buf_puts(b, "\"\\\"\" ");
    if (npat + (f >= 0) > 1 || (npat + (f >= 0) == 1 && (mn > 0 || mx >= 0))) { /* exact: an automaton product */
        const char *re[3];
        size_t rl[3], at = b->n;
        int nre = 0;
        for (i = 0; i < npat; i++) { re[nre] = pats[i]->s; rl[nre++] = pats[i]->len; }
        char *ft = f >= 0 ? aieng__fmt_regex(f, &rl[nre]) : NULL;
        int r;
        if (f >= 0 && !ft) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); return 0; }
        if (ft) re[nre++] = ft;
        r = aieng__sc_strings(c, re, rl, nre, mn, mx, b);
        AIENG_FREE(ft, NULL);
        if (r == 1 && b->n > at && b->p[at] == 's' && aieng__sc_is_empty(c, atoi(b->p + at + 1))) { /* no string: no quote either */
            b->n = at0; aieng__buf_puts(b, AIENG__GBNF_NOTHING); return 1; }
        if (r == 1) { aieng__buf_puts(b, " \"\\\"\""); return 1; }
        if (r == 2) mn = 0, mx = -1; /* the regex implies the lengths: written plainly below */
        else {
        if (c->err != AIENG_ERR_UNSUPPORTED || !aieng__sc_relax(c, "minLength/maxLength")) return 0;
        c->err = AIENG_OK; /* relaxed: the lengths are left out, one pattern (or the format) kept */
        b->n = at;
        if (npat) f = -1;
        mn = 0; mx = -1;
        }
    }
    if (npat) {
        size_t at = b->n;
        int id = -1;
        if (aieng__regex_gbnf(pats[0]->s, pats[0]->len, 1, b) != AIENG_OK) {
            aieng__slb L; /* anchors inside the pattern or a look-ahead: its automaton */
            int g;
            memset(&L, 0, sizeof L);
            b->n = at;
            if ((g = aieng__slb_group(&L, 0)) >= 0 && aieng__slb_re(&L, g, pats[0]->s, pats[0]->len, NULL)) {
                id = aieng__sc_sl(c, &L, NULL, "a pattern");
                if (id < 0 && c->err == AIENG_ERR_UNSUPPORTED) c->err = AIENG_OK;
            }
            aieng__slb_free(&L);
            if (id >= 0) aieng__buf_printf(b, "s%d", id);
        }
        if (id < 0 && b->n == at) {
            if (c->err != AIENG_OK) return 0;
            if (!aieng__sc_relax(c, "pattern")) { c->err = AIENG_ERR_UNSUPPORTED; return 0; }
            b->n = at; /* relaxed: a regex outside the subset allows any string */
            aieng__buf_puts(b, "char*");
        }
    } else if (f >= 0) {
        aieng__buf_putc(b, '('); aieng__buf_puts(b, aieng__fmt_gbnf[f]); aieng__buf_putc(b, ')');
        c->fmt_used = 1;
    } else if (mn == 0 && mx < 0) aieng__buf_puts(b, "char*");
    else if (mx < 0) aieng__buf_printf(b, "char{%ld,}", mn);
    else aieng__buf_printf(b, "char{%ld,%ld}", mn, mx);
    aieng__buf_puts(b, " \"\\\"\"");
    return 1;
}
/* non-negative decimal numbers m (no exponent) with L <= m (L < m when exL) and m <= H
   (m < H when exH; hasH = 0: unbounded); L, H integers >= 0. Appends alternatives. */
static void aieng__sc_mag(aieng__buf *b, uint64_t L, int exL, int hasH, uint64_t H, int exH, int *first) {
    static const char *const fr_any = "(\".\" [0-9]{1,20})?", *const fr_zero = "(\".\" \"0\"{1,20})?",
                             *const fr_pos = "\".\" [0-9]{0,19} [1-9] [0-9]{0,19}";
    uint64_t lo_any = exL ? L + 1 : L;
    if (hasH && (H < L || (H == L && (exL || exH)))) { /* (L, L] or [L, L) and the like */
        if (!(H == L && !exL && !exH)) return;
    }
    if (!hasH || (H >= 1 && lo_any <= H - 1)) { /* whole integer parts with any fraction */
        if (!*first) aieng__buf_puts(b, " | ");
        *first = 0;
        aieng__sc_uint_range(b, lo_any, hasH ? H - 1 : 0, hasH);
        aieng__buf_printf(b, " %s", fr_any);
    }
    if (exL && (!hasH || L < H)) {
        if (!*first) aieng__buf_puts(b, " | ");
        *first = 0;
        aieng__buf_printf(b, "\"%llu\" %s", (unsigned long long)L, fr_pos);
    }
    if (hasH && !exH && (H > L || (H == L && !exL))) {
        if (!*first) aieng__buf_puts(b, " | ");
        *first = 0;
        aieng__buf_printf(b, "\"%llu\" %s", (unsigned long long)H, fr_zero);
    }
}
static int aieng__sc_number(aieng__sc *c, const aieng_json **parts, int np, int integer, aieng__buf *b) {
    int has_lo = 0, has_hi = 0, lo_ex = 0, hi_ex = 0, i, nmo = 0;
    double lo = 0, hi = 0;
    const aieng_json *lo_k = NULL, *hi_k = NULL, *mo[AIENG__SC_MAXPARTS];
    for (i = 0; i < np; i++) { /* the tightest bounds of all parts, with their exclusivity */
        const aieng_json *k;
        double d;
        int em = 0, eM = 0;
        k = aieng_json_get(parts[i], "exclusiveMinimum");
        if (k && k->type == AIENG_JSON_BOOL) em = k->boolean;
        else if (aieng__sc_num(k, &d) && (!has_lo || d >= lo)) { lo = d; has_lo = 1; lo_ex = 1; lo_k = k; }
        k = aieng_json_get(parts[i], "exclusiveMaximum");
        if (k && k->type == AIENG_JSON_BOOL) eM = k->boolean;
        else if (aieng__sc_num(k, &d) && (!has_hi || d <= hi)) { hi = d; has_hi = 1; hi_ex = 1; hi_k = k; }
        k = aieng_json_get(parts[i], "minimum");
        if (aieng__sc_num(k, &d) && (!has_lo || d > lo || (d == lo && em))) { lo = d; has_lo = 1; lo_ex = em; lo_k = k; }
        k = aieng_json_get(parts[i], "maximum");
        if (aieng__sc_num(k, &d) && (!has_hi || d < hi || (d == hi && eM))) { hi = d; has_hi = 1; hi_ex = eM; hi_k = k; }
        if ((k = aieng_json_get(parts[i], "multipleOf")) != NULL) mo[nmo++] = k;
    }
    if ((has_lo && (lo < -9.2e18 || lo > 9.2e18)) || (has_hi && (hi < -9.2e18 || hi > 9.2e18))) {
        size_t at = b->n; /* beyond int64: the decimal comparison on the digits, when it can */
        if (aieng__sc_decimal(c, integer, has_lo ? lo_k : NULL, lo_ex, has_hi ? hi_k : NULL, hi_ex, mo, nmo, b)) return 1;
        if (c->err != AIENG_ERR_UNSUPPORTED) return 0;
        c->err = AIENG_OK;
        b->n = at;
        if (!aieng__sc_relax(c, "minimum/maximum")) {
            aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: numeric bound beyond int64%s", NULL); return 0; }
        if (has_lo && (lo < -9.2e18 || lo > 9.2e18)) has_lo = 0; /* relaxed: that bound is left out */
        if (has_hi && (hi < -9.2e18 || hi > 9.2e18)) has_hi = 0;
    }
    if (nmo || (!integer && ((has_lo && (lo != floor(lo) || fabs(lo) > 1e15)) || (has_hi && (hi != floor(hi) || fabs(hi) > 1e15))))) {
        size_t at = b->n;
        if (aieng__sc_decimal(c, integer, has_lo ? lo_k : NULL, lo_ex, has_hi ? hi_k : NULL, hi_ex, mo, nmo, b)) return 1; /* exact */
        if (c->err != AIENG_ERR_UNSUPPORTED || !aieng__sc_relax(c, nmo ? "multipleOf" : "minimum/maximum")) return 0;
        c->err = AIENG_OK; /* relaxed: multipleOf left out, bounds widened to whole numbers */
        b->n = at;
        if (!integer && has_lo && (lo != floor(lo) || fabs(lo) > 1e15)) { if (fabs(lo) > 1e15) has_lo = 0; else { lo = floor(lo); lo_ex = 0; } }
        if (!integer && has_hi && (hi != floor(hi) || fabs(hi) > 1e15)) { if (fabs(hi) > 1e15) has_hi = 0; else { hi = ceil(hi); hi_ex = 0; } }
    }
    if (integer) {
        int64_t L = 0, H = 0;
        if (!has_lo && !has_hi) { aieng__buf_puts(b, "integer"); return 1; }
        if (has_lo) L = (int64_t)(lo_ex ? floor(lo) + 1 : ceil(lo));
        if (has_hi) H = (int64_t)(hi_ex ? ceil(hi) - 1 : floor(hi));
        if (has_lo && has_hi && L > H) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: no integer between minimum and maximum%s", NULL); return 0; }
        aieng__sc_int_range(b, has_lo, L, has_hi, H);
        return 1;
    }
    if (!has_lo && !has_hi) { aieng__buf_puts(b, "number"); return 1; }
    {   /* decimal numbers without exponent: a negative part and a non-negative part */
        int first = 1;
        aieng__buf_putc(b, '(');
        if (!has_lo || lo < 0) { /* x < 0: "-" m with m = -x */
            int sub_first = 1;
            aieng__buf tmp;
            memset(&tmp, 0, sizeof tmp);
            /* m > max(0, -hi) (or >= -hi when hi < 0 inclusive), m <= -lo (or < when exclusive) */
            if (has_hi && hi < 0) aieng__sc_mag(&tmp, (uint64_t)(-hi), hi_ex, has_lo, has_lo ? (uint64_t)(-lo) : 0, lo_ex, &sub_first);
            else aieng__sc_mag(&tmp, 0, 1, has_lo, has_lo ? (uint64_t)(-lo) : 0, lo_ex, &sub_first);
            if (!sub_first) { aieng__buf_puts(b, "\"-\" ("); aieng__buf_put(b, tmp.p, tmp.n); aieng__buf_putc(b, ')'); first = 0; }
            AIENG_FREE(tmp.p, NULL);
        }
        if (!has_hi || hi >= 0) {
            uint64_t L = has_lo && lo > 0 ? (uint64_t)lo : 0;
            int exL = has_lo && lo >= 0 ? lo_ex : 0;
            aieng__sc_mag(b, L, exL, has_hi, has_hi ? (uint64_t)hi : 0, hi_ex, &first);
        }
        if (first) aieng__buf_puts(b, AIENG__GBNF_NOTHING);
        aieng__buf_putc(b, ')');
    }
    return 1;
}
/* 1 when b only lists required names ({"required": [...]}, with annotations) */
static int aieng__sc_required_only(const aieng_json *b) {
    size_t i;
    const aieng_json *rq;
    if (!b || b->type != AIENG_JSON_OBJECT || !(rq = aieng_json_get(b, "required")) || rq->type != AIENG_JSON_ARRAY || rq->n == 0) return 0;
    for (i = 0; i < b->n; i++) {
        const char *k = b->items[i]->key;
        if (strcmp(k, "required") && strcmp(k, "title") && strcmp(k, "description") && strcmp(k, "$comment")) return 0;
    }
    for (i = 0; i < rq->n; i++) if (rq->items[i]->type != AIENG_JSON_STRING) return 0;
    return 1;
}
/* "not s" as schema text for the value schemas whose complement the compiler can write:
   false, and `type` alone (without "integer" apart from "number"). Returns 1 (written),
   0 when s always holds (no complement), -1 when s is outside that set. */
static int aieng__sc_neg(const aieng_json *s, aieng__buf *o) {
    static const char *const names[7] = { "null", "boolean", "object", "array", "number", "integer", "string" };
    const aieng_json *t;
    size_t i;
    int bits = 0, k, first = 1;
    if (s->type == AIENG_JSON_BOOL) { if (s->boolean) return 0; aieng__buf_puts(o, "true"); return 1; }
    if (s->type != AIENG_JSON_OBJECT) return -1;
    for (i = 0; i < s->n; i++) {
        const char *kk = s->items[i]->key;
        if (strcmp(kk, "type") && strcmp(kk, "title") && strcmp(kk, "description") && strcmp(kk, "$comment") &&
            strcmp(kk, "default") && strcmp(kk, "examples")) return -1;
    }
    if (!(t = aieng_json_get(s, "type"))) return 0;
    if ((bits = aieng__sc_typebit(t)) <= 0) return -1;
    if (bits & AIENG__T_NUM) bits |= AIENG__T_INT;
    if ((bits & AIENG__T_INT) && !(bits & AIENG__T_NUM)) return -1; /* non-integer numbers: no type name */
    if (bits == 0x7F) return 0;
    aieng__buf_puts(o, "{\"type\":[");
    for (k = 0; k < 7; k++)
        if (!(bits & (1 << k)) && k != 5) { aieng__buf_printf(o, first ? "\"%s\"" : ",\"%s\"", names[k]); first = 0; }
    aieng__buf_puts(o, "]}");
    return 1;
}
/* appends the JSON pointer of node t inside v ("/a/0/b", escaped for a URI fragment); 1 when found */
static int aieng__sc_path(const aieng_json *v, const aieng_json *t, aieng__buf *o, int depth) {
    size_t i, at = o->n, z;
    if (v == t) return 1;
    if (depth > 256 || (v->type != AIENG_JSON_OBJECT && v->type != AIENG_JSON_ARRAY)) return 0;
    for (i = 0; i < v->n; i++) {
        o->n = at;
        aieng__buf_putc(o, '/');
        if (v->type == AIENG_JSON_ARRAY) aieng__buf_printf(o, "%lu", (unsigned long)i);
        else for (z = 0; z < v->items[i]->key_len; z++) {
            char ch = v->items[i]->key[z];
            if (ch == '~') aieng__buf_puts(o, "~0");
            else if (ch == '/') aieng__buf_puts(o, "~1");
            else if (ch == '%') aieng__buf_puts(o, "%25");
            else aieng__buf_putc(o, ch);
        }
        if (aieng__sc_path(v->items[i], t, o, depth + 1)) return 1;
    }
    o->n = at;
    return 0;
}
/* {"$ref": "#..."} naming node t of the schema; 0 when t is not in it */
static int aieng__sc_ref_text(aieng__sc *c, const aieng_json *t, aieng__buf *o) {
    aieng__buf p;
    aieng_json str;
    char *w = NULL;
    size_t wn = 0;
    int ok;
    if (t->type == AIENG_JSON_BOOL) { aieng__buf_puts(o, t->boolean ? "true" : "false"); return 1; }
    memset(&p, 0, sizeof p);
    aieng__buf_putc(&p, '#');
    ok = aieng__sc_path(c->root, t, &p, 0) && !p.oom && p.n < 1000;
    memset(&str, 0, sizeof str);
    str.type = AIENG_JSON_STRING; str.s = p.p; str.len = p.n;
    if (ok && aieng_json_write(&str, 0, &w, &wn) == AIENG_OK) {
        aieng__buf_puts(o, "{\"$ref\":");
        aieng__buf_put(o, w, wn);
        aieng__buf_putc(o, '}');
    } else ok = 0;
    aieng_free(NULL, w);
    AIENG_FREE(p.p, NULL);
    return ok;
}
/* what a keyword constrains, for writing a negation group by group: 0 the keywords written
   on their own (type, required, properties) and those that assert nothing ($defs,
   $schema, ...), 1 objects, 2 arrays, 3 strings, 4 numbers, 5 any value (allOf, anyOf,
   oneOf, not, if/then/else, $ref, dependencies, enum/const); -1 not a keyword of the
   vocabularies (an annotation) */
static int aieng__sc_kwgroup(const char *k) {
    static const char *const kw[] = {
        "type", "required", "properties", "$defs", "definitions", "$schema", "$id", "id", "$anchor", "|",
        "additionalProperties", "patternProperties", "propertyNames", "minProperties", "maxProperties", "dependentRequired", "|",
        "items", "prefixItems", "additionalItems", "minItems", "maxItems", "contains", "minContains", "maxContains", "uniqueItems", "|",
        "minLength", "maxLength", "pattern", "format", "|",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "|",
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref", "dependencies", "dependentSchemas", "enum", "const", "|", NULL };
    int i, g = 0;
    for (i = 0; kw[i]; i++) {
        if (kw[i][0] == '|') { g++; continue; }
        if (!strcmp(kw[i], k)) return g;
    }
    return -1;
}
#define AIENG__ALLT "\"type\":[\"null\",\"boolean\",\"object\",\"array\",\"number\",\"string\"]"
/* schema node x as schema text: a $ref to it when it is in the schema, else a copy; 0 when
   it cannot be written */
static int aieng__sc_node_text(aieng__sc *c, const aieng_json *x, aieng__buf *o) {
    return aieng__sc_ref_text(c, x, o) || aieng__buf_json(o, "", x, "");
}
/* 1 when aieng__sc_negtext negates keyword x of schema s on its own (the others go in groups
   by the type they constrain) */
static int aieng__sc_neg_one(const aieng_json *s, const aieng_json *x) {
    const char *k = x->key;
    if (!strcmp(k, "allOf") || !strcmp(k, "anyOf") || !strcmp(k, "oneOf")) return x->type == AIENG_JSON_ARRAY && x->n > 0;
    if (!strcmp(k, "$ref") || !strcmp(k, "not") || !strcmp(k, "if")) return 1;
    if (!strcmp(k, "then") || !strcmp(k, "else")) return 1; /* with if, or asserting nothing */
    if (!strcmp(k, "dependencies") || !strcmp(k, "dependentRequired") || !strcmp(k, "dependentSchemas")) return x->type == AIENG_JSON_OBJECT;
    if (!strcmp(k, "minProperties") || !strcmp(k, "maxProperties")) return x->type == AIENG_JSON_NUMBER && x->d >= 0 && x->d < 1e9 && x->d == (double)(long)x->d;
    if (!strcmp(k, "contains")) return !aieng_json_get(s, "minContains") && !aieng_json_get(s, "maxContains");
    return 0;
}
static int aieng__sc_str_not(aieng__sc *c, const aieng_json *nt);
static int aieng__sc_unsat(aieng__sc *c, const aieng_json *const *in, int nin, int nctx, int depth);
/* "not s" as schema text for: booleans, `type` alone, enum/const of null, booleans and
   strings and string-only schemas (aieng__sc_str_not; both with enums != 0), and object
   schemas of properties (each of those forms), required names and type "object" (an anyOf
   of the ways they fail). With c->negdefer (the default; off for the narrow form that
   oneOf exclusivity tries first) any schema, keyword by keyword, leaving to the compiler's
   not what it cannot write here (see the general form below). 1 written, -1 outside
   these forms. */
static int aieng__sc_negtext(aieng__sc *c, const aieng_json *s, aieng__buf *o, int enums, int depth) {
    const aieng_json *en, *cn, *ty, *rq, *pr;
    size_t i;
    int r, first = 1;
    (void)c;
    if (depth > 8) return -1;
    if (s->type == AIENG_JSON_OBJECT && aieng__sc_is_only_ref(s)) {
        const aieng_json *t = aieng__schema_ref(c->root, aieng_json_get(s, "$ref"));
        return t ? aieng__sc_negtext(c, t, o, enums, depth + 1) : -1;
    }
    r = aieng__sc_neg(s, o);
    if (r == 1) return 1;
    if (r == 0) { aieng__buf_puts(o, "false"); return 1; }
    if (s->type != AIENG_JSON_OBJECT) return -1;
    if (aieng_json_get(s, "not") && (aieng_json_get(s, "not")->type == AIENG_JSON_BOOL || aieng_json_get(aieng_json_get(s, "not"), "type"))) {
        /* not {not X}: X (the node itself when it is in the schema), when X states its type
           (else the compiler would infer one from its keywords: stricter than X) */
        const aieng_json *x = aieng_json_get(s, "not");
        for (i = 0; i < s->n; i++) {
            const char *kk = s->items[i]->key;
            if (strcmp(kk, "not") && strcmp(kk, "title") && strcmp(kk, "description") && strcmp(kk, "$comment") && strcmp(kk, "default") &&
                strcmp(kk, "examples")) break;
        }
        if (i == s->n) {
            size_t at = o->n;
            if (aieng__sc_ref_text(c, x, o)) return 1;
            o->n = at;
            return aieng__buf_json(o, "", x, "") ? 1 : -1;
        }
    }
    if (enums && aieng__sc_str_not(c, s) >= 0) /* a string-only schema: its not, as the string automaton writes it */
        return aieng__buf_json(o, "{\"not\":", s, "}") ? 1 : -1;
    en = aieng_json_get(s, "enum"); cn = aieng_json_get(s, "const"); ty = aieng_json_get(s, "type");
    rq = aieng_json_get(s, "required"); pr = aieng_json_get(s, "properties");
    if ((en || cn) && !enums) return -1;
    for (i = 0; i < s->n && (en || cn); i++) { /* not {enum}: null, booleans and strings only */
        const char *kk = s->items[i]->key;
        if (strcmp(kk, "enum") && strcmp(kk, "const") && aieng__sc_kwgroup(kk) >= 0) break;
    }
    if ((en || cn) && i == s->n && !(en && cn)) {
        if (en && en->type != AIENG_JSON_ARRAY) return -1;
        for (i = 0; i < (cn ? 1 : en->n); i++) {
            const aieng_json *x = cn ? cn : en->items[i];
            if (x->type != AIENG_JSON_NULL && x->type != AIENG_JSON_BOOL && x->type != AIENG_JSON_STRING && !c->negdefer) return -1;
        } /* (numbers and the rest: the compiler's not of listed values decides) */
        return aieng__buf_json(o, cn ? "{\"not\":{\"enum\":[" : "{\"not\":{\"enum\":", cn ? cn : en, cn ? "]}}" : "}}") ? 1 : -1;
    }
    if ((rq && rq->type != AIENG_JSON_ARRAY) || (pr && pr->type != AIENG_JSON_OBJECT)) return -1;
    if (!c->negdefer) /* outside a trial: type "object", required and properties of the forms above only */
        for (i = 0; i < s->n; i++) {
            const char *kk = s->items[i]->key;
            if (aieng__sc_kwgroup(kk) > 0 || (!strcmp(kk, "type") && !(ty->type == AIENG_JSON_STRING && !strcmp(ty->s, "object")))) return -1;
        }
    /* not (A and B and ...) is (not A) or (not B and A) or ...: a type outside `type`, an
       object without a required name, an object with a property whose value fails its
       schema, the keywords of aieng__sc_neg_one one by one, and the rest a group per type
       they constrain, {"type": T, "not": {the group}}, which the compiler's not decides
       (failing where it cannot write it). With negdefer each
       alternative also holds the earlier ones' positive forms, so that they never overlap
       (an ambiguous grammar grows with the nesting of a recursive schema). A lone group is
       the schema itself: -1, the compiler's own forms of not decide it. */
    {
        static const char *const gtype[6] = { NULL, "\"object\"", "\"array\"", "\"string\"", "\"number\"", NULL };
        aieng__buf ng, ps, acc;
        int g, nalt = 0, ngroup = 0, ok = 1;

        memset(&ng, 0, sizeof ng); memset(&ps, 0, sizeof ps); memset(&acc, 0, sizeof acc);
        aieng__buf_puts(o, "{\"anyOf\":[");
#define AIENG__NEG_ALT() do { \
            if (!first) aieng__buf_putc(o, ','); \
            if (c->negdefer && acc.n) { aieng__buf_puts(o, "{\"allOf\":["); aieng__buf_put(o, ng.p, ng.n); aieng__buf_putc(o, ','); aieng__buf_put(o, acc.p, acc.n); aieng__buf_puts(o, "]}"); } \
            else aieng__buf_put(o, ng.p, ng.n); \
            if (ps.n) AIENG__NEG_POS(); \
            first = 0; nalt++; ng.n = 0; } while (0)
#define AIENG__NEG_POS() do { /* a keyword with no alternative of its own: its positive form only */ \
            if (acc.n) { aieng__buf_putc(&acc, ','); } \
            aieng__buf_put(&acc, ps.p, ps.n); ps.n = 0; } while (0)
        if (ty) {
            if (ty->type == AIENG_JSON_STRING && !strcmp(ty->s, "object")) aieng__buf_puts(&ng, "{\"type\":[\"null\",\"boolean\",\"array\",\"number\",\"string\"]}");
            else ok &= aieng__buf_json(&ng, "{\"not\":{\"type\":", ty, "}}");
            ok &= aieng__buf_json(&ps, "{\"type\":", ty, "}");
            AIENG__NEG_ALT();
        }
        for (i = 0; ok && rq && i < rq->n; i++) { /* a required name absent */
            if (rq->items[i]->type != AIENG_JSON_STRING) { ok = 0; break; }
            ok &= aieng__buf_json(&ng, "{\"type\":\"object\",\"properties\":{", rq->items[i], ":false}}");
            ok &= aieng__buf_json(&ps, "{" AIENG__ALLT ",\"required\":[", rq->items[i], "]}");
            AIENG__NEG_ALT();
        }
        for (i = 0; ok && pr && i < pr->n; i++) { /* a property present with a value its schema rejects */
            aieng__buf t;
            const char *kn = pr->items[i]->key;
            size_t kl = pr->items[i]->key_len;
            memset(&t, 0, sizeof t);
            if (aieng__sc_negtext(c, pr->items[i], &t, enums, depth + 1) != 1) { /* the compiler's not of it */
                if (!c->negdefer) { AIENG_FREE(t.p, NULL); ok = 0; break; }
                t.n = 0;
                aieng__buf_puts(&t, "{\"not\":");
                if (!aieng__sc_node_text(c, pr->items[i], &t)) t.oom = 1;
                aieng__buf_putc(&t, '}');
            }
            if (t.oom) { AIENG_FREE(t.p, NULL); ok = 0; break; }
            if (!(t.n == 5 && !memcmp(t.p, "false", 5))) { /* else the property's schema always holds */
                ok &= aieng__buf_jstr(&ng, "{\"type\":\"object\",\"required\":[", kn, kl, "],\"properties\":{");
                ok &= aieng__buf_jstr(&ng, "", kn, kl, ":");
                aieng__buf_put(&ng, t.p, t.n);
                aieng__buf_puts(&ng, "}}");
                ok &= aieng__buf_jstr(&ps, "{" AIENG__ALLT ",\"properties\":{", kn, kl, ":");
                ok &= aieng__sc_node_text(c, pr->items[i], &ps);
                aieng__buf_puts(&ps, "}}");
                AIENG__NEG_ALT();
            }
            AIENG_FREE(t.p, NULL);
        }
        for (i = 0; ok && i < s->n; i++) { /* the keywords negated one by one (aieng__sc_neg_one) */
            const aieng_json *x = s->items[i], *y;
            size_t z, z2;
            if (!aieng__sc_neg_one(s, x)) continue;
            if (!strcmp(x->key, "allOf")) {
                for (z = 0; z < x->n; z++) {
                    aieng__buf_puts(&ng, "{\"not\":"); ok &= aieng__sc_node_text(c, x->items[z], &ng); aieng__buf_putc(&ng, '}');
                    aieng__buf_puts(&ps, "{" AIENG__ALLT ",\"allOf\":["); ok &= aieng__sc_node_text(c, x->items[z], &ps); aieng__buf_puts(&ps, "]}");
                    AIENG__NEG_ALT();
                }
                continue;
            }
            if (!strcmp(x->key, "anyOf") || !strcmp(x->key, "oneOf")) { /* none of them; for oneOf also two at once */
                aieng__buf_puts(&ng, "{\"allOf\":[");
                for (z = 0; z < x->n; z++) {
                    aieng__buf_puts(&ng, z ? ",{\"not\":" : "{\"not\":"); ok &= aieng__sc_node_text(c, x->items[z], &ng); aieng__buf_putc(&ng, '}');
                }
                aieng__buf_puts(&ng, "]}");
                AIENG__NEG_ALT();
                for (z = 0; x->key[0] == 'o' && z < x->n; z++)
                    for (z2 = z + 1; z2 < x->n; z2++) {
                        const aieng_json *two[2];
                        two[0] = x->items[z]; two[1] = x->items[z2];
                        if (aieng__sc_unsat(c, two, 2, 0, 0)) continue;
                        aieng__buf_puts(&ng, "{" AIENG__ALLT ",\"allOf\":["); ok &= aieng__sc_node_text(c, x->items[z], &ng);
                        aieng__buf_putc(&ng, ','); ok &= aieng__sc_node_text(c, x->items[z2], &ng); aieng__buf_puts(&ng, "]}");
                        AIENG__NEG_ALT();
                    }
            } else if (!strcmp(x->key, "$ref")) {
                ok &= aieng__buf_json(&ng, "{\"not\":{\"$ref\":", x, "}}");
            } else if (!strcmp(x->key, "not")) { /* X itself */
                aieng__buf_puts(&ng, "{" AIENG__ALLT ",\"allOf\":["); ok &= aieng__sc_node_text(c, x, &ng); aieng__buf_puts(&ng, "]}");
            } else if (!strcmp(x->key, "if")) { /* if and not then, or not if and not else */
                if ((y = aieng_json_get(s, "then")) != NULL) {
                    aieng__buf_puts(&ng, "{" AIENG__ALLT ",\"allOf\":["); ok &= aieng__sc_node_text(c, x, &ng);
                    aieng__buf_puts(&ng, ",{\"not\":"); ok &= aieng__sc_node_text(c, y, &ng); aieng__buf_puts(&ng, "}]}");
                    AIENG__NEG_ALT();
                }
                if ((y = aieng_json_get(s, "else")) != NULL) {
                    aieng__buf_puts(&ng, "{\"allOf\":[{\"not\":"); ok &= aieng__sc_node_text(c, x, &ng);
                    aieng__buf_puts(&ng, "},{\"not\":"); ok &= aieng__sc_node_text(c, y, &ng); aieng__buf_puts(&ng, "}]}");
                    AIENG__NEG_ALT();
                }
                aieng__buf_puts(&ps, "{" AIENG__ALLT);
                for (z = 0; z < s->n; z++)
                    if (!strcmp(s->items[z]->key, "if") || !strcmp(s->items[z]->key, "then") || !strcmp(s->items[z]->key, "else"))
                        ok &= aieng__buf_jstr(&ps, ",", s->items[z]->key, s->items[z]->key_len, ":") && aieng__sc_node_text(c, s->items[z], &ps);
                aieng__buf_putc(&ps, '}');
                AIENG__NEG_POS();
                continue;
            } else if (!strcmp(x->key, "dependencies") || !strcmp(x->key, "dependentRequired") || !strcmp(x->key, "dependentSchemas")) {
                for (z = 0; z < x->n; z++) { /* a name present and a name it needs absent, or its schema failing */
                    y = x->items[z];
                    if (y->type == AIENG_JSON_ARRAY) {
                        for (z2 = 0; z2 < y->n; z2++) {
                            ok &= aieng__buf_jstr(&ng, "{\"type\":\"object\",\"required\":[", y->key, y->key_len, "],\"properties\":{");
                            ok &= y->items[z2]->type == AIENG_JSON_STRING && aieng__buf_json(&ng, "", y->items[z2], ":false}}");
                            AIENG__NEG_ALT();
                        }
                    } else {
                        ok &= aieng__buf_jstr(&ng, "{\"type\":\"object\",\"required\":[", y->key, y->key_len, "],\"not\":");
                        ok &= aieng__sc_node_text(c, y, &ng);
                        aieng__buf_putc(&ng, '}');
                        AIENG__NEG_ALT();
                    }
                }
                ok &= aieng__buf_jstr(&ps, "{" AIENG__ALLT ",", x->key, x->key_len, ":") && aieng__buf_json(&ps, "", x, "}");
                AIENG__NEG_POS();
                continue;
            } else if (!strcmp(x->key, "minProperties")) { /* (0: always holds, no alternative) */
                if (x->d >= 1) aieng__buf_printf(&ng, "{\"type\":\"object\",\"maxProperties\":%.0f}", x->d - 1);
            } else if (!strcmp(x->key, "maxProperties")) {
                aieng__buf_printf(&ng, "{\"type\":\"object\",\"minProperties\":%.0f}", x->d + 1);
            } else if (!strcmp(x->key, "contains")) { /* an array whose items all fail it */
                aieng__buf_puts(&ng, "{\"type\":\"array\",\"items\":{\"not\":"); ok &= aieng__sc_node_text(c, x, &ng); aieng__buf_puts(&ng, "}}");
            }
            /* the positive form: the keyword itself, for any type */
            ok &= aieng__buf_jstr(&ps, "{" AIENG__ALLT ",", x->key, x->key_len, ":") && aieng__sc_node_text(c, x, &ps);
            aieng__buf_putc(&ps, '}');
            if (ng.n) AIENG__NEG_ALT();
            else AIENG__NEG_POS();
        }
        for (g = 1; ok && g <= 5; g++) { /* the rest, by the type they constrain */
            aieng__buf gb; /* the group's members, as JSON object members */
            memset(&gb, 0, sizeof gb);
            for (i = 0; i < s->n; i++) {
                const aieng_json *x = s->items[i];
                if (aieng__sc_kwgroup(x->key) != g || aieng__sc_neg_one(s, x)) continue;
                ok &= aieng__buf_jstr(&gb, gb.n ? "," : "", x->key, x->key_len, ":") && aieng__buf_json(&gb, "", x, "");
            }
            if (gb.n && g == 1 && pr && aieng_json_get(s, "additionalProperties")) {
                aieng__buf_puts(&gb, ",\"properties\":{");
                for (i = 0; i < pr->n; i++) ok &= aieng__buf_jstr(&gb, i ? "," : "", pr->items[i]->key, pr->items[i]->key_len, ":true");
                aieng__buf_putc(&gb, '}');
            }
            if (gb.n) {
                if (gtype[g]) aieng__buf_printf(&ng, "{\"type\":%s,\"not\":{", gtype[g]);
                else aieng__buf_puts(&ng, "{\"not\":{");
                aieng__buf_put(&ng, gb.p, gb.n);
                aieng__buf_puts(&ng, "}}");
                aieng__buf_puts(&ps, "{" AIENG__ALLT ",");
                aieng__buf_put(&ps, gb.p, gb.n);
                aieng__buf_putc(&ps, '}');
                ngroup++;
                AIENG__NEG_ALT();
            }
            ok &= !gb.oom;
            AIENG_FREE(gb.p, NULL);
        }
#undef AIENG__NEG_ALT
#undef AIENG__NEG_POS
        ok &= !ng.oom && !ps.oom && !acc.oom;
        AIENG_FREE(ng.p, NULL); AIENG_FREE(ps.p, NULL); AIENG_FREE(acc.p, NULL);
        if (!ok || (ngroup == 1 && nalt == 1)) return -1;
    }
    if (first) aieng__buf_puts(o, "false");
    aieng__buf_puts(o, "]}");
    return o->oom ? -1 : 1;
}
/* the AIENG__T_* bits of a JSON value's type (a number: number and integer) */
static int aieng__sc_valbit(const aieng_json *x) {
    static const int bits[6] = { AIENG__T_NULL, AIENG__T_BOOL, AIENG__T_NUM | AIENG__T_INT, AIENG__T_STR, AIENG__T_ARR, AIENG__T_OBJ };
    return bits[x->type];
}
/* properties[name] of schema s, or NULL */
static const aieng_json *aieng__sc_prop(const aieng_json *s, const char *name, size_t len) {
    const aieng_json *p = aieng_json_get(s, "properties");
    size_t i;
    for (i = 0; p && p->type == AIENG_JSON_OBJECT && i < p->n; i++)
        if (p->items[i]->key_len == len && !memcmp(p->items[i]->key, name, len)) return p->items[i];
    return NULL;
}
/* 1 when no value satisfies all of the schemas in[0..nin) together. A sound test, not a
   complete one: $ref and allOf are followed; the types they allow (type, enum/const) share
   none; or every value one of them lists fails another (the validator decides); or only
   objects remain and a name one of them requires is forbidden by another (properties
   false, additionalProperties false without patternProperties) or takes schemas there
   that no value satisfies together. The first nctx inputs are the context of a
   distribution: the validator does not run on them (their anyOf/oneOf are being
   distributed). What it does not read only widens what it considers, so a 1 is always
   right: oneOf exclusivity against such a branch needs no negation. */
static int aieng__sc_unsat(aieng__sc *c, const aieng_json *const *in, int nin, int nctx, int depth) {
    const aieng_json *S[64], *k;
    unsigned char ctx[64]; /* from the first nctx inputs (and what they lead to) */
    int n = 0, i, j, tb = 0x7F;
    size_t q, z;
    if (depth > 8) return 0;
    for (i = 0; i < nin && n < 64; i++) { ctx[n] = i < nctx; S[n++] = in[i]; }
    for (i = 0; i < n; i++) { /* flatten $ref and allOf; types */
        const aieng_json *s = S[i];
        int bits, vb = 0;
        if (s->type == AIENG_JSON_BOOL) { if (!s->boolean) return 1; continue; }
        if (s->type != AIENG_JSON_OBJECT) return 0;
        if ((k = aieng_json_get(s, "$ref")) != NULL) {
            const aieng_json *t = aieng__schema_ref(c->root, k);
            if (!t) return 0;
            for (j = 0; j < n && S[j] != t; j++) {}
            if (j == n) { if (n == 64) return 0; ctx[n] = ctx[i]; S[n++] = t; }
        }
        if ((k = aieng_json_get(s, "allOf")) != NULL && k->type == AIENG_JSON_ARRAY)
            for (q = 0; q < k->n; q++) {
                for (j = 0; j < n && S[j] != k->items[q]; j++) {}
                if (j == n) { if (n == 64) return 0; ctx[n] = ctx[i]; S[n++] = k->items[q]; }
            }
        if ((k = aieng_json_get(s, "type")) != NULL && (bits = aieng__sc_typebit(k)) >= 0)
            tb &= (bits & AIENG__T_NUM) ? bits | AIENG__T_INT : bits;
        if ((k = aieng_json_get(s, "const")) != NULL) vb = aieng__sc_valbit(k);
        else if ((k = aieng_json_get(s, "enum")) != NULL && k->type == AIENG_JSON_ARRAY)
            for (q = 0; q < k->n; q++) vb |= aieng__sc_valbit(k->items[q]);
        else vb = 0x7F;
        tb &= vb;
    }
    if (!tb) return 1;
    for (i = 0; i < n; i++) { /* listed values: does one satisfy them all? */
        const aieng_json *s = S[i], *cn, *const *vals;
        size_t nv;
        if (s->type != AIENG_JSON_OBJECT) continue;
        if ((cn = aieng_json_get(s, "const")) != NULL) { vals = &cn; nv = 1; }
        else if ((k = aieng_json_get(s, "enum")) != NULL && k->type == AIENG_JSON_ARRAY && k->n <= 256) { vals = (const aieng_json *const *)k->items; nv = k->n; }
        else continue;
        for (q = 0; q < nv; q++) {
            const aieng_json *x = vals[q];
            for (j = 0; j < n; j++) {
                aieng__sv v;
                /* the context is left out (its anyOf/oneOf being distributed must not decide:
                   the validator would count their other branches), which only widens; a
                   validator error proves nothing */
                if (ctx[j] || S[j]->type != AIENG_JSON_OBJECT) continue;
                memset(&v, 0, sizeof v);
                v.root = c->root;
                if (aieng__sv_val(&v, S[j], x) == 0) break;
            }
            if (j == n) break; /* x satisfies all of them */
        }
        return q == nv;
    }
    if (tb != AIENG__T_OBJ) return 0;
    for (i = 0; i < n; i++) { /* objects: a required name that cannot be there */
        const aieng_json *rq = S[i]->type == AIENG_JSON_OBJECT ? aieng_json_get(S[i], "required") : NULL;
        for (z = 0; rq && rq->type == AIENG_JSON_ARRAY && z < rq->n; z++) {
            const aieng_json *name = rq->items[z], *P[64];
            int np = 0;
            if (name->type != AIENG_JSON_STRING) continue;
            for (j = 0; j < n; j++) {
                const aieng_json *s = S[j], *p, *ap;
                if (s->type != AIENG_JSON_OBJECT) continue;
                if ((p = aieng__sc_prop(s, name->s, name->len)) != NULL) { P[np++] = p; continue; }
                ap = aieng_json_get(s, "additionalProperties");
                if (ap && ap->type == AIENG_JSON_BOOL && !ap->boolean && !aieng_json_get(s, "patternProperties")) return 1;
            }
            if (np && aieng__sc_unsat(c, P, np, 0, depth + 1)) return 1;
        }
    }
    return 0;
}
/* the JSON pointer of node x within v (appended to o); 1 when found */
static int aieng__sc_ptr_of(const aieng_json *v, const aieng_json *x, aieng__buf *o, int depth) {
    size_t i, at = o->n, k;
    if (v == x) return 1;
    if (depth > 200 || (v->type != AIENG_JSON_OBJECT && v->type != AIENG_JSON_ARRAY)) return 0;
    for (i = 0; i < v->n; i++) {
        aieng__buf_putc(o, '/');
        if (v->type == AIENG_JSON_ARRAY) aieng__buf_printf(o, "%lu", (unsigned long)i);
        else for (k = 0; k < v->items[i]->key_len; k++) {
            char ch = v->items[i]->key[k];
            if (ch == '~') aieng__buf_puts(o, "~0"); else if (ch == '/') aieng__buf_puts(o, "~1"); else aieng__buf_putc(o, ch);
        }
        if (aieng__sc_ptr_of(v->items[i], x, o, depth + 1)) return 1;
        o->n = at;
    }
    return 0;
}
/* appends " %valid(\"/pointer\")" for schema node x when it is a node of the document (a
   synthesized one is left as it is); 0 on OOM */
static int aieng__sc_valid_check(aieng__sc *c, const aieng_json *x, aieng__buf *b) {
    aieng__buf o;
    size_t i;
    memset(&o, 0, sizeof o);
    if (!aieng__sc_ptr_of(c->root, x, &o, 0)) { AIENG_FREE(o.p, NULL); return 1; }
    aieng__buf_puts(b, " %valid(\"");
    for (i = 0; i < o.n; i++) { if (o.p[i] == '"' || o.p[i] == '\\') aieng__buf_putc(b, '\\'); aieng__buf_putc(b, o.p[i]); }
    aieng__buf_puts(b, "\")");
    AIENG_FREE(o.p, NULL);
    if (o.oom || b->oom) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); return 0; }
    return 1;
}
/* A value whose scalar formula is beyond the automata's bounds: the parts compiled with
   their nots left out (a wider language; else any value of the types the parts allow),
   followed by a %valid check against each part, so the language stays exact (with the
   schema attached). -1 (c->err unset) when a part is not a node of the document. */
static int aieng__sc_comp_parts(aieng__sc *c, const aieng_json **in, int nin);
/* 1 when the message is that of an automaton's bound (states or work), not of a keyword */
static int aieng__sc_bound_msg(const char *e) { return strstr(e, "grammar states than its bound") || strstr(e, "too many grammar states") || strstr(e, "AIENG__SC_AX_WORK"); }
/* 1 when the compile failed on an automaton's bound */
static int aieng__sc_bound_error(const aieng__sc *c) { return c->err == AIENG_ERR_UNSUPPORTED && aieng__sc_bound_msg(aieng_last_error()); }
static int aieng__sc_checked_value(aieng__sc *c, const aieng_json **in, int nin, const aieng__sc_mark *m0, long ax0) {
    static const char *const tn[7] = { "\"null\"", "(\"true\" | \"false\")", "object", "array", "number", "integer", "string" };
    aieng__buf b, o;
    int i, k, bits = 127, first = 1, id, base, fl = c->flags, nd = c->negdefer;
    char rel[sizeof c->relaxed];
    memset(&b, 0, sizeof b);
    for (i = 0; i < nin; i++) {
        const aieng_json *t = in[i]->type == AIENG_JSON_OBJECT ? aieng_json_get(in[i], "type") : NULL;
        int tb = t ? aieng__sc_typebit(t) : -1;
        memset(&o, 0, sizeof o);
        k = aieng__sc_ptr_of(c->root, in[i], &o, 0);
        AIENG_FREE(o.p, NULL);
        if (!k) return -1;
        if (tb > 0) bits &= tb | (tb & AIENG__T_NUM ? AIENG__T_INT : 0);
    }
    memcpy(rel, c->relaxed, sizeof rel); /* the base: relaxed, though nothing is left out in the end */
    aieng__sc_rollback(c, m0);
    c->flags |= AIENG_SCHEMA_RELAX; c->negdefer = 0; c->axwork = ax0;
    base = aieng__sc_comp_parts(c, in, nin);
    c->flags = fl; c->negdefer = nd;
    memcpy(c->relaxed, rel, sizeof rel);
    if (base < 0) {
        if (c->err == AIENG_ERR_OOM) return -1;
        c->err = AIENG_OK;
        aieng__sc_rollback(c, m0);
    }
    if (bits & AIENG__T_NUM) bits &= ~AIENG__T_INT; /* number holds the integers */
    aieng__buf_putc(&b, '(');
    if (base >= 0) { aieng__buf_printf(&b, "s%d", base); first = 0; }
    for (k = 0; k < 7 && base < 0; k++) if (bits >> k & 1) { if (!first) aieng__buf_puts(&b, " | "); aieng__buf_puts(&b, tn[k]); first = 0; }
    if (first) aieng__buf_puts(&b, AIENG__GBNF_NOTHING);
    aieng__buf_putc(&b, ')');
    for (i = 0; i < nin; i++) if (!aieng__sc_valid_check(c, in[i], &b)) { AIENG_FREE(b.p, NULL); return -1; }
    if (b.oom) { AIENG_FREE(b.p, NULL); aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); return -1; }
    id = aieng__sc_new_rule(c);
    aieng__sc_emit(c, id, &b);
    AIENG_FREE(b.p, NULL);
    return id;
}
/* oneOf exclusivity: branch q must match while every other branch j fails. Each other
   branch whose negation aieng__sc_negtext can write (enum/const left out: they could clash
   with q's own string keywords; $ref-only branches are followed) joins q's parts as
   "not j"; the anyOf distribution then writes the ways j can fail, and the combinations
   that q rules out compile to nothing. Other branches are not made exclusive (a documented
   looseness). Returns a synthesized {"allOf": [not j, ...]}, or NULL when nothing applies
   (c->err set on OOM). */
static const aieng_json *aieng__sc_oneof_excl(aieng__sc *c, const aieng_json *alts, size_t q, const aieng_json **parts, int np, int *full) {
    aieng__buf t;
    const aieng_json *r = NULL;
    size_t j;
    int n = 0, want = full && *full, defer = c->negdefer, r0;
    if (full) *full = 0;
    memset(&t, 0, sizeof t);
    aieng__buf_puts(&t, "{\"allOf\":[");
    for (j = 0; j < alts->n; j++) {
        const aieng_json *b = alts->items[j];
        size_t at = t.n;
        if (j == q) continue;
        if (np < 62) { /* no value matches both: nothing to exclude */
            parts[np] = alts->items[q]; parts[np + 1] = b;
            if (aieng__sc_unsat(c, parts, np + 2, np, 0)) continue;
        }
        if (b->type == AIENG_JSON_OBJECT && aieng__sc_is_only_ref(b)) b = aieng__schema_ref(c->root, aieng_json_get(b, "$ref"));
        if (!b) continue;
        if (n) aieng__buf_putc(&t, ',');
        c->negdefer = 0; /* the narrow text form first */
        r0 = aieng__sc_negtext(c, b, &t, 0, 0);
        c->negdefer = defer;
        if (r0 == 1) n++;
        else if (want) { /* the compiler's own not, tried (aieng__sc_comp_parts falls back when it fails) */
            t.n = at;
            aieng__buf_puts(&t, n ? ",{\"not\":" : "{\"not\":");
            if (!aieng__sc_node_text(c, b, &t)) t.oom = 1;
            aieng__buf_putc(&t, '}');
            n++; *full = 1;
        } else { t.n = at; if (t.p) t.p[at] = 0; c->oneof_loose = 1; }
    }
    aieng__buf_puts(&t, "]}");
    if (n && !t.oom) r = aieng__sc_synth(c, t.p, t.n);
    if ((n && !r) || t.oom) aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
    AIENG_FREE(t.p, NULL);
    return r;
}
/* "not {const: v}" as schema text: for an object v, a non-object, or an object with a key
   outside v's, or without one of v's keys, or with one of them whose value differs; for an
   array, a non-array, or one of another length, or with an item that differs; for a
   scalar, not {const: v} (the compiler's not of scalars decides). 1, or -1 when it cannot
   be written. */
static int aieng__sc_neg_const(const aieng_json *v, aieng__buf *o, int depth) {
    size_t i, j;
    char *w = NULL, *kt = NULL;
    size_t wn = 0, ktn = 0;
    aieng_json keys, *kv = NULL;
    int r = 1;
    if (depth > 64) return -1;
    if (v->type == AIENG_JSON_ARRAY) {
        aieng__buf_puts(o, "{\"anyOf\":[{\"type\":[\"null\",\"boolean\",\"object\",\"number\",\"string\"]}");
        if (v->n) aieng__buf_printf(o, ",{\"type\":\"array\",\"maxItems\":%lu}", (unsigned long)(v->n - 1));
        aieng__buf_printf(o, ",{\"type\":\"array\",\"minItems\":%lu}", (unsigned long)(v->n + 1));
        for (i = 0; i < v->n && r == 1; i++) { /* item i differs */
            aieng__buf_printf(o, ",{\"type\":\"array\",\"minItems\":%lu,\"maxItems\":%lu,\"prefixItems\":[", (unsigned long)v->n, (unsigned long)v->n);
            for (j = 0; j < i; j++) aieng__buf_puts(o, "true,");
            r = aieng__sc_neg_const(v->items[i], o, depth + 1);
            aieng__buf_puts(o, "]}");
        }
        aieng__buf_puts(o, "]}");
        return r;
    }
    if (v->type != AIENG_JSON_OBJECT) return aieng__buf_json(o, "{\"not\":{\"const\":", v, "}}") ? 1 : -1;
    for (i = 0; i < v->n; i++)
        for (j = 0; j < i; j++) if (v->items[i]->key_len == v->items[j]->key_len && !memcmp(v->items[i]->key, v->items[j]->key, v->items[i]->key_len)) return -1;
    aieng__buf_puts(o, "{\"anyOf\":[{\"type\":[\"null\",\"boolean\",\"array\",\"number\",\"string\"]},");
    if (!v->n) { aieng__buf_puts(o, "{\"type\":\"object\",\"minProperties\":1}]}"); return 1; }
    kv = (aieng_json *)AIENG_MALLOC(v->n * sizeof *kv, NULL);
    memset(&keys, 0, sizeof keys);
    keys.type = AIENG_JSON_ARRAY;
    if (!kv || !(keys.items = (aieng_json **)AIENG_MALLOC(v->n * sizeof *keys.items, NULL))) { AIENG_FREE(kv, NULL); return -1; }
    for (i = 0; i < v->n; i++) {
        memset(&kv[i], 0, sizeof kv[i]);
        kv[i].type = AIENG_JSON_STRING; kv[i].s = v->items[i]->key; kv[i].len = v->items[i]->key_len;
        keys.items[i] = &kv[i];
    }
    keys.n = v->n;
    if (aieng_json_write(&keys, 0, &kt, &ktn) != AIENG_OK) r = -1;
    aieng__buf_puts(o, "{\"type\":\"object\",\"not\":{\"propertyNames\":{\"enum\":");
    aieng__buf_put(o, kt, ktn);
    aieng__buf_puts(o, "}}},{\"type\":\"object\",\"not\":{\"required\":");
    aieng__buf_put(o, kt, ktn);
    aieng__buf_puts(o, "}}");
    for (i = 0; i < v->n && r == 1; i++) { /* member i present with another value */
        aieng_free(NULL, w); w = NULL;
        if (aieng_json_write(&kv[i], 0, &w, &wn) != AIENG_OK) { r = -1; break; }
        aieng__buf_puts(o, ",{\"type\":\"object\",\"required\":[");
        aieng__buf_put(o, w, wn);
        aieng__buf_puts(o, "],\"properties\":{");
        aieng__buf_put(o, w, wn);
        aieng__buf_putc(o, ':');
        r = aieng__sc_neg_const(v->items[i], o, depth + 1);
        aieng__buf_puts(o, "}}");
    }
    aieng__buf_puts(o, "]}");
    aieng_free(NULL, w); aieng_free(NULL, kt);
    AIENG_FREE(keys.items, NULL); AIENG_FREE(kv, NULL);
    return r;
}
/* 1 when s is an enum / const (annotations aside) with an object or array among its values */
static int aieng__sc_objenum(const aieng_json *s) {
    const aieng_json *en, *cn, *x;
    size_t i;
    if (!s || s->type != AIENG_JSON_OBJECT) return 0;
    en = aieng_json_get(s, "enum"); cn = aieng_json_get(s, "const");
    if ((en != NULL) == (cn != NULL) || (en && en->type != AIENG_JSON_ARRAY)) return 0;
    for (i = 0; i < s->n; i++) if (strcmp(s->items[i]->key, "enum") && strcmp(s->items[i]->key, "const") && !aieng__sc_annot(s->items[i]->key)) return 0;
    if (cn) return cn->type == AIENG_JSON_OBJECT || cn->type == AIENG_JSON_ARRAY;
    for (i = 0; i < en->n; i++) if ((x = en->items[i])->type == AIENG_JSON_OBJECT || x->type == AIENG_JSON_ARRAY) return 1;
    return 0;
}
/* not {enum / const} with objects or arrays among the values (aieng__sc_objenum): the allOf of each
   value's negation (aieng__sc_neg_const); 1 written, 0 for other forms, -1 when a value's
   negation cannot be written */
static int aieng__sc_neg_objenum(const aieng_json *s, aieng__buf *o) {
    const aieng_json *en, *cn;
    size_t i, at = o->n;
    if (!aieng__sc_objenum(s)) return 0;
    en = aieng_json_get(s, "enum"); cn = aieng_json_get(s, "const");
    if (cn) return aieng__sc_neg_const(cn, o, 0);
    aieng__buf_puts(o, "{\"allOf\":[");
    for (i = 0; i < en->n; i++) {
        if (i) aieng__buf_putc(o, ',');
        if (aieng__sc_neg_const(en->items[i], o, 0) != 1) { o->n = at; return -1; }
    }
    aieng__buf_puts(o, "]}");
    return 1;
}
/* "not s" as schema text for an array schema s of items (a schema), minItems, maxItems and
   type "array" (annotations aside): a non-array (without the type), or an array too short,
   too long, or containing an item that fails items. 1 written, 0 for other forms. */
static int aieng__sc_neg_array(aieng__sc *c, const aieng_json *s, aieng__buf *o) {
    const aieng_json *ty, *it;
    size_t i, at = o->n;
    double d;
    int n = 0;
    if (!s || s->type != AIENG_JSON_OBJECT) return 0;
    for (i = 0; i < s->n; i++) {
        const char *k = s->items[i]->key;
        if (strcmp(k, "type") && strcmp(k, "items") && strcmp(k, "minItems") && strcmp(k, "maxItems") && !aieng__sc_annot(k)) return 0;
    }
    ty = aieng_json_get(s, "type"); it = aieng_json_get(s, "items");
    if ((ty && (ty->type != AIENG_JSON_STRING || strcmp(ty->s, "array"))) || (it && it->type != AIENG_JSON_OBJECT && it->type != AIENG_JSON_BOOL)) return 0;
    if (!it && !aieng_json_get(s, "minItems") && !aieng_json_get(s, "maxItems")) return 0;
    aieng__buf_puts(o, "{\"anyOf\":[");
    if (ty) { aieng__buf_puts(o, "{\"type\":[\"null\",\"boolean\",\"object\",\"number\",\"string\"]}"); n++; }
    if (aieng__sc_num(aieng_json_get(s, "minItems"), &d) && d > 0) {
        aieng__buf_printf(o, "%s{\"type\":\"array\",\"maxItems\":%ld}", n++ ? "," : "", d > 1e6 ? 1000000L : (long)ceil(d) - 1); }
    if (aieng__sc_num(aieng_json_get(s, "maxItems"), &d) && d <= 1e6) {
        aieng__buf_printf(o, "%s{\"type\":\"array\",\"minItems\":%ld}", n++ ? "," : "", d < 0 ? 0L : (long)floor(d) + 1); }
    if (it && !(it->type == AIENG_JSON_BOOL && it->boolean)) { /* an item that fails items */
        aieng__buf_puts(o, n++ ? ",{\"type\":\"array\",\"contains\":{\"not\":" : "{\"type\":\"array\",\"contains\":{\"not\":");
        if (!aieng__sc_node_text(c, it, o)) { o->n = at; return 0; }
        aieng__buf_puts(o, "}}");
    }
    if (!n) aieng__buf_puts(o, "false");
    aieng__buf_puts(o, "]}");
    return 1;
}
/* "not s" appended to o by the first writer that has s's form (enum/const with objects or
   arrays, array schemas, aieng__sc_negtext's forms); 0 (o as it was) when none has */
static int aieng__sc_negany(aieng__sc *c, const aieng_json *s, aieng__buf *o) {
    size_t at = o->n;
    if (aieng__sc_neg_objenum(s, o) == 1) return 1;
    o->n = at;
    if (aieng__sc_neg_array(c, s, o) == 1) return 1;
    o->n = at;
    if (aieng__sc_negtext(c, s, o, 1, 0) == 1) return 1;
    o->n = at;
    return 0;
}
static int aieng__sc_is_neg_array(aieng__sc *c, const aieng_json *s) {
    aieng__buf t;
    int r;
    memset(&t, 0, sizeof t);
    r = aieng__sc_neg_array(c, s, &t);
    AIENG_FREE(t.p, NULL);
    return r;
}
/* the synthesized anyOf that stands for keyword value `from` (if, a schema dependency, a
   not), made once; NULL when it cannot be written (error set unless relaxed: then *skip) */
static const aieng_json *aieng__sc_convert(aieng__sc *c, const aieng_json *part, const aieng_json *from, int kind, const char *dep) {
    aieng__buf t;
    const aieng_json *r = NULL;
    int i, ok = 1;
    for (i = 0; i < c->nconv; i++) if (c->conv_from[i] == from && c->conv_tag[i] == 2 * kind + c->negdefer) return c->conv_to[i];
    memset(&t, 0, sizeof t);
    if (kind == 0) { /* if/then/else: (if and then) or (not if and else) */
        const aieng_json *th = aieng_json_get(part, "then"), *el = aieng_json_get(part, "else");
        aieng__buf_puts(&t, "{\"anyOf\":[{\"allOf\":[");
        ok = aieng__sc_node_text(c, from, &t);
        if (ok && th) { aieng__buf_putc(&t, ','); ok = aieng__sc_node_text(c, th, &t); }
        aieng__buf_puts(&t, "]},{\"allOf\":[");
        if (ok) ok = aieng__sc_negany(c, from, &t);
        if (ok && el) { aieng__buf_putc(&t, ','); ok = aieng__sc_node_text(c, el, &t); }
        aieng__buf_puts(&t, "]}]}");
    } else if (kind == 1) { /* dependency name -> schema: the name absent, or the schema */
        ok = aieng__buf_jstr(&t, "{\"anyOf\":[{\"properties\":{", dep, strlen(dep), ":false}},") && aieng__sc_node_text(c, from, &t);
        aieng__buf_puts(&t, "]}");
    } else ok = aieng__sc_negany(c, from, &t); /* not */
    if (ok && !t.oom) r = aieng__sc_synth(c, t.p, t.n);
    AIENG_FREE(t.p, NULL);
    return r ? aieng__sc_conv_put(c, from, r, kind) : NULL;
}
static int aieng__sc_converted(const aieng__sc *c, const aieng_json *from) {
    int i;
    for (i = 0; i < c->nconv; i++) /* a not, as aieng__sc_comp_parts adds it in this mode */
        if (c->conv_from[i] == from && (c->conv_tag[i] == 4 || (c->conv_tag[i] == 5 && c->negdefer))) return 1;
    return 0;
}
/* a `not` whose schema only constrains strings (pattern, minLength, maxLength, format with a
   regex form, enum/const of strings, type "string"): 1 when it also holds for no non-string
   (a type or an enum), 0 when it holds for every non-string; -1 for other forms */
static int aieng__sc_str_not(aieng__sc *c, const aieng_json *nt) {
    static const char *const ok[] = { "type", "pattern", "minLength", "maxLength", "format", "enum", "const", "title", "description",
                                      "$comment", "default", "examples", NULL };
    aieng__slb L;
    size_t q;
    int k, sk = 0, styp = 0, r;
    if (nt->type != AIENG_JSON_OBJECT) return -1;
    for (q = 0; q < nt->n; q++) {
        const aieng_json *x = nt->items[q];
        for (k = 0; ok[k] && strcmp(ok[k], x->key); k++) {}
        if (!ok[k]) return -1;
        if (k == 0) { /* type: "string" only */
            if (!((x->type == AIENG_JSON_STRING && !strcmp(x->s, "string")) ||
                  (x->type == AIENG_JSON_ARRAY && x->n == 1 && x->items[0]->type == AIENG_JSON_STRING && !strcmp(x->items[0]->s, "string")))) return -1;
            styp = 1;
        }
        if (k == 5 || k == 6) { /* enum / const of strings only */
            size_t z, nv = k == 5 ? (x->type == AIENG_JSON_ARRAY ? x->n : 0) : 1;
            if (k == 5 && x->type != AIENG_JSON_ARRAY) return -1;
            for (z = 0; z < nv; z++) if ((k == 5 ? x->items[z] : x)->type != AIENG_JSON_STRING) return -1;
            styp = 1;
        }
        if (k >= 1 && k <= 3) sk = 1;
        if (k == 4 && aieng__fmt_index(x) >= 0) sk = 1;
    }
    if (!sk) return -1;
    memset(&L, 0, sizeof L);
    r = aieng__sc_sl_schema(c, &L, nt, 1, 0);
    aieng__slb_free(&L);
    return r ? styp : -1;
}
/* ---- scalar formulas. A schema that constrains only null, booleans, numbers and strings
   (type, enum, const, bounds, multipleOf, pattern, format with a regex form, lengths, under
   any nesting of allOf / anyOf / oneOf / not / if-then-else / $ref) is, for each type, a
   Boolean formula over atoms: for numbers a bound (x >= c, x > c, x <= c, x < c), "a
   multiple of m", "an integer"; for strings a regex (pattern, format, a set of strings) or
   a length bound. The part of each type is one product automaton (the atoms' states side
   by side, interned as vectors) that evaluates the formula where it may accept; a state
   where the formula is already false whatever follows (three-valued evaluation) is dead.
   Exact, `not` and oneOf included; null, booleans, objects and arrays (on which none of
   these keywords acts) are decided by the validator. Numbers: no exponent, no "-0". */
enum { AIENG__FM_TRUE, AIENG__FM_FALSE, AIENG__FM_AND, AIENG__FM_OR, AIENG__FM_ONE, AIENG__FM_NOT, AIENG__FM_ATOM };
enum { AIENG__FA_GE, AIENG__FA_GT, AIENG__FA_LE, AIENG__FA_LT, AIENG__FA_MUL, AIENG__FA_INT, AIENG__FA_RE, AIENG__FA_LMIN, AIENG__FA_LMAX };
#define AIENG__FM_MAXA 48
typedef struct aieng__fma { int kind; aieng__dec v; uint64_t P; int q; long len; const char *re; size_t rl; char *own; } aieng__fma;
typedef struct aieng__fm {
    aieng__sc *c;
    int str;                              /* the string view (else numbers) */
    aieng__iv op, arg, nk, kid;           /* node i: operator, first child in kid (or its atom), children */
    aieng__fma a[AIENG__FM_MAXA]; int na;
} aieng__fm;
static void aieng__fm_free(aieng__fm *F) {
    int i;
    for (i = 0; i < F->na; i++) AIENG_FREE(F->a[i].own, NULL);
    aieng__iv_free(&F->op); aieng__iv_free(&F->arg); aieng__iv_free(&F->nk); aieng__iv_free(&F->kid);
}
static int aieng__fm_node(aieng__fm *F, int op, const int *kids, int n, int arg) {
    int i, ok;
    if (F->op.n > 100000) return aieng__sc_fail(F->c, AIENG_ERR_UNSUPPORTED, "schema: a condition on a scalar too large to write out%s", NULL);
    ok = aieng__iv_push(&F->op, op) & aieng__iv_push(&F->arg, n ? F->kid.n : arg) & aieng__iv_push(&F->nk, n);
    for (i = 0; i < n; i++) ok &= aieng__iv_push(&F->kid, kids[i]);
    return ok ? F->op.n - 1 : aieng__sc_fail(F->c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
}
/* the node of atom x (owned text moves into F), the same atom met before shared */
static int aieng__fm_atom(aieng__fm *F, const aieng__fma *x) {
    int i;
    for (i = 0; i < F->na; i++) {
        const aieng__fma *y = &F->a[i];
        if (y->kind == x->kind && y->P == x->P && y->q == x->q && y->len == x->len && y->rl == x->rl &&
            (!x->rl || !memcmp(y->re, x->re, x->rl)) && !memcmp(&y->v, &x->v, sizeof x->v)) break;
    }
    if (i < F->na) AIENG_FREE(x->own, NULL);
    else if (F->na == AIENG__FM_MAXA) {
        AIENG_FREE(x->own, NULL);
        return aieng__sc_fail(F->c, AIENG_ERR_UNSUPPORTED, "schema: more than 48 different conditions on one %s", F->str ? "string" : "number");
    } else F->a[F->na++] = *x;
    return aieng__fm_node(F, AIENG__FM_ATOM, NULL, 0, i);
}
static int aieng__fm_bound(aieng__fm *F, int kind, const aieng_json *k) {
    aieng__fma x;
    memset(&x, 0, sizeof x);
    x.kind = kind;
    if (k->type != AIENG_JSON_NUMBER || !aieng__dec_parse(k->s, k->len, &x.v))
        return aieng__sc_fail(F->c, AIENG_ERR_UNSUPPORTED, "schema: a bound or value that is no number of at most 40 digits either side of the point%s", NULL);
    return aieng__fm_atom(F, &x);
}
static int aieng__fm_build(aieng__fm *F, const aieng_json *s, int depth) {
    aieng__iv conj;
    size_t q, z;
    int r = -1, t, u[3];
    aieng__fma x;
    if (depth > 64) return aieng__sc_fail(F->c, AIENG_ERR_UNSUPPORTED, "schema: $ref cycle or nesting too deep%s", NULL);
    if (s->type == AIENG_JSON_BOOL) return aieng__fm_node(F, s->boolean ? AIENG__FM_TRUE : AIENG__FM_FALSE, NULL, 0, 0);
    if (s->type != AIENG_JSON_OBJECT) return aieng__sc_fail(F->c, AIENG_ERR_INVALID_ARG, "schema: a schema must be an object or a boolean%s", NULL);
    memset(&conj, 0, sizeof conj);
    for (q = 0; q < s->n; q++) {
        const aieng_json *k = s->items[q];
        const char *kw = k->key;
        t = -2; /* the node of this keyword; -2: none (it does not act on this type) */
        if (aieng_json_getn(s, kw, k->key_len) != k) continue; /* a duplicate key: the one aieng_json_get sees counts */
        memset(&x, 0, sizeof x);
        if (!strcmp(kw, "type")) {
            int bits = aieng__sc_typebit(k);
            if (bits < 0) { aieng__sc_fail(F->c, AIENG_ERR_INVALID_ARG, "schema: bad 'type'%s", NULL); goto done; }
            if (F->str) { if (!(bits & AIENG__T_STR)) t = aieng__fm_node(F, AIENG__FM_FALSE, NULL, 0, 0); }
            else if (!(bits & AIENG__T_NUM)) {
                if (bits & AIENG__T_INT) { x.kind = AIENG__FA_INT; t = aieng__fm_atom(F, &x); }
                else t = aieng__fm_node(F, AIENG__FM_FALSE, NULL, 0, 0);
            }
        } else if (!strcmp(kw, "enum") || !strcmp(kw, "const")) {
            aieng__iv alt;
            aieng__buf re;
            size_t nv = kw[0] == 'e' ? k->n : 1;
            if (kw[0] == 'e' && k->type != AIENG_JSON_ARRAY) { aieng__sc_fail(F->c, AIENG_ERR_INVALID_ARG, "schema: 'enum' must be an array%s", NULL); goto done; }
            memset(&alt, 0, sizeof alt); memset(&re, 0, sizeof re);
            for (z = 0; z < nv && t != -1; z++) {
                const aieng_json *e = kw[0] == 'e' ? k->items[z] : k;
                if (F->str && e->type == AIENG_JSON_STRING) { aieng__buf_puts(&re, alt.n++ ? "|" : "^(?:"); aieng__re_lit(&re, e->s, e->len); }
                else if (!F->str && e->type == AIENG_JSON_NUMBER) { /* x == e: x >= e and x <= e */
                    u[0] = aieng__fm_bound(F, AIENG__FA_GE, e); u[1] = u[0] < 0 ? -1 : aieng__fm_bound(F, AIENG__FA_LE, e);
                    t = u[1] < 0 ? -1 : aieng__fm_node(F, AIENG__FM_AND, u, 2, 0);
                    if (t >= 0 && !aieng__iv_push(&alt, t)) t = aieng__sc_fail(F->c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
                }
            }
            if (t != -1) {
                if (F->str && alt.n) {
                    aieng__buf_puts(&re, ")$");
                    if (re.oom) t = aieng__sc_fail(F->c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
                    else { x.kind = AIENG__FA_RE; x.re = x.own = re.p; x.rl = re.n; re.p = NULL; t = aieng__fm_atom(F, &x); }
                } else t = aieng__fm_node(F, alt.n ? AIENG__FM_OR : AIENG__FM_FALSE, alt.v, alt.n, 0);
            }
            aieng__iv_free(&alt); AIENG_FREE(re.p, NULL);
        } else if (!F->str && (!strcmp(kw, "minimum") || !strcmp(kw, "maximum"))) {
            const aieng_json *e = aieng_json_get(s, kw[1] == 'i' ? "exclusiveMinimum" : "exclusiveMaximum");
            int ex = e && e->type == AIENG_JSON_BOOL && e->boolean; /* draft-04 */
            t = aieng__fm_bound(F, kw[1] == 'i' ? (ex ? AIENG__FA_GT : AIENG__FA_GE) : (ex ? AIENG__FA_LT : AIENG__FA_LE), k);
        } else if (!F->str && (!strcmp(kw, "exclusiveMinimum") || !strcmp(kw, "exclusiveMaximum"))) {
            if (k->type != AIENG_JSON_BOOL) t = aieng__fm_bound(F, kw[10] == 'i' ? AIENG__FA_GT : AIENG__FA_LT, k);
        } else if (!F->str && !strcmp(kw, "multipleOf")) {
            aieng__dec m;
            int y;
            if (k->type != AIENG_JSON_NUMBER || k->d <= 0) { aieng__sc_fail(F->c, AIENG_ERR_INVALID_ARG, "schema: 'multipleOf' must be a number above 0%s", NULL); goto done; }
            if (!aieng__dec_parse(k->s, k->len, &m) || m.li + m.lf > 12 || m.lf > 18) {
                aieng__sc_fail(F->c, AIENG_ERR_UNSUPPORTED, "schema: 'multipleOf' %s has too many digits for an exact grammar", k->s); goto done; }
            for (y = 0; y < m.li; y++) x.P = x.P * 10 + (uint64_t)(m.in[y] - '0');
            for (y = 0; y < m.lf; y++) x.P = x.P * 10 + (uint64_t)(m.fr[y] - '0');
            x.kind = AIENG__FA_MUL; x.q = m.lf;
            t = aieng__fm_atom(F, &x);
        } else if (F->str && (!strcmp(kw, "pattern") || !strcmp(kw, "format"))) {
            if (kw[0] == 'p') {
                if (k->type != AIENG_JSON_STRING) { aieng__sc_fail(F->c, AIENG_ERR_INVALID_ARG, "schema: 'pattern' must be a string%s", NULL); goto done; }
                x.re = k->s; x.rl = k->len;
            } else {
                int f = aieng__fmt_index(k);
                if (f < 0) continue; /* an annotation */
                if (!(x.re = x.own = aieng__fmt_regex(f, &x.rl))) { aieng__sc_fail(F->c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); goto done; }
            }
            x.kind = AIENG__FA_RE;
            t = aieng__fm_atom(F, &x);
        } else if (F->str && (!strcmp(kw, "minLength") || !strcmp(kw, "maxLength"))) {
            if (aieng__sc_len_kw(k, kw[1] == 'a', &x.len)) { x.kind = kw[1] == 'a' ? AIENG__FA_LMAX : AIENG__FA_LMIN; t = aieng__fm_atom(F, &x); }
        } else if (!strcmp(kw, "allOf") || !strcmp(kw, "anyOf") || !strcmp(kw, "oneOf")) {
            aieng__iv sub;
            if (k->type != AIENG_JSON_ARRAY || k->n == 0) { aieng__sc_fail(F->c, AIENG_ERR_INVALID_ARG, "schema: allOf/anyOf/oneOf must be a non-empty array%s", NULL); goto done; }
            memset(&sub, 0, sizeof sub);
            for (z = 0; z < k->n && (t = aieng__fm_build(F, k->items[z], depth + 1)) >= 0; z++)
                if (!aieng__iv_push(&sub, t)) t = aieng__sc_fail(F->c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
            if (t >= 0) t = aieng__fm_node(F, kw[0] == 'o' ? AIENG__FM_ONE : kw[1] == 'l' ? AIENG__FM_AND : AIENG__FM_OR, sub.v, sub.n, 0);
            aieng__iv_free(&sub);
        } else if (!strcmp(kw, "not")) {
            if ((u[0] = aieng__fm_build(F, k, depth + 1)) >= 0) t = aieng__fm_node(F, AIENG__FM_NOT, u, 1, 0);
            else t = -1;
        } else if (!strcmp(kw, "if")) { /* (if and then) or (not if and else) */
            const aieng_json *th = aieng_json_get(s, "then"), *el = aieng_json_get(s, "else");
            int ci, ct, ce, ni, a1, a2;
            if (!th && !el) continue;
            ci = aieng__fm_build(F, k, depth + 1);
            ct = ci < 0 ? -1 : th ? aieng__fm_build(F, th, depth + 1) : aieng__fm_node(F, AIENG__FM_TRUE, NULL, 0, 0);
            ce = ct < 0 ? -1 : el ? aieng__fm_build(F, el, depth + 1) : aieng__fm_node(F, AIENG__FM_TRUE, NULL, 0, 0);
            ni = ce < 0 ? -1 : aieng__fm_node(F, AIENG__FM_NOT, &ci, 1, 0);
            u[0] = ci; u[1] = ct;
            a1 = ni < 0 ? -1 : aieng__fm_node(F, AIENG__FM_AND, u, 2, 0);
            u[0] = ni; u[1] = ce;
            a2 = a1 < 0 ? -1 : aieng__fm_node(F, AIENG__FM_AND, u, 2, 0);
            u[0] = a1; u[1] = a2;
            t = a2 < 0 ? -1 : aieng__fm_node(F, AIENG__FM_OR, u, 2, 0);
        } else if (!strcmp(kw, "$ref")) {
            const aieng_json *tg = aieng__schema_ref(F->c->root, k);
            if (!tg) { aieng__sc_fail(F->c, AIENG_ERR_UNSUPPORTED, "schema: unsupported or unresolved $ref '%s'", k->type == AIENG_JSON_STRING ? k->s : "?"); goto done; }
            t = aieng__fm_build(F, tg, depth + 1);
        }
        if (t == -1) goto done;
        if (t >= 0 && !aieng__iv_push(&conj, t)) { aieng__sc_fail(F->c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); goto done; }
    }
    r = conj.n == 1 ? conj.v[0] : aieng__fm_node(F, conj.n ? AIENG__FM_AND : AIENG__FM_TRUE, conj.v, conj.n, 0);
done:
    aieng__iv_free(&conj);
    return r;
}
/* three-valued (0 false, 1 true, 2 not known yet) value of node i, atoms' values av */
static int aieng__fm_eval(const aieng__fm *F, int i, const unsigned char *av) {
    int op = F->op.v[i], n = F->nk.v[i], k, v, cnt[3] = { 0, 0, 0 };
    if (op == AIENG__FM_TRUE || op == AIENG__FM_FALSE) return op == AIENG__FM_TRUE;
    if (op == AIENG__FM_ATOM) return av[F->arg.v[i]];
    if (op == AIENG__FM_NOT) { v = aieng__fm_eval(F, F->kid.v[F->arg.v[i]], av); return v == 2 ? 2 : !v; }
    for (k = 0; k < n; k++) {
        v = aieng__fm_eval(F, F->kid.v[F->arg.v[i] + k], av);
        cnt[v]++;
        if ((op == AIENG__FM_AND && v == 0) || (op == AIENG__FM_OR && v == 1) || (op == AIENG__FM_ONE && cnt[1] > 1)) return op == AIENG__FM_OR;
    }
    if (op == AIENG__FM_ONE) return cnt[2] ? 2 : cnt[1] == 1;
    return cnt[2] ? 2 : op == AIENG__FM_AND;
}
/* the formula's value at its root, counted as work (AIENG__SC_AX_WORK) */
static int aieng__fm_root(const aieng__fm *F, const unsigned char *av) {
    F->c->axwork += F->op.n;
    return aieng__fm_eval(F, F->op.n - 1, av);
}
/* the product automaton; states are vectors of w ints, interned (st: index) */
typedef struct aieng__fx {
    const aieng__fm *F;
    int w, oom, *tmp;
    int *tab; long n, cap; long *hash; long hcap;
    /* numbers: a vector is ph (0 start, 1 after '-', 2 "0", 3 integer digits, 4 after '.',
       5 fraction digits), sign, nonzero digit seen, nonzero fraction digit, nonzero digit
       finer than 10^-q, digits (saturating), remainder of x 10^q mod L (of the integer part
       mod Li in phases 2-3; once no digit can change it, replaced by the bit set of the
       multipleOf atoms it satisfies, bit mbit[i]), then per bound atom the magnitude's
       comparison (0 <, 1 =, 2 >) */
    int sat_i, sat_f, q, mbit[AIENG__FM_MAXA];
    uint64_t L, Li, p10[40], pm[AIENG__FM_MAXA];
    /* strings: the length (saturating at lcap), then per regex atom its DFA's state (n: dead) */
    aieng__dfas x; int dfa[AIENG__FM_MAXA]; unsigned char *univ[AIENG__FM_MAXA]; long lcap;
} aieng__fx;
static uint64_t aieng__fx_hash(const int *v, int w) { /* FNV-1a over a state vector */
    uint64_t h = 1469598103934665603ull;
    int k;
    for (k = 0; k < w; k++) h = (h ^ (uint64_t)(unsigned)v[k]) * 1099511628211ull;
    return h;
}
static uint64_t aieng__fx_intern(aieng__fx *X, const int *v) {
    uint64_t h = aieng__fx_hash(v, X->w);
    long i, slot;
    if (2 * (X->n + 1) > X->hcap) { /* grow and rehash */
        long nc = X->hcap ? 2 * X->hcap : 1024, *nh = (long *)AIENG_MALLOC((size_t)nc * sizeof *nh, NULL);
        if (!nh) { X->oom = 1; return AIENG__AX_DEAD; }
        for (i = 0; i < nc; i++) nh[i] = -1;
        for (i = 0; i < X->n; i++) {
            for (slot = (long)(aieng__fx_hash(X->tab + i * X->w, X->w) % (uint64_t)nc); nh[slot] >= 0; slot = (slot + 1) % nc) {}
            nh[slot] = i;
        }
        AIENG_FREE(X->hash, NULL); X->hash = nh; X->hcap = nc;
    }
    for (slot = (long)(h % (uint64_t)X->hcap); X->hash[slot] >= 0; slot = (slot + 1) % X->hcap)
        if (!memcmp(X->tab + X->hash[slot] * X->w, v, (size_t)X->w * sizeof *v)) return (uint64_t)X->hash[slot];
    if (X->n == X->cap) {
        long nc = X->cap ? 2 * X->cap : 256;
        int *nt = (int *)AIENG_REALLOC(X->tab, (size_t)nc * (size_t)X->w * sizeof *nt, NULL);
        if (!nt) { X->oom = 1; return AIENG__AX_DEAD; }
        X->tab = nt; X->cap = nc;
    }
    memcpy(X->tab + X->n * X->w, v, (size_t)X->w * sizeof *v);
    X->hash[slot] = X->n;
    return (uint64_t)X->n++;
}
/* the atoms' values in number state v: final (the number ends here) or three-valued */
static void aieng__fx_num_atoms(const aieng__fx *X, const int *v, int final, unsigned char *av) {
    int ph = v[0], sg = v[1], nz = v[2], fnz = v[3], fine = v[4], pos = v[5], i;
    uint64_t r = (uint64_t)v[6];
    if (final && ph < 4) r = r * X->p10[X->q] % X->L;
    for (i = 0; i < X->F->na; i++) {
        const aieng__fma *a = &X->F->a[i];
        int m = 3, cmp; /* m: the magnitude against |c| (3: not known) */
        if (a->kind == AIENG__FA_MUL) { /* a finer nonzero digit may still come until the end */
            int held = ph >= 4 && pos >= X->q ? (v[6] >> X->mbit[i]) & 1 : final ? r % a->P == 0 : 2;
            av[i] = (unsigned char)(fine ? 0 : held == 1 && !final ? 2 : held);
            continue;
        }
        if (a->kind == AIENG__FA_INT) { av[i] = fnz ? 0 : final ? 1 : 2; continue; }
        if (a->kind > AIENG__FA_LT) { av[i] = 2; continue; }
        cmp = v[7 + i];
        if (final) {
            m = cmp;
            if (ph != 5 && pos < a->v.li) m = 0;
            else if (m == 1 && (ph != 5 ? a->v.lf > 0 : pos < a->v.lf)) m = 0;
        } else if (ph == 3 && pos > a->v.li) m = 2;
        else if (ph >= 4 && cmp != 1) m = cmp;
        if (ph == 0) cmp = 3;
        else if (sg && !a->v.neg) cmp = 0;                     /* x < 0 <= c ("-0" is never accepted) */
        else if (!sg && a->v.neg) cmp = 2;                     /* x >= 0 > c */
        else cmp = m == 3 ? 3 : sg ? 2 - m : m;               /* the same sign: the magnitudes decide */
        if (final && !nz && sg) cmp = 3;
        if (cmp == 3) { av[i] = 2; continue; }
        av[i] = (unsigned char)(a->kind == AIENG__FA_GE ? cmp >= 1 : a->kind == AIENG__FA_GT ? cmp == 2 : a->kind == AIENG__FA_LE ? cmp <= 1 : cmp == 0);
    }
}
static void aieng__fx_mask(const aieng__fx *X, int *v) { /* the remainder is final: keep what it decides */
    int i, m = 0;
    for (i = 0; i < X->F->na; i++) if (X->F->a[i].kind == AIENG__FA_MUL && (uint64_t)v[6] % X->F->a[i].P == 0) m |= 1 << X->mbit[i];
    v[6] = m;
}
static int aieng__fx_num_accept(const void *u, uint64_t st) {
    const aieng__fx *X = (const aieng__fx *)u;
    const int *v = X->tab + (long)st * X->w;
    unsigned char av[AIENG__FM_MAXA];
    if ((v[0] != 2 && v[0] != 3 && v[0] != 5) || (v[1] && !v[2])) return 0;
    aieng__fx_num_atoms(X, v, 1, av);
    return aieng__fm_root(X->F, av) == 1;
}
static uint64_t aieng__fx_num_next(const void *u, uint64_t st, int atom) {
    aieng__fx *X = (aieng__fx *)u; /* interning grows the table */
    int *v = X->tmp, i, ph;
    unsigned char av[AIENG__FM_MAXA];
    memcpy(v, X->tab + (long)st * X->w, (size_t)X->w * sizeof *v);
    ph = v[0];
    if (ph == 0) {
        if (atom == 11) { v[0] = 1; v[1] = 1; goto out; }
        ph = 1;
    }
    if (atom == 11) return AIENG__AX_DEAD;
    if (ph == 1) {
        if (atom == 10) return AIENG__AX_DEAD;
        if (atom == 0) { v[0] = 2; goto out; }
        ph = 2; /* the first digit of a number without a leading zero */
    }
    if (ph == 2 || ph == 3) {
        if (atom <= 9) {
            int p = v[5] + 1;
            if (v[0] == 2) return AIENG__AX_DEAD; /* "0" then a digit */
            for (i = 0; i < X->F->na; i++) if (X->F->a[i].kind <= AIENG__FA_LT) {
                const aieng__dec *d = &X->F->a[i].v;
                v[7 + i] = p > d->li ? 2 : v[7 + i] != 1 ? v[7 + i] : atom < d->in[p - 1] - '0' ? 0 : atom > d->in[p - 1] - '0' ? 2 : 1;
            }
            v[0] = 3; v[2] |= atom != 0; v[5] = p > X->sat_i ? X->sat_i : p;
            v[6] = (int)(((uint64_t)v[6] * 10 + (uint64_t)atom) % X->Li);
            goto out;
        }
        /* the point */
        for (i = 0; i < X->F->na; i++) if (X->F->a[i].kind <= AIENG__FA_LT && v[5] < X->F->a[i].v.li) v[7 + i] = 0;
        v[0] = 4; v[5] = 0; v[6] = (int)((uint64_t)v[6] * X->p10[X->q] % X->L);
        if (X->q == 0) aieng__fx_mask(X, v);
        goto out;
    }
    if (atom > 9) return AIENG__AX_DEAD;
    for (i = 0; i < X->F->na; i++) if (X->F->a[i].kind <= AIENG__FA_LT && v[7 + i] == 1) {
        const aieng__dec *d = &X->F->a[i].v;
        int bd = v[5] < d->lf ? d->fr[v[5]] - '0' : 0;
        v[7 + i] = atom < bd ? 0 : atom > bd ? 2 : 1;
    }
    if (v[5] < X->q) v[6] = (int)(((uint64_t)v[6] + (uint64_t)atom * X->p10[X->q - v[5] - 1]) % X->L);
    else if (atom) v[4] = 1;
    if (atom) v[2] = v[3] = 1;
    v[0] = 5;
    if (v[5] + 1 == X->q) aieng__fx_mask(X, v);
    v[5] = v[5] + 1 > X->sat_f ? X->sat_f : v[5] + 1;
out:
    aieng__fx_num_atoms(X, v, 0, av);
    if (aieng__fm_root(X->F, av) == 0) return AIENG__AX_DEAD;
    return aieng__fx_intern(X, v);
}
static void aieng__fx_str_atoms(const aieng__fx *X, const int *v, int final, unsigned char *av) {
    int i;
    for (i = 0; i < X->F->na; i++) {
        const aieng__fma *a = &X->F->a[i];
        if (a->kind == AIENG__FA_RE) {
            const aieng__rdfa *d = &X->x.d[X->dfa[i]];
            int s = v[1 + i];
            av[i] = (unsigned char)(s == d->n ? 0 : final ? d->acc[s] != 0 : X->univ[i][s] ? 1 : 2);
        } else if (a->kind == AIENG__FA_LMIN) av[i] = (unsigned char)(v[0] >= a->len ? 1 : final ? 0 : 2);
        else av[i] = (unsigned char)(v[0] > a->len ? 0 : final ? 1 : 2);
    }
}
static int aieng__fx_str_accept(const void *u, uint64_t st) {
    const aieng__fx *X = (const aieng__fx *)u;
    unsigned char av[AIENG__FM_MAXA];
    aieng__fx_str_atoms(X, X->tab + (long)st * X->w, 1, av);
    return aieng__fm_root(X->F, av) == 1;
}
static uint64_t aieng__fx_str_strip(const void *u, uint64_t st) { /* (its second scratch vector) */
    aieng__fx *X = (aieng__fx *)u;
    int *v = X->tmp + X->w;
    memcpy(v, X->tab + (long)st * X->w, (size_t)X->w * sizeof *v);
    v[0] = 0;
    return aieng__fx_intern(X, v);
}
static int aieng__fx_str_cacc(const void *u, uint64_t base, long cnt) {
    aieng__fx *X = (aieng__fx *)u;
    int *v = X->tmp + X->w;
    unsigned char av[AIENG__FM_MAXA];
    memcpy(v, X->tab + (long)base * X->w, (size_t)X->w * sizeof *v);
    v[0] = (int)cnt;
    aieng__fx_str_atoms(X, v, 1, av);
    return aieng__fm_root(X->F, av) == 1;
}
static uint64_t aieng__fx_str_next(const void *u, uint64_t st, int atom) {
    aieng__fx *X = (aieng__fx *)u;
    int *v = X->tmp, i;
    unsigned char av[AIENG__FM_MAXA];
    memcpy(v, X->tab + (long)st * X->w, (size_t)X->w * sizeof *v);
    if (v[0] < X->lcap) v[0]++;
    for (i = 0; i < X->F->na; i++) if (X->F->a[i].kind == AIENG__FA_RE) {
        const aieng__rdfa *d = &X->x.d[X->dfa[i]];
        int t = v[1 + i] == d->n ? -1 : d->tr[(size_t)v[1 + i] * (size_t)d->natoms + (size_t)atom];
        v[1 + i] = t < 0 ? d->n : t;
    }
    aieng__fx_str_atoms(X, v, 0, av);
    if (aieng__fm_root(X->F, av) == 0) return AIENG__AX_DEAD;
    return aieng__fx_intern(X, v);
}
/* the integer nearest d on one side (up: the ceiling, else the floor); 0 when it has more
   than 15 digits */
static int aieng__dec_round(const aieng__dec *d, int up, long long *out) {
    long long v = 0;
    int k;
    if (d->li > 15) return 0;
    for (k = 0; k < d->li; k++) v = v * 10 + (d->in[k] - '0');
    if (d->lf && up != d->neg) v++; /* a fraction: away from zero when rounding that way */
    *out = d->neg ? -v : v;
    return 1;
}
#define AIENG__FM_ENUM 100000 /* integers the number formula may be tried on (aieng__fm_num_enum) */
/* Numbers whose formula holds only for integers between its bound constants (three-valued
   evaluation: false below the lowest constant, above the highest, and for every number
   that is not an integer) and at most AIENG__FM_ENUM of them: the formula evaluated on each
   integer, those it holds for written out (with an optional zero fraction, as the number
   automaton allows). For what the automaton cannot hold (a multipleOf beyond 10^9, more
   states than its bound). 1 when written, 0 when the formula is not of that kind. */
static int aieng__fm_num_enum(aieng__sc *c, const aieng__fm *F, aieng__buf *b, int *first) {
    unsigned char av[AIENG__FM_MAXA];
    aieng__dec lo, hi, xd;
    aieng__buf body;
    long long x, x0, x1;
    int i, k, have = 0, n = 0, id;
    char t[32];
    memset(&lo, 0, sizeof lo); memset(&hi, 0, sizeof hi);
    for (i = 0; i < F->na; i++) if (F->a[i].kind <= AIENG__FA_LT) {
        if (!have || aieng__dec_cmp(&F->a[i].v, &lo) < 0) lo = F->a[i].v;
        if (!have || aieng__dec_cmp(&F->a[i].v, &hi) > 0) hi = F->a[i].v;
        have = 1;
    }
    if (!have || !aieng__dec_round(&lo, 1, &x0) || !aieng__dec_round(&hi, 0, &x1) || x1 - x0 >= AIENG__FM_ENUM) return 0;
    for (k = 0; k < 3; k++) { /* below every constant, above every constant, not an integer */
        for (i = 0; i < F->na; i++) {
            const aieng__fma *a = &F->a[i];
            if (a->kind <= AIENG__FA_LT) av[i] = (unsigned char)(k == 2 ? 2 : (a->kind == AIENG__FA_GE || a->kind == AIENG__FA_GT) == (k == 1));
            else if (a->kind == AIENG__FA_MUL) av[i] = (unsigned char)(k == 2 && a->q == 0 ? 0 : 2); /* P/10^q: no non-integer is a multiple of a whole P */
            else if (a->kind == AIENG__FA_INT) av[i] = (unsigned char)(k == 2 ? 0 : 2);
            else av[i] = 2;
        }
        if (aieng__fm_root(F, av) != 0) return 0;
    }
    memset(&body, 0, sizeof body);
    for (x = x0; x <= x1; x++) {
        size_t tl = (size_t)snprintf(t, sizeof t, "%lld", x);
        if (!aieng__dec_parse(t, tl, &xd)) continue;
        for (i = 0; i < F->na; i++) {
            const aieng__fma *a = &F->a[i];
            int integral = 1, cmp;
            if (a->kind <= AIENG__FA_LT) {
                cmp = aieng__dec_cmp(&xd, &a->v);
                av[i] = (unsigned char)(a->kind == AIENG__FA_GE ? cmp >= 0 : a->kind == AIENG__FA_GT ? cmp > 0 : a->kind == AIENG__FA_LE ? cmp <= 0 : cmp < 0);
            } else if (a->kind == AIENG__FA_MUL) av[i] = (unsigned char)(aieng__num_mod(t, tl, a->P, a->q, &integral) == 0 && integral);
            else av[i] = 1; /* an integer */
        }
        if (aieng__fm_root(F, av) != 1) continue;
        aieng__buf_printf(&body, n++ ? " | \"%s\"" : "(\"%s\"", t);
    }
    if (n) aieng__buf_puts(&body, ") (\".\" [0]+)?");
    if (body.oom) { AIENG_FREE(body.p, NULL); return aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); }
    if (n) {
        id = aieng__sc_new_rule(c);
        aieng__sc_emit(c, id, &body);
        aieng__buf_puts(b, *first ? "" : " | ");
        aieng__buf_printf(b, "s%d", id);
        *first = 0;
    }
    AIENG_FREE(body.p, NULL);
    return 1;
}
/* The part of the parts' language of one type (str: strings, else numbers), appended to b:
   the JSON text of its values, or nothing when it holds none. 1 when done, 0 on error. */
static int aieng__sc_fm_part(aieng__sc *c, const aieng_json **parts, int np, int str, aieng__buf *b, int *first) {
    aieng__fm F;
    aieng__fx *X = NULL;
    aieng__ax a;
    aieng__iv all;
    aieng__iv natoms[12];
    int nav[12][2], i, root = -1, ok = 0, id, v;
    unsigned char av[AIENG__FM_MAXA];
    uint64_t P0[AIENG__FM_MAXA];
    memset(&F, 0, sizeof F); memset(&all, 0, sizeof all); memset(&a, 0, sizeof a); memset(P0, 0, sizeof P0);
    F.c = c; F.str = str;
    for (i = 0; i < np && (root = aieng__fm_build(&F, parts[i], 0)) >= 0; i++)
        if (!aieng__iv_push(&all, root)) root = aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
    if (root >= 0) root = aieng__fm_node(&F, AIENG__FM_AND, all.v, all.n, 0); /* the root is the last node */
    aieng__iv_free(&all);
    if (root < 0) goto done;
    memset(av, 2, sizeof av);
    if ((v = aieng__fm_eval(&F, root, av)) != 2) { /* no atom matters */
        if (v) { aieng__buf_puts(b, *first ? "" : " | "); aieng__buf_puts(b, str ? "string" : "number"); *first = 0; }
        ok = 1; goto done;
    }
    if (!(X = (aieng__fx *)AIENG_MALLOC(sizeof *X, NULL))) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); goto done; }
    memset(X, 0, sizeof *X);
    X->F = &F;
    a.limit = AIENG__SC_AUTOMATON_MAX;
    if (str) {
        const char *re[AIENG__FM_MAXA];
        size_t rl[AIENG__FM_MAXA];
        int nre = 0, s, k, changed;
        for (i = 0; i < F.na; i++) {
            if (F.a[i].kind == AIENG__FA_RE) { X->dfa[i] = nre; re[nre] = F.a[i].re; rl[nre++] = F.a[i].rl; }
            else if (F.a[i].len + 1 > X->lcap) X->lcap = F.a[i].len + 1;
        }
        if (X->lcap > AIENG_GRAMMAR_MAX_REPEAT) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: a length bound above AIENG_GRAMMAR_MAX_REPEAT under not/oneOf/if%s", NULL); goto done; }
        if (!aieng__sc_dfas(c, re, rl, nre, &X->x)) goto done;
        for (i = 0; i < F.na; i++) if (F.a[i].kind == AIENG__FA_RE) { /* states from which every continuation matches */
            const aieng__rdfa *d = &X->x.d[X->dfa[i]];
            if (!(X->univ[i] = (unsigned char *)AIENG_MALLOC((size_t)d->n + 1, NULL))) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); goto done; }
            for (s = 0; s < d->n; s++) X->univ[i][s] = d->acc[s] != 0;
            X->univ[i][d->n] = 0;
            do {
                changed = 0;
                for (s = 0; s < d->n; s++) for (k = 0; X->univ[i][s] && k < d->natoms; k++) {
                    int t = d->tr[(size_t)s * (size_t)d->natoms + (size_t)k];
                    if (t < 0 || !X->univ[i][t]) { X->univ[i][s] = 0; changed = 1; }
                }
            } while (changed);
        }
        X->w = 1 + F.na;
        a.next = aieng__fx_str_next; a.accept = aieng__fx_str_accept;
        a.atoms = X->x.atoms; a.natoms = X->x.natoms; a.json = 1;
        if (X->lcap) { a.ccap = X->lcap; a.cstrip = aieng__fx_str_strip; a.cacc = aieng__fx_str_cacc; }
    } else {
        int maxli = 0, maxlf = 0, y, nmul = 0;
        for (i = 0; i < F.na; i++) P0[i] = F.a[i].P; /* (rescaled below; aieng__fm_num_enum wants them as written) */
        X->L = 1;
        for (i = 0; i < F.na; i++) if (F.a[i].kind == AIENG__FA_MUL && F.a[i].q > X->q) X->q = F.a[i].q;
        for (i = 0; i < F.na; i++) {
            const aieng__fma *m = &F.a[i];
            if (m->kind <= AIENG__FA_LT) { if (m->v.li > maxli) maxli = m->v.li; if (m->v.lf > maxlf) maxlf = m->v.lf; }
            if (m->kind != AIENG__FA_MUL) continue;
            if (nmul == 30) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: more than 30 different 'multipleOf' on one number%s", NULL); goto done; }
            X->mbit[i] = nmul++;
            X->pm[i] = m->P;
            for (y = m->q; y < X->q && X->pm[i] <= 1000000000; y++) X->pm[i] *= 10; /* m = pm / 10^q */
            if (y < X->q || X->pm[i] > 1000000000 || X->L / aieng__gcd64(X->L, X->pm[i]) > 1000000000 / X->pm[i]) {
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: the 'multipleOf' values%s need too many grammar states", NULL); goto done; }
            X->L = X->L / aieng__gcd64(X->L, X->pm[i]) * X->pm[i];
        }
        for (i = 0; i < F.na; i++) if (F.a[i].kind == AIENG__FA_MUL) F.a[i].P = X->pm[i]; /* now over x 10^q */
        X->p10[0] = 1 % X->L;
        for (i = 1; i < 40; i++) X->p10[i] = X->p10[i - 1] * 10 % X->L;
        { uint64_t t = 1; for (i = 0; i < X->q; i++) t *= 10; X->Li = X->L / aieng__gcd64(X->L, t); }
        X->sat_i = maxli + 1; X->sat_f = maxlf > X->q ? maxlf : X->q;
        X->w = 7 + F.na;
        for (i = 0; i < 12; i++) { /* '0'..'9', '.', '-' */
            nav[i][0] = nav[i][1] = i < 10 ? '0' + i : i == 10 ? '.' : '-';
            natoms[i].v = nav[i]; natoms[i].n = natoms[i].cap = 2;
        }
        a.next = aieng__fx_num_next; a.accept = aieng__fx_num_accept;
        a.atoms = natoms; a.natoms = 12;
    }
    if (!(X->tmp = (int *)AIENG_MALLOC((size_t)X->w * 2 * sizeof(int), NULL))) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); goto done; }
    memset(X->tmp, 0, (size_t)X->w * sizeof(int));
    if (!str) for (i = 0; i < F.na; i++) X->tmp[7 + i] = 1;
    aieng__fx_intern(X, X->tmp); /* the start: state 0 */
    a.u = X;
    id = X->oom ? -1 : aieng__sc_automaton(c, &a, 0, str ? "a string under not/oneOf/if" : "a number under not/oneOf/if");
    if (X->oom) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); goto done; }
    if (id < 0) goto done;
    if (!aieng__sc_is_empty(c, id)) {
        aieng__buf_puts(b, *first ? "" : " | ");
        aieng__buf_printf(b, str ? "\"\\\"\" s%d \"\\\"\"" : "s%d", id);
        *first = 0;
    }
    ok = 1;
done:
    if (!ok && !str && root >= 0 && c->err == AIENG_ERR_UNSUPPORTED && c->axwork <= AIENG__SC_AX_WORK) { /* too many states: a few integers? */
        aieng_result e0 = c->err;
        int r;
        for (i = 0; i < F.na; i++) if (F.a[i].kind == AIENG__FA_MUL) F.a[i].P = P0[i];
        c->err = AIENG_OK;
        if ((r = aieng__fm_num_enum(c, &F, b, first)) > 0) ok = 1;
        else if (r == 0) c->err = e0; /* not of that kind: the automaton's error stands */
    }
    if (X) {
        for (i = 0; i < AIENG__FM_MAXA; i++) AIENG_FREE(X->univ[i], NULL);
        aieng__dfas_free(&X->x);
        AIENG_FREE(X->tab, NULL); AIENG_FREE(X->hash, NULL); AIENG_FREE(X->tmp, NULL); AIENG_FREE(X, NULL);
    }
    aieng__fm_free(&F);
    return ok;
}
/* 1 when schema s only constrains scalars (see above; no enum/const member that is an object
   or array), *comb set when it holds a not, if or oneOf. loose: the value is known to be a
   scalar (a type beside it says so), so object and array keywords act on nothing. */
static int aieng__fm_scalar(const aieng__sc *c, const aieng_json *s, int depth, int *comb, int loose) {
    static const char *const nonscalar[] = { "properties", "required", "additionalProperties", "patternProperties", "propertyNames",
        "minProperties", "maxProperties", "dependencies", "dependentRequired", "dependentSchemas", "items", "prefixItems",
        "additionalItems", "minItems", "maxItems", "contains", "minContains", "maxContains", "uniqueItems", NULL };
    size_t q, z;
    int k;
    if (s->type == AIENG_JSON_BOOL) return 1;
    if (s->type != AIENG_JSON_OBJECT || depth > 32 || aieng__schema_unknown(s, 1)) return 0;
    for (q = 0; q < s->n; q++) {
        const aieng_json *x = s->items[q];
        const char *kw = x->key;
        for (k = 0; !loose && nonscalar[k]; k++) if (!strcmp(nonscalar[k], kw)) return 0;
        if ((!strcmp(kw, "enum") || !strcmp(kw, "const")) && !loose) {
            size_t nv = kw[0] == 'e' && x->type == AIENG_JSON_ARRAY ? x->n : 1;
            for (z = 0; z < nv; z++) {
                const aieng_json *e = kw[0] == 'e' && x->type == AIENG_JSON_ARRAY ? x->items[z] : x;
                if (e->type == AIENG_JSON_OBJECT || e->type == AIENG_JSON_ARRAY) return 0;
            }
        } else if (!strcmp(kw, "allOf") || !strcmp(kw, "anyOf") || !strcmp(kw, "oneOf")) {
            if (x->type != AIENG_JSON_ARRAY) return 0;
            if (kw[1] == 'n' && kw[0] == 'o') *comb = 1;
            for (z = 0; z < x->n; z++) if (!aieng__fm_scalar(c, x->items[z], depth + 1, comb, loose)) return 0;
        } else if (!strcmp(kw, "not") || !strcmp(kw, "if") || !strcmp(kw, "then") || !strcmp(kw, "else")) {
            if (kw[0] == 'n' || kw[0] == 'i') *comb = 1;
            if (!aieng__fm_scalar(c, x, depth + 1, comb, loose)) return 0;
        } else if (!strcmp(kw, "$ref")) {
            const aieng_json *t = aieng__schema_ref(c->root, x);
            if (!t || !aieng__fm_scalar(c, t, depth + 1, comb, loose)) return 0;
        }
    }
    return 1;
}
/* 1 when instance x is valid against every part, 0 when not, -1 with the error set */
static int aieng__sc_all_valid(aieng__sc *c, const aieng_json **parts, int np, const aieng_json *x) {
    int i, r = 1;
    for (i = 0; i < np && r == 1; i++) {
        aieng__sv v;
        memset(&v, 0, sizeof v);
        v.root = c->root;
        r = aieng__sv_val(&v, parts[i], x);
    }
    if (r < 0) aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: %s", aieng_last_error());
    return r;
}
/* Appends to v (at most cap) the values schema s allows at most, when it lists them: enum,
   const, an anyOf/oneOf whose branches all list theirs, an allOf with such a part, read
   through $ref. 1 when s lists them, 0 when not (or more than cap). */
static int aieng__sc_listed(const aieng__sc *c, const aieng_json *s, const aieng_json **v, int *n, int cap, int depth) {
    const aieng_json *k;
    size_t q;
    int n0 = *n;
    if (s->type != AIENG_JSON_OBJECT || depth > 16) return 0;
    if ((k = aieng_json_get(s, "const")) != NULL || ((k = aieng_json_get(s, "enum")) != NULL && k->type == AIENG_JSON_ARRAY)) {
        size_t nv = aieng_json_get(s, "const") ? 1 : k->n;
        for (q = 0; q < nv; q++) {
            const aieng_json *x = nv == 1 && aieng_json_get(s, "const") ? k : k->items[q];
            int z;
            for (z = 0; z < *n && !aieng_json_equal(v[z], x); z++) {}
            if (z < *n) continue;
            if (*n == cap) return 0;
            v[(*n)++] = x;
        }
        return 1;
    }
    if (((k = aieng_json_get(s, "anyOf")) != NULL || (k = aieng_json_get(s, "oneOf")) != NULL) && k->type == AIENG_JSON_ARRAY && k->n) {
        for (q = 0; q < k->n && aieng__sc_listed(c, k->items[q], v, n, cap, depth + 1); q++) {}
        if (q == k->n) return 1;
        *n = n0;
    }
    if ((k = aieng_json_get(s, "allOf")) != NULL && k->type == AIENG_JSON_ARRAY)
        for (q = 0; q < k->n; q++) { if (aieng__sc_listed(c, k->items[q], v, n, cap, depth + 1)) return 1; *n = n0; }
    if ((k = aieng_json_get(s, "$ref")) != NULL && (s = aieng__schema_ref(c->root, k)) != NULL) return aieng__sc_listed(c, s, v, n, cap, depth + 1);
    return 0;
}
/* appends the values vals[0..nv) that the validator accepts against every part, as
   alternatives of literals (*first: none written yet); 0 with the error set */
static int aieng__sc_values_alts(aieng__sc *c, const aieng_json **parts, int np, const aieng_json *const *vals, int nv, aieng__buf *b, int *first) {
    int i, r;
    for (i = 0; i < nv; i++) {
        if ((r = aieng__sc_all_valid(c, parts, np, vals[i])) < 0) return 0;
        if (r) { aieng__buf_puts(b, *first ? "" : " | "); aieng__sc_json_lit(b, vals[i]); *first = 0; }
    }
    return 1;
}
/* the rule of a scalar-only schema (parts: its allOf), exact; -1 with the error set */
static int aieng__sc_scalar(aieng__sc *c, const aieng_json **parts, int np) {
    static const char *const lit[5] = { "null", "true", "false", "{}", "[]" };
    static const char *const gb[5] = { "\"null\"", "\"true\"", "\"false\"", "object", "array" };
    const aieng_json *vals[256];
    aieng__buf b;
    int i, k, first = 1, id = -1, nv = 0;
    memset(&b, 0, sizeof b);
    for (i = 0; i < np; i++) /* an enum or const: its values that the validator keeps */
        if (parts[i]->type == AIENG_JSON_OBJECT && (aieng_json_get(parts[i], "enum") || aieng_json_get(parts[i], "const")) &&
            aieng__sc_listed(c, parts[i], vals, &nv, 256, 0)) {
            if (!aieng__sc_values_alts(c, parts, np, vals, nv, &b, &first)) goto done;
            goto out;
        } else nv = 0;
    for (k = 0; k < 5; k++) { /* none of the keywords acts on these: the validator decides */
        const aieng_json *x = aieng__sc_synth(c, lit[k], strlen(lit[k]));
        int r = x ? aieng__sc_all_valid(c, parts, np, x) : aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL);
        if (r < 0) goto done;
        if (r) { aieng__buf_puts(&b, first ? "" : " | "); aieng__buf_puts(&b, gb[k]); first = 0; }
    }
    if (!aieng__sc_fm_part(c, parts, np, 0, &b, &first) || !aieng__sc_fm_part(c, parts, np, 1, &b, &first)) goto done;
out:
    if (first) aieng__buf_puts(&b, AIENG__GBNF_NOTHING);
    if (b.oom) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); goto done; }
    id = aieng__sc_new_rule(c);
    aieng__sc_emit(c, id, &b);
done:
    AIENG_FREE(b.p, NULL);
    return id;
}
static int aieng__sc_comp_parts(aieng__sc *c, const aieng_json **in, int nin);
/* relaxed, after comp_parts failed (-1) on an unsupported form inside a keyword-by-keyword
   not: back to mark m (and the automaton work of then) and the narrow forms of not, which
   relaxed mode leaves out where it cannot write them; -1 unchanged otherwise */
static int aieng__sc_relax_nots(aieng__sc *c, const aieng_json **in, int nin, const aieng__sc_mark *m, long ax) {
    int id;
    if (c->err != AIENG_ERR_UNSUPPORTED || !c->negdefer) return -1;
    aieng__sc_rollback(c, m);
    c->negdefer = 0;
    c->axwork = ax;
    id = aieng__sc_comp_parts(c, in, nin);
    c->negdefer = 1;
    return id;
}
/* a schema's rule: scalar-only schemas with a not, if or oneOf as formulas (exact), the rest
   (and those whose formula is too large) keyword by keyword; where that fails, a schema
   that lists its values (aieng__sc_listed) as those of them the validator accepts */
static int aieng__sc_comp(aieng__sc *c, const aieng_json **in, int nin) {
    const aieng_json *vals[256];
    char msg[320];
    int i, comb = 0, id, nv = 0, relax = c->flags & AIENG_SCHEMA_RELAX, loose = 0;
    aieng__sc_mark m0;
    long ax0 = c->axwork;
    aieng__sc_mark_set(c, &m0);
    for (i = 0; i < nin; i++) { /* a part's type allows scalars only */
        int bits = in[i]->type == AIENG_JSON_OBJECT ? aieng__sc_typebit(aieng_json_get(in[i], "type")) : -1;
        if (bits > 0 && !(bits & (AIENG__T_OBJ | AIENG__T_ARR))) loose = 1;
    }
    for (i = 0; i < nin && aieng__fm_scalar(c, in[i], 0, &comb, loose); i++) {}
    if (i == nin && comb && c->err == AIENG_OK) {
        if ((id = aieng__sc_scalar(c, in, nin)) >= 0) return id;
        if (c->err != AIENG_ERR_UNSUPPORTED) return -1;
        aieng__last_error_copy(msg, sizeof msg);
        c->err = AIENG_OK;
        c->flags &= ~AIENG_SCHEMA_RELAX; /* strictly first (relaxed mode then writes what strict writes) */
        if ((id = aieng__sc_comp_parts(c, in, nin)) < 0 && c->err == AIENG_ERR_UNSUPPORTED && /* beyond the bounds: checked as it ends */
            (aieng__sc_bound_msg(msg) || aieng__sc_bound_msg(aieng_last_error()))) {
            int id2;
            c->err = AIENG_OK;
            if ((id2 = aieng__sc_checked_value(c, in, nin, &m0, ax0)) >= 0) id = id2;
            else if (c->err == AIENG_OK) c->err = AIENG_ERR_UNSUPPORTED; /* its message is msg, below */
        }
        c->flags |= relax;
        if (id < 0 && relax && c->err == AIENG_ERR_UNSUPPORTED) {
            c->err = AIENG_OK;
            aieng__sc_rollback(c, &m0);
            c->axwork = ax0;
            if ((id = aieng__sc_comp_parts(c, in, nin)) < 0) id = aieng__sc_relax_nots(c, in, nin, &m0, ax0);
        }
        if (id < 0 && c->err == AIENG_ERR_UNSUPPORTED) { /* the formula's bound is the reason */
            c->err = AIENG_OK;
            aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "%s", msg);
        }
        return id;
    }
    if (relax) { /* listed values: relaxed only where the strict rule (and the values) fail */
        for (i = 0; i < nin && !aieng__sc_listed(c, in[i], vals, &nv, 256, 0); i++) nv = 0;
        if (i == nin) { /* strictly first where an automaton's bound is the trouble (then as strict mode writes it) */
            c->flags &= ~AIENG_SCHEMA_RELAX;
            if ((id = aieng__sc_comp_parts(c, in, nin)) < 0 && aieng__sc_bound_error(c)) {
                c->err = AIENG_OK;
                id = aieng__sc_checked_value(c, in, nin, &m0, ax0);
                if (id < 0 && c->err == AIENG_OK) c->err = AIENG_ERR_UNSUPPORTED;
            }
            c->flags |= relax;
            if (id >= 0 || c->err != AIENG_ERR_UNSUPPORTED) return id;
            c->err = AIENG_OK;
            aieng__sc_rollback(c, &m0);
            c->axwork = ax0;
            return aieng__sc_comp_parts(c, in, nin);
        }
        c->flags &= ~AIENG_SCHEMA_RELAX;
    }
    if ((id = aieng__sc_comp_parts(c, in, nin)) < 0 && aieng__sc_bound_error(c)) {
        int id2; /* an automaton beyond its bounds: checked as the value ends */
        aieng__last_error_copy(msg, sizeof msg);
        c->err = AIENG_OK;
        if ((id2 = aieng__sc_checked_value(c, in, nin, &m0, ax0)) >= 0) { c->flags |= relax; return id2; }
        if (c->err != AIENG_OK) { c->flags |= relax; return -1; }
        aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "%s", msg);
    }
    if (id < 0 && c->err == AIENG_ERR_UNSUPPORTED) {
        for (i = 0; !relax && i < nin && !aieng__sc_listed(c, in[i], vals, &nv, 256, 0); i++) nv = 0;
        if (relax || i < nin) {
            aieng__buf b;
            int first = 1;
            aieng__last_error_copy(msg, sizeof msg);
            c->err = AIENG_OK;
            memset(&b, 0, sizeof b);
            if (aieng__sc_values_alts(c, in, nin, vals, nv, &b, &first) && !b.oom) {
                if (first) aieng__buf_puts(&b, AIENG__GBNF_NOTHING);
                id = aieng__sc_new_rule(c);
                aieng__sc_emit(c, id, &b);
            } else { /* the first error stands */
                c->err = AIENG_OK;
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "%s", msg);
            }
            AIENG_FREE(b.p, NULL);
        }
    }
    c->flags |= relax;
    if (id < 0 && relax && c->err == AIENG_ERR_UNSUPPORTED) { c->err = AIENG_OK; id = aieng__sc_comp_parts(c, in, nin); }
    if (id < 0 && relax) id = aieng__sc_relax_nots(c, in, nin, &m0, ax0);
    return id;
}
/* 1 when the not loop of aieng__sc_comp_parts takes `not nt` as it is (a type, listed
   values, names required, members of some kinds, a string-only schema) */
static int aieng__sc_not_native(aieng__sc *c, const aieng_json *nt) {
    size_t q;
    int only_vals = 1, only_type = 1;
    if (nt->type == AIENG_JSON_BOOL || aieng__sc_not_req(nt) || aieng__sc_not_wit(c, nt, NULL) || aieng__sc_str_not(c, nt) >= 0) return 1;
    if (nt->type != AIENG_JSON_OBJECT) return 0;
    for (q = 0; q < nt->n; q++) {
        const char *kk = nt->items[q]->key;
        int annot = !strcmp(kk, "title") || !strcmp(kk, "description") || !strcmp(kk, "$comment");
        if (!annot && strcmp(kk, "enum") && strcmp(kk, "const")) only_vals = 0;
        if (!annot && strcmp(kk, "type")) only_type = 0;
    }
    return only_type || (only_vals && (aieng_json_get(nt, "enum") != NULL) != (aieng_json_get(nt, "const") != NULL));
}
static int aieng__sc_comp_parts(aieng__sc *c, const aieng_json **in, int nin) {
    const aieng_json *parts[AIENG__SC_MAXPARTS], *excl[64], *snot[AIENG__SL_MAXG];
    const char *xs[64];
    size_t xl[64];
    int np = 0, i, id = -1, types = 0, conflict = 0, nexcl = 0, no_true = 0, no_false = 0, kstr = -1, nsnot = 0, nxs = 0, numrule = -1;
    int numsplit = 0; /* a not the number grammar cannot write: the numbers alone, as a scalar formula */
    const aieng_json *k;
    aieng__buf b;
    if (++c->depth > 200) { c->depth--; return aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: nesting too deep (cyclic $ref inside allOf?)%s", NULL); }
    if (c->trial_end && c->nrules > c->trial_end) { c->depth--; return aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: a oneOf exclusivity trial grows too large%s", NULL); }
    if (c->nrules > AIENG_SCHEMA_MAX_RULES || c->out.n > (size_t)AIENG_SCHEMA_MAX_RULES * 64) {
        c->depth--; return aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: the grammar grows beyond AIENG_SCHEMA_MAX_RULES%s", NULL); }
    memset(&b, 0, sizeof b);
    /* flatten: booleans, $ref and allOf become parts */
    for (i = 0; i < nin; i++) if (np < AIENG__SC_MAXPARTS) parts[np++] = in[i];
    if (np == 1 && parts[0]->type == AIENG_JSON_OBJECT && aieng__sc_is_only_ref(parts[0])) {
        const aieng_json *t = aieng__schema_ref(c->root, aieng_json_get(parts[0], "$ref"));
        c->depth--;
        if (!t) return aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: unsupported or unresolved $ref '%s'", aieng_json_get(parts[0], "$ref")->s);
        return aieng__sc_for(c, t);
    }
    for (i = 0; i < np; i++) {
        const aieng_json *s = parts[i];
        const char *unk;
        if (s->type == AIENG_JSON_BOOL) {
            if (!s->boolean) { /* nothing matches; a malformed type beside it is still an error, as the validator says */
                int z;
                for (z = 0; z < np; z++) {
                    const aieng_json *ty = parts[z]->type == AIENG_JSON_OBJECT ? aieng_json_get(parts[z], "type") : NULL;
                    if (ty && aieng__sc_typebit(ty) < 0) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: bad 'type'%s", NULL); goto fail; }
                }
                aieng__buf_puts(&b, AIENG__GBNF_NOTHING); goto emit;
            }
            parts[i--] = parts[--np];
            continue;
        }
        if (s->type != AIENG_JSON_OBJECT) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: a schema must be an object or a boolean%s", NULL); goto fail; }
        if ((unk = aieng__schema_unknown(s, 1)) != NULL) {
            size_t q;
            int l, z, all = 1; /* relaxed: every unsupported keyword here only narrows the language; leave them out */
            for (q = 0; q < s->n; q++)
                for (l = 0; l <= 1; l++)
                    for (z = 0; aieng__schema_unsup[l][z]; z++)
                        if (!strcmp(aieng__schema_unsup[l][z], s->items[q]->key)) all &= aieng__sc_relax(c, s->items[q]->key);
            if (!all) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: unsupported keyword '%s'", unk); goto fail; }
        }
        if ((k = aieng_json_get(s, "$ref")) != NULL) {
            const aieng_json *t = aieng__schema_ref(c->root, k);
            if (!t) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: unsupported or unresolved $ref '%s'", k->type == AIENG_JSON_STRING ? k->s : "?"); goto fail; }
            if (np >= AIENG__SC_MAXPARTS || i > 200) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: too many allOf/$ref parts to merge%s", NULL); goto fail; }
            if (t != s) { int q; for (q = 0; q < np; q++) if (parts[q] == t) break; if (q == np) parts[np++] = t; }
        }
        if ((k = aieng_json_get(s, "allOf")) != NULL) {
            size_t q;
            if (k->type != AIENG_JSON_ARRAY) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: 'allOf' must be an array%s", NULL); goto fail; }
            for (q = 0; q < k->n; q++) {
                int z;
                for (z = 0; z < np; z++) if (parts[z] == k->items[q]) break;
                if (z < np) continue; /* already merged (parts are re-flattened in anyOf branches) */
                if (np >= AIENG__SC_MAXPARTS) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: too many allOf/$ref parts to merge%s", NULL); goto fail; }
                parts[np++] = k->items[q];
            }
        }
        { /* if/then/else, dependencies on schemas, and a not of properties become anyOf parts */
            static const char *const dkw[2] = { "dependencies", "dependentSchemas" };
            const aieng_json *add[AIENG__SC_MAXPARTS], *x;
            int na = 0, z, w;
            if ((x = aieng_json_get(s, "if")) != NULL) {
                const aieng_json *cv = aieng__sc_convert(c, s, x, 0, NULL);
                if (cv) add[na++] = cv;
                else if (!aieng__sc_relax(c, "if")) {
                    aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: 'if' is supported when its negation can be written (type, enum/const of "
                                   "strings, null, booleans, properties of those, required)%s", NULL);
                    goto fail;
                }
            }
            for (w = 0; w < 2; w++) {
                const aieng_json *d = aieng_json_get(s, dkw[w]);
                size_t q;
                for (q = 0; d && d->type == AIENG_JSON_OBJECT && q < d->n && na < AIENG__SC_MAXPARTS; q++) {
                    const aieng_json *v = d->items[q], *cv;
                    if (!((v->type == AIENG_JSON_OBJECT && !aieng__sc_required_only(v)) || (v->type == AIENG_JSON_BOOL && !v->boolean))) continue;
                    if ((cv = aieng__sc_convert(c, s, v, 1, v->key)) == NULL) { aieng__sc_fail(c, AIENG_ERR_OOM, "schema: out of memory%s", NULL); goto fail; }
                    add[na++] = cv;
                }
            }
            if ((x = aieng__sc_not_of(c, s)) != NULL && x->type == AIENG_JSON_OBJECT && na < AIENG__SC_MAXPARTS) {
                const aieng_json *cv = NULL;
                int defer = c->negdefer;
                c->negdefer = 0;
                if (aieng_json_get(x, "properties") || (aieng_json_get(x, "required") && aieng_json_get(x, "type")) || aieng__sc_objenum(x) || aieng__sc_is_neg_array(c, x))
                    cv = aieng__sc_convert(c, s, x, 2, NULL);
                c->negdefer = defer;
                if (!cv && defer && !aieng__sc_not_native(c, x)) cv = aieng__sc_convert(c, s, x, 2, NULL); /* nots left to the compiler */
                if (cv) add[na++] = cv; /* else: the not loop below names what it does not support */
            }
            for (z = 0; z < na; z++) {
                int y;
                for (y = 0; y < np; y++) if (parts[y] == add[z]) break;
                if (y < np) continue;
                if (np + 2 >= AIENG__SC_MAXPARTS) { /* relaxed: the rest is left out (a wider language) */
                    if (aieng__sc_relax(c, "if")) break;
                    aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: too many allOf/$ref parts to merge%s", NULL); goto fail; }
                parts[np++] = add[z];
            }
        }
    }
    if (np == 0) { aieng__buf_puts(&b, "value"); goto emit; }
    /* anyOf / oneOf: distribute over the alternatives */
    for (i = 0; i < np; i++) {
        const char *which = aieng_json_get(parts[i], "anyOf") ? "anyOf" : aieng_json_get(parts[i], "oneOf") ? "oneOf" : NULL;
        int m;
        if (!which) continue;
        k = aieng_json_get(parts[i], which);
        for (m = c->mask_base; m < c->nmasked; m++) if (c->masked[m] == k) break;
        if (m < c->nmasked) { if (!strcmp(which, "anyOf") && aieng_json_get(parts[i], "oneOf")) k = aieng_json_get(parts[i], "oneOf"); else continue; }
        for (m = c->mask_base; m < c->nmasked; m++) if (c->masked[m] == k) break;
        if (m < c->nmasked) continue;
        if (k->type != AIENG_JSON_ARRAY || k->n == 0) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: anyOf/oneOf must be a non-empty array%s", NULL); goto fail; }
        if (c->nmasked >= 64 || np >= AIENG__SC_MAXPARTS - 2) {
            if (aieng__sc_relax(c, which)) continue; /* relaxed: this anyOf/oneOf is left out (a wider language) */
            aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: anyOf/oneOf nested too deep%s", NULL); goto fail; }
        c->masked[c->nmasked++] = k;
        {
            size_t q;
            int nalt = 0, loose0 = c->oneof_loose;
            size_t alt0 = b.n;
            c->oneof_loose = 0;
            for (q = 0; q < k->n; q++) {
                const aieng_json *ex = NULL;
                int r, full = c->trials > 0 && c->waste < AIENG__SC_TRIAL_WASTE;
                if (!strcmp(which, "oneOf") && np + 2 <= AIENG__SC_MAXPARTS) {
                    ex = aieng__sc_oneof_excl(c, k, q, parts, np, &full);
                    if (!ex && c->err != AIENG_OK) { c->nmasked--; goto fail; }
                } else full = 0;
                parts[np] = k->items[q];
                if (ex) parts[np + 1] = ex;
                if (full) { /* a branch excluded by the compiler's not: strictly, else as before */
                    aieng__sc_mark m;
                    int defer0 = c->negdefer, end0 = c->trial_end;
                    aieng__sc_mark_set(c, &m);
                    c->flags &= ~AIENG_SCHEMA_RELAX;
                    c->negdefer = 1;
                    if (!c->trial_end || c->trial_end > c->nrules + AIENG__SC_TRIAL_RULES) c->trial_end = c->nrules + AIENG__SC_TRIAL_RULES;
                    r = aieng__sc_comp(c, parts, np + 2);
                    c->flags = m.flags; c->negdefer = defer0; c->trial_end = end0;
                    if (r < 0 && c->err != AIENG_ERR_OOM) {
                        c->waste += c->nrules - m.nrules;
                        aieng__sc_rollback(c, &m);
                        c->trials--;
                        ex = aieng__sc_oneof_excl(c, k, q, parts, np, NULL);
                        if (!ex && c->err != AIENG_OK) { c->nmasked--; goto fail; }
                        parts[np] = k->items[q];
                        if (ex) parts[np + 1] = ex;
                        r = aieng__sc_comp(c, parts, np + 1 + (ex != NULL));
                    }
                } else r = aieng__sc_comp(c, parts, np + 1 + (ex != NULL));
                if (r < 0) { c->oneof_loose = loose0; c->nmasked--; goto fail; }
                if (aieng__sc_is_empty(c, r)) continue; /* this branch never matches alone */
                aieng__buf_printf(&b, nalt++ ? " | s%d" : "s%d", r);
            }
            if (!nalt) aieng__buf_puts(&b, AIENG__GBNF_NOTHING);
            else if (c->oneof_loose && !strcmp(which, "oneOf")) { /* checked against its schema as the value ends */
                int p;
                for (p = 0; p < np && aieng_json_get(parts[p], "oneOf") != k; p++) {}
                if (p < np) { /* ( alternatives ) %valid("...") */
                    size_t na = b.n - alt0;
                    char *alts = (char *)AIENG_MALLOC(na + 1, NULL);
                    if (!alts) b.oom = 1;
                    else { memcpy(alts, b.p + alt0, na); b.n = alt0; aieng__buf_putc(&b, '('); aieng__buf_put(&b, alts, na); aieng__buf_putc(&b, ')'); AIENG_FREE(alts, NULL); }
                    if (!aieng__sc_valid_check(c, parts[p], &b)) { c->oneof_loose = loose0; c->nmasked--; goto fail; }
                }
            }
            c->oneof_loose = loose0;
        }
        c->nmasked--;
        goto emit;
    }
    /* enum / const */
    {
        const aieng_json *en = aieng__sc_kw(c, parts, np, "enum", &conflict), *cn = aieng__sc_kw(c, parts, np, "const", &conflict);
        /* parts with different enum/const: the candidates of one, filtered by all (exact) */
        conflict = 0;
        if (cn || en) {
            size_t q, nc = cn ? 1 : en->n;
            int any = 0;
            if (!cn && en->type != AIENG_JSON_ARRAY) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: 'enum' must be an array%s", NULL); goto fail; }
            for (q = 0; q < nc; q++) {
                const aieng_json *cand = cn ? cn : en->items[q];
                int p, ok = 1;
                for (p = 0; p < np && ok; p++) { /* keep the values the other keywords allow */
                    aieng__sv v;
                    memset(&v, 0, sizeof v);
                    v.root = c->root;
                    ok = aieng__sv_val(&v, parts[p], cand) != 0;
                }
                if (!ok) continue;
                if (any) aieng__buf_puts(&b, " | ");
                aieng__sc_json_lit(&b, cand);
                any = 1;
            }
            if (!any) aieng__buf_puts(&b, AIENG__GBNF_NOTHING);
            goto emit;
        }
    }
    /* types */
    for (i = 0; i < np; i++) {
        int t = 0;
        k = aieng_json_get(parts[i], "type");
        if (!k) continue;
        if ((t = aieng__sc_typebit(k)) < 0) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: bad 'type'%s", NULL); goto fail; }
        if (t & AIENG__T_NUM) t |= AIENG__T_INT;
        if (types == -1) continue; /* already contradictory */
        types = types ? (types & t) : t;
        if (!types) types = -1; /* contradictory: nothing */
    }
    for (i = 0; i < np; i++) { /* not: "not {type: ...}", not {}, not true/false, not {enum/const} */
        const aieng_json *nt = aieng__sc_not_of(c, parts[i]), *en, *cn;
        size_t q;
        int t = 0, only = 1;
        if (!nt || types == -1 || aieng__sc_converted(c, nt)) continue; /* -1: the types already contradict each other */
        if (nt->type == AIENG_JSON_BOOL) { if (nt->boolean) { aieng__buf_puts(&b, AIENG__GBNF_NOTHING); goto emit; } continue; }
        if (nt->type != AIENG_JSON_OBJECT) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: bad 'not'%s", NULL); goto fail; }
        if (aieng__sc_not_req(nt) || aieng__sc_not_wit(c, nt, NULL)) { /* an object without (all of) these names, or with members of some kinds: aieng__sc_object */
            types = types ? (types & AIENG__T_OBJ) : AIENG__T_OBJ;
            if (!types) types = -1;
            continue;
        }
        {   /* a not of a number-only schema (bounds, multipleOf, type): the types it names that are
               not numbers leave, and the numbers are a scalar formula (numsplit) */
            static const char *const nk[] = { "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "type", NULL };
            int numk = 0, other = 0, z, tt;
            for (q = 0; q < nt->n; q++) {
                for (z = 0; nk[z] && strcmp(nk[z], nt->items[q]->key); z++) {}
                if (nk[z]) numk += z < 5; else if (aieng__sc_kwgroup(nt->items[q]->key) >= 0) other = 1;
            }
            if (numk && !other) {
                tt = aieng_json_get(nt, "type") ? aieng__sc_typebit(aieng_json_get(nt, "type")) : 0x7F;
                if (tt > 0) {
                    if (tt & AIENG__T_NUM) tt |= AIENG__T_INT;
                    if (!types) types = 0x7F;
                    types &= ~(tt & ~(AIENG__T_NUM | AIENG__T_INT));
                    if (!types) types = -1;
                    if (tt & (AIENG__T_NUM | AIENG__T_INT)) numsplit = 1;
                    continue;
                }
            }
        }
        {   /* a not of a string-only schema: strings outside its language (and, without a type or
               enum, no other type: the schema holds for every non-string) */
            int styp = aieng__sc_str_not(c, nt);
            if (styp >= 0) {
                if (nsnot == AIENG__SL_MAXG - 2) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: too many 'not's of strings%s", NULL); goto fail; }
                snot[nsnot++] = nt;
                if (!styp) { types = types ? (types & AIENG__T_STR) : AIENG__T_STR; if (!types) types = -1; }
                continue;
            }
        }
        for (q = 0; q < nt->n; q++) {
            const char *kk = nt->items[q]->key;
            if (strcmp(kk, "enum") && strcmp(kk, "const") && strcmp(kk, "title") && strcmp(kk, "description") && strcmp(kk, "$comment")) only = 0;
        }
        en = aieng_json_get(nt, "enum"); cn = aieng_json_get(nt, "const");
        if (only && (en != NULL) != (cn != NULL) && (!en || en->type == AIENG_JSON_ARRAY)) { /* these values are excluded */
            size_t nv = cn ? 1 : en->n;
            for (q = 0; q < nv; q++) {
                if (nexcl == 64) { aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: more than 64 values in 'not' {\"enum\"}%s", NULL); goto fail; }
                excl[nexcl++] = cn ? cn : en->items[q];
            }
            continue;
        }
        for (q = 0; q < nt->n; q++) {
            const char *kk = nt->items[q]->key;
            if (strcmp(kk, "type") && strcmp(kk, "title") && strcmp(kk, "description") && strcmp(kk, "$comment")) {
                if (aieng__sc_relax(c, "not")) break; /* relaxed: this 'not' is left out */
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: 'not' is supported only as not {\"type\": ...}, not with '%s'", kk); goto fail; }
        }
        if (q < nt->n) continue;
        k = aieng_json_get(nt, "type");
        if (!k) { aieng__buf_puts(&b, AIENG__GBNF_NOTHING); goto emit; } /* not {} */
        if ((t = aieng__sc_typebit(k)) <= 0) { aieng__sc_fail(c, AIENG_ERR_INVALID_ARG, "schema: bad 'type' in 'not'%s", NULL); goto fail; }
        if (!types) types = 0x7F;
        if (t & AIENG__T_NUM) t |= AIENG__T_INT;
        if ((t & AIENG__T_INT) && !(t & AIENG__T_NUM) && (types & AIENG__T_NUM)) { numsplit = 1; continue; } /* numbers with a fraction */
        types &= ~t;
        if (!types) types = -1;
    }
    if (types == -1) { aieng__buf_puts(&b, AIENG__GBNF_NOTHING); goto emit; }
    if (!types) {
        static const char *const okw[] = { "properties", "required", "additionalProperties", "patternProperties", "minProperties", "maxProperties", NULL };
        static const char *const akw[] = { "items", "prefixItems", "minItems", "maxItems", "contains", "uniqueItems", NULL };
        static const char *const skw[] = { "minLength", "maxLength", "pattern", NULL };
        static const char *const nkw[] = { "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", NULL };
        int q;
        for (q = 0; okw[q]; q++) if (aieng__sc_kw(c, parts, np, okw[q], NULL)) types |= AIENG__T_OBJ;
        for (q = 0; akw[q]; q++) if (aieng__sc_kw(c, parts, np, akw[q], NULL)) types |= AIENG__T_ARR;
        for (q = 0; skw[q]; q++) if (aieng__sc_kw(c, parts, np, skw[q], NULL)) types |= AIENG__T_STR;
        if (aieng__fmt_index(aieng__sc_kw(c, parts, np, "format", NULL)) >= 0) types |= AIENG__T_STR;
        for (q = 0; nkw[q]; q++) if (aieng__sc_kw(c, parts, np, nkw[q], NULL)) types |= AIENG__T_NUM | AIENG__T_INT;
        if (!types && !nexcl && !nsnot) { aieng__buf_puts(&b, "value"); goto emit; }
        if (!types || !(c->flags & AIENG_SCHEMA_INFER_TYPES)) types = 0x7F; /* as the spec says: a keyword acts on its type only */
    }
    if (nexcl) { /* not {enum/const}: each excluded value leaves its type's grammar */
        const char *sn[64];
        size_t sl[64];
        int ns = 0, bad = 0, auto_ = nsnot > 0;
        for (i = 0; i < nexcl; i++) {
            const aieng_json *x = excl[i];
            if (x->type == AIENG_JSON_NULL) types &= ~AIENG__T_NULL;
            else if (x->type == AIENG_JSON_BOOL) { if (x->boolean) no_true = 1; else no_false = 1; }
            else if (x->type == AIENG_JSON_STRING && (types & AIENG__T_STR)) {
                size_t z;
                for (z = 0; z < x->len; z++) if ((unsigned char)x->s[z] < 0x20 || x->s[z] == '"' || x->s[z] == '\\') auto_ = 1;
                sn[ns] = x->s; sl[ns] = x->len; ns++;
            } else if (x->type == AIENG_JSON_NUMBER && (types & (AIENG__T_NUM | AIENG__T_INT))) numsplit = 1;
            else if ((x->type == AIENG_JSON_ARRAY && (types & AIENG__T_ARR)) || (x->type == AIENG_JSON_OBJECT && (types & AIENG__T_OBJ))) bad = 1;
        }

        if (no_true && no_false) types &= ~AIENG__T_BOOL;
        if (ns && !bad) { /* strings other than these: a trie of the names, or with other string
                             keywords (or names that need escapes) a complemented group */
            static const char *const skw2[] = { "minLength", "maxLength", "pattern", "format", NULL };
            int q;
            for (q = 0; skw2[q]; q++) if (aieng__sc_kw(c, parts, np, skw2[q], NULL) && (q < 3 || aieng__fmt_index(aieng__sc_kw(c, parts, np, "format", NULL)) >= 0)) auto_ = 1;
            if (auto_) { memcpy((void *)xs, sn, (size_t)ns * sizeof *sn); memcpy(xl, sl, (size_t)ns * sizeof *sl); nxs = ns; }
            else if ((kstr = aieng__sc_notin(c, sn, sl, ns, 0, 0)) < 0) goto fail;
        }
        if (bad) {
            if (!aieng__sc_relax(c, "not")) {
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: not {\"enum\"} is supported for null, booleans and strings%s", NULL);
                goto fail;
            }
            no_true = no_false = 0; kstr = -1; nxs = 0; /* relaxed: left out */
        }
        if (!types) { aieng__buf_puts(&b, AIENG__GBNF_NOTHING); goto emit; }
    }
    if (numsplit && (types & (AIENG__T_NUM | AIENG__T_INT))) { /* the numbers alone: a scalar formula (not of numeric values, not integer) */
        int t = (types & AIENG__T_NUM) ? 0 : 1, q;
        if (!c->numtype[t]) c->numtype[t] = aieng__sc_synth(c, t ? "{\"type\":\"integer\"}" : "{\"type\":\"number\"}", t ? 18 : 17);
        for (q = 0; q < np && parts[q] != c->numtype[t]; q++) {}
        if (!c->numtype[t] || q < np || np >= AIENG__SC_MAXPARTS) { /* already the numbers alone */
            if (!aieng__sc_relax(c, "not")) {
                aieng__sc_fail(c, AIENG_ERR_UNSUPPORTED, "schema: a not of numbers (values, or not integer) beside keywords the scalar formula does not take%s", NULL);
                goto fail;
            }
        } else {
            parts[np] = c->numtype[t];
            if ((numrule = aieng__sc_comp(c, parts, np + 1)) < 0) goto fail;
        }
    }
    {
        int first = 1;
#define AIENG__SC_ALT() do { if (!first) aieng__buf_puts(&b, " | "); first = 0; } while (0)
        if (types & AIENG__T_NULL) { AIENG__SC_ALT(); aieng__buf_puts(&b, "\"null\""); }
        if (types & AIENG__T_BOOL) { AIENG__SC_ALT(); aieng__buf_puts(&b, no_true ? "\"false\"" : no_false ? "\"true\"" : "\"true\" | \"false\""); }
        if (types & AIENG__T_OBJ) { AIENG__SC_ALT(); if (!aieng__sc_object(c, parts, np, &b)) goto fail; }
        if (types & AIENG__T_ARR) { AIENG__SC_ALT(); aieng__buf_putc(&b, '('); if (!aieng__sc_array(c, parts, np, &b)) goto fail; aieng__buf_putc(&b, ')'); }
        if (types & AIENG__T_STR) {
            AIENG__SC_ALT(); aieng__buf_putc(&b, '(');
            if (kstr >= 0) aieng__buf_printf(&b, "\"\\\"\" s%d", kstr); /* any string but the excluded ones */
            else if (!aieng__sc_string(c, parts, np, &b, snot, nsnot, xs, xl, nxs)) goto fail;
            aieng__buf_putc(&b, ')');
        }
        if (types & (AIENG__T_NUM | AIENG__T_INT)) {
            AIENG__SC_ALT(); aieng__buf_putc(&b, '(');
            if (numrule >= 0) aieng__buf_printf(&b, "s%d", numrule);
            else if (!aieng__sc_number(c, parts, np, !(types & AIENG__T_NUM), &b)) goto fail;
            aieng__buf_putc(&b, ')');
        }
#undef AIENG__SC_ALT
    }
emit:
    id = aieng__sc_new_rule(c);
    aieng__sc_emit(c, id, &b);
    AIENG_FREE(b.p, NULL);
    c->depth--;
    return id;
fail:
    AIENG_FREE(b.p, NULL);
    c->depth--;
    if (c->err == AIENG_OK) c->err = AIENG_ERR_FORMAT;
    return -1;
}
AIENG_API aieng_result aieng_schema_to_gbnf(const aieng_json *schema, const aieng_schema_options *opts,
                                            char **out, size_t *out_len) {
    aieng__sc c;
    int r;
    if (!schema || !out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "schema: NULL argument");
    *out = NULL;
    memset(&c, 0, sizeof c);
    c.root = schema;
    c.trials = 64;
    c.negdefer = 1;
    c.flags = opts ? opts->flags : 0;
    r = aieng__sc_for(&c, schema);
    if (r >= 0) {
        aieng__buf_printf(&c.out, "%s ::= s%d\n", opts && opts->root ? opts->root : "root", r);
        if (c.flags & AIENG_SCHEMA_COMPACT) aieng__buf_puts(&c.out, "ws ::= \"\"\n");
        else aieng__buf_printf(&c.out, "ws ::= (\" \" | \"\\n\" [ \\t]{0,%d})?\n", AIENG_SCHEMA_WS_INDENT);
        aieng__buf_puts(&c.out,
            "value ::= object | array | string | number | \"true\" | \"false\" | \"null\"\n"
            "object ::= \"{\" ws (string ws \":\" ws value ws (\",\" ws string ws \":\" ws value ws)*)? \"}\"\n"
            "array ::= \"[\" ws (value ws (\",\" ws value ws)*)? \"]\"\n"
            "string ::= \"\\\"\" char* \"\\\"\"\n"
            "char ::= " AIENG__GBNF_JCHAR "\n"
            "number ::= integer (\".\" [0-9]{1,20})? ([eE] [-+]? [0-9]{1,4})?\n"
            "integer ::= \"-\"? (\"0\" | [1-9] [0-9]{0,19})\n");
        if (c.fmt_used) aieng__fmt_put_rules(&c.out);
    }
    AIENG_FREE((void *)c.memo_node, NULL); AIENG_FREE(c.memo_rule, NULL); aieng__iv_free(&c.empty);
    { int q; for (q = 0; q < c.nsynth; q++) aieng_json_free(c.synth[q]); AIENG_FREE(c.synth, NULL); }
    AIENG_FREE((void *)c.conv_from, NULL); AIENG_FREE((void *)c.conv_to, NULL); AIENG_FREE(c.conv_tag, NULL);
    { int q; for (q = 0; q < c.nset; q++) AIENG_FREE((void *)c.set_parts[q], NULL); }
    AIENG_FREE((void *)c.set_parts, NULL); AIENG_FREE(c.set_n, NULL); AIENG_FREE(c.set_rule, NULL);
    { int q; for (q = 0; q < c.nslm; q++) AIENG_FREE(c.slm_key[q], NULL); }
    AIENG_FREE(c.slm_key, NULL); AIENG_FREE(c.slm_rule, NULL);
    if (r < 0 || c.out.oom) {
        AIENG_FREE(c.out.p, NULL);
        if (c.out.oom) return aieng_set_error(AIENG_ERR_OOM, "schema: out of memory");
        return c.err != AIENG_OK ? c.err : AIENG_ERR_FORMAT;
    }
    *out = c.out.p;
    if (out_len) *out_len = c.out.n;
    if (opts && opts->relaxed && opts->relaxed_cap) {
        size_t k = strlen(c.relaxed);
        if (k >= opts->relaxed_cap) k = opts->relaxed_cap - 1;
        memcpy(opts->relaxed, c.relaxed, k);
        opts->relaxed[k] = 0;
    }
    return AIENG_OK;
}

/* ---------------------------------------------------------------- constrained sampling */
typedef struct aieng__cmask { uint32_t hash; int used; int acc; unsigned epoch; int *key; int nkey; uint32_t *bits; } aieng__cmask;
struct aieng_constrain {
    aieng_grammar *g;
    aieng_vocab v;
    /* trie in depth-first order; node 0 is the root (no byte) */
    unsigned char *tbyte; int *tdepth, *tend, *ttok_off, *ttok_n; int tn, maxdepth;
    int *toks;                              /* token ids grouped by trie node */
    /* grammar state */
    aieng_grammar_state *st;
    int finished;                           /* EOS accepted */
    /* walk scratch, one set per depth */
    aieng__iv *lvl;
    /* mask cache */
    aieng__cmask cache[AIENG_CONSTRAIN_CACHE];
    int next_slot, cur_slot;                /* cur_slot: mask of the current state, -1 unknown */
    uint32_t *tmpbits;
    aieng_constrain_stats stats;
    /* lazy DFA over grammar states: interned stack sets and their byte transitions */
    aieng__iv dset;                         /* the sets' node ids, concatenated */
    int *doff, *dlen, *dtrans, *dhash;      /* per set: offset, length (+acc in bit 30), 256 transitions */
    int dn, dcap, dhcap;
    unsigned depoch;
    int *lvl_sid;                           /* set id per trie depth during a walk */
    aieng__iv dscratch;
    unsigned char *wtxt; size_t capw;       /* %unique: the text so far plus the trie path of a walk */
    size_t wbase; int wchecked;             /* bytes of the state's text in wtxt (the path follows); checks met in this walk */
    const char **owned_tok;                 /* vocabulary arrays owned (aieng_constrain_new_model) */
    size_t *owned_len;
    unsigned char *owned_special;
};
static size_t aieng__tok_len(const aieng_vocab *v, int i) {
    return v->lens ? v->lens[i] : (v->tokens[i] ? strlen(v->tokens[i]) : 0);
}
static int aieng__cmp_tok(const aieng_vocab *v, int x, int y) {
    size_t lx = aieng__tok_len(v, x), ly = aieng__tok_len(v, y);
    int c = memcmp(v->tokens[x], v->tokens[y], lx < ly ? lx : ly);
    if (c) return c;
    return lx < ly ? -1 : lx > ly ? 1 : (x < y ? -1 : x > y);
}
/* bottom-up merge sort of token ids by their bytes (qsort has no context argument) */
static void aieng__sort_toks(const aieng_vocab *v, int *a, int *tmp, int n) {
    int w, i;
    for (w = 1; w < n; w *= 2) {
        for (i = 0; i < n; i += 2 * w) {
            int lo = i, mid = i + w < n ? i + w : n, hi = i + 2 * w < n ? i + 2 * w : n, p = lo, q = mid, k = lo;
            while (p < mid && q < hi) tmp[k++] = aieng__cmp_tok(v, a[p], a[q]) <= 0 ? a[p++] : a[q++];
            while (p < mid) tmp[k++] = a[p++];
            while (q < hi) tmp[k++] = a[q++];
        }
        memcpy(a, tmp, (size_t)n * sizeof(int));
    }
}
AIENG_API void aieng_constrain_free(aieng_constrain *c) {
    int i;
    if (!c) return;
    AIENG_FREE(c->tbyte, NULL); AIENG_FREE(c->tdepth, NULL); AIENG_FREE(c->tend, NULL);
    AIENG_FREE(c->ttok_off, NULL); AIENG_FREE(c->ttok_n, NULL); AIENG_FREE(c->toks, NULL);
    aieng_grammar_state_free(c->st);
    if (c->lvl) for (i = 0; i <= c->maxdepth; i++) aieng__iv_free(&c->lvl[i]);
    AIENG_FREE(c->lvl, NULL);
    for (i = 0; i < AIENG_CONSTRAIN_CACHE; i++) { AIENG_FREE(c->cache[i].key, NULL); AIENG_FREE(c->cache[i].bits, NULL); }
    AIENG_FREE(c->tmpbits, NULL);
    aieng__iv_free(&c->dset); aieng__iv_free(&c->dscratch);
    AIENG_FREE(c->doff, NULL); AIENG_FREE(c->dlen, NULL); AIENG_FREE(c->dtrans, NULL); AIENG_FREE(c->dhash, NULL);
    AIENG_FREE(c->lvl_sid, NULL);
    AIENG_FREE(c->wtxt, NULL);
    AIENG_FREE((void *)c->owned_tok, NULL); AIENG_FREE(c->owned_len, NULL); AIENG_FREE(c->owned_special, NULL);
    AIENG_FREE(c, NULL);
}
AIENG_API aieng_result aieng_constrain_new(aieng_grammar *g, const aieng_vocab *v, aieng_constrain **out) {
    aieng_constrain *c;
    int *ids = NULL, nids = 0, i, *stack = NULL, sp = 0;
    size_t words;
    if (!g || !v || !out || !v->tokens || v->n <= 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "constrain: bad arguments");
    *out = NULL;
    c = (aieng_constrain *)AIENG_MALLOC(sizeof *c, NULL);
    if (!c) return aieng_set_error(AIENG_ERR_OOM, "constrain: out of memory");
    memset(c, 0, sizeof *c);
    c->g = g; c->v = *v; c->cur_slot = -1;
    words = ((size_t)v->n + 31) / 32;
    ids = (int *)AIENG_MALLOC((size_t)v->n * sizeof(int), NULL);
    c->tmpbits = (uint32_t *)AIENG_MALLOC(words * sizeof(uint32_t), NULL);
    if (!ids || !c->tmpbits) goto oom;
    for (i = 0; i < v->n; i++) {
        size_t L = aieng__tok_len(v, i);
        if (i == v->eos || L == 0 || !v->tokens[i] || (v->special && v->special[i])) continue;
        if (L > 4096) { AIENG_FREE(ids, NULL); aieng_constrain_free(c); return aieng_set_error(AIENG_ERR_INVALID_ARG, "constrain: token %d longer than 4096 bytes", i); }
        ids[nids++] = i;
        if ((int)L > c->maxdepth) c->maxdepth = (int)L;
    }
    {
        int *tmp = (int *)AIENG_MALLOC((size_t)(nids + 1) * sizeof(int), NULL);
        if (!tmp) goto oom;
        aieng__sort_toks(v, ids, tmp, nids);
        AIENG_FREE(tmp, NULL);
    }
    { /* count nodes: 1 + sum over tokens of (len - lcp with the previous) */
        size_t total = 1;
        for (i = 0; i < nids; i++) {
            size_t L = aieng__tok_len(v, ids[i]), l = 0;
            if (i) {
                size_t P = aieng__tok_len(v, ids[i - 1]);
                while (l < L && l < P && v->tokens[ids[i]][l] == v->tokens[ids[i - 1]][l]) l++;
            }
            total += L - l;
        }
        if (total > 0x7fffffff) goto oom;
        c->tn = (int)total;
    }
    c->tbyte = (unsigned char *)AIENG_MALLOC((size_t)c->tn, NULL);
    c->tdepth = (int *)AIENG_MALLOC((size_t)c->tn * sizeof(int), NULL);
    c->tend = (int *)AIENG_MALLOC((size_t)c->tn * sizeof(int), NULL);
    c->ttok_off = (int *)AIENG_MALLOC((size_t)c->tn * sizeof(int), NULL);
    c->ttok_n = (int *)AIENG_MALLOC((size_t)c->tn * sizeof(int), NULL);
    c->toks = (int *)AIENG_MALLOC((size_t)(nids + 1) * sizeof(int), NULL);
    stack = (int *)AIENG_MALLOC((size_t)(c->maxdepth + 2) * sizeof(int), NULL);
    c->lvl = (aieng__iv *)AIENG_MALLOC((size_t)(c->maxdepth + 1) * sizeof(aieng__iv), NULL);
    c->lvl_sid = (int *)AIENG_MALLOC((size_t)(c->maxdepth + 1) * sizeof(int), NULL);
    if (!c->lvl_sid) goto oom;
    if (!c->tbyte || !c->tdepth || !c->tend || !c->ttok_off || !c->ttok_n || !c->toks || !stack || !c->lvl) goto oom;
    memset(c->lvl, 0, (size_t)(c->maxdepth + 1) * sizeof(aieng__iv));
    {
        int nn = 1, nt = 0;
        c->tbyte[0] = 0; c->tdepth[0] = 0; c->ttok_off[0] = 0; c->ttok_n[0] = 0;
        stack[0] = 0; sp = 1; /* stack[d] = node at depth d on the current path */
        for (i = 0; i < nids; i++) {
            size_t L = aieng__tok_len(v, ids[i]), l = 0, d;
            if (i) {
                size_t P = aieng__tok_len(v, ids[i - 1]);
                while (l < L && l < P && v->tokens[ids[i]][l] == v->tokens[ids[i - 1]][l]) l++;
            }
            while (sp > (int)l + 1) { sp--; c->tend[stack[sp]] = nn; }
            for (d = l; d < L; d++) {
                c->tbyte[nn] = (unsigned char)v->tokens[ids[i]][d];
                c->tdepth[nn] = (int)d + 1;
                c->ttok_off[nn] = nt; c->ttok_n[nn] = 0;
                stack[sp++] = nn;
                nn++;
            }
            /* the token ends at the node on top */
            if (c->ttok_n[stack[sp - 1]] == 0) c->ttok_off[stack[sp - 1]] = nt;
            c->toks[nt++] = ids[i];
            c->ttok_n[stack[sp - 1]]++;
        }
        while (sp > 0) { sp--; c->tend[stack[sp]] = nn; }
    }
    AIENG_FREE(ids, NULL); AIENG_FREE(stack, NULL);
    c->stats.trie_nodes = c->tn;
    if (aieng_grammar_state_new(g, &c->st) != AIENG_OK) { aieng_constrain_free(c); return AIENG_ERR_OOM; }
    *out = c;
    return AIENG_OK;
oom:
    AIENG_FREE(ids, NULL); AIENG_FREE(stack, NULL);
    aieng_constrain_free(c);
    return aieng_set_error(AIENG_ERR_OOM, "constrain: out of memory");
}
AIENG_API void aieng_constrain_reset(aieng_constrain *c) {
    aieng_grammar_state_reset(c->st);
    c->finished = 0;
    c->cur_slot = -1;
    c->wbase = 0; /* the walk's copy of the text starts again */
}
static uint32_t aieng__state_hash(const aieng_grammar_state *s) {
    uint32_t h = 2166136261u ^ (uint32_t)s->acc;
    int i;
    for (i = 0; i < s->cur.n; i++) { h ^= (uint32_t)s->cur.v[i]; h *= 16777619u; }
    return h;
}
/* Lazy DFA: each distinct set of parse stacks (with its "complete" flag) met during trie
   walks gets an id and a row of 256 transitions filled on first use, so a walk costs one
   table look-up per trie node once the rows exist. Flushed when it reaches
   AIENG_CONSTRAIN_DFA_STATES sets or when the grammar's node table is collected. */
#ifndef AIENG_CONSTRAIN_DFA_STATES
#define AIENG_CONSTRAIN_DFA_STATES 16384
#endif
#define AIENG__DFA_UNKNOWN (-2)
#define AIENG__DFA_DEAD (-1)
static void aieng__dfa_flush(aieng_constrain *c) {
    int i;
    c->dn = 0; c->dset.n = 0;
    for (i = 0; i < c->dhcap; i++) c->dhash[i] = -1;
    c->depoch = c->g->epoch;
}
static uint32_t aieng__dfa_hash(const int *v, int n, int acc) {
    uint32_t h = 2166136261u ^ (uint32_t)acc;
    int i;
    for (i = 0; i < n; i++) { h ^= (uint32_t)v[i]; h *= 16777619u; }
    return h;
}
/* id of the set v[0..n) (sorted) with flag acc; -3 on OOM */
static int aieng__dfa_intern(aieng_constrain *c, const int *v, int n, int acc) {
    uint32_t h, k;
    int id, i;
    if (c->dn * 2 >= c->dhcap) {
        int nc = c->dhcap ? c->dhcap * 2 : 1024, *nh = (int *)AIENG_MALLOC((size_t)nc * sizeof(int), NULL);
        if (!nh) return -3;
        for (i = 0; i < nc; i++) nh[i] = -1;
        for (i = 0; i < c->dn; i++) {
            k = aieng__dfa_hash(c->dset.v + c->doff[i], c->dlen[i] & 0x3FFFFFFF, c->dlen[i] >> 30) & (uint32_t)(nc - 1);
            while (nh[k] >= 0) k = (k + 1) & (uint32_t)(nc - 1);
            nh[k] = i;
        }
        AIENG_FREE(c->dhash, NULL); c->dhash = nh; c->dhcap = nc;
    }
    h = aieng__dfa_hash(v, n, acc);
    k = h & (uint32_t)(c->dhcap - 1);
    while ((id = c->dhash[k]) >= 0) {
        if ((c->dlen[id] >> 30) == acc && (c->dlen[id] & 0x3FFFFFFF) == n && (n == 0 || !memcmp(c->dset.v + c->doff[id], v, (size_t)n * sizeof(int)))) return id;
        k = (k + 1) & (uint32_t)(c->dhcap - 1);
    }
    if (c->dn == c->dcap) {
        int nc = c->dcap ? c->dcap * 2 : 256;
        int *no = (int *)AIENG_REALLOC(c->doff, (size_t)nc * sizeof(int), NULL), *nl, *nt;
        if (!no) return -3;
        c->doff = no;
        nl = (int *)AIENG_REALLOC(c->dlen, (size_t)nc * sizeof(int), NULL);
        if (!nl) return -3;
        c->dlen = nl;
        nt = (int *)AIENG_REALLOC(c->dtrans, (size_t)nc * 256 * sizeof(int), NULL);
        if (!nt) return -3;
        c->dtrans = nt; c->dcap = nc;
    }
    id = c->dn++;
    c->doff[id] = c->dset.n;
    c->dlen[id] = n | (acc << 30);
    for (i = 0; i < n; i++) if (!aieng__iv_push(&c->dset, v[i])) { c->dn--; return -3; }
    for (i = 0; i < 256; i++) c->dtrans[(size_t)id * 256 + (size_t)i] = AIENG__DFA_UNKNOWN;
    c->dhash[k] = id;
    return id;
}
/* the set after one byte (at trie depth d: the walk's text is c->wtxt[0..wbase + d));
   AIENG__DFA_DEAD when nothing survives; -3 on error. A step that evaluated a %unique check
   depends on the text, so it is not kept in the table (nor is the walk's mask). */
static int aieng__dfa_next(aieng_constrain *c, int sid, unsigned byte, int d) {
    int t = c->dtrans[(size_t)sid * 256 + byte], acc = 0, nchk = 0;
    if (t != AIENG__DFA_UNKNOWN) return t;
    {   /* copy the set out: the step may grow c->dset */
        int n = c->dlen[sid] & 0x3FFFFFFF, i;
        aieng__iv in;
        memset(&in, 0, sizeof in);
        for (i = 0; i < n; i++) if (!aieng__iv_push(&in, c->dset.v[c->doff[sid] + i])) { aieng__iv_free(&in); return -3; }
        if (!aieng__g_step(c->g, in.v, in.n, byte, &c->dscratch, &acc, c->wtxt, c->wtxt ? c->wbase + (size_t)d : 0, &nchk, 1)) { aieng__iv_free(&in); return -3; }
        aieng__iv_free(&in);
    }
    if (c->dscratch.n == 0 && !acc) t = AIENG__DFA_DEAD;
    else { t = aieng__dfa_intern(c, c->dscratch.v, c->dscratch.n, acc); if (t < 0) return -3; }
    if (nchk) c->wchecked = 1;
    else c->dtrans[(size_t)sid * 256 + byte] = t;
    return t;
}
/* the cache slot holding the mask of the current state, computing it if needed; -1 on error */
static int aieng__constrain_slot(aieng_constrain *c) {
    aieng_grammar_state *s = c->st;
    uint32_t h;
    int i, slot, node;
    size_t words = ((size_t)c->v.n + 31) / 32;
    aieng__cmask *m;
    if (c->cur_slot >= 0 && c->cache[c->cur_slot].epoch == c->g->epoch) return c->cur_slot;
    c->stats.mask_calls++;
    h = aieng__state_hash(s);
    for (i = 0; i < AIENG_CONSTRAIN_CACHE; i++) {
        m = &c->cache[i];
        if (m->used && m->hash == h && m->acc == s->acc && m->epoch == c->g->epoch && m->nkey == s->cur.n &&
            (m->nkey == 0 || memcmp(m->key, s->cur.v, (size_t)m->nkey * sizeof(int)) == 0)) {
            c->stats.cache_hits++;
            return c->cur_slot = i;
        }
    }
    slot = c->next_slot;
    c->next_slot = (c->next_slot + 1) % AIENG_CONSTRAIN_CACHE;
    m = &c->cache[slot];
    m->used = 0;
    if (!m->bits) { m->bits = (uint32_t *)AIENG_MALLOC(words * sizeof(uint32_t), NULL); if (!m->bits) return -1; }
    AIENG_FREE(m->key, NULL);
    m->key = (int *)AIENG_MALLOC((size_t)(s->cur.n + 1) * sizeof(int), NULL);
    if (!m->key) return -1;
    if (s->cur.n) memcpy(m->key, s->cur.v, (size_t)s->cur.n * sizeof(int));
    m->nkey = s->cur.n; m->hash = h; m->acc = s->acc; m->epoch = c->g->epoch;
    memset(m->bits, 0, words * sizeof(uint32_t));
    if (c->depoch != c->g->epoch || c->dn >= AIENG_CONSTRAIN_DFA_STATES) aieng__dfa_flush(c);
    c->lvl_sid[0] = aieng__dfa_intern(c, s->cur.v, s->cur.n, s->acc);
    if (c->lvl_sid[0] < 0) return -1;
    c->wchecked = 0;
    if (c->g->nchk) { /* %unique and %valid checks read the text: the state's, then the trie path */
        size_t need = s->ntxt + (size_t)c->maxdepth + AIENG__G_LOOKAHEAD + 2;
        if (need > c->capw) {
            unsigned char *p = (unsigned char *)AIENG_REALLOC(c->wtxt, need, NULL);
            if (!p) return -1;
            c->wtxt = p; c->capw = need;
        }
        if (s->ntxt < c->wbase) c->wbase = 0; /* wtxt[0..wbase) holds the state's text already: copy what it gained since */
        if (s->ntxt > c->wbase) memcpy(c->wtxt + c->wbase, s->txt + c->wbase, s->ntxt - c->wbase);
        c->wbase = s->ntxt;
    }
    node = 1;
    while (node < c->tn) {
        int d = c->tdepth[node], sid;
        if (c->wtxt) c->wtxt[c->wbase + (size_t)d - 1] = c->tbyte[node];
        sid = aieng__dfa_next(c, c->lvl_sid[d - 1], c->tbyte[node], d);
        c->stats.trie_nodes_visited++;
        if (sid == -3) return -1;
        if (sid == AIENG__DFA_DEAD) { node = c->tend[node]; continue; }
        for (i = 0; i < c->ttok_n[node]; i++) {
            int t = c->toks[c->ttok_off[node] + i];
            m->bits[t >> 5] |= 1u << (t & 31);
        }
        if ((c->dlen[sid] & 0x3FFFFFFF) == 0) { node = c->tend[node]; continue; } /* complete, nothing may follow */
        c->lvl_sid[d] = sid;
        node++;
    }
    if (s->acc && c->v.eos >= 0 && c->v.eos < c->v.n) m->bits[c->v.eos >> 5] |= 1u << (c->v.eos & 31);
    m->used = !c->wchecked; /* a mask that read the text holds for this text only */
    return c->cur_slot = slot;
}
AIENG_API const uint32_t *aieng_constrain_allowed(aieng_constrain *c) {
    int slot;
    size_t words = ((size_t)c->v.n + 31) / 32;
    if (c->finished) { memset(c->tmpbits, 0, words * sizeof(uint32_t)); return c->tmpbits; }
    slot = aieng__constrain_slot(c);
    if (slot < 0) { aieng_set_error(AIENG_ERR_OOM, "constrain: out of memory or a grammar bound was hit"); return NULL; }
    return c->cache[slot].bits;
}
AIENG_API int aieng_constrain_allows(aieng_constrain *c, int t) {
    size_t L;
    c->stats.allows_calls++;
    if (t < 0 || t >= c->v.n || c->finished) return 0;
    if (c->cur_slot >= 0 && c->cache[c->cur_slot].epoch == c->g->epoch) return (int)((c->cache[c->cur_slot].bits[t >> 5] >> (t & 31)) & 1);
    if (t == c->v.eos) return c->st->acc;
    if (c->v.special && c->v.special[t]) return 0;
    L = aieng__tok_len(&c->v, t);
    if (L == 0) return 0;
    return aieng_grammar_state_allows(c->st, c->v.tokens[t], L);
}
AIENG_API aieng_result aieng_constrain_mask(aieng_constrain *c, float *logits, int n_vocab) {
    const uint32_t *bits = aieng_constrain_allowed(c);
    int i, n = n_vocab < c->v.n ? n_vocab : c->v.n;
    if (!bits) return AIENG_ERR_OOM;
    for (i = 0; i + 32 <= n; i += 32) {
        uint32_t w = bits[i >> 5];
        int k;
        if (w == 0xFFFFFFFFu) continue;
        for (k = 0; k < 32; k++) if (!((w >> k) & 1)) logits[i + k] = -INFINITY;
    }
    for (; i < n; i++) if (!((bits[i >> 5] >> (i & 31)) & 1)) logits[i] = -INFINITY;
    for (i = n; i < n_vocab; i++) logits[i] = -INFINITY;
    return AIENG_OK;
}
AIENG_API void aieng_constrain_logits(float *logits, int n_vocab, void *user) {
    if (aieng_constrain_mask((aieng_constrain *)user, logits, n_vocab) != AIENG_OK) {
        int i; /* on failure allow nothing but EOS, so generation stops instead of going astray */
        aieng_constrain *c = (aieng_constrain *)user;
        for (i = 0; i < n_vocab; i++) if (i != c->v.eos) logits[i] = -INFINITY;
    }
}
AIENG_API aieng_result aieng_constrain_accept(aieng_constrain *c, int t) {
    aieng_result r;
    if (t < 0 || t >= c->v.n) return aieng_set_error(AIENG_ERR_RANGE, "constrain: token %d out of range", t);
    if (c->finished) return aieng_set_error(AIENG_ERR_STATE, "constrain: EOS was already accepted");
    if (t == c->v.eos) {
        if (!c->st->acc) return aieng_set_error(AIENG_ERR_FORMAT, "constrain: EOS before the output is complete");
        c->finished = 1;
        return AIENG_OK;
    }
    if ((c->v.special && c->v.special[t]) || aieng__tok_len(&c->v, t) == 0)
        return aieng_set_error(AIENG_ERR_FORMAT, "constrain: token %d is a control token", t);
    r = aieng_grammar_state_advance(c->st, c->v.tokens[t], aieng__tok_len(&c->v, t));
    if (r != AIENG_OK) return aieng_set_error(r, "constrain: token %d may not come here", t);
    c->cur_slot = -1;
    return AIENG_OK;
}
AIENG_API int aieng_constrain_complete(const aieng_constrain *c) { return c->finished || c->st->acc; }
AIENG_API int aieng_constrain_done(const aieng_constrain *c) { return c->finished || (c->st->acc && c->st->cur.n == 0); }
AIENG_API void aieng_constrain_get_stats(const aieng_constrain *c, aieng_constrain_stats *st) { *st = c->stats; }
AIENG_API void aieng_constrain_clear_cache(aieng_constrain *c) {
    int i;
    for (i = 0; i < AIENG_CONSTRAIN_CACHE; i++) c->cache[i].used = 0;
    c->cur_slot = -1;
}

/* ---------------------------------------------------------------- generation with a model */
#ifdef AIENG_TRANSFORMER_H
#if defined(_POSIX_C_SOURCE) && _POSIX_C_SOURCE >= 199309L
#include <time.h>
static double aieng__agent_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
#else
#include <time.h>
static double aieng__agent_now(void) { return (double)clock() / CLOCKS_PER_SEC; }
#endif
AIENG_API aieng_result aieng_constrain_new_model(aieng_grammar *g, const aieng_model *m, aieng_constrain **out) {
    const aieng_model_hparams *hp;
    aieng_vocab v;
    const char **tok;
    size_t *len;
    unsigned char *special;
    int n, i, eos = -1;
    aieng_result r;
    if (!g || !m || !out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "constrain: bad arguments");
    *out = NULL;
    hp = aieng_model_get_hparams(m);
    if (!hp || hp->n_vocab <= 0 || hp->n_vocab > 0x7fffffff) return aieng_set_error(AIENG_ERR_INVALID_ARG, "constrain: model without a vocabulary");
    n = (int)hp->n_vocab;
    tok = (const char **)AIENG_MALLOC((size_t)n * sizeof *tok, NULL);
    len = (size_t *)AIENG_MALLOC((size_t)n * sizeof *len, NULL);
    special = (unsigned char *)AIENG_MALLOC((size_t)n, NULL);
    if (!tok || !len || !special) {
        AIENG_FREE(tok, NULL); AIENG_FREE(len, NULL); AIENG_FREE(special, NULL);
        return aieng_set_error(AIENG_ERR_OOM, "constrain: out of memory");
    }
    if (hp->eos_id >= 0 && hp->eos_id < n && aieng_model_is_eog(m, hp->eos_id)) eos = hp->eos_id;
    for (i = 0; i < n; i++) {
        const char *b = NULL;
        size_t l = 0;
        if (aieng_model_token_bytes(m, i, &b, &l) != AIENG_OK) { b = ""; l = 0; }
        tok[i] = b; len[i] = l;
        special[i] = (unsigned char)(aieng_model_is_control(m, i) || aieng_model_is_eog(m, i));
        if (eos < 0 && aieng_model_is_eog(m, i)) eos = i;
    }
    v.tokens = tok; v.lens = len; v.n = n; v.eos = eos; v.special = special;
    r = aieng_constrain_new(g, &v, out);
    if (r != AIENG_OK) { AIENG_FREE(tok, NULL); AIENG_FREE(len, NULL); AIENG_FREE(special, NULL); return r; }
    (*out)->owned_tok = tok; (*out)->owned_len = len; (*out)->owned_special = special;
    return AIENG_OK;
}
AIENG_API int32_t aieng_constrain_sample(aieng_constrain *c, aieng_sampler *smp, const float *logits, float *work,
                                         aieng_logit_processor proc, void *user) {
    int64_t n_vocab = smp->n_vocab;
    const uint32_t *bits;
    int32_t id;
    if (n_vocab != c->v.n) { aieng_set_error(AIENG_ERR_INVALID_ARG, "constrain: the sampler's vocabulary is not the constrainer's"); return -1; }
    memcpy(work, logits, (size_t)n_vocab * sizeof(float));
    if (proc) proc(work, (int)n_vocab, user);
    id = aieng_sampler_sample(smp, work, NULL, NULL);
    if (!aieng_constrain_allows(c, id)) { /* slow path: mask, sample again */
        memcpy(work, logits, (size_t)n_vocab * sizeof(float));
        if (proc) proc(work, (int)n_vocab, user);
        if (aieng_constrain_mask(c, work, (int)n_vocab) != AIENG_OK) return -1;
        id = aieng_sampler_sample(smp, work, NULL, NULL);
        bits = aieng_constrain_allowed(c);
        if (!bits) return -1;
        if (id < 0 || id >= n_vocab || !((bits[id >> 5] >> (id & 31)) & 1)) {
            aieng_set_error(AIENG_ERR_STATE, "constrain: no token of the vocabulary may come next");
            return -1;
        }
    }
    if (aieng_constrain_accept(c, id) != AIENG_OK) return -1;
    aieng_sampler_accept(smp, id);
    return id;
}
AIENG_API aieng_result aieng_constrain_generate(aieng_model *m, aieng_constrain *c, const int32_t *prompt,
                                                int64_t n_prompt, const aieng_generate_config *cfg,
                                                aieng_generate_stats *stats) {
    aieng_generate_config gc;
    aieng_generate_stats st;
    aieng_sampler smp;
    const float *lg = NULL;
    float *buf;
    aieng_result r;
    int64_t i, n_vocab;
    double t0;
    int stop = -1;
    if (stats) memset(stats, 0, sizeof *stats);
    if (!m || !c || !prompt || n_prompt <= 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "generate: bad arguments or empty prompt");
    if (cfg) gc = *cfg;
    else memset(&gc, 0, sizeof gc);
    if (gc.n_stop > 0) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "generate: stop strings are not supported with a grammar");
    n_vocab = aieng_model_get_hparams(m)->n_vocab;
    if (n_vocab != c->v.n) return aieng_set_error(AIENG_ERR_INVALID_ARG, "generate: the constrainer's vocabulary is not the model's");
    memset(&st, 0, sizeof st);
    aieng_constrain_reset(c);
    buf = (float *)AIENG_MALLOC((size_t)n_vocab * sizeof(float), NULL);
    if (!buf) return aieng_set_error(AIENG_ERR_OOM, "generate: out of memory");
    r = aieng_sampler_init(&smp, &gc.sampler, n_vocab, NULL);
    if (r != AIENG_OK) { AIENG_FREE(buf, NULL); return r; }
    for (i = 0; i < n_prompt; i++) aieng_sampler_accept(&smp, prompt[i]);
    st.n_prompt = n_prompt;
    t0 = aieng__agent_now();
    r = aieng_model_eval(m, prompt, n_prompt, &lg);
    st.prefill_seconds = aieng__agent_now() - t0;
    if (r != AIENG_OK) aieng_set_error(r, "generate: %s", aieng_model_error(m));
    t0 = aieng__agent_now();
    while (r == AIENG_OK) {
        int32_t id;
        const char *b;
        size_t l;
        if (aieng_constrain_done(c)) { stop = 1; break; } /* complete, nothing but EOS may follow */
        if (gc.max_tokens > 0 && st.n_generated >= gc.max_tokens) { stop = 0; break; }
        id = aieng_constrain_sample(c, &smp, lg, buf, gc.logit_processor, gc.logit_user);
        if (id < 0) { r = strstr(aieng_last_error(), "no token") ? AIENG_ERR_STATE : AIENG_ERR_OOM; break; }
        st.n_generated++;
        if (id == c->v.eos) { stop = 1; break; }
        b = c->v.tokens[id];
        l = aieng__tok_len(&c->v, id);
        if (gc.on_text && gc.on_text(b, l, id, gc.user)) { stop = 3; break; }
        if (aieng_model_n_past(m) >= aieng_model_n_ctx(m)) { stop = 4; break; }
        if (aieng_constrain_done(c)) { stop = 1; break; } /* the last token is not evaluated, as after EOS */
        r = aieng_model_eval(m, &id, 1, &lg);
        if (r != AIENG_OK) aieng_set_error(r, "generate: %s", aieng_model_error(m));
    }
    st.decode_seconds = aieng__agent_now() - t0;
    st.stopped_by = stop < 0 ? 0 : stop;
    aieng_sampler_free(&smp);
    AIENG_FREE(buf, NULL);
    if (stats) *stats = st;
    if (r != AIENG_OK) return r;
    if ((stop == 0 || stop == 4) && !aieng_constrain_complete(c))
        return aieng_set_error(AIENG_ERR_RANGE, "generate: %s ran out after %lld tokens, before the output was complete "
                               "(the text so far is not a valid answer)",
                               stop == 0 ? "the token budget" : "the context", (long long)st.n_generated);
    return AIENG_OK;
}
#endif /* AIENG_TRANSFORMER_H */

/* ---------------------------------------------------------------- tools */
/* the last error with a prefix ("what \"name\": " or "what: "); copied first, as the message
   is written into the buffer it is read from */
static aieng_result aieng__err_wrap(aieng_result r, const char *what, const char *name) {
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", aieng_last_error());
    if (name) return aieng_set_error(r, "%s \"%s\": %s", what, name, tmp);
    return aieng_set_error(r, "%s: %s", what, tmp);
}
typedef struct aieng__tool {
    char *name;              /* NUL-terminated */
    char *spec;              /* normalized spec, compact JSON */
    aieng_json_doc *params;  /* normalized parameters (refs into themselves) */
    aieng_tool_fn fn;
    void *user;
} aieng__tool;
typedef struct aieng__treply { aieng_tools_reply rp; int ntools; aieng_json_doc *doc; } aieng__treply;
struct aieng_tools {
    aieng__tool *v;
    int n, cap;
    aieng__treply *rs;       /* reply schemas made so far (kept: grammars read them) */
    int nrs, caprs;
};

/* BFCL's Python-flavoured type names as JSON Schema names */
static void aieng__tn_type(aieng__buf *b, const aieng_json *v) {
    static const char *const from[] = {"dict", "float", "tuple", "any"};
    static const char *const to[] = {"object", "number", "array", "string"};
    int i;
    if (v->type == AIENG_JSON_STRING) {
        for (i = 0; i < 4; i++)
            if (!strcmp(v->s, from[i])) { aieng__json_write_str(b, to[i], strlen(to[i])); return; }
    }
    aieng__json_write(b, v, 0, 0);
}
static int aieng__tn_schema(aieng__buf *b, const aieng_json *s, const char *refp, int ms, int mi, int depth);
static int aieng__tn_map(aieng__buf *b, const aieng_json *m, const char *refp, int ms, int mi, int depth) {
    size_t i;
    if (m->type != AIENG_JSON_OBJECT) { aieng__json_write(b, m, 0, 0); return 1; }
    aieng__buf_putc(b, '{');
    for (i = 0; i < m->n; i++) {
        if (i) aieng__buf_putc(b, ',');
        aieng__json_write_str(b, m->items[i]->key, m->items[i]->key_len);
        aieng__buf_putc(b, ':');
        if (!aieng__tn_schema(b, m->items[i], refp, ms, mi, depth + 1)) return 0;
    }
    aieng__buf_putc(b, '}');
    return 1;
}
static int aieng__tn_list(aieng__buf *b, const aieng_json *a, const char *refp, int ms, int mi, int depth) {
    size_t i;
    if (a->type != AIENG_JSON_ARRAY) return aieng__tn_schema(b, a, refp, ms, mi, depth + 1);
    aieng__buf_putc(b, '[');
    for (i = 0; i < a->n; i++) {
        if (i) aieng__buf_putc(b, ',');
        if (!aieng__tn_schema(b, a->items[i], refp, ms, mi, depth + 1)) return 0;
    }
    aieng__buf_putc(b, ']');
    return 1;
}
/* 1 when a "$ref" of s stands where narrowing a schema may widen the whole (under not, if,
   oneOf or contains): its target may be bounded, so the tool's bounds are left out */
static int aieng__tn_negref(const aieng_json *s, int neg, int depth) {
    size_t i;
    if (depth > 512 || (s->type != AIENG_JSON_OBJECT && s->type != AIENG_JSON_ARRAY)) return 0;
    for (i = 0; i < s->n; i++) {
        const aieng_json *v = s->items[i];
        const char *key = s->type == AIENG_JSON_OBJECT ? v->key : "";
        if (!strcmp(key, "enum") || !strcmp(key, "const") || !strcmp(key, "default") || !strcmp(key, "examples")) continue;
        if (neg && !strcmp(key, "$ref")) return 1;
        if (aieng__tn_negref(v, neg || !strcmp(key, "not") || !strcmp(key, "if") || !strcmp(key, "oneOf") || !strcmp(key, "contains"),
                             depth + 1)) return 1;
    }
    return 0;
}
/* writes schema s with type names mapped, "optional": bool dropped and local refs "#..."
   prefixed by refp; ms > 0 / mi > 0: a maxLength of ms / maxItems of mi where a string /
   array type has none, only where that narrows the whole: not under not, if, oneOf or
   contains (a narrower not / if condition / oneOf branch / contains can widen it); 0 when
   nested too deep */
static int aieng__tn_schema(aieng__buf *b, const aieng_json *s, const char *refp, int ms, int mi, int depth) {
    static const char *const maps[] = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas", NULL};
    static const char *const one[] = {"items", "additionalProperties", "additionalItems", "not", "if", "then", "else",
                                      "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", NULL};
    static const char *const lists[] = {"anyOf", "oneOf", "allOf", "prefixItems", NULL};
    size_t i;
    int first = 1, k;
    if (depth > 256) return 0;
    if (s->type != AIENG_JSON_OBJECT) { aieng__json_write(b, s, 0, 0); return 1; }
    aieng__buf_putc(b, '{');
    for (i = 0; i < s->n; i++) {
        const aieng_json *v = s->items[i];
        const char *key = v->key;
        int done = 0;
        if (!strcmp(key, "optional") && v->type == AIENG_JSON_BOOL) continue;
        if (!first) aieng__buf_putc(b, ',');
        first = 0;
        aieng__json_write_str(b, key, v->key_len);
        aieng__buf_putc(b, ':');
        if (!strcmp(key, "type")) {
            if (v->type == AIENG_JSON_ARRAY) {
                size_t j;
                aieng__buf_putc(b, '[');
                for (j = 0; j < v->n; j++) { if (j) aieng__buf_putc(b, ','); aieng__tn_type(b, v->items[j]); }
                aieng__buf_putc(b, ']');
            } else aieng__tn_type(b, v);
            continue;
        }
        if (!strcmp(key, "$ref") && v->type == AIENG_JSON_STRING && v->len && v->s[0] == '#') {
            aieng__buf b2;
            memset(&b2, 0, sizeof b2);
            aieng__buf_puts(&b2, refp);
            aieng__buf_put(&b2, v->s + 1, v->len - 1);
            if (b2.oom) { b->oom = 1; return 1; }
            aieng__json_write_str(b, b2.p, b2.n);
            AIENG_FREE(b2.p, NULL);
            continue;
        }
        for (k = 0; maps[k] && !done; k++)
            if (!strcmp(key, maps[k])) { if (!aieng__tn_map(b, v, refp, ms, mi, depth)) return 0; done = 1; }
        for (k = 0; one[k] && !done; k++)
            if (!strcmp(key, one[k])) {
                int neg = !strcmp(key, "not") || !strcmp(key, "if") || !strcmp(key, "contains");
                int ms2 = neg ? 0 : ms, mi2 = neg ? 0 : mi;
                if (!(v->type == AIENG_JSON_ARRAY ? aieng__tn_list(b, v, refp, ms2, mi2, depth) : aieng__tn_schema(b, v, refp, ms2, mi2, depth + 1))) return 0;
                done = 1;
            }
        for (k = 0; lists[k] && !done; k++)
            if (!strcmp(key, lists[k])) {
                int neg = !strcmp(key, "oneOf");
                if (!aieng__tn_list(b, v, refp, neg ? 0 : ms, neg ? 0 : mi, depth)) return 0;
                done = 1;
            }
        if (!done && !strcmp(key, "dependencies") && v->type == AIENG_JSON_OBJECT) {
            if (!aieng__tn_map(b, v, refp, ms, mi, depth)) return 0; /* array values are written as they are */
            done = 1;
        }
        if (!done) aieng__json_write(b, v, 0, 0);
    }
    if (ms > 0 || mi > 0) {
        const aieng_json *ty = aieng_json_get(s, "type");
        int str = 0, arr = 0;
        if (ty && ty->type == AIENG_JSON_STRING) {
            str = !strcmp(ty->s, "string") || !strcmp(ty->s, "any");
            arr = !strcmp(ty->s, "array") || !strcmp(ty->s, "tuple");
        }
        for (i = 0; ty && ty->type == AIENG_JSON_ARRAY && i < ty->n; i++)
            if (ty->items[i]->type == AIENG_JSON_STRING) {
                str |= !strcmp(ty->items[i]->s, "string") || !strcmp(ty->items[i]->s, "any");
                arr |= !strcmp(ty->items[i]->s, "array") || !strcmp(ty->items[i]->s, "tuple");
            }
        /* a format or a pattern has its own shape (a bound could make it impossible); a
           minLength / minItems above the bound raises it */
        const aieng_json *mn = aieng_json_get(s, "minLength"), *mni = aieng_json_get(s, "minItems");
        if (mn && mn->type == AIENG_JSON_NUMBER && mn->d > ms) ms = mn->d < 1e9 ? (int)mn->d : ms;
        if (mni && mni->type == AIENG_JSON_NUMBER && mni->d > mi) mi = mni->d < 1e9 ? (int)mni->d : mi;
        if (ms > 0 && str && !aieng_json_get(s, "maxLength") && !aieng_json_get(s, "enum") && !aieng_json_get(s, "const") &&
            !aieng_json_get(s, "format") && !aieng_json_get(s, "pattern"))
            aieng__buf_printf(b, "%s\"maxLength\":%d", first ? "" : ",", ms), first = 0;
        if (mi > 0 && arr && !aieng_json_get(s, "maxItems")) aieng__buf_printf(b, "%s\"maxItems\":%d", first ? "" : ",", mi);
    }
    aieng__buf_putc(b, '}');
    return 1;
}

AIENG_API aieng_result aieng_tools_new(aieng_tools **out) {
    if (!out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "tools: NULL argument");
    *out = (aieng_tools *)AIENG_MALLOC(sizeof(aieng_tools), NULL);
    if (!*out) return aieng_set_error(AIENG_ERR_OOM, "tools: out of memory");
    memset(*out, 0, sizeof **out);
    return AIENG_OK;
}
AIENG_API void aieng_tools_free(aieng_tools *t) {
    int i;
    if (!t) return;
    for (i = 0; i < t->n; i++) {
        AIENG_FREE(t->v[i].name, NULL);
        AIENG_FREE(t->v[i].spec, NULL);
        aieng_json_free(t->v[i].params);
    }
    for (i = 0; i < t->nrs; i++) aieng_json_free(t->rs[i].doc);
    AIENG_FREE(t->v, NULL);
    AIENG_FREE(t->rs, NULL);
    AIENG_FREE(t, NULL);
}
AIENG_API int aieng_tools_count(const aieng_tools *t) { return t ? t->n : 0; }
AIENG_API const char *aieng_tools_name(const aieng_tools *t, int i) { return t && i >= 0 && i < t->n ? t->v[i].name : NULL; }
AIENG_API const char *aieng_tools_spec(const aieng_tools *t, int i) { return t && i >= 0 && i < t->n ? t->v[i].spec : NULL; }

static int aieng__tools_find(const aieng_tools *t, const char *name, size_t len) {
    int i;
    for (i = 0; i < t->n; i++)
        if (strlen(t->v[i].name) == len && !memcmp(t->v[i].name, name, len)) return i;
    return -1;
}

AIENG_API aieng_result aieng_tools_add(aieng_tools *t, const char *spec, size_t len, aieng_tool_fn fn, void *user) {
    aieng_json_doc *d = NULL, *pd = NULL;
    const aieng_json *f, *nm, *desc, *par;
    aieng__buf pb, sb;
    aieng_result r;
    aieng__tool tl;
    char *gbnf = NULL;
    size_t i;
    if (!t || !spec) return aieng_set_error(AIENG_ERR_INVALID_ARG, "tools: NULL argument");
    r = aieng_json_parse(spec, len, NULL, &d);
    if (r != AIENG_OK) return r;
    f = aieng_json_root(d);
    if (f->type == AIENG_JSON_OBJECT && aieng_json_get(f, "function") && aieng_json_get(f, "function")->type == AIENG_JSON_OBJECT)
        f = aieng_json_get(f, "function");
    nm = aieng_json_get(f, "name");
    desc = aieng_json_get(f, "description");
    par = aieng_json_get(f, "parameters");
    if (f->type != AIENG_JSON_OBJECT || !nm || nm->type != AIENG_JSON_STRING) {
        aieng_json_free(d);
        return aieng_set_error(AIENG_ERR_FORMAT, "tools: a spec needs a \"name\" string");
    }
    if (nm->len == 0 || nm->len > 64 || strlen(nm->s) != nm->len) {
        aieng_json_free(d);
        return aieng_set_error(AIENG_ERR_FORMAT, "tools: a name is 1 to 64 bytes without NUL");
    }
    for (i = 0; i < nm->len; i++)
        if ((unsigned char)nm->s[i] < 0x20 || nm->s[i] == 0x7f) {
            aieng_json_free(d);
            return aieng_set_error(AIENG_ERR_FORMAT, "tools: control character in a tool's name");
        }
    if (aieng__tools_find(t, nm->s, nm->len) >= 0) {
        r = aieng_set_error(AIENG_ERR_INVALID_ARG, "tools: \"%s\" is already a tool", nm->s);
        aieng_json_free(d);
        return r;
    }
    if (desc && desc->type != AIENG_JSON_STRING) {
        r = aieng_set_error(AIENG_ERR_FORMAT, "tools: \"description\" of \"%s\" is not a string", nm->s);
        aieng_json_free(d);
        return r;
    }
    if (par && par->type != AIENG_JSON_OBJECT) {
        r = aieng_set_error(AIENG_ERR_FORMAT, "tools: \"parameters\" of \"%s\" is not an object", nm->s);
        aieng_json_free(d);
        return r;
    }
    memset(&pb, 0, sizeof pb);
    memset(&sb, 0, sizeof sb);
    if (par) {
        if (!aieng__tn_schema(&pb, par, "#", 0, 0, 0)) {
            AIENG_FREE(pb.p, NULL);
            r = aieng_set_error(AIENG_ERR_FORMAT, "tools: parameters of \"%s\" nested too deep", nm->s);
            aieng_json_free(d);
            return r;
        }
    } else aieng__buf_puts(&pb, "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}");
    /* undeclared arguments are not allowed unless the spec says so (OpenAI's strict mode) */
    if (par && !pb.oom && !aieng_json_get(par, "additionalProperties") && !aieng_json_get(par, "patternProperties") &&
        pb.n >= 2 && pb.p[pb.n - 1] == '}') {
        pb.n--;
        aieng__buf_puts(&pb, pb.p[pb.n - 1] == '{' ? "\"additionalProperties\":false}" : ",\"additionalProperties\":false}");
    }
    r = pb.oom ? aieng_set_error(AIENG_ERR_OOM, "tools: out of memory") : aieng_json_parse(pb.p, pb.n, NULL, &pd);
    /* the parameters must compile (a keyword outside the table is named here) */
    if (r == AIENG_OK) {
        r = aieng_schema_to_gbnf(aieng_json_root(pd), NULL, &gbnf, NULL);
        if (r != AIENG_OK) r = aieng__err_wrap(r, "tools: parameters of", nm->s);
        AIENG_FREE(gbnf, NULL);
    }
    if (r == AIENG_OK) {
        aieng__buf_puts(&sb, "{\"name\":");
        aieng__json_write_str(&sb, nm->s, nm->len);
        if (desc) { aieng__buf_puts(&sb, ",\"description\":"); aieng__json_write_str(&sb, desc->s, desc->len); }
        aieng__buf_puts(&sb, ",\"parameters\":");
        aieng__buf_put(&sb, pb.p, pb.n);
        aieng__buf_putc(&sb, '}');
        memset(&tl, 0, sizeof tl);
        tl.name = (char *)AIENG_MALLOC(nm->len + 1, NULL);
        if (sb.oom || !tl.name) r = aieng_set_error(AIENG_ERR_OOM, "tools: out of memory");
        if (r == AIENG_OK && t->n == t->cap) {
            int nc = t->cap ? 2 * t->cap : 8;
            aieng__tool *nv = (aieng__tool *)AIENG_REALLOC(t->v, (size_t)nc * sizeof *nv, NULL);
            if (!nv) r = aieng_set_error(AIENG_ERR_OOM, "tools: out of memory");
            else { t->v = nv; t->cap = nc; }
        }
        if (r == AIENG_OK) {
            memcpy(tl.name, nm->s, nm->len + 1);
            tl.spec = sb.p; sb.p = NULL;
            tl.params = pd; pd = NULL;
            tl.fn = fn; tl.user = user;
            t->v[t->n++] = tl;
        } else AIENG_FREE(tl.name, NULL);
    }
    AIENG_FREE(pb.p, NULL);
    AIENG_FREE(sb.p, NULL);
    aieng_json_free(pd);
    aieng_json_free(d);
    return r;
}

static aieng_tools_reply aieng__tools_rp(const aieng_tools_reply *rp) {
    aieng_tools_reply x;
    if (rp) x = *rp;
    else { memset(&x, 0, sizeof x); x.thought_max = 256; }
    if (x.max_calls <= 0) x.max_calls = 1;
    if (x.thought_max < 0) x.thought_max = 0;
    if (x.answer_max < 0) x.answer_max = 0;
    if (x.max_string < 0) x.max_string = 0;
    if (x.max_items < 0) x.max_items = 0;
    return x;
}
static void aieng__tools_schema_text(const aieng_tools *t, const aieng_tools_reply *x, aieng__buf *b) {
    int i, branch;
    int with_calls = t->n > 0 && !(x->flags & AIENG_TOOLS_NO_CALLS), with_answer = !(x->flags & AIENG_TOOLS_NO_ANSWER);
    char refp[32];
    aieng__buf_puts(b, "{\"$defs\":{");
    for (i = 0; i < t->n; i++) {
        aieng_json_doc *pd = t->v[i].params;
        if (i) aieng__buf_putc(b, ',');
        aieng__buf_printf(b, "\"t%d\":", i);
        snprintf(refp, sizeof refp, "#/$defs/t%d", i);
        if (aieng__tn_negref(aieng_json_root(pd), 0, 0)) aieng__tn_schema(b, aieng_json_root(pd), refp, 0, 0, 0); /* unbounded: still valid */
        else aieng__tn_schema(b, aieng_json_root(pd), refp, x->max_string, x->max_items, 0);
    }
    aieng__buf_puts(b, "},\"anyOf\":[");
    for (branch = 0; branch < 2; branch++) {
        int calls = branch == 0;
        if (calls ? !with_calls : !with_answer) continue;
        if (branch && with_calls) aieng__buf_putc(b, ',');
        aieng__buf_puts(b, "{\"type\":\"object\",\"properties\":{");
        if (x->thought_max > 0) aieng__buf_printf(b, "\"thought\":{\"type\":\"string\",\"maxLength\":%d},", x->thought_max);
        if (calls) {
            aieng__buf_printf(b, "\"calls\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":%d,%s\"items\":{\"anyOf\":[", x->max_calls,
                              x->max_calls > 1 ? "\"uniqueItems\":true," : "");
            for (i = 0; i < t->n; i++) {
                if (i) aieng__buf_putc(b, ',');
                aieng__buf_puts(b, "{\"type\":\"object\",\"properties\":{\"name\":{\"const\":");
                aieng__json_write_str(b, t->v[i].name, strlen(t->v[i].name));
                aieng__buf_printf(b, "},\"arguments\":{\"$ref\":\"#/$defs/t%d\"}},\"required\":[\"name\",\"arguments\"],"
                                     "\"additionalProperties\":false}", i);
            }
            aieng__buf_puts(b, "]}}},\"required\":[");
        } else {
            aieng__buf_puts(b, "\"answer\":{\"type\":\"string\"");
            if (x->answer_max > 0) aieng__buf_printf(b, ",\"maxLength\":%d", x->answer_max);
            aieng__buf_puts(b, "}},\"required\":[");
        }
        if (x->thought_max > 0) aieng__buf_puts(b, "\"thought\",");
        aieng__buf_puts(b, calls ? "\"calls\"]" : "\"answer\"]");
        aieng__buf_puts(b, ",\"additionalProperties\":false}");
    }
    aieng__buf_puts(b, "]}");
}
AIENG_API aieng_result aieng_tools_reply_schema(const aieng_tools *t, const aieng_tools_reply *rp, char **out, size_t *len) {
    aieng_tools_reply x;
    aieng__buf b;
    if (!t || !out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "tools: NULL argument");
    x = aieng__tools_rp(rp);
    if ((x.flags & AIENG_TOOLS_NO_ANSWER) && (t->n == 0 || (x.flags & AIENG_TOOLS_NO_CALLS)))
        return aieng_set_error(AIENG_ERR_STATE, "tools: a reply with neither a call nor an answer");
    memset(&b, 0, sizeof b);
    aieng__tools_schema_text(t, &x, &b);
    if (b.oom) { AIENG_FREE(b.p, NULL); *out = NULL; return aieng_set_error(AIENG_ERR_OOM, "tools: out of memory"); }
    *out = b.p;
    if (len) *len = b.n;
    return AIENG_OK;
}
/* the parsed reply schema for rp (kept in t) */
static aieng_result aieng__tools_rdoc(aieng_tools *t, const aieng_tools_reply *rp, const aieng_json **root) {
    aieng_tools_reply x = aieng__tools_rp(rp);
    char *txt = NULL;
    size_t n = 0;
    int i;
    aieng_result r;
    aieng_json_doc *d = NULL;
    for (i = 0; i < t->nrs; i++) {
        const aieng_tools_reply *y = &t->rs[i].rp;
        if (t->rs[i].ntools == t->n && y->thought_max == x.thought_max && y->max_calls == x.max_calls &&
            y->answer_max == x.answer_max && y->flags == x.flags && y->max_string == x.max_string &&
            y->max_items == x.max_items) { *root = aieng_json_root(t->rs[i].doc); return AIENG_OK; }
    }
    r = aieng_tools_reply_schema(t, &x, &txt, &n);
    if (r != AIENG_OK) return r;
    r = aieng_json_parse(txt, n, NULL, &d);
    AIENG_FREE(txt, NULL);
    if (r != AIENG_OK) return r;
    if (t->nrs == t->caprs) {
        int nc = t->caprs ? 2 * t->caprs : 4;
        aieng__treply *nv = (aieng__treply *)AIENG_REALLOC(t->rs, (size_t)nc * sizeof *nv, NULL);
        if (!nv) { aieng_json_free(d); return aieng_set_error(AIENG_ERR_OOM, "tools: out of memory"); }
        t->rs = nv; t->caprs = nc;
    }
    t->rs[t->nrs].rp = x;
    t->rs[t->nrs].ntools = t->n;
    t->rs[t->nrs].doc = d;
    t->nrs++;
    *root = aieng_json_root(d);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_tools_grammar(aieng_tools *t, const aieng_tools_reply *rp, aieng_grammar **out) {
    const aieng_json *root = NULL;
    aieng_schema_options so;
    char *gbnf = NULL;
    size_t n = 0;
    aieng_result r;
    if (!t || !out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "tools: NULL argument");
    *out = NULL;
    r = aieng__tools_rdoc(t, rp, &root);
    if (r != AIENG_OK) return r;
    memset(&so, 0, sizeof so);
    so.flags = AIENG_SCHEMA_ORDERED; /* thought first, the name before the arguments */
    if (rp && (rp->flags & AIENG_TOOLS_COMPACT)) so.flags |= AIENG_SCHEMA_COMPACT;
    r = aieng_schema_to_gbnf(root, &so, &gbnf, &n);
    if (r != AIENG_OK) return r;
    r = aieng_grammar_parse(gbnf, n, "root", out);
    AIENG_FREE(gbnf, NULL);
    if (r == AIENG_OK) aieng_grammar_set_schema(*out, root);
    return r;
}
AIENG_API aieng_result aieng_tools_parse(aieng_tools *t, const aieng_tools_reply *rp, const char *text, size_t len,
                                         aieng_json_doc **doc) {
    const aieng_json *root = NULL;
    aieng_json_doc *d = NULL;
    aieng_result r;
    if (!t || !text || !doc) return aieng_set_error(AIENG_ERR_INVALID_ARG, "tools: NULL argument");
    *doc = NULL;
    r = aieng__tools_rdoc(t, rp, &root);
    if (r != AIENG_OK) return r;
    r = aieng_json_parse(text, len, NULL, &d);
    if (r != AIENG_OK) return aieng__err_wrap(r, "reply", NULL);
    r = aieng_schema_validate(root, aieng_json_root(d));
    if (r != AIENG_OK) { aieng_json_free(d); return aieng__err_wrap(r, "reply", NULL); }
    *doc = d;
    return AIENG_OK;
}
AIENG_API aieng_result aieng_tools_call(aieng_tools *t, const aieng_json *call, char *out, size_t cap, size_t *n) {
    const aieng_json *nm, *args;
    aieng_result r;
    int i, k;
    if (n) *n = 0;
    if (!t || !call || !out || cap == 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "tools: NULL argument");
    out[0] = 0;
    nm = aieng_json_get(call, "name");
    args = aieng_json_get(call, "arguments");
    if (!nm || nm->type != AIENG_JSON_STRING || !args) return aieng_set_error(AIENG_ERR_FORMAT, "tools: a call is {\"name\": ..., \"arguments\": ...}");
    i = aieng__tools_find(t, nm->s, nm->len);
    if (i < 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "tools: no tool \"%s\"", nm->s);
    r = aieng_schema_validate(aieng_json_root(t->v[i].params), args);
    if (r != AIENG_OK) return aieng__err_wrap(r, "tools: arguments of", nm->s);
    if (!t->v[i].fn) return aieng_set_error(AIENG_ERR_STATE, "tools: \"%s\" has no function", nm->s);
    k = t->v[i].fn(t->v[i].user, args, out, cap);
    out[cap - 1] = 0;
    if (k < 0) {
        if (n) *n = strlen(out);
        return aieng_set_error(AIENG_ERR_RANGE, "tools: \"%s\" failed: %s", nm->s, out);
    }
    if (n) *n = (size_t)k; /* >= cap: out holds the first cap - 1 bytes */
    return AIENG_OK;
}

/* ---------------------------------------------------------------- the ReAct loop */
typedef struct aieng__amsg { char *role, *content; } aieng__amsg;
typedef struct aieng__alog { aieng__amsg *m; int n, cap; } aieng__alog;
static int aieng__alog_push(aieng__alog *L, const char *role, const char *content, size_t clen) {
    char *r, *c;
    if (L->n == L->cap) {
        int nc = L->cap ? 2 * L->cap : 16;
        aieng__amsg *nm = (aieng__amsg *)AIENG_REALLOC(L->m, (size_t)nc * sizeof *nm, NULL);
        if (!nm) return 0;
        L->m = nm; L->cap = nc;
    }
    r = (char *)AIENG_MALLOC(strlen(role) + 1, NULL);
    c = (char *)AIENG_MALLOC(clen + 1, NULL);
    if (!r || !c) { AIENG_FREE(r, NULL); AIENG_FREE(c, NULL); return 0; }
    memcpy(r, role, strlen(role) + 1);
    memcpy(c, content, clen); c[clen] = 0;
    L->m[L->n].role = r; L->m[L->n].content = c;
    L->n++;
    return 1;
}
static void aieng__alog_free(aieng__alog *L) {
    int i;
    for (i = 0; i < L->n; i++) { AIENG_FREE(L->m[i].role, NULL); AIENG_FREE(L->m[i].content, NULL); }
    AIENG_FREE(L->m, NULL);
}
/* the length of s[0..n) cut back to a UTF-8 boundary */
static size_t aieng__utf8_cut(const char *s, size_t n) {
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return n;
}

static const char aieng__agent_default_system[] =
    "You are a helpful assistant that answers the user's question, calling tools when they help. "
    "Each reply is one JSON object: {\"thought\": \"...\", \"calls\": [{\"name\": \"...\", \"arguments\": {...}}]} "
    "to call tools, or {\"thought\": \"...\", \"answer\": \"...\"} to answer the user. "
    "A tool's result comes back as an observation.";

AIENG_API aieng_result aieng_agent_run(aieng_tools *t, const aieng_agent_llm *llm, const char *question,
                                       const aieng_agent_config *cfg, char **answer, size_t *alen,
                                       aieng_agent_stats *stats) {
    aieng_agent_config c;
    aieng_agent_stats st;
    aieng__alog L;
    aieng__buf sys, obs;
    aieng_grammar *g = NULL, *g1 = NULL, *ga = NULL;
    aieng_agent_message *view = NULL;
    aieng_json_doc **past = NULL; /* the replies of earlier steps (answer_on_repeat) */
    int npast = 0;
    int repeat = 0;
    char *res = NULL;
    int step, i, first_step, dropped = 0;
    aieng_result r = AIENG_OK;
    if (answer) *answer = NULL;
    if (alen) *alen = 0;
    if (stats) memset(stats, 0, sizeof *stats);
    if (!t || !llm || !llm->generate || !question || !answer) return aieng_set_error(AIENG_ERR_INVALID_ARG, "agent: NULL argument");
    if (cfg) c = *cfg;
    else memset(&c, 0, sizeof c);
    if (!cfg) c.reply.thought_max = 256;
    c.reply = aieng__tools_rp(&c.reply);
    if (c.max_steps <= 0) c.max_steps = 8;
    if (c.reply_tokens <= 0) c.reply_tokens = 256;
    if (c.observation_max == 0) c.observation_max = 2048;
    memset(&st, 0, sizeof st);
    memset(&L, 0, sizeof L);
    memset(&sys, 0, sizeof sys);
    memset(&obs, 0, sizeof obs);
    aieng__buf_puts(&sys, c.system ? c.system : aieng__agent_default_system);
    if (t->n) {
        aieng__buf_puts(&sys, "\n\nTools:");
        for (i = 0; i < t->n; i++) { aieng__buf_putc(&sys, '\n'); aieng__buf_puts(&sys, t->v[i].spec); }
    }
    res = (char *)AIENG_MALLOC(c.observation_max + 1, NULL);
    if (sys.oom || !res || !aieng__alog_push(&L, "system", sys.p, sys.n) || !aieng__alog_push(&L, "user", question, strlen(question)))
        r = aieng_set_error(AIENG_ERR_OOM, "agent: out of memory");
    if (r == AIENG_OK) r = aieng_tools_grammar(t, &c.reply, &g);
    if (r == AIENG_OK && c.call_first) {
        aieng_tools_reply x = c.reply;
        x.flags |= AIENG_TOOLS_NO_ANSWER;
        r = aieng_tools_grammar(t, &x, &g1);
    }
    if (r == AIENG_OK && c.answer_on_repeat) {
        aieng_tools_reply x = c.reply;
        x.flags = (x.flags & ~AIENG_TOOLS_NO_ANSWER) | AIENG_TOOLS_NO_CALLS;
        r = aieng_tools_grammar(t, &x, &ga);
    }
    first_step = 2; /* L.m[first_step..) are the steps kept */
    for (step = 0; r == AIENG_OK; step++) {
        char *reply = NULL;
        size_t rlen = 0;
        aieng_json_doc *d = NULL;
        const aieng_json *calls, *ans;
        int nv = 0;
        if (step >= c.max_steps) {
            r = aieng_set_error(AIENG_ERR_RANGE, "agent: no answer after %d steps", c.max_steps);
            break;
        }
        /* the view: system, question, a note for dropped steps, the kept steps */
        for (;;) {
            int64_t need;
            aieng_agent_message *nvw = (aieng_agent_message *)AIENG_REALLOC(view, (size_t)(L.n + 1) * sizeof *view, NULL);
            if (!nvw) { r = aieng_set_error(AIENG_ERR_OOM, "agent: out of memory"); break; }
            view = nvw;
            nv = 0;
            view[nv].role = L.m[0].role; view[nv++].content = L.m[0].content;
            view[nv].role = L.m[1].role; view[nv++].content = L.m[1].content;
            if (dropped) {
                aieng__buf_reserve(&obs, 0);
                obs.n = 0;
                aieng__buf_printf(&obs, "(%d earlier steps omitted)", dropped);
                if (obs.oom) { r = aieng_set_error(AIENG_ERR_OOM, "agent: out of memory"); break; }
                view[nv].role = "user"; view[nv++].content = obs.p;
            }
            for (i = first_step; i < L.n; i++) { view[nv].role = L.m[i].role; view[nv++].content = L.m[i].content; }
            if (!llm->count) break;
            need = llm->count(llm->user, view, nv);
            if (need < 0) { r = aieng_set_error(AIENG_ERR_STATE, "agent: the model could not count the prompt"); break; }
            if (need + c.reply_tokens <= llm->budget) break;
            /* drop the oldest kept step: its reply and the observation after it */
            if (L.n - first_step <= 2) {
                r = aieng_set_error(AIENG_ERR_RANGE, "agent: the conversation (%lld tokens) and a reply (%lld) do not fit in %lld tokens",
                                    (long long)need, (long long)c.reply_tokens, (long long)llm->budget);
                break;
            }
            first_step += 2;
            dropped++;
            st.dropped_steps++;
        }
        if (r != AIENG_OK) break;
        r = llm->generate(llm->user, view, nv, repeat && ga ? ga : step == 0 && g1 ? g1 : g, &reply, &rlen, &st.usage);
        repeat = 0;
        if (r != AIENG_OK) { AIENG_FREE(reply, NULL); break; }
        st.steps++;
        r = aieng_tools_parse(t, &c.reply, reply, rlen, &d);
        if (r != AIENG_OK) { AIENG_FREE(reply, NULL); break; }
        if (!aieng__alog_push(&L, "assistant", reply, rlen)) {
            r = aieng_set_error(AIENG_ERR_OOM, "agent: out of memory");
            AIENG_FREE(reply, NULL); aieng_json_free(d);
            break;
        }
        ans = aieng_json_get(aieng_json_root(d), "answer");
        calls = aieng_json_get(aieng_json_root(d), "calls");
        if (ans) {
            if (c.on_step && c.on_step(c.user, step, reply, rlen, NULL, 0)) r = aieng_set_error(AIENG_ERR_STATE, "agent: stopped by on_step");
            if (r == AIENG_OK) {
                *answer = (char *)AIENG_MALLOC(ans->len + 1, NULL);
                if (!*answer) r = aieng_set_error(AIENG_ERR_OOM, "agent: out of memory");
                else { memcpy(*answer, ans->s, ans->len + 1); if (alen) *alen = ans->len; }
            }
            AIENG_FREE(reply, NULL); aieng_json_free(d);
            break;
        }
        obs.n = 0;
        if (obs.p) obs.p[0] = 0;
        for (i = 0; calls && i < (int)calls->n; i++) {
            const aieng_json *call = calls->items[i];
            const aieng_json *nm = aieng_json_get(call, "name");
            size_t k = 0;
            aieng_result cr;
            int j;
            for (j = 0; c.answer_on_repeat && j < npast && !repeat; j++) { /* a call of an earlier step again: the next reply answers */
                const aieng_json *pc = aieng_json_get(aieng_json_root(past[j]), "calls");
                size_t q;
                for (q = 0; pc && q < pc->n && !repeat; q++) repeat = aieng_json_equal(pc->items[q], call);
            }
            cr = aieng_tools_call(t, call, res, c.observation_max + 1, &k);
            st.calls++;
            if (obs.n) aieng__buf_putc(&obs, '\n');
            if (cr == AIENG_OK) {
                aieng__buf_puts(&obs, "Observation from ");
                aieng__buf_puts(&obs, nm->s);
                aieng__buf_puts(&obs, ": ");
                if (k > c.observation_max) {
                    size_t have = strlen(res);
                    aieng__buf_put(&obs, res, aieng__utf8_cut(res, have < c.observation_max ? have : c.observation_max));
                    aieng__buf_puts(&obs, "...[cut]");
                } else aieng__buf_put(&obs, res, k);
            } else if (cr == AIENG_ERR_OOM) {
                r = cr;
                break;
            } else {
                st.tool_errors++;
                aieng__buf_puts(&obs, "Error from ");
                aieng__buf_puts(&obs, nm->s);
                aieng__buf_puts(&obs, ": ");
                aieng__buf_puts(&obs, cr == AIENG_ERR_RANGE ? res : aieng_last_error());
            }
        }
        if (r == AIENG_OK && c.observation_hint && *c.observation_hint) {
            aieng__buf_putc(&obs, '\n');
            aieng__buf_puts(&obs, c.observation_hint);
        }
        if (r == AIENG_OK && (obs.oom || !aieng__alog_push(&L, "user", obs.p ? obs.p : "", obs.n)))
            r = aieng_set_error(AIENG_ERR_OOM, "agent: out of memory");
        if (r == AIENG_OK && c.on_step && c.on_step(c.user, step, reply, rlen, obs.p, obs.n))
            r = aieng_set_error(AIENG_ERR_STATE, "agent: stopped by on_step");
        AIENG_FREE(reply, NULL);
        if (r == AIENG_OK && c.answer_on_repeat) { /* kept: later calls are compared with its calls */
            aieng_json_doc **np = (aieng_json_doc **)AIENG_REALLOC(past, (size_t)(npast + 1) * sizeof *past, NULL);
            if (np) { past = np; past[npast++] = d; d = NULL; }
            else r = aieng_set_error(AIENG_ERR_OOM, "agent: out of memory");
        }
        aieng_json_free(d);
    }
    for (i = 0; i < npast; i++) aieng_json_free(past[i]);
    AIENG_FREE(past, NULL);
    aieng_grammar_free(g);
    aieng_grammar_free(g1);
    aieng_grammar_free(ga);
    aieng__alog_free(&L);
    AIENG_FREE(view, NULL);
    AIENG_FREE(sys.p, NULL);
    AIENG_FREE(obs.p, NULL);
    AIENG_FREE(res, NULL);
    if (stats) *stats = st;
    return r;
}

#ifdef AIENG_TRANSFORMER_H
/* ---------------------------------------------------------------- the model adapter */
typedef struct aieng__allm {
    aieng_model *m;
    aieng_generate_config gen;
    char *text; size_t text_cap;
    int32_t *ids; int64_t ids_cap;
    int32_t *kv; int64_t n_kv, kv_cap;     /* the tokens the KV cache holds (as far as we know) */
    aieng_constrain *c;                    /* the constrainer of the reply being generated */
    aieng__buf out;
    int32_t *gen_ids; int64_t n_gen, gen_cap;
    int user_stop;
} aieng__allm;

/* renders and tokenizes msgs into L->ids; *n tokens */
static aieng_result aieng__allm_prompt(aieng__allm *L, const aieng_agent_message *msgs, int nm, int64_t *n) {
    aieng_chat_message *cm;
    size_t len = 0;
    aieng_result r;
    int i;
    cm = (aieng_chat_message *)AIENG_MALLOC((size_t)(nm > 0 ? nm : 1) * sizeof *cm, NULL);
    if (!cm) return aieng_set_error(AIENG_ERR_OOM, "agent: out of memory");
    for (i = 0; i < nm; i++) { cm[i].role = msgs[i].role; cm[i].content = msgs[i].content; }
    for (;;) {
        r = aieng_model_chat_render(L->m, cm, nm, 1, L->text, L->text_cap, &len);
        if (r == AIENG_OK || len + 1 <= L->text_cap) break;
        {
            char *nt = (char *)AIENG_REALLOC(L->text, len + 1, NULL);
            if (!nt) { r = aieng_set_error(AIENG_ERR_OOM, "agent: out of memory"); break; }
            L->text = nt; L->text_cap = len + 1;
        }
    }
    AIENG_FREE(cm, NULL);
    if (r != AIENG_OK) return r;
    for (;;) {
        r = aieng_model_tokenize(L->m, L->text, len, 1, 1, L->ids, L->ids_cap, n);
        if (r != AIENG_ERR_OOM || *n <= L->ids_cap) break;
        {
            int32_t *ni = (int32_t *)AIENG_REALLOC(L->ids, (size_t)*n * sizeof *ni, NULL);
            if (!ni) return aieng_set_error(AIENG_ERR_OOM, "agent: out of memory");
            L->ids = ni; L->ids_cap = *n;
        }
    }
    return r;
}
static int64_t aieng__allm_count(void *user, const aieng_agent_message *msgs, int n) {
    int64_t k = 0;
    return aieng__allm_prompt((aieng__allm *)user, msgs, n, &k) == AIENG_OK ? k : -1;
}
static int aieng__allm_text(const char *text, size_t len, int32_t token, void *user) {
    aieng__allm *L = (aieng__allm *)user;
    aieng__buf_put(&L->out, text, len);
    if (L->n_gen == L->gen_cap) {
        int64_t nc = L->gen_cap ? 2 * L->gen_cap : 256;
        int32_t *ng = (int32_t *)AIENG_REALLOC(L->gen_ids, (size_t)nc * sizeof *ng, NULL);
        if (!ng) { L->out.oom = 1; return 1; }
        L->gen_ids = ng; L->gen_cap = nc;
    }
    L->gen_ids[L->n_gen++] = token;
    if (L->gen.on_text && L->gen.on_text(text, len, token, L->gen.user)) { L->user_stop = 1; return 1; }
    return L->out.oom;
}
static aieng_result aieng__allm_generate(void *user, const aieng_agent_message *msgs, int nm, aieng_grammar *g,
                                         char **out, size_t *olen, aieng_agent_usage *usage) {
    aieng__allm *L = (aieng__allm *)user;
    aieng_generate_config gc = L->gen;
    aieng_generate_stats gs;
    int64_t n = 0, p = 0, past, need;
    aieng_result r;
    *out = NULL;
    if (olen) *olen = 0;
    r = aieng__allm_prompt(L, msgs, nm, &n);
    if (r != AIENG_OK) return r;
    if (n <= 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "agent: empty prompt");
    if (n + 1 > aieng_model_n_ctx(L->m)) return aieng_set_error(AIENG_ERR_RANGE, "agent: the prompt (%lld tokens) fills the context", (long long)n);
    /* reuse the KV cache up to the longest common prefix (at least one token is evaluated) */
    past = aieng_model_n_past(L->m);
    if (past != L->n_kv) L->n_kv = 0;
    while (p < L->n_kv && p < n - 1 && L->kv[p] == L->ids[p]) p++;
    r = aieng_model_kv_truncate(L->m, p);
    if (r != AIENG_OK) return aieng_set_error(r, "agent: %s", aieng_model_error(L->m));
    need = n + (gc.max_tokens > 0 ? gc.max_tokens : 0);
    if (need > L->kv_cap) {
        int32_t *nk = (int32_t *)AIENG_REALLOC(L->kv, (size_t)need * sizeof *nk, NULL);
        if (!nk) return aieng_set_error(AIENG_ERR_OOM, "agent: out of memory");
        L->kv = nk; L->kv_cap = need;
    }
    memcpy(L->kv, L->ids, (size_t)n * sizeof *L->kv);
    L->n_kv = p; /* until the evaluation succeeds */
    gc.on_text = aieng__allm_text;
    gc.user = L;
    L->out.n = 0;
    L->n_gen = 0;
    L->user_stop = 0;
    if (g) {
        /* a constrainer per reply: the grammar belongs to the caller and may be freed (and
           its address reused) between calls */
        r = aieng_constrain_new_model(g, L->m, &L->c);
        if (r != AIENG_OK) return r;
        r = aieng_constrain_generate(L->m, L->c, L->ids + p, n - p, &gc, &gs);
        aieng_constrain_free(L->c);
        L->c = NULL;
        if (r == AIENG_OK && L->user_stop) r = aieng_set_error(AIENG_ERR_STATE, "agent: stopped by on_text");
    } else {
        r = aieng_model_generate(L->m, L->ids + p, n - p, &gc, &gs);
        if (r == AIENG_OK && L->user_stop) r = aieng_set_error(AIENG_ERR_STATE, "agent: stopped by on_text");
        L->n_gen = 0; /* free text streams whole characters, not tokens: keep only the prompt */
    }
    past = aieng_model_n_past(L->m);
    if (past >= n) {
        int64_t k = past - n;
        if (k > L->n_gen) { k = 0; (void)aieng_model_kv_truncate(L->m, n); }
        if (n + k > L->kv_cap) k = L->kv_cap - n;
        if (k > 0) memcpy(L->kv + n, L->gen_ids, (size_t)k * sizeof *L->kv);
        L->n_kv = n + k;
        if (aieng_model_n_past(L->m) != L->n_kv) { (void)aieng_model_kv_truncate(L->m, n); L->n_kv = n; }
    } else L->n_kv = 0;
    if (usage) {
        usage->prompt_tokens += n;
        usage->reused_tokens += p;
        usage->generated_tokens += gs.n_generated;
        usage->prefill_seconds += gs.prefill_seconds;
        usage->decode_seconds += gs.decode_seconds;
    }
    if (r != AIENG_OK) return r;
    aieng__buf_reserve(&L->out, 0);
    if (L->out.oom) return aieng_set_error(AIENG_ERR_OOM, "agent: out of memory");
    *out = (char *)AIENG_MALLOC(L->out.n + 1, NULL);
    if (!*out) return aieng_set_error(AIENG_ERR_OOM, "agent: out of memory");
    memcpy(*out, L->out.p, L->out.n);
    (*out)[L->out.n] = 0;
    if (olen) *olen = L->out.n;
    return AIENG_OK;
}
AIENG_API aieng_result aieng_agent_llm_model(aieng_model *m, const aieng_generate_config *gen, aieng_agent_llm *out) {
    aieng__allm *L;
    if (!m || !out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "agent: NULL argument");
    memset(out, 0, sizeof *out);
    if (gen && gen->n_stop > 0) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "agent: stop strings are not supported");
    L = (aieng__allm *)AIENG_MALLOC(sizeof *L, NULL);
    if (!L) return aieng_set_error(AIENG_ERR_OOM, "agent: out of memory");
    memset(L, 0, sizeof *L);
    L->m = m;
    if (gen) L->gen = *gen;
    if (L->gen.max_tokens <= 0) L->gen.max_tokens = 256;
    out->generate = aieng__allm_generate;
    out->count = aieng__allm_count;
    out->budget = aieng_model_n_ctx(m);
    out->user = L;
    return AIENG_OK;
}
AIENG_API void aieng_agent_llm_free(aieng_agent_llm *llm) {
    aieng__allm *L;
    if (!llm || !llm->user || llm->generate != aieng__allm_generate) return;
    L = (aieng__allm *)llm->user;
    aieng_constrain_free(L->c);
    AIENG_FREE(L->text, NULL);
    AIENG_FREE(L->ids, NULL);
    AIENG_FREE(L->kv, NULL);
    AIENG_FREE(L->gen_ids, NULL);
    AIENG_FREE(L->out.p, NULL);
    AIENG_FREE(L, NULL);
    memset(llm, 0, sizeof *llm);
}
#endif /* AIENG_TRANSFORMER_H */

/* ---------------------------------------------------------------- lexical retrieval (BM25) */
/* (uses string.h, math.h: included at the top of the implementation) */

typedef struct aieng__bm25_post { uint32_t doc, tf; } aieng__bm25_post;
typedef struct aieng__bm25_word {
    size_t off, len;              /* the lower-cased bytes: ix->chars[off .. off + len) */
    uint64_t hash;
    aieng__bm25_post *post;       /* (doc, tf) in increasing doc order; df = np */
    uint32_t np, pcap;
} aieng__bm25_word;
typedef struct aieng__bm25_hit { double s; uint32_t id; } aieng__bm25_hit;
struct aieng_bm25 {
    double k1, b, epsilon;
    aieng__bm25_word *words;      /* word ids in order of first appearance */
    size_t nwords, wcap;
    char *chars;
    size_t nchars, ccap;
    uint32_t *table;              /* open addressing, UINT32_MAX = empty; tcap a power of 2 */
    size_t tcap;
    uint32_t *dlen;               /* words per document */
    size_t ndocs, dcap;
    uint64_t total;               /* sum of dlen */
    int dirty;                    /* idf / norm / scratch need recomputing */
    double avgdl;
    double *idf;                  /* per word, after the epsilon floor */
    double *norm;                 /* per doc: k1 * (1 - b + b * dl / avgdl) */
    double *acc;                  /* per doc scratch of search, kept all zero */
    unsigned char *mark;          /* per doc scratch of search, kept all zero */
    uint32_t *touched;            /* per doc scratch of search */
    aieng__bm25_hit *heap;
    size_t idfcap, doccap, heapcap;
};

static int aieng__bm25_isword(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
static unsigned char aieng__bm25_lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c; }
/* grows *p (elements of `elem` bytes, capacity *cap) to hold `need`; 0 when out of memory */
static int aieng__bm25_grow(void **p, size_t *cap, size_t need, size_t elem) {
    size_t nc;
    void *q;
    if (need <= *cap) return 1;
    nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > ((size_t)-1 / 2) / elem) { nc = need; break; }
        nc *= 2;
    }
    if (nc > (size_t)-1 / elem) return 0;
    q = aieng_realloc(NULL, *p, nc * elem);
    if (!q) return 0;
    *p = q;
    *cap = nc;
    return 1;
}
static uint64_t aieng__bm25_hash(const unsigned char *s, size_t n) { /* FNV-1a 64 of the lower-cased bytes */
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i;
    for (i = 0; i < n; i++) h = (h ^ aieng__bm25_lower(s[i])) * 0x100000001b3ull;
    return h ^ (h >> 29);
}
/* the word id of s[0..n) (any case), or UINT32_MAX */
static uint32_t aieng__bm25_find(const aieng_bm25 *ix, const unsigned char *s, size_t n, uint64_t h, size_t *slot) {
    size_t m = ix->tcap - 1, i = (size_t)h & m;
    for (;; i = (i + 1) & m) {
        uint32_t w = ix->table[i];
        const aieng__bm25_word *W;
        size_t j;
        if (w == UINT32_MAX) { *slot = i; return UINT32_MAX; }
        W = &ix->words[w];
        if (W->hash != h || W->len != n) continue;
        for (j = 0; j < n; j++)
            if ((unsigned char)ix->chars[W->off + j] != aieng__bm25_lower(s[j])) break;
        if (j == n) { *slot = i; return w; }
    }
}
static void aieng__bm25_rehash(aieng_bm25 *ix) { /* table (of tcap slots) rebuilt from words[0..nwords) */
    size_t i, m = ix->tcap - 1;
    for (i = 0; i < ix->tcap; i++) ix->table[i] = UINT32_MAX;
    for (i = 0; i < ix->nwords; i++) {
        size_t j = (size_t)ix->words[i].hash & m;
        while (ix->table[j] != UINT32_MAX) j = (j + 1) & m;
        ix->table[j] = (uint32_t)i;
    }
}
/* the next word of t[*pos..len): its start and length; 0 at the end */
static int aieng__bm25_next(const unsigned char *t, size_t len, size_t *pos, size_t *ws, size_t *wl) {
    size_t i = *pos, s;
    while (i < len && !aieng__bm25_isword(t[i])) i++;
    if (i >= len) { *pos = len; return 0; }
    s = i;
    while (i < len && aieng__bm25_isword(t[i])) i++;
    *ws = s; *wl = i - s; *pos = i;
    return 1;
}

AIENG_API size_t aieng_text_words(const char *text, size_t len, size_t *starts, size_t *lens, size_t cap) {
    const unsigned char *t = (const unsigned char *)text;
    size_t pos = 0, ws, wl, n = 0;
    if (!text) return 0;
    if (!starts || !lens) cap = 0;
    while (aieng__bm25_next(t, len, &pos, &ws, &wl)) {
        if (n < cap) { starts[n] = ws; lens[n] = wl; }
        n++;
    }
    return n;
}

AIENG_API aieng_result aieng_bm25_new(const aieng_bm25_options *opts, aieng_bm25 **out) {
    aieng_bm25 *ix;
    double k1 = 1.5, b = 0.75, eps = 0.25;
    size_t i;
    if (!out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "bm25_new: out is NULL");
    *out = NULL;
    if (opts) {
        if (!(opts->k1 >= 0 && opts->k1 <= 1e300) || !(opts->b >= 0 && opts->b <= 1e300) ||
            !(opts->epsilon >= 0 && opts->epsilon <= 1e300))
            return aieng_set_error(AIENG_ERR_INVALID_ARG, "bm25_new: k1, b and epsilon must be finite and >= 0");
        if (opts->k1 != 0) k1 = opts->k1;
        if (opts->b != 0) b = opts->b;
        if (opts->epsilon != 0) eps = opts->epsilon;
    }
    ix = (aieng_bm25 *)aieng_alloc(NULL, sizeof *ix);
    if (!ix) return aieng_set_error(AIENG_ERR_OOM, "bm25_new: out of memory");
    memset(ix, 0, sizeof *ix);
    ix->k1 = k1; ix->b = b; ix->epsilon = eps;
    ix->tcap = 64;
    ix->table = (uint32_t *)aieng_alloc(NULL, ix->tcap * sizeof *ix->table);
    if (!ix->table) { aieng_free(NULL, ix); return aieng_set_error(AIENG_ERR_OOM, "bm25_new: out of memory"); }
    for (i = 0; i < ix->tcap; i++) ix->table[i] = UINT32_MAX;
    *out = ix;
    return AIENG_OK;
}

AIENG_API void aieng_bm25_free(aieng_bm25 *ix) {
    size_t i;
    if (!ix) return;
    for (i = 0; i < ix->nwords; i++) aieng_free(NULL, ix->words[i].post);
    aieng_free(NULL, ix->words); aieng_free(NULL, ix->chars); aieng_free(NULL, ix->table);
    aieng_free(NULL, ix->dlen); aieng_free(NULL, ix->idf); aieng_free(NULL, ix->norm);
    aieng_free(NULL, ix->acc); aieng_free(NULL, ix->mark); aieng_free(NULL, ix->touched);
    aieng_free(NULL, ix->heap);
    aieng_free(NULL, ix);
}

AIENG_API int64_t aieng_bm25_count(const aieng_bm25 *ix) { return ix ? (int64_t)ix->ndocs : 0; }

/* undoes a failed add of document `doc`: its postings, the words it introduced */
static void aieng__bm25_rollback(aieng_bm25 *ix, uint32_t doc, size_t nwords, size_t nchars) {
    size_t i;
    for (i = 0; i < nwords; i++) {
        aieng__bm25_word *W = &ix->words[i];
        if (W->np && W->post[W->np - 1].doc == doc) W->np--;
    }
    for (i = nwords; i < ix->nwords; i++) aieng_free(NULL, ix->words[i].post);
    ix->nwords = nwords;
    ix->nchars = nchars;
    aieng__bm25_rehash(ix);
}

AIENG_API aieng_result aieng_bm25_add(aieng_bm25 *ix, const char *text, size_t len, int64_t *id) {
    const unsigned char *t = (const unsigned char *)text;
    size_t pos = 0, ws, wl, nwords0, nchars0, slot;
    uint32_t doc, dl = 0;
    aieng_result err = AIENG_OK;
    const char *why = "";
    if (id) *id = -1;
    if (!ix) return aieng_set_error(AIENG_ERR_INVALID_ARG, "bm25_add: index is NULL");
    if (!text && len) return aieng_set_error(AIENG_ERR_INVALID_ARG, "bm25_add: text is NULL");
    if (ix->ndocs >= (size_t)INT32_MAX) return aieng_set_error(AIENG_ERR_RANGE, "bm25_add: too many documents (2^31 - 1)");
    if (!aieng__bm25_grow((void **)&ix->dlen, &ix->dcap, ix->ndocs + 1, sizeof *ix->dlen))
        return aieng_set_error(AIENG_ERR_OOM, "bm25_add: out of memory");
    doc = (uint32_t)ix->ndocs;
    nwords0 = ix->nwords;
    nchars0 = ix->nchars;
    while (aieng__bm25_next(t, len, &pos, &ws, &wl)) {
        uint64_t h = aieng__bm25_hash(t + ws, wl);
        uint32_t w = aieng__bm25_find(ix, t + ws, wl, h, &slot);
        aieng__bm25_word *W;
        if (dl == UINT32_MAX - 1) { err = AIENG_ERR_RANGE; why = "a document of 2^32 words or more"; break; }
        if (w == UINT32_MAX) { /* a new word */
            size_t j;
            if (ix->nwords >= (size_t)UINT32_MAX - 1) { err = AIENG_ERR_RANGE; why = "too many distinct words"; break; }
            if (!aieng__bm25_grow((void **)&ix->words, &ix->wcap, ix->nwords + 1, sizeof *ix->words) ||
                wl > (size_t)-1 - ix->nchars ||
                !aieng__bm25_grow((void **)&ix->chars, &ix->ccap, ix->nchars + wl, 1)) {
                err = AIENG_ERR_OOM; why = "out of memory"; break; }
            if ((ix->nwords + 1) * 2 > ix->tcap) { /* grow the table */
                uint32_t *nt;
                if (ix->tcap > ((size_t)-1 / 2) / sizeof *nt) { err = AIENG_ERR_OOM; why = "out of memory"; break; }
                nt = (uint32_t *)aieng_alloc(NULL, ix->tcap * 2 * sizeof *nt);
                if (!nt) { err = AIENG_ERR_OOM; why = "out of memory"; break; }
                aieng_free(NULL, ix->table);
                ix->table = nt;
                ix->tcap *= 2;
                aieng__bm25_rehash(ix);
                (void)aieng__bm25_find(ix, t + ws, wl, h, &slot);
            }
            W = &ix->words[ix->nwords];
            W->off = ix->nchars; W->len = wl; W->hash = h; W->post = NULL; W->np = 0; W->pcap = 0;
            for (j = 0; j < wl; j++) ix->chars[ix->nchars + j] = (char)aieng__bm25_lower(t[ws + j]);
            ix->nchars += wl;
            w = (uint32_t)ix->nwords++;
            ix->table[slot] = w;
        }
        W = &ix->words[w];
        if (W->np && W->post[W->np - 1].doc == doc) W->post[W->np - 1].tf++;
        else {
            if (W->np == W->pcap) {
                size_t nc = W->pcap ? (size_t)W->pcap * 2 : 2;
                aieng__bm25_post *np_;
                if (nc > (size_t)UINT32_MAX) nc = UINT32_MAX;
                np_ = (aieng__bm25_post *)aieng_realloc(NULL, W->post, nc * sizeof *np_);
                if (!np_) { err = AIENG_ERR_OOM; why = "out of memory"; break; }
                W->post = np_;
                W->pcap = (uint32_t)nc;
            }
            W->post[W->np].doc = doc;
            W->post[W->np].tf = 1;
            W->np++;
        }
        dl++;
    }
    if (err != AIENG_OK) {
        aieng__bm25_rollback(ix, doc, nwords0, nchars0);
        return aieng_set_error(err, "bm25_add: %s", why);
    }
    ix->dlen[doc] = dl;
    ix->ndocs++;
    ix->total += dl;
    ix->dirty = 1;
    if (id) *id = (int64_t)doc;
    return AIENG_OK;
}

/* recomputes idf, avgdl and the length norms after adds (rank_bm25's _calc_idf, same order) */
static aieng_result aieng__bm25_prepare(aieng_bm25 *ix) {
    size_t i, N = ix->ndocs;
    double sum = 0, eps;
    if (!ix->dirty) return AIENG_OK;
    if (!aieng__bm25_grow((void **)&ix->idf, &ix->idfcap, ix->nwords ? ix->nwords : 1, sizeof *ix->idf))
        return aieng_set_error(AIENG_ERR_OOM, "bm25: out of memory");
    if (N > ix->doccap) { /* per-document arrays: norm, touched, acc, mark */
        size_t nc = ix->doccap, c2 = nc * 2 > N ? nc * 2 : N;
        void *p;
        if (c2 < 16) c2 = 16;
        if (c2 > (size_t)-1 / sizeof(double)) return aieng_set_error(AIENG_ERR_OOM, "bm25: out of memory");
        if (!(p = aieng_realloc(NULL, ix->norm, c2 * sizeof *ix->norm))) return aieng_set_error(AIENG_ERR_OOM, "bm25: out of memory");
        ix->norm = (double *)p;
        if (!(p = aieng_realloc(NULL, ix->touched, c2 * sizeof *ix->touched))) return aieng_set_error(AIENG_ERR_OOM, "bm25: out of memory");
        ix->touched = (uint32_t *)p;
        if (!(p = aieng_realloc(NULL, ix->acc, c2 * sizeof *ix->acc))) return aieng_set_error(AIENG_ERR_OOM, "bm25: out of memory");
        ix->acc = (double *)p;
        memset(ix->acc + nc, 0, (c2 - nc) * sizeof *ix->acc);
        if (!(p = aieng_realloc(NULL, ix->mark, c2))) return aieng_set_error(AIENG_ERR_OOM, "bm25: out of memory");
        ix->mark = (unsigned char *)p;
        memset(ix->mark + nc, 0, c2 - nc);
        ix->doccap = c2;
    }
    for (i = 0; i < ix->nwords; i++) {
        double df = (double)ix->words[i].np;
        double v = log((double)(N - ix->words[i].np) + 0.5) - log(df + 0.5);
        ix->idf[i] = v;
        sum += v;
    }
    eps = ix->nwords ? ix->epsilon * (sum / (double)ix->nwords) : 0;
    for (i = 0; i < ix->nwords; i++)
        if (ix->idf[i] < 0) ix->idf[i] = eps;
    ix->avgdl = N ? (double)ix->total / (double)N : 0;
    for (i = 0; i < N; i++) {
        /* rank_bm25: k1 * (1 - b + b * doc_len / avgdl), evaluated left to right */
        double x = ix->b * (double)ix->dlen[i];
        x = ix->avgdl > 0 ? x / ix->avgdl : 0;
        x = (1.0 - ix->b) + x;
        ix->norm[i] = ix->k1 * x;
    }
    ix->dirty = 0;
    return AIENG_OK;
}

/* the contribution of one posting: idf * (tf * (k1 + 1) / (tf + norm)), one rounding per step;
   the product goes through a volatile so that no compiler fuses it with the sum it is added to
   (an FMA, e.g. gcc's default -ffp-contract=fast in GNU mode, would change the last bit) */
static double aieng__bm25_term(const aieng_bm25 *ix, double idf, uint32_t tf, uint32_t doc) {
    double f = (double)tf, num, den;
    volatile double r;
    num = f * (ix->k1 + 1.0);
    den = f + ix->norm[doc];
    r = idf * (num / den);
    return r;
}

AIENG_API aieng_result aieng_bm25_scores(aieng_bm25 *ix, const char *query, size_t len, double *scores) {
    const unsigned char *q = (const unsigned char *)query;
    size_t pos = 0, ws, wl, slot, i;
    aieng_result r;
    if (!ix || !scores) return aieng_set_error(AIENG_ERR_INVALID_ARG, "bm25_scores: index or scores is NULL");
    if (!query && len) return aieng_set_error(AIENG_ERR_INVALID_ARG, "bm25_scores: query is NULL");
    if ((r = aieng__bm25_prepare(ix)) != AIENG_OK) return r;
    for (i = 0; i < ix->ndocs; i++) scores[i] = 0;
    while (aieng__bm25_next(q, len, &pos, &ws, &wl)) {
        uint32_t w = aieng__bm25_find(ix, q + ws, wl, aieng__bm25_hash(q + ws, wl), &slot);
        const aieng__bm25_word *W;
        double idf;
        uint32_t p;
        if (w == UINT32_MAX) continue; /* not in the corpus: adds 0 */
        W = &ix->words[w];
        idf = ix->idf[w];
        for (p = 0; p < W->np; p++) {
            double t = aieng__bm25_term(ix, idf, W->post[p].tf, W->post[p].doc);
            scores[W->post[p].doc] += t;
        }
    }
    return AIENG_OK;
}

/* a ranks before b: higher score, then smaller id */
static int aieng__bm25_before(double sa, uint32_t a, double sb, uint32_t b) { return sa > sb || (sa == sb && a < b); }
static void aieng__bm25_sift(aieng__bm25_hit *h, size_t n, size_t i) { /* min-heap on rank: the root ranks last */
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        aieng__bm25_hit t;
        if (l < n && aieng__bm25_before(h[m].s, h[m].id, h[l].s, h[l].id)) m = l;
        if (r < n && aieng__bm25_before(h[m].s, h[m].id, h[r].s, h[r].id)) m = r;
        if (m == i) return;
        t = h[i]; h[i] = h[m]; h[m] = t;
        i = m;
    }
}

AIENG_API aieng_result aieng_bm25_search(aieng_bm25 *ix, const char *query, size_t len, int k, int64_t *ids,
                                         double *scores, int *n) {
    const unsigned char *q = (const unsigned char *)query;
    size_t pos = 0, ws, wl, slot, i, nt = 0, kk, nh = 0, out, u;
    aieng__bm25_hit *h;
    aieng_result r;
    if (n) *n = 0;
    if (!ix || !ids || !n) return aieng_set_error(AIENG_ERR_INVALID_ARG, "bm25_search: index, ids or n is NULL");
    if (!query && len) return aieng_set_error(AIENG_ERR_INVALID_ARG, "bm25_search: query is NULL");
    if (k <= 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "bm25_search: k must be > 0 (got %d)", k);
    if ((r = aieng__bm25_prepare(ix)) != AIENG_OK) return r;
    kk = (size_t)k < ix->ndocs ? (size_t)k : ix->ndocs;
    if (kk == 0) return AIENG_OK;
    if (!aieng__bm25_grow((void **)&ix->heap, &ix->heapcap, kk, sizeof *ix->heap))
        return aieng_set_error(AIENG_ERR_OOM, "bm25_search: out of memory");
    h = ix->heap;
    /* accumulate over the postings of the query's words (acc and mark are all zero between calls) */
    while (aieng__bm25_next(q, len, &pos, &ws, &wl)) {
        uint32_t w = aieng__bm25_find(ix, q + ws, wl, aieng__bm25_hash(q + ws, wl), &slot), p;
        const aieng__bm25_word *W;
        double idf;
        if (w == UINT32_MAX) continue;
        W = &ix->words[w];
        idf = ix->idf[w];
        for (p = 0; p < W->np; p++) {
            uint32_t d = W->post[p].doc;
            double t = aieng__bm25_term(ix, idf, W->post[p].tf, d);
            if (!ix->mark[d]) { ix->mark[d] = 1; ix->touched[nt++] = d; }
            ix->acc[d] += t;
        }
    }
    /* the best kk of the touched documents */
    for (i = 0; i < nt; i++) {
        uint32_t d = ix->touched[i];
        double s = ix->acc[d];
        if (nh < kk) {
            size_t c = nh++;
            h[c].s = s; h[c].id = d;
            while (c > 0) { /* sift up: a parent ranking before its child moves down */
                size_t p = (c - 1) / 2;
                aieng__bm25_hit t;
                if (!aieng__bm25_before(h[p].s, h[p].id, h[c].s, h[c].id)) break;
                t = h[p]; h[p] = h[c]; h[c] = t;
                c = p;
            }
        } else if (aieng__bm25_before(s, d, h[0].s, h[0].id)) {
            h[0].s = s; h[0].id = d;
            aieng__bm25_sift(h, nh, 0);
        }
    }
    /* heap order -> rank order, from the back */
    for (i = nh; i > 0; i--) {
        aieng__bm25_hit t = h[0];
        h[0] = h[i - 1];
        h[i - 1] = t;
        aieng__bm25_sift(h, i - 1, 0);
    }
    /* merge with the untouched documents (score 0, by id) */
    for (out = 0, i = 0, u = 0; out < kk; out++) {
        while (u < ix->ndocs && ix->mark[u]) u++;
        if (u < ix->ndocs && (i >= nh || aieng__bm25_before(0.0, (uint32_t)u, h[i].s, h[i].id))) {
            ids[out] = (int64_t)u;
            if (scores) scores[out] = 0;
            u++;
        } else {
            ids[out] = (int64_t)h[i].id;
            if (scores) scores[out] = h[i].s;
            i++;
        }
    }
    for (i = 0; i < nt; i++) { ix->acc[ix->touched[i]] = 0; ix->mark[ix->touched[i]] = 0; }
    *n = (int)kk;
    return AIENG_OK;
}

/* ---------------------------------------------------------------- chunking */
/* the end of the chunk starting at s whose window is [lo, hi] (hi < len): see TEXT CHUNKING */
static size_t aieng__chunk_cut(const unsigned char *t, size_t s, size_t lo, size_t hi) {
    size_t c, sentence = 0, space = 0, k = 0;
    for (c = hi; c >= lo; c--) {
        unsigned char ch = t[c - 1];
        if (ch == '\n') {
            size_t j = c - 1;
            while (j > s && (t[j - 1] == ' ' || t[j - 1] == '\t' || t[j - 1] == '\r')) j--;
            if (j > s && t[j - 1] == '\n') return c; /* after a blank line */
            if (!sentence) sentence = c;
        } else if (ch == ' ' || ch == '\t') {
            if (!space) space = c;
            if (!sentence && ch == ' ' && c - 1 > s && (t[c - 2] == '.' || t[c - 2] == '!' || t[c - 2] == '?')) sentence = c;
        }
        if (c == lo) break;
    }
    if (sentence) return sentence;
    if (space) return space;
    c = hi;
    while (k < 3 && c > lo && (t[c] & 0xC0) == 0x80) { c--; k++; }
    return c;
}

AIENG_API aieng_result aieng_text_chunk(const char *text, size_t len, size_t max_bytes, size_t overlap,
                                        size_t *starts, size_t *lens, size_t cap, size_t *n) {
    const unsigned char *t = (const unsigned char *)text;
    size_t s = 0, cnt = 0;
    if (n) *n = 0;
    if (!n) return aieng_set_error(AIENG_ERR_INVALID_ARG, "text_chunk: n is NULL");
    if (!text && len) return aieng_set_error(AIENG_ERR_INVALID_ARG, "text_chunk: text is NULL");
    if (max_bytes < 16) return aieng_set_error(AIENG_ERR_INVALID_ARG, "text_chunk: max_bytes %zu < 16", max_bytes);
    if (overlap >= max_bytes / 2)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "text_chunk: overlap %zu must be < max_bytes / 2", overlap);
    if (cap && (!starts || !lens)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "text_chunk: starts or lens is NULL");
    while (s < len) {
        size_t c, ns, p;
        if (len - s <= max_bytes) {
            if (cnt < cap) { starts[cnt] = s; lens[cnt] = len - s; }
            cnt++;
            break;
        }
        c = aieng__chunk_cut(t, s, s + max_bytes / 2, s + max_bytes);
        if (cnt < cap) { starts[cnt] = s; lens[cnt] = c - s; }
        cnt++;
        ns = c; /* the overlap: the earliest word start in [c - overlap, c) (c - overlap > s) */
        for (p = c - overlap; p < c; p++)
            if (aieng__bm25_isword(t[p]) && !aieng__bm25_isword(t[p - 1])) { ns = p; break; }
        s = ns;
    }
    *n = cnt;
    if (cnt > cap) return aieng_set_error(AIENG_ERR_OOM, "text_chunk: %zu chunks, room for %zu", cnt, cap);
    return AIENG_OK;
}

/* @@NEXT@@ */

AIENG_EXTERN_C_END
#endif /* AIENG_AGENT_IMPLEMENTED */
#endif /* AIENG_AGENT_IMPLEMENTATION */

/*
MIT License

Copyright (c) 2026 the aieng authors

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
*/
