package access

import "sync"

// bus hands events to subscribers. Its zero value has no subscribers.
type bus struct {
	mu   sync.Mutex
	next int
	subs map[int]func(Event)
}

// Subscribe calls fn with every event once the transaction that caused
// it has committed, in the goroutine of the request that caused it, so fn
// must return quickly. Events carry no values. cancel stops delivery.
func (s *Service) Subscribe(fn func(Event)) (cancel func()) {
	b := &s.bus
	b.mu.Lock()
	defer b.mu.Unlock()

	if b.subs == nil {
		b.subs = make(map[int]func(Event))
	}
	id := b.next
	b.next++
	b.subs[id] = fn

	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, id)
	}
}

func (b *bus) publish(events []Event) {
	if len(events) == 0 {
		return
	}

	b.mu.Lock()
	subs := make([]func(Event), 0, len(b.subs))
	for _, fn := range b.subs {
		subs = append(subs, fn)
	}
	b.mu.Unlock()

	for _, e := range events {
		for _, fn := range subs {
			fn(e)
		}
	}
}
