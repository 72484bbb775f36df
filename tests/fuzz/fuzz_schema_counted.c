/* fuzz_schema with a bound of 4 states on explicit product automata with a count, so that every string
   automaton with a length count over 4 states is written as a %dfa (the automaton without
   the count; the matcher counts): the same invariants, on that form.
   make build/fuzz/fuzz_schema_counted && build/fuzz/fuzz_schema_counted -max_total_time=300 build/fuzz/corpus-fuzz_schema_counted tests/fuzz/corpus/fuzz_schema_counted */
#define AIENG__SC_COUNTED_AT 4
#include "fuzz_schema.c"
