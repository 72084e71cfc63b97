// Package bench holds the benchmarks of issue 6: the wrapper against a plain net/http +
// encoding/json baseline on the same in-process server serving pre-encoded, realistic bodies;
// peak heap while iterating 10,000 and 100,000 members; and rate-limit efficiency against the
// fake. Run them with `make bench`, which prints each case's time, allocations, ratio to the
// baseline and target. No test here asserts a time.
package bench
