package bench

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/ldaccess/ldaccess/wrapper"
)

// BenchmarkIterateMemory iterates 10,000 and 100,000 members and reports the heap they need.
//
// Method. The server encodes 10 distinct pages of 100 members once and cycles through them
// (with each page's own links and totalCount), so the data it holds is the same ~1 MB for both
// sizes. Before each iteration the benchmark runs a GC; then every 1,000 members the loop
// body forces a GC and reads runtime/metrics' /gc/heap/live:bytes, the bytes the collector
// found reachable: the client's live working set at that moment (its current page, its
// buffers), plus the server's fixed data. Its maximum is reported as peak-live-B, and the
// maximum minus the live heap before the iteration started as live-delta-B. A goroutine also
// samples /memory/classes/heap/objects:bytes (live plus not-yet-collected objects) every
// millisecond; its maximum is peak-heap-B, for information. The target: 100k's
// peak-live-B ≤ 1.2 × 10k's.
func BenchmarkIterateMemory(b *testing.B) {
	ctx := context.Background()
	releaseShared() // so that its 10 MB of bodies is not part of what is measured
	for _, n := range []int{10_000, 100_000} {
		s := newBenchServer(b, n, 100, 10)
		b.Run(fmt.Sprintf("members=%dk/wrapper", n/1000), func(b *testing.B) {
			c := newWrapper(b, s.URL)
			measureIteration(b, n, func(visit func()) error {
				for m, err := range c.Members(ctx, wrapper.MembersQuery{PageSize: 100}) {
					if err != nil {
						return err
					}
					sink = m.ID
					visit()
				}
				return nil
			})
		})
		b.Run(fmt.Sprintf("members=%dk/baseline", n/1000), func(b *testing.B) {
			c := newBaseline(s.URL)
			measureIteration(b, n, func(visit func()) error {
				return c.eachMember(ctx, 100, func(m *minMember) { sink = m.ID; visit() })
			})
		})
		s.release() // the next size must not carry this one's data
	}
}

// measureIteration runs iterate (which calls visit once per member) b.N times and reports the
// heap metrics described on BenchmarkIterateMemory.
func measureIteration(b *testing.B, want int, iterate func(visit func()) error) {
	b.ReportAllocs()
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	readLive := func() uint64 {
		metrics.Read(live)
		return live[0].Value.Uint64()
	}
	var peakLive, peakDelta uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var peakHeap uint64
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				metrics.Read(s)
				peakHeap = max(peakHeap, s[0].Value.Uint64())
			}
		}
	}()
	for b.Loop() {
		runtime.GC()
		before := readLive()
		n := 0
		err := iterate(func() {
			n++
			if n%1000 == 0 {
				runtime.GC()
				l := readLive()
				peakLive = max(peakLive, l)
				if l > before {
					peakDelta = max(peakDelta, l-before)
				}
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != want {
			b.Fatalf("iterated %d members, want %d", n, want)
		}
	}
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(peakLive), "peak-live-B")
	b.ReportMetric(float64(peakDelta), "live-delta-B")
	b.ReportMetric(float64(peakHeap), "peak-heap-B")
}
