package live

import (
	"bytes"
	"context"
	"sync"
	"testing"
)

// BenchmarkFanOut_10000Subscribers measures one notification (decoding
// included) delivered in-process to 10,000 subscribers of one topic.
//
// "readers": each subscriber has a goroutine draining its channel; the time
// includes delivery until every reader has seen the last event.
// "stalled": nobody reads, so every event coalesces in every buffer; the time
// is what the listener goroutine spends, which must stay bounded.
func BenchmarkFanOut_10000Subscribers(b *testing.B) {
	const subscribers = 10000
	payload := `{"t":"bench","d":1}`
	last := `{"t":"bench","d":-1}`

	b.Run("readers", func(b *testing.B) {
		br := NewBroker("", nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var done sync.WaitGroup
		for range subscribers {
			ch := br.Subscribe(ctx, "bench")
			done.Add(1)
			go func() {
				defer done.Done()
				for e := range ch {
					if bytes.Equal(e.Data, []byte("-1")) {
						return
					}
				}
			}()
		}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			br.dispatch(payload)
		}
		// The newest event always survives coalescing, so every reader
		// sees the last one.
		br.dispatch(last)
		done.Wait()
	})

	b.Run("stalled", func(b *testing.B) {
		br := NewBroker("", nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		for range subscribers {
			br.Subscribe(ctx, "bench")
		}
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			br.dispatch(payload)
		}
	})
}
